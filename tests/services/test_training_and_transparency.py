"""What the moderators' decisions teach the models (training data), and the transparency report's
figures built from the same log."""

from __future__ import annotations

import csv
import io
import json
from datetime import timedelta

import pytest

from commentdesk.services import accounts, workspace
from commentdesk.services.sites import create_site
from commentdesk.services.training_data import human_labels
from commentdesk.services.transparency import as_csv, as_json, transparency_report
from commentdesk.store.models import utcnow
from db_fixtures import add_article, add_comment

PASSWORD = "a long enough password"


@pytest.fixture
def admin(session):
    user = accounts.create_user(session, "boss", PASSWORD, "admin")
    session.commit()
    return user


def test_each_decided_comment_is_one_example_labelled_by_the_standing_decision(session, site, admin):
    article = add_article(session, site, title="Bike lanes", body="The council voted.")
    approved = add_comment(session, article, "Good plan", "pending")
    abusive = add_comment(session, article, "You clowns", "pending", author="Ben")
    reply = add_comment(session, article, "Buy pills", "pending", parent=approved, author="Spam")
    session.commit()
    workspace.decide(session, admin, [approved.id], "approve")
    workspace.decide(session, admin, [abusive.id], "reject", rejection_reason="abusive")
    workspace.decide(session, admin, [reply.id], "reject", rejection_reason="spam")
    examples = human_labels(session)
    assert [(e["text"], e["label"]) for e in examples] == [("Good plan", "ok"), ("You clowns", "abusive"), ("Buy pills", "spam")]
    assert examples[0]["article_title"] == "Bike lanes" and examples[0]["article_body"] == "The council voted."
    assert examples[0]["parent_text"] is None and examples[2]["parent_text"] == "Good plan"
    assert examples[0]["decided_at"] <= examples[1]["decided_at"] <= examples[2]["decided_at"]


def test_an_undone_decision_gives_way_to_the_one_before(session, site, admin):
    comment = add_comment(session, add_article(session, site), "text", "pending")
    session.commit()
    workspace.decide(session, admin, [comment.id], "approve")
    second = workspace.decide(session, admin, [comment.id], "reject", rejection_reason="off_topic")
    assert [e["label"] for e in human_labels(session)] == ["off_topic"]
    workspace.undo(session, admin, second.event_ids)
    assert [e["label"] for e in human_labels(session)] == ["ok"]


def test_a_fully_undone_comment_and_an_other_rejection_teach_nothing(session, site, admin):
    article = add_article(session, site)
    undone = add_comment(session, article, "undone", "pending")
    other = add_comment(session, article, "other", "pending", author="Ben")
    session.commit()
    decided = workspace.decide(session, admin, [undone.id], "approve")
    workspace.undo(session, admin, decided.event_ids)
    workspace.decide(session, admin, [other.id], "reject", rejection_reason="other")
    assert human_labels(session) == []


def test_examples_can_be_limited_to_one_site(session, site, admin):
    other, _key = create_site(session, "other", "Other")
    mine = add_comment(session, add_article(session, site), "mine", "pending")
    theirs = add_comment(session, add_article(session, other, url="https://other.example/"), "theirs", "pending")
    session.commit()
    workspace.decide(session, admin, [mine.id, theirs.id], "approve")
    assert [e["text"] for e in human_labels(session, site_id=other.id)] == ["theirs"]
    assert len(human_labels(session)) == 2


def test_automatic_decisions_are_not_training_labels(session, site):
    add_comment(session, add_article(session, site), "auto", "rejected")
    session.commit()
    assert human_labels(session) == []


def _period():
    now = utcnow()
    return now - timedelta(days=1), now + timedelta(days=1)


def test_the_report_counts_automated_and_human_decisions_and_statements(session, site, admin):
    article = add_article(session, site)
    add_comment(session, article, "published")
    held = add_comment(session, article, "held", "pending")
    rejected = add_comment(session, article, "rejected", "rejected", reasons=[{"code": "abusive"}, {"code": "banned_word"}])
    session.commit()
    workspace.decide(session, admin, [held.id], "reject", rejection_reason="spam")
    workspace.decide(session, admin, [rejected.id], "restore")
    start, end = _period()
    report = transparency_report(session, start, end)
    assert report["decisions"] == {
        "automated": {"publish": 1, "hold": 1, "reject": 1},
        "human": {"approve": 0, "reject": 1, "restore": 1},
    }
    assert report["statements_of_reasons"] == {"automated": 1, "human": 1}
    assert report["rejections_by_reason"] == {
        "abusive": {"automated": 1, "human": 0},
        "banned_word": {"automated": 1, "human": 0},
        "spam": {"automated": 0, "human": 1},
    }
    assert report["held_comments"]["decided"] == 1 and report["held_comments"]["median_handling_seconds"] >= 0
    assert report["notices"]["received"] == 0 and report["notices"]["median_handling_seconds"] is None
    assert set(report["notices"]["by_ground"]) >= {"defamation", "illegal_hate_speech"}


def test_the_report_covers_only_its_period_and_sites(session, site, admin):
    other, _key = create_site(session, "other", "Other")
    add_comment(session, add_article(session, site), "here")
    add_comment(session, add_article(session, other, url="https://other.example/"), "there", "rejected")
    session.commit()
    start, end = _period()
    mine = transparency_report(session, start, end, site_ids=[site.id])
    assert mine["decisions"]["automated"] == {"publish": 1, "hold": 0, "reject": 0}
    assert mine["statements_of_reasons"] == {"automated": 0, "human": 0}
    earlier = transparency_report(session, start - timedelta(days=30), start)
    assert earlier["decisions"]["automated"] == {"publish": 0, "hold": 0, "reject": 0}
    with pytest.raises(ValueError, match="must end after it starts"):
        transparency_report(session, end, start)


def test_the_report_reads_as_json_and_as_csv_rows(session, site):
    add_comment(session, add_article(session, site), "x", "rejected", reasons=[{"code": "spam"}])
    session.commit()
    start, end = _period()
    report = transparency_report(session, start, end)
    assert json.loads(as_json(report)) == report
    rows = list(csv.reader(io.StringIO(as_csv(report))))
    assert rows[0] == ["section", "group", "value"]
    assert ["decisions.automated", "reject", "1"] in rows
    assert ["rejections_by_reason.spam", "automated", "1"] in rows
    assert ["notices", "median_handling_seconds", ""] in rows
    assert ["period", "from", start.isoformat()] in rows
