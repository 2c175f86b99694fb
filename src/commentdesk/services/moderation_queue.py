"""The moderation queue: comments stored while the server was busy, checked as soon as it can.

A post waits `check_wait_s` for its models. When they have not answered by then (many readers
posting at once), the comment is stored as being checked (CommentStatus.CHECKING, shown
nowhere) with a job row in the same transaction, and the reader is told so. The check that
was already running carries on; when it lands, this queue decides the comment on its merits,
exactly as if it had been decided at once: published, held or rejected.

The jobs are in the database, so none is lost when a server stops: each job is taken by one
server at a time under a lease that the server renews while it works; a job whose lease runs
out (its server stopped or died) is taken by any server, after a restart too. A check that ends
in a model failure is tried again a little later; only after MAX_ATTEMPTS failures is the
comment held for a person, with the reason.

No transaction is open while the models run: a job's rows are read, the connection goes back
to the pool, the models run, and the decision is written in one short transaction.
"""

from __future__ import annotations

import logging
import threading
import time
from concurrent.futures import Future, ThreadPoolExecutor
from datetime import timedelta

from sqlalchemy.orm import Session, sessionmaker

from commentdesk.moderation.pipeline import Pipeline
from commentdesk.moderation.policy import Policy
from commentdesk.moderation.types import Candidate, ModelSignals
from commentdesk.services import events, site_articles
from commentdesk.services.background import BackgroundLoop, retry_delay_s
from commentdesk.services.posting import candidate_from, decided_fields, settle
from commentdesk.store import articles, comments
from commentdesk.store import moderation_jobs as jobs
from commentdesk.store import reports as report_store
from commentdesk.store import repository as repo
from commentdesk.store.models import (
    Comment,
    CommentStatus,
    ModerationJob,
    utcnow,
)

log = logging.getLogger(__name__)

MAX_ATTEMPTS = 3
# Seconds before the next try after a failed check (attempt 1, 2, ...).
RETRY_AFTER_S = (5, 30)
# Background connections the queue uses at once; the server's pool keeps room for them
# (config.BACKGROUND_CONNECTIONS).
QUEUE_CONNECTIONS = 2


