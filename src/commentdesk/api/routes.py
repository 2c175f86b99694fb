"""The public HTTP API, version 1."""

from __future__ import annotations

import re
from datetime import timedelta
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Request, Response
from fastapi import Path as FastApiPath
from pydantic import BaseModel, ValidationError
from sqlalchemy.orm import Session
from starlette.concurrency import run_in_threadpool

from commentdesk.api import presenters
from commentdesk.api.cached_reads import API_PREFIX, article_by_url_key, thread_first_page_key
from commentdesk.api.deps import SessionReleasingRoute, calling_site, client_address, db_session
from commentdesk.api.errors import RETRY_AFTER_SECONDS, ApiError, invalid
from commentdesk.api.schemas import (
    ArticleIn,
    ArticleOut,
    CommentIn,
    CountsOut,
    CursorQueryOrNone,
    ErrorOut,
    NoticeIn,
    NoticeOut,
    NudgeOut,
    NudgeStatsOut,
    OutcomeOut,
    PathId,
    PolicyIn,
    PolicyOut,
    PostedOut,
    ReasonOut,
    RedressOut,
    RepliesOut,
    ReportIn,
    ReportOut,
    SiteQuery,
    StatementOut,
    ThreadOut,
    TokenQuery,
    UrlQuery,
)
from commentdesk.bounds import ID_PATTERN, MAX_ID
from commentdesk.i18n import gettext as _
from commentdesk.moderation.policy import Policy
from commentdesk.services import articles, notices, reader_identity, reading, reports, sites
from commentdesk.services.posting import Nudged, outcome_of, status_token, status_token_matches
from commentdesk.services.read_cache import Cached, cache_of, etag_of, json_response, revisions_of
from commentdesk.services.statements import Statement, statement_for
from commentdesk.store import repository as repo
from commentdesk.store.models import Article, CommentStatus, Site

router = APIRouter(prefix=API_PREFIX, route_class=SessionReleasingRoute)
ERRORS: dict[int | str, dict[str, Any]] = {
    status: {"model": ErrorOut, "description": text}
    for status, text in {
        400: "Malformed request",
        401: "Missing or wrong API key",
        403: "Not allowed (comments closed, commenter banned)",
        404: "Not found",
        413: "Request too large",
        422: "Invalid fields",
    }.items()
}
TOO_MANY: dict[int | str, dict[str, Any]] = {
    429: {
        "model": ErrorOut,
        "description": "Too many comments from this network address in the last minute",
        "headers": {
            "Retry-After": {
                "description": "Seconds to wait before posting again",
                "schema": {"type": "integer", "example": RETRY_AFTER_SECONDS},
            }
        },
    }
}
# Up to 200 ids, each within the database's integer range.
MAX_COUNT_IDS = 200
COUNT_IDS = rf"^ *({ID_PATTERN} *(, *{ID_PATTERN} *){{0,{MAX_COUNT_IDS - 1}}})?[ \n]*$"
# Room for the most ids at their longest, each with a comma and a space ("2147483647, "): any
# list the pattern allows, written the usual way, fits.
COUNT_IDS_MAX_CHARS = MAX_COUNT_IDS * (len(str(MAX_ID)) + len(", "))


def _article(session: Session, article_id: int, *, with_site: bool = False) -> Article:
    article = reading.article(session, article_id, with_site=with_site)
    if article is None:
        raise ApiError(404, "article_not_found", _("No article has id %(id)s.") % {"id": article_id})
    return article


@router.put(
    "/articles",
    response_model=ArticleOut,
    tags=["articles"],
    responses={**ERRORS, 200: {"description": "Updated"}, 201: {"model": ArticleOut, "description": "Registered"}},
    summary="Register or update an article (by URL) for the calling site",
)
def put_article(
    body: ArticleIn,
    request: Request,
    response: Response,
    site: Site = Depends(calling_site),
    session: Session = Depends(db_session),
):
    fields = body.model_dump(exclude={"url"})
    article, created = articles.register_article(session, site, str(body.url), fields)
    response.status_code = 201 if created else 200
    return presenters.article_out(article, request.app.state.notifier.enabled)


# The reads every page load makes are `async`: a cached answer is checked and sent on the event
# loop (services/read_cache.py), and only a miss takes a worker thread and a session.


@router.get(
    "/articles/lookup",
    response_model=ArticleOut,
    responses=ERRORS,
    tags=["articles"],
    summary="Find an article by site and URL (used by the embed script)",
)
async def lookup_article(
    request: Request,
    site: SiteQuery,
    url: UrlQuery,
):
    key = article_by_url_key(site, url)
    cached = cache_of(request).fresh(key)
    if cached is None:
        cached = await run_in_threadpool(_looked_up_article, request, key, site, url)
    return json_response(request, cached)


