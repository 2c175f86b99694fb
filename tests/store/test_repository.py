"""The storage interface: cursors, articles, commenters, the counts every status change keeps
right, threads and their pages, reports and the passages cache."""

from __future__ import annotations

import base64
import json
from datetime import UTC, datetime, timedelta

import numpy as np
import pytest
from sqlalchemy import event, select

from commentdesk.bounds import MAX_ID
from commentdesk.services.sites import create_site
from commentdesk.store import repository as repo
from commentdesk.store.models import Article, Comment, Commenter, ModerationEvent, Report, StatementOfReasons, utcnow
from db_fixtures import add_article, add_comment


def _cursor(payload) -> str:
    return base64.urlsafe_b64encode(json.dumps(payload).encode()).decode().rstrip("=")


def test_a_cursor_round_trips():
    when = datetime(2026, 3, 1, 12, 30, 5, 123456, tzinfo=UTC)
    cursor = repo.encode_cursor(when, 42)
    assert "=" not in cursor
    assert repo.decode_cursor(cursor) == (when, 42)


@pytest.mark.parametrize(
    "cursor",
    [
        "",
        "not base64 at all!",
        _cursor(["2026-03-01T12:00:00", 1]),  # no time zone
        _cursor(["2026-03-01T12:00:00+00:00", "1"]),
        _cursor(["2026-03-01T12:00:00+00:00", True]),
        _cursor(["2026-03-01T12:00:00+00:00", -1]),
        _cursor(["2026-03-01T12:00:00+00:00", MAX_ID + 1]),
        _cursor(["yesterday", 1]),
        _cursor(["2026-03-01T12:00:00+00:00"]),
        _cursor({"a": 1}),
        _cursor(None),
    ],
)
def test_a_cursor_this_server_did_not_give_out_is_refused(cursor):
    with pytest.raises(repo.InvalidCursor, match="not one this server gave out"):
        repo.decode_cursor(cursor)


def test_keyed_hashes_depend_on_the_secret_and_api_keys_are_hashed():
    assert repo.keyed_hash("one", "ip:1.2.3.4") != repo.keyed_hash("two", "ip:1.2.3.4")
    assert repo.keyed_hash("one", "ip:1.2.3.4") == repo.keyed_hash("one", "ip:1.2.3.4")
    assert len(repo.hash_api_key("cd_key")) == 64 and repo.hash_api_key("cd_key") != "cd_key"


def test_sites_are_found_by_slug_and_by_api_key_only(session):
    site, key = create_site(session, "courier", "The Courier")
    assert repo.site_by_slug(session, "courier") is site
    assert repo.site_by_api_key(session, key) is site
    assert repo.site_by_api_key(session, key + "x") is None
    assert repo.site_by_api_key(session, site.api_key_hash) is None  # the stored hash is no key
    assert repo.site_by_slug(session, "nobody") is None


def test_site_slugs_are_checked_and_unique(session):
    for bad in ("", "Courier", "-courier", "cour ier", "c" * 64, "courier/../x"):
        with pytest.raises(ValueError, match="slug"):
            create_site(session, bad, "x")
    create_site(session, "courier", "The Courier")
    with pytest.raises(ValueError, match="exists already"):
        create_site(session, "courier", "Another")


def test_an_article_is_created_once_per_url_and_then_updated(session, site):
    article, created = repo.upsert_article(session, site, "https://news.example/a", title="First", body="Body")
    assert created and article.title == "First"
    again, created = repo.upsert_article(session, site, "https://news.example/a", title="Second", body=None)
    assert again is article and not created
    assert (article.title, article.body) == ("Second", "Body")  # None leaves a field as it was
    assert repo.article_by_url(session, site.id, "https://news.example/a") is article
    assert repo.article_by_url(session, site.id, "https://news.example/b") is None


def _queries_of(session, look_up) -> tuple[object, list[str]]:
    queries: list[str] = []

    def count(*args):
        queries.append(args[2])

    event.listen(session.get_bind(), "before_cursor_execute", count)
    try:
        return look_up(), queries
    finally:
        event.remove(session.get_bind(), "before_cursor_execute", count)


@pytest.mark.parametrize("url", ["https://News.Example/gone#comments", "https://news.example/gone", "not an address"])
def test_looking_up_an_address_costs_one_query_found_or_not(session, site, url):
    article = repo.upsert_article(session, site, "https://news.example/a", title="First", body="Body")[0]
    session.commit()
    missing, queries = _queries_of(session, lambda: repo.article_by_url(session, site.id, url))
    assert missing is None and len(queries) == 1
    found, queries = _queries_of(session, lambda: repo.article_by_url(session, site.id, "https://NEWS.example/a#top"))
    assert found is article and len(queries) == 1


