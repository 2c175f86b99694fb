"""`commentdesk users` and `commentdesk sites`: what an operator types, what they see, what is stored."""

from __future__ import annotations

import io

import pytest

from commentdesk.cli import main
from commentdesk.services import accounts
from commentdesk.store import repository as repo
from commentdesk.store.db import make_engine, session_factory

PASSWORD = "a long enough password"


@pytest.fixture
def url(tmp_path, capsys) -> str:
    """An SQLite database with the sites 'news' and 'sport'."""
    database = f"sqlite:///{tmp_path / 'cli.sqlite3'}"
    for slug, name in (("news", "News"), ("sport", "Sport")):
        assert main(["sites", "add", slug, "--name", name, "--database-url", database]) == 0
    capsys.readouterr()
    return database


def run(capsys, url: str, *argv: str, stdin: str | None = None, monkeypatch=None) -> tuple[int, str, str]:
    if stdin is not None:
        monkeypatch.setattr("sys.stdin", io.StringIO(stdin))
    code = main([*argv, "--database-url", url])
    captured = capsys.readouterr()
    return code, captured.out, captured.err


@pytest.fixture
def add_user(url, capsys, monkeypatch):
    """`users add NAME --role ROLE [options] --password-stdin` with PASSWORD piped in, as an operator
    would; returns the exit code, output and errors."""

    def add(name: str, role: str, *options: str, line_end: str = "\n") -> tuple[int, str, str]:
        argv = ("users", "add", name, "--role", role, *options, "--password-stdin")
        return run(capsys, url, *argv, stdin=PASSWORD + line_end, monkeypatch=monkeypatch)

    return add


@pytest.fixture
def ana(add_user) -> str:
    """The moderator 'ana' with PASSWORD."""
    assert add_user("ana", "moderator")[0] == 0
    return "ana"


def error_line(err: str) -> str:
    lines = [line for line in err.splitlines() if line.startswith("error:")]
    assert len(lines) == 1 and "Traceback" not in err, err
    return lines[0]


def stored_user(url: str, username: str):
    engine = make_engine(url)
    try:
        with session_factory(engine)() as session:
            user = accounts.user_by_name(session, username)
            if user is not None:
                session.expunge(user)
            return user
    finally:
        engine.dispose()


def api_key_site(url: str, key: str) -> str | None:
    engine = make_engine(url)
    try:
        with session_factory(engine)() as session:
            site = repo.site_by_api_key(session, key)
            return site.slug if site else None
    finally:
        engine.dispose()


def test_an_account_limited_to_sites_is_created_and_listed_with_them(url, capsys, add_user):
    code, out, _err = add_user("ana", "moderator", "--sites", " sport, news ", line_end="\r\n")
    assert code == 0
    assert out == "user ana created (moderator, sites sport,news)\n"
    code, out, _err = run(capsys, url, "users", "list")
    assert (code, out) == (0, "ana\tmoderator\tnews,sport\tactive\n")
    # The line ending of the piped password is not part of it.
    engine = make_engine(url)
    with session_factory(engine)() as session:
        assert accounts.authenticate(session, "ana", PASSWORD).username == "ana"
    engine.dispose()


def test_the_password_is_asked_twice_on_a_terminal(url, capsys, monkeypatch):
    answers = iter([PASSWORD, PASSWORD])
    monkeypatch.setattr("getpass.getpass", lambda prompt: next(answers))
    code, out, _err = run(capsys, url, "users", "add", "chief", "--role", "admin")
    assert code == 0 and out == "user chief created (admin, all sites)\n"
    assert stored_user(url, "chief").role == "admin"


def test_two_different_passwords_create_nothing(url, capsys, monkeypatch):
    answers = iter([PASSWORD, PASSWORD + "!"])
    monkeypatch.setattr("getpass.getpass", lambda prompt: next(answers))
    code, _out, err = run(capsys, url, "users", "add", "chief", "--role", "admin")
    assert (code, err) == (2, "error: the passwords differ\n")
    assert stored_user(url, "chief") is None


@pytest.mark.parametrize(
    ("argv", "stdin", "says"),
    [
        (["users", "add", "bad name", "--role", "moderator"], PASSWORD, "a username is"),
        (["users", "add", "ana", "--role", "moderator"], "short", "at least"),
        (["users", "add", "ana", "--role", "moderator", "--sites", "news,gone,lost"], PASSWORD, "no site named gone, lost"),
    ],
)
def test_a_refused_account_is_explained_in_one_line_and_not_created(url, capsys, monkeypatch, argv, stdin, says):
    code, _out, err = run(capsys, url, *argv, "--password-stdin", stdin=stdin + "\n", monkeypatch=monkeypatch)
    assert code == 2
    assert says in error_line(err)
    assert stored_user(url, "ana") is None and stored_user(url, "bad name") is None


def test_a_second_account_of_the_same_name_is_refused(url, add_user, ana):
    code, _out, err = add_user("ana", "admin")
    assert code == 2 and "exists already" in error_line(err)
    assert stored_user(url, "ana").role == "moderator"


def test_an_unknown_role_is_refused_by_the_parser(url, capsys):
    with pytest.raises(SystemExit) as stopped:
        main(["users", "add", "ana", "--role", "owner", "--database-url", url])
    assert stopped.value.code == 2
    assert "invalid choice: 'owner'" in capsys.readouterr().err


