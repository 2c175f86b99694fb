"""What a moderator may see: a comment, commenter or article on one of their sites, or NotAllowed."""

from __future__ import annotations

from sqlalchemy.orm import Session

from commentdesk.services.accounts import Scope
from commentdesk.store import articles, commenters, comments
from commentdesk.store.models import Article, Comment, Commenter


class NotAllowed(Exception):
    """The comment, commenter or article is outside the user's sites, or does not exist."""


def visible_comment(session: Session, scope: Scope, comment_id: int) -> Comment:
    comment = comments.comment(session, comment_id)
    if comment is None or not scope.allows(comment.site_id):
        raise NotAllowed(f"no comment {comment_id}")
    return comment


def visible_commenter(session: Session, scope: Scope, commenter_id: int) -> Commenter:
    commenter = commenters.commenter(session, commenter_id)
    if commenter is None or not scope.allows(commenter.site_id):
        raise NotAllowed(f"no commenter {commenter_id}")
    return commenter


def visible_article(session: Session, scope: Scope, article_id: int) -> Article:
    article = articles.article(session, article_id)
    if article is None or not scope.allows(article.site_id):
        raise NotAllowed(f"no article {article_id}")
    return article