class ModerationQueue(BackgroundLoop):
    thread_name = "moderation-queue-loop"

    def __init__(
        self,
        sessions: sessionmaker[Session],
        pipeline: Pipeline,
        *,
        check_wait_s: float,
        lease_s: float = 30.0,
        poll_s: float = 1.0,
        threads: int = 16,
        name: str | None = None,
    ) -> None:
        super().__init__(poll_s=poll_s, renew_every_s=lease_s / 3, name=name)
        self.sessions, self.pipeline = sessions, pipeline
        self.check_wait_s, self.lease_s = check_wait_s, lease_s
        self.retry_after_s = RETRY_AFTER_S
        # Checks run here, in threads that wait on the models (which batch them together); the
        # pool lives as long as the process, so posting works whether or not the queue runs.
        self._checks = ThreadPoolExecutor(max_workers=64, thread_name_prefix="check")
        self._threads = threads
        self._workers: ThreadPoolExecutor | None = None
        self._database = threading.BoundedSemaphore(QUEUE_CONNECTIONS)
        self._running: dict[int, Future] = {}  # comment id -> the check started when it was posted
        self._held: set[int] = set()  # job ids this process is working on

    # --- what posting uses ---------------------------------------------------------------------

    def start_check(self, candidate: Candidate) -> Future:
        """Run the models on a comment; the future gives its signals (failures named, never raised)."""
        return self._checks.submit(self.pipeline.models.signals, candidate)

    def enqueue(self, session: Session, comment: Comment, inputs: dict, running: Future) -> ModerationJob:
        """Add the job for a comment being stored, in the caller's transaction, held by this
        server, which decides it when `running` (its check, already started) lands."""
        with self._lock:
            self._running[comment.id] = running
        job = ModerationJob(
            comment_id=comment.id,
            inputs=inputs,
            attempts=0,
            last_error="",
            not_before=utcnow(),
            claimed_by=self.name,
            claimed_until=utcnow() + timedelta(seconds=self.lease_s),
        )
        session.add(job)
        session.flush()
        return job

    def forget(self, comment_id: int) -> None:
        """The transaction that would have stored the comment failed: there is nothing to decide."""
        with self._lock:
            self._running.pop(comment_id, None)

    # --- running (services/background.py) -----------------------------------------------------

    def on_start(self) -> None:
        self._workers = ThreadPoolExecutor(max_workers=self._threads, thread_name_prefix="moderation-queue")

    def on_stop(self) -> None:
        if self._workers is not None:
            self._workers.shutdown(wait=False, cancel_futures=True)
            self._workers = None
        with self._lock:
            self._held.clear()  # given back next; a later start takes them again

    def work_round(self) -> bool:
        workers = self._workers
        if workers is None:
            return False
        for job_id, comment_id in self._take_due_jobs():
            workers.submit(self._work, job_id, comment_id)
        return False

    def release_leases(self) -> None:
        with self._database, self.sessions() as session:
            jobs.release_all(session, self.name)
            session.commit()

    def _take_due_jobs(self, limit: int = 64) -> list[tuple[int, int]]:
        """Jobs this process holds but has not started, then due jobs nobody holds."""
        now = utcnow()
        with self._database, self.sessions() as session:
            mine = jobs.held_by(session, self.name)
            with self._lock:
                taken = [(job_id, comment_id) for job_id, comment_id in mine if job_id not in self._held]
                room = max(0, limit - len(self._held) - len(taken))
            if room:
                taken.extend(jobs.claim_due(session, self.name, now, now + timedelta(seconds=self.lease_s), room))
            session.commit()
        with self._lock:
            # A job of ours whose lease ran out (its renewal failed) is claimed again, which renews
            # the lease, and may be among ours too: it is worked on once, by the work under way if any.
            taken = [(job_id, comment_id) for job_id, comment_id in dict(taken).items() if job_id not in self._held]
            self._held.update(job_id for job_id, _comment_id in taken)
        return taken

    def renew_leases(self) -> None:
        with self._lock:
            held = list(self._held)
        if not held:
            return
        with self._database, self.sessions() as session:
            jobs.renew(session, held, self.name, utcnow() + timedelta(seconds=self.lease_s))
            session.commit()

    # --- one job -------------------------------------------------------------------------------

    def _work(self, job_id: int, comment_id: int) -> None:
        try:
            self._check_and_decide(job_id, comment_id)
        except Exception:
            log.exception("moderation job %s failed; it is tried again when its lease runs out", job_id)
        finally:
            with self._lock:
                self._held.discard(job_id)
                self._running.pop(comment_id, None)

    def _check_and_decide(self, job_id: int, comment_id: int) -> None:
        with self._database, self.sessions() as session:
            job = jobs.job(session, job_id)
            comment = comments.comment(session, comment_id)
            if job is None or job.claimed_by != self.name:
                return  # finished, or taken over by another server after our lease ran out
            if comment is None or comment.status != CommentStatus.CHECKING:
                session.delete(job)  # decided already (a person, or another server)
                session.commit()
                return
            article = articles.known_article(session, comment.article_id)
            parent_text = comment.parent.text if comment.parent is not None else None
            policy = Policy.for_site(article.site.policy)
            inputs, attempts = dict(job.inputs or {}), job.attempts
            candidate = candidate_from(inputs, comment.text, article, parent_text, comment.html)
            embedder_version = self.pipeline.models.versions.get("embedder", "")
            cached = repo.cached_passages(session, article, embedder_version) if embedder_version else None
            if cached:
                candidate.passages, candidate.passage_vectors = cached
            candidate.article_id = article.id
            candidate.site_articles = site_articles.other_articles(session, article, embedder_version)
            session.commit()  # nothing is held while the models run

        with self._lock:
            running = self._running.pop(comment_id, None)
        started = time.perf_counter()
        signals: ModelSignals = running.result() if running is not None else self.pipeline.models.signals(candidate)
        if signals.failures and attempts + 1 < MAX_ATTEMPTS:
            self._try_later(
                job_id, attempts + 1, "; ".join(f"{name}: {problem}" for name, problem in sorted(signals.failures.items()))
            )
            return
        decision = settle(
            self.pipeline.decide(candidate, signals, policy, started), policy, bool(inputs.get("sent_unchanged_after_nudge"))
        )

        with self._database, self.sessions() as session:
            # Removing the job first lets only one decider through (jobs.finish says how).
            if not jobs.finish(session, job_id, self.name):
                session.rollback()
                return  # finished, or taken over by another server after our lease ran out
            comment = comments.comment(session, comment_id, for_update=True)
            if comment is not None and comment.status == CommentStatus.CHECKING:
                fields = decided_fields(decision)
                new_status = fields.pop("status")
                for column, value in fields.items():
                    setattr(comment, column, value)
                repo.change_status(
                    session,
                    comment,
                    new_status,
                    actor="system",
                    actor_name="system",
                    action=decision.decision,
                    reasons=comment.reasons,
                )
                events.record_status(session, comment, CommentStatus.CHECKING, actor="system")
                report_store.record_nudge_outcome(session, comment.id, new_status)
                if not cached and decision.passages is not None and decision.passage_vectors is not None and embedder_version:
                    site_articles.store_passages(session, article, embedder_version, decision.passages, decision.passage_vectors)
            session.commit()

    def _try_later(self, job_id: int, attempts: int, error: str) -> None:
        delay = retry_delay_s(attempts, self.retry_after_s)
        log.warning("moderation job %s: the check failed (%s); trying again in %s s", job_id, error, delay)
        with self._database, self.sessions() as session:
            jobs.try_later(
                session, job_id, self.name, attempts=attempts, error=error, not_before=utcnow() + timedelta(seconds=delay)
            )
            session.commit()