def _looked_up_article(request: Request, key: tuple, site: str, url: str) -> Cached:
    with request.app.state.sessions() as session:
        found_site = repo.site_by_slug(session, site)
        article = repo.article_by_url(session, found_site.id, url) if found_site else None
        if article is None:
            raise ApiError(404, "article_not_found", _("This page is not registered for comments."))
        return cache_of(request).put(key, _article_body(request, article), article.id, revisions_of(article))


@router.get("/articles/{article_id}", response_model=ArticleOut, responses=ERRORS, tags=["articles"])
async def get_article(request: Request, article_id: PathId):
    key = ("article", article_id)
    cached = cache_of(request).fresh(key, article_id)
    if cached is None:
        cached = await run_in_threadpool(_article_by_id, request, key, article_id)
    return json_response(request, cached)


def _article_by_id(request: Request, key: tuple, article_id: int) -> Cached:
    with request.app.state.sessions() as session:
        article = _article(session, article_id)
        return cache_of(request).put(key, _article_body(request, article), article.id, revisions_of(article))


def _article_body(request: Request, article: Article) -> bytes:
    return presenters.article_out(article, request.app.state.notifier.enabled).model_dump_json().encode()


@router.get(
    "/articles/{article_id}/comments",
    response_model=ThreadOut,
    responses=ERRORS,
    tags=["comments"],
    summary="A page of the thread: newest top-level comments with their replies",
)
async def read_thread(
    request: Request,
    article_id: PathId,
    cursor: CursorQueryOrNone = None,
    limit: int | None = Query(default=None, ge=1, le=repo.MAX_PAGE_SIZE),
):
    # Only the first page is kept: it is what every page load asks for.
    key = thread_first_page_key(article_id, limit) if cursor is None else None
    cached = cache_of(request).fresh(key, article_id) if key is not None else None
    if cached is None:
        cached = await run_in_threadpool(_thread_page, request, key, article_id, cursor, limit)
    return json_response(request, cached)


def _thread_page(request: Request, key: tuple | None, article_id: int, cursor: str | None, limit: int | None) -> Cached:
    with request.app.state.sessions() as session:
        article = _article(session, article_id)
        policy = Policy.for_site(article.site.policy)
        page_size = limit or policy.page_size
        page = repo.thread_page(session, article.id, cursor, page_size)
        closed = repo.comments_closed(article, policy.close_after_days)
        body = (
            ThreadOut(
                article=presenters.article_out(article, request.app.state.notifier.enabled),
                total=article.published_count,
                comments=presenters.thread_comments(page),
                next_cursor=page.next_cursor,
                page_size=page_size,
                comments_open=not closed,
            )
            .model_dump_json()
            .encode()
        )
        if key is None:
            return Cached(body, etag_of(body))
        closes_at = None if closed else repo.closing_time(article, policy.close_after_days)
        return cache_of(request).put(key, body, article.id, revisions_of(article), closes_at)


@router.get(
    "/comments/{comment_id}/replies",
    response_model=RepliesOut,
    responses=ERRORS,
    tags=["comments"],
    summary="More replies in one thread, oldest first",
)
def read_replies(
    comment_id: PathId,
    cursor: CursorQueryOrNone = None,
    limit: int = Query(default=repo.REPLIES_PER_THREAD, ge=1, le=repo.MAX_PAGE_SIZE),
    session: Session = Depends(db_session),
):
    root = reading.comment(session, comment_id)
    # A top-level comment taken out of view after it was answered still holds its replies (store.threads).
    shown = root is not None and (
        root.status == CommentStatus.PUBLISHED or (root.status in repo.OUT_OF_VIEW and root.reply_count > 0)
    )
    if root is None or not shown or root.depth != 0:
        raise ApiError(404, "comment_not_found", _("No published top-level comment has that id."))
    replies, next_cursor = repo.reply_page(session, root.id, cursor, limit)
    names = {reply.parent.id: repo.shown_author_name(reply.parent) for reply in replies if reply.parent is not None}
    return RepliesOut(replies=[presenters.comment_out(reply, names) for reply in replies], next_cursor=next_cursor)


