"""Posting a comment: validate, moderate, store with its decision, in that order.

The comment is written together with its moderation event (and, when its check has to wait,
its moderation job) in one transaction and committed before the caller answers, so an
acknowledged comment is never lost.
"""

from __future__ import annotations

import hashlib
import hmac
import logging
import secrets
import threading
import time
from concurrent.futures import Future
from concurrent.futures import TimeoutError as FutureTimeout
from dataclasses import dataclass, fields, replace
from typing import TYPE_CHECKING, Literal

from sqlalchemy.orm import Session

from commentdesk.i18n import N_
from commentdesk.i18n import gettext as _
from commentdesk.moderation import reasons
from commentdesk.moderation.pipeline import Pipeline
from commentdesk.moderation.policy import Policy
from commentdesk.moderation.types import (
    HOLD,
    PUBLISH,
    REJECT,
    Candidate,
    CommenterHistory,
    Decision,
    PhaseResult,
    Reason,
    RecentActivity,
)
from commentdesk.render import render_comment
from commentdesk.services import events, identity, site_articles
from commentdesk.services.comment_input import PostingError, checked_email, validate
from commentdesk.store import commenters, comments, db, flood, guest_bans
from commentdesk.store import reports as report_store
from commentdesk.store import repository as repo
from commentdesk.store.models import Article, Comment, Commenter, CommentStatus, Nudge, utcnow

if TYPE_CHECKING:
    from commentdesk.services.reader_identity import Reader

log = logging.getLogger(__name__)

MAX_DEPTH = 50


# Reasons an author can fix by rewording (moderation.reasons); spam, flooding and bans are not
# open to a nudge.
NUDGEABLE = reasons.NUDGEABLE
# A site's banned words reject however often the comment is sent; the models' judgements are
# open to a person when the author insists (see `reviewed_after_nudge`).
SURE_REJECTIONS = {"banned_word"}


@dataclass
class Posted:
    comment: Comment
    # None while the comment is being checked (stored while the server was busy).
    decision: Decision | None
    # The secret that lets the author edit or delete this comment; handed out once, only its hash is kept.
    edit_token: str | None = None

    @property
    def checking(self) -> bool:
        return self.decision is None


CHECKING_MESSAGE = N_(
    "Your comment is saved and is being checked; many readers are posting right now. You will see here whether it is published."
)


@dataclass
class Nudged:
    """Nothing was stored: the author is asked to reconsider, and may send it again with `token`."""

    token: str
    decision: Decision

    def message(self) -> str:
        detail = " ".join(words for _code, words in self.decision.reader_reasons())
        if any(reason.code in SURE_REJECTIONS for reason in self.decision.reasons):
            choice = _("Please edit it and post again: as it is, it cannot be published.")
        else:
            choice = _(
                "You can edit it and post again, or post it unchanged and a moderator will read it before it is published."
            )
        return " ".join(part for part in (_("Before you post: your comment may break our guidelines."), detail, choice) if part)


def reviewed_after_nudge(decision: Decision) -> Decision:
    """A nudged comment sent unchanged goes to a moderator, as the nudge promised: a rejection
    that rests only on the models' judgement becomes a hold. Banned words and the rules that are
    sure (spam, floods) still reject."""
    if decision.decision != REJECT or not all(reason.code in NUDGEABLE - SURE_REJECTIONS for reason in decision.reasons):
        return decision
    decision.decision = HOLD
    decision.reasons.append(
        Reason("sent_after_nudge", N_("You posted it unchanged after our warning, so a moderator will read it."))
    )
    return decision


