"""The workspace's answer when a form or page is refused (a missing CSRF token, an ended
session, a ban length or action the form never offers, a page only administrators may open).

The workspace's pages and forms answer such a refusal as a page, in the moderator's language,
with the same status and the reason in words; its scripts (`/moderate/api/...`) and every other
path keep the JSON error body of `api/errors.py`. Redirects (sign in first) pass through as they are.
"""

from __future__ import annotations

from fastapi import Request
from starlette.exceptions import HTTPException as StarletteHTTPException

from commentdesk.api import errors
from commentdesk.web.moderate.templating import render

WORKSPACE = "/moderate"
WORKSPACE_SCRIPTS = "/moderate/api/"


def is_workspace_page(path: str) -> bool:
    """A path a person's browser opens or sends a form to, not one of the workspace's scripts."""
    return (path == WORKSPACE or path.startswith(WORKSPACE + "/")) and not path.startswith(WORKSPACE_SCRIPTS)


# No such path (404) and a method the path does not take (405) are the router's answers, not a
# refusal of what the moderator asked; they keep the API's body (with its Allow header).
ROUTER_ANSWERS = {404, 405}


async def _refused(request: Request, error: StarletteHTTPException):
    status = error.status_code
    if status < 400 or status in ROUTER_ANSWERS or not is_workspace_page(request.url.path):
        return await errors.http_error(request, error)
    page = render(request, "moderate/refused.html", {"message": str(error.detail), "status": status}, status_code=status)
    page.headers.update(getattr(error, "headers", None) or {})  # Retry-After, WWW-Authenticate
    return page


def install(app) -> None:
    """Replaces the API's handler for HTTP errors, which it calls for every other path."""
    app.add_exception_handler(StarletteHTTPException, _refused)
