"""Articles: look-up and upsert, closing, the cached passages the relevance model compares with,
and the stored published counts."""

from __future__ import annotations

import hashlib
import threading
import weakref
from collections import OrderedDict
from datetime import datetime, timedelta

import numpy as np
from pydantic import HttpUrl, ValidationError
from sqlalchemy import and_, bindparam, or_, select
from sqlalchemy.orm import Session, joinedload

from commentdesk.store.dialect import dialect_insert
from commentdesk.store.models import Article, ArticlePassages, Site, utcnow


def article(session: Session, article_id: int, *, with_site: bool = False) -> Article | None:
    """`with_site`: its site loaded in the same query (posting reads the site's policy at once)."""
    return session.get(Article, article_id, options=[joinedload(Article.site)] if with_site else None)


def known_article(session: Session, article_id: int) -> Article:
    """An article that must exist (a stored comment's): a missing one is an error, not a 404."""
    return session.get_one(Article, article_id)


def address(url: str) -> str:
    """An article's address as it is stored and looked up: as a browser sends it (host in lower
    case, spaces escaped, default port dropped) and without its #fragment, which never names
    another page; the embed looks pages up without theirs. Anything else is kept as given."""
    try:
        normal = str(HttpUrl(url))
    except ValidationError:
        return url
    return normal.partition("#")[0]


def article_by_url(session: Session, site_id: int, url: str) -> Article | None:
    """The article at `url`, in one query whether found or not (the embed asks for unregistered
    pages too). An address stored as written, before addresses were normalised, is found as well;
    where both forms are stored, the normalised one is the article."""
    normal = address(url)
    found = session.scalars(select(Article).where(Article.site_id == site_id, Article.url.in_({normal, url}))).all()
    return next((article for article in found if article.url == normal), found[0] if found else None)


def upsert_article(session: Session, site: Site, url: str, **fields) -> tuple[Article, bool]:
    """Create or update the article at `url`; returns it and whether it was created."""
    found = article_by_url(session, site.id, url)
    created = found is None
    article = Article(site_id=site.id, url=address(url)) if found is None else found
    if created:
        session.add(article)
    for name, value in fields.items():
        if value is not None:
            setattr(article, name, value)
    session.flush()
    return article, created


def comments_closed(article: Article, close_after_days: int | None, now: datetime | None = None) -> bool:
    if not article.comments_open:
        return True
    closing = closing_time(article, close_after_days)
    return closing is not None and (now or utcnow()) > closing


def closing_time(article: Article, close_after_days: int | None) -> datetime | None:
    """When comments close by the site's age limit; None when they stay open."""
    if close_after_days and article.published_at:
        return article.published_at + timedelta(days=close_after_days)
    return None


def article_content_hash(article: Article) -> str:
    return _content_hash(article.title, article.body)


def _content_hash(title: str, body: str | None) -> str:
    return hashlib.sha256(f"{title}\n\n{body}".encode()).hexdigest()


# Passages found stored, kept per database in this process: they are a function of the article's
# text and the model alone (the key holds both), so a kept copy does not go stale, and each post
# on a busy article is spared reading and decoding them again. Writing an article's passages
# forgets what was kept for it.
_KEPT_PASSAGES_MAX = 256
_kept_passages: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()
_kept_passages_lock = threading.Lock()


def _kept_for(session: Session) -> OrderedDict[tuple[int, str, str], tuple[list[str], np.ndarray]]:
    """This database's kept passages; the caller holds `_kept_passages_lock`."""
    bind = session.get_bind()
    kept = _kept_passages.get(bind)
    if kept is None:
        kept = _kept_passages[bind] = OrderedDict()
    return kept


def cached_passages(session: Session, article: Article, model_version: str) -> tuple[list[str], np.ndarray] | None:
    key = (article.id, model_version, article_content_hash(article))
    with _kept_passages_lock:
        kept = _kept_for(session)
        found = kept.get(key)
        if found is not None:
            kept.move_to_end(key)
            return list(found[0]), found[1]
    row = session.get(ArticlePassages, article.id)
    if row is None or row.model_version != model_version or row.content_hash != key[2]:
        return None
    vectors = np.frombuffer(row.vectors, dtype=np.float32).reshape(len(row.passages), -1)
    with _kept_passages_lock:
        kept = _kept_for(session)
        kept[key] = (list(row.passages), vectors)
        while len(kept) > _KEPT_PASSAGES_MAX:
            kept.popitem(last=False)
    return list(row.passages), vectors


def _forget_kept(session: Session, article_id: int) -> None:
    with _kept_passages_lock:
        kept = _kept_for(session)
        for key in [key for key in kept if key[0] == article_id]:
            del kept[key]


