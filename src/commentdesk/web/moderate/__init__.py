"""The moderator workspace under /moderate: queues, decisions, commenters, audit log, dashboard, accounts, webhooks."""

from __future__ import annotations

from fastapi import APIRouter

from commentdesk.web.moderate import (
    actions,
    audit,
    auth,
    commenters,
    dashboard,
    notices,
    preferences,
    queues,
    users,
    webhooks,
)

router = APIRouter(prefix="/moderate", include_in_schema=False)
for part in (auth, preferences, queues, actions, commenters, audit, dashboard, notices, users, webhooks):
    router.include_router(part.router)
# "/moderate" itself (a sub-router cannot declare the bare prefix).
router.add_api_route("", queues.home, methods=["GET"])

__all__ = ["router"]
