"""Public API for readers' accounts and their own comments: signing in with the publisher's
token, editing and deleting one's own comment; and, for the site's API key, the sign-in setup.

Edit and delete are POSTs with a JSON body (like everything the embed sends), so a publisher's
page calls them with no extra cross-origin permissions.
"""

from __future__ import annotations

from fastapi import APIRouter, Depends, Request
from sqlalchemy.orm import Session

from commentdesk.api import presenters
from commentdesk.api.cached_reads import API_PREFIX
from commentdesk.api.deps import (
    SessionReleasingRoute,
    calling_site,
    client_address,
    db_session,
)
from commentdesk.api.errors import ApiError
from commentdesk.api.routes import ERRORS, TOO_MANY, signed_in_reader
from commentdesk.api.schemas import (
    Authorship,
    DeletedOut,
    EditedOut,
    EditIn,
    ErrorOut,
    PathId,
    ReaderSessionIn,
    ReaderSessionOut,
    ReasonOut,
    SourceOut,
    SsoIn,
    SsoOut,
)
from commentdesk.i18n import gettext as _
from commentdesk.moderation.policy import Policy
from commentdesk.services import own_comments, reader_identity, reading, sites
from commentdesk.services.posting import outcome_of
from commentdesk.store import repository as repo
from commentdesk.store.models import Site

router = APIRouter(prefix=API_PREFIX, route_class=SessionReleasingRoute)


@router.post(
    "/reader/session",
    response_model=ReaderSessionOut,
    responses=ERRORS,
    tags=["readers"],
    summary="Sign a reader in with the token the publisher signed for them (each token works once)",
)
def start_reader_session(body: ReaderSessionIn, request: Request, session: Session = Depends(db_session)):
    site = repo.site_by_slug(session, body.site)
    if site is None:
        raise ApiError(404, "site_not_found", _("No site has that name."))
    secret = request.app.state.secret
    reader = reader_identity.verify_token(session, site, body.reader_token, secret)
    return ReaderSessionOut(
        reader_session=reader_identity.session_token(secret, reader),
        name=reader.name,
        expires_at=reader.expires_at,
        email_known=reader.email is not None,
        email_verified=reader.email_verified,
    )


def _authorship(request: Request, session: Session, comment_id: int, body: Authorship) -> own_comments.Authorship:
    comment = reading.comment(session, comment_id)
    if comment is None:
        raise ApiError(404, "comment_not_found", _("No comment of yours has that id."))
    reader = signed_in_reader(request.app.state.secret, body.reader_session, comment.article.site)
    return own_comments.Authorship(reader=reader, edit_token=body.edit_token)


@router.post(
    "/comments/{comment_id}/source",
    response_model=SourceOut,
    responses={**ERRORS, 409: {"model": ErrorOut, "description": "Still being checked; ask again in a moment"}},
    tags=["comments"],
    summary="One's own comment as written (Markdown), to edit it; for its author only, within the site's window",
)
def comment_source(comment_id: PathId, body: Authorship, request: Request, session: Session = Depends(db_session)):
    # The thread carries only the rendered HTML, from which the author's links and emphasis
    # cannot be read back: an edit starts from the text as written, which only its author gets.
    who = _authorship(request, session, comment_id, body)
    return SourceOut(text=own_comments.own_comment(session, comment_id, who).text)


@router.post(
    "/comments/{comment_id}/edit",
    response_model=EditedOut,
    responses={**ERRORS, **TOO_MANY},
    tags=["comments"],
    summary="Edit one's own comment within the site's window; it is moderated again like a new comment",
)
def edit_comment(comment_id: PathId, body: EditIn, request: Request, session: Session = Depends(db_session)):
    who = _authorship(request, session, comment_id, body)
    edited = own_comments.edit(request.app.state.poster, session, comment_id, body.text, who, client_address(request))
    comment = edited.comment
    policy = Policy.for_site(comment.article.site.policy)
    told = outcome_of(comment, edited.decision, show_detail=policy.show_scores_to_readers)
    # An edit is decided before it is stored, so it is never "checking" (EditedOut refuses that word).
    return EditedOut(
        outcome=told.outcome,  # type: ignore[arg-type]
        message=told.message,
        comment=presenters.comment_out(comment),
        reasons=[ReasonOut(code=code, message=words) for code, words in told.reasons],
    )


@router.post(
    "/comments/{comment_id}/delete",
    response_model=DeletedOut,
    responses=ERRORS,
    tags=["comments"],
    summary="Delete one's own comment within the site's window; its replies stay",
)
def delete_comment(comment_id: PathId, body: Authorship, request: Request, session: Session = Depends(db_session)):
    who = _authorship(request, session, comment_id, body)
    own_comments.delete(session, comment_id, who)
    return DeletedOut(deleted=True, message=_("Your comment is deleted."))


@router.get(
    "/sso", response_model=SsoOut, responses=ERRORS, tags=["sites"], summary="The site's reader sign-in setup (never the key)"
)
def get_sso(site: Site = Depends(calling_site)):
    return SsoOut(**reader_identity.describe(site))


@router.put(
    "/sso",
    response_model=SsoOut,
    responses=ERRORS,
    tags=["sites"],
    summary="Accept readers signed in on the publisher's site: the algorithm and the secret or public key",
)
def put_sso(body: SsoIn, site: Site = Depends(calling_site), session: Session = Depends(db_session)):
    try:
        site = sites.configure_sso(session, site, body.algorithm, body.key)
    except reader_identity.SsoConfigError as error:
        raise ApiError(422, "invalid_sso_key", str(error), {"key": str(error)}) from None
    return SsoOut(**reader_identity.describe(site))


@router.delete("/sso", response_model=SsoOut, responses=ERRORS, tags=["sites"], summary="Stop accepting publisher sign-ins")
def delete_sso(site: Site = Depends(calling_site), session: Session = Depends(db_session)):
    site = sites.clear_sso(session, site)
    return SsoOut(**reader_identity.describe(site))
