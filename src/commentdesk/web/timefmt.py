"""Times and numbers as readers see them, in the request's language: "5 minutes ago",
"5 منٹ پہلے", "vor 5 Minuten"; "12 March 2024"; "1,234".

Relative times keep the same steps in every language (the largest whole unit, a month taken as
30 days and a year as 365); Babel words them from CLDR, as the browser's Intl.RelativeTimeFormat
does for the embed (web/embed/times.js), so a server-rendered page and its client-side refresh agree.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from babel.dates import format_date, format_timedelta
from babel.numbers import format_decimal

from commentdesk import i18n

# Largest unit first; a month is taken as 30 days and a year as 365, as readers expect.
_UNITS = (
    ("year", 365 * 86400),
    ("month", 30 * 86400),
    ("week", 7 * 86400),
    ("day", 86400),
    ("hour", 3600),
    ("minute", 60),
)
# English dates read "12 March 2024" (day first), as they always have here.
_DATE_PATTERNS = {"en": "d MMMM y"}


def _aware(when: datetime) -> datetime:
    return when.replace(tzinfo=UTC) if when.tzinfo is None else when


def relative_time(when: datetime, now: datetime | None = None, language: str | None = None) -> str:
    language = language or i18n.current()
    seconds = ((now or datetime.now(UTC)) - _aware(when)).total_seconds()
    for _name, size in _UNITS:
        if seconds >= size:
            whole = timedelta(seconds=int(seconds // size) * size)
            # Negative: "ago" rather than "in"; threshold 1 keeps the unit chosen here.
            return format_timedelta(-whole, threshold=1, add_direction=True, format="long", locale=language)
    # Under a minute, and small clock differences that put `when` in the future.
    with i18n.using(language):
        return i18n.gettext("just now")


def iso_time(when: datetime) -> str:
    """ISO 8601 in UTC with a Z, for `<time datetime=...>`."""
    return _aware(when).astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def long_date(when: datetime, language: str | None = None) -> str:
    language = language or i18n.current()
    return format_date(_aware(when).astimezone(UTC).date(), _DATE_PATTERNS.get(language, "long"), locale=language)


def number(value: float, language: str | None = None) -> str:
    return format_decimal(value, locale=language or i18n.current())
