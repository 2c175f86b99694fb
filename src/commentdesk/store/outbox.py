"""The webhook outbox's queries: claiming due deliveries under a lease (store/leases.py), and
recording each try.

Every write after the claim names the claimer, so a server whose lease ran out (it stalled, and
another server took the delivery over) changes nothing.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import func, select, update
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


def claim_due(session: Session, claimer: str, lease_s: float, limit: int) -> list[Claimed]:
    """Claim up to `limit` due deliveries for `claimer` until now + lease; commits."""
    now = utcnow()
    ids = leases.claim(
        session,
        WebhookDelivery,
        claimer,
        now=now,
        until=now + timedelta(seconds=lease_s),
        limit=limit,
        due=[
            WebhookDelivery.status == DeliveryStatus.PENDING,
            WebhookDelivery.next_attempt_at <= now,
            # A paused endpoint is sent nothing: what was queued for it waits until it is resumed.
            WebhookDelivery.endpoint_id.in_(select(WebhookEndpoint.id).where(WebhookEndpoint.active.is_(True))),
        ],
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
            )
            .join(WebhookEndpoint, WebhookEndpoint.id == WebhookDelivery.endpoint_id)
            .join(DomainEvent, DomainEvent.id == WebhookDelivery.event_id)
            .where(WebhookDelivery.id.in_(ids))
            .order_by(WebhookDelivery.id)
        ).all()
        claimed = [Claimed(*row) for row in rows]
    session.commit()
    return claimed


def mark_delivered(session: Session, delivery_id: int, claimer: str, status_code: int) -> bool:
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
    session.commit()
    return bool(done)


def mark_failed_try(
    session: Session, delivery_id: int, claimer: str, *, status_code: int | None, error: str, next_attempt_at: datetime | None
) -> bool:
    """Record a failed try: retried at `next_attempt_at`, or failed for good when it is None."""
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
    session.commit()
    return bool(done)


def release(session: Session, claimer: str) -> None:
    """Give back every claim of `claimer` (a server stopping), so another server takes them now."""
    leases.release(session, WebhookDelivery, claimer, WebhookDelivery.status == DeliveryStatus.PENDING)
    session.commit()


def retry_now(session: Session, delivery_ids: list[int]) -> int:
    """Send failed deliveries again from their first try (a person fixed the receiver)."""
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
