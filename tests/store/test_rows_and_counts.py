"""More of the store on both databases: counts that stay exact through checking, deletion and
edits; rows that must exist; the export stream; commenters' records; used reader tokens;
webhook endpoints and their deliveries; and the dashboard's windowed queries."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest
from sqlalchemy import select
from sqlalchemy.exc import NoResultFound

from commentdesk.services.sites import create_site
from commentdesk.store import (
    articles,
    commenters,
    comments,
    exports,
    reader_tokens,
    revisions,
    sites,
    stats,
    users,
    webhooks,
)
from commentdesk.store import repository as repo
from commentdesk.store.inserts import insert_all_loaded
from commentdesk.store.models import (
    Article,
    Comment,
    CommentRevision,
    DomainEvent,
    ModerationEvent,
    Nudge,
    User,
    WebhookDelivery,
    WebhookEndpoint,
    utcnow,
)
from db_fixtures import add_article, add_comment


def _counts(session, article, commenter_id, root=None):
    session.expire_all()
    found = (
        session.get_one(Article, article.id).published_count,
        session.get_one(Comment, root.id).reply_count if root else None,
    )
    commenter = commenters.known_commenter(session, commenter_id)
    return found + ((commenter.published_count, commenter.pending_count, commenter.rejected_count),)


# --- counts ---------------------------------------------------------------------------------------


def test_a_comment_being_checked_counts_nowhere_until_it_is_decided(session, site):
    article = add_article(session, site)
    root = add_comment(session, article, "root", author="Root")
    reply = add_comment(session, article, "checking", "checking", parent=root)
    session.commit()
    assert _counts(session, article, reply.commenter_id, root) == (1, 0, (0, 0, 0))
    repo.change_status(session, reply, "published", actor="system", actor_name="system", action="publish")
    session.commit()
    assert _counts(session, article, reply.commenter_id, root) == (2, 1, (1, 0, 0))
    with pytest.raises(ValueError, match="unknown status 'checking'"):
        repo.change_status(session, reply, "checking", actor="system", actor_name="system")


def test_deciding_a_comment_again_the_same_way_changes_no_count(session, site):
    article = add_article(session, site)
    comment = add_comment(session, article, "fine")
    before = comment.updated_at
    event = repo.change_status(session, comment, "published", actor="moderator", actor_name="mod", action="approve")
    session.commit()
    assert _counts(session, article, comment.commenter_id) == (1, None, (1, 0, 0))
    assert (event.from_status, event.to_status, event.action) == ("published", "published", "approve")
    assert session.get_one(Comment, comment.id).updated_at == before


def test_deleting_a_published_reply_leaves_the_page_counts_but_not_the_authors_record(session, site):
    article = add_article(session, site)
    root = add_comment(session, article, "root", author="Root")
    reply = add_comment(session, article, "reply", parent=root)
    session.commit()
    revision_before = session.get_one(Article, article.id).revision
    event = revisions.mark_deleted(session, reply, actor_name="Ana")
    session.commit()
    assert _counts(session, article, reply.commenter_id, root) == (1, 0, (1, 0, 0))
    assert (event.actor, event.action, event.from_status, event.to_status) == ("author", "delete", "published", "published")
    assert session.get_one(Article, article.id).revision > revision_before
    # Rejected afterwards: the page counts do not go down a second time.
    repo.change_status(session, reply, "rejected", actor="moderator", actor_name="mod")
    session.commit()
    assert _counts(session, article, reply.commenter_id, root) == (1, 0, (0, 0, 1))


def test_deleting_a_held_comment_touches_only_the_articles_revision(session, site):
    article = add_article(session, site)
    held = add_comment(session, article, "held", "pending")
    session.commit()
    revision_before = session.get_one(Article, article.id).revision
    revisions.mark_deleted(session, held, actor_name="Ana")
    session.commit()
    assert _counts(session, article, held.commenter_id) == (0, None, (0, 1, 0))
    assert session.get_one(Article, article.id).revision == revision_before + 1
    assert session.get_one(Comment, held.id).deleted_at is not None


def test_earlier_versions_are_kept_oldest_first_per_comment(session, site):
    article = add_article(session, site)
    comment = add_comment(session, article, "first words", reasons=[{"code": "caps"}])
    other = add_comment(session, article, "other", author="Ben")
    first_edit = utcnow()
    revisions.keep_version(session, comment, first_edit)
    comment.text, comment.edited_at = "second words", first_edit
    revisions.keep_version(session, comment, first_edit + timedelta(minutes=1))
    session.commit()
    kept = revisions.versions(session, [comment.id, other.id])
    assert list(kept) == [comment.id]
    assert [(row.text, row.reasons) for row in kept[comment.id]] == [
        ("first words", [{"code": "caps"}]),
        ("second words", [{"code": "caps"}]),
    ]
    assert kept[comment.id][0].written_at == comment.created_at and kept[comment.id][1].written_at == first_edit
    assert revisions.versions(session, []) == {}
    assert session.scalar(select(CommentRevision.replaced_at).order_by(CommentRevision.id).limit(1)) == first_edit


# --- rows that must exist, and simple look-ups -----------------------------------------------------


@pytest.mark.parametrize("must_exist", [articles.known_article, sites.known_site, commenters.known_commenter])
def test_a_row_that_must_exist_raises_when_it_does_not(session, site, must_exist):
    with pytest.raises(NoResultFound):
        must_exist(session, 999_999)


def test_sites_and_users_are_listed_by_their_names(session, site):
    create_site(session, "alpha", "Zeta Tribune")
    for name in ("zoe", "ana"):
        session.add(User(username=name, password_hash="x", role="moderator", disabled=False, failed_logins=0))
    session.commit()
    assert [found.slug for found in sites.all_sites(session)] == ["alpha", "news"]
    assert [found.username for found in users.all_users(session)] == ["ana", "zoe"]
    assert users.user_by_name(session, "zoe").username == "zoe" and users.user_by_name(session, "Zoe") is None
    assert users.site_ids_by_slug(session, ["news", "ghost"]) == {"news": site.id}
    assert [found.name for found in users.sites_named(session, None)] == ["The Daily Example", "Zeta Tribune"]


def test_comments_with_their_articles_texts_and_an_imported_source(session, site):
    article = add_article(session, site)
    first = add_comment(session, article, "one")
    second = add_comment(session, article, "two", author="Ben")
    second.source_id = "disqus:42"
    session.commit()
    assert {(row.id, found.id) for row, found in comments.with_articles(session, [first.id, second.id])} == {
        (first.id, article.id),
        (second.id, article.id),
    }
    assert comments.texts(session, [first.id, first.id, 999_999]) == {first.id: "one"}
    assert comments.texts(session, []) == {}
    assert tuple(comments.imported(session, site.id, "disqus:42")) == (second.id, second.id, 0, article.id)
    assert comments.imported(session, site.id, "disqus:43") is None
    assert comments.imported(session, site.id + 1, "disqus:42") is None


def test_backdating_moves_a_comment_and_its_events(session, site):
    comment = add_comment(session, add_article(session, site), "seeded")
    session.commit()
    when = utcnow() - timedelta(days=3)
    comments.backdate(session, comment.id, when)
    session.commit()
    session.expire_all()
    stored = session.get_one(Comment, comment.id)
    assert stored.created_at == when and stored.updated_at == when
    assert set(session.scalars(select(ModerationEvent.created_at).where(ModerationEvent.comment_id == comment.id))) == {when}


def test_the_newest_statement_is_the_one_read(session, site):
    comment = add_comment(session, add_article(session, site), "x", "rejected")
    repo.change_status(session, comment, "published", actor="moderator", actor_name="mod")
    repo.change_status(session, comment, "rejected", actor="moderator", actor_name="mod")
    session.commit()
    latest = comments.latest_statement(session, comment.id)
    assert latest is not None and not latest.automated
    assert comments.latest_statement(session, 999_999) is None


# --- the export stream ----------------------------------------------------------------------------


def test_a_sites_comments_are_exported_in_id_order_with_their_articles(session, site):
    other, _key = create_site(session, "other", "Other")
    article = add_article(session, site)
    root = add_comment(session, article, "root")
    add_comment(session, article, "held", "pending", author="Ben")
    reply = add_comment(session, article, "reply", parent=root, author="Cy")
    add_comment(session, add_article(session, other, url="https://other.example/a"), "elsewhere", author="Di")
    session.commit()
    rows = list(exports.comment_rows(session, site.id, ["published"]))
    assert [(row.id, row.parent_id, row.text, row.url, row.title) for row in rows] == [
        (root.id, None, "root", article.url, article.title),
        (reply.id, root.id, "reply", article.url, article.title),
    ]
    assert exports.count_comments(session, site.id, ["published"]) == 2
    assert exports.count_comments(session, site.id, ["published", "pending"]) == 3
    assert exports.count_comments(session, site.id, []) == 0 and list(exports.comment_rows(session, site.id, [])) == []


# --- commenters -----------------------------------------------------------------------------------


def test_a_commenters_newest_comments_pending_ids_and_notes(session, site):
    article = add_article(session, site)
    made = [add_comment(session, article, f"c{number}", "pending" if number % 2 else "published") for number in range(5)]
    add_comment(session, article, "someone else", "pending", author="Ben")
    user = User(username="mod", password_hash="x", role="moderator", disabled=False, failed_logins=0)
    session.add(user)
    session.flush()
    commenter_id = made[0].commenter_id
    commenters.add_note(session, commenter_id, user_id=user.id, author_name="mod", text="first")
    commenters.add_note(session, commenter_id, user_id=user.id, author_name="mod", text="second")
    session.commit()
    newest = commenters.newest_comments(session, commenter_id, 3)
    assert [comment.text for comment in newest] == ["c4", "c3", "c2"] and newest[0].article.id == article.id
    assert sorted(commenters.pending_comment_ids(session, commenter_id)) == [made[1].id, made[3].id]
    assert [note.text for note in commenters.notes(session, commenter_id)] == ["second", "first"]
    assert commenters.notes(session, made[0].commenter_id + 999) == []


# --- used reader tokens ---------------------------------------------------------------------------


def test_a_token_id_is_used_once_per_site_and_forgotten_after_it_expires(session, site):
    other, _key = create_site(session, "other", "Other")
    session.commit()
    now = utcnow()
    later = now + timedelta(minutes=5)
    assert reader_tokens.record_use(session, site.id, "jti-hash", later, now)
    assert not reader_tokens.record_use(session, site.id, "jti-hash", later, now)
    assert reader_tokens.record_use(session, other.id, "jti-hash", later, now)  # another site's token space
    session.commit()
    assert not reader_tokens.record_use(session, site.id, "jti-hash", later, now + timedelta(minutes=4))
    assert reader_tokens.record_use(session, site.id, "jti-hash", later, now + timedelta(minutes=6))


# --- webhooks -------------------------------------------------------------------------------------


@pytest.fixture
def hooks(session, site):
    other, _key = create_site(session, "other", "Other")
    made = []
    for site_id, active, kinds in (
        (site.id, True, []),
        (site.id, False, ["comment.created"]),
        (other.id, True, ["article.closed"]),
    ):
        endpoint = WebhookEndpoint(
            site_id=site_id, url="https://hooks.example/in", secret="whsec_x", event_kinds=kinds, active=active
        )
        session.add(endpoint)
        made.append(endpoint)
    session.flush()
    event = DomainEvent(event_id="00000000-0000-0000-0000-000000000001", kind="comment.created", site_id=site.id, payload={})
    second = DomainEvent(event_id="00000000-0000-0000-0000-000000000002", kind="article.closed", site_id=site.id, payload={})
    session.add_all([event, second])
    session.flush()
    for domain_event, status in ((event, "delivered"), (second, "failed")):
        session.add(WebhookDelivery(event_id=domain_event.id, endpoint_id=made[0].id, status=status))
    session.add(WebhookDelivery(event_id=event.id, endpoint_id=made[1].id, status="failed"))
    session.commit()
    return site, other, made


def test_endpoints_are_counted_listed_and_scoped_per_site(session, hooks):
    site, other, made = hooks
    assert webhooks.endpoint_count(session, site.id) == 2 and webhooks.endpoint_count(session, other.id) == 1
    assert [endpoint.id for endpoint in webhooks.endpoints(session, [site.id])] == [made[0].id, made[1].id]
    assert len(webhooks.endpoints(session, None)) == 3 and webhooks.endpoints(session, []) == []
    assert webhooks.active_endpoints(session, site.id) == [(made[0].id, [])]
    assert webhooks.endpoint(session, made[2].id).site_id == other.id and webhooks.endpoint(session, 999_999) is None


def test_delivery_figures_and_the_failed_ones_per_endpoint(session, hooks):
    _site, _other, made = hooks
    assert sorted(webhooks.delivery_counts(session, [made[0].id, made[1].id])) == sorted(
        [(made[0].id, "delivered", 1), (made[0].id, "failed", 1), (made[1].id, "failed", 1)]
    )
    assert webhooks.delivery_counts(session, []) == []
    recent = webhooks.recent_deliveries(session, [made[0].id], None, 10)
    assert [(kind, delivery.status) for delivery, _event_id, kind in recent] == [
        ("article.closed", "failed"),
        ("comment.created", "delivered"),
    ]
    assert [kind for _d, _e, kind in webhooks.recent_deliveries(session, [made[0].id], "delivered", 10)] == ["comment.created"]
    assert len(webhooks.recent_deliveries(session, [made[0].id], None, 1)) == 1
    failed = webhooks.failed_delivery_ids(session, made[0].id)
    assert len(failed) == 1
    assert webhooks.failed_delivery_ids(session, made[0].id, [failed[0] + 1000]) == []
    assert webhooks.failed_delivery_ids(session, made[0].id, failed) == failed


def test_removing_an_endpoint_removes_its_deliveries_only(session, hooks):
    _site, _other, made = hooks
    webhooks.remove_endpoint(session, made[0])
    session.commit()
    assert set(session.scalars(select(WebhookDelivery.endpoint_id))) == {made[1].id}
    assert len(session.scalars(select(DomainEvent)).all()) == 2


# --- the dashboard's windowed queries --------------------------------------------------------------


def test_the_dashboard_window_limits_sites_site_and_article(session, site):
    other, _key = create_site(session, "other", "Other")
    article = add_article(session, site)
    second = add_article(session, site, url="https://news.example/second")
    start = utcnow() - timedelta(hours=1)
    old = add_comment(session, article, "before the window", "pending")
    old.created_at = start - timedelta(hours=1)
    add_comment(session, second, "in the window", "pending", author="Ben")
    add_comment(session, add_article(session, other, url="https://other.example/a"), "elsewhere", author="Cy")
    session.commit()
    everywhere, mine = stats.Window(None), stats.Window([site.id])
    assert len(list(stats.arrivals(session, everywhere, start))) == 2
    assert [row.article_id for row in stats.arrivals(session, mine, start)] == [second.id]
    assert list(stats.arrivals(session, stats.Window(None, article_id=article.id), start)) == []
    assert list(stats.arrivals(session, stats.Window([site.id], site_id=other.id), start)) == []
    assert stats.oldest_held(session, mine) == old.created_at
    assert stats.oldest_held(session, stats.Window(None, article_id=second.id)) > old.created_at
    assert stats.oldest_held(session, stats.Window([other.id])) is None
    assert set(stats.sites_by_id(session, [site.id, other.id])) == {site.id, other.id} and stats.sites_by_id(session, []) == {}
    assert list(stats.articles_by_id(session, [second.id])) == [second.id] and stats.articles_by_id(session, []) == {}


def test_first_human_decisions_and_overrides_in_the_window(session, site):
    article = add_article(session, site)
    held = add_comment(session, article, "held", "pending")
    confirmed = add_comment(session, article, "confirmed", author="Ben")
    session.flush()
    start = utcnow()
    first = repo.change_status(session, held, "published", actor="moderator", actor_name="mod", action="approve")
    first.created_at = start + timedelta(minutes=1)
    again = repo.change_status(session, held, "rejected", actor="moderator", actor_name="mod", action="reject")
    again.created_at = start + timedelta(minutes=2)
    repo.change_status(session, confirmed, "published", actor="moderator", actor_name="mod", action="approve")
    session.commit()
    decided = {row[0]: row for row in stats.first_human_decisions(session, stats.Window(None), ("approve", "reject"))}
    assert set(decided) == {held.id, confirmed.id}
    assert decided[held.id][1] == first.created_at and decided[held.id][3] == "hold"
    assert (
        stats.overrides_since(session, stats.Window(None), ("approve", "reject"), start) == 2
    )  # the confirmation changed nothing
    assert stats.overrides_since(session, stats.Window(None), ("approve", "reject"), start + timedelta(minutes=90)) == 0
    assert stats.overrides_since(session, stats.Window([site.id + 1]), ("approve", "reject"), start) == 0


def test_nudges_shown_in_the_window(session, site):
    article = add_article(session, site)
    start = utcnow()
    session.add(
        Nudge(
            token="old",
            site_id=site.id,
            article_id=article.id,
            draft_hash="d" * 64,
            reasons=[],
            edited=True,
            outcome="published",
            created_at=start - timedelta(days=1),
        )
    )
    session.add(
        Nudge(
            token="new",
            site_id=site.id,
            article_id=article.id,
            draft_hash="d" * 64,
            reasons=[],
            edited=False,
            outcome="pending",
            created_at=start + timedelta(seconds=1),
        )
    )
    session.commit()
    assert [tuple(row) for row in stats.nudges_since(session, stats.Window(None), start)] == [(False, "pending")]
    assert stats.nudges_since(session, stats.Window(None, article_id=article.id + 1), start) == []


# --- times ----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "given",
    [
        datetime(2026, 3, 1, 12, 0, tzinfo=UTC),
        datetime(2026, 3, 1, 14, 0, tzinfo=timezone(timedelta(hours=2))),  # the same moment elsewhere
        datetime(2026, 3, 1, 12, 0),  # no zone: taken as UTC
    ],
)
def test_times_are_stored_as_moments_and_read_back_in_utc(sessions, site, given):
    with sessions() as session:
        comment = add_comment(session, add_article(session, session.merge(site)), "timed")
        comment.created_at = given
        session.commit()
        comment_id = comment.id
    with sessions() as session:
        stored = session.get_one(Comment, comment_id).created_at
        assert stored == datetime(2026, 3, 1, 12, 0, tzinfo=UTC) and stored.utcoffset() == timedelta(0)
        # Compared in the database as moments, whichever zone the bound value came in.
        assert (
            session.scalar(
                select(Comment.id).where(
                    Comment.created_at >= datetime(2026, 3, 1, 13, 30, tzinfo=timezone(timedelta(hours=1, minutes=30)))
                )
            )
            == comment_id
        )


def test_rows_inserted_together_each_get_their_own_id_and_read_back_as_stored(sessions, site):
    with sessions() as session:
        rows = [
            DomainEvent(event_id=f"event-{number}", kind="comment.created", site_id=site.id, payload={"n": number})
            for number in range(3)
        ]
        insert_all_loaded(session, rows, key="event_id")
        # Every column is readable without a query, the ids included.
        assert [row.payload["n"] for row in rows] == [0, 1, 2]
        assert len({row.id for row in rows}) == 3
        session.commit()
    with sessions() as session:
        stored = {event.id: event.event_id for event in session.scalars(select(DomainEvent))}
    assert stored == {row.id: row.event_id for row in rows}
    assert insert_all_loaded(session, [], key="event_id") == []
