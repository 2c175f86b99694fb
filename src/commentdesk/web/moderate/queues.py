"""The queue pages and a single comment's page."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Request
from fastapi.responses import RedirectResponse

from commentdesk.i18n import N_
from commentdesk.services import accounts, workspace
from commentdesk.services import queues as queue_service
from commentdesk.web.moderate import words
from commentdesk.web.moderate.auth import Moderator, page_user
from commentdesk.web.moderate.cards import build_cards
from commentdesk.web.moderate.not_found import NotFoundInWorkspace, visible_to
from commentdesk.web.moderate.params import PathId, queue_filter
from commentdesk.web.moderate.templating import render

router = APIRouter()


@router.get("/")
def home():
    return RedirectResponse("/moderate/queue/held", status_code=303)


@router.get("/queue/{queue}")
def queue_page(queue: str, request: Request, moderator: Moderator = Depends(page_user)):
    if queue not in workspace.QUEUE_NAMES:
        raise NotFoundInWorkspace(moderator, N_("queue"))
    session, scope = moderator.session, moderator.scope
    filters = queue_filter(request.query_params)
    seen = workspace.newest_event_id(session)  # read before the cards: a decision after it is news
    comments = workspace.queue_comments(session, scope, queue, filters)
    article, commenter = queue_service.filter_subjects(session, filters)
    return render(
        request,
        "moderate/queue.html",
        {
            "me": moderator,
            "queue": queue,
            "heading": words.REJECTED_VIEWS[filters.rejected] if queue == "rejected" else words.QUEUES[queue],
            "counts": workspace.badge_counts(session, scope, filters),
            "cards": build_cards(session, comments),
            "filters": filters,
            "filter_params": filters.as_params(),
            "script_filters": _with_seen(filters.as_params(), seen),
            "sites": accounts.visible_sites(session, scope),
            "article": article if article and scope.allows(article.site_id) else None,
            "commenter": commenter if commenter and scope.allows(commenter.site_id) else None,
            "page_size": workspace.PAGE_SIZE,
        },
    )


@router.get("/comments/{comment_id}")
def comment_page(comment_id: PathId, request: Request, moderator: Moderator = Depends(page_user)):
    seen = workspace.newest_event_id(moderator.session)
    comment = visible_to(moderator, workspace.visible_comment, comment_id, N_("comment"))
    return render(
        request,
        "moderate/comment.html",
        {
            "me": moderator,
            "item": build_cards(moderator.session, [comment])[0],
            "queue": None,
            "seen": seen,
            "script_filters": _with_seen({}, seen),
        },
    )


def _with_seen(params: dict, seen: int) -> dict:
    """The filters the script sends back with each decision, with the newest event the page showed."""
    return {**params, "seen": str(seen)} if seen else params
