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


def is_workspace_page(path: str, prefix: str) -> bool:
    """A path under the workspace's `prefix` that a person's browser opens or sends a form to,
    not one of the workspace's scripts (`<prefix>/api/...`)."""
    return (path == prefix or path.startswith(prefix + "/")) and not path.startswith(prefix + "/api/")


# No such path (404) and a method the path does not take (405) are the router's answers, not a
# refusal of what the moderator asked; they keep the API's body (with its Allow header).
ROUTER_ANSWERS = {404, 405}


def install(app, prefix: str) -> None:
    """Replaces the API's handler for HTTP errors, which it calls for every path but the
    workspace's pages under `prefix` (the workspace router's)."""

    async def refused(request: Request, error: StarletteHTTPException):
        status = error.status_code
        if status < 400 or status in ROUTER_ANSWERS or not is_workspace_page(request.url.path, prefix):
            return await errors.http_error(request, error)
        page = render(request, "moderate/refused.html", {"message": str(error.detail), "status": status}, status_code=status)
        page.headers.update(getattr(error, "headers", None) or {})  # Retry-After, WWW-Authenticate
        return page

    app.add_exception_handler(StarletteHTTPException, refused)
