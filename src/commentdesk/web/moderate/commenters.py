"""A commenter's record, notes and bans."""

from __future__ import annotations

from fastapi import APIRouter, Depends, HTTPException, Request
from fastapi.responses import RedirectResponse
from pydantic import BaseModel, Field

from commentdesk.i18n import N_
from commentdesk.i18n import gettext as _
from commentdesk.services import workspace
from commentdesk.web.moderate.auth import Moderator, api_user, form_user, page_user
from commentdesk.web.moderate.not_found import visible_to
from commentdesk.web.moderate.params import PathId
from commentdesk.web.moderate.templating import render

router = APIRouter()
# Suspension lengths offered, in days; "permanent" is a ban.
BAN_LENGTHS = {"1": N_("1 day"), "3": N_("3 days"), "7": N_("7 days"), "30": N_("30 days"), "permanent": N_("Permanently")}


def _days(length: str) -> int | None:
    if length not in BAN_LENGTHS:
        raise HTTPException(422, _("The ban length is one of %(lengths)s.") % {"lengths": ", ".join(BAN_LENGTHS)})
    return None if length == "permanent" else int(length)


@router.get("/commenters/{commenter_id}")
def commenter_page(commenter_id: PathId, request: Request, moderator: Moderator = Depends(page_user)):
    commenter = visible_to(moderator, workspace.visible_commenter, commenter_id, N_("commenter"))
    return render(
        request,
        "moderate/commenter.html",
        {
            "me": moderator,
            "record": workspace.commenter_record(moderator.session, commenter),
            "ban_lengths": BAN_LENGTHS,
            "no_ban_to_lift": request.query_params.get("unbanned") == "none",
        },
    )


def _commenter_for_script(moderator: Moderator, commenter_id: int):
    """The commenter, or a JSON 404 for the workspace's scripts (forms get the not-found page)."""
    try:
        return workspace.visible_commenter(moderator.session, moderator.scope, commenter_id)
    except workspace.NotAllowed:
        raise HTTPException(404, _("No such commenter.")) from None


@router.post("/commenters/{commenter_id}/notes")
async def add_note(commenter_id: PathId, request: Request, moderator: Moderator = Depends(form_user)):
    commenter = visible_to(moderator, workspace.visible_commenter, commenter_id, N_("commenter"))
    workspace.add_note(moderator.session, moderator.user, commenter, str((await request.form()).get("text", ""))[:4000])
    return RedirectResponse(f"/moderate/commenters/{commenter.id}", status_code=303)


@router.post("/commenters/{commenter_id}/ban")
async def ban(commenter_id: PathId, request: Request, moderator: Moderator = Depends(form_user)):
    commenter = visible_to(moderator, workspace.visible_commenter, commenter_id, N_("commenter"))
    form = await request.form()
    workspace.ban(
        moderator.session,
        moderator.user,
        commenter,
        days=_days(str(form.get("length", ""))),
        reason=str(form.get("reason", ""))[:2000],
        reject_pending=form.get("reject_pending") == "1",
    )
    return RedirectResponse(f"/moderate/commenters/{commenter.id}", status_code=303)


@router.post("/commenters/{commenter_id}/unban")
async def unban(commenter_id: PathId, moderator: Moderator = Depends(form_user)):
    commenter = visible_to(moderator, workspace.visible_commenter, commenter_id, N_("commenter"))
    lifted = workspace.unban(moderator.session, moderator.user, commenter)
    # A second press (or an old page) finds no ban: the page says so, and nothing is logged.
    return RedirectResponse(f"/moderate/commenters/{commenter.id}{'' if lifted else '?unbanned=none'}", status_code=303)


class BanIn(BaseModel):
    length: str = Field(max_length=16)
    reason: str = Field(default="", max_length=2000)
    reject_pending: bool = False


@router.post("/api/commenters/{commenter_id}/ban")
def api_ban(commenter_id: PathId, body: BanIn, moderator: Moderator = Depends(api_user)):
    """Ban from a queue card without leaving the queue."""
    commenter = _commenter_for_script(moderator, commenter_id)
    until = workspace.ban(
        moderator.session,
        moderator.user,
        commenter,
        days=_days(body.length),
        reason=body.reason,
        reject_pending=body.reject_pending,
    )
    return {"commenter_id": commenter.id, "banned_until": until.isoformat(), "permanent": until == workspace.PERMANENT}
