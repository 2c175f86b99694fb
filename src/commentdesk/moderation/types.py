"""The values that flow through moderation: what a comment is judged with, and what comes out."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING

import numpy as np

from commentdesk.i18n import gettext
from commentdesk.moderation.reasons import HIGHLIGHTED
from commentdesk.statuses import CommentStatus

if TYPE_CHECKING:  # the models import this module's types
    from commentdesk.moderation.models.abuse import AbuseScore
    from commentdesk.moderation.models.chatter import ChatterMatch
    from commentdesk.moderation.models.harm import HarmScore
    from commentdesk.moderation.models.relevance import RelevanceScore
    from commentdesk.moderation.models.site_articles import SiteArticles

PUBLISH = "publish"
HOLD = "hold"
REJECT = "reject"
_SEVERITY = {PUBLISH: 0, HOLD: 1, REJECT: 2}


def most_severe(decisions: list[str]) -> str:
    return max(decisions, key=_SEVERITY.__getitem__, default=PUBLISH)


# Reasons whose evidence is words of the comment itself (the words that triggered them): readers
# are shown these phrases and moderators see them marked in the text (see moderation.reasons).
COMMENT_WORD_EVIDENCE = HIGHLIGHTED
MAX_QUOTED_PHRASES = 3
MAX_QUOTED_CHARS = 60


def _quoted(phrase: str) -> str:
    phrase = " ".join(phrase.split())
    if len(phrase) > MAX_QUOTED_CHARS:
        phrase = phrase[: MAX_QUOTED_CHARS - 1].rstrip() + "…"
    return f"“{phrase}”"


@dataclass
class Reason:
    """Why a comment was held or rejected.

    `message` is for the author, in plain words; `detail` is for moderators (the scores and
    thresholds behind it), shown to authors only where a site's policy says so.

    A sentence with values in it is given as its catalogue msgid with named placeholders and the
    values in `params` ("It may not be about %(subject)s.", {"subject": N_("the article")}):
    `message` is then the English sentence, as stored and shown to moderators, and the author
    reads the msgid translated with the values (themselves translated when they are msgids)."""

    code: str
    message: str
    evidence: list[str] = field(default_factory=list)
    detail: str = ""
    params: dict[str, str] = field(default_factory=dict)
    template: str = ""

    def __post_init__(self) -> None:
        if self.params and not self.template:
            self.template, self.message = self.message, self.message % self.params

    def reader_phrases(self) -> list[str]:
        if self.code not in COMMENT_WORD_EVIDENCE:
            return []
        phrases = [item for item in dict.fromkeys(self.evidence) if isinstance(item, str) and item.strip()]
        return phrases[:MAX_QUOTED_PHRASES]

    def sentence(self) -> str:
        """`message` in the language of the work at hand (a stored sentence not in the catalogue stays as written)."""
        if self.template:
            return gettext(self.template) % {name: gettext(str(value)) for name, value in self.params.items()}
        return gettext(self.message)

    def for_reader(self, show_detail: bool = False) -> str:
        """The reason as its author reads it: plain words and the phrases that triggered it."""
        text = self.sentence()
        phrases = self.reader_phrases()
        if phrases:
            text = f"{text.rstrip('. ')}: {', '.join(_quoted(phrase) for phrase in phrases)}."
        if show_detail and self.detail:
            text = f"{text} ({self.detail})"
        return text

    def as_dict(self) -> dict:
        stored: dict[str, object] = {
            "code": self.code,
            "message": self.message,
            "evidence": list(self.evidence),
            "detail": self.detail,
        }
        if self.template:
            stored.update(template=self.template, params=dict(self.params))
        return stored


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
    # The site's other recent articles, for the rules only (the models never read them, and they
    # are not sent to the moderation process); `article_id` tells the bank which one is this one.
    article_id: int | None = None
    site_articles: SiteArticles | None = None
    # The text rendered as readers get it (render.render_comment), when the caller has rendered it
    # already: the spam phase reads the links from it instead of rendering the text again.
    html: str | None = None


@dataclass
class ModelSignals:
    """The model outputs for one comment; any that failed are None and named in `failures`."""

    embedding: np.ndarray | None = None
    abuse: AbuseScore | None = None
    relevance: RelevanceScore | None = None
    chatter: ChatterMatch | None = None
    harm: HarmScore | None = None
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
    # The site shows authors the moderators' detail (scores, thresholds) with each reason.
    reader_detail: bool = False

    @property
    def status(self) -> str:
        return {PUBLISH: CommentStatus.PUBLISHED, HOLD: CommentStatus.PENDING, REJECT: CommentStatus.REJECTED}[self.decision]

    def reader_reasons(self) -> list[tuple[str, str]]:
        """(code, words for the author) for each reason."""
        return [(reason.code, reason.for_reader(self.reader_detail)) for reason in self.reasons]

    def summary(self) -> str:
        """The decision in words, as a reader sees it."""
        if self.decision == PUBLISH:
            return gettext("Your comment is published.")
        detail = " ".join(words for _code, words in self.reader_reasons())
        if self.decision == HOLD:
            return f"{gettext('Your comment is held for review by a moderator.')} {detail}".strip()
        return f"{gettext('Your comment was not published.')} {detail}".strip()
