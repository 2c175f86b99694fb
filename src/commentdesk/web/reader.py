"""Reader pages: home, article with its comment section, Comments FAQ, and the no-JavaScript forms.

Every page is complete without JavaScript; embed.js enhances the same markup in place. Comments
are shaped by the API presenters, so the HTML and the JSON API always show the same thread.
"""

from __future__ import annotations

import re
from urllib.parse import urlencode

import nh3
from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse
from markdown_it import MarkdownIt
from sqlalchemy.orm import Session
from starlette.concurrency import run_in_threadpool

from commentdesk.api import presenters
from commentdesk.api.deps import client_address, db_session
from commentdesk.bounds import id_from_text
from commentdesk.i18n import N_, request_language
from commentdesk.i18n import gettext as _
from commentdesk.moderation.policy import Policy
from commentdesk.services import reading, reports
from commentdesk.services.comment_input import PostingError
from commentdesk.services.posting import accepts_replies, outcome_of
from commentdesk.services.reports import REPORT_REASONS
from commentdesk.services.statements import statement_for
from commentdesk.store import repository as repo
from commentdesk.store.models import Article, Comment
from commentdesk.store.repository import InvalidCursor
from commentdesk.web import reader_accounts
from commentdesk.web.reader_forms import (
    back_to_article,
    form_token,
    not_found_page,
    outcome_message,
    read_notice,
    token_matches,
)
from commentdesk.web.templating import templates

router = APIRouter(include_in_schema=False)

MODERATION_NOTICE = N_("Comments are moderated and generally will be posted if they are on-topic and not abusive.")
# The id of the section's outcome message: a no-JavaScript post lands there, so it is in view.
templates.env.globals.update(MODERATION_NOTICE=MODERATION_NOTICE, REPORT_REASONS=REPORT_REASONS)


# --- helpers --------------------------------------------------------------------------------


def _paragraphs(body: str) -> list[str]:
    """Article text to paragraphs: blank lines separate them; single line breaks do when there are none."""
    parts = [part.strip() for part in re.split(r"\n\s*\n", body or "") if part.strip()]
    if len(parts) == 1 and "\n" in parts[0]:
        parts = [line.strip() for line in parts[0].splitlines() if line.strip()]
    return parts


def _article_named(session: Session, article_id: str) -> Article | None:
    """The article a page's address names; None for none, and for an id not written as the
    server writes it ("01", "1.0"): one article, one address, and a 404 page for the rest."""
    found = id_from_text(article_id)
    return reading.article(session, found) if found is not None else None


def _reply_target(session: Session, article: Article, comment_id: int | None) -> Comment | None:
    if comment_id is None:
        return None
    comment = reading.comment(session, comment_id)
    return comment if comment is not None and accepts_replies(comment, article) else None


def _int_or_none(value) -> int | None:
    try:
        return int(value) if value not in (None, "") else None
    except (TypeError, ValueError):
        return None


def _render_article(
    request: Request,
    session: Session,
    article: Article,
    *,
    cursor: str | None = None,
    reply_to: Comment | None = None,
    form: dict | None = None,
    errors: dict | None = None,
    notice: dict | None = None,
    status_code: int = 200,
) -> HTMLResponse:
    request_language.for_site(request, article.site.language)
    policy = Policy.for_site(article.site.policy)
    try:
        page = repo.thread_page(session, article.id, cursor, policy.page_size)
    except InvalidCursor:  # a stale or edited link: show the first page rather than an error
        cursor = None
        page = repo.thread_page(session, article.id, None, policy.page_size)
    comments = presenters.thread_comments(page)
    reader = reader_accounts.reader_of(request, article.site)
    shown_ids = [c.id for c in comments] + [reply.id for c in comments for reply in c.replies]
    if notice and notice.get("comment_id"):
        # The notice links to the comment it is about only when that comment is on this page.
        shown = {c.id for c in comments} | {reply.id for c in comments for reply in c.replies}
        notice = {**notice, "comment_shown": notice["comment_id"] in shown}
    context = {
        "article": article,
        "site": article.site,
        "paragraphs": _paragraphs(article.body),
        "comments": comments,
        "cursor": cursor,
        "next_cursor": page.next_cursor,
        "is_later_page": bool(cursor),
        "comments_open": not repo.comments_closed(article, policy.close_after_days),
        "token": form_token(request, article.id),
        "reply_to": reply_to,
        "form": form or {},
        "errors": errors or {},
        "email_notifications": request.app.state.notifier.enabled,
        "notice": notice,
        "faq_url": "/faq?" + urlencode({"site": article.site.slug}),
        "canonical_url": _public_url(request, f"/articles/{article.id}"),
        "reader": reader,
        "reader_session": request.cookies.get(reader_accounts.READER_COOKIE) if reader else None,
        "own_ids": reader_accounts.own_comment_ids(request, session, article, shown_ids),
    }
    response = templates.TemplateResponse(request, "article.html", context, status_code=status_code)
    if reader is None:
        reader_accounts.keep_guest_cookie(request, response)
    return response


def _public_url(request: Request, path: str) -> str:
    """An absolute address, from the configured public URL when there is one (behind a proxy)."""
    return request.app.state.settings.public_base_url(str(request.base_url)) + path


# --- pages ----------------------------------------------------------------------------------


@router.get("/", response_class=HTMLResponse)
def home(request: Request, session: Session = Depends(db_session)):
    articles = reading.front_page_articles(session)
    return templates.TemplateResponse(request, "home.html", {"articles": articles})


