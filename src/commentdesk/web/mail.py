"""The links in messages: confirm an address, and unsubscribe (one click, RFC 8058). Opening
either link shows a page with a button; only the button (or a mail program's one-click POST)
changes anything, since mail scanners open the links in messages."""

from __future__ import annotations

from urllib.parse import quote

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import HTMLResponse
from sqlalchemy.orm import Session

from commentdesk.api.deps import db_session
from commentdesk.i18n import gettext as _
from commentdesk.web.reader import templates

router = APIRouter(include_in_schema=False)
Token = Query(min_length=10, max_length=200)


def _page(
    request: Request, title: str, message: str, status_code: int = 200, button: tuple[str, str] | None = None
) -> HTMLResponse:
    """A page of words, with a button (where it posts to, its words) when there is one to press."""
    return templates.TemplateResponse(
        request, "mail_link.html", {"title": title, "message": message, "button": button}, status_code=status_code
    )


def _confirm_link_not_valid(request: Request) -> HTMLResponse:
    return _page(
        request,
        _("Link not valid"),
        _(
            "This confirmation link is not valid or is more than a week old. "
            "Tick the e-mail box again when you next comment to get a new one."
        ),
        status_code=400,
    )


@router.get("/mail/confirm", response_class=HTMLResponse)
def confirm_page(request: Request, token: str = Token, session: Session = Depends(db_session)):
    # A page with a button, not the confirmation itself: mail scanners open links, and the
    # confirmation must be the address owner's own act.
    if request.app.state.notifier.confirming(session, token) is None:
        return _confirm_link_not_valid(request)
    return _page(
        request,
        _("Confirm e-mail about your comments"),
        _("Press the button to hear of replies to your comment, and of the moderators' decision if it was held."),
        button=(f"/mail/confirm?token={quote(token)}", _("Confirm my address")),
    )


@router.post("/mail/confirm", response_class=HTMLResponse)
def confirm(request: Request, token: str = Token, session: Session = Depends(db_session)):
    if not request.app.state.notifier.confirm(session, token):
        return _confirm_link_not_valid(request)
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
        button=(f"/mail/unsubscribe?token={quote(token)}", _("Stop all e-mail about my comments")),
    )


@router.post("/mail/unsubscribe", response_class=HTMLResponse)
def unsubscribe(request: Request, token: str = Token, session: Session = Depends(db_session)):
    if not request.app.state.notifier.unsubscribe(session, token):
        return _page(request, _("Link not valid"), _("This link is not valid."), status_code=400)
    return _page(
        request, _("Unsubscribed"), _("You will receive no more e-mail about your comments, and your address is deleted.")
    )
