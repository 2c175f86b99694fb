"""Readers on commentdesk's own pages: signing in with the publisher's token, a guest's
first-party cookie, and editing or deleting one's own comment without JavaScript.

Cookies (all HttpOnly, SameSite=Lax, this server only): `cd_reader` holds the reader session the
publisher's token was exchanged for; `cd_guest` a random token a guest ban covers; `cd_edit_ID` the
edit token of a comment posted from this browser, for as long as the comment may change.
"""

from __future__ import annotations

import secrets
from datetime import timedelta

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, Response
from sqlalchemy.orm import Session
from starlette.concurrency import run_in_threadpool

from commentdesk.api.deps import client_address, db_session
from commentdesk.bounds import id_from_text
from commentdesk.i18n import gettext as _
from commentdesk.moderation.policy import Policy
from commentdesk.services import own_comments, reader_identity, reading
from commentdesk.services.comment_input import PostingError
from commentdesk.services.posting import outcome_of
from commentdesk.store.models import Article, Comment, Site, utcnow
from commentdesk.web.reader_forms import back_to_article, form_token, not_found_page, outcome_message, token_matches
from commentdesk.web.templating import templates

router = APIRouter(include_in_schema=False)
READER_COOKIE = "cd_reader"
GUEST_COOKIE = "cd_guest"
EDIT_COOKIE = "cd_edit_"
GUEST_COOKIE_DAYS = 365


def _set_cookie(response: Response, request: Request, name: str, value: str, max_age: int) -> None:
    response.set_cookie(
        name, value, max_age=max_age, httponly=True, samesite="lax", secure=request.url.scheme == "https", path="/"
    )


def reader_of(request: Request, site: Site) -> reader_identity.Reader | None:
    return reader_identity.reader_from_session(request.app.state.secret, request.cookies.get(READER_COOKIE), site)


def guest_hash_of(request: Request) -> str | None:
    return reader_identity.guest_token_hash(request.app.state.secret, request.cookies.get(GUEST_COOKIE))


def keep_guest_cookie(request: Request, response: Response) -> None:
    """Give a guest their first-party token on their first page view (renewed on each one)."""
    token = request.cookies.get(GUEST_COOKIE)
    if not token or not reader_identity.GUEST_TOKEN.match(token):
        token = secrets.token_urlsafe(24)
    _set_cookie(response, request, GUEST_COOKIE, token, GUEST_COOKIE_DAYS * 86400)


def remember_edit_token(request: Request, response: Response, comment: Comment, token: str | None, window_minutes: int) -> None:
    if token and window_minutes:
        _set_cookie(response, request, f"{EDIT_COOKIE}{comment.id}", token, window_minutes * 60)


def _edit_token(request: Request, comment_id: int) -> str | None:
    return request.cookies.get(f"{EDIT_COOKIE}{comment_id}")


def _authorship(request: Request, comment: Comment) -> own_comments.Authorship:
    return own_comments.Authorship(reader=reader_of(request, comment.article.site), edit_token=_edit_token(request, comment.id))


def own_comment_ids(request: Request, session: Session, article: Article, comment_ids: list[int]) -> set[int]:
    """Which of the comments shown this reader may still change: by edit cookie, or as their account."""
    window = Policy.for_site(article.site.policy).edit_window_minutes
    if not window or not comment_ids:
        return set()
    since = utcnow() - timedelta(minutes=window)
    reader = reader_of(request, article.site)
    rows = reading.recent_authors(session, comment_ids, since)
    own = set()
    for comment_id, identity, is_account in rows:
        by_account = reader is not None and is_account and identity == reader.identity_hash
        if by_account or _edit_token(request, comment_id):
            own.add(comment_id)
    return own


def _comment_named(session: Session, comment_id: str):
    """The comment a page's address names; None for none, and for an id not written as the server
    writes it ("01", "1_0", one too large for the database)."""
    found = id_from_text(comment_id)
    return reading.comment(session, found) if found is not None else None


