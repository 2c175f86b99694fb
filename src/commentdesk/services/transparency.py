"""The transparency export (EU Digital Services Act, Art. 15 and 24): for a period, the notices of
illegal content by ground and by outcome, the moderation decisions automated and human, by
reason, the statements of reasons issued, and the median time to handle a notice and a held
comment. As JSON (a nested object) or CSV (one `section,group,value` row per figure)."""

from __future__ import annotations

import csv
import io
import json
from datetime import datetime
from statistics import median

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from commentdesk.services.notices import GROUNDS
from commentdesk.store.models import (
    Comment,
    CommentStatus,
    IllegalContentNotice,
    ModerationEvent,
    NoticeStatus,
    StatementOfReasons,
)

AUTOMATED_ACTIONS = ("publish", "hold", "reject")
HUMAN_ACTIONS = ("approve", "reject", "restore")
CSV_HEADER = ("section", "group", "value")


def _in_period(column, start: datetime, end: datetime):
    return (column >= start) & (column < end)


def _sites(query, column, site_ids: list[int] | None):
    return query.where(column.in_(site_ids)) if site_ids is not None else query


def _median_seconds(pairs) -> float | None:
    waits = [(later - earlier).total_seconds() for earlier, later in pairs if earlier is not None and later is not None]
    return round(median(waits), 1) if waits else None


def transparency_report(session: Session, start: datetime, end: datetime, site_ids: list[int] | None = None) -> dict:
    """The figures for [start, end) on the given sites (None: every site)."""
    if end <= start:
        raise ValueError("the period must end after it starts")
    notice = IllegalContentNotice
    received = _sites(select(notice.ground, func.count()).where(_in_period(notice.received_at, start, end)), notice.site_id, site_ids)
    by_ground = {ground: 0 for ground in GROUNDS} | dict(session.execute(received.group_by(notice.ground)).all())
    decided = _sites(select(notice.status, func.count()).where(_in_period(notice.decided_at, start, end)), notice.site_id, site_ids)
    by_outcome = {status: 0 for status in NoticeStatus.DECIDED} | dict(session.execute(decided.group_by(notice.status)).all())
    still_open = _sites(select(func.count()).select_from(notice).where(_in_period(notice.received_at, start, end),
                                                                       notice.status.in_(NoticeStatus.OPEN)), notice.site_id, site_ids)
    handled = _sites(select(notice.received_at, notice.decided_at).where(_in_period(notice.decided_at, start, end)), notice.site_id, site_ids)

    event = ModerationEvent
    actions = _sites(select(event.actor, event.action, func.count()).where(
        _in_period(event.created_at, start, end), event.actor.in_(("system", "moderator"))), event.site_id, site_ids)
    decisions = {"automated": {action: 0 for action in AUTOMATED_ACTIONS}, "human": {action: 0 for action in HUMAN_ACTIONS}}
    for actor, action, count in session.execute(actions.group_by(event.actor, event.action)):
        kind = "automated" if actor == "system" else "human"
        if action in decisions[kind]:
            decisions[kind][action] += count

    statements = _sites(select(StatementOfReasons.automated, StatementOfReasons.event_id).where(
        _in_period(StatementOfReasons.issued_at, start, end)), StatementOfReasons.site_id, site_ids)
    issued = {"automated": 0, "human": 0}
    rejections_by_reason: dict[str, dict[str, int]] = {}
    reasons_of: dict[int, list] = dict(session.execute(select(event.id, event.reasons).where(
        event.id.in_(select(statements.subquery().c.event_id)))).all())
    for automated, event_id in session.execute(statements):
        kind = "automated" if automated else "human"
        issued[kind] += 1
        codes = {reason.get("code") for reason in reasons_of.get(event_id) or [] if isinstance(reason, dict)}
        for code in sorted(code for code in codes if isinstance(code, str)):
            rejections_by_reason.setdefault(code, {"automated": 0, "human": 0})[kind] += 1

    # A held comment is handled when a moderator first decides it: the wait from its posting.
    first_decision = _sites(select(Comment.created_at, func.min(event.created_at)).join(Comment, Comment.id == event.comment_id).where(
        _in_period(event.created_at, start, end), event.actor == "moderator", event.action.in_(("approve", "reject")),
        event.from_status == CommentStatus.PENDING), event.site_id, site_ids).group_by(Comment.id, Comment.created_at)

    return {
        "period": {"from": start.isoformat(), "to": end.isoformat()},
        "notices": {
            "received": sum(by_ground.values()), "by_ground": by_ground, "by_outcome": by_outcome,
            "open": session.scalar(still_open) or 0,
            "median_handling_seconds": _median_seconds(session.execute(handled).all()),
        },
        "decisions": decisions,
        "rejections_by_reason": dict(sorted(rejections_by_reason.items())),
        "statements_of_reasons": issued,
        "held_comments": {"decided": len(waits := session.execute(first_decision).all()),
                          "median_handling_seconds": _median_seconds(waits)},
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
