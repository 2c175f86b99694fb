"""Sites' webhook endpoints: adding, changing and removing them, and what was delivered to them.

Deliveries are written with each event (services/events.py) and made by the deliverer
(services/webhook_delivery.py); this module is what the site API and the workspace page use.
"""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlsplit

from sqlalchemy.orm import Session

from commentdesk.services import events, webhook_signature
from commentdesk.store import outbox
from commentdesk.store import webhooks as webhook_store
from commentdesk.store.models import (
    DeliveryStatus,
    Site,
    WebhookDelivery,
    WebhookEndpoint,
    utcnow,
)

MAX_ENDPOINTS_PER_SITE = 20
MAX_URL_CHARS = 2000


class WebhookError(ValueError):
    """An endpoint that cannot be saved as asked; `code` names the problem for API clients."""

    def __init__(self, code: str, message: str, field: str | None = None, status: int = 422) -> None:
        super().__init__(message)
        self.code, self.message, self.field, self.status = code, message, field, status


def checked_url(url: str) -> str:
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise WebhookError("webhook_url_invalid", "A webhook URL is an http or https address.", "url")
    if parts.username is not None or parts.password is not None:
        raise WebhookError(
            "webhook_url_invalid",
            "Put no user name or password in a webhook URL: the signature proves who sent the request.",
            "url",
        )
    if len(url) > MAX_URL_CHARS:
        raise WebhookError("webhook_url_invalid", f"A webhook URL is at most {MAX_URL_CHARS} characters.", "url")
    try:
        # What the resolver is given: a name with an empty label ("a..b") or one over 63
        # characters can never be looked up, and every try would fail the same way.
        parts.hostname.encode("idna")
    except UnicodeError:
        raise WebhookError(
            "webhook_url_invalid", "The host name of a webhook URL has an empty part or one over 63 characters.", "url"
        ) from None
    return url


def checked_kinds(kinds: list[str]) -> list[str]:
    unknown = [kind for kind in kinds if kind not in events.KINDS]
    if unknown:
        raise WebhookError("webhook_events_invalid", f"Unknown event types: {', '.join(unknown)}.", "events")
    return sorted(set(kinds), key=events.KINDS.index)


def create(session: Session, site: Site, url: str, kinds: list[str], description: str = "") -> tuple[WebhookEndpoint, str]:
    """A new endpoint and its signing secret (the only time the secret is shown); commits."""
    count = webhook_store.endpoint_count(session, site.id)
    if count >= MAX_ENDPOINTS_PER_SITE:
        raise WebhookError(
            "too_many_webhooks", f"A site has at most {MAX_ENDPOINTS_PER_SITE} webhooks; remove one first.", status=409
        )
    secret = webhook_signature.new_secret()
    endpoint = WebhookEndpoint(
        site_id=site.id,
        url=checked_url(url),
        secret=secret,
        event_kinds=checked_kinds(kinds),
        description=description.strip(),
        active=True,
        created_at=utcnow(),
    )
    session.add(endpoint)
    session.commit()
    return endpoint, secret


def update(
    session: Session,
    endpoint: WebhookEndpoint,
    *,
    url: str | None = None,
    kinds: list[str] | None = None,
    description: str | None = None,
    active: bool | None = None,
) -> WebhookEndpoint:
    """Change an endpoint; deliveries already written keep going to it. Commits, or changes
    nothing and raises WebhookError."""
    try:
        if url is not None:
            endpoint.url = checked_url(url)
        if kinds is not None:
            endpoint.event_kinds = checked_kinds(kinds)
    except WebhookError:
        session.rollback()
        raise
    if description is not None:
        endpoint.description = description.strip()
    if active is not None:
        if active and not endpoint.active:
            endpoint.backoff_until = None  # resumed: what waited is sent now
        endpoint.active = active
    session.commit()
    return endpoint


def remove(session: Session, endpoint: WebhookEndpoint) -> None:
    """Delete an endpoint and its deliveries (those not yet made are dropped); commits."""
    webhook_store.remove_endpoint(session, endpoint)
    session.commit()


def endpoint_of(session: Session, site_ids: frozenset[int] | None, endpoint_id: int) -> WebhookEndpoint | None:
    """The endpoint, if it belongs to one of `site_ids` (None: any site)."""
    endpoint = webhook_store.endpoint(session, endpoint_id)
    if endpoint is None or (site_ids is not None and endpoint.site_id not in site_ids):
        return None
    return endpoint


def endpoints(session: Session, site_ids: frozenset[int] | None) -> list[WebhookEndpoint]:
    return webhook_store.endpoints(session, site_ids)


def delivery_counts(session: Session, endpoint_ids: list[int]) -> dict[int, dict[str, int]]:
    """endpoint id -> {pending, delivered, failed}."""
    counts = {endpoint_id: dict.fromkeys(DeliveryStatus.ALL, 0) for endpoint_id in endpoint_ids}
    for endpoint_id, status, count in webhook_store.delivery_counts(session, endpoint_ids):
        counts[endpoint_id][status] = count
    return counts


@dataclass
class DeliveryRow:
    delivery: WebhookDelivery
    event_id: str
    event_type: str

    @property
    def next_attempt_at(self):
        return self.delivery.next_attempt_at if self.delivery.status == DeliveryStatus.PENDING else None


def recent_deliveries(
    session: Session, endpoint_ids: list[int], *, status: str | None = None, limit: int = 50
) -> list[DeliveryRow]:
    """The newest deliveries to these endpoints, newest first."""
    if not endpoint_ids:
        return []
    return [
        DeliveryRow(delivery, event_id, kind)
        for delivery, event_id, kind in webhook_store.recent_deliveries(session, endpoint_ids, status, limit)
    ]


def retry_failed(session: Session, endpoint: WebhookEndpoint, delivery_ids: list[int] | None = None) -> int:
    """Queue the endpoint's failed deliveries (or the given ones of them) again; commits."""
    ids = webhook_store.failed_delivery_ids(session, endpoint.id, delivery_ids)
    count = outbox.retry_now(session, ids) if ids else 0
    session.info[events.RECORDED_FLAG] = bool(count)  # wakes this server's deliverer on commit
    session.commit()
    return count
