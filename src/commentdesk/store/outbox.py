"""The webhook outbox's queries: claiming due deliveries under a lease (store/leases.py), and
recording each try.

Every write after the claim names the claimer, so a server whose lease ran out (it stalled, and
another server took the delivery over) changes nothing.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import func, or_, select, update
from sqlalchemy.orm import Session

from commentdesk.store import leases
from commentdesk.store.db import changed_rows
from commentdesk.store.models import (
    DeliveryStatus,
    DomainEvent,
    WebhookDelivery,
    WebhookEndpoint,
    utcnow,
)

MAX_ERROR_CHARS = 500


@dataclass(frozen=True)
class Claimed:
    """What one try needs, read before the HTTP call so that no connection is held during it."""

    delivery_id: int
    attempts: int
    url: str
    secret: str
    event_id: str
    payload: dict
    endpoint_id: int = 0


def shares(waiting: Mapping[int, int], held: Mapping[int, int], limit: int, share: int, most: int) -> dict[int, int]:
    """How many deliveries to claim for each endpoint of `waiting` (endpoint: its due deliveries,
    the longest-waiting first), given the tries `held` in flight per endpoint: one each in turn,
    up to `limit` in all. An endpoint holds at most `share` tries while another endpoint has work
    (waiting or in flight), else at most `most`: one endpoint alone may use the threads, but a
    slow one gives way to the others as soon as its tries end."""
    busy = set(waiting) | {endpoint for endpoint, count in held.items() if count > 0}
    cap = share if len(busy) > 1 else most
    room = {endpoint: min(due, cap - held.get(endpoint, 0)) for endpoint, due in waiting.items()}
    plan: dict[int, int] = {}
    while limit > 0 and any(left > 0 for left in room.values()):
        for endpoint in waiting:
            if limit > 0 and room[endpoint] > 0:
                plan[endpoint] = plan.get(endpoint, 0) + 1
                room[endpoint] -= 1
                limit -= 1
    return plan


def claim_due(
    session: Session,
    claimer: str,
    lease_s: float,
    limit: int,
    *,
    held: Mapping[int, int] | None = None,
    share: int | None = None,
    most: int | None = None,
) -> list[Claimed]:
    """Claim up to `limit` due deliveries for `claimer` until now + lease, shared out among the
    endpoints that have some (`shares`; `held`: this server's tries in flight per endpoint;
    without `share` and `most`, no endpoint is held back); commits.

    An endpoint that is paused, or backing off after a failed try, is passed over."""
    now = utcnow()
    due = [
        WebhookDelivery.status == DeliveryStatus.PENDING,
        WebhookDelivery.next_attempt_at <= now,
        # A paused endpoint is sent nothing: what was queued for it waits until it is resumed.
        WebhookDelivery.endpoint_id.in_(
            select(WebhookEndpoint.id).where(
                WebhookEndpoint.active.is_(True),
                or_(WebhookEndpoint.backoff_until.is_(None), WebhookEndpoint.backoff_until <= now),
            )
        ),
    ]
    # The endpoints with work, oldest first: one small grouped read, so that each gets its turn
    # however long another's queue is.
    waiting = {
        endpoint_id: count
        for endpoint_id, count in session.execute(
            select(WebhookDelivery.endpoint_id, func.count())
            .where(*due, leases.free(WebhookDelivery, now))
            .group_by(WebhookDelivery.endpoint_id)
            .order_by(func.min(WebhookDelivery.next_attempt_at), WebhookDelivery.endpoint_id)
        )
    }
    plan = shares(waiting, held or {}, limit, share or limit, most or limit)
    ids: list[int] = []
    for endpoint_id, count in plan.items():
        ids += leases.claim(
            session,
            WebhookDelivery,
            claimer,
            now=now,
            until=now + timedelta(seconds=lease_s),
            limit=count,
            due=[*due, WebhookDelivery.endpoint_id == endpoint_id],
            order_by=[WebhookDelivery.next_attempt_at],
        )
    claimed = []
    if ids:
        rows = session.execute(
            select(
                WebhookDelivery.id,
                WebhookDelivery.attempts,
                WebhookEndpoint.url,
                WebhookEndpoint.secret,
                DomainEvent.event_id,
                DomainEvent.payload,
                WebhookDelivery.endpoint_id,
            )
            .join(WebhookEndpoint, WebhookEndpoint.id == WebhookDelivery.endpoint_id)
            .join(DomainEvent, DomainEvent.id == WebhookDelivery.event_id)
            .where(WebhookDelivery.id.in_(ids))
            .order_by(WebhookDelivery.id)
        ).all()
        claimed = [Claimed(*row) for row in rows]
    session.commit()
    return claimed


def mark_delivered(session: Session, delivery_id: int, claimer: str, status_code: int, endpoint_id: int | None = None) -> bool:
    """Record a 2xx answer; the endpoint (when given) answers again, so its wait is over."""
    now = utcnow()
    done = changed_rows(
        session,
        update(WebhookDelivery)
        .where(WebhookDelivery.id == delivery_id, WebhookDelivery.claimed_by == claimer)
        .values(
            status=DeliveryStatus.DELIVERED,
            attempts=WebhookDelivery.attempts + 1,
            last_status_code=status_code,
            last_error="",
            delivered_at=now,
            claimed_by=None,
            claimed_until=None,
        ),
    )
    if done and endpoint_id is not None:
        session.execute(
            update(WebhookEndpoint)
            .where(WebhookEndpoint.id == endpoint_id, WebhookEndpoint.backoff_until.is_not(None))
            .values(backoff_until=None)
        )
    session.commit()
    return bool(done)


def mark_failed_try(
    session: Session,
    delivery_id: int,
    claimer: str,
    *,
    status_code: int | None,
    error: str,
    next_attempt_at: datetime | None,
    endpoint_id: int | None = None,
    endpoint_backoff_until: datetime | None = None,
) -> bool:
    """Record a failed try: retried at `next_attempt_at`, or failed for good when it is None. With
    `endpoint_backoff_until`, none of the endpoint's deliveries is tried before then (a later
    wait already set is kept)."""
    values: dict[str, object] = {
        "attempts": WebhookDelivery.attempts + 1,
        "last_status_code": status_code,
        "last_error": error[:MAX_ERROR_CHARS],
        "claimed_by": None,
        "claimed_until": None,
    }
    if next_attempt_at is None:
        values["status"] = DeliveryStatus.FAILED
    else:
        values["next_attempt_at"] = next_attempt_at
    done = changed_rows(
        session,
        update(WebhookDelivery).where(WebhookDelivery.id == delivery_id, WebhookDelivery.claimed_by == claimer).values(values),
    )
    if done and endpoint_id is not None and endpoint_backoff_until is not None:
        session.execute(
            update(WebhookEndpoint)
            .where(
                WebhookEndpoint.id == endpoint_id,
                or_(WebhookEndpoint.backoff_until.is_(None), WebhookEndpoint.backoff_until < endpoint_backoff_until),
            )
            .values(backoff_until=endpoint_backoff_until)
        )
    session.commit()
    return bool(done)


def release(session: Session, claimer: str) -> None:
    """Give back every claim of `claimer` (a server stopping), so another server takes them now."""
    leases.release(session, WebhookDelivery, claimer, WebhookDelivery.status == DeliveryStatus.PENDING)
    session.commit()


def retry_now(session: Session, delivery_ids: list[int]) -> int:
    """Send failed deliveries again from their first try (a person fixed the receiver), without
    waiting for their endpoints' backoff."""
    session.execute(
        update(WebhookEndpoint)
        .where(WebhookEndpoint.id.in_(select(WebhookDelivery.endpoint_id).where(WebhookDelivery.id.in_(delivery_ids))))
        .values(backoff_until=None)
    )
    count = changed_rows(
        session,
        update(WebhookDelivery)
        .where(WebhookDelivery.id.in_(delivery_ids), WebhookDelivery.status == DeliveryStatus.FAILED)
        .values(status=DeliveryStatus.PENDING, attempts=0, next_attempt_at=utcnow(), claimed_by=None, claimed_until=None),
    )
    return count


def backlog(session: Session) -> int:
    """Deliveries still to be made (pending), across all servers."""
    return (
        session.scalar(select(func.count()).select_from(WebhookDelivery).where(WebhookDelivery.status == DeliveryStatus.PENDING))
        or 0
    )
