"""What moderators work on: the queues, their decisions (one or many at a time), undo, bans.

Every status change goes through `repository.change_status`, which keeps the stored counts
right and writes the audit event; this module decides which change to make and why.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from sqlalchemy import Select, Text, and_, cast, exists, func, or_, select
from sqlalchemy.orm import Session, selectinload

from commentdesk.moderation.reasons import MODERATOR_WORDS, SUGGESTED_REJECTION
from commentdesk.moderation.types import COMMENT_WORD_EVIDENCE
from commentdesk.services import events
from commentdesk.services.accounts import Scope
from commentdesk.store import guest_bans
from commentdesk.store import repository as repo
from commentdesk.store.models import (
    Article,
    ArticleEvent,
    Comment,
    Commenter,
    CommenterNote,
    CommentStatus,
    ModerationEvent,
    Report,
    User,
    utcnow,
)

QUEUES = {
    "held": "Held",
    "reported": "Reported",
    "recent": "Recently published",
    "rejected": "Rejected automatically",
}
# What the rejected queue shows: by default the work (automatic rejections no person has looked
# at); a moderator looking for a comment they rejected themselves switches to the others.
REJECTED_VIEWS = {
    "automatic": "Rejected automatically, not yet reviewed",
    "moderators": "Rejected by moderators",
    "all": "Every rejected comment",
}
DEFAULT_REJECTED_VIEW = "automatic"
# Published comments stay in the post-moderation review queue this long unless reviewed.
RECENT_DAYS = 7
PAGE_SIZE = 50

REJECTION_REASONS = {
    "abusive": "Abusive",
    "off_topic": "Off-topic",
    "spam": "Spam",
    "other": "Other",
}
# What a decision may give as its reason: the menus' reasons, and the removal after a notice of
# illegal content (decided from the Notices queue, not from the menus).
DECISION_REASONS = {**REJECTION_REASONS, "illegal_content": "Illegal content"}
HUMAN_DECISIONS = ("approve", "reject", "restore")
UNDO = "undo"
# A ban that does not end: far enough ahead for any purpose, and valid on every backend.
PERMANENT = datetime(9999, 12, 31, tzinfo=UTC)

# Automatic reason codes in words, for cards and filters (one table: moderation.reasons).
REASON_WORDS = MODERATOR_WORDS
# Reasons whose evidence is words in the comment (highlighted on the card).
HIGHLIGHTED_CODES = COMMENT_WORD_EVIDENCE
# Which rejection reason a moderator most likely means, given the automatic reason codes.
_SUGGESTED_REJECTION = SUGGESTED_REJECTION


class NotAllowed(Exception):
    """The comment, commenter or article is outside the user's sites, or does not exist."""


def reason_words(code: str) -> str:
    if code.startswith("report_"):
        return "Reported: " + code.removeprefix("report_").replace("_", " ")
    return REASON_WORDS.get(code) or DECISION_REASONS.get(code) or code.replace("_", " ").capitalize()


def suggested_rejection(comment: Comment) -> str:
    for reason in comment.reasons or []:
        found = _SUGGESTED_REJECTION.get(reason.get("code", ""))
        if found:
            return found
    return "other"


# --- queues -----------------------------------------------------------------------------------

@dataclass
class QueueFilter:
    site_id: int | None = None
    article_id: int | None = None
    reason: str | None = None
    commenter_id: int | None = None
    rejected: str = DEFAULT_REJECTED_VIEW  # which rejections the rejected queue shows (REJECTED_VIEWS)

    def __post_init__(self) -> None:
        if self.rejected not in REJECTED_VIEWS:
            self.rejected = DEFAULT_REJECTED_VIEW

    def as_params(self) -> dict[str, str]:
        named = {"site": self.site_id, "article": self.article_id, "reason": self.reason, "commenter": self.commenter_id,
                 "rejected": None if self.rejected == DEFAULT_REJECTED_VIEW else self.rejected}
        return {key: str(value) for key, value in named.items() if value not in (None, "")}

    @property
    def narrows(self) -> bool:
        """Whether the filters leave out part of a queue (the view of the rejected queue does not count)."""
        return any(value is not None and value != "" for value in (self.site_id, self.article_id, self.reason, self.commenter_id))