def test_an_address_stored_as_written_is_found_and_the_normalised_one_comes_first(session, site):
    # Stored by a version that kept addresses as written: a fragment, a host in capitals.
    written = Article(site_id=site.id, url="https://News.Example/b#comments", title="As written")
    session.add(written)
    session.commit()
    found, queries = _queries_of(session, lambda: repo.article_by_url(session, site.id, "https://News.Example/b#comments"))
    assert found is written and len(queries) == 1
    assert repo.article_by_url(session, site.id, "https://news.example/b") is None  # only the address it was stored under
    normal = Article(site_id=site.id, url="https://news.example/b", title="Normalised")
    session.add(normal)
    session.commit()
    assert repo.article_by_url(session, site.id, "https://News.Example/b#comments") is normal
    assert repo.upsert_article(session, site, "https://News.Example/b#comments", title="Again")[0] is normal


def test_comments_close_when_closed_by_hand_or_past_the_age_limit(session, site):
    article = add_article(session, site)
    now = utcnow()
    article.published_at = now - timedelta(days=10)
    assert not repo.comments_closed(article, None, now)
    assert repo.closing_time(article, None) is None and repo.closing_time(article, 0) is None
    assert repo.closing_time(article, 7) == article.published_at + timedelta(days=7)
    assert repo.comments_closed(article, 7, now)
    assert not repo.comments_closed(article, 11, now)
    article.comments_open = False
    assert repo.comments_closed(article, None, now)
    article.comments_open, article.published_at = True, None
    assert not repo.comments_closed(article, 7, now)  # no publication date: no age limit


def test_a_commenter_is_made_once_and_keeps_the_latest_name(session, site):
    first = repo.commenter_for(session, site.id, "id:ana", "Ana", None)
    second = repo.commenter_for(session, site.id, "id:ana", "Ana B.", "hash")
    assert first.id == second.id and second.display_name == "Ana B."
    assert repo.commenter_by_identity(session, site.id, "id:ana").id == first.id
    assert repo.commenter_by_identity(session, site.id, "id:nobody") is None
    other, _key = create_site(session, "other", "Other")
    assert repo.commenter_for(session, other.id, "id:ana", "Ana", None).id != first.id  # per site


def test_bans_last_until_their_time(session, site):
    commenter = repo.commenter_for(session, site.id, "id:ana", "Ana", None)
    now = utcnow()
    assert not repo.is_banned(commenter, now)
    commenter.banned_until = now + timedelta(hours=1)
    assert repo.is_banned(commenter, now)
    assert not repo.is_banned(commenter, now + timedelta(hours=2))


def test_a_new_comment_counts_for_its_author_article_and_thread(session, site):
    article = add_article(session, site)
    root = add_comment(session, article, "Root comment")
    reply = add_comment(session, article, "A reply", parent=root, author="Ben")
    deeper = add_comment(session, article, "A reply to the reply", parent=reply, author="Ana")
    held = add_comment(session, article, "Held one", "pending", author="Ana")
    session.commit()
    for row in (article, root):
        session.refresh(row)
    assert root.root_id == root.id and reply.root_id == root.id and deeper.root_id == root.id
    assert (reply.depth, deeper.depth) == (1, 2)
    assert article.published_count == 3 and root.reply_count == 2
    ana = repo.commenter_by_identity(session, site.id, "id:ana")
    session.refresh(ana)
    assert (ana.published_count, ana.pending_count, ana.rejected_count) == (2, 1, 0)
    assert repo.published_counts(session, [article.id, 999_999]) == {article.id: 3}
    assert held.root_id == held.id


def test_status_changes_move_the_counts_and_are_logged(session, site):
    article = add_article(session, site)
    root = add_comment(session, article, "Root")
    reply = add_comment(session, article, "Reply", parent=root, author="Ben")
    event = repo.change_status(
        session,
        reply,
        "rejected",
        actor="moderator",
        actor_name="mod",
        action="reject",
        reasons=[{"code": "abusive"}],
        note="rude",
    )
    session.commit()
    session.refresh(article)
    session.refresh(root)
    assert article.published_count == 1 and root.reply_count == 0
    ben = repo.commenter_by_identity(session, site.id, "id:ben")
    session.refresh(ben)
    assert (ben.published_count, ben.rejected_count) == (0, 1)
    assert (event.from_status, event.to_status, event.action, event.note) == ("published", "rejected", "reject", "rude")
    with pytest.raises(ValueError, match="unknown status"):
        repo.change_status(session, reply, "vanished", actor="moderator", actor_name="mod")


