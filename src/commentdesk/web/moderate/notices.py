"""The Notices queue (notices of illegal content) and, for administrators, the transparency export."""

from __future__ import annotations

from datetime import UTC, datetime

from fastapi import APIRouter, Depends, HTTPException, Request
from fastapi.responses import RedirectResponse, Response

from commentdesk.i18n import N_
from commentdesk.i18n import gettext as _
from commentdesk.services import accounts, notices, transparency
from commentdesk.store.models import NoticeStatus
from commentdesk.web.moderate.auth import Moderator, admin_user, form_user, page_user
from commentdesk.web.moderate.not_found import visible_to
from commentdesk.web.moderate.params import PathId, id_param
from commentdesk.web.moderate.templating import render

router = APIRouter()
VIEWS = {
    "open": N_("Open"),
    NoticeStatus.RECEIVED: N_("Received"),
    NoticeStatus.UNDER_REVIEW: N_("Under review"),
    NoticeStatus.ACTION_TAKEN: N_("Action taken"),
    NoticeStatus.NO_ACTION: N_("No action"),
}


@router.get("/notices")
def notices_page(request: Request, status: str = "open", moderator: Moderator = Depends(page_user)):
    view = status if status in VIEWS else "open"
    return render(
        request,
        "moderate/notices.html",
        {
            "me": moderator,
            "view": view,
            "views": VIEWS,
            "grounds": notices.GROUNDS,
            "status_words": notices.STATUS_WORDS,
            "items": notices.notice_queue(moderator.session, moderator.scope, None if view == "open" else view),
            "open_count": notices.open_notice_count(moderator.session, moderator.scope),
        },
    )


@router.get("/notices/{notice_id}")
def notice_detail(notice_id: PathId, request: Request, moderator: Moderator = Depends(page_user)):
    notice = visible_to(moderator, notices.visible_notice, notice_id, N_("notice"))
    return _detail(request, moderator, notice, error=None)


def _detail(request: Request, moderator: Moderator, notice, error: str | None, form: dict | None = None, status_code: int = 200):
    return render(
        request,
        "moderate/notice.html",
        {
            "me": moderator,
            "notice": notice,
            "notifier_address": notices.notifier_address(notice, request.app.state.notifier.addresses),
            "grounds": notices.GROUNDS,
            "actions": notices.ACTIONS,
            "status_words": notices.STATUS_WORDS,
            "decided": notice.status in NoticeStatus.DECIDED,
            "error": error,
            "form": form or {},
            "comment_removed": notices.comment_is_removed(notice),
        },
        status_code=status_code,
    )


@router.post("/notices/{notice_id}/review")
async def review_notice(notice_id: PathId, moderator: Moderator = Depends(form_user)):
    notice = visible_to(moderator, notices.visible_notice, notice_id, N_("notice"))
    notices.start_review(moderator.session, moderator.user, notice)
    return RedirectResponse(f"/moderate/notices/{notice.id}", status_code=303)


@router.post("/notices/{notice_id}/decide")
async def decide_notice(notice_id: PathId, request: Request, moderator: Moderator = Depends(form_user)):
    notice = visible_to(moderator, notices.visible_notice, notice_id, N_("notice"))
    data = await request.form()
    form = {key: str(data.get(key, "")) for key in ("action", "ground", "explanation")}
    try:
        notices.decide_notice(
            moderator.session, moderator.user, notice, form["action"], form["ground"] or None, form["explanation"]
        )
    except notices.NoticeRefused as refused:
        return _detail(request, moderator, notice, refused.message, form, refused.status)
    # Contacts kept past their time go with the next decision (and with `commentdesk dsa erase-contacts`).
    notices.erase_expired_contacts(moderator.session, request.app.state.settings.notice_contact_days)
    return RedirectResponse(f"/moderate/notices/{notice.id}", status_code=303)


# --- transparency export (administrators) ------------------------------------------------------


def _day(value: str | None) -> datetime | None:
    try:
        return datetime.strptime(value, "%Y-%m-%d").replace(tzinfo=UTC) if value else None
    except ValueError:
        return None


@router.get("/transparency")
def transparency_page(request: Request, moderator: Moderator = Depends(admin_user)):
    params = request.query_params
    today = datetime.now(UTC).replace(hour=0, minute=0, second=0, microsecond=0)
    start = _day(params.get("from")) or today.replace(day=1)
    last_day = _day(params.get("to")) or today
    site_id = id_param(params.get("site"), "site")
    sites = accounts.visible_sites(moderator.session, moderator.scope)
    try:
        # The period includes its last day.
        period = transparency.period_of_days(start, last_day)
    except ValueError:
        period = None
    if (
        (params.get("from") and _day(params.get("from")) is None)
        or (params.get("to") and _day(params.get("to")) is None)
        or period is None
        or (site_id is not None and site_id not in {site.id for site in sites})
    ):
        raise HTTPException(
            422, _("Give the period as two dates (YYYY-MM-DD), the first not after the second, and a site of yours.")
        )
    # "All" means every site the user may see: an administrator limited to some sites sees theirs.
    site_ids = [site_id] if site_id is not None else (None if moderator.scope.site_ids is None else [site.id for site in sites])
    report = transparency.transparency_report(moderator.session, *period, site_ids)
    name = f"transparency-{start:%Y-%m-%d}-{last_day:%Y-%m-%d}"
    if params.get("format") == "json":
        return Response(
            transparency.as_json(report),
            media_type="application/json",
            headers={"Content-Disposition": f'attachment; filename="{name}.json"'},
        )
    if params.get("format") == "csv":
        return Response(
            transparency.as_csv(report),
            media_type="text/csv; charset=utf-8",
            headers={"Content-Disposition": f'attachment; filename="{name}.csv"'},
        )
    return render(
        request,
        "moderate/transparency.html",
        {
            "me": moderator,
            "report": report,
            "sites": sites,
            "site_id": site_id,
            "start": start.strftime("%Y-%m-%d"),
            "last_day": last_day.strftime("%Y-%m-%d"),
            "grounds": notices.GROUNDS,
        },
    )
