"""The moderation dashboard's figures from a known set of comments and decisions."""

from __future__ import annotations

from datetime import timedelta

import pytest

from commentdesk.services import accounts, workspace
from commentdesk.services.accounts import Scope
from commentdesk.services.sites import create_site
from commentdesk.services.workspace_stats import Breakdown, dashboard
from commentdesk.store.models import Nudge, utcnow
from db_fixtures import add_article, add_comment


@pytest.fixture
def admin(session):
    user = accounts.create_user(session, "boss", "a long enough password", "admin")
    session.commit()
    return user


@pytest.fixture
def world(session, site):
    """Today: 2 published, 1 held (abusive), 1 rejected (spam, banned word); 3 days ago: 1 published."""
    article = add_article(session, site)
    other = add_article(session, site, url="https://news.example/other", title="Other story")
    add_comment(session, article, "published one")
    add_comment(session, article, "published two", author="Ben")
    add_comment(session, article, "held", "pending", reasons=[{"code": "possibly_abusive"}, {"code": "possibly_abusive"}])
    add_comment(session, other, "rejected", "rejected", reasons=[{"code": "spam"}, {"code": "banned_word"}, "junk"])
    old = add_comment(session, other, "older", author="Cy")
    old.created_at = utcnow() - timedelta(days=3)
    session.commit()
    return article, other


def test_volume_per_day_and_decision(session, world):
    figures = dashboard(session, Scope(None), days=7)
    assert len(figures.days) == 7 and figures.days[-1] == utcnow().date()
    assert figures.volume["publish"][-1] == 2 and figures.volume["hold"][-1] == 1 and figures.volume["reject"][-1] == 1
    assert figures.volume["publish"][-4] == 1
    assert figures.overall.total == 5 and figures.overall.rate("publish") == pytest.approx(0.6)


def test_reasons_are_counted_once_per_comment(session, world):
    figures = dashboard(session, Scope(None), days=7)
    assert dict(figures.top_reasons) == {"possibly_abusive": 1, "spam": 1, "banned_word": 1}
    assert figures.reasons_by_day["spam"][-1] == 1


def test_per_site_and_the_busiest_articles(session, world):
    article, other = world
    figures = dashboard(session, Scope(None), days=7)
    assert [(site.slug, breakdown.total) for site, breakdown in figures.per_site] == [("news", 5)]
    assert [(a.id, b.total) for a, b in figures.per_article] == [(article.id, 3), (other.id, 2)]


def test_a_shorter_window_leaves_older_arrivals_out(session, world):
    figures = dashboard(session, Scope(None), days=2)
    assert figures.overall.total == 4 and len(figures.days) == 2


def test_the_backlog_and_the_oldest_held_comment(session, world):
    figures = dashboard(session, Scope(None), days=7)
    assert figures.backlog["held"] == 1 and figures.backlog["rejected"] == 1
    assert figures.oldest_held is not None and figures.oldest_held <= utcnow()


def test_human_decisions_and_overrides(session, world, admin):
    article, other = world
    held = workspace.queue_comments(session, Scope(None), "held", workspace.QueueFilter())[0]
    rejected = workspace.queue_comments(session, Scope(None), "rejected", workspace.QueueFilter())[0]
    workspace.decide(session, admin, [held.id], "approve")
    workspace.decide(session, admin, [rejected.id], "reject", rejection_reason="spam")  # confirms: no change of status
    figures = dashboard(session, Scope(None), days=7)
    assert figures.human_decisions == 2 and figures.overrides == 1
    assert figures.median_decision_seconds is not None and figures.median_decision_seconds >= 0


def test_filters_by_site_article_and_scope(session, world):
    article, other = world
    other_site, _key = create_site(session, "other", "Other site")
    add_comment(session, add_article(session, other_site, url="https://other.example/"), "elsewhere")
    session.commit()
    assert dashboard(session, Scope(None), days=7).overall.total == 6
    assert dashboard(session, Scope(None), days=7, site_id=other_site.id).overall.total == 1
    assert dashboard(session, Scope(None), days=7, article_id=other.id).overall.total == 2
    assert dashboard(session, Scope(frozenset({other_site.id})), days=7).overall.total == 1
    empty = dashboard(session, Scope(frozenset()), days=7)
    assert empty.overall.total == 0 and empty.per_site == [] and empty.per_article == [] and empty.median_decision_seconds is None


def test_nudge_figures_for_the_window(session, world, site):
    article, _other = world
    for number, (edited, outcome) in enumerate([(True, "published"), (True, "pending"), (False, None)]):
        session.add(
            Nudge(
                token=f"n{number}",
                site_id=site.id,
                article_id=article.id,
                draft_hash="d" * 64,
                edited=edited,
                outcome=outcome,
                reasons=[],
            )
        )
    session.commit()
    figures = dashboard(session, Scope(None), days=7)
    assert (figures.nudged, figures.nudge_edited, figures.nudge_edited_published) == (3, 2, 1)


def test_an_empty_breakdown_has_no_rates():
    assert Breakdown().total == 0 and Breakdown().rate("publish") is None
