"""Settings beyond the basics: switches from flags and variables, overrides, rules across settings,
and the secret and caches that settings resolve to."""

from __future__ import annotations

import argparse

import pytest

from commentdesk.cli import main
from commentdesk.config import (
    ModelRuntimeSettings,
    Settings,
    SettingsError,
    add_settings_arguments,
    settings_from,
)


def parsed(*argv: str, only: set[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser()
    add_settings_arguments(parser, only)
    return parser.parse_args(list(argv))


@pytest.mark.parametrize(
    ("value", "expected"), [("true", True), ("1", True), ("yes", True), ("false", False), ("0", False), ("off", False)]
)
def test_a_switch_variable_takes_the_usual_words(monkeypatch, value, expected):
    monkeypatch.setenv("COMMENTDESK_DELIVER_WEBHOOKS", value)
    assert settings_from(parsed()).deliver_webhooks is expected


def test_a_switch_variable_that_is_no_yes_or_no_is_refused_with_its_name(monkeypatch):
    monkeypatch.setenv("COMMENTDESK_ACCESS_LOG", "sometimes")
    with pytest.raises(SettingsError) as refused:
        settings_from(parsed())
    assert str(refused.value).startswith("--access-log / COMMENTDESK_ACCESS_LOG: ")
    assert "'sometimes'" in str(refused.value)


def test_the_negative_flag_beats_a_variable_that_turns_it_on(monkeypatch):
    monkeypatch.setenv("COMMENTDESK_ACCESS_LOG", "true")
    assert settings_from(parsed("--no-access-log")).access_log is False
    assert settings_from(parsed()).access_log is True


def test_explicit_overrides_beat_flags_and_variables(monkeypatch):
    monkeypatch.setenv("COMMENTDESK_HOST", "0.0.0.0")
    settings = settings_from(parsed("--host", "10.0.0.1", "--port", "9000"), host="127.0.0.2")
    assert (settings.host, settings.port) == ("127.0.0.2", 9000)


def test_a_command_offers_only_its_own_settings(capsys):
    args = parsed("--database-url", "sqlite:///x.sqlite3", only={"database_url"})
    assert settings_from(args).database_url == "sqlite:///x.sqlite3"
    with pytest.raises(SystemExit):
        parsed("--port", "9000", only={"database_url"})
    assert "unrecognized arguments: --port 9000" in capsys.readouterr().err


def test_every_wrong_setting_is_named_in_the_one_message():
    with pytest.raises(SettingsError) as refused:
        settings_from(port="0", digest_hours="-1")
    message = str(refused.value)
    assert "--port / COMMENTDESK_PORT" in message and "--digest-hours / COMMENTDESK_DIGEST_HOURS" in message
    assert message.count("; ") == 1


@pytest.mark.parametrize(
    ("given", "says"),
    [
        ({"default_language": "fr"}, "--default-language / COMMENTDESK_DEFAULT_LANGUAGE: one of en, ur, de (got 'fr')"),
        ({"smtp_host": "mail.example", "mail_from": "   "}, "--mail-from (COMMENTDESK_MAIL_FROM) is required with --smtp-host"),
        ({"smtp_port": "0"}, "--smtp-port / COMMENTDESK_SMTP_PORT"),
        ({"max_body_bytes": "0"}, "--max-body-bytes / COMMENTDESK_MAX_BODY_BYTES"),
    ],
)
def test_values_that_cannot_work_are_refused_with_a_clear_message(given, says):
    with pytest.raises(SettingsError) as refused:
        settings_from(**given)
    assert says in str(refused.value)


def test_the_smtp_password_is_never_repeated_in_an_error():
    with pytest.raises(SettingsError) as refused:
        settings_from(smtp_password=["p4ssw0rd-kept-quiet"])
    assert "p4ssw0rd-kept-quiet" not in str(refused.value)
    assert "--smtp-password / COMMENTDESK_SMTP_PASSWORD" in str(refused.value)


def test_mail_with_a_sender_is_accepted():
    settings = settings_from(smtp_host="mail.example", mail_from="Comments <comments@news.example>")
    assert (settings.smtp_host, settings.smtp_security, settings.smtp_port) == ("mail.example", "starttls", 587)


def test_the_kept_secret_is_read_back_without_its_line_ending(tmp_path):
    (tmp_path / "secret.key").write_text("kept-secret-value\n")
    assert Settings(data_dir=tmp_path).resolved_secret() == "kept-secret-value"
    assert Settings(data_dir=tmp_path, secret_key="given").resolved_secret() == "given"


def test_two_fresh_installations_get_different_secrets(tmp_path):
    first = Settings(data_dir=tmp_path / "one").resolved_secret()
    second = Settings(data_dir=tmp_path / "two").resolved_secret()
    assert first != second and len(first) >= 32


def test_a_database_url_wins_over_the_data_folder(tmp_path):
    settings = Settings(data_dir=tmp_path, database_url="postgresql+psycopg://db.example/comments")
    assert settings.resolved_database_url() == "postgresql+psycopg://db.example/comments"
    assert Settings(data_dir=tmp_path, models_dir=tmp_path / "weights").resolved_models_dir() == tmp_path / "weights"


def test_the_model_cache_follows_xdg_then_home_unless_set(tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    assert ModelRuntimeSettings().resolved_model_cache() == tmp_path / "xdg" / "commentdesk"
    monkeypatch.delenv("XDG_CACHE_HOME")
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    assert ModelRuntimeSettings().resolved_model_cache() == tmp_path / "home" / ".cache" / "commentdesk"
    monkeypatch.setenv("COMMENTDESK_MODEL_CACHE", str(tmp_path / "onnx"))
    assert ModelRuntimeSettings().resolved_model_cache() == tmp_path / "onnx"


def test_a_flag_a_command_does_not_offer_stops_it_with_usage(tmp_path, capsys):
    with pytest.raises(SystemExit) as stopped:
        main(["migrate", "--port", "9000", "--database-url", f"sqlite:///{tmp_path / 'db.sqlite3'}"])
    assert stopped.value.code == 2
    assert "unrecognized arguments" in capsys.readouterr().err
    assert not (tmp_path / "db.sqlite3").exists()


def test_the_data_folder_variable_places_the_default_database(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("COMMENTDESK_DATA_DIR", str(tmp_path / "elsewhere"))
    assert main(["migrate"]) == 0
    assert (tmp_path / "elsewhere" / "commentdesk.sqlite3").exists()
    assert capsys.readouterr().err == "database is up to date\n"
