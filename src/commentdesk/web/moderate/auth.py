"""Workspace sign-in: server-side sessions, CSRF tokens, and the dependencies that check both.

The session cookie holds a random token; the server keeps only its hash, with the user, the
session's CSRF token and a fingerprint of the password hash (store: moderator_sessions).
Signing out deletes the row, so a cookie copied before stops working at once; changing a
password or disabling the account ends every session too.

Failed sign-ins are limited twice, and both limits are kept in the database, so they hold across
server processes:
- per attempted username, whether or not the account exists: the fifth miss locks that name
  for a while, and the answers (401, then 429) are the same for every name, so they tell
  nothing about which accounts exist;
- per client address, across usernames: past `ADDRESS_LIMIT` misses in `ADDRESS_WINDOW`, the
  address may not try new names. A browser that has signed in before as that user carries a
  signed device cookie and is not held back, so colleagues behind the same office address keep
  working while someone there guesses passwords.
"""

from __future__ import annotations

import hmac
import re
import secrets
from dataclasses import dataclass
from datetime import datetime
from urllib.parse import quote, urlsplit

from fastapi import APIRouter, Depends, HTTPException, Request
from fastapi.responses import RedirectResponse, Response
from itsdangerous import BadSignature, URLSafeTimedSerializer
from sqlalchemy.orm import Session
from starlette.routing import Match

from commentdesk.api.deps import db_session
from commentdesk.bounds import has_unstorable_text
from commentdesk.i18n import N_, ngettext
from commentdesk.i18n import gettext as _
from commentdesk.services import accounts
from commentdesk.services import moderator_sign_in as sign_in
from commentdesk.services.accounts import Scope
from commentdesk.services.moderator_sign_in import (  # noqa: F401
    ADDRESS_LIMIT,
    ADDRESS_WINDOW,
    SESSION_MAX_AGE,
)
from commentdesk.store.models import (
    User,
    utcnow,
)
from commentdesk.web.moderate.templating import choose_language, render

SESSION_COOKIE = "commentdesk_moderator"
LOGIN_COOKIE = "commentdesk_moderator_login"
DEVICE_COOKIE = "commentdesk_moderator_device"
LOGIN_FORM_MAX_AGE = 3600
DEVICE_MAX_AGE = 180 * 24 * 3600
CSRF_HEADER = "X-CSRF-Token"
CSRF_FIELD = "csrf_token"
WRONG = N_("Wrong username or password.")  # translated where shown (login.html)

router = APIRouter()


def _name_hash(request: Request, username: str) -> str:
    return sign_in.name_hash(request.app.state.secret, username)


def _address_hash(request: Request) -> str:
    address = request.client.host if request.client else ""
    return sign_in.address_hash(request.app.state.secret, address)


def _lock_message(until: datetime, now: datetime) -> str:
    minutes = max(1, round((until - now).total_seconds() / 60))
    return ngettext(
        "Too many failed attempts. Try again in %(num)s minute.",
        "Too many failed attempts. Try again in %(num)s minutes.",
        minutes,
    ) % {"num": minutes}


def _trusted_device(request: Request, name_hash: str) -> bool:
    """Whether this browser signed in as this user before (a signed cookie set at that sign-in)."""
    try:
        remembered = _serializer(request, "device").loads(request.cookies.get(DEVICE_COOKIE, ""), max_age=DEVICE_MAX_AGE)
    except BadSignature:
        return False
    return isinstance(remembered, list) and name_hash in remembered


def _serializer(request: Request, purpose: str) -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(request.app.state.secret, salt=f"commentdesk.moderate.{purpose}")


def _secure(request: Request) -> bool:
    return request.url.scheme == "https"


def _set_cookie(response: Response, request: Request, name: str, value: str, max_age: int) -> None:
    response.set_cookie(name, value, max_age=max_age, httponly=True, samesite="lax", secure=_secure(request), path="/moderate")


@dataclass
class Moderator:
    """The signed-in user for one request, with the CSRF token their forms must carry."""

    user: User
    csrf: str
    session: Session

    @property
    def scope(self) -> Scope:
        return Scope.of(self.user)

    @property
    def is_admin(self) -> bool:
        return self.user.role == "admin"


