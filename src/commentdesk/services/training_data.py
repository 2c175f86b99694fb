"""Human moderation decisions as labelled examples, for retraining the models on a site's own judgement."""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from commentdesk.store import audit, comments
from commentdesk.store.models import ModerationEvent

# Rejection reason codes that name a model's label; "other" teaches no model anything.
_LABEL_FOR_REJECTION = {"abusive": "abusive", "off_topic": "off_topic", "spam": "spam"}
_DECISIONS = ("approve", "reject", "restore")
_UNDO = "undo"


def _label(event: ModerationEvent) -> str | None:
    if event.action in ("approve", "restore"):
        return "ok"
    codes = [reason.get("code") for reason in event.reasons or [] if isinstance(reason, dict)]
    return next((_LABEL_FOR_REJECTION[code] for code in codes if code in _LABEL_FOR_REJECTION), None)


def human_labels(session: Session, site_id: int | None = None) -> list[dict]:
    """One example per comment a moderator decided, labelled by the decision that stands.

    Returns dicts with text, article_title, article_body, parent_text, label
    ("abusive" | "off_topic" | "spam" | "ok") and decided_at. An undone decision gives way to the
    one before it; a comment whose standing decision is a rejection for "other" is left out.
    """
    standing: dict[int, list[ModerationEvent]] = {}
    for event in audit.moderator_events(session, _DECISIONS + (_UNDO,), site_id):
        stack = standing.setdefault(event.comment_id, [])
        if event.action == _UNDO:
            if stack:
                stack.pop()
        else:
            stack.append(event)
    decided = {comment_id: stack[-1] for comment_id, stack in standing.items() if stack}
    if not decided:
        return []
    examples: list[dict[str, Any]] = []
    ids = sorted(decided)
    for start in range(0, len(ids), 500):  # bounded IN lists
        chunk = ids[start : start + 500]
        rows = comments.with_articles(session, chunk)
        parents = comments.texts(session, [comment.parent_id for comment, _article in rows if comment.parent_id])
        for comment, article in rows:
            event = decided[comment.id]
            label = _label(event)
            if label is None:
                continue
            examples.append(
                {
                    "text": comment.text,
                    "article_title": article.title,
                    "article_body": article.body,
                    "parent_text": parents.get(comment.parent_id) if comment.parent_id else None,
                    "label": label,
                    "decided_at": event.created_at,
                }
            )
    examples.sort(key=lambda example: example["decided_at"])
    return examples
