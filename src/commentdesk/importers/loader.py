"""Writing imported threads and comments into the store, the same way for every source.

Parsers stream records in file order; the loader keeps only small look-up tables (ids), never
the comments themselves. A comment that arrives before its thread, or a reply before its parent,
waits on disk (importers/waiting.py) until it can be placed; a reply whose parent never comes
becomes a top-level comment. Memory stays bounded whatever the order of the file.

The whole file is imported in one transaction: a failure anywhere (a broken file, a database
error, Ctrl-C) leaves the database exactly as it was, and a dry run is the same import rolled
back at the end. Each comment keeps its source id in `comments.source_id`, so importing the
same file again adds nothing.
"""

from __future__ import annotations

from collections import Counter, OrderedDict, deque
from collections.abc import Iterable
from dataclasses import dataclass, field

from pydantic import HttpUrl, TypeAdapter, ValidationError
from sqlalchemy.orm import Session

from commentdesk.importers.records import APPROVED, DELETED, SPAM, Record, SkippedEntry, SourceComment, SourceThread
from commentdesk.importers.waiting import BATCH, WaitingRoom
from commentdesk.moderation.fingerprint import simhash
from commentdesk.moderation.pipeline import Pipeline
from commentdesk.moderation.policy import Policy
from commentdesk.moderation.types import HOLD, Candidate
from commentdesk.render import render_comment
from commentdesk.services import identity, site_articles
from commentdesk.services.comment_input import MAX_NAME_CHARS, clean_name, clean_text
from commentdesk.services.posting import queue_priority
from commentdesk.store import comments
from commentdesk.store import repository as repo
from commentdesk.store.models import Comment, CommentStatus, Site

DUPLICATE_THREAD = "duplicate thread in the file (the first one kept)"
IMPORTED = "imported"  # system_decision of a comment taken over as the source decided it
ANONYMOUS = "Anonymous"
MAX_TEXT_CHARS = 100_000  # far above any real comment; longer entries are taken as damage
MAX_TITLE_CHARS = 500
MAX_URL_CHARS = 2000
FLUSH_EVERY = 500  # comments between flushes that also empty the session's memory
REMEMBERED = 50_000  # stored comments kept at hand for their replies; older ones are looked up
_URL = TypeAdapter(HttpUrl)


@dataclass
class ImportSummary:
    threads_in_file: int = 0
    articles_created: int = 0
    articles_matched: int = 0  # articles that existed before, with new or already imported comments
    imported: Counter = field(default_factory=Counter)  # stored status -> comments
    already_imported: int = 0
    made_top_level: int = 0  # replies whose parent is not stored
    skipped: Counter = field(default_factory=Counter)  # reason -> entries

    @property
    def imported_total(self) -> int:
        return sum(self.imported.values())

    def lines(self) -> list[str]:
        by_status = ", ".join(f"{status} {count}" for status, count in sorted(self.imported.items()))
        lines = [
            f"threads in file: {self.threads_in_file}; articles created: {self.articles_created}, matched: {self.articles_matched}",
            f"comments imported: {self.imported_total}" + (f" ({by_status})" if by_status else ""),
            f"already imported before: {self.already_imported}"
            + (" (skipped, left as they were)" if self.already_imported else ""),
            f"replies made top-level (parent not imported): {self.made_top_level}",
            f"skipped: {sum(self.skipped.values())}",
        ]
        lines += [f"  {reason}: {count}" for reason, count in sorted(self.skipped.items(), key=lambda item: (-item[1], item[0]))]
        return lines


@dataclass(frozen=True, slots=True)
class _Stored:
    """What a reply needs to know of a stored comment."""

    id: int
    root_id: int
    depth: int
    article_id: int


@dataclass(frozen=True, slots=True)
class _ArticleInfo:
    id: int
    title: str
    body: str
    premoderate: bool


_WAITING_FOR_THREAD = object()


