from datetime import UTC, datetime

from sqlalchemy import select

from commentdesk.importers import disqus
from commentdesk.importers.loader import import_records
from commentdesk.importers.records import ImportFileError
from commentdesk.store import repository as repo
from commentdesk.store.models import Article, Comment, Commenter, ModerationEvent

from .conftest import FIXTURES, SECRET, SITE

EXPORT = FIXTURES / "disqus.xml"
TUNNEL = "https://news.example.com/2024/05/harbour-tunnel"
SCHOOL = "https://news.example.com/2024/05/school-budget"


def test_counts_statuses_and_summary(store, capsys):
    assert store.run("import", "disqus", EXPORT, "--site", SITE) == 0
    out = capsys.readouterr().out
    assert "comments imported: 8 (pending 1, published 7)" in out
    assert "spam in the source: 1" in out and "deleted in the source: 1" in out
    assert "malformed post (bad createdAt): 1" in out
    assert "thread without a usable http(s) URL: 1" in out
    assert "replies made top-level (parent not imported): 2" in out
    comments = store.by_source()
    assert set(comments) == {f"disqus:{n}" for n in (2001, 2002, 2003, 2004, 2005, 2008, 2009, 2010)}
    assert comments["disqus:2010"].status == "pending"
    assert all(c.status == "published" for key, c in comments.items() if key != "disqus:2010")
    assert {c.system_decision for c in comments.values()} == {"imported"}
    assert all(c.reasons == [] and c.scores == {} for c in comments.values())


def test_thread_structure_and_timestamps(store):
    store.run("import", "disqus", EXPORT, "--site", SITE)
    c = store.by_source()
    top, reply, nested = c["disqus:2001"], c["disqus:2002"], c["disqus:2003"]
    assert (top.parent_id, top.root_id, top.depth) == (None, top.id, 0)
    assert (reply.parent_id, reply.root_id, reply.depth) == (top.id, top.id, 1)
    assert (nested.parent_id, nested.root_id, nested.depth) == (reply.id, top.id, 2)
    # A reply listed before the comment it answers still lands under it.
    assert c["disqus:2005"].parent_id == c["disqus:2004"].id
    # Replies to a deleted comment and to one missing from the export become top-level.
    for orphan in (c["disqus:2008"], c["disqus:2009"]):
        assert (orphan.parent_id, orphan.root_id, orphan.depth) == (None, orphan.id, 0)
    assert top.created_at == datetime(2024, 5, 2, 9, 15, tzinfo=UTC)
    assert nested.created_at == datetime(2024, 5, 2, 10, 30, tzinfo=UTC)


def test_text_and_stored_counts(store):
    store.run("import", "disqus", EXPORT, "--site", SITE)
    c = store.by_source()
    assert (
        c["disqus:2001"].text
        == "The tunnel will cost twice the estimate & nobody says so.\n\nSee the audit (https://example.org/audit.pdf)."
    )
    assert c["disqus:2010"].text == "Four percent is a lot for a small school.\nIt means one teacher fewer."
    assert "<b>" not in c["disqus:2001"].html and "<p>" in c["disqus:2001"].html
    with store.sessions() as session:
        articles = {a.url: a for a in session.scalars(select(Article))}
        assert set(articles) == {TUNNEL, SCHOOL}  # threads without comments or without an address create nothing
        assert articles[TUNNEL].title == "Council approves the harbour tunnel" and articles[TUNNEL].body == ""
        assert articles[TUNNEL].published_count == 6 and articles[SCHOOL].published_count == 1
        assert session.get(Comment, c["disqus:2001"].id).reply_count == 2
        assert session.get(Comment, c["disqus:2004"].id).reply_count == 1
        alice = session.get(Commenter, c["disqus:2001"].commenter_id)
        assert c["disqus:2003"].commenter_id == alice.id  # the same address in another case is the same person
        assert (alice.published_count, alice.pending_count) == (2, 0)
        events = session.scalars(select(ModerationEvent)).all()
        assert len(events) == 8 and {e.action for e in events} == {"imported"}


def test_email_addresses_are_hashed_never_stored(store):
    store.run("import", "disqus", EXPORT, "--site", SITE)
    c = store.by_source()
    assert c["disqus:2001"].email_hash == repo.keyed_hash(SECRET, "email:alice@example.com")
    assert c["disqus:2005"].email_hash is None  # an anonymous guest
    with store.sessions() as session:
        rows = [repr(vars(row)) for model in (Comment, Commenter, ModerationEvent) for row in session.scalars(select(model))]
    dump = "\n".join(rows).lower()
    for address in ("alice@example.com", "bob@example.net", "carol@example.org", "192.0.2.10"):
        assert address not in dump


