"""The values that flow through moderation: what a comment is judged with, and what comes out."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

import numpy as np

PUBLISH = "publish"
HOLD = "hold"
REJECT = "reject"
_SEVERITY = {PUBLISH: 0, HOLD: 1, REJECT: 2}


def most_severe(decisions: list[str]) -> str:
    return max(decisions, key=_SEVERITY.__getitem__, default=PUBLISH)


@dataclass
class Reason:
    code: str
    message: str
    evidence: list[str] = field(default_factory=list)

    def as_dict(self) -> dict:
        return {"code": self.code, "message": self.message, "evidence": list(self.evidence)}


@dataclass
class PhaseResult:
    """One phase's verdict: None means the phase has no objection."""

    decision: str | None = None
    reasons: list[Reason] = field(default_factory=list)
    scores: dict[str, float] = field(default_factory=dict)


@dataclass
class CommenterHistory:
    published: int = 0
    rejected: int = 0
    recent_rejections: int = 0


@dataclass
class RecentActivity:
    """What the store knows of the last minutes, for duplicate and flood checks."""

    by_commenter_last_minute: int = 0
    by_address_last_minute: int = 0
    same_text_by_commenter: bool = False
    # SimHash fingerprints of recent comments across the site.
    recent_fingerprints: list[int] = field(default_factory=list)


@dataclass
class Candidate:
    """A comment about to be judged, with everything known about its context."""

    text: str
    article_title: str
    article_body: str
    parent_text: str | None = None
    author_name: str = ""
    premoderated: bool = False
    history: CommenterHistory | None = None
    recent: RecentActivity | None = None
    # Cached article passages and their embeddings, when the caller keeps them.
    passages: list[str] | None = None
    passage_vectors: np.ndarray | None = None
    posted_at: datetime | None = None


@dataclass
class ModelSignals:
    """The model outputs for one comment; any that failed are None and named in `failures`."""

    embedding: np.ndarray | None = None
    abuse: object | None = None       # models.abuse.AbuseScore
    relevance: object | None = None   # models.relevance.RelevanceScore
    failures: dict[str, str] = field(default_factory=dict)
    versions: dict[str, str] = field(default_factory=dict)
    passages: list[str] | None = None
    passage_vectors: np.ndarray | None = None


@dataclass
class Decision:
    decision: str
    reasons: list[Reason]
    scores: dict[str, float]
    model_versions: dict[str, str]
    fingerprint: int | None = None
    passages: list[str] | None = None
    passage_vectors: np.ndarray | None = None

    @property
    def status(self) -> str:
        from commentdesk.store.models import CommentStatus

        return {PUBLISH: CommentStatus.PUBLISHED, HOLD: CommentStatus.PENDING, REJECT: CommentStatus.REJECTED}[self.decision]

    def summary(self) -> str:
        """The decision in words, as a reader sees it."""
        if self.decision == PUBLISH:
            return "Your comment is published."
        detail = " ".join(reason.message for reason in self.reasons)
        if self.decision == HOLD:
            return f"Your comment is held for review by a moderator. {detail}".strip()
        return f"Your comment was not published. {detail}".strip()
