"""A database, folder, password or site name a command cannot use is refused in one `error:` line
with exit status 2, never a traceback; Ctrl-C during an import ends with status 130."""

from __future__ import annotations

import getpass
import io
from pathlib import Path

import pytest
from sqlalchemy import select

from commentdesk.cli import main
from commentdesk.importers import loader
from commentdesk.store.db import make_engine, session_factory
from commentdesk.store.models import Comment, Site, User

DISQUS_EXPORT = Path(__file__).parent.parent / "fixtures" / "importers" / "disqus.xml"
PASSWORD = "a long enough password"
COMMANDS = (["migrate"], ["users", "list"], ["export", "--site", "news"])


def one_error_line(err: str, *words: str) -> str:
    assert "Traceback" not in err, err
    lines = [line for line in err.splitlines() if line.startswith("error:")]
    assert len(lines) == 1, err
    for word in words:
        assert word in lines[0], lines[0]
    return lines[0]


def not_a_database(tmp_path: Path) -> str:
    path = tmp_path / "notes.sqlite3"
    path.write_text("these are notes, not a database\n" * 100)
    return f"sqlite:///{path}"


@pytest.mark.parametrize("command", COMMANDS, ids=lambda argv: argv[0])
@pytest.mark.parametrize(
    ("url", "words"),
    [
        (lambda _tmp: "not a url", ["--database-url", "not a database URL"]),
        (lambda _tmp: "mysql://editor:hunter2@db.example/news", ["--database-url", "'mysql' databases are not supported"]),
        (lambda _tmp: "postgresql+psycopg://editor:hunter2@127.0.0.1:1/news", ["cannot open the database", "127.0.0.1:1"]),
        (not_a_database, ["cannot open the database", "file is not a database"]),
    ],
    ids=["unparseable", "mysql", "unreachable-postgresql", "not-a-database-file"],
)
def test_a_database_url_that_cannot_be_used_is_one_line(tmp_path, capsys, command, url, words):
    assert main([*command, "--database-url", url(tmp_path)]) == 2
    line = one_error_line(capsys.readouterr().err, *words)
    assert "hunter2" not in line  # a password in the URL is never repeated


@pytest.mark.parametrize("command", COMMANDS, ids=lambda argv: argv[0])
def test_a_data_dir_that_is_a_file_is_one_line(tmp_path, capsys, command):
    (tmp_path / "data").write_text("not a folder")
    assert main([*command, "--data-dir", str(tmp_path / "data")]) == 2
    one_error_line(capsys.readouterr().err, "--data-dir", "is not a folder")


@pytest.mark.parametrize(
    "argv",
    [
        ["serve", "--data-dir", "FILE"],
        ["demo", "--data-dir", "FILE"],
        ["serve", "--database-url", "postgresql+psycopg://editor:hunter2@127.0.0.1:1/news"],
        ["serve", "--database-url", "sqlite:///DB", "--data-dir", "FILE"],  # where the secret would be kept
    ],
    ids=["serve-data-dir", "demo-data-dir", "serve-unreachable", "serve-secret"],
)
def test_a_server_that_cannot_use_its_database_or_folder_says_so_before_it_starts(tmp_path, capsys, argv):
    (tmp_path / "file").write_text("not a folder")
    argv = [arg.replace("FILE", str(tmp_path / "file")).replace("DB", str(tmp_path / "cd.sqlite3")) for arg in argv]
    assert main([*argv, "--no-load-models"]) == 2
    line = one_error_line(capsys.readouterr().err)
    assert "hunter2" not in line and ("--data-dir" in line or "cannot open the database" in line), line


def test_a_data_dir_that_cannot_be_created_is_one_line(tmp_path, capsys):
    (tmp_path / "file").write_text("not a folder")
    assert main(["users", "list", "--data-dir", str(tmp_path / "file" / "data")]) == 2
    one_error_line(capsys.readouterr().err, "--data-dir", "cannot be created")


def test_import_with_a_data_dir_that_cannot_hold_the_secret_is_one_line(tmp_path, capsys):
    url = f"sqlite:///{tmp_path / 'cd.sqlite3'}"
    assert main(["sites", "add", "news", "--name", "News", "--database-url", url]) == 0
    (tmp_path / "data").write_text("not a folder")
    argv = ["import", "disqus", str(DISQUS_EXPORT), "--site", "news", "--database-url", url, "--data-dir", str(tmp_path / "data")]
    assert main(argv) == 2
    one_error_line(capsys.readouterr().err, "--data-dir", "instance secret", "--secret-key")


# --- users add: the password ----------------------------------------------------------------------


@pytest.fixture
def url(tmp_path) -> str:
    return f"sqlite:///{tmp_path / 'cd.sqlite3'}"


def usernames(url: str) -> list[str]:
    engine = make_engine(url)
    try:
        with session_factory(engine)() as session:
            return list(session.scalars(select(User.username)))
    finally:
        engine.dispose()


@pytest.mark.parametrize("errors", ["strict", "surrogateescape"])
def test_a_password_on_stdin_that_is_not_utf8_is_refused(url, capsys, monkeypatch, errors):
    stdin = io.TextIOWrapper(io.BytesIO(b"\xff\xfe" + PASSWORD.encode() + b"\n"), encoding="utf-8", errors=errors)
    monkeypatch.setattr("sys.stdin", stdin)
    assert main(["users", "add", "ana", "--role", "admin", "--password-stdin", "--database-url", url]) == 2
    one_error_line(capsys.readouterr().err, "not UTF-8")
    assert usernames(url) == []