def test_every_rejection_gets_one_statement_of_reasons(session, site):
    article = add_article(session, site)
    automatic = add_comment(session, article, "Rejected by the models", "rejected")
    by_hand = add_comment(session, article, "Rejected by a person")
    repo.change_status(session, by_hand, "rejected", actor="moderator", actor_name="mod")
    repo.change_status(session, by_hand, "rejected", actor="moderator", actor_name="mod")  # again: no second statement
    imported = add_comment(session, article, "Rejected elsewhere", "rejected", system_decision="imported")
    session.commit()
    statements = session.scalars(select(StatementOfReasons).order_by(StatementOfReasons.id)).all()
    assert [(s.comment_id, s.automated) for s in statements] == [(automatic.id, True), (by_hand.id, False)]
    assert imported.id not in {s.comment_id for s in statements}


def test_an_undo_back_to_a_rejection_issues_no_new_statement(session, site):
    comment = add_comment(session, add_article(session, site), "x", "rejected")
    repo.change_status(session, comment, "published", actor="moderator", actor_name="mod")
    repo.change_status(session, comment, "rejected", actor="moderator", actor_name="mod", action="undo")
    session.commit()
    assert len(session.scalars(select(StatementOfReasons)).all()) == 1


def test_a_deleted_comment_counts_for_its_author_but_not_on_the_page(session, site):
    article = add_article(session, site)
    comment = add_comment(session, article, "to be deleted")
    comment.deleted_at = utcnow()
    repo.change_status(session, comment, "rejected", actor="moderator", actor_name="mod")
    session.commit()
    session.refresh(article)
    assert article.published_count == 1  # deleted comments were never taken off by this move


def test_recent_rejections_count_only_the_window(session, site):
    article = add_article(session, site)
    old = add_comment(session, article, "old", "rejected")
    add_comment(session, article, "new", "rejected")
    add_comment(session, article, "fine")
    old.created_at = utcnow() - timedelta(days=40)
    session.commit()
    assert repo.recent_rejections(session, old.commenter_id, 30) == 1
    assert repo.recent_rejections(session, old.commenter_id, 60) == 2


def test_recent_activity_sees_the_same_text_and_others_fingerprints(session, site):
    article = add_article(session, site)
    mine = add_comment(session, article, "Same words again", author="Ana")
    theirs = add_comment(session, article, "Someone else's words", author="Ben")
    theirs.fingerprint = 12345
    mine.fingerprint = 999
    session.commit()
    activity = repo.recent_activity(session, site.id, mine.commenter_id, "Same words again", 60)
    assert activity.same_text_by_commenter and activity.recent_fingerprints == [12345]
    assert not repo.recent_activity(session, site.id, mine.commenter_id, "New words", 60).same_text_by_commenter
    assert not repo.recent_activity(session, site.id, theirs.commenter_id, "Same words again", 60).same_text_by_commenter


def test_recent_fingerprints_keep_their_sign_and_only_the_newest_500_count(session, site):
    article = add_article(session, site)
    mine = add_comment(session, article, "My words", author="Ana")
    base = utcnow() - timedelta(minutes=30)
    others = []
    for number in range(503):
        other = add_comment(session, article, f"words {number}", author="Ben")
        other.created_at = base + timedelta(seconds=number)
        # Both signs and the extremes of a signed 64-bit column.
        other.fingerprint = [-(2**63), 2**63 - 1, -1][number] if number < 3 else (number * 7919) * (-1) ** number
        others.append(other)
    session.commit()
    activity = repo.recent_activity(session, site.id, mine.commenter_id, "My words", 60)
    assert sorted(activity.recent_fingerprints) == sorted(other.fingerprint for other in others[3:])


def _thread(session, site, roots=3, replies=0):
    article = add_article(session, site)
    base = utcnow() - timedelta(hours=1)
    made = []
    for number in range(roots):
        root = add_comment(session, article, f"root {number}", author=f"R{number}")
        root.created_at = base + timedelta(minutes=number)
        made.append(root)
    for number in range(replies):
        reply = add_comment(session, article, f"reply {number}", parent=made[-1], author=f"P{number}")
        reply.created_at = base + timedelta(minutes=30 + number)
    session.commit()
    return article, made


