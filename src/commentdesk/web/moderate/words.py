"""Words the workspace shows for what the services decide: reason codes, the suggested rejection,
what an undo did, and the flagged spans of a comment."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from commentdesk.i18n import N_
from commentdesk.i18n import gettext as _
from commentdesk.moderation.reasons import MODERATOR_WORDS, SUGGESTED_REJECTION
from commentdesk.moderation.types import COMMENT_WORD_EVIDENCE
from commentdesk.services.decisions import DECISION_REASONS, ActionResult
from commentdesk.store.models import Comment, CommentStatus

QUEUES = {
    "held": N_("Held"),
    "reported": N_("Reported"),
    "recent": N_("Recently published"),
    "rejected": N_("Rejected automatically"),
}
REJECTED_VIEWS = {
    "automatic": N_("Rejected automatically, not yet reviewed"),
    "moderators": N_("Rejected by moderators"),
    "all": N_("Every rejected comment"),
}
# Automatic reason codes in words, for cards and filters (one table: moderation.reasons).
REASON_WORDS = MODERATOR_WORDS
# Reasons whose evidence is words in the comment (highlighted on the card).
HIGHLIGHTED_CODES = COMMENT_WORD_EVIDENCE


# A report's reason code in words ("Reported: off topic").
REPORTED_WORDS = {
    "abusive": N_("abusive"),
    "off_topic": N_("off topic"),
    "spam": N_("spam"),
    "other": N_("other"),
    "illegal_content": N_("illegal content"),
}


def reason_words(code: str) -> str:
    """A reason code in the moderator's words, in the language of the request."""
    if code.startswith("report_"):
        reason = code.removeprefix("report_")
        return _("Reported: %(reason)s") % {
            "reason": _(REPORTED_WORDS[reason]) if reason in REPORTED_WORDS else reason.replace("_", " ")
        }
    words = REASON_WORDS.get(code) or DECISION_REASONS.get(code)
    return _(words) if words else code.replace("_", " ").capitalize()


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
        return _("Nothing was undone.")
    verbs = {"approve": N_("approval"), "reject": N_("rejection"), "restore": N_("restoring")}
    now = {CommentStatus.PENDING: N_("held"), CommentStatus.PUBLISHED: N_("published"), CommentStatus.REJECTED: N_("rejected")}
    decisions = sorted({_(verbs.get(action, action)) for action in result.undone.values()})
    states = sorted({_(now.get(status, status)) for status in result.statuses.values()})
    if len(result.undone) == 1:
        ((comment_id, _action),) = result.undone.items()
        return _("Undid the %(decision)s of comment %(id)s: it is %(state)s again.") % {
            "decision": decisions[0],
            "id": comment_id,
            "state": states[0],
        }
    return _("Undid the %(decisions)s of %(count)s comments (%(ids)s): now %(states)s again.") % {
        "decisions": _(" and ").join(decisions),
        "count": len(result.undone),
        "ids": ", ".join(str(comment_id) for comment_id in result.undone),
        "states": _(" or ").join(states),
    }


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
