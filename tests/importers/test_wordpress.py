from datetime import UTC, datetime

from sqlalchemy import select

from commentdesk.store import repository as repo
from commentdesk.store.models import Article, Commenter

from .conftest import FIXTURES, SECRET, SITE

EXPORT = FIXTURES / "wordpress.xml"
POST = "https://news.example.com/2024/05/harbour-tunnel-vote/"


def test_counts_statuses_and_skips(store, capsys):
    assert store.run("import", "wordpress", EXPORT, "--site", SITE) == 0
    out = capsys.readouterr().out
    assert "threads in file: 2; articles created: 2" in out
    assert "comments imported: 6 (pending 1, published 5)" in out
    for reason in ("spam in the source: 1", "deleted in the source: 1", "pingback (not a reader comment): 1"):
        assert reason in out
    c = store.by_source()
    assert set(c) == {f"wordpress:{n}" for n in (11, 12, 13, 17, 18, 21)}
    assert c["wordpress:13"].status == "pending"
    assert {c[key].status for key in c if key != "wordpress:13"} == {"published"}


def test_structure_timestamps_and_text(store):
    store.run("import", "wordpress", EXPORT, "--site", SITE)
    c = store.by_source()
    top, reply, nested = c["wordpress:11"], c["wordpress:12"], c["wordpress:18"]
    assert (reply.parent_id, reply.depth, reply.root_id) == (top.id, 1, top.id)
    assert (nested.parent_id, nested.depth, nested.root_id) == (reply.id, 2, top.id)
    assert (c["wordpress:17"].parent_id, c["wordpress:17"].depth) == (None, 0)  # its parent was binned
    assert top.created_at == datetime(2024, 5, 2, 9, 15, tzinfo=UTC)  # the GMT date
    assert nested.created_at == datetime(2024, 5, 2, 16, 45, tzinfo=UTC)  # only a local date was given
    assert top.text == "Seven to four is closer than it looks.\n\nThe four who voted no represent the harbour wards."


def test_articles_take_title_and_text_from_the_export(store):
    store.run("import", "wordpress", EXPORT, "--site", SITE)
    with store.sessions() as session:
        articles = {a.url: a for a in session.scalars(select(Article))}
    assert set(articles) == {POST, "https://news.example.com/about/"}  # the attachment had no comments
    assert articles[POST].title == "Council votes on the harbour tunnel"
    assert (
        articles[POST].body
        == "The city council voted 7 to 4 to build a tunnel under the harbour.\n\nConstruction starts next spring."
    )
    assert articles["https://news.example.com/about/"].title == "About & contact"
    assert articles[POST].published_count == 4


def test_email_hashing_and_identity_without_email(store):
    store.run("import", "wordpress", EXPORT, "--site", SITE)
    c = store.by_source()
    assert c["wordpress:11"].email_hash == repo.keyed_hash(SECRET, "email:alice@example.com")
    carol = c["wordpress:13"]
    assert carol.email_hash is None
    with store.sessions() as session:
        commenter = session.get(Commenter, carol.commenter_id)
        assert commenter.identity_hash == repo.keyed_hash(SECRET, "name:carol|")
        assert commenter.pending_count == 1


def test_importing_twice_adds_nothing_and_dry_run_stores_nothing(store, capsys):
    assert store.run("import", "wordpress", EXPORT, "--site", SITE, "--dry-run") == 0
    assert store.counts() == {"articles": 0, "comments": 0, "commenters": 0, "moderation_events": 0}
    store.run("import", "wordpress", EXPORT, "--site", SITE)
    first = store.counts()
    capsys.readouterr()
    store.run("import", "wordpress", EXPORT, "--site", SITE)
    assert "already imported before: 6" in capsys.readouterr().out
    assert store.counts() == first
