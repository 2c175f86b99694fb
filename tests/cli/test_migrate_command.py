"""`commentdesk migrate` with and without the server's secret: the notifiers' addresses an older
version stored in the clear are encrypted now, or left for the server's first start, and never
with a secret other than the one the stored addresses use."""

from __future__ import annotations

import pytest
from sqlalchemy import text

from commentdesk.cli import main
from commentdesk.services import notices
from commentdesk.services.notices import NoticeForm
from commentdesk.services.notifications.addresses import AddressBook
from commentdesk.services.sites import create_site
from commentdesk.store.db import make_engine, migrate, session_factory
from db_fixtures import add_article, add_comment

SECRET = "the server's secret"
MIA = "mia@example.com"


@pytest.fixture
def database(tmp_path):
    """An SQLite database with two notices: Mia's address stored in the clear (as before
    encryption), Ola's encrypted with SECRET; returns (url, session factory)."""
    url = f"sqlite:///{tmp_path / 'migrate.sqlite3'}"
    engine = make_engine(url)
    migrate(engine)
    sessions = session_factory(engine)
    with sessions() as session:
        site, _key = create_site(session, "news", "News")
        comment = add_comment(session, add_article(session, site), "The mayor took bribes.")
        session.commit()
        mia, _ola = (
            notices.file_notice(
                session, SECRET, comment.id, NoticeForm("defamation", "It falsely says so.", "N", address, True), ip
            )
            for address, ip in ((MIA, "1"), ("ola@example.com", "2"))
        )
        mia.notifier_email_cipher, mia.plain_notifier_email = None, MIA  # as an older version stored it
        session.commit()
    yield url, sessions
    engine.dispose()


def run_migrate(capsys, url: str, *flags: str) -> tuple[int, str]:
    code = main(["migrate", "--database-url", url, *flags])
    return code, capsys.readouterr().err


def stored_contacts(sessions) -> list[tuple[str | None, str | None]]:
    with sessions() as session:
        rows = session.execute(text("SELECT notifier_email, notifier_email_cipher FROM illegal_content_notices ORDER BY id"))
        return [tuple(row) for row in rows]


def test_without_a_secret_the_addresses_in_the_clear_are_left_for_the_server(database, capsys, monkeypatch):
    monkeypatch.delenv("COMMENTDESK_SECRET_KEY", raising=False)
    url, sessions = database
    code, err = run_migrate(capsys, url)
    assert code == 0
    assert err.splitlines() == [
        "database is up to date",
        "notifiers' addresses still stored in the clear: 1. The server encrypts them when it first starts; "
        "to do it now, run migrate again with --secret-key (COMMENTDESK_SECRET_KEY) set to the server's secret",
    ]
    assert stored_contacts(sessions)[0] == (MIA, None)


@pytest.mark.parametrize("given", ["flag", "environment"])
def test_with_the_servers_secret_they_are_encrypted_once(database, capsys, monkeypatch, given):
    url, sessions = database
    if given == "flag":
        flags = ("--secret-key", SECRET)
    else:
        monkeypatch.setenv("COMMENTDESK_SECRET_KEY", SECRET)
        flags = ()
    code, err = run_migrate(capsys, url, *flags)
    assert (code, err) == (0, "database is up to date\nnotifiers' addresses encrypted that were stored in the clear: 1\n")
    (plain, cipher), _ola = stored_contacts(sessions)
    assert plain is None and AddressBook(SECRET).decrypt(cipher) == MIA
    assert run_migrate(capsys, url, *flags) == (0, "database is up to date\n")  # nothing left to do


def test_a_secret_that_does_not_read_the_stored_addresses_encrypts_nothing(database, capsys, monkeypatch):
    monkeypatch.delenv("COMMENTDESK_SECRET_KEY", raising=False)
    url, sessions = database
    code, err = run_migrate(capsys, url, "--secret-key", "a mistyped secret")
    assert code == 2
    assert err.splitlines()[-1] == (
        "error: --secret-key (COMMENTDESK_SECRET_KEY) is not the secret the stored addresses are encrypted with: "
        "the notifiers' addresses in the clear are left for the server to encrypt"
    )
    assert stored_contacts(sessions)[0] == (MIA, None)
    assert "a mistyped secret" not in err


def test_a_database_with_nothing_in_the_clear_just_migrates(tmp_path, capsys):
    url = f"sqlite:///{tmp_path / 'new.sqlite3'}"
    assert run_migrate(capsys, url, "--secret-key", SECRET) == (0, "database is up to date\n")
