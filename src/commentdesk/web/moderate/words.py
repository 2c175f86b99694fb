"""Words the workspace shows for what the services decide: reason codes, the suggested rejection,
what an undo did, and the flagged spans of a comment."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from commentdesk.moderation.reasons import MODERATOR_WORDS, SUGGESTED_REJECTION
from commentdesk.moderation.types import COMMENT_WORD_EVIDENCE
from commentdesk.services.decisions import DECISION_REASONS, ActionResult
from commentdesk.store.models import Comment, CommentStatus

QUEUES = {
    "held": "Held",
    "reported": "Reported",
    "recent": "Recently published",
    "rejected": "Rejected automatically",
}
REJECTED_VIEWS = {
    "automatic": "Rejected automatically, not yet reviewed",
    "moderators": "Rejected by moderators",
    "all": "Every rejected comment",
}
# Automatic reason codes in words, for cards and filters (one table: moderation.reasons).
REASON_WORDS = MODERATOR_WORDS
# Reasons whose evidence is words in the comment (highlighted on the card).
HIGHLIGHTED_CODES = COMMENT_WORD_EVIDENCE


def reason_words(code: str) -> str:
    if code.startswith("report_"):
        return "Reported: " + code.removeprefix("report_").replace("_", " ")
    return REASON_WORDS.get(code) or DECISION_REASONS.get(code) or code.replace("_", " ").capitalize()


def suggested_rejection(comment: Comment) -> str:
    """Which rejection reason a moderator most likely means, given the automatic reason codes."""
    for reason in comment.reasons or []:
        found = SUGGESTED_REJECTION.get(reason.get("code", ""))
        if found:
            return found
    return "other"


def undo_summary(result: ActionResult) -> str:
    """What an undo did, in words for the moderator's status line."""
    if not result.undone:
        return "Nothing was undone."
    verbs = {"approve": "approval", "reject": "rejection", "restore": "restoring"}
    now = {CommentStatus.PENDING: "held", CommentStatus.PUBLISHED: "published", CommentStatus.REJECTED: "rejected"}
    decisions = sorted({verbs.get(action, action) for action in result.undone.values()})
    states = sorted({now.get(status, status) for status in result.statuses.values()})
    if len(result.undone) == 1:
        (comment_id, _action), = result.undone.items()
        return f"Undid the {decisions[0]} of comment {comment_id}: it is {states[0]} again."
    return (f"Undid the {' and '.join(decisions)} of {len(result.undone)} comments "
            f"({', '.join(str(comment_id) for comment_id in result.undone)}): now {' or '.join(states)} again.")


@dataclass
class Segment:
    text: str
    codes: list[str] = field(default_factory=list)  # reason codes that flagged this span; empty: plain text


def highlight(text: str, reasons: list[dict]) -> list[Segment]:
    """The text cut into plain and flagged spans, from the evidence of word-list and abuse reasons.

    Evidence strings are substrings of the original text; each occurrence is marked, and
    overlapping marks merge so that no character is shown twice.
    """
    marks: list[tuple[int, int, str]] = []
    for reason in reasons or []:
        code = reason.get("code", "")
        if code not in HIGHLIGHTED_CODES:
            continue
        for evidence in reason.get("evidence") or []:
            if not isinstance(evidence, str) or not evidence.strip():
                continue
            # Whole words only: the evidence "a" must not light up every "a" inside other words.
            before = r"(?<!\w)" if evidence[0].isalnum() else ""
            after = r"(?!\w)" if evidence[-1].isalnum() else ""
            pattern = re.compile(before + re.escape(evidence) + after, 0 if evidence in text else re.IGNORECASE)
            for match in pattern.finditer(text):
                marks.append((match.start(), match.end(), code))
    if not marks:
        return [Segment(text)]
    marks.sort()
    merged: list[list] = []
    for start, end, code in marks:
        if merged and start <= merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], end)
            if code not in merged[-1][2]:
                merged[-1][2].append(code)
        else:
            merged.append([start, end, [code]])
    segments: list[Segment] = []
    position = 0
    for start, end, codes in merged:
        if start > position:
            segments.append(Segment(text[position:start]))
        segments.append(Segment(text[start:end], codes))
        position = end
    if position < len(text):
        segments.append(Segment(text[position:]))
    return segments
