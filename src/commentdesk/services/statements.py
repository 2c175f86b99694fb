"""Statements of reasons (EU Digital Services Act, Art. 17): what the author of a rejected comment
is told, wherever they learn the outcome (the answer to the post, the outcome address, the
reader page): the reasons in plain words, whether the decision was automated, and how to
contest it (the site's `redress_text` and `redress_url`).

The statement itself is recorded with the rejection (store/repository.py, in the one place every
status change passes), so no way of rejecting a comment can leave its author without one.
"""

from __future__ import annotations

from dataclasses import dataclass, fields
from datetime import datetime

from sqlalchemy.orm import Session

from commentdesk.i18n import N_
from commentdesk.i18n import gettext as _
from commentdesk.moderation.policy import Policy
from commentdesk.moderation.reasons import rejection_reader_words
from commentdesk.moderation.types import Reason
from commentdesk.services.notices import GROUNDS
from commentdesk.services.reports import ILLEGAL_CONTENT
from commentdesk.store import comments
from commentdesk.store import notices as notice_store
from commentdesk.store.models import Comment, CommentStatus

_REASON_FIELDS = {spec.name for spec in fields(Reason)}
AUTOMATED_WORDS = N_("This decision was made automatically, by our moderation system.")
HUMAN_WORDS = N_("This decision was made by a moderator.")


@dataclass
class Statement:
    automated: bool
    reasons: list[tuple[str, str]]  # (code, words for the author)
    redress_text: str  # in the reader's language when it is the default
    redress_url: str | None
    issued_at: datetime

    @property
    def decided_by(self) -> str:
        return _(AUTOMATED_WORDS if self.automated else HUMAN_WORDS)

    def as_text(self) -> str:
        """The whole statement in one paragraph, for plain-text places (the reader page's notice)."""
        parts = [self.decided_by, self.redress_text]
        if self.redress_url:
            parts.append(self.redress_url)
        return " ".join(part.strip() for part in parts if part and part.strip())


def _human_reason_words(session: Session, comment: Comment, code: str) -> str:
    words = _(rejection_reader_words(code))
    if code == ILLEGAL_CONTENT:
        # Art. 17(3)(d): a removal for illegal content names the legal ground it rests on.
        ground = notice_store.removal_ground(session, comment.id)
        if ground is not None:
            words += " " + _("Legal ground: %(ground)s.") % {"ground": _(GROUNDS.get(ground, ground))}
    return words


def statement_for(session: Session, comment: Comment, show_detail: bool = False) -> Statement | None:
    """The statement of reasons for the comment's current rejection; None when it is not rejected
    (or was rejected before this site decided anything, as an imported comment)."""
    if comment.status != CommentStatus.REJECTED:
        return None
    row = comments.latest_statement(session, comment.id)
    if row is None:
        return None
    stored = [reason for reason in (row.event.reasons or []) if isinstance(reason, dict) and reason.get("code")]
    if row.automated:
        reasons = [
            (
                reason["code"],
                Reason(**{key: value for key, value in reason.items() if key in _REASON_FIELDS}).for_reader(show_detail),
            )
            for reason in stored
        ]
    else:
        reasons = [(reason["code"], _human_reason_words(session, comment, reason["code"])) for reason in stored]
    policy = Policy.for_site(comment.article.site.policy)
    return Statement(row.automated, reasons, policy.redress_words(), policy.redress_url, row.issued_at)