class Loader:
    """Feed records with `add`, then call `finish`; the caller owns the transaction."""

    def __init__(self, session: Session, site: Site, secret: str, pipeline: Pipeline | None = None) -> None:
        self.session = session
        self.site = site
        self.site_id = site.id
        self.secret = secret
        self.pipeline = pipeline
        self.policy = Policy.for_site(site.policy)
        self.summary = ImportSummary()
        self._threads: dict[str, SourceThread] = {}  # declared, no comment stored yet
        self._declared: set[str] = set()  # every thread key seen, to count a repeated one
        self._articles: dict[str, _ArticleInfo | None] = {}  # thread key -> article (None: unusable)
        self._counted: set[int] = set()  # articles counted as created or matched, each once
        self._stored: OrderedDict[str, _Stored] = OrderedDict()  # source id -> stored comment (the latest)
        self._gone: set[str] = set()  # source ids that will never be stored
        self._queued: set[str] = set()  # source ids read but not settled yet
        self._waiting = WaitingRoom()  # (kind, key) -> comments waiting on it
        self._released: deque[tuple[str, str]] = deque()  # keys whose waiting comments may go now
        self._ready: deque[SourceComment] = deque()
        self._commenters: dict[str, int] = {}
        self._passages: dict[int, tuple] = {}
        self._passages_stored: set[int] = set()  # articles whose passages this import stored
        self._written = 0

    # --- feeding ------------------------------------------------------------------------------

    def add(self, record: Record) -> None:
        if isinstance(record, SourceThread):
            if record.key in self._declared:
                # The first declaration stands; the comments naming this id go to its article.
                self.summary.skipped[DUPLICATE_THREAD] += 1
            else:
                self._declared.add(record.key)
                self.summary.threads_in_file += 1
                self._threads[record.key] = record
                self._release(("thread", record.key))
        elif isinstance(record, SkippedEntry):
            self._skip(record.reason, record.source_id)
        else:
            self._add_comment(record)
        self._drain()

    def finish(self) -> ImportSummary:
        """Settle what still waits: comments of undeclared threads are skipped, orphans become top-level."""
        for key in self._waiting.keys("thread"):
            while batch := self._waiting.take(key):
                for comment in batch:
                    self._skip("thread not in the file", comment.source_id)
        self._drain()
        while self._waiting:
            # Parents that never came: their replies become top-level (and their own replies follow).
            missing = [key for key in self._waiting.keys() if key[1] not in self._queued]
            for key in missing:
                self._gone.add(key[1])
                self._release(key)
            if not missing:
                # Every waiting parent waits itself: replies answering each other in a loop.
                # Break the loop at one of them.
                comment = self._waiting.take(self._waiting.keys()[0], 1)[0]
                comment.parent_id = None
                self.summary.made_top_level += 1
                self._ready.append(comment)
            self._drain()
        self.session.flush()
        return self.summary

    def close(self) -> None:
        self._waiting.close()

    # --- comments -----------------------------------------------------------------------------

    def _add_comment(self, comment: SourceComment) -> None:
        if comment.source_id in self._stored or comment.source_id in self._gone or comment.source_id in self._queued:
            self.summary.skipped["duplicate entry in the file"] += 1
            return
        if comment.state in (SPAM, DELETED):
            self._skip(f"{comment.state} in the source", comment.source_id)
            return
        existing = self._stored_before(comment.source_id)
        if existing is not None:
            self.summary.already_imported += 1
            # Its article existed before this import: a re-import matches it though it stores nothing.
            self._count_matched(existing.article_id)
            self._remember(comment.source_id, existing)
            return
        text = clean_text(comment.text)
        if not text:
            self._skip("empty text", comment.source_id)
            return
        if len(text) > MAX_TEXT_CHARS:
            self._skip(f"text over {MAX_TEXT_CHARS} characters", comment.source_id)
            return
        comment.text = text
        self._queued.add(comment.source_id)
        self._ready.append(comment)

    def _try_place(self, comment: SourceComment) -> None:
        """Store the comment if its thread and parent are settled; otherwise let it wait."""
        article = self._article(comment.thread_key)
        if article is _WAITING_FOR_THREAD:
            self._wait(("thread", comment.thread_key), comment)
            return
        if article is None:
            self._skip("thread without a usable http(s) URL", comment.source_id)
            return
        parent = None
        if comment.parent_id is not None:
            parent = self._stored.get(comment.parent_id)
            if parent is None and comment.parent_id not in self._gone:
                parent = self._stored_before(comment.parent_id)
                if parent is None:
                    self._wait(("comment", comment.parent_id), comment)
                    return
                self._keep(comment.parent_id, parent)
            if parent is None or parent.article_id != article.id:
                self.summary.made_top_level += 1
                parent = None
        self._store(comment, article, parent)

    def _store(self, source: SourceComment, article: _ArticleInfo, parent: _Stored | None) -> None:
        name = clean_name(source.author_name)[:MAX_NAME_CHARS].strip() or ANONYMOUS
        email = identity.normal_email(source.author_email)
        email_hash = identity.email_hash(self.secret, email) if email and identity.is_email(email) else None
        who = identity.commenter_identity(self.secret, name, email_hash)
        comment = Comment(
            site_id=self.site_id,
            article_id=article.id,
            parent_id=parent.id if parent else None,
            root_id=parent.root_id if parent else None,
            depth=parent.depth + 1 if parent else 0,
            commenter_id=self._commenter(who, name, email_hash),
            author_name=name,
            email_hash=email_hash,
            text=source.text,
            html=render_comment(source.text),
            created_at=source.created_at,
            updated_at=source.created_at,
            source_id=source.source_id,
        )
        self._decide(comment, source, article, parent)
        repo.add_comment(
            self.session, comment, actor_reasons=comment.reasons, scores=comment.scores, model_versions=comment.model_versions
        )
        self.summary.imported[comment.status] += 1
        root_id = comment.root_id if comment.root_id is not None else comment.id  # add_comment sets it; a root is its own
        self._remember(source.source_id, _Stored(comment.id, root_id, comment.depth, article.id))
        self._written += 1
        if self._written % FLUSH_EVERY == 0:
            self.session.flush()
            self.session.expunge_all()  # keep memory flat on large imports; only ids are kept

    def _decide(self, comment: Comment, source: SourceComment, article: _ArticleInfo, parent: _Stored | None) -> None:
        """Take over the source's decision, or with a pipeline, let commentdesk's moderation decide."""
        approved = source.state == APPROVED
        if self.pipeline is None:
            comment.status = CommentStatus.PUBLISHED if approved else CommentStatus.PENDING
            comment.system_decision = IMPORTED
            comment.scores, comment.reasons, comment.model_versions = {}, [], {}
            comment.fingerprint = simhash(comment.text)
            return
        parent_text = comments.texts(self.session, [parent.id]).get(parent.id) if parent else None
        candidate = Candidate(
            text=comment.text,
            html=comment.html,
            article_title=article.title,
            article_body=article.body,
            parent_text=parent_text,
            author_name=comment.author_name,
            premoderated=article.premoderate,
            posted_at=source.created_at,
        )
        if article.id in self._passages:
            candidate.passages, candidate.passage_vectors = self._passages[article.id]
        decision = self.pipeline.moderate(candidate, self.policy)
        if decision.passages is not None and decision.passage_vectors is not None:
            # Comments come grouped by thread: keeping one article's passages is enough.
            self._passages = {article.id: (decision.passages, decision.passage_vectors)}
            self._store_passages(article.id, decision.passages, decision.passage_vectors)
        # A comment still waiting for review in the source stays in the queue, with its scores.
        comment.status = decision.status if approved else CommentStatus.PENDING
        comment.system_decision = decision.decision if approved else HOLD
        comment.scores = decision.scores
        comment.reasons = [reason.as_dict() for reason in decision.reasons]
        comment.model_versions = decision.model_versions
        comment.fingerprint = decision.fingerprint
        comment.priority = queue_priority(decision)

    def _store_passages(self, article_id: int, passages, vectors) -> None:
        """Store the passages the checks computed, as a posted first comment does: the imported
        article is then in its site's bank of other articles (services/site_articles.py)."""
        assert self.pipeline is not None
        version = self.pipeline.models.versions.get("embedder", "")
        if not version or article_id in self._passages_stored:
            return
        site_articles.store_passages(self.session, repo.known_article(self.session, article_id), version, passages, vectors)
        self._passages_stored.add(article_id)

    # --- look-ups -----------------------------------------------------------------------------

    def _stored_before(self, source_id: str) -> _Stored | None:
        row = comments.imported(self.session, self.site_id, source_id)
        return _Stored(row.id, row.root_id or row.id, row.depth, row.article_id) if row else None

    def _article(self, thread_key: str):
        """The article for a thread, created on its first stored comment; None if its URL is unusable."""
        if thread_key in self._articles:
            return self._articles[thread_key]
        thread = self._threads.pop(thread_key, None)
        if thread is None:
            return _WAITING_FOR_THREAD
        url = normalized_url(thread.url)
        if url is None:
            self._articles[thread_key] = None
            return None
        article = repo.article_by_url(self.session, self.site_id, url) or repo.article_by_url(
            self.session, self.site_id, thread.url
        )
        if article is None:
            # Cleaned as comments are: a source may hold NUL, which PostgreSQL refuses.
            title = " ".join(clean_text(thread.title).split())[:MAX_TITLE_CHARS] or url[:MAX_TITLE_CHARS]
            body = clean_text(thread.body)
            article, _created = repo.upsert_article(self.session, self.site, url, title=title, body=body)
            self.summary.articles_created += 1
            self._counted.add(article.id)
        else:
            self._count_matched(article.id)  # an article registered by the CMS keeps its own title and text
        info = _ArticleInfo(article.id, article.title, article.body or "", bool(article.premoderate))
        self._articles[thread_key] = info
        return info

    def _count_matched(self, article_id: int) -> None:
        if article_id not in self._counted:
            self._counted.add(article_id)
            self.summary.articles_matched += 1

    def _commenter(self, identity: str, name: str, email_hash: str | None) -> int:
        if identity not in self._commenters:
            self._commenters[identity] = repo.commenter_for(self.session, self.site_id, identity, name, email_hash).id
        return self._commenters[identity]

    # --- waiting and settling -----------------------------------------------------------------

    def _wait(self, key: tuple[str, str], comment: SourceComment) -> None:
        self._waiting.add(key, comment)

    def _keep(self, source_id: str, stored: _Stored) -> None:
        # The latest stored comments answer most replies; older parents are found in the database.
        self._stored[source_id] = stored
        self._stored.move_to_end(source_id)
        if len(self._stored) > REMEMBERED:
            self._stored.popitem(last=False)

    def _remember(self, source_id: str, stored: _Stored) -> None:
        self._keep(source_id, stored)
        self._queued.discard(source_id)
        self._release(("comment", source_id))

    def _skip(self, reason: str, source_id: str | None) -> None:
        self.summary.skipped[reason] += 1
        if source_id:
            self._queued.discard(source_id)
            self._gone.add(source_id)
            self._release(("comment", source_id))  # its replies become top-level

    def _release(self, key: tuple[str, str]) -> None:
        # Queued rather than stored at once: a long chain of waiting replies must not recurse.
        self._released.append(key)

    def _drain(self) -> None:
        while self._ready or self._released:
            if self._ready:
                self._try_place(self._ready.popleft())
                continue
            batch = self._waiting.take(self._released[0], BATCH)  # a batch at a time: memory stays flat
            if batch:
                self._ready.extend(batch)
            else:
                self._released.popleft()


def normalized_url(raw: str) -> str | None:
    """The article address as the HTTP API stores it, or None when it is not an http(s) URL."""
    raw = raw.strip()
    if not raw or len(raw) > MAX_URL_CHARS:
        return None
    try:
        url = str(_URL.validate_python(raw))
    except ValidationError:
        return None
    return url if len(url) <= MAX_URL_CHARS else None


def import_records(
    session: Session,
    site: Site,
    records: Iterable[Record],
    *,
    secret: str,
    pipeline: Pipeline | None = None,
    dry_run: bool = False,
) -> ImportSummary:
    """Import a whole file in one transaction: committed at the end, or rolled back on any error or dry run."""
    loader = Loader(session, site, secret, pipeline)
    try:
        for record in records:
            loader.add(record)
        summary = loader.finish()
    except BaseException:
        session.rollback()
        raise
    finally:
        loader.close()
    if dry_run:
        session.rollback()
    else:
        session.commit()
    return summary
