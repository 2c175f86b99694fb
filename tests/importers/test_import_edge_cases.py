"""`commentdesk import` on small odd sources: Isso databases with damaged rows, odd dates, deep threads,
and the command's own refusals before it reads anything."""

from __future__ import annotations

import sqlite3
from datetime import UTC, datetime

import pytest
from sqlalchemy import select

from commentdesk.importers.records import parse_iso_utc
from commentdesk.store.models import Article

from .conftest import SITE

BASE = "https://news.example.com"
SCHEMA = """
CREATE TABLE threads (id INTEGER PRIMARY KEY, uri VARCHAR(256) UNIQUE, title VARCHAR(256));
CREATE TABLE comments (tid REFERENCES threads(id), id INTEGER PRIMARY KEY, parent INTEGER, created FLOAT,
    modified FLOAT, mode INTEGER, remote_addr VARCHAR, text VARCHAR, author VARCHAR, email VARCHAR, website VARCHAR,
    voters BLOB);
"""
T0 = datetime(2023, 11, 5, 18, 0, tzinfo=UTC).timestamp()


def isso(tmp_path, threads, comments, schema: str = SCHEMA):
    """An Isso database with these threads (id, uri, title) and comments (id, tid, parent, created, mode, text, author, email)."""
    path = tmp_path / "isso.db"
    connection = sqlite3.connect(path)
    with connection:
        connection.executescript(schema)
        connection.executemany("INSERT INTO threads VALUES (?, ?, ?)", threads)
        connection.executemany(
            "INSERT INTO comments (id, tid, parent, created, mode, text, author, email) VALUES (?, ?, ?, ?, ?, ?, ?, ?)", comments
        )
    connection.close()
    return path


def summary(capsys) -> str:
    return capsys.readouterr().out


def test_rows_with_an_unreadable_time_are_skipped_and_counted(store, tmp_path, capsys):
    path = isso(
        tmp_path,
        [(1, "/a/", "A story")],
        [
            (1, 1, None, T0, 1, "Fine.", "Ana", None),
            (2, 1, None, "last tuesday", 1, "No usable time.", "Bo", None),
            (3, 1, None, None, 1, "No time at all.", "Cy", None),
            (4, 1, None, 1e300, 1, "A time past the calendar.", "Di", None),
        ],
    )
    assert store.run("import", "isso", path, "--site", SITE, "--base-url", BASE) == 0
    out = summary(capsys)
    assert "comments imported: 1 (published 1)" in out
    assert "skipped: 3" in out and "malformed comment (bad created time): 3" in out
    assert set(store.by_source()) == {"isso:1"}


def test_full_addresses_need_no_base_url_and_are_kept(store, tmp_path, capsys):
    path = isso(
        tmp_path,
        [(1, "https://blog.example.org/post/", "A post"), (2, "http://old.example.org/x", "")],
        [(1, 1, None, T0, 1, "First.", "Ana", None), (2, 2, None, T0, 1, "Second.", "Bo", None)],
    )
    assert store.run("import", "isso", path, "--site", SITE) == 0
    assert "threads in file: 2; articles created: 2, matched: 0" in summary(capsys)
    with store.sessions() as session:
        assert {article.url for article in session.scalars(select(Article))} == {
            "https://blog.example.org/post/",
            "http://old.example.org/x",
        }


def test_a_deep_thread_keeps_every_level_under_one_root(store, tmp_path, capsys):
    chain = [(n, 1, n - 1 if n > 1 else None, T0 + n, 1, f"Reply number {n}.", f"Reader {n % 3}", None) for n in range(1, 41)]
    path = isso(tmp_path, [(1, "/long-thread/", "Long thread")], chain)
    assert store.run("import", "isso", path, "--site", SITE, "--base-url", BASE) == 0
    assert "comments imported: 40 (published 40)" in summary(capsys)
    stored = store.by_source()
    root = stored["isso:1"]
    assert stored["isso:40"].depth == 39
    assert {comment.root_id for key, comment in stored.items() if key != "isso:1"} == {root.id}
    assert stored["isso:40"].parent_id == stored["isso:39"].id


