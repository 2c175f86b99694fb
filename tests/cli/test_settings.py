"""Settings: a flag beats its COMMENTDESK_ variable, which beats the default; a wrong value stops
the command at once with one line naming the flag and the variable."""

from __future__ import annotations

import argparse
import stat
from pathlib import Path

import pytest

from commentdesk.cli import main
from commentdesk.config import (
    EvaluationSettings,
    ModelRuntimeSettings,
    Settings,
    SettingsError,
    add_settings_arguments,
    settings_from,
)


def parsed(*argv: str) -> argparse.Namespace:
    parser = argparse.ArgumentParser()
    add_settings_arguments(parser)
    return parser.parse_args(list(argv))


def one_error_line(err: str) -> str:
    lines = [line for line in err.splitlines() if line.startswith("error:")]
    assert len(lines) == 1 and "Traceback" not in err, err
    return lines[0]


def test_the_flag_beats_the_environment_which_beats_the_default(monkeypatch):
    assert settings_from(parsed()).port == 8000
    monkeypatch.setenv("COMMENTDESK_PORT", "9001")
    monkeypatch.setenv("COMMENTDESK_LOAD_MODELS", "no")
    monkeypatch.setenv("COMMENTDESK_MODELS_DIR", "/srv/models")
    from_env = settings_from(parsed())
    assert (from_env.port, from_env.load_models, from_env.models_dir) == (9001, False, Path("/srv/models"))
    from_flags = settings_from(parsed("--port", "9002", "--load-models", "--models-dir", "weights"))
    assert (from_flags.port, from_flags.load_models, from_flags.models_dir) == (9002, True, Path("weights"))


def test_an_empty_variable_means_off_or_none(monkeypatch):
    monkeypatch.setenv("COMMENTDESK_ACCESS_LOG", "")
    monkeypatch.setenv("COMMENTDESK_MODELS_DIR", "")
    settings = settings_from()
    assert settings.access_log is False and settings.models_dir is None
    assert settings.resolved_models_dir() == Path("data") / "models"


def test_an_empty_variable_for_a_folder_or_address_that_must_have_one_means_its_default(monkeypatch):
    monkeypatch.setenv("COMMENTDESK_DATA_DIR", "")
    monkeypatch.setenv("COMMENTDESK_HOST", "")
    settings = settings_from()
    assert settings.data_dir == Path("data") and settings.host == "127.0.0.1"  # never every interface


def test_settings_built_in_code_keep_their_helpers(tmp_path):
    settings = Settings(data_dir=tmp_path / "data", max_active_requests=4)
    assert settings.resolved_database_url() == f"sqlite:///{(tmp_path / 'data' / 'commentdesk.sqlite3').resolve()}"
    assert settings.database_connections() > 4 and settings.worker_threads() > 4
    secret = settings.resolved_secret()
    kept = tmp_path / "data" / "secret.key"
    assert kept.read_text() == secret and stat.S_IMODE(kept.stat().st_mode) == 0o600
    assert Settings(data_dir=tmp_path / "data").resolved_secret() == secret


@pytest.mark.parametrize(
    ("public_url", "fallback", "expected"),
    [
        ("https://comments.example/", "http://10.0.0.5:8000/", "https://comments.example"),
        ("", "http://10.0.0.5:8000/", "http://10.0.0.5:8000"),
        ("", None, "http://0.0.0.0:9000"),
        ("/", None, "http://0.0.0.0:9000"),
    ],
)
def test_the_public_base_url_is_the_configured_one_else_the_fallback_else_the_listening_address(public_url, fallback, expected):
    settings = Settings(public_url=public_url, host="0.0.0.0", port=9000)
    assert settings.public_base_url(fallback) == expected


def test_every_setting_is_a_flag_of_serve_with_its_variable_in_the_help(capsys):
    with pytest.raises(SystemExit):
        main(["serve", "--help"])
    help_text = " ".join(capsys.readouterr().out.split())
    for name in Settings.model_fields:
        assert "--" + name.replace("_", "-") in help_text
        assert f"[env COMMENTDESK_{name.upper()}" in help_text
    assert "[env COMMENTDESK_PORT; default: 8000]" in help_text and "[env COMMENTDESK_ACCESS_LOG; default: on]" in help_text
    assert "[env COMMENTDESK_SECRET_KEY]" in help_text  # an empty default is said by the help itself