@router.get("/articles/{article_id}/sign-in")
def sign_in(request: Request, article_id: str, reader_token: str = "", session: Session = Depends(db_session)):
    """The publisher links here with a fresh token for its signed-in reader; the reader comes back signed in."""
    found = id_from_text(article_id)  # one article, one address: "01" or "1.0" names none
    article = reading.article(session, found) if found is not None else None
    if article is None:
        return not_found_page(request, _("There is no article at this address."))
    try:
        reader = reader_identity.verify_token(
            session, article.site, reader_token[: reader_identity.MAX_TOKEN_CHARS + 1], request.app.state.secret
        )
    except PostingError as error:
        return back_to_article(request, article.id, "error", _("You are not signed in: %(problem)s") % {"problem": error.message})
    response = back_to_article(request, article.id, "published", _("You are signed in as %(name)s.") % {"name": reader.name})
    max_age = max(1, int((reader.expires_at - utcnow()).total_seconds()))
    _set_cookie(response, request, READER_COOKIE, reader_identity.session_token(request.app.state.secret, reader), max_age)
    return response


@router.post("/articles/{article_id}/sign-out")
async def sign_out(request: Request, article_id: str, session: Session = Depends(db_session)):
    """Forget the reader's session in this browser (a shared computer); the publisher's own sign-in is theirs."""
    found = id_from_text(article_id)
    article = reading.article(session, found) if found is not None else None
    if article is None:
        return not_found_page(request, _("There is no article at this address."))
    data = await request.form()
    if not token_matches(request, str(data.get("token", "")), article.id):
        return back_to_article(request, article.id, "error", _("This form has expired. Please try again."))
    response = back_to_article(request, article.id, "published", _("You are signed out."))
    response.delete_cookie(READER_COOKIE, path="/", httponly=True, samesite="lax", secure=request.url.scheme == "https")
    return response


@router.get("/comments/{comment_id}/edit", response_class=HTMLResponse)
def edit_page(request: Request, comment_id: str, session: Session = Depends(db_session)):
    comment = _comment_named(session, comment_id)
    if comment is None:
        return not_found_page(request, _("That comment is not available."))
    try:
        own_comments.own_comment(session, comment.id, _authorship(request, comment))
    except PostingError as error:
        return back_to_article(request, comment.article_id, "error", error.message)
    return _edit_page(request, comment)


def _edit_page(
    request: Request, comment, *, errors: dict[str, str] | None = None, text: str | None = None, status_code: int = 200
):
    """The edit form, with the text the author sent and what was wrong with it when it is shown again."""
    context = {
        "comment": comment,
        "article": comment.article,
        "token": form_token(request, comment.article_id),
        "errors": errors or {},
    }
    if text is not None:
        context["text"] = text
    return templates.TemplateResponse(request, "edit_comment.html", context, status_code=status_code)


@router.post("/comments/{comment_id}/edit", response_class=HTMLResponse)
async def edit_form(request: Request, comment_id: str, session: Session = Depends(db_session)):
    comment = _comment_named(session, comment_id)
    if comment is None:
        return not_found_page(request, _("That comment is not available."))
    data = await request.form()
    text = str(data.get("text", ""))
    if not token_matches(request, str(data.get("token", "")), comment.article_id):
        return back_to_article(request, comment.article_id, "error", _("This form has expired. Please try again."))
    try:
        edited = await run_in_threadpool(
            own_comments.edit,
            request.app.state.poster,
            session,
            comment.id,
            text,
            _authorship(request, comment),
            client_address(request),
        )
    except PostingError as error:
        if error.field != "text":
            return back_to_article(request, comment.article_id, "error", error.message)
        return _edit_page(request, comment, errors={"text": error.message}, text=text, status_code=error.status)
    told = outcome_of(edited.comment, edited.decision)
    if told.outcome == "published":
        return back_to_article(request, comment.article_id, "published", _("Your comment is updated."), comment_id=comment.id)
    message = outcome_message(told.outcome, [words for _code, words in told.reasons], told.message)
    return back_to_article(
        request, comment.article_id, told.outcome, message.replace(_("Your comment"), _("Your edited comment"), 1)
    )


@router.post("/comments/{comment_id}/delete", response_class=HTMLResponse)
async def delete_form(request: Request, comment_id: str, session: Session = Depends(db_session)):
    comment = _comment_named(session, comment_id)
    if comment is None:
        return not_found_page(request, _("That comment is not available."))
    data = await request.form()
    if not token_matches(request, str(data.get("token", "")), comment.article_id):
        return back_to_article(request, comment.article_id, "error", _("This form has expired. Please try again."))
    try:
        own_comments.delete(session, comment.id, _authorship(request, comment))
    except PostingError as error:
        return back_to_article(request, comment.article_id, "error", error.message)
    response = back_to_article(request, comment.article_id, "published", _("Your comment is deleted."))
    response.delete_cookie(f"{EDIT_COOKIE}{comment_id}", path="/")
    return response