def _last_human_action():
    """The action of a comment's newest human decision (or undo); NULL when none."""
    return (
        select(ModerationEvent.action)
        .where(ModerationEvent.comment_id == Comment.id, ModerationEvent.actor == "moderator",
               ModerationEvent.action.in_(HUMAN_DECISIONS + (UNDO,)))
        .order_by(ModerationEvent.id.desc())
        .limit(1)
        .correlate(Comment)
        .scalar_subquery()
    )


def _unresolved_report():
    # Notices of illegal content have their own queue (services/notices.py).
    return exists().where(Report.comment_id == Comment.id, Report.resolved_at.is_(None), Report.reason != "illegal_content")


def _queue_condition(queue: str, now: datetime, rejected_view: str = DEFAULT_REJECTED_VIEW):
    last_human = _last_human_action()
    not_reviewed = or_(last_human.is_(None), last_human == UNDO)
    # A comment its author deleted is shown to no reader: nothing left to decide or answer for.
    if queue == "held":
        return and_(Comment.status == CommentStatus.PENDING, Comment.deleted_at.is_(None))
    if queue == "reported":
        return and_(Comment.status == CommentStatus.PUBLISHED, Comment.deleted_at.is_(None), _unresolved_report())
    if queue == "recent":
        return and_(Comment.status == CommentStatus.PUBLISHED, Comment.created_at >= now - timedelta(days=RECENT_DAYS), not_reviewed)
    if queue == "rejected":
        if rejected_view == "moderators":
            return and_(Comment.status == CommentStatus.REJECTED, last_human == "reject")
        if rejected_view == "all":
            return Comment.status == CommentStatus.REJECTED
        # Automatic rejections waiting for a human to confirm or overturn them.
        return and_(Comment.status == CommentStatus.REJECTED, not_reviewed)
    raise ValueError(f"unknown queue {queue!r}")


def _filtered(query: Select, scope: Scope, filters: QueueFilter) -> Select:
    limit = scope.restrict(Comment.site_id)
    if limit is not None:
        query = query.where(limit)
    if filters.site_id is not None:
        query = query.where(Comment.site_id == filters.site_id)
    if filters.article_id is not None:
        query = query.where(Comment.article_id == filters.article_id)
    if filters.commenter_id is not None:
        query = query.where(Comment.commenter_id == filters.commenter_id)
    if filters.reason:
        # Reasons are a JSON list stored as text on both backends; its serialised form is stable
        # ("code": "x"), so a text match finds a code without backend-specific JSON functions.
        needle = f'"code": "{filters.reason}"'
        query = query.where(cast(Comment.reasons, Text).contains(needle, autoescape=True))
    return query


def queue_comments(session: Session, scope: Scope, queue: str, filters: QueueFilter,
                   limit: int = PAGE_SIZE, now: datetime | None = None) -> list[Comment]:
    """A page of the queue in priority order: reported first, then the highest priority, then the oldest.

    Rejections a person already made are not work: those views show the latest decided first."""
    query = _filtered(select(Comment).where(_queue_condition(queue, now or utcnow(), filters.rejected)), scope, filters)
    if queue == "rejected" and filters.rejected != DEFAULT_REJECTED_VIEW:
        query = query.order_by(Comment.updated_at.desc(), Comment.id.desc())
    else:
        query = query.order_by((Comment.report_count > 0).desc(), Comment.priority.desc(), Comment.created_at, Comment.id)
    query = query.options(selectinload(Comment.article), selectinload(Comment.parent), selectinload(Comment.commenter))
    return list(session.scalars(query.limit(limit)))


def queue_counts(session: Session, scope: Scope, filters: QueueFilter, now: datetime | None = None) -> dict[str, int]:
    """How many comments each queue holds under these filters (the rejected queue: in the filters' view)."""
    now = now or utcnow()
    counts = {}
    for queue in QUEUES:
        condition = _queue_condition(queue, now, filters.rejected)
        query = _filtered(select(func.count()).select_from(Comment).where(condition), scope, filters)
        counts[queue] = session.scalar(query) or 0
    return counts


