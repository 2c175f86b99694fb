"""The links in messages: confirm an address, and unsubscribe (one click, RFC 8058)."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import HTMLResponse
from sqlalchemy.orm import Session

from commentdesk.api.deps import db_session
from commentdesk.i18n import gettext as _
from commentdesk.web.reader import templates

router = APIRouter(include_in_schema=False)
Token = Query(min_length=10, max_length=200)


def _page(
    request: Request, title: str, message: str, status_code: int = 200, unsubscribe_token: str | None = None
) -> HTMLResponse:
    return templates.TemplateResponse(
        request,
        "mail_link.html",
        {"title": title, "message": message, "unsubscribe_token": unsubscribe_token},
        status_code=status_code,
    )


@router.get("/mail/confirm", response_class=HTMLResponse)
def confirm(request: Request, token: str = Token, session: Session = Depends(db_session)):
    if not request.app.state.notifier.confirm(session, token):
        return _page(
            request,
            _("Link not valid"),
            _(
                "This confirmation link is not valid or is more than a week old. "
                "Tick the e-mail box again when you next comment to get a new one."
            ),
            status_code=400,
        )
    return _page(
        request,
        _("Address confirmed"),
        _(
            "Thank you: you will hear of replies to your comment, and of the moderators' "
            "decision if it was held. Every message has a link to stop them."
        ),
    )


@router.get("/mail/unsubscribe", response_class=HTMLResponse)
def unsubscribe_page(request: Request, token: str = Token):
    # A page with a button, not the unsubscription itself: mail scanners open links.
    return _page(
        request,
        _("Stop e-mail about your comments"),
        _("Press the button and you will receive no more messages; your address is deleted."),
        unsubscribe_token=token,
    )


@router.post("/mail/unsubscribe", response_class=HTMLResponse)
def unsubscribe(request: Request, token: str = Token, session: Session = Depends(db_session)):
    if not request.app.state.notifier.unsubscribe(session, token):
        return _page(request, _("Link not valid"), _("This link is not valid."), status_code=400)
    return _page(
        request, _("Unsubscribed"), _("You will receive no more e-mail about your comments, and your address is deleted.")
    )
