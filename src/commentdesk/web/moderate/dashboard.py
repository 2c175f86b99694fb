"""The dashboard page: volume and decision rates over time, top reasons, backlog, time to decision."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Request

from commentdesk.i18n import N_
from commentdesk.i18n import gettext as _
from commentdesk.services import accounts
from commentdesk.services.workspace_stats import dashboard
from commentdesk.store.models import utcnow
from commentdesk.web.moderate import charts, words
from commentdesk.web.moderate.auth import Moderator, page_user
from commentdesk.web.moderate.params import id_param
from commentdesk.web.moderate.templating import render

router = APIRouter()
PERIODS = (7, 14, 30, 90)
DECISION_NAMES = {"publish": N_("Published"), "hold": N_("Held"), "reject": N_("Rejected")}


@router.get("/dashboard")
def dashboard_page(request: Request, moderator: Moderator = Depends(page_user)):
    params = request.query_params
    days = next((period for period in PERIODS if params.get("days") == str(period)), 14)
    site_id, article_id = id_param(params.get("site"), "site"), id_param(params.get("article"), "article")
    figures = dashboard(moderator.session, moderator.scope, days=days, site_id=site_id, article_id=article_id)
    volume_chart = charts.stacked_bars(
        figures.days,
        [(_(DECISION_NAMES[name]), values) for name, values in figures.volume.items()],
        _("Comments per day by automatic decision"),
    )
    reasons_chart = charts.horizontal_bars(
        [(words.reason_words(code), count) for code, count in figures.top_reasons], _("Top reasons for holding or rejecting")
    )
    reasons_time_chart = charts.stacked_bars(
        figures.days,
        [(words.reason_words(code), values) for code, values in figures.reasons_by_day.items()],
        _("Top reasons per day"),
        first_colour=3,
    )
    oldest_wait = (utcnow() - figures.oldest_held).total_seconds() if figures.oldest_held else None
    return render(
        request,
        "moderate/dashboard.html",
        {
            "me": moderator,
            "figures": figures,
            "days": days,
            "periods": PERIODS,
            "site_id": site_id,
            "article_id": article_id,
            "sites": accounts.visible_sites(moderator.session, moderator.scope),
            "volume_chart": volume_chart,
            "reasons_chart": reasons_chart,
            "reasons_time_chart": reasons_time_chart,
            "oldest_wait": oldest_wait,
            "decision_names": {key: _(name) for key, name in DECISION_NAMES.items()},
        },
    )
