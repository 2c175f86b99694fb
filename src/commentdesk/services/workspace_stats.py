"""Figures for the moderation dashboard: volume, decision rates, reasons, backlog, time to a human decision."""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from statistics import median

from sqlalchemy.orm import Session

from commentdesk.services import queues
from commentdesk.services.accounts import Scope
from commentdesk.store import stats
from commentdesk.store.models import Article, CommentStatus, Site, utcnow
from commentdesk.store.queues import HUMAN_DECISIONS

DECISIONS = ("publish", "hold", "reject")
_FROM_STATUS = {CommentStatus.PUBLISHED: "publish", CommentStatus.PENDING: "hold", CommentStatus.REJECTED: "reject"}
TOP_REASONS = 8
REASONS_OVER_TIME = 5
TOP_ARTICLES = 10


@dataclass
class Breakdown:
    """Arrivals by automatic decision."""

    counts: Counter = field(default_factory=Counter)

    @property
    def total(self) -> int:
        return sum(self.counts.values())

    def rate(self, decision: str) -> float | None:
        return self.counts[decision] / self.total if self.total else None


@dataclass
class Dashboard:
    days: list[date]
    volume: dict[str, list[int]]  # decision -> count per day
    overall: Breakdown
    top_reasons: list[tuple[str, int]]
    reasons_by_day: dict[str, list[int]]  # reason code -> count per day, for the top few
    per_site: list[tuple[Site, Breakdown]]
    per_article: list[tuple[Article, Breakdown]]
    backlog: dict[str, int]
    oldest_held: datetime | None
    human_decisions: int
    median_decision_seconds: float | None
    overrides: int
    nudged: int = 0  # authors warned before posting, in the window
    nudge_edited: int = 0  # ... who changed the comment and sent it
    nudge_edited_published: int = 0  # ... whose edited comment was then published


def dashboard(
    session: Session,
    scope: Scope,
    *,
    days: int = 14,
    site_id: int | None = None,
    article_id: int | None = None,
    now: datetime | None = None,
) -> Dashboard:
    now = now or utcnow()
    first_day = (now - timedelta(days=days - 1)).date()
    start = datetime.combine(first_day, datetime.min.time(), tzinfo=now.tzinfo)
    day_list = [first_day + timedelta(days=offset) for offset in range(days)]
    index = {day: position for position, day in enumerate(day_list)}

    window = stats.Window(scope.site_ids, site_id, article_id)
    rows = stats.arrivals(session, window, start)
    volume = {decision: [0] * days for decision in DECISIONS}
    overall = Breakdown()
    reasons: Counter[str] = Counter()
    reasons_daily: dict[str, list[int]] = defaultdict(lambda: [0] * days)
    by_site: dict[int, Breakdown] = defaultdict(Breakdown)
    by_article: dict[int, Breakdown] = defaultdict(Breakdown)
    for created_at, system_decision, status, comment_reasons, comment_site, comment_article in rows:
        position = index.get(created_at.date())
        if position is None:
            continue
        decision = system_decision if system_decision in DECISIONS else _FROM_STATUS.get(status, "hold")
        volume[decision][position] += 1
        overall.counts[decision] += 1
        by_site[comment_site].counts[decision] += 1
        by_article[comment_article].counts[decision] += 1
        for code in {reason.get("code") for reason in comment_reasons or [] if isinstance(reason, dict)}:
            if code:
                reasons[code] += 1
                reasons_daily[code][position] += 1
    top = reasons.most_common(TOP_REASONS)

    sites = stats.sites_by_id(session, by_site)
    busiest = sorted(by_article.items(), key=lambda item: -item[1].total)[:TOP_ARTICLES]
    articles = stats.articles_by_id(session, [key for key, _ in busiest])

    filters = queues.QueueFilter(site_id=site_id, article_id=article_id)
    backlog = queues.queue_counts(session, scope, filters, now=now)
    oldest_held = stats.oldest_held(session, window)

    # Time from arrival to the first human decision, for comments first decided in the window.
    first_decisions = stats.first_human_decisions(session, window, HUMAN_DECISIONS)
    waits = [(decided - arrived).total_seconds() for _id, decided, arrived, _system in first_decisions if decided >= start]
    overrides = stats.overrides_since(session, window, HUMAN_DECISIONS, start)

    nudges = stats.nudges_since(session, window, start)
    edited = [outcome for was_edited, outcome in nudges if was_edited]

    return Dashboard(
        nudged=len(nudges),
        nudge_edited=len(edited),
        nudge_edited_published=sum(1 for outcome in edited if outcome == CommentStatus.PUBLISHED),
        days=day_list,
        volume=volume,
        overall=overall,
        top_reasons=top,
        reasons_by_day={code: reasons_daily[code] for code, _count in top[:REASONS_OVER_TIME]},
        per_site=sorted(((sites[key], value) for key, value in by_site.items() if key in sites), key=lambda item: -item[1].total),
        per_article=[(articles[key], value) for key, value in busiest if key in articles],
        backlog=backlog,
        oldest_held=oldest_held,
        human_decisions=len(waits),
        median_decision_seconds=median(waits) if waits else None,
        overrides=overrides,
    )