def test_disable_enable_and_a_new_password(url, capsys, monkeypatch, ana):
    assert run(capsys, url, "users", "disable", "ana")[:2] == (0, "user ana disabled\n")
    assert stored_user(url, "ana").disabled
    assert run(capsys, url, "users", "enable", "ana")[:2] == (0, "user ana enabled\n")
    assert not stored_user(url, "ana").disabled
    code, out, _err = run(
        capsys, url, "users", "set-password", "ana", "--password-stdin", stdin="another long password\n", monkeypatch=monkeypatch
    )
    assert (code, out) == (0, "password for ana changed\n")
    engine = make_engine(url)
    with session_factory(engine)() as session:
        with pytest.raises(accounts.LoginRefused):
            accounts.authenticate(session, "ana", PASSWORD)
        assert accounts.authenticate(session, "ana", "another long password").username == "ana"
    engine.dispose()


def test_a_new_password_lifts_the_sign_in_lock_of_the_name(url, capsys, monkeypatch, ana):
    from commentdesk.services import moderator_sign_in
    from commentdesk.store.models import LoginLock, utcnow

    monkeypatch.setenv("COMMENTDESK_SECRET_KEY", "a secret the server shares")
    name = moderator_sign_in.name_hash("a secret the server shares", "ana")
    engine = make_engine(url)
    with session_factory(engine)() as session:
        for _miss in range(accounts.FREE_ATTEMPTS):
            moderator_sign_in.record_failure(session, name, "an address", utcnow())
        assert moderator_sign_in.name_locked_until(session, name, utcnow()) is not None
    code, _out, _err = run(
        capsys, url, "users", "set-password", "ana", "--password-stdin", stdin="another long password\n", monkeypatch=monkeypatch
    )
    assert code == 0
    with session_factory(engine)() as session:
        assert session.get(LoginLock, name) is None
    engine.dispose()


@pytest.mark.parametrize("action", ["enable", "disable", "set-password"])
def test_actions_on_an_unknown_account_name_it(url, capsys, action):
    code, _out, err = run(capsys, url, "users", action, "nobody")
    assert code == 2 and error_line(err) == "error: no user 'nobody'"


def test_a_short_new_password_keeps_the_old_one(url, capsys, monkeypatch, ana):
    code, _out, err = run(
        capsys, url, "users", "set-password", "ana", "--password-stdin", stdin="tiny\n", monkeypatch=monkeypatch
    )
    assert code == 2 and "at least" in error_line(err)
    engine = make_engine(url)
    with session_factory(engine)() as session:
        assert accounts.authenticate(session, "ana", PASSWORD).username == "ana"
    engine.dispose()


def test_a_new_site_prints_a_key_that_opens_the_api(tmp_path, capsys):
    url = f"sqlite:///{tmp_path / 'fresh.sqlite3'}"
    code, out, _err = run(capsys, url, "sites", "add", "courier", "--name", "The Courier")
    assert code == 0 and out.startswith("site courier created; API key (shown once): cd_")
    key = out.rsplit(" ", 1)[1].strip()
    assert api_key_site(url, key) == "courier"


@pytest.mark.parametrize(
    ("slug", "says"),
    [
        ("news", "a site named 'news' exists already"),
        ("The-News", "a site slug is"),
        ("news site", "a site slug is"),
    ],
)
def test_a_refused_site_changes_nothing(url, capsys, slug, says):
    code, _out, err = run(capsys, url, "sites", "add", slug, "--name", "Another")
    assert code == 2 and says in error_line(err)
    assert run(capsys, url, "sites", "list")[1] == "news\tNews\nsport\tSport\n"


def test_a_rotated_key_replaces_the_old_one_at_once(tmp_path, capsys):
    url = f"sqlite:///{tmp_path / 'keys.sqlite3'}"
    old = run(capsys, url, "sites", "add", "courier", "--name", "The Courier")[1].rsplit(" ", 1)[1].strip()
    code, out, _err = run(capsys, url, "sites", "rotate-key", "courier")
    assert code == 0 and out.startswith("new API key for courier (shown once): cd_")
    new = out.rsplit(" ", 1)[1].strip()
    assert new != old
    assert api_key_site(url, new) == "courier" and api_key_site(url, old) is None


def test_rotating_the_key_of_an_unknown_site_is_refused(url, capsys):
    code, _out, err = run(capsys, url, "sites", "rotate-key", "gazette")
    assert code == 2 and error_line(err) == "error: no site 'gazette'"


def test_a_site_sign_in_needs_a_readable_key_file(url, tmp_path, capsys):
    code, _out, err = run(capsys, url, "sites", "sso", "news", "--algorithm", "HS256")
    assert code == 2 and error_line(err) == "error: --algorithm needs --key-file"
    code, _out, err = run(
        capsys, url, "sites", "sso", "news", "--algorithm", "HS256", "--key-file", str(tmp_path / "missing.txt")
    )
    assert code == 2 and "missing.txt" in error_line(err)
    latin = tmp_path / "latin.txt"
    latin.write_bytes(b"caf\xe9 secret that is long enough to be a key")
    code, _out, err = run(capsys, url, "sites", "sso", "news", "--algorithm", "HS256", "--key-file", str(latin))
    assert code == 2 and "utf-8" in error_line(err).lower()
    engine = make_engine(url)
    with session_factory(engine)() as session:
        from commentdesk.services import reader_identity

        assert reader_identity.describe(repo.site_by_slug(session, "news"))["enabled"] is False
    engine.dispose()


def test_a_sign_in_is_either_set_or_turned_off(url, capsys):
    with pytest.raises(SystemExit) as stopped:
        main(["sites", "sso", "news", "--off", "--algorithm", "HS256", "--database-url", url])
    assert stopped.value.code == 2
    assert "not allowed with argument" in capsys.readouterr().err


def test_the_database_is_migrated_once_and_says_so(tmp_path, capsys):
    url = f"sqlite:///{tmp_path / 'new.sqlite3'}"
    for _ in range(2):
        code, out, err = run(capsys, url, "migrate")
        assert (code, out, err) == (0, "", "database is up to date\n")
    assert run(capsys, url, "sites", "list")[:2] == (0, "")
