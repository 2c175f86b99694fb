"""The moderator's own settings: the workspace language (docs/languages.md)."""

from __future__ import annotations

from fastapi import APIRouter, Depends, HTTPException, Request
from fastapi.responses import RedirectResponse

from commentdesk import i18n
from commentdesk.i18n import gettext as _
from commentdesk.services import accounts
from commentdesk.web.moderate.auth import Moderator, form_user, safe_next

router = APIRouter()


@router.post("/language")
async def choose_language(request: Request, moderator: Moderator = Depends(form_user)):
    """Keep the chosen language with the account; an empty choice goes back to the browser's."""
    form = await request.form()
    chosen = str(form.get("language", ""))
    if chosen and chosen not in i18n.LANGUAGES:
        raise HTTPException(422, _("Choose one of the languages offered."))
    accounts.set_language(moderator.session, moderator.user, chosen or None)
    return RedirectResponse(safe_next(request, _without_lang(str(form.get("back", "")))), status_code=303)


def _without_lang(target: str) -> str:
    """The page to go back to, less a `lang=` that would outrank the new setting."""
    path, _mark, query = target.partition("?")
    kept = "&".join(part for part in query.split("&") if part and not part.startswith("lang="))
    return f"{path}?{kept}" if kept else path
