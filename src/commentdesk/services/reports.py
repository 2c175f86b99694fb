"""A reader reporting a comment: the one path the API and the reader pages share."""

from __future__ import annotations

from sqlalchemy.orm import Session

from commentdesk.services import events
from commentdesk.store import repository as repo
from commentdesk.store.models import Comment


def report(session: Session, comment: Comment, reason: str, note: str, ip_hash: str | None) -> bool:
    """Record the report and its event, and commit; False when this address reported it already."""
    if repo.already_reported(session, comment.id, ip_hash):
        return False
    repo.add_report(session, comment, reason, note, ip_hash)
    events.record(session, events.COMMENT_REPORTED, comment=comment, actor="reader", details={"report_reason": reason})
    session.commit()
    return True
