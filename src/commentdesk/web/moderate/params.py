"""Ids in the workspace's requests, bounded to what the databases store (bounds.py).

Every id a moderator's browser or the workspace's script sends is one of:
- a path id (`PathId`): beyond the bound it names nothing, so refused.py answers 404 (the
  not-found page, or the scripts' JSON), as for an id that does not exist;
- an id in a query string, a form or the scripts' JSON filters (`id_param`, `queue_filter`):
  anything but a whole number from 1 to MAX_ID is refused with 422 before anything is read or
  written;
- a JSON id (`DbId` in the scripts' bodies): refused with 422 by the body's model.
"""

from __future__ import annotations

from collections.abc import Mapping

from fastapi import HTTPException

from commentdesk.api.schemas import PathId
from commentdesk.bounds import MAX_ID, DbId, id_from_text
from commentdesk.i18n import gettext as _
from commentdesk.services import workspace
from commentdesk.services.workspace import QueueFilter

__all__ = ["DbId", "PathId", "id_param", "queue_filter"]


def id_param(value: str | None, name: str) -> int | None:
    """The id in a query or form field `name`; None when not given; 422 when it is not an id."""
    if value is None or value == "":
        return None
    found = id_from_text(value.strip())
    if found is None:
        raise HTTPException(
            422, _("“%(name)s” must be an id: a whole number from 1 to %(most)s.") % {"name": name, "most": MAX_ID}
        )
    return found


def queue_filter(params: Mapping[str, str]) -> QueueFilter:
    """A queue's filters from a page's query string or the script's copy of them."""
    reason = params.get("reason") or None
    return QueueFilter(
        site_id=id_param(params.get("site"), "site"),
        article_id=id_param(params.get("article"), "article"),
        reason=reason[:64] if reason else None,
        commenter_id=id_param(params.get("commenter"), "commenter"),
        rejected=params.get("rejected") or workspace.DEFAULT_REJECTED_VIEW,
    )
