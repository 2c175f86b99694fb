"""Leases on the rows of the background queues (moderation jobs, webhook deliveries, the mail
outbox): a row is worked on by one server at a time, the one named in `claimed_by`, until
`claimed_until`. A lease that runs out (its server stalled or died) lets any server take the row.

A claim is one UPDATE of the rows picked with FOR UPDATE SKIP LOCKED: on PostgreSQL two servers
claiming at the same moment pick disjoint rows, rows another server is taking are skipped rather
than waited for; on SQLite (which has no row locks, the clause is left out) the single write
lock makes the one statement atomic. The rows are picked once, in a materialized WITH query: as
a plain subquery, PostgreSQL may run the pick again for each row it updates, and each run skips
the rows just claimed, so a claim could take more than its limit. Renewing and releasing name the
claimer, so a server whose lease was taken over changes nothing.

Which rows are due, and what is recorded after a try, belong to each queue's own store module.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, or_, select, update
from sqlalchemy.orm import QueryableAttribute, Session

from commentdesk.store.models import ModerationJob, OutgoingMail, WebhookDelivery

Leased = type[ModerationJob] | type[WebhookDelivery] | type[OutgoingMail]


def free(table: Leased, now: datetime) -> ColumnElement[bool]:
    """Rows nobody holds now: never claimed, released, or with a lease that ran out."""
    return or_(table.claimed_until.is_(None), table.claimed_until < now)


def claim(
    session: Session,
    table: Leased,
    claimer: str,
    *,
    due: Sequence[ColumnElement[bool]],
    order_by: Sequence[ColumnElement[Any] | QueryableAttribute[Any]],
    now: datetime,
    until: datetime,
    limit: int,
) -> list[int]:
    """Lease up to `limit` rows that are `due` and free to `claimer` until `until`, the first in
    `order_by` first; the ids taken, in increasing order. Does not commit."""
    if limit < 1:
        return []
    picked = (
        select(table.id)
        .where(*due, free(table, now))
        .order_by(*order_by, table.id)
        .limit(limit)
        .with_for_update(skip_locked=True)
        .cte("picked")
        .prefix_with("MATERIALIZED")
    )
    taken = session.scalars(
        update(table).where(table.id.in_(select(picked.c.id))).values(claimed_by=claimer, claimed_until=until).returning(table.id)
    ).all()
    return sorted(taken)


def held_by(session: Session, table: Leased, claimer: str) -> list[int]:
    """Ids of the rows `claimer` holds."""
    return list(session.scalars(select(table.id).where(table.claimed_by == claimer).order_by(table.id)))


def renew(session: Session, table: Leased, ids: Sequence[int], claimer: str, until: datetime) -> int:
    """Extend `claimer`'s lease on those of `ids` it still holds; how many it still holds."""
    if not ids:
        return 0
    renewed = session.scalars(
        update(table).where(table.id.in_(list(ids)), table.claimed_by == claimer).values(claimed_until=until).returning(table.id)
    ).all()
    return len(renewed)


def release(session: Session, table: Leased, claimer: str, *only: ColumnElement[bool]) -> int:
    """Give back the rows `claimer` holds (those matching `only`, when given), free for any server
    at once; how many. Does not commit."""
    released = session.scalars(
        update(table).where(table.claimed_by == claimer, *only).values(claimed_by=None, claimed_until=None).returning(table.id)
    ).all()
    return len(released)