def test_a_thread_is_read_newest_first_page_by_page(session, site):
    article, roots = _thread(session, site, roots=5)
    first = repo.thread_page(session, article.id, None, 2)
    assert [c.text for c in first.roots] == ["root 4", "root 3"] and first.next_cursor
    second = repo.thread_page(session, article.id, first.next_cursor, 2)
    assert [c.text for c in second.roots] == ["root 2", "root 1"]
    last = repo.thread_page(session, article.id, second.next_cursor, 2)
    assert [c.text for c in last.roots] == ["root 0"] and last.next_cursor is None


def test_comments_at_the_same_moment_are_neither_lost_nor_repeated(session, site):
    article, roots = _thread(session, site, roots=4)
    for root in roots:
        root.created_at = roots[0].created_at
    session.commit()
    seen, cursor = [], None
    while True:
        page = repo.thread_page(session, article.id, cursor, 1)
        seen += [c.id for c in page.roots]
        cursor = page.next_cursor
        if cursor is None:
            break
    assert seen == sorted((r.id for r in roots), reverse=True)


def test_a_page_size_is_kept_between_one_and_the_maximum(session, site):
    article, _roots = _thread(session, site, roots=3)
    assert len(repo.thread_page(session, article.id, None, 0).roots) == 1
    assert len(repo.thread_page(session, article.id, None, 10_000).roots) == 3


def test_held_rejected_and_reply_comments_are_not_roots(session, site):
    article, roots = _thread(session, site, roots=2, replies=1)
    add_comment(session, article, "held", "pending")
    add_comment(session, article, "rejected", "rejected")
    session.commit()
    page = repo.thread_page(session, article.id, None, 10)
    assert [c.text for c in page.roots] == ["root 1", "root 0"]
    assert [c.text for c in page.replies[roots[-1].id]] == ["reply 0"] and page.replies[roots[0].id] == []
    assert page.parent_names == {roots[-1].id: "R1"}


def test_replies_come_oldest_first_with_a_cursor_for_the_rest(session, site):
    article, roots = _thread(session, site, roots=1, replies=repo.REPLIES_PER_THREAD + 2)
    page = repo.thread_page(session, article.id, None, 10)
    shown = page.replies[roots[0].id]
    assert [c.text for c in shown] == [f"reply {n}" for n in range(repo.REPLIES_PER_THREAD)]
    rest, cursor = repo.reply_page(session, roots[0].id, page.more_replies[roots[0].id], 10)
    assert [c.text for c in rest] == [f"reply {n}" for n in range(repo.REPLIES_PER_THREAD, repo.REPLIES_PER_THREAD + 2)]
    assert cursor is None


def test_a_deleted_root_stays_only_to_hold_its_replies(session, site):
    article, roots = _thread(session, site, roots=2, replies=1)
    for root in roots:
        root.deleted_at = utcnow()
    session.commit()
    page = repo.thread_page(session, article.id, None, 10)
    assert [c.id for c in page.roots] == [roots[-1].id]  # the one with a reply


def test_a_deleted_reply_shows_only_when_a_shown_reply_answers_it(session, site):
    article = add_article(session, site)
    root = add_comment(session, article, "root")
    lone = add_comment(session, article, "deleted, nobody answered", parent=root, author="A")
    answered = add_comment(session, article, "deleted, answered", parent=root, author="B")
    add_comment(session, article, "the answer", parent=answered, author="C")
    for number, comment in enumerate((lone, answered)):
        comment.deleted_at = utcnow()
        comment.created_at = utcnow() - timedelta(minutes=10 - number)
    session.commit()
    replies, _cursor = repo.reply_page(session, root.id, None, 10)
    assert [c.text for c in replies] == ["deleted, answered", "the answer"]


def test_a_report_counts_once_per_reader_address(session, site):
    comment = add_comment(session, add_article(session, site), "reported")
    assert not repo.already_reported(session, comment.id, "ip-hash")
    repo.add_report(session, comment, "spam", "an ad", "ip-hash")
    session.commit()
    session.refresh(comment)
    assert comment.report_count == 1
    assert repo.already_reported(session, comment.id, "ip-hash")
    assert not repo.already_reported(session, comment.id, "other-hash")
    assert not repo.already_reported(session, comment.id, None)  # no address: never counted as a repeat
    event = session.scalars(select(ModerationEvent).where(ModerationEvent.action == "report")).one()
    assert event.reasons == [{"code": "report_spam", "message": "an ad", "evidence": []}]
    assert session.scalars(select(Report)).one().note == "an ad"


