"""The router's own answers as a page for a person's browser: an address that names nothing (404)
and a method the address does not take (405), outside the API.

A reader or a moderator who mistypes an address reads a short page in their language, with a way
back; the API (`/api/...`) and the workspace's scripts (`/moderate/api/...`) keep the JSON body of
api/errors.py, since programs read those. web/moderate/refused.py decides which path gets which.
"""

from __future__ import annotations

from fastapi import Request
from fastapi.responses import HTMLResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

from commentdesk.api import errors
from commentdesk.i18n import gettext as _
from commentdesk.web.templating import render

ROUTER_ANSWERS = {404, 405}
API_PREFIX = "/api"


def answers_in_json(path: str, workspace_prefix: str) -> bool:
    """Paths read by programs: the public API and the workspace's scripts."""
    return any(path == prefix or path.startswith(prefix + "/") for prefix in (API_PREFIX, workspace_prefix + API_PREFIX))


def headers_for(request: Request, error: StarletteHTTPException) -> dict[str, str]:
    headers = dict(getattr(error, "headers", None) or {})
    if error.status_code == 405:  # the status requires it, on a page too
        headers["Allow"] = ", ".join(errors.allowed_methods(request))
    return headers


def heading_for(status: int) -> str:
    return _("Not found") if status == 404 else _("Not done")


def reader_page(request: Request, error: StarletteHTTPException) -> HTMLResponse:
    """The reader pages' own look, with the link back to the articles."""
    context = {"message": errors.http_message(error), "heading": heading_for(error.status_code)}
    page = render(request, "not_found.html", context, status_code=error.status_code)
    page.headers.update(headers_for(request, error))
    return page