def signed_in(request: Request, session: Session) -> Moderator | None:
    token = request.cookies.get(SESSION_COOKIE)
    if not token or len(token) > 200:
        return None
    found = sign_in.signed_in(session, token)
    if found is None:
        return None
    user, csrf = found
    moderator = Moderator(user, csrf, session)
    # The rest of the request, its refusals too, in the moderator's own language.
    choose_language(request, moderator)
    return moderator


def _login_redirect(request: Request) -> HTTPException:
    target = _page_to_return_to(request)
    return HTTPException(303, _("Sign in first."), headers={"Location": f"/moderate/login?next={quote(target, safe='')}"})


# A form's own page: the comment, commenter or notice whose form was sent (POST-only paths below it).
_FORM_OWNER = re.compile(r"^(/moderate/(?:comments|commenters|notices)/[0-9]+)/[a-z]+$")
HOME = "/moderate/queue/held"


def _answers_get(request: Request, path: str) -> bool:
    scope = {**request.scope, "path": path, "method": "GET"}
    return any(route.matches(scope)[0] == Match.FULL for route in request.app.router.routes)


def _page_for(request: Request, target: str) -> str | None:
    """`target` (a path and query) if it is a workspace page a browser can open; for a form's
    path (which answers POST only), the page of what the form is about; else None. Only paths
    inside the workspace: never a redirect to another site."""
    path = urlsplit(target).path
    if not path.startswith("/moderate/") or path.startswith("/moderate/api/") or not target.startswith("/moderate/"):
        return None
    if _answers_get(request, path):
        return target
    owner = _FORM_OWNER.match(path)
    return owner.group(1) if owner else None


def _page_to_return_to(request: Request) -> str:
    """Where sign-in sends the moderator back to: the page asked for, or for a form the
    workspace page it was sent from (its Referer, same origin), else the page of what it was about."""
    if request.method in ("GET", "HEAD"):
        return request.url.path + (f"?{request.url.query}" if request.url.query else "")
    referer = urlsplit(request.headers.get("referer", ""))
    if (referer.scheme, referer.netloc) == (request.url.scheme, request.url.netloc):
        page = _page_for(request, referer.path + (f"?{referer.query}" if referer.query else ""))
        if page:
            return page
    return _page_for(request, request.url.path) or HOME


# The dependencies are coroutines so that the language signed_in chooses holds for the handler
# too (a handler's thread starts from the request task's context, not from another thread's).
async def page_user(request: Request, session: Session = Depends(db_session)) -> Moderator:
    """For pages: the signed-in moderator, or a redirect to the sign-in page."""
    moderator = signed_in(request, session)
    if moderator is None:
        raise _login_redirect(request)
    return moderator


async def admin_user(moderator: Moderator = Depends(page_user)) -> Moderator:
    if not moderator.is_admin:
        raise HTTPException(403, _("Only administrators can do this."))
    return moderator


async def api_user(request: Request, session: Session = Depends(db_session)) -> Moderator:
    """For the JSON endpoints the workspace script calls: a session and a matching CSRF header."""
    moderator = signed_in(request, session)
    if moderator is None:
        raise HTTPException(401, _("Your session has ended; sign in again."))
    if not hmac.compare_digest(request.headers.get(CSRF_HEADER, ""), moderator.csrf):
        raise HTTPException(403, _("The request lacks this session's CSRF token."))
    return moderator


async def form_user(request: Request, session: Session = Depends(db_session)) -> Moderator:
    """For HTML form posts: a session and the CSRF token in the form."""
    moderator = signed_in(request, session)
    if moderator is None:
        raise _login_redirect(request)
    form = await request.form()
    if not hmac.compare_digest(str(form.get(CSRF_FIELD, "")), moderator.csrf):
        raise HTTPException(403, _("The form lacks this session's CSRF token; reload the page and try again."))
    return moderator


