"""Database rows to API bodies (one place, so the HTML pages and the API agree)."""

from __future__ import annotations

from commentdesk.api.schemas import ArticleOut, Author, CommentOut, ParentRef
from commentdesk.store.models import Article, Comment, CommentStatus
from commentdesk.store.repository import ThreadPage, shown_author_name


def article_out(article: Article, email_notifications: bool = False) -> ArticleOut:
    return ArticleOut(
        id=article.id,
        site=article.site.slug,
        url=article.url,
        title=article.title,
        author=article.author,
        published_at=article.published_at,
        comments_open=article.comments_open,
        premoderate=article.premoderate,
        published_count=article.published_count,
        page_url=f"/articles/{article.id}",
        email_notifications=email_notifications,
    )


def comment_out(comment: Comment, parent_names: dict[int, str] | None = None) -> CommentOut:
    parent = None
    if comment.parent_id is not None:
        name = (parent_names or {}).get(comment.parent_id)
        if name is None and comment.parent is not None:
            name = shown_author_name(comment.parent)
        parent = ParentRef(id=comment.parent_id, author_name=name or "")
    deleted = comment.deleted_at is not None
    return CommentOut(
        id=comment.id,
        author=Author(name="" if deleted else comment.author_name),
        html="" if deleted else comment.html,
        # A stored status word (a string column); CommentOut checks it is one of the four.
        created_at=comment.created_at,
        parent=parent,
        status=comment.status,  # type: ignore[arg-type]
        reply_count=comment.reply_count if comment.depth == 0 else 0,
        deleted=deleted,
        edited=comment.edited_at is not None,
    )


def thread_comments(page: ThreadPage) -> list[CommentOut]:
    out = []
    for root in page.roots:
        item = comment_out(root)
        if root.status != CommentStatus.PUBLISHED:
            # Taken out of view after readers answered it (store.threads): only its place is shown,
            # its status telling the page to say so, never its words or its author.
            item.author, item.html = Author(name=""), ""
        item.replies = [comment_out(reply, page.parent_names) for reply in page.replies.get(root.id, [])]
        item.more_replies_cursor = page.more_replies.get(root.id)
        out.append(item)
    return out
