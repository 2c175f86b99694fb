import sqlite3
from datetime import UTC, datetime

import pytest
from sqlalchemy import select

from commentdesk.store import repository as repo
from commentdesk.store.models import Article

from .conftest import SECRET, SITE

# The tables Isso creates, as Isso declares them.
ISSO_SCHEMA = """
CREATE TABLE threads (id INTEGER PRIMARY KEY, uri VARCHAR(256) UNIQUE, title VARCHAR(256));
CREATE TABLE comments (
    tid REFERENCES threads(id), id INTEGER PRIMARY KEY, parent INTEGER, created FLOAT NOT NULL, modified FLOAT,
    mode INTEGER, remote_addr VARCHAR, text VARCHAR, author VARCHAR, email VARCHAR, website VARCHAR,
    likes INTEGER DEFAULT 0, dislikes INTEGER DEFAULT 0, voters BLOB NOT NULL, notification INTEGER DEFAULT 0);
"""
T0 = datetime(2024, 5, 2, 9, 15, tzinfo=UTC).timestamp()
COMMENTS = [
    # id, thread, parent, created, mode, text, author, email
    (1, 1, None, T0, 1, "The tunnel is **overdue** by ten years.", "Alice Martin", "alice@example.com"),
    (2, 1, 1, T0 + 600, 1, "Ten? Closer to twenty.", "Bob", None),
    (3, 1, 2, T0 + 1200, 1, "Fair, twenty.", "Alice Martin", "alice@example.com"),
    (4, 1, None, T0 + 1800, 2, "Waiting for a moderator.", None, None),
    (5, 1, None, T0 + 2400, 4, "", None, None),
    (6, 1, 5, T0 + 3000, 1, "Answering a comment since deleted.", "Dan", "dan@example.com"),
    (7, 2, None, T0 + 3600, 8, "A mode Isso never writes.", "Eve", None),
    (8, 2, None, T0 + 4200, 1, "How do I send a tip?", "Grace", "grace@example.com"),
]


@pytest.fixture
def isso_db(tmp_path):
    path = tmp_path / "comments.db"
    with sqlite3.connect(path) as connection:
        connection.executescript(ISSO_SCHEMA)
        connection.executemany(
            "INSERT INTO threads VALUES (?, ?, ?)", [(1, "/2024/05/harbour-tunnel/", "Harbour tunnel"), (2, "/about/", None)]
        )
        connection.executemany(
            "INSERT INTO comments (id, tid, parent, created, mode, text, author, email, voters) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?, x'')",
            COMMENTS,
        )
    connection.close()
    return path


def test_counts_structure_statuses(store, isso_db, capsys):
    assert store.run("import", "isso", isso_db, "--site", SITE, "--base-url", "https://news.example.com") == 0
    out = capsys.readouterr().out
    assert "comments imported: 6 (pending 1, published 5)" in out
    assert "deleted in the source: 1" in out and "malformed comment (unknown mode 8): 1" in out
    c = store.by_source()
    assert set(c) == {f"isso:{n}" for n in (1, 2, 3, 4, 6, 8)}
    assert c["isso:4"].status == "pending" and c["isso:4"].author_name == "Anonymous"
    assert (c["isso:3"].parent_id, c["isso:3"].depth, c["isso:3"].root_id) == (c["isso:2"].id, 2, c["isso:1"].id)
    assert (c["isso:6"].parent_id, c["isso:6"].depth) == (None, 0)
    assert c["isso:1"].created_at == datetime(2024, 5, 2, 9, 15, tzinfo=UTC)
    assert c["isso:1"].text == "The tunnel is **overdue** by ten years."
    assert "<strong>overdue</strong>" in c["isso:1"].html
    assert c["isso:1"].email_hash == repo.keyed_hash(SECRET, "email:alice@example.com")
    with store.sessions() as session:
        urls = {a.url: a.title for a in session.scalars(select(Article))}
    # A thread without a title is named by its address.
    assert urls == {
        "https://news.example.com/2024/05/harbour-tunnel/": "Harbour tunnel",
        "https://news.example.com/about/": "https://news.example.com/about/",
    }


def test_importing_twice_adds_nothing(store, isso_db, capsys):
    store.run("import", "isso", isso_db, "--site", SITE, "--base-url", "https://news.example.com")
    first = store.counts()
    store.run("import", "isso", isso_db, "--site", SITE, "--base-url", "https://news.example.com")
    assert "already imported before: 6" in capsys.readouterr().out
    assert store.counts() == first


def test_paths_need_a_base_url_and_foreign_files_are_refused(store, isso_db, tmp_path, capsys):
    assert store.run("import", "isso", isso_db, "--site", SITE) == 2
    assert "--base-url" in capsys.readouterr().err
    other = tmp_path / "other.db"
    with sqlite3.connect(other) as connection:
        connection.execute("CREATE TABLE threads (id INTEGER PRIMARY KEY)")
    connection.close()
    assert store.run("import", "isso", other, "--site", SITE, "--base-url", "https://news.example.com") == 2
    assert "not an Isso database" in capsys.readouterr().err
    text_file = tmp_path / "notes.db"
    text_file.write_text("just some text, not a database\n" * 10)
    assert store.run("import", "isso", text_file, "--site", SITE, "--base-url", "https://news.example.com") == 2
    assert "not a readable Isso database" in capsys.readouterr().err
    assert store.counts()["comments"] == 0


def test_the_isso_database_is_not_modified(store, isso_db):
    before = isso_db.read_bytes()
    store.run("import", "isso", isso_db, "--site", SITE, "--base-url", "https://news.example.com")
    assert isso_db.read_bytes() == before