@router.get("/articles/{article_id}", response_class=HTMLResponse)
def article_page(
    request: Request,
    article_id: str,
    cursor: str | None = None,
    reply_to: str | None = None,
    notice: str | None = None,
    session: Session = Depends(db_session),
):
    article = _article_named(session, article_id)
    if article is None:
        return not_found_page(request, _("There is no article at this address."))
    return _render_article(
        request,
        session,
        article,
        cursor=cursor if cursor and len(cursor) <= 200 else None,
        reply_to=_reply_target(session, article, _int_or_none(reply_to)),
        notice=read_notice(request, notice),
    )


@router.post("/articles/{article_id}/comments", response_class=HTMLResponse)
async def post_comment_form(request: Request, article_id: str, session: Session = Depends(db_session)):
    article = _article_named(session, article_id)
    if article is None:
        return not_found_page(request, _("There is no article at this address."))
    request_language.for_site(request, article.site.language)
    data = await request.form()
    form = {key: str(data.get(key, "")) for key in ("author_name", "author_email", "text", "parent_id", "notify")}
    parent_id = _int_or_none(form["parent_id"])
    reply_to = _reply_target(session, article, parent_id)

    def show_again(errors: dict, status_code: int) -> HTMLResponse:
        return _render_article(request, session, article, reply_to=reply_to, form=form, errors=errors, status_code=status_code)

    if not token_matches(request, str(data.get("token", "")), article.id):
        return show_again({"form": _("This form has expired. Please send your comment again.")}, 400)
    if form["parent_id"] and parent_id is None:
        return show_again({"form": _("The comment you are replying to is not available.")}, 422)
    try:
        # In a worker thread: the post waits for its check, which must not stall the event loop.
        reader = reader_accounts.reader_of(request, article.site)
        posted = await run_in_threadpool(
            request.app.state.poster.post,
            session,
            article,
            author_name=form["author_name"] or (reader.name if reader else ""),
            author_email=form["author_email"] or None,
            text=form["text"],
            parent_id=parent_id,
            client_address=client_address(request),
            reader=reader,
            guest_token_hash=reader_accounts.guest_hash_of(request),
            notify=form["notify"] == "on",
        )
    except PostingError as error:
        return show_again({error.field or "form": error.message}, error.status)

    told = outcome_of(posted.comment, posted.decision)
    message = outcome_message(told.outcome, [words for _code, words in told.reasons], told.message)
    statement = statement_for(session, posted.comment)
    if statement is not None:  # a rejection: who decided, and how to contest it
        message = f"{message} {statement.decided_by} {statement.redress_text}"
    response = back_to_article(
        request,
        article.id,
        told.outcome,
        message,
        comment_id=posted.comment.id if told.outcome == "published" else None,
        link=statement.redress_url if statement is not None else None,
    )
    # This browser may change the comment for the site's window, without JavaScript too.
    reader_accounts.remember_edit_token(
        request, response, posted.comment, posted.edit_token, Policy.for_site(article.site.policy).edit_window_minutes
    )
    return response


@router.post("/comments/{comment_id}/report", response_class=HTMLResponse)
async def report_comment_form(request: Request, comment_id: str, session: Session = Depends(db_session)):
    found = id_from_text(comment_id)
    try:
        comment = reports.reportable_comment(session, found) if found is not None else None
    except reports.ReportRefused:
        comment = None
    if comment is None:
        return not_found_page(request, _("That comment is not available."))
    request_language.for_site(request, comment.article.site.language)
    data = await request.form()
    # Back to the page of comments the report was sent from, with a link to the comment.
    cursor = str(data.get("cursor", "")) or None
    if not token_matches(request, str(data.get("token", "")), comment.article_id):
        return back_to_article(
            request,
            comment.article_id,
            "error",
            _("This form has expired. Please try reporting again."),
            comment_id=comment.id,
            cursor=cursor,
        )
    try:
        message = reports.report_comment(
            session,
            request.app.state.secret,
            comment.id,
            str(data.get("reason", "")),
            str(data.get("note", "")),
            client_address(request),
        )
    except reports.ReportRefused as refused:
        return back_to_article(request, comment.article_id, "error", refused.message, comment_id=comment.id, cursor=cursor)
    return back_to_article(request, comment.article_id, "reported", message, comment_id=comment.id, cursor=cursor)


# --- Comments FAQ ---------------------------------------------------------------------------

# Headings and lists on top of what a comment may use: a site's own guidelines need structure.
_faq_markdown = MarkdownIt("commonmark", {"html": False})
_FAQ_TAGS = {"h2", "h3", "h4", "p", "br", "em", "strong", "a", "code", "blockquote", "ul", "ol", "li", "hr"}


def render_guidelines(markdown: str) -> str:
    html = _faq_markdown.render(markdown)
    # Shift headings down one level: the page title is the only h1.
    html = re.sub(r"<(/?)h1>", r"<\1h2>", html)
    return nh3.clean(
        html, tags=_FAQ_TAGS, attributes={"a": {"href"}}, url_schemes={"http", "https", "mailto"}, link_rel="noopener noreferrer"
    ).strip()


@router.get("/faq", response_class=HTMLResponse)
def faq(request: Request, site: str | None = None, session: Session = Depends(db_session)):
    found = repo.site_by_slug(session, site) if site else None
    if found is not None:
        request_language.for_site(request, found.language)
    custom = render_guidelines(found.faq_markdown) if found and (found.faq_markdown or "").strip() else None
    return templates.TemplateResponse(request, "faq.html", {"site": found, "custom_html": custom})
