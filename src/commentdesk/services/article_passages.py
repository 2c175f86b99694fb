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

When the keeper starts (the app's start), it also looks, on its own thread, for each site's
MAX_ARTICLES most recent articles (the bank's order) whose passages are missing or stale: articles
registered before passages were embedded ahead of comments, and every article once the embedder's
version changes (passages are stored under that version and the text's hash). One bounded query
per site finds them, one info line says how many were queued, and they wait behind the changed
articles, embedded one at a time like them. Under `commentdesk serve --workers N` only the first
web worker does this (`sweep`, passed down by serving.py through create_app); the others would
only find the same articles.

The ids wait in memory, not in a table: an embedding lost to a restart, a model failure (logged)
or a server without models costs what it cost before, the first comment computes the passages
(and a restart's look at start finds the recent ones again). An article older than the site's
MAX_ARTICLES most recent is not embedded ahead of its comments: the bank would not hold it.
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

    def __init__(
        self, sessions: sessionmaker[Session], models, *, sweep: bool = True, poll_s: float = 60.0, name: str | None = None
    ) -> None:
        super().__init__(poll_s=poll_s, name=name)
        self.sessions, self.models = sessions, models
        # Whether starting looks for recent articles without current passages (one web worker of
        # a server does; the others only embed what their own sessions change).
        self.sweep = sweep
        self._sweep_due = False
        self._pending: dict[int, None] = {}  # changed articles' ids in the order they came, each once
        self._backlog: dict[int, None] = {}  # those found at start, newest of each site first
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

    def queue_missing(self) -> int:
        """Queue, behind the changed articles, each site's MAX_ARTICLES most recent articles whose
        passages are missing or not of the current embedder and text (articles registered before
        passages were embedded ahead of comments, or every article after the embedder changed);
        how many were queued. Nothing without models."""
        version = self.embedder_version()
        if not version:
            return 0
        found: list[int] = []
        with self.sessions() as session:
            for site_id in store.sites_with_articles(session):
                found += store.recent_articles_without_passages(session, site_id, version, MAX_ARTICLES)
        with self._lock:
            queued = [article_id for article_id in found if article_id not in self._pending and article_id not in self._backlog]
            for article_id in queued:
                self._backlog[article_id] = None
        log.info("recent articles without current passages queued for embedding: %d (embedder %s)", len(queued), version)
        if queued:
            self.wake()
        return len(queued)

    @property
    def pending(self) -> list[int]:
        """The articles waiting, in the order they are embedded."""
        with self._lock:
            return [*self._pending, *(article_id for article_id in self._backlog if article_id not in self._pending)]

    # --- running (services/background.py) -----------------------------------------------------

    def on_start(self) -> None:
        # The look itself is the first round's, on the loop's thread: the app's start does not wait.
        self._sweep_due = self.sweep

    def work_round(self) -> bool:
        with self._lock:
            sweep, self._sweep_due = self._sweep_due, False
        if sweep:
            try:
                self.queue_missing()
            except Exception:  # their first comments compute the passages
                log.warning("the articles without current passages could not be looked for", exc_info=True)
        for _ in range(ROUND):
            if self.stopping:
                return False
            article_id = self._take()
            if article_id is None:
                return False
            self.embed(article_id)
        with self._lock:
            return bool(self._pending or self._backlog)

    def _take(self) -> int | None:
        """The next article to embed: changed ones first, then those found at start."""
        with self._lock:
            for queue in (self._pending, self._backlog):
                if queue:
                    article_id = next(iter(queue))
                    self._pending.pop(article_id, None)
                    self._backlog.pop(article_id, None)
                    return article_id
        return None

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
