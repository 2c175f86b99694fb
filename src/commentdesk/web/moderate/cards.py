"""A comment as a moderator's card: text with flagged words marked, scores, reasons in words, history."""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy.orm import Session

from commentdesk.i18n import N_
from commentdesk.i18n import gettext as _
from commentdesk.moderation.types import Reason
from commentdesk.services import workspace
from commentdesk.store import revisions
from commentdesk.store.models import Comment, CommentRevision, ModerationEvent, Report
from commentdesk.web.moderate import words

# Scores in the order a moderator reads them; any others follow alphabetically.
_SCORE_ORDER = ("abuse", "relevance", "similarity", "spam")
# Scores where a low value is the concern (for the others a high value is).
_LOW_IS_CONCERN = {"relevance", "similarity"}
# The score names shown on cards, for the catalogue (translated where shown).
SCORE_WORDS = (N_("abuse"), N_("relevance"), N_("spam"), N_("similarity"), N_("chatter"))


@dataclass
class Score:
    name: str
    value: float

    @property
    def higher_is_better(self) -> bool:
        return self.name in _LOW_IS_CONCERN

    @property
    def label(self) -> str:
        if self.name.startswith("abuse_"):
            return "abuse: " + self.name.removeprefix("abuse_").replace("_", " ")
        return self.name


@dataclass
class ReasonView:
    code: str
    words: str
    message: str
    detail: str  # the scores and thresholds behind it (for moderators)
    evidence: list[str]
    passage: str | None  # for off-topic: the closest passage or chatter example
    passage_label: str = ""  # what that passage is (_passage_label), in words


@dataclass
class Card:
    comment: Comment
    segments: list[words.Segment]
    reasons: list[ReasonView]
    scores: list[Score]
    elapsed_ms: float | None
    suggested: str
    events: list[ModerationEvent]
    reports: list[Report]
    # Earlier versions, oldest first, when the author edited it.
    versions: list[CommentRevision] = field(default_factory=list)


def _scores(raw: dict) -> tuple[list[Score], float | None]:
    values = {name: float(value) for name, value in (raw or {}).items() if isinstance(value, (int, float))}
    elapsed = values.pop("elapsed_ms", None)
    names = [name for name in _SCORE_ORDER if name in values]
    names += sorted(name for name in values if name.startswith("abuse_"))
    names += sorted(name for name in values if name not in names)
    scores = []
    for name in names:
        scores.append(Score(name, values[name]))
    return scores, elapsed


def _sentence(reason: dict) -> str:
    """The stored reason's sentence in the moderator's language, where the catalogue has it."""
    stored = reason.get("params")
    params = {str(name): str(value) for name, value in stored.items()} if isinstance(stored, dict) else {}
    try:
        return Reason(
            code="", message=str(reason.get("message", "")), params=params, template=str(reason.get("template") or "")
        ).sentence()
    except (KeyError, TypeError, ValueError):
        return str(reason.get("message", ""))  # a stored sentence whose placeholders do not match: as written


def _passage_label(reason: dict) -> str | None:
    """What an off-topic hold's evidence is (moderation/phases/relevance.py), told by its message's
    parameters: a chatter bank's example ("topic"), the article's or the answered comment's
    closest passage ("subject" alone); the words a comment used to call itself off-topic are
    plain evidence (None)."""
    params = reason.get("params")
    params = params if isinstance(params, dict) else {}
    if "topic" in params:
        return N_("Closest chatter example:")
    if "words" in params:
        return None
    if params.get("subject") == "the comment it answers":
        return N_("Closest passage of the comment it answers:")
    return N_("Closest article passage:")


def _reasons(raw: list) -> list[ReasonView]:
    views = []
    for reason in raw or []:
        if not isinstance(reason, dict):
            continue
        code = str(reason.get("code", ""))
        evidence = [str(item) for item in reason.get("evidence") or [] if item]
        label = _passage_label(reason) if code == "off_topic" and evidence else None
        passage = evidence[0] if label else None
        views.append(
            ReasonView(
                code,
                words.reason_words(code),
                _sentence(reason),
                str(reason.get("detail") or ""),
                [] if passage else evidence,
                passage,
                _(label) if label else "",
            )
        )
    return views


def _suggestion(comment: Comment, reports: list[Report]) -> str:
    """The rejection reason preselected on the card: from the automatic reasons, else from readers' reports."""
    suggested = words.suggested_rejection(comment)
    if suggested == "other" and reports:
        reasons = [report.reason for report in reports if report.reason in workspace.REJECTION_REASONS]
        if reasons:
            suggested = max(set(reasons), key=reasons.count)
    return suggested


def build_cards(session: Session, comments: list[Comment]) -> list[Card]:
    ids = [comment.id for comment in comments]
    events = workspace.events_by_comment(session, ids)
    reports = workspace.unresolved_reports(session, ids)
    earlier = revisions.versions(session, ids)
    cards = []
    for comment in comments:
        scores, elapsed = _scores(comment.scores)
        cards.append(
            Card(
                comment=comment,
                segments=words.highlight(comment.text, comment.reasons),
                reasons=_reasons(comment.reasons),
                scores=scores,
                elapsed_ms=elapsed,
                suggested=_suggestion(comment, reports[comment.id]),
                events=events[comment.id],
                reports=reports[comment.id],
                versions=earlier.get(comment.id, []),
            )
        )
    return cards
