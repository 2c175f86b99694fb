"""The webhooks page: each endpoint of the moderator's sites and its newest deliveries (status,
tries, last error or HTTP code, next try), with a button to send failed deliveries again."""

from __future__ import annotations

from fastapi import APIRouter, Depends, HTTPException, Request
from fastapi.responses import RedirectResponse

from commentdesk.i18n import gettext as _
from commentdesk.services import accounts, webhooks
from commentdesk.web.moderate.auth import Moderator, form_user, page_user
from commentdesk.web.moderate.params import PathId
from commentdesk.web.moderate.templating import render

router = APIRouter()
DELIVERIES_SHOWN = 20


@router.get("/webhooks")
def webhooks_page(request: Request, moderator: Moderator = Depends(page_user)):
    session, site_ids = moderator.session, moderator.scope.site_ids
    endpoints = webhooks.endpoints(session, site_ids)
    counts = webhooks.delivery_counts(session, [endpoint.id for endpoint in endpoints])
    sites = {site.id: site for site in accounts.visible_sites(session, moderator.scope)}
    return render(
        request,
        "moderate/webhooks.html",
        {
            "me": moderator,
            "rows": [
                (
                    endpoint,
                    sites.get(endpoint.site_id),
                    counts[endpoint.id],
                    webhooks.recent_deliveries(session, [endpoint.id], limit=DELIVERIES_SHOWN),
                )
                for endpoint in endpoints
            ],
            "retried": request.query_params.get("retried"),
        },
    )


@router.post("/webhooks/{endpoint_id}/retry")
def retry_failed(endpoint_id: PathId, moderator: Moderator = Depends(form_user)):
    endpoint = webhooks.endpoint_of(moderator.session, moderator.scope.site_ids, endpoint_id)
    if endpoint is None:
        raise HTTPException(404, _("No such webhook."))
    count = webhooks.retry_failed(moderator.session, endpoint)
    return RedirectResponse(f"/moderate/webhooks?retried={count}#webhook-{endpoint.id}", status_code=303)
