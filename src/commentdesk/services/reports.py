"""Reporting a comment: the one use case behind the API's report, the reader page's report form,
and the illegal-content notice (services/notices.py), which is a report with more to it.

Every report is recorded by `record_report`, and only there.
"""

from __future__ import annotations

from sqlalchemy.orm import Session

from commentdesk.i18n import N_
from commentdesk.i18n import gettext as _
from commentdesk.services import events, identity
from commentdesk.services.comment_input import PostingError, clean_text
from commentdesk.store import comments
from commentdesk.store import repository as repo
from commentdesk.store.models import Comment, CommentStatus, Report

# The ordinary report's reasons, with the words the reader chooses from.
REPORT_REASONS = (
    ("abusive", N_("Abusive or hateful")),
    ("off_topic", N_("Off-topic")),
    ("spam", N_("Spam or advertising")),
    ("other", N_("Something else")),
)
REPORT_REASON_CODES = frozenset(code for code, _label in REPORT_REASONS)
# The reason a notice of illegal content is recorded under; it has its own queue (Notices).
ILLEGAL_CONTENT = "illegal_content"
MAX_NOTE_CHARS = 1000
THANKS = N_("Thank you. A moderator will look at this comment.")


class ReportRefused(PostingError):
    """A report that cannot be taken (a reader's request, answered like a refused comment); nothing was stored."""


def reportable_comment(session: Session, comment_id: int) -> Comment:
    """Only what readers can see can be reported."""
    comment = comments.comment(session, comment_id)
    if comment is None or comment.status != CommentStatus.PUBLISHED or comment.deleted_at is not None:
        raise ReportRefused("comment_not_found", _("No published comment has that id."), status=404)
    return comment


def reporter_hash(secret: str, client_address: str | None) -> str | None:
    """The reporter's network address, as a keyed hash only: enough to count one report per reader."""
    return identity.address_hash(secret, client_address)


def record_report(session: Session, comment: Comment, reason: str, note: str, ip_hash: str | None) -> Report:
    """Store a report on `comment` (with its audit event and the comment's report count). The one
    place a report is recorded: whatever should follow every report belongs here."""
    report = repo.add_report(session, comment, reason, note, ip_hash)
    events.record(session, events.COMMENT_REPORTED, comment=comment, actor="reader", details={"report_reason": reason})
    return report


def report_comment(
    session: Session, secret: str, comment_id: int, reason: str, note: str = "", client_address: str | None = None
) -> str:
    """Report a published comment to the moderators; returns the reader's thank-you message.

    A second report of the same comment from the same network address is thanked but not
    counted again, so one reader cannot push a comment up the queue."""
    comment = reportable_comment(session, comment_id)
    if reason not in REPORT_REASON_CODES:
        raise ReportRefused("reason_invalid", _("Please choose why you are reporting the comment."), field="reason")
    note = clean_text(note or "")
    if len(note) > MAX_NOTE_CHARS:
        raise ReportRefused("note_too_long", _("A note is at most %(most)s characters.") % {"most": MAX_NOTE_CHARS}, field="note")
    ip_hash = reporter_hash(secret, client_address)
    if not repo.already_reported(session, comment.id, ip_hash):
        record_report(session, comment, reason, note, ip_hash)
        session.commit()
    return _(THANKS)
