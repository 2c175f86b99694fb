"""The workspace's filters and globals, added to the one Jinja environment (web/templating.py)."""

from __future__ import annotations

from datetime import UTC, datetime

from commentdesk.services import workspace
from commentdesk.web.moderate import words
from commentdesk.web.templating import render, templates  # noqa: F401  (the pages import render from here)


def _stamp(when: datetime | None) -> str:
    if when is None:
        return ""
    return when.astimezone(UTC).strftime("%Y-%m-%d %H:%M UTC")


def _duration(seconds: float | None) -> str:
    if seconds is None:
        return "–"
    if seconds < 90:
        return f"{seconds:.0f} s"
    if seconds < 5400:
        return f"{seconds / 60:.0f} min"
    if seconds < 172800:
        return f"{seconds / 3600:.1f} h"
    return f"{seconds / 86400:.1f} days"


def _percent(value: float | None) -> str:
    return "–" if value is None else f"{value * 100:.0f}%"


def _ban_ending(when: datetime | None) -> str:
    if when is None:
        return ""
    return "permanently" if when >= workspace.PERMANENT.replace(year=9000) else f"until {_stamp(when)}"


templates.env.filters.update(
    stamp=_stamp,
    duration=_duration,
    percent=_percent,
    ban_ending=_ban_ending,
    reason_words=words.reason_words,
)
templates.env.globals.update(
    QUEUES=words.QUEUES,
    REJECTED_VIEWS=words.REJECTED_VIEWS,
    REJECTION_REASONS=workspace.REJECTION_REASONS,
    REASON_WORDS=words.REASON_WORDS,
)



