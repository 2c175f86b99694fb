"""Administrators manage workspace accounts: create, limit to sites, disable, reset passwords."""

from __future__ import annotations

from fastapi import APIRouter, Depends, HTTPException, Request
from fastapi.responses import RedirectResponse

from commentdesk.bounds import id_from_text
from commentdesk.i18n import gettext as _
from commentdesk.services import accounts
from commentdesk.services import moderator_sign_in as sign_in
from commentdesk.services.accounts import AccountError, Scope
from commentdesk.web.moderate.auth import Moderator, admin_user, form_user
from commentdesk.web.moderate.params import PathId
from commentdesk.web.moderate.templating import render

router = APIRouter()


def _page(request: Request, moderator: Moderator, error: str | None = None, message: str | None = None, status: int = 200):
    session = moderator.session
    sites = accounts.visible_sites(session, Scope(None))
    return render(
        request,
        "moderate/users.html",
        {
            "me": moderator,
            "users": accounts.list_users(session),
            "sites": sites,
            "site_names": {site.id: site.name for site in sites},
            "roles": accounts.ROLES,
            "error": error,
            "message": message,
        },
        status_code=status,
    )


@router.get("/users")
def users_page(request: Request, moderator: Moderator = Depends(admin_user)):
    return _page(request, moderator, message=request.query_params.get("done"))


def _require_admin(moderator: Moderator) -> None:
    if not moderator.is_admin:
        raise HTTPException(403, _("Only administrators can manage accounts."))


def _site_ids(moderator: Moderator, form) -> list[int]:
    """The sites chosen in the form; an account limited to a site that does not exist could see nothing."""
    chosen = [id_from_text(str(value)) for value in form.getlist("site_ids")]
    existing = {site.id for site in accounts.visible_sites(moderator.session, Scope(None))}
    if any(site_id not in existing for site_id in chosen):
        raise AccountError(_("Choose the sites from the list."))
    return [site_id for site_id in chosen if site_id is not None]


@router.post("/users")
async def create_user(request: Request, moderator: Moderator = Depends(form_user)):
    _require_admin(moderator)
    form = await request.form()
    try:
        site_ids = _site_ids(moderator, form)
        user = accounts.add_user(
            moderator.session,
            str(form.get("username", "")).strip(),
            str(form.get("password", "")),
            str(form.get("role", "")),
            site_ids or None,
        )
    except AccountError as error:
        return _page(request, moderator, error=str(error), status=422)
    return RedirectResponse(f"/moderate/users?done=Created+{user.username}", status_code=303)


@router.post("/users/{user_id}")
async def change_user(user_id: PathId, request: Request, moderator: Moderator = Depends(form_user)):
    _require_admin(moderator)
    form = await request.form()
    user = accounts.user_by_id(moderator.session, user_id)
    if user is None:
        raise HTTPException(404, _("No such user."))
    try:
        site_ids = _site_ids(moderator, form)
        accounts.change_user(
            moderator.session,
            moderator.user,
            user,
            str(form.get("change", "")),
            password=str(form.get("password", "")),
            site_ids=site_ids,
            name_lock=sign_in.name_hash(request.app.state.secret, user.username),
        )
    except AccountError as error:
        return _page(request, moderator, error=str(error), status=422)
    return RedirectResponse(f"/moderate/users?done=Updated+{user.username}", status_code=303)