@dataclass
class QueueCounts:
    """The workspace's badges: `overall` is every queue's work on the moderator's sites, whatever the
    page's filters (the navigation's badges); `filtered` is what the page's filters leave."""

    overall: dict[str, int]
    filtered: dict[str, int]

    def as_dict(self) -> dict:
        return {"counts": self.overall, "filtered_counts": self.filtered}


def badge_counts(session: Session, scope: Scope, filters: QueueFilter, now: datetime | None = None) -> QueueCounts:
    overall = queue_counts(session, scope, QueueFilter(), now)
    same = not filters.narrows and filters.rejected == DEFAULT_REJECTED_VIEW
    return QueueCounts(overall, overall if same else queue_counts(session, scope, filters, now))


def events_by_comment(session: Session, comment_ids: list[int]) -> dict[int, list[ModerationEvent]]:
    """Each comment's audit history, oldest first, in one query."""
    found: dict[int, list[ModerationEvent]] = {comment_id: [] for comment_id in comment_ids}
    if not comment_ids:
        return found
    rows = session.scalars(select(ModerationEvent).where(ModerationEvent.comment_id.in_(comment_ids)).order_by(ModerationEvent.id))
    for event in rows:
        found[event.comment_id].append(event)
    return found


def unresolved_reports(session: Session, comment_ids: list[int]) -> dict[int, list[Report]]:
    found: dict[int, list[Report]] = {comment_id: [] for comment_id in comment_ids}
    if not comment_ids:
        return found
    rows = session.scalars(select(Report).where(Report.comment_id.in_(comment_ids), Report.resolved_at.is_(None)).order_by(Report.id))
    for report in rows:
        found[report.comment_id].append(report)
    return found


# --- highlighting -----------------------------------------------------------------------------

@dataclass
class Segment:
    text: str
    codes: list[str] = field(default_factory=list)  # reason codes that flagged this span; empty: plain text


def highlight(text: str, reasons: list[dict]) -> list[Segment]:
    """The text cut into plain and flagged spans, from the evidence of word-list and abuse reasons.

    Evidence strings are substrings of the original text; each occurrence is marked, and
    overlapping marks merge so that no character is shown twice.
    """
    marks: list[tuple[int, int, str]] = []
    for reason in reasons or []:
        code = reason.get("code", "")
        if code not in HIGHLIGHTED_CODES:
            continue
        for evidence in reason.get("evidence") or []:
            if not isinstance(evidence, str) or not evidence.strip():
                continue
            # Whole words only: the evidence "a" must not light up every "a" inside other words.
            before = r"(?<!\w)" if evidence[0].isalnum() else ""
            after = r"(?!\w)" if evidence[-1].isalnum() else ""
            pattern = re.compile(before + re.escape(evidence) + after, 0 if evidence in text else re.IGNORECASE)
            for match in pattern.finditer(text):
                marks.append((match.start(), match.end(), code))
    if not marks:
        return [Segment(text)]
    marks.sort()
    merged: list[list] = []
    for start, end, code in marks:
        if merged and start <= merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], end)
            if code not in merged[-1][2]:
                merged[-1][2].append(code)
        else:
            merged.append([start, end, [code]])
    segments: list[Segment] = []
    position = 0
    for start, end, codes in merged:
        if start > position:
            segments.append(Segment(text[position:start]))
        segments.append(Segment(text[start:end], codes))
        position = end
    if position < len(text):
        segments.append(Segment(text[position:]))
    return segments


# --- decisions --------------------------------------------------------------------------------

@dataclass
class ActionResult:
    event_ids: list[int]
    comment_ids: list[int]
    statuses: dict[int, str]
    # For an undo: the decision that was undone on each comment (approve, reject, restore).
    undone: dict[int, str] = field(default_factory=dict)

    def undo_summary(self) -> str:
        """What an undo did, in words for the moderator's status line."""
        if not self.undone:
            return "Nothing was undone."
        verbs = {"approve": "approval", "reject": "rejection", "restore": "restoring"}
        now = {CommentStatus.PENDING: "held", CommentStatus.PUBLISHED: "published", CommentStatus.REJECTED: "rejected"}
        decisions = sorted({verbs.get(action, action) for action in self.undone.values()})
        states = sorted({now.get(status, status) for status in self.statuses.values()})
        if len(self.undone) == 1:
            (comment_id, _action), = self.undone.items()
            return f"Undid the {decisions[0]} of comment {comment_id}: it is {states[0]} again."
        return (f"Undid the {' and '.join(decisions)} of {len(self.undone)} comments "
                f"({', '.join(str(comment_id) for comment_id in self.undone)}): now {' or '.join(states)} again.")