@router.post(
    "/articles/{article_id}/comments",
    response_model=PostedOut | NudgeOut,
    status_code=201,
    responses={
        **ERRORS,
        **TOO_MANY,
        200: {"model": NudgeOut, "description": "Nudge: nothing stored; the author may edit and resend"},
    },
    tags=["comments"],
    summary="Post a comment or a reply; the answer says whether it was published, held or rejected",
)
def post_comment(article_id: PathId, body: CommentIn, request: Request, session: Session = Depends(db_session)):
    article = _article(session, article_id, with_site=True)
    secret = request.app.state.secret
    result = request.app.state.poster.post(
        session,
        article,
        author_name=body.author_name,
        author_email=body.author_email,
        text=body.text,
        parent_id=body.parent_id,
        client_address=client_address(request),
        nudge=body.nudge,
        nudge_token=body.nudge_token,
        notify=body.notify,
        reader=signed_in_reader(secret, body.reader_session, article.site),
        guest_token_hash=reader_identity.guest_token_hash(secret, body.guest_token),
    )
    if isinstance(result, Nudged):
        nudged = NudgeOut(
            message=result.message(),
            nudge_token=result.token,
            reasons=[ReasonOut(code=code, message=words) for code, words in result.decision.reader_reasons()],
        )
        return ready_json(nudged, 200)
    return ready_json(posted_out(session, result, request.app.state.secret), 201)


def ready_json(answer: BaseModel, status_code: int) -> Response:
    """An answer built from the checked models, sent as it is: FastAPI would validate it against
    the route's `response_model` again and serialise it, in one more trip to a worker thread."""
    return Response(answer.model_dump_json().encode(), status_code=status_code, media_type="application/json")


def signed_in_reader(secret: str, reader_session: str | None, site: Site):
    """The reader a session names; none when no session was sent; 401 for one that is no longer valid."""
    if not reader_session:
        return None
    reader = reader_identity.reader_from_session(secret, reader_session, site)
    if reader is None:
        raise ApiError(
            401,
            "reader_session_invalid",
            _("Your sign-in has expired; reload the page to sign in again."),
            {"reader_session": _("expired or not valid for this site")},
        )
    return reader


def posted_out(session: Session, posted, secret: str) -> PostedOut:
    comment = posted.comment
    told = outcome_of(comment, posted.decision)
    window = Policy.for_site(comment.article.site.policy).edit_window_minutes
    return PostedOut(
        outcome=told.outcome,
        message=told.message,
        reasons=[ReasonOut(code=code, message=words) for code, words in told.reasons],
        comment=presenters.comment_out(comment),
        outcome_url=f"{router.prefix}/comments/{comment.id}/outcome?token={status_token(secret, comment.id)}",
        statement=statement_out(
            statement_for(session, comment, show_detail=bool(posted.decision and posted.decision.reader_detail))
        ),
        edit_token=posted.edit_token if window else None,
        editable_until=comment.created_at + timedelta(minutes=window) if window else None,
    )


def statement_out(statement: Statement | None) -> StatementOut | None:
    if statement is None:
        return None
    return StatementOut(
        automated=statement.automated,
        decided_by=statement.decided_by,
        reasons=[ReasonOut(code=code, message=words) for code, words in statement.reasons],
        redress=RedressOut(text=statement.redress_text, url=statement.redress_url),
        issued_at=statement.issued_at,
    )


@router.get(
    "/comments/{comment_id}/outcome",
    response_model=OutcomeOut,
    responses=ERRORS,
    tags=["comments"],
    summary='The outcome of one\'s own comment, e.g. after "checking" (the URL comes with the answer to the post)',
)
def comment_outcome(comment_id: PathId, request: Request, token: TokenQuery, session: Session = Depends(db_session)):
    comment = reading.comment(session, comment_id)
    if comment is None or not status_token_matches(request.app.state.secret, comment_id, token):
        raise ApiError(404, "comment_not_found", _("No comment of yours has that id."))
    if comment.deleted_at is not None:
        # Deleted by its author: whatever was decided before, that is its outcome now.
        return OutcomeOut(outcome="deleted", message=_("Your comment is deleted."), reasons=[])
    policy = Policy.for_site(comment.article.site.policy)
    told = outcome_of(comment, show_detail=policy.show_scores_to_readers)
    return OutcomeOut(
        outcome=told.outcome,
        message=told.message,
        reasons=[ReasonOut(code=code, message=words) for code, words in told.reasons],
        comment=presenters.comment_out(comment) if comment.status == CommentStatus.PUBLISHED else None,
        statement=statement_out(statement_for(session, comment, show_detail=policy.show_scores_to_readers)),
    )


@router.post(
    "/comments/{comment_id}/reports",
    response_model=ReportOut,
    status_code=201,
    responses=ERRORS,
    tags=["comments"],
    summary="Report a comment to the moderators",
)
def report_comment(comment_id: PathId, body: ReportIn, request: Request, session: Session = Depends(db_session)):
    message = reports.report_comment(
        session, request.app.state.secret, comment_id, body.reason, body.note, client_address(request)
    )
    return ReportOut(received=True, message=message)