def test_a_table_without_the_columns_isso_writes_is_named(store, tmp_path, capsys):
    schema = (
        "CREATE TABLE threads (id INTEGER PRIMARY KEY, uri VARCHAR, title VARCHAR);"
        "CREATE TABLE comments (tid INTEGER, id INTEGER PRIMARY KEY, text VARCHAR);"
    )
    path = tmp_path / "partial.db"
    connection = sqlite3.connect(path)
    with connection:
        connection.executescript(schema)
    connection.close()
    assert store.run("import", "isso", path, "--site", SITE, "--base-url", BASE) == 2
    err = capsys.readouterr().err
    assert "table 'comments' lacks author, created, email, mode, parent" in err
    assert "nothing was imported" in err
    assert store.counts()["comments"] == 0


def test_a_row_whose_text_is_not_utf8_is_skipped_and_counted_and_the_rest_imported(store, tmp_path, capsys):
    path = isso(tmp_path, [(1, "/a/", "A story")], [(1, 1, None, T0, 1, "Fine.", "Ana", None)])
    connection = sqlite3.connect(path)
    with connection:
        connection.execute(
            "INSERT INTO comments (id, tid, created, mode, text, author) VALUES (2, 1, ?, 1, CAST(x'fffe41' AS TEXT), 'Bo')",
            (T0,),
        )
    connection.close()
    assert store.run("import", "isso", path, "--site", SITE, "--base-url", BASE) == 0
    captured = capsys.readouterr()
    assert "malformed comment (text, author or e-mail not UTF-8): 1" in captured.out and "Traceback" not in captured.err
    assert set(store.by_source()) == {"isso:1"}


def test_a_reply_to_a_row_the_file_lacks_becomes_top_level(store, tmp_path, capsys):
    path = isso(tmp_path, [(1, "/a/", "A story")], [(5, 1, 99, T0, 1, "Answering something gone.", "Ana", None)])
    assert store.run("import", "isso", path, "--site", SITE, "--base-url", BASE) == 0
    assert "replies made top-level (parent not imported): 1" in summary(capsys)
    reply = store.by_source()["isso:5"]
    assert (reply.parent_id, reply.depth) == (None, 0)


def test_names_and_text_with_only_spaces_are_handled(store, tmp_path, capsys):
    path = isso(
        tmp_path,
        [(1, "/a/", "  A   story\n title ")],
        [
            (1, 1, None, T0, 1, "  Many    spaces\r\n\r\n\r\n\r\nand lines.  ", "   ", "  "),
            (2, 1, None, T0, 1, "   \n  ", "Bo", None),
        ],
    )
    assert store.run("import", "isso", path, "--site", SITE, "--base-url", BASE) == 0
    out = summary(capsys)
    assert "comments imported: 1" in out
    stored = store.by_source()
    assert stored["isso:1"].text == "Many spaces\n\nand lines."
    assert stored["isso:1"].author_name == "Anonymous" and stored["isso:1"].email_hash is None
    with store.sessions() as session:
        assert session.scalars(select(Article.title)).one() == "A story title"


@pytest.mark.parametrize("base_url", ["news.example.com", "ftp://news.example.com", "javascript:alert(1)"])
def test_a_base_url_that_is_not_a_web_address_is_refused_first(store, tmp_path, capsys, base_url):
    path = isso(tmp_path, [(1, "/a/", "A story")], [(1, 1, None, T0, 1, "Fine.", "Ana", None)])
    assert store.run("import", "isso", path, "--site", SITE, "--base-url", base_url) == 2
    assert "--base-url must be an http(s) address" in capsys.readouterr().err
    assert store.counts()["comments"] == 0


@pytest.mark.parametrize("source", ["disqus", "wordpress", "isso"])
def test_a_folder_or_a_missing_file_is_refused_with_what_to_give(store, tmp_path, capsys, source):
    assert store.run("import", source, tmp_path, "--site", SITE) == 2
    assert f"{tmp_path} is not a file" in capsys.readouterr().err
    assert store.run("import", source, tmp_path / "missing.xml", "--site", SITE) == 2
    assert "Give the path to the" in capsys.readouterr().err