def test_without_a_terminal_the_password_must_come_with_password_stdin(url, capsys, monkeypatch):
    # No terminal, as under cron: getpass falls back to stdin (here empty) after a warning.
    monkeypatch.setattr("getpass.getpass", getpass.fallback_getpass)
    monkeypatch.setattr("sys.stdin", io.StringIO(""))
    assert main(["users", "add", "ana", "--role", "admin", "--database-url", url]) == 2
    one_error_line(capsys.readouterr().err, "--password-stdin")
    assert usernames(url) == []


def test_a_password_not_given_at_the_terminal_is_one_line(url, capsys, monkeypatch):
    def ctrl_d(_prompt: str) -> str:
        raise EOFError

    monkeypatch.setattr("getpass.getpass", ctrl_d)
    assert main(["users", "add", "ana", "--role", "admin", "--database-url", url]) == 2
    one_error_line(capsys.readouterr().err, "no password given")


# --- sites add: the name, the same on both databases ----------------------------------------------


@pytest.mark.parametrize(
    ("name", "words"),
    [
        ("x" * 201, ["at most 200 characters", "got 201"]),
        ("", ["cannot be empty"]),
        ("   ", ["cannot be empty"]),
        ("The\tCourier", ["control characters"]),
        ("The Courier\n", ["control characters"]),
        ("The \x1b[31mCourier", ["control characters"]),
        ("The \udcffCourier", ["undecodable"]),
    ],
    ids=["too-long", "empty", "blank", "tab", "newline", "escape", "surrogate"],
)
def test_a_site_name_that_cannot_be_stored_is_refused(database_url, capsys, name, words):
    assert main(["sites", "add", "news", "--name", name, "--database-url", database_url]) == 2
    one_error_line(capsys.readouterr().err, "--name", *words)
    engine = make_engine(database_url)
    with session_factory(engine)() as session:
        assert session.scalar(select(Site).where(Site.slug == "news")) is None
    engine.dispose()


def test_a_site_name_as_long_as_the_column_allows_is_stored(database_url, capsys):
    name = "é" * 200  # characters, not bytes, on both databases
    assert main(["sites", "add", "news", "--name", name, "--database-url", database_url]) == 0
    engine = make_engine(database_url)
    with session_factory(engine)() as session:
        assert session.scalar(select(Site.name).where(Site.slug == "news")) == name
    engine.dispose()


# --- Ctrl-C during an import ----------------------------------------------------------------------


def test_ctrl_c_during_an_import_is_one_line_and_status_130(url, capsys, monkeypatch):
    assert main(["sites", "add", "news", "--name", "News", "--database-url", url]) == 0
    capsys.readouterr()
    added = []
    add = loader.Loader.add

    def interrupted_after_a_few(self, record):
        added.append(record)
        if len(added) == 6:
            raise KeyboardInterrupt
        add(self, record)

    monkeypatch.setattr(loader.Loader, "add", interrupted_after_a_few)
    argv = ["import", "disqus", str(DISQUS_EXPORT), "--site", "news", "--database-url", url, "--secret-key", "s"]
    assert main(argv) == 130
    err = capsys.readouterr().err
    assert "Traceback" not in err and err.strip().splitlines()[-1] == "interrupted: nothing was imported"
    engine = make_engine(url)
    with session_factory(engine)() as session:
        assert session.scalars(select(Comment)).all() == []  # rolled back
    engine.dispose()


def test_an_export_piped_into_a_reader_that_stops_early_ends_quietly(url, capsys, monkeypatch):
    assert main(["sites", "add", "news", "--name", "News", "--database-url", url]) == 0
    assert main(["import", "disqus", str(DISQUS_EXPORT), "--site", "news", "--database-url", url, "--secret-key", "s"]) == 0
    capsys.readouterr()

    class ClosedPipe(io.StringIO):  # `commentdesk export ... | head -1` once head has exited
        def write(self, text):
            raise BrokenPipeError(32, "Broken pipe")

    monkeypatch.setattr("sys.stdout", ClosedPipe())
    assert main(["export", "--site", "news", "--database-url", url]) == 141
    assert "Traceback" not in capsys.readouterr().err


# --- users add: the username ----------------------------------------------------------------------


@pytest.mark.parametrize("name", ["nl\n", "nl\r\n", "\nnl", "n l"])
def test_a_username_with_a_line_break_or_space_is_refused(url, capsys, monkeypatch, name):
    monkeypatch.setattr("sys.stdin", io.StringIO(PASSWORD + "\n"))
    assert main(["users", "add", name, "--role", "admin", "--password-stdin", "--database-url", url]) == 2
    one_error_line(capsys.readouterr().err, "a username is")
    assert usernames(url) == []


def test_a_username_differing_only_in_case_from_another_is_refused(url, capsys, monkeypatch):
    monkeypatch.setattr("sys.stdin", io.StringIO(PASSWORD + "\n"))
    assert main(["users", "add", "editor", "--role", "admin", "--password-stdin", "--database-url", url]) == 0
    monkeypatch.setattr("sys.stdin", io.StringIO(PASSWORD + "\n"))
    assert main(["users", "add", "EDITOR", "--role", "moderator", "--password-stdin", "--database-url", url]) == 2
    one_error_line(capsys.readouterr().err, "'editor' exists already")
    assert usernames(url) == ["editor"]
