"""Posting a comment: validate, moderate, store with its decision, in that order.

The comment is written together with its moderation event in one transaction and committed
before the caller answers, so an acknowledged comment is never lost.
"""

from __future__ import annotations

import hashlib
import logging
import re
import secrets
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from commentdesk.moderation.pipeline import Pipeline
from commentdesk.moderation.policy import Policy
from commentdesk.moderation.types import HOLD, PUBLISH, REJECT, Candidate, CommenterHistory, Decision, Reason, RecentActivity
from commentdesk.render import render_comment
from commentdesk.store import flood
from commentdesk.store import repository as repo
from commentdesk.store.models import Article, Comment, CommentStatus, Nudge, utcnow

log = logging.getLogger(__name__)

MAX_NAME_CHARS = 60
MAX_EMAIL_CHARS = 254
MAX_DEPTH = 50
_EMAIL = re.compile(r"^[^@\s]{1,64}@[^@\s]{1,190}\.[^@\s]{2,63}$")
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


class PostingError(Exception):
    """A comment that cannot be accepted; `code` and `status` tell the client what to do."""

    def __init__(self, code: str, message: str, status: int = 422, field: str | None = None) -> None:
        super().__init__(message)
        self.code, self.message, self.status, self.field = code, message, status, field


# Reasons an author can fix by rewording; spam, flooding and bans are not open to a nudge.
NUDGEABLE = {"banned_word", "suspect_word", "abusive", "possibly_abusive", "off_topic"}
# A site's banned words reject however often the comment is sent; the models' judgements are
# open to a person when the author insists (see `reviewed_after_nudge`).
SURE_REJECTIONS = {"banned_word"}


@dataclass
class Posted:
    comment: Comment
    decision: Decision


@dataclass
class Nudged:
    """Nothing was stored: the author is asked to reconsider, and may send it again with `token`."""

    token: str
    decision: Decision

    def message(self) -> str:
        detail = " ".join(words for _code, words in self.decision.reader_reasons())
        if any(reason.code in SURE_REJECTIONS for reason in self.decision.reasons):
            choice = "Please edit it and post again: as it is, it cannot be published."
        else:
            choice = "You can edit it and post again, or post it unchanged and a moderator will read it before it is published."
        return f"Before you post: your comment may break our guidelines. {detail} {choice}"


def reviewed_after_nudge(decision: Decision) -> Decision:
    """A nudged comment sent unchanged goes to a moderator, as the nudge promised: a rejection
    that rests only on the models' judgement becomes a hold. Banned words and the rules that are
    sure (spam, floods) still reject."""
    if decision.decision != REJECT or not all(reason.code in NUDGEABLE - SURE_REJECTIONS for reason in decision.reasons):
        return decision
    decision.decision = HOLD
    decision.reasons.append(Reason("sent_after_nudge", "You posted it unchanged after our warning, so a moderator will read it."))
    return decision


