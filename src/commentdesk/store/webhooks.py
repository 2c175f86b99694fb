"""Webhook endpoints and their deliveries (claiming and retrying due deliveries: store/outbox.py)."""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import bindparam, delete, func, select
from sqlalchemy.orm import Session

from commentdesk.store.models import (
    DeliveryStatus,
    DomainEvent,
    WebhookDelivery,
    WebhookEndpoint,
)
from commentdesk.store.scoping import within_sites


def endpoint_count(session: Session, site_id: int) -> int:
    return session.scalar(select(func.count()).select_from(WebhookEndpoint).where(WebhookEndpoint.site_id == site_id)) or 0


def endpoint(session: Session, endpoint_id: int) -> WebhookEndpoint | None:
    return session.get(WebhookEndpoint, endpoint_id)


def endpoints(session: Session, site_ids: Iterable[int] | None) -> list[WebhookEndpoint]:
    query = select(WebhookEndpoint).order_by(WebhookEndpoint.site_id, WebhookEndpoint.id)
    return list(session.scalars(within_sites(query, WebhookEndpoint.site_id, site_ids)))


# Built once: every recorded event runs it, and building a statement costs more than running it.
_ACTIVE_ENDPOINTS = select(WebhookEndpoint.id, WebhookEndpoint.event_kinds).where(
    WebhookEndpoint.site_id == bindparam("site_id"), WebhookEndpoint.active.is_(True)
)


def active_endpoints(session: Session, site_id: int) -> list[tuple[int, list | None]]:
    """(id, event kinds wanted) of the site's active endpoints."""
    return [(endpoint_id, kinds) for endpoint_id, kinds in session.execute(_ACTIVE_ENDPOINTS, {"site_id": site_id}).all()]


def remove_endpoint(session: Session, found: WebhookEndpoint) -> None:
    """Delete an endpoint and its deliveries (those not yet made are dropped)."""
    session.execute(delete(WebhookDelivery).where(WebhookDelivery.endpoint_id == found.id))
    session.delete(found)


def delivery_counts(session: Session, endpoint_ids: list[int]) -> list[tuple[int, str, int]]:
    """(endpoint id, status, count) for these endpoints."""
    if not endpoint_ids:
        return []
    return [
        (endpoint_id, status, count)
        for endpoint_id, status, count in session.execute(
            select(WebhookDelivery.endpoint_id, WebhookDelivery.status, func.count())
            .where(WebhookDelivery.endpoint_id.in_(endpoint_ids))
            .group_by(WebhookDelivery.endpoint_id, WebhookDelivery.status)
        )
    ]


def recent_deliveries(
    session: Session, endpoint_ids: list[int], status: str | None, limit: int
) -> list[tuple[WebhookDelivery, str, str]]:
    """(delivery, event id, event kind), newest first."""
    query = (
        select(WebhookDelivery, DomainEvent.event_id, DomainEvent.kind)
        .join(DomainEvent, DomainEvent.id == WebhookDelivery.event_id)
        .where(WebhookDelivery.endpoint_id.in_(endpoint_ids))
        .order_by(WebhookDelivery.id.desc())
        .limit(limit)
    )
    if status is not None:
        query = query.where(WebhookDelivery.status == status)
    return [(delivery, event_id, kind) for delivery, event_id, kind in session.execute(query)]


def failed_delivery_ids(session: Session, endpoint_id: int, delivery_ids: list[int] | None = None) -> list[int]:
    """The endpoint's failed deliveries (or those of `delivery_ids` that failed)."""
    query = select(WebhookDelivery.id).where(
        WebhookDelivery.endpoint_id == endpoint_id, WebhookDelivery.status == DeliveryStatus.FAILED
    )
    if delivery_ids is not None:
        query = query.where(WebhookDelivery.id.in_(delivery_ids))
    return list(session.scalars(query))