def test_importing_twice_adds_nothing(store, capsys):
    store.run("import", "disqus", EXPORT, "--site", SITE)
    before = store.counts()
    capsys.readouterr()
    assert store.run("import", "disqus", EXPORT, "--site", SITE) == 0
    out = capsys.readouterr().out
    assert "comments imported: 0" in out and "already imported before: 8" in out
    assert store.counts() == before
    with store.sessions() as session:
        assert session.scalar(select(Article.published_count).where(Article.url == TUNNEL)) == 6


def test_importing_twice_reports_the_articles_it_found_and_the_comments_it_skipped(store, capsys):
    store.run("import", "disqus", EXPORT, "--site", SITE)
    assert "articles created: 2, matched: 0" in capsys.readouterr().out
    assert store.run("import", "disqus", EXPORT, "--site", SITE) == 0
    out = capsys.readouterr().out
    # Nothing new to store, yet the file's two articles exist: they are matched, not "0".
    assert "articles created: 0, matched: 2" in out
    assert "already imported before: 8 (skipped, left as they were)" in out


def test_a_first_import_says_nothing_was_skipped_as_already_imported(store, capsys):
    store.run("import", "disqus", EXPORT, "--site", SITE)
    assert "already imported before: 0\n" in capsys.readouterr().out


def test_existing_article_is_matched_by_url_and_keeps_its_title(store, capsys):
    with store.sessions() as session:
        site = repo.site_by_slug(session, SITE)
        repo.upsert_article(session, site, TUNNEL, title="Tunnel: the vote", body="Full article text from the CMS.")
        session.commit()
    store.run("import", "disqus", EXPORT, "--site", SITE)
    assert "articles created: 1, matched: 1" in capsys.readouterr().out
    with store.sessions() as session:
        article = session.scalar(select(Article).where(Article.url == TUNNEL))
        assert (article.title, article.body, article.published_count) == (
            "Tunnel: the vote",
            "Full article text from the CMS.",
            6,
        )


def test_dry_run_stores_nothing(store, capsys):
    before = store.counts()
    assert store.run("import", "disqus", EXPORT, "--site", SITE, "--dry-run") == 0
    out = capsys.readouterr().out
    assert "dry run" in out and "comments imported: 8" in out
    assert store.counts() == before


def test_a_failure_midway_leaves_the_database_as_it_was(store):
    def broken_export():
        with open(EXPORT, "rb") as source:
            yield from disqus.parse(source)
        raise ImportFileError("the disk went away")

    before = store.counts()
    with store.sessions() as session:
        site = repo.site_by_slug(session, SITE)
        try:
            import_records(session, site, broken_export(), secret=SECRET)
        except ImportFileError:
            pass
        else:
            raise AssertionError("the error was swallowed")
    assert store.counts() == before


def test_broken_or_foreign_files_are_refused_and_change_nothing(store, capsys, tmp_path):
    before = store.counts()
    assert store.run("import", "disqus", FIXTURES / "disqus_truncated.xml", "--site", SITE) == 2
    assert "not well-formed XML" in capsys.readouterr().err
    assert store.run("import", "disqus", FIXTURES / "wordpress.xml", "--site", SITE) == 2
    assert "not a Disqus export" in capsys.readouterr().err
    assert store.run("import", "disqus", tmp_path / "missing.xml", "--site", SITE) == 2
    assert store.run("import", "disqus", EXPORT, "--site", "nosuchsite") == 2
    assert "no site 'nosuchsite'" in capsys.readouterr().err
    assert store.counts() == before


def test_a_large_thread_across_session_batches(store, tmp_path, capsys):
    """Enough comments to pass several flushes that empty the session, with replies reaching back across them."""
    posts = []
    for n in range(1, 1301):
        parent = f'<parent dsq:id="{n - 600}"/>' if n > 600 and n % 3 == 0 else ""
        posts.append(
            f'<post dsq:id="{n}"><message><![CDATA[<p>Comment number {n} on the tunnel.</p>]]></message>'
            f"<createdAt>2024-05-02T09:15:00Z</createdAt><author><email>r{n % 40}@example.com</email>"
            f'<name>Reader {n % 40}</name></author><thread dsq:id="1"/>{parent}</post>'
        )
    source = tmp_path / "large.xml"
    source.write_text(
        '<?xml version="1.0"?><disqus xmlns="http://disqus.com" xmlns:dsq="http://disqus.com/disqus-internals">'
        f'<thread dsq:id="1"><link>{TUNNEL}</link><title>Tunnel</title></thread>{"".join(posts)}</disqus>'
    )
    assert store.run("import", "disqus", source, "--site", SITE) == 0
    assert "comments imported: 1300 (published 1300)" in capsys.readouterr().out
    c = store.by_source()
    assert c["disqus:1200"].parent_id == c["disqus:600"].id
    with store.sessions() as session:
        assert session.scalar(select(Article.published_count).where(Article.url == TUNNEL)) == 1300
        replies = sum(1 for n in range(601, 1301) if n % 3 == 0)
        assert sum(comment.reply_count for comment in session.scalars(select(Comment))) == replies
        assert sum(commenter.published_count for commenter in session.scalars(select(Commenter))) == 1300
