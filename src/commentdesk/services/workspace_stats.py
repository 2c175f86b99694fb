"""Figures for the moderation dashboard: volume, decision rates, reasons, backlog, time to a human decision."""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from statistics import median

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from commentdesk.services import workspace
from commentdesk.services.accounts import Scope
from commentdesk.store.models import Article, Comment, CommentStatus, ModerationEvent, Nudge, Site, utcnow

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
    volume: dict[str, list[int]]                 # decision -> count per day
    overall: Breakdown
    top_reasons: list[tuple[str, int]]
    reasons_by_day: dict[str, list[int]]         # reason code -> count per day, for the top few
    per_site: list[tuple[Site, Breakdown]]
    per_article: list[tuple[Article, Breakdown]]
    backlog: dict[str, int]
    oldest_held: datetime | None
    human_decisions: int
    median_decision_seconds: float | None
    overrides: int
    nudged: int = 0                               # authors warned before posting, in the window
    nudge_edited: int = 0                         # ... who changed the comment and sent it
    nudge_edited_published: int = 0               # ... whose edited comment was then published


def dashboard(session: Session, scope: Scope, *, days: int = 14, site_id: int | None = None,
              article_id: int | None = None, now: datetime | None = None) -> Dashboard:
    now = now or utcnow()
    first_day = (now - timedelta(days=days - 1)).date()
    start = datetime.combine(first_day, datetime.min.time(), tzinfo=now.tzinfo)
    day_list = [first_day + timedelta(days=offset) for offset in range(days)]
    index = {day: position for position, day in enumerate(day_list)}

    def limited(query, site_column, article_column):
        restrict = scope.restrict(site_column)
        if restrict is not None:
            query = query.where(restrict)
        if site_id is not None:
            query = query.where(site_column == site_id)
        if article_id is not None:
            query = query.where(article_column == article_id)
        return query

    # Only the columns the figures need: the arrivals of the window, aggregated here so the
    # same code runs on SQLite and PostgreSQL.
    rows = session.execute(limited(
        select(Comment.created_at, Comment.system_decision, Comment.status, Comment.reasons, Comment.site_id, Comment.article_id)
        .where(Comment.created_at >= start), Comment.site_id, Comment.article_id))
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

    sites = {site.id: site for site in session.scalars(select(Site).where(Site.id.in_(list(by_site))))} if by_site else {}
    busiest = sorted(by_article.items(), key=lambda item: -item[1].total)[:TOP_ARTICLES]
    articles = {article.id: article for article in session.scalars(select(Article).where(Article.id.in_([key for key, _ in busiest])))} if busiest else {}

    filters = workspace.QueueFilter(site_id=site_id, article_id=article_id)
    backlog = workspace.queue_counts(session, scope, filters, now=now)
    oldest_held = session.scalar(limited(
        select(func.min(Comment.created_at)).where(Comment.status == CommentStatus.PENDING), Comment.site_id, Comment.article_id))

    # Time from arrival to the first human decision, for comments first decided in the window.
    first_decisions = session.execute(limited(
        select(ModerationEvent.comment_id, func.min(ModerationEvent.created_at), Comment.created_at, Comment.system_decision)
        .join(Comment, Comment.id == ModerationEvent.comment_id)
        .where(ModerationEvent.actor == "moderator", ModerationEvent.action.in_(workspace.HUMAN_DECISIONS))
        .group_by(ModerationEvent.comment_id, Comment.created_at, Comment.system_decision),
        Comment.site_id, Comment.article_id)).all()
    waits = [(decided - arrived).total_seconds() for _id, decided, arrived, _system in first_decisions if decided >= start]
    overrides = session.scalar(limited(
        select(func.count()).select_from(ModerationEvent).join(Comment, Comment.id == ModerationEvent.comment_id)
        .where(ModerationEvent.actor == "moderator", ModerationEvent.action.in_(workspace.HUMAN_DECISIONS),
               ModerationEvent.created_at >= start, ModerationEvent.from_status != ModerationEvent.to_status),
        Comment.site_id, Comment.article_id)) or 0

    nudges = session.execute(limited(
        select(Nudge.edited, Nudge.outcome).where(Nudge.created_at >= start), Nudge.site_id, Nudge.article_id)).all()
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
