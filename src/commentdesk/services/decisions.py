"""Moderators' decisions on comments: approve, reject or restore (one or many at a time), and undo.

Every status change goes through `store.comments.change_status`, which keeps the stored counts
right and writes the audit event; this module decides which change to make and why, and commits.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy.orm import Session

from commentdesk.i18n import N_
from commentdesk.i18n import gettext as _
from commentdesk.services import events
from commentdesk.services.accounts import Scope
from commentdesk.services.comment_input import clean_text
from commentdesk.services.visibility import NotAllowed, visible_comment
from commentdesk.store import audit, comments, reports
from commentdesk.store.models import CommentStatus, User, utcnow
from commentdesk.store.queues import HUMAN_DECISIONS, UNDO

REJECTION_REASONS = {
    "abusive": N_("Abusive"),
    "off_topic": N_("Off-topic"),
    "spam": N_("Spam"),
    "other": N_("Other"),
}
# What a decision may give as its reason: the menus' reasons, and the removal after a notice of
# illegal content (decided from the Notices queue, not from the menus).
DECISION_REASONS = {**REJECTION_REASONS, "illegal_content": N_("Illegal content")}
__all__ = [
    "DECISION_REASONS",
    "HUMAN_DECISIONS",
    "REJECTION_REASONS",
    "UNDO",
    "ActionResult",
    "DecidedMeanwhile",
    "UndoRefused",
    "decide",
    "newest_event_id",
    "undo",
]


@dataclass
class ActionResult:
    event_ids: list[int]
    comment_ids: list[int]
    statuses: dict[int, str]
    # For an undo: the decision that was undone on each comment (approve, reject, restore).
    undone: dict[int, str] = field(default_factory=dict)


class UndoRefused(Exception):
    pass


class DecidedMeanwhile(Exception):
    """Another moderator decided one of the comments after the deciding moderator's page was drawn."""


def decide(
    session: Session,
    user: User,
    comment_ids: list[int],
    action: str,
    *,
    rejection_reason: str | None = None,
    note: str = "",
    commit: bool = True,
    allowed_reasons: Collection[str] = tuple(REJECTION_REASONS),
    seen_event_id: int | None = None,
) -> ActionResult:
    """Approve, reject or restore each comment; a decision on a reported comment resolves its reports.

    Deciding what the comment already is (approving a published one) is still recorded: it is a
    human confirming the automatic decision, which marks it reviewed and teaches the models.
    `commit=False` leaves the transaction to a caller that decides as part of its own use case.
    `allowed_reasons`: the menus' reasons; only a notice's decision may add its illegal content.
    `seen_event_id`: the newest event when the moderator's page was drawn; a decision another
    moderator made after it is not decided over unseen (DecidedMeanwhile, nothing changed).
    """
    if action not in HUMAN_DECISIONS:
        raise ValueError(_("unknown action '%(action)s'") % {"action": action})
    if action == "reject" and rejection_reason not in allowed_reasons:
        raise ValueError(_("a rejection needs a reason: one of %(reasons)s") % {"reasons": ", ".join(allowed_reasons)})
    scope = Scope.of(user)
    # In id order: two moderators' bulk decisions over the same comments then take the rows' locks
    # in the same order on PostgreSQL, so one waits for the other instead of both deadlocking.
    chosen = [visible_comment(session, scope, comment_id) for comment_id in sorted(set(comment_ids))]
    now = utcnow()
    event_ids, statuses = [], {}
    for comment in chosen:
        reasons: list[dict[str, Any]]
        if action == "reject":
            assert rejection_reason is not None  # checked above
            target, verb = CommentStatus.REJECTED, "reject"
            reasons = [
                {
                    "code": rejection_reason,
                    "message": f"Rejected by a moderator: {DECISION_REASONS[rejection_reason]}.",
                    "evidence": [],
                }
            ]
        else:
            target = CommentStatus.PUBLISHED
            verb = "restore" if comment.status == CommentStatus.REJECTED else "approve"
            reasons = [{"code": "approved", "message": "Approved by a moderator.", "evidence": []}]
        against = _against_system(comment.system_decision, target)
        if against:  # no automatic decision to compare with: nothing to add
            reasons[0]["message"] += " " + against
        previous_status = comment.status
        event = comments.change_status(
            session,
            comment,
            target,
            actor="moderator",
            actor_name=user.username,
            actor_user_id=user.id,
            action=verb,
            reasons=reasons,
            note=clean_text(note),
        )
        event.created_at = now
        events.record_status(session, comment, previous_status, actor="moderator")
        reports.resolve_reports(session, comment.id, now)
        session.flush()
        event_ids.append(event.id)
        statuses[comment.id] = comment.status
    if seen_event_id is not None:
        # Checked after this decision's writes and with the rows locked: a decision being written at
        # the same moment is committed before the check reads (SQLite has one writer at a time).
        _refuse_decided_meanwhile(session, user, [comment.id for comment in chosen], seen_event_id)
    if commit:
        session.commit()
    return ActionResult(event_ids, [comment.id for comment in chosen], statuses)


