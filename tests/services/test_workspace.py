"""Workspace logic that needs no database: highlighting, suggested reasons, site scopes, charts."""

from __future__ import annotations

from datetime import date

import pytest

from commentdesk.services.accounts import Scope
from commentdesk.store.models import Comment, Site
from commentdesk.web.moderate import charts
from commentdesk.web.moderate.words import highlight, reason_words, suggested_rejection


def marked(text, reasons):
    return [(segment.text, segment.codes) for segment in highlight(text, reasons) if segment.codes]


def test_highlight_marks_every_occurrence_and_merges_overlaps():
    text = "You idiot, a total IDIOT and an idiotic moron"
    reasons = [
        {"code": "suspect_word", "message": "", "evidence": ["idiot", "IDIOT", "moron"]},
        {"code": "abusive", "message": "", "evidence": ["total IDIOT"]},
    ]
    spans = marked(text, reasons)
    assert ("idiot", ["suspect_word"]) in spans and ("moron", ["suspect_word"]) in spans
    assert ("total IDIOT", ["abusive", "suspect_word"]) in spans
    assert "".join(segment.text for segment in highlight(text, reasons)) == text


def test_highlight_ignores_reasons_without_words_in_the_text():
    text = "A perfectly calm comment about turtles."
    reasons = [
        {"code": "off_topic", "message": "", "evidence": ["The council voted for cycle lanes."]},
        {"code": "duplicate", "message": "", "evidence": []},
    ]
    assert marked(text, reasons) == []
    assert [segment.text for segment in highlight(text, reasons)] == [text]


def test_highlight_falls_back_to_case_insensitive_matching():
    assert marked("Call Me now", [{"code": "contact_bait", "evidence": ["call me"]}]) == [("Call Me", ["contact_bait"])]


def test_suggested_rejection_follows_the_first_known_reason():
    assert suggested_rejection(Comment(reasons=[{"code": "new_commenter"}, {"code": "off_topic"}])) == "off_topic"
    assert suggested_rejection(Comment(reasons=[{"code": "phone_number"}])) == "spam"
    assert suggested_rejection(Comment(reasons=[{"code": "banned_word"}])) == "abusive"
    assert suggested_rejection(Comment(reasons=[])) == "other"


def test_reason_words():
    assert reason_words("suspect_word") == "Suspect word"
    assert reason_words("report_off_topic") == "Reported: off topic"
    assert reason_words("something_new") == "Something new"


def test_scope():
    everywhere, limited = Scope(None), Scope(frozenset({2}))
    assert everywhere.allows(7) and everywhere.restrict(Site.id) is None
    assert limited.allows(2) and not limited.allows(3)
    assert "IN" in str(limited.restrict(Site.id)).upper()


def test_charts_escape_labels_and_draw_every_bar():
    days = [date(2024, 3, day) for day in range(1, 4)]
    svg = str(charts.stacked_bars(days, [("<b>held</b>", [1, 0, 2]), ("published", [3, 1, 0])], "Volume"))
    assert "<svg" in svg and "<b>" not in svg and "&lt;b&gt;held" in svg
    assert svg.count("<rect") == 4  # the four non-zero bars
    legend = svg.split('<ul class="chart-legend">')[1]
    assert legend.count("<li>") == 2 and "&lt;b&gt;held" in legend and "published" in legend  # every series named
    bars = str(charts.horizontal_bars([("Suspect word", 4), ("Off-topic", 2)], "Reasons"))
    assert bars.count("<rect") == 2 and "Suspect word" in bars


@pytest.mark.parametrize(
    "largest, ticks",
    [
        (0, [0, 1]),
        (1, [0, 1]),
        (3, [0, 1, 2, 3]),
        (5, [0, 1, 2, 3, 4, 5]),
        (7, [0, 2, 4, 6, 8]),
        (37, [0, 10, 20, 30, 40]),
        (130, [0, 50, 100, 150]),
        (1999, [0, 500, 1000, 1500, 2000]),
    ],
)
def test_chart_axes_use_round_ticks(largest, ticks):
    assert charts.nice_ticks(largest) == ticks


def test_highlighting_marks_whole_words_only():
    from commentdesk.web.moderate.words import highlight

    segments = highlight("Vaccines are a scam, want a vote?", [{"code": "possibly_abusive", "evidence": ["a", "scam"]}])
    flagged = [segment.text for segment in segments if segment.codes]
    assert flagged == ["a", "scam", "a"]


def test_every_queue_and_view_has_its_words_for_moderators():
    from commentdesk.services import queues
    from commentdesk.web.moderate import words

    assert tuple(words.QUEUES) == queues.QUEUE_NAMES
    assert tuple(words.REJECTED_VIEWS) == queues.REJECTED_VIEW_NAMES
    assert queues.DEFAULT_REJECTED_VIEW in queues.REJECTED_VIEW_NAMES
