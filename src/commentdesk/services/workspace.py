"""The moderator workspace's use cases, gathered for the pages that use several of them.

Each lives in its own module: `queues` (what each queue holds, the badges), `decisions` (decide,
undo), `commenters` (ban, notes, record), `articles` (registration and options), `audit`, and `visibility` (what a
moderator may see). Their words for moderators are in `web/moderate/words.py`.
"""

from commentdesk.services.accounts import Scope  # noqa: F401
from commentdesk.services.articles import article_events, set_article_options  # noqa: F401
from commentdesk.services.audit import AUDIT_ACTIONS, AuditFilter, audit_events  # noqa: F401
from commentdesk.services.commenters import (  # noqa: F401
    PERMANENT,
    CommenterRecord,
    add_note,
    ban,
    commenter_record,
    unban,
)
from commentdesk.services.decisions import (  # noqa: F401
    DECISION_REASONS,
    HUMAN_DECISIONS,
    REJECTION_REASONS,
    UNDO,
    ActionResult,
    DecidedMeanwhile,
    UndoRefused,
    decide,
    newest_event_id,
    undo,
)
from commentdesk.services.queues import (  # noqa: F401
    DEFAULT_REJECTED_VIEW,
    PAGE_SIZE,
    QUEUE_NAMES,
    RECENT_DAYS,
    REJECTED_VIEW_NAMES,
    QueueCounts,
    QueueFilter,
    badge_counts,
    events_by_comment,
    queue_comments,
    queue_counts,
    unresolved_reports,
)
from commentdesk.services.visibility import (  # noqa: F401
    NotAllowed,
    visible_article,
    visible_comment,
    visible_commenter,
)
