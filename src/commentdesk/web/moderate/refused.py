"""The workspace's answer when a form or page is refused (a missing CSRF token, an ended
session, a ban length or action the form never offers, a page only administrators may open).

The workspace's pages and forms answer such a refusal as a page, in the moderator's language,
with the same status and the reason in words; its scripts (`/moderate/api/...`) and every other
path keep the JSON error body of `api/errors.py`. Redirects (sign in first) pass through as they are.
An address that names nothing (404) or a method it does not take (405) is answered as a page on
every path outside the API and the scripts (web/error_pages.py): the workspace's page under
`/moderate`, the reader pages' elsewhere.

An id in a workspace path that no database could hold (params.PathId) names nothing: it is
answered 404 like an id that does not exist, on a page or in the scripts' JSON.
"""

from __future__ import annotations

from fastapi import Request
from fastapi.exceptions import RequestValidationError
from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException as StarletteHTTPException

from commentdesk.api import errors
from commentdesk.i18n import N_
from commentdesk.i18n import gettext as _
from commentdesk.web import error_pages
from commentdesk.web.moderate import auth
from commentdesk.web.moderate.templating import render


def is_workspace_page(path: str, prefix: str) -> bool:
    """A path under the workspace's `prefix` that a person's browser opens or sends a form to,
    not one of the workspace's scripts (`<prefix>/api/...`)."""
    return (path == prefix or path.startswith(prefix + "/")) and not path.startswith(prefix + "/api/")


def _in_workspace(path: str, prefix: str) -> bool:
    return path == prefix or path.startswith(prefix + "/")


# What each of the workspace's path ids names, for the not-found page.
PATH_THINGS = {
    "comment_id": N_("comment"),
    "commenter_id": N_("commenter"),
    "notice_id": N_("notice"),
    "article_id": N_("article"),
    "user_id": N_("user"),
    "endpoint_id": N_("webhook"),
}


def _page(request: Request, name: str, context: dict, status: int):
    """A workspace page for `request`, with the signed-in moderator (if any) for its language and navigation."""
    with request.app.state.sessions() as session:
        me = auth.signed_in(request, session)
        return render(request, name, {**context, "me": me}, status_code=status)


def install(app, prefix: str) -> None:
    """Replaces the API's handlers for HTTP errors and invalid requests, which it calls for every
    path but the workspace's under `prefix` (the workspace router's)."""

    async def refused(request: Request, error: StarletteHTTPException):
        status, path = error.status_code, request.url.path
        router_answer = status in error_pages.ROUTER_ANSWERS and not error_pages.answers_in_json(path, prefix)
        if router_answer and not _in_workspace(path, prefix):
            return error_pages.reader_page(request, error)
        if not router_answer and (status < 400 or not is_workspace_page(path, prefix)):
            return await errors.http_error(request, error)
        context = {"message": errors.http_message(error), "status": status}
        if router_answer:
            context["heading"] = error_pages.heading_for(status)
        page = await run_in_threadpool(_page, request, "moderate/refused.html", context, status)
        page.headers.update(error_pages.headers_for(request, error))  # Retry-After, WWW-Authenticate, Allow
        return page

    async def invalid(request: Request, error: RequestValidationError):
        path = request.url.path
        in_path = [problem["loc"][1] for problem in error.errors() if tuple(problem.get("loc", ()))[:1] == ("path",)]
        if not in_path or not _in_workspace(path, prefix):
            return await errors.validation_error(request, error)
        what = PATH_THINGS.get(str(in_path[0]), N_("page"))
        if not is_workspace_page(path, prefix):
            return await errors.http_error(request, StarletteHTTPException(404, _("Not found: %(what)s.") % {"what": _(what)}))
        return await run_in_threadpool(_page, request, "moderate/not_found.html", {"what": what}, 404)

    app.add_exception_handler(StarletteHTTPException, refused)
    app.add_exception_handler(RequestValidationError, invalid)
