"""Workspace sign-in: signed session cookies, CSRF tokens, and the dependencies that check both.

The session cookie holds the user id, the session's CSRF token and a fingerprint of the
password hash, signed with the instance secret: changing a password or disabling the account
ends every session at once, and nothing needs storing on the server.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
import threading
import time
from collections import deque
from dataclasses import dataclass
from urllib.parse import quote

from fastapi import APIRouter, Depends, HTTPException, Request
from fastapi.responses import RedirectResponse, Response
from itsdangerous import BadSignature, URLSafeTimedSerializer
from sqlalchemy.orm import Session

from commentdesk.api.deps import db_session
from commentdesk.services import accounts
from commentdesk.services.accounts import Scope
from commentdesk.store.models import User
from commentdesk.web.moderate.templating import render

SESSION_COOKIE = "commentdesk_moderator"
LOGIN_COOKIE = "commentdesk_moderator_login"
SESSION_MAX_AGE = 12 * 3600
LOGIN_FORM_MAX_AGE = 3600
CSRF_HEADER = "X-CSRF-Token"
CSRF_FIELD = "csrf_token"

router = APIRouter()


class AddressThrottle:
    """Failed sign-ins per client address, across usernames: stops one address guessing many accounts.

    Kept in memory per process; the per-account lock in the database is the durable limit.
    """

    def __init__(self, limit: int = 20, window_s: float = 600) -> None:
        self.limit, self.window_s = limit, window_s
        self._failures: dict[str, deque[float]] = {}
        self._lock = threading.Lock()

    def _recent(self, address: str, now: float) -> deque[float]:
        times = self._failures.setdefault(address, deque())
        while times and times[0] < now - self.window_s:
            times.popleft()
        return times

    def blocked(self, address: str) -> bool:
        with self._lock:
            return len(self._recent(address, time.monotonic())) >= self.limit

    def failed(self, address: str) -> None:
        with self._lock:
            now = time.monotonic()
            self._recent(address, now).append(now)
            if len(self._failures) > 10_000:  # bound the memory an attacker can make us use
                self._failures = {key: value for key, value in self._failures.items() if value}


def _throttle(request: Request) -> AddressThrottle:
    throttle = getattr(request.app.state, "moderator_login_throttle", None)
    if throttle is None:
        throttle = request.app.state.moderator_login_throttle = AddressThrottle()
    return throttle


def _serializer(request: Request, purpose: str) -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(request.app.state.secret, salt=f"commentdesk.moderate.{purpose}")


def _fingerprint(user: User) -> str:
    return hashlib.sha256(user.password_hash.encode()).hexdigest()[:16]


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


def _signed_in(request: Request, session: Session) -> Moderator | None:
    raw = request.cookies.get(SESSION_COOKIE)
    if not raw:
        return None
    try:
        data = _serializer(request, "session").loads(raw, max_age=SESSION_MAX_AGE)
        user = session.get(User, int(data["u"]))
    except (BadSignature, KeyError, TypeError, ValueError):
        return None
    if user is None or user.disabled or not hmac.compare_digest(str(data.get("h", "")), _fingerprint(user)):
        return None
    return Moderator(user, str(data["c"]), session)


def _login_redirect(request: Request) -> HTTPException:
    target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
    return HTTPException(303, "Sign in first.", headers={"Location": f"/moderate/login?next={quote(target, safe='')}"})


def page_user(request: Request, session: Session = Depends(db_session)) -> Moderator:
    """For pages: the signed-in moderator, or a redirect to the sign-in page."""
    moderator = _signed_in(request, session)
    if moderator is None:
        raise _login_redirect(request)
    return moderator


def admin_user(moderator: Moderator = Depends(page_user)) -> Moderator:
    if not moderator.is_admin:
        raise HTTPException(403, "Only administrators can do this.")
    return moderator


def api_user(request: Request, session: Session = Depends(db_session)) -> Moderator:
    """For the JSON endpoints the workspace script calls: a session and a matching CSRF header."""
    moderator = _signed_in(request, session)
    if moderator is None:
        raise HTTPException(401, "Your session has ended; sign in again.")
    if not hmac.compare_digest(request.headers.get(CSRF_HEADER, ""), moderator.csrf):
        raise HTTPException(403, "The request lacks this session's CSRF token.")
    return moderator


async def form_user(request: Request, session: Session = Depends(db_session)) -> Moderator:
    """For HTML form posts: a session and the CSRF token in the form."""
    moderator = _signed_in(request, session)
    if moderator is None:
        raise _login_redirect(request)
    form = await request.form()
    if not hmac.compare_digest(str(form.get(CSRF_FIELD, "")), moderator.csrf):
        raise HTTPException(403, "The form lacks this session's CSRF token; reload the page and try again.")
    return moderator


def _safe_next(target: str | None) -> str:
    # Only paths inside the workspace: never an open redirect to another site.
    if target and target.startswith("/moderate") and not target.startswith("//"):
        return target
    return "/moderate/queue/held"


@router.get("/login")
def login_page(request: Request, next: str | None = None, session: Session = Depends(db_session)):
    if _signed_in(request, session) is not None:
        return RedirectResponse(_safe_next(next), status_code=303)
    return _login_form(request, next, error=None, status=200)


def _login_form(request: Request, next_path: str | None, error: str | None, status: int, username: str = "") -> Response:
    nonce = secrets.token_urlsafe(16)
    response = render(request, "moderate/login.html", {"next": _safe_next(next_path), "error": error, "username": username,
                                                         "login_token": nonce}, status_code=status)
    _set_cookie(response, request, LOGIN_COOKIE, _serializer(request, "login").dumps(nonce), LOGIN_FORM_MAX_AGE)
    return response


@router.post("/login")
async def login(request: Request, session: Session = Depends(db_session)):
    form = await request.form()
    next_path = str(form.get("next", ""))
    username = str(form.get("username", "")).strip()
    try:
        expected = _serializer(request, "login").loads(request.cookies.get(LOGIN_COOKIE, ""), max_age=LOGIN_FORM_MAX_AGE)
    except BadSignature:
        expected = None
    if not expected or not hmac.compare_digest(str(form.get(CSRF_FIELD, "")), str(expected)):
        return _login_form(request, next_path, "The sign-in form expired. Please try again.", 403, username)
    address = request.client.host if request.client else ""
    throttle = _throttle(request)
    if throttle.blocked(address):
        return _login_form(request, next_path, "Too many failed attempts from your network. Try again in a few minutes.", 429, username)
    try:
        user = accounts.authenticate(session, username, str(form.get("password", "")))
    except accounts.LoginRefused as refused:
        throttle.failed(address)
        status = 429 if refused.locked_until else 401
        return _login_form(request, next_path, refused.message, status, username)
    response = RedirectResponse(_safe_next(next_path), status_code=303)
    token = {"u": user.id, "c": secrets.token_urlsafe(24), "h": _fingerprint(user)}
    _set_cookie(response, request, SESSION_COOKIE, _serializer(request, "session").dumps(token), SESSION_MAX_AGE)
    response.delete_cookie(LOGIN_COOKIE, path="/moderate")
    return response


@router.post("/logout")
async def logout(moderator: Moderator = Depends(form_user)):
    response = RedirectResponse("/moderate/login", status_code=303)
    response.delete_cookie(SESSION_COOKIE, path="/moderate")
    return response