def test_passages_are_cached_per_model_version_and_article_text(session, site):
    article = add_article(session, site)
    vectors = np.arange(6, dtype=np.float32).reshape(2, 3)
    assert repo.cached_passages(session, article, "m1") is None
    repo.store_passages(session, article, "m1", ["Title", "Body"], vectors)
    session.commit()
    passages, cached = repo.cached_passages(session, article, "m1")
    assert passages == ["Title", "Body"] and np.array_equal(cached, vectors)
    assert repo.cached_passages(session, article, "m2") is None
    repo.store_passages(session, article, "m2", ["Only"], vectors[:1] + 1)  # the last write wins
    session.commit()
    assert repo.cached_passages(session, article, "m1") is None
    assert repo.cached_passages(session, article, "m2")[0] == ["Only"]
    article.body = "An edited body"
    assert repo.cached_passages(session, article, "m2") is None  # the text changed


def test_passages_read_once_are_kept_until_the_article_gets_new_ones(session, site):
    # Posting reads an article's passages for every comment: after the first read they come
    # from the process's memory, and storing new ones replaces what was kept.
    article = add_article(session, site)
    vectors = np.arange(6, dtype=np.float32).reshape(2, 3)
    repo.store_passages(session, article, "m1", ["Title", "Body"], vectors)
    session.commit()
    assert repo.cached_passages(session, article, "m1")[0] == ["Title", "Body"]
    queries = []

    def count(*args):
        queries.append(args[2])

    event.listen(session.get_bind(), "before_cursor_execute", count)
    passages, kept = repo.cached_passages(session, article, "m1")
    event.remove(session.get_bind(), "before_cursor_execute", count)
    assert passages == ["Title", "Body"] and np.array_equal(kept, vectors) and queries == []
    passages.append("a caller's change")  # each caller gets its own list
    assert repo.cached_passages(session, article, "m1")[0] == ["Title", "Body"]
    repo.store_passages(session, article, "m1", ["New"], vectors[:1] * 2)
    session.commit()
    passages, kept = repo.cached_passages(session, article, "m1")
    assert passages == ["New"] and np.array_equal(kept, vectors[:1] * 2)


def test_kept_passages_belong_to_their_own_database(tmp_path):
    from commentdesk.store.db import make_engine, migrate, session_factory

    found = []
    for name, words in (("one", ["First database"]), ("two", None)):
        engine = make_engine(f"sqlite:///{tmp_path / name}.sqlite3")
        migrate(engine)
        with session_factory(engine)() as session:
            article = add_article(session, create_site(session, "news", "News")[0])
            if words:
                repo.store_passages(session, article, "m1", words, np.ones((1, 3), np.float32))
                session.commit()
                repo.cached_passages(session, article, "m1")
            found.append(repo.cached_passages(session, article, "m1"))
        engine.dispose()
    assert found[0][0] == ["First database"] and found[1] is None


def test_nudge_statistics_count_what_authors_did(session, site):
    from commentdesk.store.models import Nudge

    article = add_article(session, site)
    rows = [(True, "published"), (True, "pending"), (False, "published"), (None, None)]
    for number, (edited, outcome) in enumerate(rows):
        session.add(
            Nudge(
                token=f"token-{number}",
                site_id=site.id,
                article_id=article.id,
                draft_hash="d" * 64,
                edited=edited,
                outcome=outcome,
                reasons=[],
            )
        )
    session.commit()
    assert repo.nudge_stats(session, site.id) == {
        "nudged": 4,
        "sent_after_nudge": 3,
        "edited": 2,
        "edited_and_published": 1,
        "unchanged": 1,
        "abandoned": 1,
        "edit_pass_rate": 0.5,
    }
    other, _key = create_site(session, "other", "Other")
    assert repo.nudge_stats(session, other.id)["edit_pass_rate"] is None


def test_article_rows_and_comment_rows_are_plain_models(session, site):
    article = add_article(session, site)
    comment = add_comment(session, article)
    session.commit()
    assert session.get(Article, article.id).url == "https://news.example/story"
    assert session.get(Comment, comment.id).commenter.display_name == "Ana"
    assert session.get(Commenter, comment.commenter_id).site_id == site.id
    assert repo.now_utc().tzinfo is not None
