"""Moderators' decisions in the words of the log, refused or deferred as a whole; articles the
publisher registers (closing one is announced); and every change a reader can see making the
read cache's entries stale through the article's or the site's revision."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from commentdesk.services import accounts, articles, decisions, events, sites
from commentdesk.services.read_cache import ReadCache, revisions_of
from commentdesk.services.visibility import NotAllowed
from commentdesk.store import repository as repo
from commentdesk.store import revisions
from commentdesk.store.models import Article, Comment, DomainEvent, ModerationEvent, StatementOfReasons, User
from db_fixtures import add_article, add_comment

PASSWORD = "a long enough password"


@pytest.fixture
def moderator(session, site) -> User:
    user = accounts.create_user(session, "mod", PASSWORD, "moderator", [site.id])
    session.commit()
    return user


def _message(session, result) -> str:
    return session.get_one(ModerationEvent, result.event_ids[0]).reasons[0]["message"]


@pytest.mark.parametrize(
    ("status", "system_decision", "action", "words"),
    [
        ("published", "publish", "approve", "Approved by a moderator. Confirms the automatic decision (publish)."),
        ("rejected", "reject", "reject", "Rejected by a moderator: Spam. Confirms the automatic decision (reject)."),
        ("published", "publish", "reject", "Rejected by a moderator: Spam. Overrides the automatic decision (publish)."),
        ("published", "imported", "reject", "Rejected by a moderator: Spam. Reviews a comment imported from another platform."),
        ("published", "", "approve", "Approved by a moderator."),
    ],
)
def test_the_log_says_how_a_decision_relates_to_the_automatic_one(
    session, site, moderator, status, system_decision, action, words
):
    comment = add_comment(session, add_article(session, site), "decided", status, system_decision=system_decision or None)
    comment.system_decision = system_decision
    session.commit()
    result = decisions.decide(session, moderator, [comment.id], action, rejection_reason="spam" if action == "reject" else None)
    assert _message(session, result) == words


def test_a_decision_including_a_comment_outside_the_moderators_sites_changes_nothing(session, site, moderator):
    other, _key = sites.create_site(session, "other", "Other")
    mine = add_comment(session, add_article(session, site), "mine", "pending")
    theirs = add_comment(session, add_article(session, other, url="https://other.example/a"), "theirs", "pending", author="Ben")
    session.commit()
    with pytest.raises(NotAllowed):
        decisions.decide(session, moderator, [mine.id, theirs.id], "approve")
    session.rollback()
    assert session.get_one(Comment, mine.id).status == "pending"
    assert session.scalars(select(ModerationEvent.action).where(ModerationEvent.actor == "moderator")).all() == []


def test_a_decision_within_a_larger_use_case_is_left_uncommitted(sessions, site, moderator):
    with sessions() as session:
        comment = add_comment(session, add_article(session, site), "held", "pending")
        session.commit()
        comment_id = comment.id
        result = decisions.decide(session, session.merge(moderator), [comment_id], "approve", commit=False)
        assert result.statuses == {comment_id: "published"}
        session.rollback()  # the caller's use case failed
    with sessions() as session:
        assert session.get_one(Comment, comment_id).status == "pending"


def test_undoing_a_restore_rejects_again_without_a_new_statement(session, site, moderator):
    comment = add_comment(session, add_article(session, site), "rejected by the models", "rejected")
    session.commit()
    restored = decisions.decide(session, moderator, [comment.id], "restore")
    undone = decisions.undo(session, moderator, restored.event_ids)
    assert undone.statuses == {comment.id: "rejected"} and undone.undone == {comment.id: "restore"}
    back = session.get_one(ModerationEvent, undone.event_ids[0])
    assert (back.action, back.from_status, back.to_status) == ("undo", "published", "rejected")
    assert back.note == f"Undid restore (event {restored.event_ids[0]})."
    assert len(session.scalars(select(StatementOfReasons)).all()) == 1  # the first one stands again
    kinds = session.scalars(select(DomainEvent.kind).order_by(DomainEvent.id)).all()
    assert kinds == ["comment.published", "comment.rejected"]


def test_a_refused_undo_of_several_changes_none_of_them(session, site, moderator):
    article = add_article(session, site)
    first = add_comment(session, article, "first", "pending")
    second = add_comment(session, article, "second", "pending", author="Ben")
    session.commit()
    approved = decisions.decide(session, moderator, [first.id], "approve")
    with pytest.raises(decisions.UndoRefused):
        decisions.undo(session, moderator, approved.event_ids + [999_999])
    assert session.get_one(Comment, first.id).status == "published"
    assert session.get_one(Comment, second.id).status == "pending"
    assert session.scalars(select(ModerationEvent).where(ModerationEvent.action == "undo")).all() == []


# --- articles the publisher registers ---------------------------------------------------------------


def test_registering_an_article_creates_then_updates_it(sessions, site):
    with sessions() as session:
        article, created = articles.register_article(session, site, "https://news.example/a", {"title": "First", "body": "B"})
    assert created
    with sessions() as session:
        again, created = articles.register_article(session, site, "https://news.example/a", {"title": "Second", "body": None})
    assert not created and again.id == article.id and (again.title, again.body) == ("Second", "B")


def test_closing_an_article_through_the_api_is_announced_once(sessions, site):
    with sessions() as session:
        articles.register_article(session, site, "https://news.example/a", {"title": "A"})
        articles.register_article(session, site, "https://news.example/a", {"comments_open": False})
        articles.register_article(session, site, "https://news.example/a", {"comments_open": False})  # closed already
        articles.register_article(session, site, "https://news.example/b", {"title": "B", "comments_open": False})  # new, closed
        articles.register_article(session, site, "https://news.example/a", {"comments_open": True})
        closed = session.scalars(select(DomainEvent)).all()
    assert [(event.kind, event.payload["actor"], event.payload["article"]["url"]) for event in closed] == [
        (events.ARTICLE_CLOSED, "site", "https://news.example/a")
    ]


# --- read-cache invalidation ----------------------------------------------------------------------


def _change(kind, session, site, article, shown, held, moderator):
    if kind == "comment published":
        add_comment(session, article, "another published comment", author="Ben")
    elif kind == "held comment approved":
        decisions.decide(session, moderator, [held.id], "approve")
    elif kind == "comment rejected":
        decisions.decide(session, moderator, [shown.id], "reject", rejection_reason="spam")
    elif kind == "comment deleted by its author":
        revisions.mark_deleted(session, shown, actor_name="Ana")
    elif kind == "held comment deleted by its author":
        revisions.mark_deleted(session, held, actor_name="Cy")
    elif kind == "article closed":
        articles.set_article_options(session, article, user=moderator, comments_open=False)
    elif kind == "site policy changed":
        sites.change_policy(session, site, {"edit_window_minutes": 5})
    else:
        sites.set_language(session, site, "de")
    session.commit()


@pytest.mark.parametrize(
    "kind",
    [
        "comment published",
        "held comment approved",
        "comment rejected",
        "comment deleted by its author",
        "held comment deleted by its author",
        "article closed",
        "site policy changed",
        "site language changed",
    ],
)
def test_every_change_readers_see_makes_cached_pages_stale(sessions, session, site, moderator, kind):
    article = add_article(session, site)
    shown = add_comment(session, article, "shown")
    held = add_comment(session, article, "held", "pending", author="Cy")
    session.commit()
    session.refresh(article)
    cache = ReadCache(sessions.kw["bind"])
    try:
        cache.put(("page",), b"{}", article.id, revisions_of(article))
        assert cache.fresh(("page",)) is not None
        _change(kind, session, site, article, shown, held, moderator)
        assert cache.fresh(("page",)) is None
    finally:
        cache.close()


def test_a_report_or_a_decision_on_another_article_leaves_cached_pages_fresh(sessions, session, site, moderator):
    article = add_article(session, site)
    elsewhere = add_article(session, site, url="https://news.example/elsewhere")
    comment = add_comment(session, article, "shown")
    other = add_comment(session, elsewhere, "elsewhere", "pending", author="Ben")
    session.commit()
    session.refresh(article)
    cache = ReadCache(sessions.kw["bind"])
    try:
        cache.put(("page",), b"{}", article.id, revisions_of(article))
        repo.add_report(session, comment, "spam", "", None)
        session.commit()
        decisions.decide(session, moderator, [other.id], "approve")
        assert cache.fresh(("page",)) is not None
        assert session.get_one(Article, elsewhere.id).published_count == 1
    finally:
        cache.close()
