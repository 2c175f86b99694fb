"""`commentdesk dsa`: the transparency export's period and sites, and erasing notifiers' contacts on time."""

from __future__ import annotations

import csv
import io
import json
from datetime import UTC, datetime, timedelta

import pytest

from commentdesk.cli import main
from commentdesk.services.sites import create_site
from commentdesk.store.db import make_engine, migrate, session_factory
from commentdesk.store.models import IllegalContentNotice, NoticeStatus
from db_fixtures import add_article, add_comment

TODAY = datetime.now(UTC).strftime("%Y-%m-%d")


@pytest.fixture
def database(tmp_path):
    """An SQLite database with the sites 'news' and 'sport'; returns (url, session factory)."""
    url = f"sqlite:///{tmp_path / 'dsa.sqlite3'}"
    engine = make_engine(url)
    migrate(engine)
    sessions = session_factory(engine)
    with sessions() as session:
        for slug in ("news", "sport"):
            create_site(session, slug, slug.title())
        session.commit()
    yield url, sessions
    engine.dispose()


def export(capsys, url: str, *argv: str) -> tuple[int, str, str]:
    code = main(["dsa", "export", *argv, "--database-url", url])
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def test_automated_decisions_are_counted_per_site_in_json_and_csv(database, capsys):
    url, sessions = database
    from commentdesk.store import repository as repo

    with sessions() as session:
        news, sport = repo.site_by_slug(session, "news"), repo.site_by_slug(session, "sport")
        story, match = add_article(session, news), add_article(session, sport, url="https://sport.example/cup")
        add_comment(session, story, "First.", author="Ana")
        add_comment(session, story, "Second.", status="rejected", author="Bo")
        add_comment(session, match, "Third.", status="pending", author="Cy")
        session.commit()
    code, out, _err = export(capsys, url, "--from", TODAY, "--to", TODAY, "--site", "news")
    assert code == 0
    automated = json.loads(out)["decisions"]["automated"]
    assert automated == {"publish": 1, "hold": 0, "reject": 1}
    code, out, _err = export(capsys, url, "--from", TODAY, "--to", TODAY, "--site", "news", "--site", "sport", "--format", "csv")
    rows = {(row["section"], row["group"]): row["value"] for row in csv.DictReader(io.StringIO(out))}
    assert code == 0
    assert (rows[("decisions.automated", "publish")], rows[("decisions.automated", "hold")]) == ("1", "1")


def test_the_period_covers_whole_days_up_to_and_including_the_last(database, capsys):
    url, _sessions = database
    code, out, _err = export(capsys, url, "--from", "2026-02-01", "--to", "2026-02-28")
    assert code == 0
    assert json.loads(out)["period"] == {"from": "2026-02-01T00:00:00+00:00", "to": "2026-03-01T00:00:00+00:00"}


def test_a_period_that_ends_before_it_starts_is_refused(database, capsys):
    url, _sessions = database
    code, out, err = export(capsys, url, "--from", "2026-03-02", "--to", "2026-03-01")
    assert (code, out) == (2, "")
    assert err == "error: --to is before --from\n"
    # No day follows the calendar's last to end the period: refused in words, not a traceback.
    code, out, err = export(capsys, url, "--from", "2026-03-02", "--to", "9999-12-31")
    assert (code, out, err) == (2, "", "error: --to: the last day is the calendar's last: no period can end after it\n")


@pytest.mark.parametrize("day", ["2026-02-30", "01/03/2026", "yesterday"])
def test_a_day_that_is_not_a_date_is_refused_by_the_parser(database, capsys, day):
    url, _sessions = database
    with pytest.raises(SystemExit) as stopped:
        main(["dsa", "export", "--from", day, "--to", "2026-03-01", "--database-url", url])
    assert stopped.value.code == 2
    assert f"not a date (YYYY-MM-DD): {day!r}" in capsys.readouterr().err


def test_unknown_sites_are_named(database, capsys):
    url, _sessions = database
    code, out, err = export(capsys, url, "--from", TODAY, "--to", TODAY, "--site", "news", "--site", "gazette")
    assert (code, out) == (2, "")
    assert err == "error: no site named gazette\n"


def _notice(session, comment, decided_days_ago: int | None, reference: str) -> None:
    now = datetime.now(UTC)
    session.add(
        IllegalContentNotice(
            reference=reference,
            site_id=comment.site_id,
            comment_id=comment.id,
            ground="defamation",
            explanation="It names a person and accuses them falsely.",
            notifier_name="Jo",
            notifier_email_cipher="jo's address, encrypted",
            good_faith=True,
            status=NoticeStatus.RECEIVED if decided_days_ago is None else "no_action",
            received_at=now - timedelta(days=(decided_days_ago or 0) + 1),
            decided_at=None if decided_days_ago is None else now - timedelta(days=decided_days_ago),
        )
    )


def test_contacts_are_erased_only_after_the_days_they_are_kept(database, capsys):
    url, sessions = database
    from commentdesk.store import repository as repo

    with sessions() as session:
        comment = add_comment(session, add_article(session, repo.site_by_slug(session, "news")))
        _notice(session, comment, 40, "old")
        _notice(session, comment, 10, "recent")
        _notice(session, comment, None, "open")
        session.commit()
    assert main(["dsa", "erase-contacts", "--notice-contact-days", "30", "--database-url", url]) == 0
    assert capsys.readouterr().err == "erased the contact of 1 notifier(s)\n"
    with sessions() as session:
        kept = {
            notice.reference: (notice.notifier_name, notice.notifier_email_cipher, notice.contact_erased_at is not None)
            for notice in session.query(IllegalContentNotice)
        }
    encrypted = "jo's address, encrypted"
    assert kept == {"old": (None, None, True), "recent": ("Jo", encrypted, False), "open": ("Jo", encrypted, False)}
    # Erasing again finds nothing more to erase.
    assert main(["dsa", "erase-contacts", "--notice-contact-days", "30", "--database-url", url]) == 0
    assert capsys.readouterr().err == "erased the contact of 0 notifier(s)\n"


def test_the_days_kept_come_from_the_variable_too(database, capsys, monkeypatch):
    url, sessions = database
    from commentdesk.store import repository as repo

    with sessions() as session:
        comment = add_comment(session, add_article(session, repo.site_by_slug(session, "news")))
        _notice(session, comment, 10, "recent")
        session.commit()
    monkeypatch.setenv("COMMENTDESK_NOTICE_CONTACT_DAYS", "5")
    assert main(["dsa", "erase-contacts", "--database-url", url]) == 0
    assert capsys.readouterr().err == "erased the contact of 1 notifier(s)\n"
    monkeypatch.setenv("COMMENTDESK_NOTICE_CONTACT_DAYS", "0")
    assert main(["dsa", "erase-contacts", "--database-url", url]) == 2
    assert "COMMENTDESK_NOTICE_CONTACT_DAYS" in capsys.readouterr().err
