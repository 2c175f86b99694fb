"""Bans at their edges (a commenter with no comment yet, what waits left alone, a suspension that
has run out, a record of limited length) and the subjects a queue's filters name."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from commentdesk.services import accounts, commenters, decisions, queues
from commentdesk.services.accounts import Scope
from commentdesk.services.queues import QueueFilter
from commentdesk.store import guest_bans
from commentdesk.store import repository as repo
from commentdesk.store.models import Comment, CommenterNote, ModerationEvent, User, utcnow
from db_fixtures import add_article, add_comment

PASSWORD = "a long enough password"


@pytest.fixture
def mod(session, site) -> User:
    user = accounts.create_user(session, "mia", PASSWORD, "moderator", [site.id])
    session.commit()
    return user


def test_a_commenter_without_comments_is_banned_with_a_note_and_no_log_entry(session, site, mod):
    commenter = repo.commenter_for(session, site.id, "id:newcomer", "Newcomer", None)
    session.commit()
    commenters.ban(session, mod, commenter, days=None, reason="known spammer")
    assert repo.is_banned(commenter)
    assert session.scalars(select(CommenterNote.text)).all() == ["Banned: known spammer"]
    assert session.scalars(select(ModerationEvent).where(ModerationEvent.actor == "moderator")).all() == []


def test_a_ban_leaves_waiting_comments_unless_asked(session, site, mod):
    waiting = add_comment(session, add_article(session, site), "waiting", "pending", author="Troll")
    session.commit()
    commenters.ban(session, mod, waiting.commenter, days=2, reason="insults")
    assert session.get_one(Comment, waiting.id).status == "pending"
    assert queues.queue_counts(session, Scope.of(mod), QueueFilter())["held"] == 1


def test_a_suspension_that_has_run_out_no_longer_counts(session, site, mod):
    comment = add_comment(session, add_article(session, site), "x", author="Troll")
    comment.ip_hash = "ip-troll"
    session.commit()
    now = utcnow()
    until = commenters.ban(session, mod, comment.commenter, days=1, reason="cool off", now=now - timedelta(days=2))
    assert until < now
    assert not commenters.commenter_record(session, comment.commenter).banned
    assert not guest_bans.banned(session, site.id, ["ip-troll"], now)


def test_a_commenters_record_is_limited_newest_first_with_the_rejection_rate(session, site, mod):
    article = add_article(session, site)
    made = [add_comment(session, article, f"c{number}", "rejected" if number == 0 else "published") for number in range(4)]
    session.commit()
    commenter = made[0].commenter
    session.refresh(commenter)
    record = commenters.commenter_record(session, commenter, limit=2)
    assert [comment.text for comment in record.comments] == ["c3", "c2"]
    assert record.rejection_rate == 0.25 and record.last_human == {}


# --- the subjects a queue's filters name ----------------------------------------------------------


def test_the_filters_subjects_are_found_for_the_heading(session, site):
    comment = add_comment(session, add_article(session, site), "x")
    session.commit()
    article, commenter = queues.filter_subjects(
        session, QueueFilter(article_id=comment.article_id, commenter_id=comment.commenter_id)
    )
    assert article.id == comment.article_id and commenter.id == comment.commenter_id
    assert queues.filter_subjects(session, QueueFilter()) == (None, None)
    assert queues.filter_subjects(session, QueueFilter(article_id=999_999, commenter_id=999_999)) == (None, None)


def test_an_unknown_view_of_the_rejected_queue_is_the_default_one(session, site):
    automatic = add_comment(session, add_article(session, site), "automatic", "rejected")
    session.commit()
    filters = QueueFilter(rejected="everything please")
    assert filters.rejected == queues.DEFAULT_REJECTED_VIEW and filters.as_params() == {}
    assert [comment.id for comment in queues.queue_comments(session, Scope(None), "rejected", filters)] == [automatic.id]


def test_the_badges_show_the_chosen_rejected_view_only_in_the_filtered_counts(session, site, mod):
    comment = add_comment(session, add_article(session, site), "rejected by a person")
    session.commit()
    decisions.decide(session, mod, [comment.id], "reject", rejection_reason="spam")
    badges = queues.badge_counts(session, Scope.of(mod), QueueFilter(rejected="moderators"))
    assert badges.overall["rejected"] == 0 and badges.filtered["rejected"] == 1
    assert badges.as_dict() == {"counts": badges.overall, "filtered_counts": badges.filtered}
