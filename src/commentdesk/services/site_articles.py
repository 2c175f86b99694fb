"""The bank of a site's other recent articles that the relevance rule compares a comment with.

Built from the passages the store keeps for each article (computed when it is registered or its
text changes, services/article_passages.py, or else with its first comment) and kept in this
process, one bank per site and embedder: a comment reads the bank, never the articles. It is checked again at most every REFRESH_S seconds with one bounded query (the ids
and content hashes of the site's MAX_ARTICLES most recent articles), and only new or changed
articles are read; storing an article's passages here marks its site's bank stale at once.
"""

from __future__ import annotations

import threading
import time
import weakref
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass, field

from sqlalchemy import event
from sqlalchemy.orm import Session

from commentdesk.moderation.models.site_articles import MAX_ARTICLES, SiteArticle, SiteArticles
from commentdesk.store import articles as store
from commentdesk.store.models import Article

# Other servers' new articles reach this process's banks within this many seconds.
REFRESH_S = 30.0
# Banks kept (a few megabytes each); the least recently used site's is dropped first.
SITES_REMEMBERED = 16


@dataclass
class _Entry:
    bank: SiteArticles
    keys: list[tuple[int, str]]
    articles: dict[tuple[int, str], SiteArticle] = field(default_factory=dict)
    checked_at: float = 0.0
    stale: bool = False


class SiteArticleBanks:
    """One process's banks of site articles for one database."""

    def __init__(self, refresh_s: float = REFRESH_S, clock: Callable[[], float] = time.monotonic) -> None:
        self.refresh_s, self._clock = refresh_s, clock
        self._entries: OrderedDict[tuple[int, str], _Entry] = OrderedDict()
        self._lock = threading.Lock()

    def bank(self, session: Session, site_id: int, model_version: str) -> SiteArticles:
        key = (site_id, model_version)
        now = self._clock()
        with self._lock:
            entry = self._entries.get(key)
            if entry is not None:
                self._entries.move_to_end(key)
                if not entry.stale and now - entry.checked_at < self.refresh_s:
                    return entry.bank
        keys = store.recent_passage_keys(session, site_id, model_version, MAX_ARTICLES)
        if entry is not None and entry.keys == keys:
            fresh = _Entry(entry.bank, keys, entry.articles, now)
        else:
            known = entry.articles if entry is not None else {}
            missing = [article_id for article_id, content_hash in keys if (article_id, content_hash) not in known]
            loaded = store.stored_passages(session, missing, model_version) if missing else {}
            articles: dict[tuple[int, str], SiteArticle] = {}
            for article_id, content_hash in keys:
                found = known.get((article_id, content_hash))
                if found is None and article_id in loaded:
                    title, passages, vectors = loaded[article_id]
                    found = SiteArticle(article_id, title, passages, vectors)
                if found is not None:
                    articles[(article_id, content_hash)] = found
            fresh = _Entry(SiteArticles(list(articles.values())), keys, articles, now)
        with self._lock:
            self._entries[key] = fresh
            self._entries.move_to_end(key)
            while len(self._entries) > SITES_REMEMBERED:
                self._entries.popitem(last=False)
        return fresh.bank

    def forget(self, site_id: int) -> None:
        """The site's articles changed: its banks are checked again on their next use."""
        with self._lock:
            for (entry_site, _version), entry in self._entries.items():
                if entry_site == site_id:
                    entry.stale = True


# One set of banks per database (an engine), shared by posting and the moderation queue.
_BANKS: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()
_BANKS_LOCK = threading.Lock()


def banks_for(session: Session) -> SiteArticleBanks:
    engine = session.get_bind().engine
    with _BANKS_LOCK:
        banks = _BANKS.get(engine)
        if banks is None:
            banks = _BANKS[engine] = SiteArticleBanks()
        return banks


def other_articles(session: Session, article: Article, embedder_version: str) -> SiteArticles | None:
    """The bank of the article's site, for the relevance rule; None without an embedder."""
    if not embedder_version:
        return None
    return banks_for(session).bank(session, article.site_id, embedder_version)


def store_passages(session: Session, article: Article, model_version: str, passages, vectors) -> None:
    """Store the article's passages (store.store_passages); its site's banks take them in once
    the transaction commits."""
    store.store_passages(session, article, model_version, passages, vectors)
    banks, site_id = banks_for(session), article.site_id
    event.listen(session, "after_commit", lambda _session: banks.forget(site_id), once=True)