def newest_event_id(session: Session) -> int:
    """What a page sends back as `seen_event_id` with its decisions: the newest event it could show."""
    return audit.newest_event_id(session)


def _refuse_decided_meanwhile(session: Session, user: User, comment_ids: list[int], seen_event_id: int) -> None:
    comments.lock(session, comment_ids)
    other = audit.decided_by_others_since(session, comment_ids, seen_event_id, user.id, (*HUMAN_DECISIONS, UNDO))
    if other is not None:
        session.rollback()
        raise DecidedMeanwhile(
            _("Comment %(id)s was decided by %(name)s after this page was loaded. Reload the page to see it as it is now.")
            % {"id": other.comment_id, "name": other.actor_name}
        )


def _against_system(system_decision: str, target: str) -> str:
    """How a human decision relates to the automatic one, in words for the log."""
    if not system_decision:
        return ""
    if system_decision == "hold":
        return "Decides a comment the system held."
    if system_decision == "imported":
        return "Reviews a comment imported from another platform."
    automatic = CommentStatus.REJECTED if system_decision == "reject" else CommentStatus.PUBLISHED
    verb = "Confirms" if automatic == target else "Overrides"
    return f"{verb} the automatic decision ({system_decision})."


def undo(session: Session, user: User, event_ids: list[int]) -> ActionResult:
    """Put each comment back as it was before the user's decision, if that decision is still its latest.

    The decision stays in the log; the undo is a new event after it. Reports that the decision
    resolved are open again. Refused (UndoRefused, NotAllowed), it changes nothing.
    """
    try:
        return _undo(session, user, event_ids)
    except (UndoRefused, NotAllowed):
        session.rollback()
        raise


def _undo(session: Session, user: User, event_ids: list[int]) -> ActionResult:
    scope = Scope.of(user)
    undone, statuses, comment_ids, actions = [], {}, [], {}
    for event_id in dict.fromkeys(event_ids):
        event = audit.event(session, event_id)
        if event is None or event.actor_user_id != user.id or event.action not in HUMAN_DECISIONS:
            raise UndoRefused(_("Only your own decisions can be undone."))
        comment = visible_comment(session, scope, event.comment_id)
        if audit.latest_decision_id(session, comment.id) != event.id:
            raise UndoRefused(_("Comment %(id)s has been decided again since; open it to change it.") % {"id": comment.id})
        previous_status = comment.status
        back = comments.change_status(
            session,
            comment,
            event.from_status or CommentStatus.PENDING,
            actor="moderator",
            actor_name=user.username,
            actor_user_id=user.id,
            action=UNDO,
            reasons=[],
            note=f"Undid {event.action} (event {event.id}).",
        )
        events.record_status(session, comment, previous_status, actor="moderator")
        reports.reopen_reports_since(session, comment.id, event.created_at)
        session.flush()
        undone.append(back.id)
        statuses[comment.id] = comment.status
        comment_ids.append(comment.id)
        actions[comment.id] = event.action
    session.commit()
    return ActionResult(undone, comment_ids, statuses, actions)