def visible_comment(session: Session, scope: Scope, comment_id: int) -> Comment:
    comment = session.get(Comment, comment_id)
    if comment is None or not scope.allows(comment.site_id):
        raise NotAllowed(f"no comment {comment_id}")
    return comment


def decide(session: Session, user: User, comment_ids: list[int], action: str, *,
           rejection_reason: str | None = None, note: str = "") -> ActionResult:
    """Approve, reject or restore each comment; a decision on a reported comment resolves its reports.

    Deciding what the comment already is (approving a published one) is still recorded: it is a
    human confirming the automatic decision, which marks it reviewed and teaches the models.
    """
    if action not in HUMAN_DECISIONS:
        raise ValueError(f"unknown action {action!r}")
    if action == "reject" and rejection_reason not in DECISION_REASONS:
        raise ValueError(f"a rejection needs a reason: one of {', '.join(REJECTION_REASONS)}")
    scope = Scope.of(user)
    comments = [visible_comment(session, scope, comment_id) for comment_id in dict.fromkeys(comment_ids)]
    now = utcnow()
    event_ids, statuses = [], {}
    for comment in comments:
        if action == "reject" and rejection_reason is not None:  # checked above: a rejection has a reason
            target, verb = CommentStatus.REJECTED, "reject"
            message = f"Rejected by a moderator: {DECISION_REASONS[rejection_reason]}."
            code = rejection_reason
        else:
            target = CommentStatus.PUBLISHED
            verb = "restore" if comment.status == CommentStatus.REJECTED else "approve"
            message, code = "Approved by a moderator.", "approved"
        reasons = [{"code": code, "message": message + " " + _against_system(comment.system_decision, target), "evidence": []}]
        previous_status = comment.status
        event = repo.change_status(session, comment, target, actor="moderator", actor_name=user.username,
                                   actor_user_id=user.id, action=verb, reasons=reasons, note=note.strip())
        event.created_at = now
        events.record_status(session, comment, previous_status, actor="moderator")
        _resolve_reports(session, comment.id, now)
        session.flush()
        event_ids.append(event.id)
        statuses[comment.id] = comment.status
    session.commit()
    return ActionResult(event_ids, [comment.id for comment in comments], statuses)


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


def _resolve_reports(session: Session, comment_id: int, when: datetime) -> None:
    for report in session.scalars(select(Report).where(Report.comment_id == comment_id, Report.resolved_at.is_(None))):
        report.resolved_at = when


class UndoRefused(Exception):
    pass


def undo(session: Session, user: User, event_ids: list[int]) -> ActionResult:
    """Put each comment back as it was before the user's decision, if that decision is still its latest.

    The decision stays in the log; the undo is a new event after it. Reports that the decision
    resolved are open again.
    """
    scope = Scope.of(user)
    undone, statuses, comment_ids, actions = [], {}, [], {}
    for event_id in dict.fromkeys(event_ids):
        event = session.get(ModerationEvent, event_id)
        if event is None or event.actor_user_id != user.id or event.action not in HUMAN_DECISIONS:
            raise UndoRefused("Only your own decisions can be undone.")
        comment = visible_comment(session, scope, event.comment_id)
        latest = session.scalar(
            select(func.max(ModerationEvent.id)).where(ModerationEvent.comment_id == comment.id, ModerationEvent.action != "report")
        )
        if latest != event.id:
            raise UndoRefused(f"Comment {comment.id} has been decided again since; open it to change it.")
        previous_status = comment.status
        back = repo.change_status(session, comment, event.from_status or CommentStatus.PENDING, actor="moderator",
                                  actor_name=user.username, actor_user_id=user.id, action=UNDO,
                                  reasons=[], note=f"Undid {event.action} (event {event.id}).")
        events.record_status(session, comment, previous_status, actor="moderator")
        for report in session.scalars(select(Report).where(Report.comment_id == comment.id, Report.resolved_at >= event.created_at)):
            report.resolved_at = None
        session.flush()
        undone.append(back.id)
        statuses[comment.id] = comment.status
        comment_ids.append(comment.id)
        actions[comment.id] = event.action
    session.commit()
    return ActionResult(undone, comment_ids, statuses, actions)


