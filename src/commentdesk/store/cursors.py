"""Opaque page cursors: a position (time, id) in a thread, encoded for a URL."""

from __future__ import annotations

import base64
import json
from datetime import UTC, datetime

from commentdesk.bounds import MAX_ID
from commentdesk.i18n import gettext as _


class InvalidCursor(ValueError):
    pass


def encode_cursor(created_at: datetime, comment_id: int) -> str:
    raw = json.dumps([created_at.isoformat(), comment_id]).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode_cursor(cursor: str) -> tuple[datetime, int]:
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4))
        stamp, comment_id = json.loads(raw)
        when = datetime.fromisoformat(stamp)
        if when.tzinfo is None or type(comment_id) is not int or not 0 <= comment_id <= MAX_ID:
            raise ValueError
        return when, comment_id
    except (ValueError, TypeError, json.JSONDecodeError) as error:
        raise InvalidCursor(_("The cursor is not one this server gave out.")) from error


def now_utc() -> datetime:
    return datetime.now(UTC)