def _draft_hash(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


def clean_text(text: str) -> str:
    """Strip control characters and outer space; keep the reader's own line breaks."""
    return _CONTROL.sub("", text.replace("\r\n", "\n")).strip()


def validate(author_name: str, email: str | None, text: str, max_chars: int) -> tuple[str, str | None, str]:
    name = " ".join(clean_text(author_name).split())
    if not name:
        raise PostingError("name_required", "Please give a name to post under.", field="author_name")
    if len(name) > MAX_NAME_CHARS:
        raise PostingError("name_too_long", f"Names are at most {MAX_NAME_CHARS} characters.", field="author_name")
    address = (email or "").strip().lower() or None
    if address and (len(address) > MAX_EMAIL_CHARS or not _EMAIL.match(address)):
        raise PostingError("email_invalid", "That e-mail address does not look right.", field="author_email")
    body = clean_text(text)
    if not body:
        raise PostingError("text_required", "The comment is empty.", field="text")
    if len(body) > max_chars:
        raise PostingError("text_too_long", f"Comments are at most {max_chars} characters; this one has {len(body)}.", field="text")
    return name, address, body


class CommentPoster:
    def __init__(self, pipeline: Pipeline, secret: str, max_chars: int = 5000) -> None:
        self.pipeline = pipeline
        self.secret = secret
        self.max_chars = max_chars

    def post(self, session: Session, article: Article, *, author_name: str, author_email: str | None, text: str,
             parent_id: int | None = None, client_address: str | None = None, nudge: bool = False,
             nudge_token: str | None = None) -> Posted | Nudged:
        """Moderate and store a comment. With `nudge`, a comment the author could fix by rewording
        is not stored; the answer explains why, and the author may edit it and send it again
        with the returned token (or send it unchanged)."""
        name, email, body = validate(author_name, author_email, text, self.max_chars)
        site = article.site
        policy = Policy.for_site(site.policy)
        if repo.comments_closed(article, policy.close_after_days):
            raise PostingError("comments_closed", "Comments are closed on this article.", status=403)
        parent = self._parent(session, article, parent_id)
        email_hash = repo.keyed_hash(self.secret, "email:" + email) if email else None
        ip_hash = repo.keyed_hash(self.secret, "ip:" + client_address) if client_address else None
        identity = email_hash or repo.keyed_hash(self.secret, f"name:{name.lower()}|{ip_hash or ''}")
        # Counted atomically, before this session writes anything (see store/flood.py).
        posts = flood.count_post(session, site.id, identity, ip_hash, refuse_at=policy.refuse_per_minute_address)
        if posts.refused:
            raise PostingError("too_many_comments", "Too many comments from your network in the last minute; please wait a minute.", status=429)
        commenter = repo.commenter_for(session, site.id, identity, name, email_hash)
        if repo.is_banned(commenter):
            raise PostingError("commenter_banned", "You cannot comment on this site at the moment.", status=403)

        activity = repo.recent_activity(session, site.id, commenter.id, body, policy.duplicate_window_minutes)
        candidate = Candidate(
            text=body, article_title=article.title, article_body=article.body,
            parent_text=parent.text if parent else None, author_name=name, premoderated=article.premoderate,
            history=CommenterHistory(commenter.published_count, commenter.rejected_count,
                                     repo.recent_rejections(session, commenter.id, policy.recent_rejection_days)),
            recent=RecentActivity(posts.by_commenter, posts.by_address,
                                  activity.same_text_by_commenter, activity.recent_fingerprints),
        )
        embedder_version = self.pipeline.models.versions.get("embedder", "")
        cached = repo.cached_passages(session, article, embedder_version) if embedder_version else None
        if cached:
            candidate.passages, candidate.passage_vectors = cached
        decision = self.pipeline.moderate(candidate, policy)
        decision.reader_detail = policy.show_scores_to_readers
        answered = self._open_nudge(session, article, nudge_token) if nudge_token else None
        if answered is not None and answered.draft_hash == _draft_hash(body):
            decision = reviewed_after_nudge(decision)
        if not cached and decision.passages is not None and embedder_version:
            repo.store_passages(session, article, embedder_version, decision.passages, decision.passage_vectors)
        if nudge and policy.nudge and not nudge_token and decision.decision != PUBLISH and decision.reasons \
                and all(reason.code in NUDGEABLE for reason in decision.reasons):
            token = secrets.token_urlsafe(24)
            session.add(Nudge(token=token, site_id=site.id, article_id=article.id, draft_hash=_draft_hash(body),
                              reasons=[reason.as_dict() for reason in decision.reasons]))
            session.commit()
            return Nudged(token, decision)

        comment = Comment(
            site_id=site.id, article_id=article.id, parent_id=parent.id if parent else None,
            root_id=parent.root_id if parent else None, depth=(parent.depth + 1) if parent else 0,
            commenter_id=commenter.id, author_name=name, email_hash=email_hash, ip_hash=ip_hash,
            text=body, html=render_comment(body), status=decision.status, system_decision=decision.decision,
            scores=decision.scores, reasons=[reason.as_dict() for reason in decision.reasons],
            model_versions=decision.model_versions, priority=queue_priority(decision), fingerprint=decision.fingerprint,
        )
        repo.add_comment(session, comment, actor_reasons=comment.reasons, scores=decision.scores, model_versions=decision.model_versions)
        if answered is not None:
            # An unknown or reused token only loses the statistic, never the comment.
            answered.comment_id, answered.outcome, answered.resolved_at = comment.id, comment.status, utcnow()
            answered.edited = answered.draft_hash != _draft_hash(body)
        session.commit()
        return Posted(comment, decision)

    @staticmethod
    def _open_nudge(session: Session, article: Article, token: str) -> Nudge | None:
        return session.scalar(select(Nudge).where(Nudge.token == token, Nudge.article_id == article.id, Nudge.resolved_at.is_(None)))

    @staticmethod
    def _parent(session: Session, article: Article, parent_id: int | None) -> Comment | None:
        if parent_id is None:
            return None
        parent = session.get(Comment, parent_id)
        if parent is None or parent.article_id != article.id or parent.status != CommentStatus.PUBLISHED:
            raise PostingError("parent_not_found", "The comment you are replying to is not available.", status=404, field="parent_id")
        if parent.depth >= MAX_DEPTH:
            raise PostingError("thread_too_deep", "This conversation is too deep to reply further; reply higher up.", field="parent_id")
        return parent


def queue_priority(decision: Decision) -> float:
    """Queue order for moderators: likely abuse first, then spam, then the rest."""
    scores = decision.scores
    return round(2.0 * scores.get("abuse", 0.0) + scores.get("spam", 0.0) + (1.0 - scores.get("relevance", 1.0)) * 0.5, 4)
