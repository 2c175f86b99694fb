"""Each moderator action leaves its entry in the audit log a moderator reads, naming who did it;
and two moderators deciding one notice at the same moment: the second is refused and changes
nothing."""

from __future__ import annotations

import pytest

from commentdesk.services import accounts, commenters, decisions, notices
from commentdesk.services.accounts import Scope
from commentdesk.services.audit import AuditFilter, audit_events
from commentdesk.services.notices import NoticeForm, NoticeRefused
from commentdesk.store.comments import latest_statement
from commentdesk.store.models import Comment, IllegalContentNotice, NoticeStatus, User
from db_fixtures import add_article, add_comment

SECRET = "test-secret"
PASSWORD = "a long enough password"


@pytest.fixture
def mod(session, site) -> User:
    user = accounts.create_user(session, "mia", PASSWORD, "moderator", [site.id])
    session.commit()
    return user


def _notice(session, comment) -> IllegalContentNotice:
    return notices.file_notice(
        session,
        SECRET,
        comment.id,
        NoticeForm(
            ground="defamation",
            explanation="It falsely says the mayor took bribes.",
            notifier_name="Nora",
            notifier_email="nora@example.org",
            good_faith=True,
        ),
        "198.51.100.4",
    )


def _act(action, session, user, comment):
    """Carry out `action` on the comment through its service; returns nothing."""
    commenter = comment.commenter
    if action == "approve":
        decisions.decide(session, user, [comment.id], "approve")
    elif action == "reject":
        decisions.decide(session, user, [comment.id], "reject", rejection_reason="abusive", note="rude")
    elif action == "restore":
        decisions.decide(session, user, [comment.id], "reject", rejection_reason="spam")
        decisions.decide(session, user, [comment.id], "restore")
    elif action == "undo":
        result = decisions.decide(session, user, [comment.id], "approve")
        decisions.undo(session, user, result.event_ids)
    elif action == "suspend":
        commenters.ban(session, user, commenter, days=3, reason="insults")
    elif action == "ban":
        commenters.ban(session, user, commenter, days=None, reason="threats")
    elif action == "unban":
        commenters.ban(session, user, commenter, days=None, reason="threats")
        commenters.unban(session, user, commenter)
    elif action == "notice removal":
        notices.decide_notice(session, user, _notice(session, comment), "remove", "defamation", "False claim of a crime.")


@pytest.mark.parametrize(
    ("action", "logged", "note"),
    [
        ("approve", "approve", ""),
        ("reject", "reject", "rude"),
        ("restore", "restore", ""),
        ("undo", "undo", "Undid approve (event "),
        ("suspend", "suspend", "Suspended for 3 days. insults"),
        ("ban", "ban", "Banned. threats"),
        ("unban", "unban", "Ban lifted."),
        ("notice removal", "reject", "Notice "),
    ],
)
def test_each_moderator_action_is_in_the_audit_log_under_the_moderators_name(session, site, mod, action, logged, note):
    comment = add_comment(session, add_article(session, site), "A comment a moderator acts on")
    session.commit()
    _act(action, session, mod, comment)
    newest, about = audit_events(session, Scope.of(mod), AuditFilter(actor="mia"), limit=1)[0]
    assert (newest.action, newest.actor, newest.actor_user_id, about.id) == (logged, "moderator", mod.id, comment.id)
    assert newest.note.startswith(note)
    assert audit_events(session, Scope.of(mod), AuditFilter(actor="moderator", action=logged))  # found by role too


def test_a_moderator_of_another_site_does_not_see_those_entries(session, site, mod):
    from commentdesk.services.sites import create_site

    other, _key = create_site(session, "other", "Other")
    outsider = accounts.create_user(session, "otto", PASSWORD, "moderator", [other.id])
    comment = add_comment(session, add_article(session, site), "held", "pending")
    session.commit()
    decisions.decide(session, mod, [comment.id], "approve")
    assert audit_events(session, Scope.of(outsider), AuditFilter()) == []
    assert [event.action for event, _ in audit_events(session, Scope.of(mod), AuditFilter(comment_id=comment.id))] == [
        "approve",
        "hold",
    ]


def test_the_audit_filter_round_trips_through_the_address_bar():
    assert AuditFilter(comment_id=5, actor="mia", action="", site_id=None, text="bribes").as_params() == {
        "comment": "5",
        "actor": "mia",
        "q": "bribes",
    }
    assert AuditFilter().as_params() == {}


# --- two moderators, one notice -------------------------------------------------------------------


def test_the_second_of_two_simultaneous_notice_decisions_is_refused_and_changes_nothing(sessions, site, mod):
    with sessions() as setup:
        comment = add_comment(setup, add_article(setup, setup.merge(site)), "The mayor took bribes.")
        setup.commit()
        notice_id = _notice(setup, comment).id
        second_mod = accounts.create_user(setup, "max", PASSWORD, "moderator", [site.id])
        setup.commit()
        second_id = second_mod.id
    with sessions() as first, sessions() as second:
        seen_by_first = first.get_one(IllegalContentNotice, notice_id)
        seen_by_second = second.get_one(IllegalContentNotice, notice_id)
        assert seen_by_second.status == NoticeStatus.RECEIVED  # both see it open
        notices.decide_notice(first, first.merge(mod), seen_by_first, "none", None, "Lawful criticism of a public figure.")
        with pytest.raises(NoticeRefused) as refused:
            notices.decide_notice(
                second, second.get_one(User, second_id), seen_by_second, "remove", "defamation", "False claim of a crime."
            )
        assert (refused.value.code, refused.value.status) == ("already_decided", 409)
    with sessions() as check:
        stored = check.get_one(IllegalContentNotice, notice_id)
        assert (stored.status, stored.decided_by_name) == (NoticeStatus.NO_ACTION, "mia")
        assert check.get_one(Comment, comment.id).status == "published"  # the refused removal did not happen


def test_starting_a_review_of_a_decided_notice_changes_nothing(session, site, mod):
    comment = add_comment(session, add_article(session, site), "The mayor took bribes.")
    session.commit()
    notice = _notice(session, comment)
    notices.decide_notice(session, mod, notice, "none", None, "Lawful criticism of a public figure.")
    reviewer = accounts.create_user(session, "rev", PASSWORD, "admin")
    session.commit()
    notices.start_review(session, reviewer, notice)
    session.expire_all()
    stored = session.get_one(IllegalContentNotice, notice.id)
    assert (stored.status, stored.decided_by_name) == (NoticeStatus.NO_ACTION, "mia")
    assert notices.comment_is_removed(stored) is False


def test_a_removed_comments_notice_says_so(session, site, mod):
    comment = add_comment(session, add_article(session, site), "The mayor took bribes.")
    session.commit()
    notice = _notice(session, comment)
    notices.decide_notice(session, mod, notice, "remove", "defamation", "False claim of a crime.")
    session.expire_all()
    stored = session.get_one(IllegalContentNotice, notice.id)
    assert notices.comment_is_removed(stored)
    assert (stored.decision_action, stored.decision_ground) == ("remove", "defamation")
    statement = latest_statement(session, comment.id)  # the author is told why, as for any rejection
    assert statement.event.reasons[0]["code"] == "illegal_content" and not statement.automated
