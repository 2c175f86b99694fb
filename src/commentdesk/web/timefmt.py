"""Times as readers see them: "5 minutes ago", "6 years ago", "12 March 2024".

embed.js has the same rules, so a server-rendered page and its client-side refresh agree.
"""

from __future__ import annotations

from datetime import UTC, datetime

# Largest unit first; a month is taken as 30 days and a year as 365, as readers expect.
_UNITS = (
    ("year", 365 * 86400),
    ("month", 30 * 86400),
    ("week", 7 * 86400),
    ("day", 86400),
    ("hour", 3600),
    ("minute", 60),
)


def _aware(when: datetime) -> datetime:
    return when.replace(tzinfo=UTC) if when.tzinfo is None else when


def relative_time(when: datetime, now: datetime | None = None) -> str:
    seconds = ((now or datetime.now(UTC)) - _aware(when)).total_seconds()
    if seconds < 60:  # also covers small clock differences that put `when` in the future
        return "just now"
    for name, size in _UNITS:
        if seconds >= size:
            count = int(seconds // size)
            return f"{count} {name}{'' if count == 1 else 's'} ago"
    return "just now"


def iso_time(when: datetime) -> str:
    """ISO 8601 in UTC with a Z, for `<time datetime=...>`."""
    return _aware(when).astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def long_date(when: datetime) -> str:
    when = _aware(when).astimezone(UTC)
    return f"{when.day} {when:%B %Y}"