def _draft_hash(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


def _fixable_by_author(decision: Decision, policy: Policy) -> bool:
    """Whether a nudge may offer the author a rewording: the site nudges, the comment would not be
    published, and every reason is one rewording can fix."""
    return (
        policy.nudge
        and decision.decision != PUBLISH
        and bool(decision.reasons)
        and all(reason.code in NUDGEABLE for reason in decision.reasons)
    )


# The refusals a new comment and an edit share; built when raised, in the reader's language.
def _comments_closed() -> PostingError:
    return PostingError("comments_closed", _("Comments are closed on this article."), status=403)


def _too_many_comments() -> PostingError:
    return PostingError(
        "too_many_comments", _("Too many comments from your network in the last minute; please wait a minute."), status=429
    )


def _commenter_banned() -> PostingError:
    return PostingError("commenter_banned", _("You cannot comment on this site at the moment."), status=403)


@dataclass(frozen=True)
class _Author:
    """Who posts, after validation, and where their mail goes."""

    name: str
    body: str
    email_hash: str | None
    mail_to: str | None
    mail_verified: bool


def accepts_replies(parent: Comment, article: Article) -> bool:
    """Whether readers may reply to `parent` under `article`: a published comment of that article,
    not deleted by its author (the API and the reader pages ask the same)."""
    return parent.article_id == article.id and parent.status == CommentStatus.PUBLISHED and parent.deleted_at is None


class RefusedAddresses:
    """Addresses this process refused for flooding in the last minute (their keyed hashes): a
    hint for the order of work, never a decision; the flood count decides (store/flood.py)."""

    LIMIT = 10_000  # addresses kept; the table starts again when full

    def __init__(self) -> None:
        self._until: dict[str, float] = {}
        self._lock = threading.Lock()

    def note(self, address_hash: str | None) -> None:
        if address_hash is None:
            return
        with self._lock:
            if len(self._until) >= self.LIMIT:
                self._until.clear()
            self._until[address_hash] = time.monotonic() + flood.WINDOW.total_seconds()

    def lately(self, address_hash: str | None) -> bool:
        if address_hash is None:
            return False
        with self._lock:
            until = self._until.get(address_hash)
            if until is not None and until <= time.monotonic():
                del self._until[address_hash]
                until = None
        return until is not None


class CommentPoster:
    """Moderates and stores comments. The models start as soon as what they read is known (the
    texts, the article's passages), before the flood count unless the address was refused for
    flooding lately; the flood count and the commenter's record are read while they run; the post
    waits for them with no transaction open, then writes in one short transaction: a busy model
    never holds a database connection or, on SQLite, the single write lock.

    With a moderation queue, a comment whose check is not done within `queue.check_wait_s`
    (the server is busy) is stored as being checked and decided by the queue as soon as the
    models are free; without one, posting waits for the models.
    """

    def __init__(self, pipeline: Pipeline, secret: str, max_chars: int = 5000, queue=None, notifier=None) -> None:
        self.pipeline = pipeline
        self.secret = secret
        self.max_chars = max_chars
        self.queue = queue  # services.moderation_queue.ModerationQueue
        self.notifier = notifier  # services.notifications.notifier.Notifier
        self.refused = RefusedAddresses()

    def post(
        self,
        session: Session,
        article: Article,
        *,
        author_name: str,
        author_email: str | None,
        text: str,
        parent_id: int | None = None,
        client_address: str | None = None,
        nudge: bool = False,
        nudge_token: str | None = None,
        defer_when_busy: bool = True,
        reader: Reader | None = None,
        guest_token_hash: str | None = None,
        notify: bool = False,
    ) -> Posted | Nudged:
        """Moderate and store a comment. With `nudge`, a comment the author could fix by rewording
        is not stored; the answer explains why, and the author may edit it and send it again
        with the returned token (or send it unchanged). Without `defer_when_busy` (seeding,
        scripts) it waits for the models however long they take.

        A `reader` signed in through the publisher posts as their account (name and e-mail from
        the publisher); a guest is known by e-mail, or name and address, and may carry the
        keyed hash of the embed's first-party token, which a guest ban covers. With `notify`, the
        author hears of replies and of the moderators' decision at the address they gave (a
        signed-in reader: the one in the publisher's token, else the one they typed), once the
        address's owner confirms it for this comment; an address the publisher marked verified
        needs no confirmation."""
        began = time.perf_counter()
        site = article.site
        policy = Policy.for_site(site.policy)
        author = self._author(policy, reader, author_name, author_email, text, notify)
        if repo.comments_closed(article, policy.close_after_days):
            raise _comments_closed()
        parent = self._parent(session, article, parent_id)
        ip_hash = identity.address_hash(self.secret, client_address)
        who = (
            reader.identity_hash
            if reader is not None
            else identity.commenter_identity(self.secret, author.name, author.email_hash, ip_hash)
        )
        candidate, cached, embedder_version = self._model_inputs(
            session, article, body=author.body, name=author.name, parent=parent
        )
        # The models need only the texts and the article: they run while the flood count and the
        # rest are read, which take a post's first milliseconds off its wait (the models are the
        # longest part of it). A refusal below only drops their answer. An address refused lately
        # is counted first, so that a flood's refused posts cost no model work.
        flooding = self.refused.lately(ip_hash)
        check = None if flooding else self._start_check(candidate)
        # The flood count runs in a transaction of its own (store/flood.py): give this session's
        # connection back first, so one post never holds two.
        session.commit()
        timing = PostTiming(began)
        posts = self._count_post(session, site.id, who, ip_hash, policy)
        timing.flood_counted()
        if check is None:
            check = self._start_check(candidate)
        commenter = self._allowed_commenter(session, site.id, who, reader, [ip_hash, guest_token_hash])
        candidate = self._with_context(session, candidate, article, policy, commenter=commenter, posts=posts)
        answered = self._open_nudge(session, article, nudge_token) if nudge_token else None
        sent_unchanged = answered is not None and answered.draft_hash == _draft_hash(author.body)
        session.commit()  # the reads are done: no connection is held while waiting for the models
        # Work that needs no database, done while the models may still be running.
        html = render_comment(author.body)
        candidate.html = html  # the rules' own copy: the spam phase reads its links from it
        edit_token = secrets.token_urlsafe(24)
        prepared = self.pipeline.prepare(candidate, policy)

        timing.models_awaited()
        decision, running = self._decide(check, candidate, policy, sent_unchanged, defer_when_busy, prepared)
        timing.models_answered()
        if decision is not None and nudge and not nudge_token and _fixable_by_author(decision, policy):
            return self._nudged(session, article, author.body, decision)

        # Built before the first write: on SQLite the write lock is held from there to the commit.
        comment = Comment(
            site_id=site.id,
            article_id=article.id,
            parent_id=parent.id if parent else None,
            root_id=parent.root_id if parent else None,
            depth=(parent.depth + 1) if parent else 0,
            author_name=author.name,
            email_hash=author.email_hash,
            ip_hash=ip_hash,
            text=author.body,
            html=html,
            guest_token_hash=None if reader is not None else guest_token_hash,
            edit_token_hash=edit_token_hash(edit_token),
            **(decided_fields(decision) if decision is not None else CHECKING_FIELDS),
        )
        # The commenter read before the models (commenters are never deleted), or a new one.
        if commenter is None:
            commenter = repo.add_commenter(session, site.id, who, author.name, author.email_hash, is_account=reader is not None)
        else:
            commenter.display_name = author.name
        comment.commenter_id = commenter.id
        if decision is not None and not cached and embedder_version:
            self._keep_passages(session, article, embedder_version, decision)
        repo.add_comment(
            session, comment, actor_reasons=comment.reasons, scores=comment.scores, model_versions=comment.model_versions
        )
        events.record_posted(session, comment)
        if decision is None:
            self.queue.enqueue(session, comment, check_inputs(candidate, sent_unchanged), running)
        if notify and author.mail_to:
            self.notifier.watch(session, comment, author.mail_to, verified=author.mail_verified, account=reader is not None)
        if answered is not None:
            # An unknown or reused token only loses the statistic, never the comment.
            answered.comment_id, answered.outcome, answered.resolved_at = comment.id, comment.status, utcnow()
            answered.edited = not sent_unchanged
        self._commit_post(session, comment, timing, queued=decision is None)
        return Posted(comment, decision, edit_token)

    def _author(
        self, policy: Policy, reader: Reader | None, author_name: str, author_email: str | None, text: str, notify: bool
    ) -> _Author:
        """The validated name and text, and where the author's mail goes. Refuses a guest where
        the site asks readers to sign in, and a request for mail that cannot be sent."""
        if reader is not None:
            name, _none, body = validate(reader.name, None, text, self.max_chars)
            # The typed address is read only for mail, and only when the token carries none.
            mail_to = reader.email or (checked_email(author_email) if notify else None)
            author = _Author(name, body, reader.email_hash, mail_to, reader.email is not None and reader.email_verified)
        else:
            if policy.accounts_required:
                raise PostingError("account_required", _("Please sign in on this site to comment."), status=401)
            name, email, body = validate(author_name, author_email, text, self.max_chars)
            email_hash = identity.email_hash(self.secret, email) if email else None
            author = _Author(name, body, email_hash, email, mail_verified=False)
        if notify:
            self._check_notify(author.mail_to)
        return author

    def _count_post(self, session: Session, site_id: int, who: str, ip_hash: str | None, policy: Policy) -> flood.PostCounts:
        """Count this post in the last minute's; refuses it when its network posts too often."""
        posts = flood.count_post(session, site_id, who, ip_hash, refuse_at=policy.refuse_per_minute_address)
        if posts.refused:
            self.refused.note(ip_hash)
            raise _too_many_comments()
        return posts

    @staticmethod
    def _allowed_commenter(
        session: Session, site_id: int, who: str, reader: Reader | None, guest_keys: list[str | None]
    ) -> Commenter | None:
        """The commenter's record (None for a first comment); refuses a banned one. A banned guest
        who changes name is still refused by the address or token they were banned with."""
        commenter = repo.commenter_by_identity(session, site_id, who)
        if (commenter is not None and repo.is_banned(commenter)) or (
            reader is None and guest_bans.banned(session, site_id, guest_keys)
        ):
            raise _commenter_banned()
        return commenter

    @staticmethod
    def _nudged(session: Session, article: Article, body: str, decision: Decision) -> Nudged:
        """Keep what the nudge said (its draft's hash and reasons) and hand its token back; the
        comment itself is not stored."""
        token = secrets.token_urlsafe(24)
        session.add(
            Nudge(
                token=token,
                site_id=article.site_id,
                article_id=article.id,
                draft_hash=_draft_hash(body),
                reasons=[reason.as_dict() for reason in decision.reasons],
            )
        )
        session.commit()
        return Nudged(token, decision)

    @staticmethod
    def _keep_passages(session: Session, article: Article, embedder_version: str, decision: Decision) -> None:
        """Store the article's passages the models computed for this comment, so the next comment
        reuses them."""
        if decision.passages is not None and decision.passage_vectors is not None:
            site_articles.store_passages(session, article, embedder_version, decision.passages, decision.passage_vectors)

    def _commit_post(self, session: Session, comment: Comment, timing: PostTiming, *, queued: bool) -> None:
        """Commit the comment (and its queued check); a queued check whose comment was not stored
        is forgotten, and one that was is handed to the queue's threads."""
        turn = timing.writer_turn(session)
        try:
            session.commit()
        except Exception:
            if queued:
                self.queue.forget(comment.id)
            raise
        timing.stored(turn)
        if queued:
            self.queue.wake()

    def _model_inputs(self, session: Session, article: Article, *, body: str, name: str, parent: Comment | None):
        """What the models read (the texts, the article and its cached passages), as a candidate
        without the commenter's record; with the cached passages and the embedder version."""
        candidate = Candidate(
            text=body,
            article_title=article.title,
            article_body=article.body,
            parent_text=parent.text if parent else None,
            author_name=name,
            premoderated=article.premoderate,
        )
        embedder_version = self.pipeline.models.versions.get("embedder", "")
        cached = repo.cached_passages(session, article, embedder_version) if embedder_version else None
        if cached:
            candidate.passages, candidate.passage_vectors = cached
        return candidate, cached, embedder_version

    def _with_context(
        self,
        session: Session,
        candidate: Candidate,
        article: Article,
        policy: Policy,
        *,
        commenter: Commenter | None,
        posts: flood.PostCounts,
    ) -> Candidate:
        """The candidate with what only the rules read: the commenter's record and recent activity.
        A copy: the one the models were given may still be on its way to them."""
        # No commenter has id 0: a first-time commenter has no history and no earlier posts.
        commenter_id = commenter.id if commenter is not None else 0
        activity = repo.recent_activity(session, article.site_id, commenter_id, candidate.text, policy.duplicate_window_minutes)
        history = CommenterHistory()
        if commenter is not None:
            history = CommenterHistory(
                commenter.published_count,
                commenter.rejected_count,
                repo.recent_rejections(session, commenter.id, policy.recent_rejection_days),
            )
        recent = RecentActivity(
            posts.by_commenter, posts.by_address, activity.same_text_by_commenter, activity.recent_fingerprints
        )
        embedder_version = self.pipeline.models.versions.get("embedder", "")
        return replace(
            candidate,
            history=history,
            recent=recent,
            article_id=article.id,
            site_articles=site_articles.other_articles(session, article, embedder_version),
        )

    def recheck(
        self, session: Session, comment: Comment, text: str, client_address: str | None = None
    ) -> tuple[str, str, Decision]:
        """Moderate an edited text exactly as a new comment is moderated (same limits, bans, flood
        counts, rules and models); returns the cleaned text, its HTML and the decision. Nothing is
        written but the flood count and the article's passages: the caller stores the edit."""
        article = comment.article
        policy = Policy.for_site(article.site.policy)
        _name, _none, body = validate(comment.author_name, None, text, self.max_chars)
        if repo.comments_closed(article, policy.close_after_days):
            raise _comments_closed()
        commenter = commenters.known_commenter(session, comment.commenter_id)
        ip_hash = identity.address_hash(self.secret, client_address)
        candidate, cached, embedder_version = self._model_inputs(
            session, article, body=body, name=comment.author_name, parent=comment.parent
        )
        session.commit()
        posts = flood.count_post(
            session, article.site_id, commenter.identity_hash, ip_hash, refuse_at=policy.refuse_per_minute_address
        )
        if posts.refused:
            raise _too_many_comments()
        check = self._start_check(candidate)
        session.refresh(commenter)
        if repo.is_banned(commenter):
            raise _commenter_banned()
        candidate = self._with_context(session, candidate, article, policy, commenter=commenter, posts=posts)
        session.commit()  # no connection is held while waiting for the models
        html = render_comment(body)
        candidate.html = html  # as in post: the spam phase reads its links from the HTML to be stored
        decision, _running = self._decide(check, candidate, policy, False, defer_when_busy=False)
        assert decision is not None  # waited for however long the models took
        if not cached and embedder_version:
            self._keep_passages(session, article, embedder_version, decision)
        return body, html, decision

    def _check_notify(self, email: str | None) -> None:
        if self.notifier is None or not self.notifier.enabled:
            raise PostingError("notifications_unavailable", _("This site does not send e-mail."), field="notify")
        if not email:
            raise PostingError("email_required", _("Give your e-mail address to be told of replies."), field="author_email")

    def _start_check(self, candidate: Candidate) -> tuple[Future | None, float]:
        """Start the models on `candidate` (the moderation queue's threads run them); without a
        queue they run in `_decide`, in this thread."""
        started = time.perf_counter()
        return (self.queue.start_check(candidate) if self.queue is not None else None), started

    def _decide(
        self,
        check: tuple[Future | None, float],
        candidate: Candidate,
        policy: Policy,
        sent_unchanged: bool,
        defer_when_busy: bool,
        prepared: dict[str, PhaseResult] | None = None,
    ) -> tuple[Decision | None, Future | None]:
        """(decision, None) when the models answer in time; (None, the running check) when
        the server is too busy to answer within the queue's wait. `prepared`: the text-only
        phases' results (Pipeline.prepare), computed while the models ran."""
        running, started = check
        if running is None:
            signals = self.pipeline.models.signals(candidate)
        elif self.queue is None or not defer_when_busy:
            signals = running.result()
        else:
            try:
                signals = running.result(timeout=self.queue.check_wait_s)
            except FutureTimeout:
                return None, running
        return settle(self.pipeline.decide(candidate, signals, policy, started, prepared), policy, sent_unchanged), None

    @staticmethod
    def _open_nudge(session: Session, article: Article, token: str) -> Nudge | None:
        return report_store.open_nudge(session, article.id, token)

    @staticmethod
    def _parent(session: Session, article: Article, parent_id: int | None) -> Comment | None:
        if parent_id is None:
            return None
        parent = comments.comment(session, parent_id)
        if parent is None or not accepts_replies(parent, article):
            raise PostingError(
                "parent_not_found", _("The comment you are replying to is not available."), status=404, field="parent_id"
            )
        if parent.depth >= MAX_DEPTH:
            raise PostingError(
                "thread_too_deep", _("This conversation is too deep to reply further; reply higher up."), field="parent_id"
            )
        return parent


class PostTiming:
    """Where a post's time went, logged at debug level (`--log-level debug`): the flood count
    and the storing each wait for SQLite's write lock, the models for their turn, so a slow post
    shows which one kept it. On SQLite the storing also shows its wait for the write lock and how
    long it held it (first write to commit returned): what one post takes from every other."""

    def __init__(self, began: float) -> None:
        self.began, self.mark = began, time.perf_counter()
        self.flood_ms = self.models_ms = 0.0

    def _since_mark(self) -> float:
        now = time.perf_counter()
        spent, self.mark = (now - self.mark) * 1000, now
        return spent

    def flood_counted(self) -> None:
        self.flood_ms = self._since_mark()

    def models_awaited(self) -> None:
        self._since_mark()

    def models_answered(self) -> None:
        self.models_ms = self._since_mark()

    @staticmethod
    def writer_turn(session: Session) -> tuple[float, float] | None:
        """The store transaction's writer turn, read before its commit gives it back."""
        return db.writer_turn(session) if log.isEnabledFor(logging.DEBUG) else None

    def stored(self, turn: tuple[float, float] | None = None) -> None:
        if log.isEnabledFor(logging.DEBUG):
            store_ms = self._since_mark()
            lock = ""
            if turn is not None:
                wait_s, taken_at = turn
                lock = f" (lock wait {wait_s * 1000:.1f}, lock held {(self.mark - taken_at) * 1000:.1f})"
            log.debug(
                "post phases ms: flood count %.1f, models %.1f, store %.1f%s, all %.1f",
                self.flood_ms,
                self.models_ms,
                store_ms,
                lock,
                (self.mark - self.began) * 1000,
            )


def edit_token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def queue_priority(decision: Decision) -> float:
    """Queue order for moderators: likely abuse first, then spam, then the rest."""
    scores = decision.scores
    return round(2.0 * scores.get("abuse", 0.0) + scores.get("spam", 0.0) + (1.0 - scores.get("relevance", 1.0)) * 0.5, 4)


def settle(decision: Decision, policy: Policy, sent_unchanged_after_nudge: bool) -> Decision:
    """The pipeline's decision as the site words it, and as the nudge promised."""
    decision.reader_detail = policy.show_scores_to_readers
    return reviewed_after_nudge(decision) if sent_unchanged_after_nudge else decision


def decided_fields(decision: Decision) -> dict:
    """The comment's columns that record its automatic decision."""
    return {
        "status": decision.status,
        "system_decision": decision.decision,
        "scores": decision.scores,
        "reasons": [reason.as_dict() for reason in decision.reasons],
        "model_versions": decision.model_versions,
        "priority": queue_priority(decision),
        "fingerprint": decision.fingerprint,
    }


# A comment stored before its check: no decision yet, shown nowhere (CommentStatus.CHECKING).
CHECKING_FIELDS = {
    "status": CommentStatus.CHECKING,
    "system_decision": "check",
    "scores": {},
    "reasons": [],
    "model_versions": {},
    "priority": 0.0,
    "fingerprint": None,
}


def check_inputs(candidate: Candidate, sent_unchanged_after_nudge: bool) -> dict:
    """What a later check needs besides the comment, article and parent rows, as it was at posting."""
    history, recent = candidate.history or CommenterHistory(), candidate.recent or RecentActivity()
    return {
        "author_name": candidate.author_name,
        "premoderated": candidate.premoderated,
        "history": {"published": history.published, "rejected": history.rejected, "recent_rejections": history.recent_rejections},
        "recent": {
            "by_commenter_last_minute": recent.by_commenter_last_minute,
            "by_address_last_minute": recent.by_address_last_minute,
            "same_text_by_commenter": recent.same_text_by_commenter,
            "recent_fingerprints": [int(value) for value in recent.recent_fingerprints],
        },
        "sent_unchanged_after_nudge": sent_unchanged_after_nudge,
    }


def candidate_from(inputs: dict, text: str, article: Article, parent_text: str | None, html: str | None = None) -> Candidate:
    """The candidate `check_inputs` recorded, for the comment's later check (`html`: the text as stored rendered)."""
    return Candidate(
        text=text,
        html=html,
        article_title=article.title,
        article_body=article.body,
        parent_text=parent_text,
        author_name=inputs.get("author_name", ""),
        premoderated=bool(inputs.get("premoderated", False)),
        history=CommenterHistory(**inputs.get("history", {})),
        recent=RecentActivity(**inputs.get("recent", {})),
    )


def status_token(secret: str, comment_id: int) -> str:
    """Lets the author, and only the author, ask how the check of a comment came out."""
    return hmac.new(secret.encode(), f"comment-outcome:{comment_id}".encode(), hashlib.sha256).hexdigest()[:32]


def status_token_matches(secret: str, comment_id: int, token: str) -> bool:
    return hmac.compare_digest(status_token(secret, comment_id).encode(), token.encode())


OutcomeWord = Literal["published", "held", "rejected", "checking"]


@dataclass
class Outcome:
    """What the author is told about a comment: the outcome word, a message, the reasons."""

    outcome: OutcomeWord
    message: str
    reasons: list[tuple[str, str]]  # (code, words for the author)


OUTCOME_WORDS: dict[str, OutcomeWord] = {
    CommentStatus.PUBLISHED: "published",
    CommentStatus.PENDING: "held",
    CommentStatus.REJECTED: "rejected",
    CommentStatus.CHECKING: "checking",
}
_PLAIN_MESSAGES = {
    CommentStatus.PUBLISHED: N_("Your comment is published."),
    CommentStatus.PENDING: N_("Your comment is held for review by a moderator."),
    CommentStatus.REJECTED: N_("Your comment was not published."),
}


def outcome_of(comment: Comment, decision: Decision | None = None, show_detail: bool = False) -> Outcome:
    """The outcome of a comment now: from its decision when given, else from what is stored (a
    check that landed later). When a moderator has decided since, the author sees the outcome
    without the automatic reasons."""
    if comment.status == CommentStatus.CHECKING:
        return Outcome("checking", _(CHECKING_MESSAGE), [])
    if decision is None:
        reasons = [
            Reason(**{key: value for key, value in stored.items() if key in _REASON_FIELDS}) for stored in comment.reasons or []
        ]
        decision = Decision(
            comment.system_decision,
            reasons,
            dict(comment.scores or {}),
            dict(comment.model_versions or {}),
            reader_detail=show_detail,
        )
    if decision.decision not in (PUBLISH, HOLD, REJECT) or decision.status != comment.status:
        return Outcome(OUTCOME_WORDS[comment.status], _(_PLAIN_MESSAGES[comment.status]), [])
    return Outcome(OUTCOME_WORDS[comment.status], decision.summary(), decision.reader_reasons())


_REASON_FIELDS = {spec.name for spec in fields(Reason)}
