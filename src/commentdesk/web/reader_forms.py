"""What the reader pages' no-JavaScript forms share: the signed form token (the form came from this
server's page for that article), the notice shown after a post-redirect, the reader's message after
posting, the way back to the article, and the not-found page."""

from __future__ import annotations

from urllib.parse import urlencode

from fastapi import Request
from fastapi.responses import HTMLResponse, RedirectResponse
from itsdangerous import BadSignature, URLSafeTimedSerializer

from commentdesk.i18n import gettext as _
from commentdesk.i18n import request_language
from commentdesk.web.templating import templates

FORM_TOKEN_MAX_AGE = 2 * 86400  # a reader may leave a tab open for a day before posting
NOTICE_MAX_AGE = 600
STATUS_ANCHOR = "cd-status"


# --- signed values: form tokens and post-redirect notices -------------------------------------


def _signer(request: Request, purpose: str) -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(request.app.state.secret, salt=f"commentdesk.reader.{purpose}")


def form_token(request: Request, article_id: int) -> str:
    """A token proving the form came from this server's page for this article (not a blind cross-site post)."""
    return _signer(request, "form").dumps(article_id)


def token_matches(request: Request, token: str, article_id: int) -> bool:
    try:
        return _signer(request, "form").loads(token, max_age=FORM_TOKEN_MAX_AGE) == article_id
    except BadSignature:
        return False


def notice_param(request: Request, kind: str, message: str, comment_id: int | None = None, link: str | None = None) -> str:
    return _signer(request, "notice").dumps([kind, message, comment_id, link])


def read_notice(request: Request, value: str | None) -> dict | None:
    """The outcome message shown after a no-JavaScript post, and the comment it is about (if any)."""
    if not value:
        return None
    try:
        kind, message, comment_id, *rest = _signer(request, "notice").loads(value, max_age=NOTICE_MAX_AGE)
    except (BadSignature, ValueError, TypeError):
        return None
    # `link`: where to appeal, with a rejection's statement of reasons.
    link = rest[0] if rest and isinstance(rest[0], str) else None
    return {"kind": kind, "message": message, "comment_id": comment_id if isinstance(comment_id, int) else None, "link": link}


def outcome_message(outcome: str, reasons: list[str], fallback: str) -> str:
    """The reader's message after posting; the embed words it the same way (web/embed/messages.js)."""
    detail = " ".join(reason for reason in reasons if reason)
    if outcome == "published":
        return _("Your comment is published.")
    if outcome == "checking":
        return fallback
    if outcome == "held":
        return _("Your comment is held for review: %(reasons)s") % {"reasons": detail} if detail else fallback
    return _("Your comment was not published: %(reasons)s") % {"reasons": detail} if detail else fallback


def not_found_page(request: Request, message: str) -> HTMLResponse:
    return templates.TemplateResponse(request, "not_found.html", {"message": message}, status_code=404)


def back_to_article(
    request: Request,
    article_id: int,
    kind: str,
    message: str,
    *,
    comment_id: int | None = None,
    cursor: str | None = None,
    link: str | None = None,
) -> RedirectResponse:
    """Back to the article page (the same page of comments), scrolled to the outcome message itself."""
    params = {"notice": notice_param(request, kind, message, comment_id, link)}
    if cursor and len(cursor) <= 200:
        params["cursor"] = cursor
    chosen = request_language.explicit_choice(request)
    if chosen:  # the reader's chosen language, kept across the form
        params["lang"] = chosen
    return RedirectResponse(f"/articles/{article_id}?{urlencode(params)}#{STATUS_ANCHOR}", status_code=303)
