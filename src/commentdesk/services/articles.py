"""Articles: registered (and updated) by the publisher's API call, and the options a moderator
changes (comments open, pre-moderation), each change logged."""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy.orm import Session

from commentdesk.services import events
from commentdesk.services.accounts import Scope
from commentdesk.store import articles, audit
from commentdesk.store.models import Article, ArticleEvent, Site, User


def register_article(session: Session, site: Site, url: str, fields: dict) -> tuple[Article, bool]:
    """Create or update the article at `url` (unset fields stay as they are); returns it and whether
    it was created. Closing it here tells the webhooks, like a moderator's closing. Commits."""
    site = session.merge(site)  # the calling site comes from the API key's look-up, maybe another session
    existing = articles.article_by_url(session, site.id, url)
    was_open = existing is not None and existing.comments_open
    article, created = articles.upsert_article(session, site, url, **fields)
    if was_open and not article.comments_open:
        events.record(session, events.ARTICLE_CLOSED, article=article, actor="site")
    session.commit()
    return article, created


def set_article_options(
    session: Session,
    article: Article,
    *,
    user: User | None = None,
    comments_open: bool | None = None,
    premoderate: bool | None = None,
) -> None:
    """Change an article's options; every change that takes effect is logged for the audit page."""
    actions = []
    if comments_open is not None and comments_open != article.comments_open:
        article.comments_open = comments_open
        actions.append("reopen" if comments_open else "close")
    if premoderate is not None and premoderate != article.premoderate:
        article.premoderate = premoderate
        actions.append("premoderate" if premoderate else "stop_premoderating")
    if "close" in actions:
        events.record(session, events.ARTICLE_CLOSED, article=article, actor="moderator" if user else "system")
    for action in actions:
        audit.add_article_event(
            session, article, action, user_id=user.id if user else None, actor_name=user.username if user else "system"
        )
    session.commit()


def article_events(
    session: Session, scope: Scope, site_id: int | None = None, limit: int = 50
) -> list[tuple[ArticleEvent, Article]]:
    """The newest article-level actions the moderator may see."""
    site_ids: Iterable[int] | None = scope.site_ids
    return audit.article_events(session, site_ids, site_id, limit)
