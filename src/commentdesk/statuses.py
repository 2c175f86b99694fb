"""A comment's status: plain values that the moderation, the store and the pages share.

Kept outside the store so that moderation, which works on plain data, names them without
importing the database models (`store.models` re-exports it for the store's callers).
"""

from __future__ import annotations


class CommentStatus:
    PUBLISHED = "published"
    PENDING = "pending"
    REJECTED = "rejected"
    ALL = (PUBLISHED, PENDING, REJECTED)
    # Stored, its automatic check still to come (the server was busy): shown to no reader and in
    # no moderator queue until the check decides it (see services/moderation_queue.py).
    CHECKING = "checking"
