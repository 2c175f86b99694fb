"""Comments waiting for the models (`moderation_jobs`): leased to one server at a time
(store/leases.py), so a job survives a restart and is never decided twice."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import delete, select, update
from sqlalchemy.orm import Session

from commentdesk.store import leases
from commentdesk.store.db import changed_rows
from commentdesk.store.models import ModerationJob


def job(session: Session, job_id: int) -> ModerationJob | None:
    return session.get(ModerationJob, job_id)


def held_by(session: Session, claimer: str) -> list[tuple[int, int]]:
    """(job id, comment id) of the jobs `claimer` holds."""
    return _with_comments(session, leases.held_by(session, ModerationJob, claimer))


def claim_due(session: Session, claimer: str, now: datetime, until: datetime, limit: int) -> list[tuple[int, int]]:
    """Lease up to `limit` due jobs nobody holds to `claimer` until `until`; (job id, comment id) of each."""
    return _with_comments(
        session,
        leases.claim(
            session,
            ModerationJob,
            claimer,
            due=[ModerationJob.not_before <= now],
            order_by=[ModerationJob.id],
            now=now,
            until=until,
            limit=limit,
        ),
    )


def renew(session: Session, job_ids: list[int], claimer: str, until: datetime) -> None:
    leases.renew(session, ModerationJob, job_ids, claimer, until)


def release_all(session: Session, claimer: str) -> None:
    """Give back every job `claimer` holds (at shutdown)."""
    leases.release(session, ModerationJob, claimer)


def _with_comments(session: Session, job_ids: list[int]) -> list[tuple[int, int]]:
    if not job_ids:
        return []
    return [
        (job_id, comment_id)
        for job_id, comment_id in session.execute(
            select(ModerationJob.id, ModerationJob.comment_id).where(ModerationJob.id.in_(job_ids)).order_by(ModerationJob.id)
        ).all()
    ]


def finish(session: Session, job_id: int, claimer: str) -> bool:
    """Remove the job if `claimer` still holds it; whether it did. Its check's decision is written
    only then, in the same transaction: this DELETE comes first, so it takes SQLite's write lock
    (PostgreSQL's row lock) before the comment is read, and of two servers, or two threads of
    one, that finished the same job only the first decides the comment."""
    return (
        changed_rows(session, delete(ModerationJob).where(ModerationJob.id == job_id, ModerationJob.claimed_by == claimer)) == 1
    )


def try_later(session: Session, job_id: int, claimer: str, *, attempts: int, error: str, not_before: datetime) -> None:
    """Give the job back after a failed check, to be tried again from `not_before`."""
    session.execute(
        update(ModerationJob)
        .where(ModerationJob.id == job_id, ModerationJob.claimed_by == claimer)
        .values(attempts=attempts, last_error=error[:2000], claimed_by=None, claimed_until=None, not_before=not_before)
    )
