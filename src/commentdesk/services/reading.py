"""What readers' pages and the API look up by id: an article, a comment, the front page's articles.

Handlers ask here instead of the ORM; the thread pages themselves come from store/threads.py
through `store.repository`, as before.
"""

from __future__ import annotations

from sqlalchemy.orm import Session

from commentdesk.store import articles, comments
from commentdesk.store.models import Article, Comment


def article(session: Session, article_id: int, *, with_site: bool = False) -> Article | None:
    return articles.article(session, article_id, with_site=with_site)


def comment(session: Session, comment_id: int) -> Comment | None:
    return comments.comment(session, comment_id)


def front_page_articles(session: Session) -> list[Article]:
    """Every article, newest first (the demo's home page)."""
    return articles.newest_first(session)


def recent_authors(session: Session, comment_ids: list[int], since) -> list[tuple[int, str, bool]]:
    """(comment id, commenter identity hash, commenter is an account) of the comments, among
    `comment_ids`, posted since `since` and not deleted: which a reader may still change."""
    return comments.recent_authors(session, comment_ids, since)