def test_an_unknown_site_is_refused_with_how_to_create_it(store, tmp_path, capsys):
    path = isso(tmp_path, [(1, "/a/", "A story")], [(1, 1, None, T0, 1, "Fine.", "Ana", None)])
    assert store.run("import", "isso", path, "--site", "gazette", "--base-url", BASE) == 2
    assert "no site 'gazette' (create it with: commentdesk sites add gazette --name ...)" in capsys.readouterr().err


def test_a_dry_run_says_so_and_counts_as_a_real_run_would(store, tmp_path, capsys):
    path = isso(
        tmp_path,
        [(1, "/a/", "A story")],
        [(1, 1, None, T0, 1, "Fine.", "Ana", None), (2, 1, 1, T0 + 5, 2, "Waiting.", "Bo", None)],
    )
    assert store.run("import", "isso", path, "--site", SITE, "--base-url", BASE, "--dry-run") == 0
    out = summary(capsys)
    assert f"isso import of isso.db into site '{SITE}' (dry run, nothing was stored)" in out
    assert "comments imported: 2 (pending 1, published 1)" in out
    assert store.counts()["comments"] == 0


@pytest.mark.parametrize(
    ("written", "meant"),
    [
        ("2013-04-18T19:33:04Z", datetime(2013, 4, 18, 19, 33, 4, tzinfo=UTC)),
        ("2013-04-18 19:33:04", datetime(2013, 4, 18, 19, 33, 4, tzinfo=UTC)),
        (" 2013-04-18T21:33:04+02:00 ", datetime(2013, 4, 18, 19, 33, 4, tzinfo=UTC)),
        ("2013-04-18", datetime(2013, 4, 18, tzinfo=UTC)),
        ("2013-04-18T14:33:04.250-05:00", datetime(2013, 4, 18, 19, 33, 4, 250000, tzinfo=UTC)),
    ],
)
def test_export_dates_in_their_various_spellings_are_read_as_utc(written, meant):
    parsed = parse_iso_utc(written)
    assert parsed == meant and parsed.utcoffset().total_seconds() == 0


@pytest.mark.parametrize("written", ["18/04/2013", "", "2013-13-01T00:00:00"])
def test_a_date_that_is_not_iso_is_refused(written):
    with pytest.raises(ValueError):
        parse_iso_utc(written)


def test_control_characters_in_titles_and_direction_overrides_in_names_are_dropped(store, tmp_path, capsys):
    # PostgreSQL cannot store NUL; and a name is cleaned as a posted one is, so "\u202e" cannot
    # turn "nimda" round on the moderators' screens.
    path = isso(
        tmp_path, [(1, "/a/", "A\x00 story\x07 title\x1b")], [(1, 1, None, T0, 1, "Fine.", "\u202enimda\u202c Ana\x00", None)]
    )
    assert store.run("import", "isso", path, "--site", SITE, "--base-url", BASE) == 0
    assert "comments imported: 1" in summary(capsys)
    with store.sessions() as session:
        assert session.scalars(select(Article.title)).one() == "A story title"
    assert store.by_source()["isso:1"].author_name == "nimda Ana"


def test_a_database_failure_part_way_ends_in_one_line_saying_nothing_was_imported(store, tmp_path, capsys, monkeypatch):
    from sqlalchemy.exc import OperationalError

    from commentdesk.store import repository

    path = isso(
        tmp_path,
        [(1, "/a/", "A story"), (2, "/b/", "B story")],
        [(1, 1, None, T0, 1, "Fine.", "Ana", None), (2, 2, None, T0, 1, "Also fine.", "Bo", None)],
    )
    real = repository.upsert_article
    calls = []

    def second_fails(*args, **kwargs):
        calls.append(1)
        if len(calls) == 2:  # the first article and its comment are written by then
            raise OperationalError("INSERT INTO articles", {}, Exception("database or disk is full"))
        return real(*args, **kwargs)

    monkeypatch.setattr(repository, "upsert_article", second_fails)
    before = store.counts()
    assert store.run("import", "isso", path, "--site", SITE, "--base-url", BASE) == 2
    err = capsys.readouterr().err
    last = err.strip().splitlines()[-1]
    assert last.startswith(f"error: {path}: the database refused the import (")
    assert "database or disk is full" in last and "nothing was imported" in last
    assert "Traceback" not in err
    assert store.counts() == before