# --- commenters -------------------------------------------------------------------------------

def visible_commenter(session: Session, scope: Scope, commenter_id: int) -> Commenter:
    commenter = session.get(Commenter, commenter_id)
    if commenter is None or not scope.allows(commenter.site_id):
        raise NotAllowed(f"no commenter {commenter_id}")
    return commenter


def ban(session: Session, user: User, commenter: Commenter, *, days: int | None, reason: str,
        reject_pending: bool = False, now: datetime | None = None) -> datetime:
    """Suspend for `days`, or ban for good when days is None; logged as a note and on their newest comment."""
    now = now or utcnow()
    until = PERMANENT if days is None else now + timedelta(days=days)
    commenter.banned_until = until
    commenter.ban_reason = reason.strip()
    # A guest could come back under a new name: the ban covers their recent addresses and embed tokens too.
    guest_bans.record(session, commenter, until)
    kind = "ban" if days is None else "suspend"
    described = "Banned" if days is None else f"Suspended for {days} day{'s' if days != 1 else ''}"
    _log_on_newest_comment(session, user, commenter, kind, f"{described}. {reason.strip()}".strip())
    session.add(CommenterNote(commenter_id=commenter.id, user_id=user.id, author_name=user.username,
                              text=f"{described}: {reason.strip() or 'no reason given'}"))
    if reject_pending:
        pending = session.scalars(select(Comment.id).where(Comment.commenter_id == commenter.id, Comment.status == CommentStatus.PENDING)).all()
        if pending:
            session.flush()
            decide(session, user, list(pending), "reject", rejection_reason="other", note=f"Rejected with the {kind} of the commenter.")
    session.commit()
    return until


def unban(session: Session, user: User, commenter: Commenter) -> None:
    commenter.banned_until = None
    guest_bans.lift(session, commenter)
    _log_on_newest_comment(session, user, commenter, "unban", "Ban lifted.")
    session.add(CommenterNote(commenter_id=commenter.id, user_id=user.id, author_name=user.username, text="Ban lifted."))
    session.commit()


def _log_on_newest_comment(session: Session, user: User, commenter: Commenter, action: str, note: str) -> None:
    """Bans are logged in the audit trail against the commenter's newest comment (the log is per comment)."""
    newest = session.scalar(select(Comment).where(Comment.commenter_id == commenter.id).order_by(Comment.id.desc()).limit(1))
    if newest is None:
        return
    session.add(ModerationEvent(
        comment_id=newest.id, site_id=newest.site_id, actor="moderator", actor_name=user.username, actor_user_id=user.id,
        action=action, from_status=newest.status, to_status=newest.status, reasons=[], scores={}, model_versions={}, note=note,
    ))


def add_note(session: Session, user: User, commenter: Commenter, text: str) -> CommenterNote:
    note = CommenterNote(commenter_id=commenter.id, user_id=user.id, author_name=user.username, text=text.strip())
    session.add(note)
    session.commit()
    return note


@dataclass
class CommenterRecord:
    commenter: Commenter
    comments: list[Comment]
    last_human: dict[int, ModerationEvent]
    notes: list[CommenterNote]
    rejection_rate: float | None
    banned: bool


def commenter_record(session: Session, commenter: Commenter, limit: int = 200) -> CommenterRecord:
    comments = list(session.scalars(
        select(Comment).where(Comment.commenter_id == commenter.id).order_by(Comment.id.desc()).limit(limit)
        .options(selectinload(Comment.article))
    ))
    last_human: dict[int, ModerationEvent] = {}
    if comments:
        rows = session.scalars(select(ModerationEvent).where(
            ModerationEvent.comment_id.in_([comment.id for comment in comments]), ModerationEvent.actor == "moderator",
            ModerationEvent.action.in_(HUMAN_DECISIONS + (UNDO,))).order_by(ModerationEvent.id))
        for event in rows:
            last_human[event.comment_id] = event
    notes = list(session.scalars(select(CommenterNote).where(CommenterNote.commenter_id == commenter.id).order_by(CommenterNote.id.desc())))
    decided = (commenter.published_count or 0) + (commenter.rejected_count or 0)
    rate = (commenter.rejected_count or 0) / decided if decided else None
    return CommenterRecord(commenter, comments, last_human, notes, rate, repo.is_banned(commenter))