@router.post(
    "/comments/{comment_id}/notices",
    response_model=NoticeOut,
    status_code=201,
    responses=ERRORS,
    tags=["notices"],
    summary="Notify the site that a comment is illegal (EU Digital Services Act); the answer's reference tracks it",
)
def file_notice(comment_id: PathId, body: NoticeIn, request: Request, session: Session = Depends(db_session)):
    notice = notices.file_notice(
        session, request.app.state.secret, comment_id, notices.NoticeForm(**body.model_dump()), client_address(request)
    )
    return notice_out(request, notice)


@router.get(
    "/notices/{reference}",
    response_model=NoticeOut,
    responses=ERRORS,
    tags=["notices"],
    summary="Where a notice of illegal content stands, by its reference",
)
def notice_status(
    reference: Annotated[str, FastApiPath(pattern=notices.REFERENCE.pattern)],
    request: Request,
    session: Session = Depends(db_session),
):
    notice = notices.notice_by_reference(session, reference)
    if notice is None:
        raise ApiError(404, "notice_not_found", _("No notice has that reference."))
    return notice_out(request, notice)


def public_base(request: Request) -> str:
    """This server's address as readers reach it: the configured public URL behind a proxy."""
    return request.app.state.settings.public_base_url(str(request.base_url))


def notice_out(request: Request, notice) -> NoticeOut:
    return NoticeOut(
        reference=notice.reference,
        status=notice.status,
        # In the answer's language, as the notice's page and its refusals are.
        status_words=_(notices.STATUS_WORDS[notice.status]),
        ground=notice.ground,
        ground_words=_(notices.GROUNDS[notice.ground]) if notice.ground in notices.GROUNDS else notice.ground,
        comment_id=notice.comment_id,
        received_at=notice.received_at,
        decided_at=notice.decided_at,
        decision_explanation=notice.decision_explanation or "",
        status_url=public_base(request) + f"/notices/{notice.reference}",
    )


@router.get(
    "/counts",
    response_model=CountsOut,
    responses=ERRORS,
    tags=["comments"],
    summary="Published comment counts for many articles at once",
)
async def counts(
    request: Request,
    ids: str = Query(
        max_length=COUNT_IDS_MAX_CHARS,
        json_schema_extra={"pattern": COUNT_IDS},
        description=f"Comma-separated article ids (at most {MAX_COUNT_IDS}).",
    ),
):
    if not re.match(COUNT_IDS, ids):
        raise ApiError(
            400,
            "invalid_ids",
            _("ids must be at most %(most)s comma-separated whole numbers from 1 to %(largest)s.")
            % {"most": MAX_COUNT_IDS, "largest": MAX_ID},
            {"ids": _("not a list of ids")},
        )
    article_ids = [int(part) for part in ids.split(",") if part.strip()]
    if len(article_ids) > MAX_COUNT_IDS:
        raise ApiError(
            400, "too_many_ids", _("Ask for at most %(most)s articles at once.") % {"most": MAX_COUNT_IDS}, {"ids": _("too many")}
        )
    # The counts are stored per article and kept exact by every write (a cache kept by the
    # writers): one indexed read, on the event loop like a cache check when it can.
    cache = cache_of(request)
    rows = cache.read_on_loop(repo.PUBLISHED_COUNTS, {"ids": article_ids}) if article_ids else []
    found = dict(rows) if rows is not None else await run_in_threadpool(_published_counts, request, article_ids)
    body = CountsOut(counts={str(article_id): count for article_id, count in found.items()}).model_dump_json().encode()
    return json_response(request, Cached(body, etag_of(body)))


def _published_counts(request: Request, article_ids: list[int]) -> dict[int, int]:
    cache_of(request).connect()
    with request.app.state.sessions() as session:
        return repo.published_counts(session, article_ids)


@router.get("/policy", response_model=PolicyOut, responses=ERRORS, tags=["sites"], summary="The calling site's moderation policy")
def get_policy(site: Site = Depends(calling_site)):
    return PolicyOut(policy=Policy.for_site(site.policy))


@router.patch(
    "/policy", response_model=PolicyOut, responses=ERRORS, tags=["sites"], summary="Change some of the site's policy settings"
)
def patch_policy(body: PolicyIn, site: Site = Depends(calling_site), session: Session = Depends(db_session)):
    try:
        policy = sites.change_policy(session, site, body.model_dump(exclude_unset=True))
    except ValidationError as error:
        raise invalid(error, "invalid_policy", "The policy would not be valid with these changes; nothing was changed.") from None
    return PolicyOut(policy=policy)


@router.get(
    "/stats/nudges",
    response_model=NudgeStatsOut,
    responses=ERRORS,
    tags=["sites"],
    summary="How often a nudged author edited the comment, and how often the edit was published",
)
def nudge_stats(site: Site = Depends(calling_site), session: Session = Depends(db_session)):
    return NudgeStatsOut(**repo.nudge_stats(session, site.id))
