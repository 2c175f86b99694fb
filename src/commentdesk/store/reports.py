"""Readers' reports of a comment, and the nudge figures."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from commentdesk.store.models import (
    Comment,
    CommentStatus,
    ModerationEvent,
    Nudge,
    Report,
)


def add_report(session: Session, comment: Comment, reason: str, note: str, ip_hash: str | None) -> Report:
    report = Report(comment_id=comment.id, reason=reason, note=note, ip_hash=ip_hash)
    session.add(report)
    session.execute(update(Comment).where(Comment.id == comment.id).values(report_count=Comment.report_count + 1))
    session.add(
        ModerationEvent(
            comment_id=comment.id,
            site_id=comment.site_id,
            actor="reader",
            actor_name="reader",
            action="report",
            from_status=comment.status,
            to_status=comment.status,
            reasons=[{"code": f"report_{reason}", "message": note or reason, "evidence": []}],
            scores=dict(comment.scores or {}),
            model_versions=dict(comment.model_versions or {}),
        )
    )
    return report


def already_reported(session: Session, comment_id: int, ip_hash: str | None) -> bool:
    if not ip_hash:
        return False
    return (
        session.scalar(select(Report.id).where(Report.comment_id == comment_id, Report.ip_hash == ip_hash).limit(1)) is not None
    )


def nudge_stats(session: Session, site_id: int) -> dict:
    rows = session.execute(select(Nudge.edited, Nudge.outcome).where(Nudge.site_id == site_id)).all()
    sent = [row for row in rows if row.outcome is not None]
    edited = [row for row in sent if row.edited]
    passed = [row for row in edited if row.outcome == CommentStatus.PUBLISHED]
    return {
        "nudged": len(rows),
        "sent_after_nudge": len(sent),
        "edited": len(edited),
        "edited_and_published": len(passed),
        "unchanged": len(sent) - len(edited),
        "abandoned": len(rows) - len(sent),
        "edit_pass_rate": round(len(passed) / len(edited), 4) if edited else None,
    }


def unresolved_reports(session: Session, comment_ids: list[int]) -> dict[int, list[Report]]:
    found: dict[int, list[Report]] = {comment_id: [] for comment_id in comment_ids}
    if not comment_ids:
        return found
    rows = session.scalars(
        select(Report).where(Report.comment_id.in_(comment_ids), Report.resolved_at.is_(None)).order_by(Report.id)
    )
    for report in rows:
        found[report.comment_id].append(report)
    return found


def resolve_reports(session: Session, comment_id: int, when: datetime) -> None:
    for report in session.scalars(select(Report).where(Report.comment_id == comment_id, Report.resolved_at.is_(None))):
        report.resolved_at = when


def reopen_reports_since(session: Session, comment_id: int, since: datetime) -> None:
    """Open again the reports a decision made at `since` resolved (the decision was undone)."""
    for report in session.scalars(select(Report).where(Report.comment_id == comment_id, Report.resolved_at >= since)):
        report.resolved_at = None


def open_nudge(session: Session, article_id: int, token: str) -> Nudge | None:
    """The unresolved nudge shown with `token` on this article."""
    return session.scalar(select(Nudge).where(Nudge.token == token, Nudge.article_id == article_id, Nudge.resolved_at.is_(None)))


def record_nudge_outcome(session: Session, comment_id: int, status: str) -> None:
    """What became of a comment sent after a nudge, for the nudge figures."""
    session.execute(update(Nudge).where(Nudge.comment_id == comment_id).values(outcome=status))
