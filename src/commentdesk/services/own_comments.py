"""Authors editing and deleting their own comments, within the window the site sets.

Only the author may: the signed-in account that posted it, or whoever holds the secret edit
token handed out with the comment's 201 (only its hash is stored; compared in constant time).
An edit is moderated again by the posting service itself, exactly as a new comment is, and the
earlier version is kept for moderators. A deleted comment keeps its row and its replies; readers
see "comment deleted". Both are written to the audit log, and both raise the article's revision
so no cached thread page shows the old text.
"""

from __future__ import annotations

import hmac
from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy.orm import Session

from commentdesk.i18n import gettext as _
from commentdesk.i18n import ngettext
from commentdesk.moderation.policy import Policy
from commentdesk.moderation.types import Decision
from commentdesk.services import events
from commentdesk.services.comment_input import PostingError, clean_text
from commentdesk.services.posting import CommentPoster, decided_fields, edit_token_hash
from commentdesk.services.reader_identity import Reader
from commentdesk.store import commenters, comments, revisions
from commentdesk.store import repository as repo
from commentdesk.store.models import Comment, CommentStatus, utcnow

MAX_EDIT_TOKEN_CHARS = 64


@dataclass(frozen=True)
class Authorship:
    """What a request shows of who is asking: a signed-in reader, an edit token, or both."""

    reader: Reader | None = None
    edit_token: str | None = None


@dataclass
class Edited:
    comment: Comment
    decision: Decision


def is_author(session: Session, comment: Comment, who: Authorship) -> bool:
    if who.reader is not None and who.reader.site_id == comment.site_id:
        commenter = commenters.commenter(session, comment.commenter_id)
        if (
            commenter is not None
            and commenter.is_account
            and hmac.compare_digest(commenter.identity_hash, who.reader.identity_hash)
        ):
            return True
    token = who.edit_token
    if token and len(token) <= MAX_EDIT_TOKEN_CHARS and comment.edit_token_hash:
        return hmac.compare_digest(edit_token_hash(token), comment.edit_token_hash)
    return False


def own_comment(session: Session, comment_id: int, who: Authorship) -> Comment:
    """The caller's own comment, still within the site's window; PostingError otherwise."""
    comment = comments.comment(session, comment_id)
    if comment is None or comment.deleted_at is not None:
        raise PostingError("comment_not_found", _("No comment of yours has that id."), status=404)
    if not is_author(session, comment, who):
        raise PostingError("not_your_comment", _("Only the author can change this comment."), status=403)
    window = Policy.for_site(comment.article.site.policy).edit_window_minutes
    if utcnow() > comment.created_at + timedelta(minutes=window):
        raise PostingError(
            "edit_window_closed",
            ngettext(
                "Comments can be changed for %(num)s minute after posting; this one can no longer be changed.",
                "Comments can be changed for %(num)s minutes after posting; this one can no longer be changed.",
                window,
            )
            % {"num": window},
            status=403,
        )
    if comment.status == CommentStatus.CHECKING:
        raise PostingError("comment_being_checked", _("This comment is still being checked; try again in a moment."), status=409)
    return comment


def edit(
    poster: CommentPoster, session: Session, comment_id: int, text: str, who: Authorship, client_address: str | None = None
) -> Edited:
    comment = own_comment(session, comment_id, who)
    if clean_text(text) == comment.text:
        raise PostingError("text_unchanged", _("The comment is unchanged."), field="text")
    body, html, decision = poster.recheck(session, comment, text, client_address)
    # The models ran with no transaction open: the comment may have been deleted meanwhile.
    session.refresh(comment)
    if comment.deleted_at is not None:
        raise PostingError("comment_not_found", _("No comment of yours has that id."), status=404)
    now = utcnow()
    revisions.keep_version(session, comment, now)
    comment.text, comment.html, comment.edited_at = body, html, now
    for name, value in decided_fields(decision).items():
        if name != "status":  # the move itself goes through change_status, which keeps the counts
            setattr(comment, name, value)
    previous_status = comment.status
    event = repo.change_status(
        session,
        comment,
        decision.status,
        actor="author",
        actor_name=comment.author_name,
        action="edit",
        reasons=list(comment.reasons),
        note="Edited by its author and checked again.",
    )
    event.created_at = now
    revisions.touch_article(session, comment.article_id)
    events.record(session, events.COMMENT_EDITED, comment=comment, actor="reader")
    events.record_status(session, comment, previous_status, actor="system")
    session.commit()
    return Edited(comment, decision)


def delete(session: Session, comment_id: int, who: Authorship) -> Comment:
    comment = own_comment(session, comment_id, who)
    revisions.mark_deleted(session, comment, actor_name=comment.author_name)
    events.record(session, events.COMMENT_DELETED, comment=comment, actor="reader")
    session.commit()
    return comment
