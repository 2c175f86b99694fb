"""Decisions: the JSON endpoints the keyboard script calls, and the plain-form fallbacks."""

from __future__ import annotations

from typing import Literal

from fastapi import APIRouter, Depends, HTTPException, Request
from fastapi.responses import RedirectResponse
from pydantic import BaseModel, Field

from commentdesk.i18n import N_
from commentdesk.i18n import gettext as _
from commentdesk.services import workspace
from commentdesk.web.moderate import words
from commentdesk.web.moderate.auth import Moderator, api_user, form_user
from commentdesk.web.moderate.not_found import NotFoundInWorkspace, visible_to
from commentdesk.web.moderate.params import DbId, PathId, id_param, queue_filter
from commentdesk.web.moderate.templating import choose_language

router = APIRouter()
MAX_BULK = 500


class DecisionIn(BaseModel):
    action: Literal["approve", "reject", "restore"]
    ids: list[DbId] = Field(min_length=1, max_length=MAX_BULK)
    reason: str | None = Field(default=None, max_length=32)
    note: str = Field(default="", max_length=2000)
    # The queue filters of the page, so the answer can carry its fresh counts.
    filters: dict[str, str] = Field(default_factory=dict)


class UndoIn(BaseModel):
    event_ids: list[DbId] = Field(min_length=1, max_length=MAX_BULK)
    filters: dict[str, str] = Field(default_factory=dict)


@router.post("/api/decisions")
def api_decide(body: DecisionIn, moderator: Moderator = Depends(api_user)):
    filters = queue_filter(body.filters)  # refused before the decision, not after it is committed
    # The page puts the newest event it showed among its filters, which the script sends back.
    seen = id_param(body.filters.get("seen"), "seen")
    try:
        result = workspace.decide(
            moderator.session,
            moderator.user,
            body.ids,
            body.action,
            rejection_reason=body.reason,
            note=body.note,
            seen_event_id=seen,
        )
    except workspace.DecidedMeanwhile as error:
        raise HTTPException(409, str(error)) from None
    except workspace.NotAllowed as error:
        raise HTTPException(404, _("Not found: %(what)s.") % {"what": error}) from None
    except ValueError as error:
        raise HTTPException(422, str(error)) from None
    return {
        "event_ids": result.event_ids,
        "statuses": {str(key): value for key, value in result.statuses.items()},
        **workspace.badge_counts(moderator.session, moderator.scope, filters).as_dict(),
    }


@router.post("/api/undo")
def api_undo(body: UndoIn, request: Request, moderator: Moderator = Depends(api_user)):
    choose_language(request, moderator)  # the status line's words
    filters = queue_filter(body.filters)
    try:
        result = workspace.undo(moderator.session, moderator.user, body.event_ids)
    except workspace.UndoRefused as error:
        raise HTTPException(409, str(error)) from None
    except workspace.NotAllowed as error:
        raise HTTPException(404, _("Not found: %(what)s.") % {"what": error}) from None
    return {
        "comment_ids": result.comment_ids,
        "statuses": {str(key): value for key, value in result.statuses.items()},
        "message": words.undo_summary(result),
        **workspace.badge_counts(moderator.session, moderator.scope, filters).as_dict(),
    }


@router.get("/api/counts")
def api_counts(request: Request, moderator: Moderator = Depends(api_user)):
    return workspace.badge_counts(moderator.session, moderator.scope, queue_filter(request.query_params)).as_dict()


@router.post("/comments/{comment_id}/decide")
async def form_decide(comment_id: PathId, request: Request, moderator: Moderator = Depends(form_user)):
    """The same decisions from a plain form (comment page, no script)."""
    form = await request.form()
    action = str(form.get("action", ""))
    reason = str(form.get("reason", "")) or None
    seen = id_param(str(form.get("seen", "")), "seen")
    try:
        workspace.decide(
            moderator.session,
            moderator.user,
            [comment_id],
            action,
            rejection_reason=reason,
            note=str(form.get("note", ""))[:2000],
            seen_event_id=seen,
        )
    except workspace.DecidedMeanwhile as error:
        raise HTTPException(409, str(error)) from None
    except workspace.NotAllowed:
        raise NotFoundInWorkspace(moderator, N_("comment")) from None
    except ValueError as error:
        raise HTTPException(422, str(error)) from None
    return RedirectResponse(f"/moderate/comments/{comment_id}", status_code=303)


@router.post("/articles/{article_id}/options")
async def article_options(article_id: PathId, request: Request, moderator: Moderator = Depends(form_user)):
    """Close or reopen comments on an article, or switch it to pre-moderation."""
    form = await request.form()
    article = visible_to(moderator, workspace.visible_article, article_id, N_("article"))
    changes = {}
    if "comments_open" in form:
        changes["comments_open"] = form.get("comments_open") == "1"
    if "premoderate" in form:
        changes["premoderate"] = form.get("premoderate") == "1"
    workspace.set_article_options(moderator.session, article, user=moderator.user, **changes)
    back = str(form.get("back", ""))
    return RedirectResponse(
        back if back.startswith("/moderate/") else f"/moderate/queue/held?article={article.id}", status_code=303
    )
