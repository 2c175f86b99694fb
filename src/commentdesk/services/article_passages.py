"""An article's passages, embedded as soon as it is registered or its text changes, so that it is
in its site's bank of other articles (services/site_articles.py) before its first comment.

One place sees every new article and every change of an article's title or body made through
the app's sessions, whatever made it (the publisher's `PUT /api/v1/articles`, the demo's seed,
any later path): a flush listener notes them in the session, and once the transaction commits
their ids go to this process's keeper; a rolled-back change sends nothing. The keeper is a
background loop (services/background.py) on one thread: it reads the article, lets go of the
connection, asks the models for its passages (`article_passages`, in this process or in the
server's moderation process, moderation/remote.py), and stores them in one short transaction,
unless the text changed again meanwhile (that change has its own turn) or a comment stored them
first. So a request never waits for the models, no transaction is open while they run, and one
article is embedded at a time, on one connection (config.BACKGROUND_CONNECTIONS): a newsroom
registering its archive does not crowd readers' comments out of the models.

The ids wait in memory, not in a table: an embedding lost to a restart, a model failure (logged)
or a server without models costs what it cost before, the first comment computes the passages.
An article older than the site's MAX_ARTICLES most recent is not embedded ahead of its comments:
the bank would not hold it.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable

from sqlalchemy import event, inspect
from sqlalchemy.orm import Session, sessionmaker

from commentdesk.moderation.models.site_articles import MAX_ARTICLES
from commentdesk.services import site_articles
from commentdesk.services.background import BackgroundLoop
from commentdesk.store import articles as store
from commentdesk.store.models import Article

log = logging.getLogger(__name__)

# The session's articles created or given a new text, by id, waiting for its commit.
CHANGED = "commentdesk_articles_changed"
# Articles embedded in one round before the loop checks whether it is stopping.
ROUND = 16


def text_changed(article: Article) -> bool:
    state = inspect(article)
    return state.attrs.title.history.has_changes() or state.attrs.body.history.has_changes()


class ArticlePassageKeeper(BackgroundLoop):
    """Embeds and stores the passages of the articles this process's sessions create or change."""

    thread_name = "article-passages-loop"

    def __init__(self, sessions: sessionmaker[Session], models, *, poll_s: float = 60.0, name: str | None = None) -> None:
        super().__init__(poll_s=poll_s, name=name)
        self.sessions, self.models = sessions, models
        self._pending: dict[int, None] = {}  # article ids in the order they came, each once
        event.listen(sessions, "after_flush", self._after_flush)
        event.listen(sessions, "after_commit", self._after_commit)
        event.listen(sessions, "after_rollback", self._after_rollback)

    # --- what the sessions tell it -------------------------------------------------------------

    def embedder_version(self) -> str:
        """The version the passages are stored under; empty when no models are loaded."""
        return self.models.versions.get("embedder", "")

    @staticmethod
    def _after_flush(session: Session, _context) -> None:
        # The new and changed objects and their attribute histories are still those of the flush.
        changed = [
            instance.id
            for instance in (*session.new, *session.dirty)
            if isinstance(instance, Article) and (instance in session.new or text_changed(instance))
        ]
        if changed:
            session.info.setdefault(CHANGED, set()).update(changed)

    def _after_commit(self, session: Session) -> None:
        changed = session.info.pop(CHANGED, None)
        if not changed:
            return
        try:
            self.embed_later(sorted(changed))
        except Exception:  # the commit stands: the first comment computes the passages
            log.warning("the passages of articles %s were not queued", sorted(changed), exc_info=True)

    @staticmethod
    def _after_rollback(session: Session) -> None:
        session.info.pop(CHANGED, None)

    def embed_later(self, article_ids: Iterable[int]) -> None:
        """Queue these articles for embedding; nothing when no models are loaded."""
        if not self.embedder_version():
            return
        with self._lock:
            for article_id in article_ids:
                self._pending[article_id] = None
        self.wake()

    @property
    def pending(self) -> list[int]:
        with self._lock:
            return list(self._pending)

    # --- running (services/background.py) -----------------------------------------------------

    def work_round(self) -> bool:
        with self._lock:
            taken = list(self._pending)[:ROUND]
        for article_id in taken:
            if self.stopping:
                return False
            with self._lock:
                self._pending.pop(article_id, None)
            self.embed(article_id)
        with self._lock:
            return bool(self._pending)

    def embed(self, article_id: int) -> bool:
        """Embed and store one article's passages now; whether they were stored. A failure is
        logged, never raised."""
        try:
            return self._embed(article_id)
        except Exception:
            log.warning(
                "the passages of article %s could not be computed; its first comment computes them", article_id, exc_info=True
            )
            return False

    def _embed(self, article_id: int) -> bool:
        version = self.embedder_version()
        if not version:
            return False
        with self.sessions() as session:
            article = store.article(session, article_id)
            if (
                article is None
                or store.passages_current(session, article, version)
                or not store.among_most_recent(session, article, MAX_ARTICLES)
            ):
                return False
            title, body, content_hash = article.title, article.body or "", store.article_content_hash(article)
        # No connection is held while the models run.
        passages, vectors = self.models.article_passages(title, body)
        with self.sessions() as session:
            article = store.article(session, article_id)
            if article is None or store.article_content_hash(article) != content_hash:
                return False  # removed, or changed again: that change was queued too
            site_articles.store_passages(session, article, version, passages, vectors)
            session.commit()
        return True
