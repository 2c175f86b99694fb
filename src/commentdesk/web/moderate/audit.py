"""The audit log: every decision on every comment, automatic or human, searchable and never edited."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Request

from commentdesk.services import accounts, workspace
from commentdesk.services.workspace import AuditFilter
from commentdesk.web.moderate.auth import Moderator, page_user
from commentdesk.web.moderate.params import id_param
from commentdesk.web.moderate.templating import render

router = APIRouter()
PAGE = 100


@router.get("/audit")
def audit_page(request: Request, moderator: Moderator = Depends(page_user)):
    params = request.query_params
    filters = AuditFilter(
        comment_id=id_param(params.get("comment"), "comment"),
        actor=(params.get("actor") or "").strip()[:100] or None,
        action=(params.get("action") or "").strip()[:32] or None,
        site_id=id_param(params.get("site"), "site"),
        text=(params.get("q") or "").strip()[:200] or None,
    )
    rows = workspace.audit_events(
        moderator.session, moderator.scope, filters, before_id=id_param(params.get("before"), "before"), limit=PAGE
    )
    return render(
        request,
        "moderate/audit.html",
        {
            "me": moderator,
            "rows": rows,
            "filters": filters,
            "filter_params": filters.as_params(),
            "sites": accounts.visible_sites(moderator.session, moderator.scope),
            "actions": workspace.AUDIT_ACTIONS,
            "next_before": rows[-1][0].id if len(rows) == PAGE else None,
            "article_events": workspace.article_events(moderator.session, moderator.scope, filters.site_id),
        },
    )
