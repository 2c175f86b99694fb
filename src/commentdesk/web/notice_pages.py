"""Reader pages for notices of illegal content: the notice form for one comment, and a notice's
status page (by its reference). Both work without JavaScript; the embed links to the form."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, RedirectResponse
from sqlalchemy.orm import Session

from commentdesk.api.deps import client_address, db_session
from commentdesk.bounds import id_from_text
from commentdesk.i18n import gettext as _
from commentdesk.i18n import request_language
from commentdesk.services import notices, reports
from commentdesk.store.models import Comment
from commentdesk.web.reader import templates  # with the reader pages' template globals
from commentdesk.web.reader_forms import form_token, token_matches

router = APIRouter(include_in_schema=False)
FIELDS = ("ground", "explanation", "notifier_name", "notifier_email")


def _form_page(request: Request, comment: Comment, form: dict, errors: dict, status_code: int = 200) -> HTMLResponse:
    request_language.for_site(request, comment.article.site.language)
    return templates.TemplateResponse(
        request,
        "notices/form.html",
        {
            "comment": comment,
            "article": comment.article,
            "form": form,
            "errors": errors,
            "grounds": notices.GROUNDS,
            "anonymous_grounds": notices.ANONYMOUS_GROUNDS,
            "token": form_token(request, comment.article_id),
            "max_explanation": notices.MAX_EXPLANATION_CHARS,
        },
        status_code=status_code,
    )


def _comment_or_none(session: Session, comment_id: str) -> Comment | None:
    found = id_from_text(comment_id)  # "01" or "1.0" names no comment: one comment, one address
    if found is None:
        return None
    try:
        return reports.reportable_comment(session, found)
    except reports.ReportRefused:
        return None


def _not_found(request: Request, message: str) -> HTMLResponse:
    return templates.TemplateResponse(request, "not_found.html", {"message": message}, status_code=404)


@router.get("/comments/{comment_id}/notice", response_class=HTMLResponse)
def notice_form(request: Request, comment_id: str, session: Session = Depends(db_session)):
    comment = _comment_or_none(session, comment_id)
    if comment is None:
        return _not_found(request, _("That comment is not available."))
    return _form_page(request, comment, {}, {})


@router.post("/comments/{comment_id}/notice", response_class=HTMLResponse)
async def send_notice(request: Request, comment_id: str, session: Session = Depends(db_session)):
    comment = _comment_or_none(session, comment_id)
    if comment is None:
        return _not_found(request, _("That comment is not available."))
    request_language.for_site(request, comment.article.site.language)  # the refusals below are worded in it
    data = await request.form()
    form = {key: str(data.get(key, "")) for key in FIELDS}
    if not token_matches(request, str(data.get("token", "")), comment.article_id):
        return _form_page(request, comment, form, {"form": _("This form has expired. Please send your notice again.")}, 400)
    try:
        notice = notices.file_notice(
            session,
            request.app.state.secret,
            comment.id,
            notices.NoticeForm(
                ground=form["ground"],
                explanation=form["explanation"],
                notifier_name=form["notifier_name"],
                notifier_email=form["notifier_email"],
                good_faith=data.get("good_faith") == "yes",
            ),
            client_address(request),
        )
    except notices.NoticeRefused as refused:
        return _form_page(request, comment, form, {refused.field or "form": refused.message}, refused.status)
    return RedirectResponse(request_language.with_lang(request, f"/notices/{notice.reference}?sent=1"), status_code=303)


@router.get("/notices/{reference}", response_class=HTMLResponse, name="notice_page")
def notice_page(request: Request, reference: str, sent: str | None = None, session: Session = Depends(db_session)):
    notice = notices.notice_by_reference(session, reference)
    if notice is None:
        return _not_found(request, _("No notice has that reference."))
    request_language.for_site(request, notice.comment.article.site.language)
    return templates.TemplateResponse(
        request,
        "notices/status.html",
        {
            "notice": notice,
            "just_sent": sent == "1",
            "status_words": _(notices.STATUS_WORDS[notice.status]),
            "ground_words": _(notices.GROUNDS[notice.ground]) if notice.ground in notices.GROUNDS else notice.ground,
            "article": notice.comment.article,
        },
    )
