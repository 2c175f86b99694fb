import json

from sqlalchemy import select

from commentdesk.store import repository as repo
from commentdesk.store.models import Article, Comment

from .conftest import FIXTURES, SECRET, SITE

FIELDS = {
    "id",
    "article_url",
    "article_title",
    "parent_id",
    "author_name",
    "created_at",
    "status",
    "text",
    "scores",
    "reasons",
    "source_id",
}


def test_round_trip_fields(store, tmp_path, capsys):
    store.run("import", "disqus", FIXTURES / "disqus.xml", "--site", SITE)
    target = tmp_path / "out" / "comments.jsonl"
    assert store.export("--site", SITE, "-o", target) == 0
    assert "exported 8 comments" in capsys.readouterr().err
    raw = target.read_text()
    rows = [json.loads(line) for line in raw.splitlines()]
    assert len(rows) == 8 and all(set(row) == FIELDS for row in rows)
    with store.sessions() as session:
        stored = {c.id: c for c in session.scalars(select(Comment))}
        articles = {a.id: a for a in session.scalars(select(Article))}
    for row in rows:
        comment = stored[row["id"]]
        article = articles[comment.article_id]
        assert (row["article_url"], row["article_title"]) == (article.url, article.title)
        assert (row["parent_id"], row["author_name"], row["status"], row["text"]) == (
            comment.parent_id,
            comment.author_name,
            comment.status,
            comment.text,
        )
        assert row["created_at"] == comment.created_at.isoformat()
        assert (row["scores"], row["reasons"], row["source_id"]) == (comment.scores, comment.reasons, comment.source_id)
    ids = [row["id"] for row in rows]
    assert ids == sorted(ids)
    # Parents come before their replies.
    assert all(row["parent_id"] is None or row["parent_id"] in ids[: ids.index(row["id"])] for row in rows)
    # Neither addresses nor their hashes leave the database.
    for secret_value in ("alice@example.com", "bob@example.net", repo.keyed_hash(SECRET, "email:alice@example.com")):
        assert secret_value not in raw.lower()
    assert "hash" not in raw


def test_status_filter_and_stdout(store, capsys):
    store.run("import", "disqus", FIXTURES / "disqus.xml", "--site", SITE)
    capsys.readouterr()
    assert store.export("--site", SITE, "--status", "pending") == 0
    lines = capsys.readouterr().out.splitlines()
    assert [json.loads(line)["source_id"] for line in lines] == ["disqus:2010"]
    assert store.export("--site", SITE, "--status", "published,bogus") == 2
    assert "--status" in capsys.readouterr().err
    assert store.export("--site", "nosuchsite") == 2
