"""The site API for webhooks: a site (by its API key) adds, lists, changes and removes its endpoints
and reads their deliveries. The signing secret is in the answer to the creation only."""

from __future__ import annotations

from typing import Any, Literal

from fastapi import APIRouter, Depends, Query, Response
from sqlalchemy.orm import Session

from commentdesk.api.deps import SessionReleasingRoute, calling_site, db_session
from commentdesk.api.errors import ApiError
from commentdesk.api.schemas import (
    DeliveriesOut,
    DeliveryCounts,
    DeliveryOut,
    ErrorOut,
    PathId,
    RetriedOut,
    WebhookCreatedOut,
    WebhookIn,
    WebhookOut,
    WebhooksOut,
    WebhookUpdateIn,
)
from commentdesk.services import webhooks
from commentdesk.store.models import Site, WebhookEndpoint

router = APIRouter(prefix="/api/v1/webhooks", route_class=SessionReleasingRoute, tags=["webhooks"])
ERRORS: dict[int | str, dict[str, Any]] = {
    status: {"model": ErrorOut, "description": text}
    for status, text in {
        400: "Malformed request",
        401: "Missing or wrong API key",
        404: "No such webhook for this site",
        413: "Request too large",
        422: "Invalid fields",
    }.items()
}
CREATE_ERRORS: dict[int | str, dict[str, Any]] = {
    **ERRORS,
    409: {"model": ErrorOut, "description": "The site has as many webhooks as it may have"},
}


def _webhook_out(endpoint: WebhookEndpoint, counts: dict[str, int]) -> dict:
    return {
        "id": endpoint.id,
        "url": endpoint.url,
        "events": list(endpoint.event_kinds or []),
        "description": endpoint.description,
        "active": endpoint.active,
        "created_at": endpoint.created_at,
        "deliveries": DeliveryCounts(**counts),
    }


def _refused(error: webhooks.WebhookError) -> ApiError:
    return ApiError(error.status, error.code, error.message, {error.field: error.message} if error.field else None)


def _own_endpoint(session: Session, site: Site, endpoint_id: int) -> WebhookEndpoint:
    endpoint = webhooks.endpoint_of(session, frozenset({site.id}), endpoint_id)
    if endpoint is None:
        raise ApiError(404, "webhook_not_found", f"This site has no webhook {endpoint_id}.")
    return endpoint


@router.post(
    "",
    response_model=WebhookCreatedOut,
    status_code=201,
    responses=CREATE_ERRORS,
    summary="Add a webhook endpoint; the answer holds its signing secret, shown only this once",
)
def create_webhook(body: WebhookIn, site: Site = Depends(calling_site), session: Session = Depends(db_session)):
    try:
        endpoint, secret = webhooks.create(session, site, str(body.url), list(body.events), body.description)
    except webhooks.WebhookError as error:
        raise _refused(error) from None
    return WebhookCreatedOut(**_webhook_out(endpoint, {}), secret=secret)


@router.get("", response_model=WebhooksOut, responses=ERRORS, summary="The site's webhook endpoints")
def list_webhooks(site: Site = Depends(calling_site), session: Session = Depends(db_session)):
    found = webhooks.endpoints(session, frozenset({site.id}))
    counts = webhooks.delivery_counts(session, [endpoint.id for endpoint in found])
    return WebhooksOut(webhooks=[WebhookOut(**_webhook_out(endpoint, counts[endpoint.id])) for endpoint in found])


@router.patch("/{webhook_id}", response_model=WebhookOut, responses=ERRORS, summary="Change or pause a webhook endpoint")
def update_webhook(
    webhook_id: PathId, body: WebhookUpdateIn, site: Site = Depends(calling_site), session: Session = Depends(db_session)
):
    endpoint = _own_endpoint(session, site, webhook_id)
    try:
        webhooks.update(
            session,
            endpoint,
            url=str(body.url) if body.url is not None else None,
            kinds=list(body.events) if body.events is not None else None,
            description=body.description,
            active=body.active,
        )
    except webhooks.WebhookError as error:
        raise _refused(error) from None
    return WebhookOut(**_webhook_out(endpoint, webhooks.delivery_counts(session, [endpoint.id])[endpoint.id]))


@router.delete("/{webhook_id}", status_code=204, responses=ERRORS, summary="Remove a webhook endpoint and its deliveries")
def delete_webhook(webhook_id: PathId, site: Site = Depends(calling_site), session: Session = Depends(db_session)):
    webhooks.remove(session, _own_endpoint(session, site, webhook_id))
    return Response(status_code=204)


@router.get(
    "/{webhook_id}/deliveries",
    response_model=DeliveriesOut,
    responses=ERRORS,
    summary="The newest deliveries to an endpoint: status, tries, last error, next try",
)
def list_deliveries(
    webhook_id: PathId,
    status: Literal["pending", "delivered", "failed"] | None = None,
    limit: int = Query(default=50, ge=1, le=200),
    site: Site = Depends(calling_site),
    session: Session = Depends(db_session),
):
    endpoint = _own_endpoint(session, site, webhook_id)
    rows = webhooks.recent_deliveries(session, [endpoint.id], status=status, limit=limit)
    return DeliveriesOut(
        deliveries=[
            DeliveryOut(
                # A stored status word (a string column); DeliveryOut checks it is one of the three.
                id=row.delivery.id,
                event_id=row.event_id,
                event_type=row.event_type,
                status=row.delivery.status,  # type: ignore[arg-type]
                attempts=row.delivery.attempts,
                last_status_code=row.delivery.last_status_code,
                last_error=row.delivery.last_error,
                next_attempt_at=row.next_attempt_at,
                delivered_at=row.delivery.delivered_at,
                created_at=row.delivery.created_at,
            )
            for row in rows
        ]
    )


@router.post(
    "/{webhook_id}/retry",
    response_model=RetriedOut,
    responses=ERRORS,
    summary="Send the endpoint's failed deliveries again, from their first try",
)
def retry_webhook(webhook_id: PathId, site: Site = Depends(calling_site), session: Session = Depends(db_session)):
    return RetriedOut(retried=webhooks.retry_failed(session, _own_endpoint(session, site, webhook_id)))
