"""The workspace's "not found" page, for anything not on the moderator's sites.

A page route looks its item up with `visible_to`, or raises `NotFoundInWorkspace` itself; the
handler `install` registers renders the one not-found page, with status 404, in the moderator's
language. Something on another site is answered exactly like something that does not exist.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from fastapi import Request
from sqlalchemy.orm import Session

from commentdesk.services import workspace
from commentdesk.services.accounts import Scope
from commentdesk.web.moderate.auth import Moderator
from commentdesk.web.moderate.templating import render

Item = TypeVar("Item")


class NotFoundInWorkspace(Exception):
    """No such `what` (a word marked with N_()) among the sites `moderator` moderates."""

    def __init__(self, moderator: Moderator, what: str) -> None:
        super().__init__(what)
        self.moderator = moderator
        self.what = what


def visible_to(moderator: Moderator, find: Callable[[Session, Scope, int], Item], item_id: int, what: str) -> Item:
    """`find(session, scope, item_id)` (a lookup that raises workspace.NotAllowed), or NotFoundInWorkspace."""
    try:
        return find(moderator.session, moderator.scope, item_id)
    except workspace.NotAllowed:
        raise NotFoundInWorkspace(moderator, what) from None


async def _not_found_page(request: Request, error: NotFoundInWorkspace):
    return render(request, "moderate/not_found.html", {"me": error.moderator, "what": error.what}, status_code=404)


def install(app) -> None:
    app.add_exception_handler(NotFoundInWorkspace, _not_found_page)