# --- articles ---------------------------------------------------------------------------------

def visible_article(session: Session, scope: Scope, article_id: int) -> Article:
    article = session.get(Article, article_id)
    if article is None or not scope.allows(article.site_id):
        raise NotAllowed(f"no article {article_id}")
    return article


def set_article_options(session: Session, article: Article, *, user: User | None = None, comments_open: bool | None = None,
                        premoderate: bool | None = None) -> None:
    """Change an article's options; every change that takes effect is logged for the audit page."""
    actions = []
    if comments_open is not None and comments_open != article.comments_open:
        article.comments_open = comments_open
        actions.append("reopen" if comments_open else "close")
    if premoderate is not None and premoderate != article.premoderate:
        article.premoderate = premoderate
        actions.append("premoderate" if premoderate else "stop_premoderating")
    if "close" in actions:
        events.record(session, events.ARTICLE_CLOSED, article=article, actor="moderator" if user else "system")
    for action in actions:
        session.add(ArticleEvent(article_id=article.id, site_id=article.site_id, action=action,
                                 actor_user_id=user.id if user else None, actor_name=user.username if user else "system"))
    session.commit()


def article_events(session: Session, scope: Scope, site_id: int | None = None, limit: int = 50) -> list[tuple[ArticleEvent, Article]]:
    """The newest article-level actions the moderator may see."""
    query = select(ArticleEvent, Article).join(Article, Article.id == ArticleEvent.article_id).order_by(ArticleEvent.id.desc()).limit(limit)
    if site_id is not None:
        query = query.where(ArticleEvent.site_id == site_id)
    if scope.site_ids is not None:
        query = query.where(ArticleEvent.site_id.in_(sorted(scope.site_ids)))
    return [(event, article) for event, article in session.execute(query)]


# --- audit log --------------------------------------------------------------------------------

@dataclass
class AuditFilter:
    comment_id: int | None = None
    actor: str | None = None     # "system", "moderator", "reader", "author" or a username
    action: str | None = None
    site_id: int | None = None
    text: str | None = None      # in the comment text or the note

    def as_params(self) -> dict[str, str]:
        named = {"comment": self.comment_id, "actor": self.actor, "action": self.action, "site": self.site_id, "q": self.text}
        return {key: str(value) for key, value in named.items() if value not in (None, "")}


def audit_events(session: Session, scope: Scope, filters: AuditFilter, before_id: int | None = None,
                 limit: int = 100) -> list[tuple[ModerationEvent, Comment]]:
    """Events newest first, with their comments; `before_id` pages back through the log."""
    query = select(ModerationEvent, Comment).join(Comment, Comment.id == ModerationEvent.comment_id)
    restrict = scope.restrict(ModerationEvent.site_id)
    if restrict is not None:
        query = query.where(restrict)
    if filters.comment_id is not None:
        query = query.where(ModerationEvent.comment_id == filters.comment_id)
    if filters.actor:
        query = query.where(or_(ModerationEvent.actor == filters.actor, ModerationEvent.actor_name == filters.actor))
    if filters.action:
        query = query.where(ModerationEvent.action == filters.action)
    if filters.site_id is not None:
        query = query.where(ModerationEvent.site_id == filters.site_id)
    if filters.text:
        query = query.where(or_(Comment.text.icontains(filters.text, autoescape=True),
                                ModerationEvent.note.icontains(filters.text, autoescape=True)))
    if before_id is not None:
        query = query.where(ModerationEvent.id < before_id)
    return [(event, comment) for event, comment in session.execute(query.order_by(ModerationEvent.id.desc()).limit(limit)).all()]


# The actions events are written with: automatic verdicts, readers' reports, human decisions, bans,
# and authors' own edits (checked again) and deletions.
AUDIT_ACTIONS = ("publish", "hold", "reject", "report", "approve", "restore", "undo", "ban", "suspend", "unban", "edit", "delete")
