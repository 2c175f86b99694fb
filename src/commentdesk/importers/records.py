"""What every importer produces: source threads, source comments and skipped entries.

Parsers turn a foreign format into these records; the loader alone decides what is stored.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

APPROVED = "approved"
PENDING = "pending"
SPAM = "spam"
DELETED = "deleted"
STATES = (APPROVED, PENDING, SPAM, DELETED)


class ImportFileError(Exception):
    """The file cannot be imported as a whole (unreadable, hostile, or not the expected format)."""


@dataclass(frozen=True)
class SourceThread:
    """A page that comments were posted under, keyed by the source's own thread id."""

    key: str
    url: str
    title: str
    body: str = ""  # the article's text, when the export has it


@dataclass
class SourceComment:
    source_id: str  # "<source>:<id>", stable across exports of the same source
    thread_key: str
    parent_id: str | None  # source id of the comment answered, if any
    author_name: str
    author_email: str | None
    text: str
    created_at: datetime  # timezone-aware UTC
    state: str  # one of STATES


@dataclass(frozen=True)
class SkippedEntry:
    """An entry the parser could not use; `reason` is counted in the summary."""

    reason: str
    source_id: str | None = None


Record = SourceThread | SourceComment | SkippedEntry


# Comment times outside these are damage (year 1 or 9999, a clock far off), not history: such an
# entry is refused like any bad date, skipped and counted. A day of slack covers clocks ahead.
EARLIEST = datetime(1990, 1, 1, tzinfo=UTC)
FUTURE_SLACK = timedelta(days=1)


def in_range(value: datetime) -> datetime:
    """`value` if it lies between EARLIEST and a day from now; ValueError otherwise."""
    if not EARLIEST <= value <= datetime.now(UTC) + FUTURE_SLACK:
        raise ValueError(f"date out of range: {value.isoformat()}")
    return value


def utc_from_timestamp(seconds: float) -> datetime:
    return in_range(datetime.fromtimestamp(seconds, UTC))


def parse_iso_utc(text: str) -> datetime:
    """ISO 8601 as written by exports ("2013-04-18T19:33:04Z", "2013-04-18 19:33:04"); naive means UTC.
    ValueError for any other text, and for a date out of range."""
    value = datetime.fromisoformat(text.strip().replace("Z", "+00:00"))
    try:
        value = value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)
    except OverflowError:  # "0001-01-01T00:00:00+01:00" is before the first year in UTC
        raise ValueError(f"date out of range: {text.strip()}") from None
    return in_range(value)
