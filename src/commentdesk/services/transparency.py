"""The transparency export (EU Digital Services Act, Art. 15 and 24): for a period, the notices of
illegal content by ground and by outcome, the moderation decisions automated and human, by
reason, the statements of reasons issued, and the median time to handle a notice and a held
comment. As JSON (a nested object) or CSV (one `section,group,value` row per figure)."""

from __future__ import annotations

import csv
import io
import json
from datetime import datetime, timedelta
from statistics import median

from sqlalchemy.orm import Session

from commentdesk.services.notices import GROUNDS
from commentdesk.store import transparency
from commentdesk.store.models import NoticeStatus

AUTOMATED_ACTIONS = ("publish", "hold", "reject")
HUMAN_ACTIONS = ("approve", "reject", "restore")
CSV_HEADER = ("section", "group", "value")


def _median_seconds(pairs) -> float | None:
    waits = [(later - earlier).total_seconds() for earlier, later in pairs if earlier is not None and later is not None]
    return round(median(waits), 1) if waits else None


def period_of_days(first_day: datetime, last_day: datetime) -> tuple[datetime, datetime]:
    """[first day, end of the last day): the period of a report named by its first and last day.
    ValueError when the last day is before the first, or is the calendar's last (9999-12-31: no
    day follows it to end the period)."""
    if last_day < first_day:
        raise ValueError("the last day is before the first")
    try:
        return first_day, last_day + timedelta(days=1)
    except OverflowError:
        raise ValueError("the last day is the calendar's last: no period can end after it") from None


def transparency_report(session: Session, start: datetime, end: datetime, site_ids: list[int] | None = None) -> dict:
    """The figures for [start, end) on the given sites (None: every site)."""
    if end <= start:
        raise ValueError("the period must end after it starts")
    rows = transparency.period_rows(session, start, end, site_ids)
    by_ground = {ground: 0 for ground in GROUNDS} | rows.notices_by_ground
    by_outcome = {status: 0 for status in NoticeStatus.DECIDED} | rows.notices_by_outcome

    decisions = {"automated": {action: 0 for action in AUTOMATED_ACTIONS}, "human": {action: 0 for action in HUMAN_ACTIONS}}
    for actor, action, count in rows.actions:
        kind = "automated" if actor == "system" else "human"
        if action in decisions[kind]:
            decisions[kind][action] += count

    issued = {"automated": 0, "human": 0}
    rejections_by_reason: dict[str, dict[str, int]] = {}
    for automated, event_id in rows.statements:
        kind = "automated" if automated else "human"
        issued[kind] += 1
        for code in {
            str(reason["code"])
            for reason in rows.reasons_of_event.get(event_id) or []
            if isinstance(reason, dict) and reason.get("code")
        }:
            rejections_by_reason.setdefault(code, {"automated": 0, "human": 0})[kind] += 1

    return {
        "period": {"from": start.isoformat(), "to": end.isoformat()},
        "notices": {
            "received": sum(by_ground.values()),
            "by_ground": by_ground,
            "by_outcome": by_outcome,
            "open": rows.notices_open,
            "median_handling_seconds": _median_seconds(rows.notices_handled),
        },
        "decisions": decisions,
        "rejections_by_reason": dict(sorted(rejections_by_reason.items())),
        "statements_of_reasons": issued,
        "held_comments": {
            "decided": len(rows.held_first_decisions),
            "median_handling_seconds": _median_seconds(rows.held_first_decisions),
        },
    }


def as_json(report: dict) -> str:
    return json.dumps(report, indent=2, sort_keys=False) + "\n"


def as_csv(report: dict) -> str:
    """One row per figure: `decisions.automated,reject,12`; nested groups are joined with dots."""
    rows: list[tuple[str, str, object]] = []

    def walk(section: str, value) -> None:
        for key, inner in value.items():
            if isinstance(inner, dict):
                walk(f"{section}.{key}" if section else key, inner)
            else:
                rows.append((section, key, "" if inner is None else inner))

    walk("", report)
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(CSV_HEADER)
    writer.writerows(rows)
    return out.getvalue()