def store_passages(session: Session, article: Article, model_version: str, passages: list[str], vectors: np.ndarray) -> None:
    """Write the cache in one upsert: readers posting the first comments of an article at the
    same moment all compute the same passages, and the last write simply wins."""
    values = {
        "article_id": article.id,
        "model_version": model_version,
        "content_hash": article_content_hash(article),
        "passages": list(passages),
        "vectors": np.ascontiguousarray(vectors, dtype=np.float32).tobytes(),
    }
    statement = dialect_insert(session, ArticlePassages).values(values)
    _forget_kept(session, article.id)
    session.execute(
        statement.on_conflict_do_update(
            index_elements=[ArticlePassages.article_id],
            set_={name: statement.excluded[name] for name in values if name != "article_id"},
        )
    )


def passages_current(session: Session, article: Article, model_version: str) -> bool:
    """Whether the passages stored for the article are of this model and its present text."""
    row = session.execute(
        select(ArticlePassages.model_version, ArticlePassages.content_hash).where(ArticlePassages.article_id == article.id)
    ).first()
    return row is not None and row.model_version == model_version and row.content_hash == article_content_hash(article)


def among_most_recent(session: Session, article: Article, limit: int) -> bool:
    """Whether fewer than `limit` of the site's articles come before this one in the order the
    bank of the site's articles takes them (newest published first, undated ones last)."""
    if article.published_at is None:
        before = or_(Article.published_at.is_not(None), Article.id > article.id)
    else:
        before = or_(
            Article.published_at > article.published_at,
            and_(Article.published_at == article.published_at, Article.id > article.id),
        )
    newer = session.scalars(select(Article.id).where(Article.site_id == article.site_id, before).limit(limit)).all()
    return len(newer) < limit


def recent_passage_keys(session: Session, site_id: int, model_version: str, limit: int) -> list[tuple[int, str]]:
    """(article id, content hash) of the site's most recent articles whose passages are stored
    for this model, newest first: what the bank of the site's articles is built from."""
    rows = session.execute(
        select(ArticlePassages.article_id, ArticlePassages.content_hash)
        .join(Article, Article.id == ArticlePassages.article_id)
        .where(Article.site_id == site_id, ArticlePassages.model_version == model_version)
        .order_by(Article.published_at.desc().nulls_last(), Article.id.desc())
        .limit(limit)
    ).all()
    return [(article_id, content_hash) for article_id, content_hash in rows]


def sites_with_articles(session: Session) -> list[int]:
    return list(session.scalars(select(Article.site_id).distinct().order_by(Article.site_id)).all())


def recent_articles_without_passages(session: Session, site_id: int, model_version: str, limit: int) -> list[int]:
    """Ids of those of the site's `limit` most recent articles (the bank's order: newest published
    first, undated ones last) whose passages are missing, of another model, or of an older text;
    newest first. One bounded query: the hash of each text is compared here."""
    rows = session.execute(
        select(Article.id, Article.title, Article.body, ArticlePassages.model_version, ArticlePassages.content_hash)
        .outerjoin(ArticlePassages, ArticlePassages.article_id == Article.id)
        .where(Article.site_id == site_id)
        .order_by(Article.published_at.desc().nulls_last(), Article.id.desc())
        .limit(limit)
    ).all()
    return [
        article_id
        for article_id, title, body, stored_version, stored_hash in rows
        if stored_version != model_version or stored_hash != _content_hash(title, body)
    ]


def stored_passages(session: Session, article_ids: list[int], model_version: str) -> dict[int, tuple[str, list[str], np.ndarray]]:
    """The title, passages and passage vectors stored for each of these articles."""
    rows = session.execute(
        select(ArticlePassages.article_id, Article.title, ArticlePassages.passages, ArticlePassages.vectors)
        .join(Article, Article.id == ArticlePassages.article_id)
        .where(ArticlePassages.article_id.in_(article_ids), ArticlePassages.model_version == model_version)
    ).all()
    return {
        article_id: (title, list(passages), np.frombuffer(vectors, dtype=np.float32).reshape(len(passages), -1))
        for article_id, title, passages, vectors in rows
        if passages
    }


# Built once, run on the event loop by services/read_cache.py: an article's and its site's revisions.
REVISIONS = (
    select(Article.revision, Site.revision).join(Site, Site.id == Article.site_id).where(Article.id == bindparam("article_id"))
)

# Built once: the counts endpoint also runs it on the event loop (services/read_cache.py).
PUBLISHED_COUNTS = select(Article.id, Article.published_count).where(Article.id.in_(bindparam("ids", expanding=True)))


def published_counts(session: Session, article_ids: list[int]) -> dict[int, int]:
    rows = session.execute(PUBLISHED_COUNTS, {"ids": article_ids}).all()
    return {article_id: count for article_id, count in rows}


def newest_first(session: Session) -> list[Article]:
    return list(
        session.scalars(select(Article).join(Site).order_by(Article.published_at.desc().nulls_last(), Article.id.desc())).all()
    )