def test_the_demos_help_shows_its_own_data_folder(capsys):
    with pytest.raises(SystemExit):
        main(["demo", "--help"])
    assert "[env COMMENTDESK_DATA_DIR; default: demo-data]" in " ".join(capsys.readouterr().out.split())


@pytest.mark.parametrize(
    ("argv", "environment", "named"),
    [
        (["--port", "70000"], {}, "--port / COMMENTDESK_PORT"),
        (["--workers", "-1"], {}, "--workers / COMMENTDESK_WORKERS"),
        ([], {"COMMENTDESK_MAX_ACTIVE_REQUESTS": "0"}, "--max-active-requests / COMMENTDESK_MAX_ACTIVE_REQUESTS"),
        ([], {"COMMENTDESK_SMTP_SECURITY": "ssl"}, "--smtp-security / COMMENTDESK_SMTP_SECURITY"),
        (["--model-variant", "largest"], {}, "--model-variant / COMMENTDESK_MODEL_VARIANT"),
        (["--check-wait-ms", "soon"], {}, "--check-wait-ms / COMMENTDESK_CHECK_WAIT_MS"),
        # Longer than the API takes a comment: the setting could never be met.
        (["--max-comment-chars", "50000"], {}, "--max-comment-chars / COMMENTDESK_MAX_COMMENT_CHARS"),
        ([], {"COMMENTDESK_LOG_LEVEL": "loud"}, "--log-level / COMMENTDESK_LOG_LEVEL"),
        (["--smtp-host", "mail.example"], {}, "--mail-from"),
    ],
)
def test_a_wrong_value_stops_serve_before_anything_starts(tmp_path, monkeypatch, capsys, argv, environment, named):
    for name, value in environment.items():
        monkeypatch.setenv(name, value)
    code = main(["serve", "--data-dir", str(tmp_path / "data"), *argv])
    assert code == 2
    assert named in one_error_line(capsys.readouterr().err)
    assert not (tmp_path / "data").exists()  # refused before the data folder or database is touched


