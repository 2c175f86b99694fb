"""The audit log a moderator reads: every event on the comments of their sites, filtered and paged."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.orm import Session

from commentdesk.services.accounts import Scope
from commentdesk.store import audit as audit_store
from commentdesk.store.models import Comment, ModerationEvent

# The actions events are written with: automatic verdicts, readers' reports, human decisions, bans,
# and authors' own edits (checked again) and deletions.
AUDIT_ACTIONS = ("publish", "hold", "reject", "report", "approve", "restore", "undo", "ban", "suspend", "unban", "edit", "delete")


@dataclass
class AuditFilter:
    comment_id: int | None = None
    actor: str | None = None  # "system", "moderator", "reader", "author" or a username
    action: str | None = None
    site_id: int | None = None
    text: str | None = None  # in the comment text or the note

    def as_params(self) -> dict[str, str]:
        named = {"comment": self.comment_id, "actor": self.actor, "action": self.action, "site": self.site_id, "q": self.text}
        return {key: str(value) for key, value in named.items() if value not in (None, "")}


def audit_events(
    session: Session, scope: Scope, filters: AuditFilter, before_id: int | None = None, limit: int = 100
) -> list[tuple[ModerationEvent, Comment]]:
    """Events newest first, with their comments; `before_id` pages back through the log."""
    return audit_store.audit_page(session, scope.site_ids, filters, before_id, limit)