def safe_next(request: Request, target: str | None) -> str:
    """The workspace page to go on to after `target` was asked for (see _page_for)."""
    return (_page_for(request, target) if target else None) or HOME


@router.get("/login")
def login_page(request: Request, next: str | None = None, session: Session = Depends(db_session)):
    if signed_in(request, session) is not None:
        return RedirectResponse(safe_next(request, next), status_code=303)
    return _login_form(request, next, error=None, status=200)


def _login_form(request: Request, next_path: str | None, error: str | None, status: int, username: str = "") -> Response:
    nonce = secrets.token_urlsafe(16)
    response = render(
        request,
        "moderate/login.html",
        {"next": safe_next(request, next_path), "error": error, "username": username, "login_token": nonce},
        status_code=status,
    )
    _set_cookie(response, request, LOGIN_COOKIE, _serializer(request, "login").dumps(nonce), LOGIN_FORM_MAX_AGE)
    return response


@router.post("/login")
async def login(request: Request, session: Session = Depends(db_session)):
    form = await request.form()
    next_path = str(form.get("next", ""))
    username = str(form.get("username", "")).strip()
    password = str(form.get("password", ""))
    try:
        expected = _serializer(request, "login").loads(request.cookies.get(LOGIN_COOKIE, ""), max_age=LOGIN_FORM_MAX_AGE)
    except BadSignature:
        expected = None
    if not expected or not hmac.compare_digest(str(form.get(CSRF_FIELD, "")), str(expected)):
        return _login_form(request, next_path, N_("The sign-in form expired. Please try again."), 403, username)
    if has_unstorable_text(username) or has_unstorable_text(password) or len(username) > 200:
        return _login_form(request, next_path, WRONG, 401, "")
    now = utcnow()
    name_hash, address_hash = _name_hash(request, username), _address_hash(request)
    if not _trusted_device(request, name_hash) and sign_in.address_blocked(session, address_hash, now):
        return _login_form(
            request, next_path, N_("Too many failed attempts from your network. Try again in a few minutes."), 429, username
        )
    if (locked_until := sign_in.name_locked_until(session, name_hash, now)) is not None:
        return _login_form(request, next_path, _lock_message(locked_until, now), 429, username)
    try:
        user = accounts.authenticate(session, username, password)
    except accounts.LoginRefused as refused:
        if refused.message != WRONG and refused.locked_until is None:  # a disabled account, with the right password
            return _login_form(request, next_path, refused.message, 401, username)
        locked_until = sign_in.record_failure(session, name_hash, address_hash, now)
        if locked_until is None and refused.locked_until is not None and refused.locked_until > now:
            locked_until = refused.locked_until  # an account lock from before names were locked alike
        if locked_until is not None:
            return _login_form(request, next_path, _lock_message(locked_until, now), 429, username)
        return _login_form(request, next_path, WRONG, 401, username)
    token = sign_in.start_session(session, user, name_hash)
    response = RedirectResponse(safe_next(request, next_path), status_code=303)
    _set_cookie(response, request, SESSION_COOKIE, token, SESSION_MAX_AGE)
    _set_cookie(
        response,
        request,
        DEVICE_COOKIE,
        _serializer(request, "device").dumps(_remembered_names(request, name_hash)),
        DEVICE_MAX_AGE,
    )
    response.delete_cookie(LOGIN_COOKIE, path="/moderate")
    return response


def _remembered_names(request: Request, name_hash: str) -> list[str]:
    try:
        names = _serializer(request, "device").loads(request.cookies.get(DEVICE_COOKIE, ""), max_age=DEVICE_MAX_AGE)
    except BadSignature:
        names = []
    names = [name for name in names if isinstance(name, str) and name != name_hash] if isinstance(names, list) else []
    return [name_hash, *names][:5]


@router.post("/logout")
async def logout(request: Request, moderator: Moderator = Depends(form_user), session: Session = Depends(db_session)):
    token = request.cookies.get(SESSION_COOKIE, "")
    sign_in.end_session(session, token)
    response = RedirectResponse("/moderate/login", status_code=303)
    response.delete_cookie(SESSION_COOKIE, path="/moderate")
    return response