def test_a_wrong_variable_names_itself_for_any_command(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("COMMENTDESK_DIGEST_HOURS", "0")
    assert main(["migrate", "--database-url", f"sqlite:///{tmp_path / 'db.sqlite3'}"]) == 2
    line = one_error_line(capsys.readouterr().err)
    assert "COMMENTDESK_DIGEST_HOURS" in line and "greater than 0" in line


def test_secrets_are_never_repeated_in_an_error():
    with pytest.raises(SettingsError) as refused:
        settings_from(secret_key=["hunter2"], port="0")
    assert "hunter2" not in str(refused.value) and "--secret-key / COMMENTDESK_SECRET_KEY" in str(refused.value)


def test_the_demo_keeps_its_own_data_folder_unless_told(tmp_path, monkeypatch):
    import commentdesk.app

    class Started(Exception):
        pass

    chosen = []

    def create_app(settings, *args, **kwargs):
        chosen.append((settings.data_dir, settings.database_url))
        raise Started

    monkeypatch.setattr(commentdesk.app, "create_app", create_app)
    monkeypatch.chdir(tmp_path)  # its database is made before the app
    monkeypatch.setenv("COMMENTDESK_DATABASE_URL", "postgresql+psycopg://nobody@127.0.0.1/elsewhere")
    for argv in ([], ["--data-dir", str(tmp_path / "flag")]):
        with pytest.raises(Started):
            main(["demo", *argv])
    monkeypatch.setenv("COMMENTDESK_DATA_DIR", str(tmp_path / "env"))
    with pytest.raises(Started):
        main(["demo"])
    assert chosen == [(Path("demo-data"), ""), (tmp_path / "flag", ""), (tmp_path / "env", "")]


def test_the_demo_logs_at_the_level_asked_for(tmp_path, monkeypatch):
    import logging

    import commentdesk.app

    class Started(Exception):
        pass

    def create_app(settings, *args, **kwargs):
        raise Started

    monkeypatch.setattr(commentdesk.app, "create_app", create_app)
    monkeypatch.chdir(tmp_path)
    logger = logging.getLogger("commentdesk")
    before = logger.level
    try:
        with pytest.raises(Started):
            main(["demo", "--log-level", "debug"])
        assert logger.isEnabledFor(logging.DEBUG)
    finally:
        logger.setLevel(before)


def test_the_labeled_data_and_caches_come_from_their_variables(tmp_path, monkeypatch, capsys):
    from commentdesk.evaluation.datasets import default_data_dir
    from commentdesk.evaluation.embedding_cache import default_cache_dir
    from commentdesk.moderation.models.onnx_backend import cache_dir

    monkeypatch.chdir(tmp_path)
    assert default_data_dir() == tmp_path.parent / "shared" / "data" and default_cache_dir() == tmp_path / ".cache"
    monkeypatch.setenv("COMMENTDESK_LABELED_DATA", str(tmp_path / "labeled"))
    monkeypatch.setenv("COMMENTDESK_CACHE_DIR", str(tmp_path / "vectors"))
    monkeypatch.setenv("COMMENTDESK_MODEL_CACHE", str(tmp_path / "onnx"))
    assert default_data_dir() == tmp_path / "labeled" and default_cache_dir() == tmp_path / "vectors"
    assert cache_dir() == tmp_path / "onnx"
    # `train` keeps the harm model's embeddings there too.
    from commentdesk.commands import train
    from commentdesk.evaluation import train_harm

    kept = []
    meta = {"version": "harm-test", "recommended_thresholds": {}, "figures": {}}
    monkeypatch.setattr(train_harm, "train", lambda _data, _out, cache, *_: kept.append(cache) or meta)
    train._train_harm(tmp_path, tmp_path / "weights", argparse.Namespace(commercial=False, cache_dir=None))
    assert kept == [tmp_path / "vectors"]
    # `train` without --data-dir looks where the variable says, and says so.
    assert main(["train", "--out", str(tmp_path / "weights")]) == 2
    assert str(tmp_path / "labeled") in one_error_line(capsys.readouterr().err)


def test_runtime_and_evaluation_settings_are_checked_too(monkeypatch):
    monkeypatch.setenv("COMMENTDESK_EMBEDDER_BACKEND", "gpu")
    with pytest.raises(ValueError, match="onnx"):
        ModelRuntimeSettings()
    monkeypatch.setenv("COMMENTDESK_EMBEDDER_BACKEND", "torch")
    assert ModelRuntimeSettings().embedder_backend == "torch"
    assert EvaluationSettings(labeled_data="sets").resolved_labeled_data() == Path("sets")


def test_a_wrong_embedder_backend_stops_any_command_before_it_starts(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("COMMENTDESK_EMBEDDER_BACKEND", "gpu")
    assert main(["sites", "list", "--data-dir", str(tmp_path / "data")]) == 2
    line = one_error_line(capsys.readouterr().err)
    # A variable without a flag: only the variable is named.
    assert line.startswith("error: COMMENTDESK_EMBEDDER_BACKEND: ") and "'gpu'" in line
    assert not (tmp_path / "data").exists()


def test_the_database_named_by_the_variable_is_the_one_every_command_uses(database_url, tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("COMMENTDESK_DATABASE_URL", database_url)
    monkeypatch.setenv("COMMENTDESK_DATA_DIR", str(tmp_path / "data"))
    assert main(["migrate"]) == 0
    assert main(["sites", "add", "courier", "--name", "The Courier"]) == 0
    assert main(["users", "list"]) == 0
    assert main(["export", "--site", "courier"]) == 0
    capsys.readouterr()
    assert main(["sites", "list"]) == 0
    assert capsys.readouterr().out == "courier\tThe Courier\n"
    assert not (tmp_path / "data" / "commentdesk.sqlite3").exists()  # the variable's database, not the default one
