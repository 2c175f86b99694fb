"""Decisions a reader understands: plain words and the phrase behind them, and a nudge that keeps its word."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from commentdesk.moderation.types import HOLD, Decision, Reason
from commentdesk.store.models import Comment

ARTICLE = {
    "url": "https://news.example/bikes",
    "title": "Council approves 40 km protected bike-lane network",
    "body": "The council voted 7 to 4 to build protected bike lanes on Harbour Road and Mill Street; 600 parking spaces go.",
}
INSULT = "The councillors who voted for these bike lanes are brainless idiots and disgusting morons."


def test_a_reason_reads_in_plain_words_with_the_phrase_that_triggered_it():
    reason = Reason(
        "possibly_abusive", "It may contain an insult.", ["idiots", "morons", "idiots"], detail="abuse 0.61, threshold 0.19"
    )
    assert reason.for_reader() == "It may contain an insult: “idiots”, “morons”."
    assert reason.for_reader(show_detail=True) == "It may contain an insult: “idiots”, “morons”. (abuse 0.61, threshold 0.19)"
    # Evidence that is not the author's words (an article passage, an internal error) is not quoted back.
    passage = Reason(
        "off_topic", "It may not be about the article.", ["The council voted 7 to 4."], detail="relevance 0.08, threshold 0.20"
    )
    assert passage.for_reader() == "It may not be about the article."
    failure = Reason(
        "model_timeout", "Automatic checks could not run, so a moderator will read it.", ["models: timed out after 2000 ms"]
    )
    assert failure.for_reader() == "Automatic checks could not run, so a moderator will read it."
    long = Reason("contains_link", "It contains a link.", ["https://example.com/" + "a" * 100])
    assert len(long.for_reader()) < 90 and long.for_reader().endswith("…”.")


def test_a_decision_summary_keeps_scores_for_moderators_unless_the_site_shows_them():
    reasons = [Reason("off_topic", "It may not be about the article.", [], detail="relevance 0.08, threshold 0.20")]
    decision = Decision(HOLD, reasons, {}, {})
    assert decision.summary() == "Your comment is held for review by a moderator. It may not be about the article."
    decision.reader_detail = True
    assert decision.summary().endswith("It may not be about the article. (relevance 0.08, threshold 0.20)")
    assert reasons[0].as_dict()["detail"] == "relevance 0.08, threshold 0.20"  # stored for the workspace


@pytest.fixture
def strict_site(client, auth):
    """A site whose abuse threshold rejects an insult outright, so the nudge's promise is put to the test."""
    assert (
        client.patch(
            "/api/v1/policy", json={"abuse_hold": 0.01, "abuse_reject": 0.02, "banned_words": ["fuck*", "shit*"]}, headers=auth
        ).status_code
        == 200
    )
    return client.put("/api/v1/articles", json=ARTICLE, headers=auth).json()["id"]


def post(client, article_id, **body):
    return client.post(f"/api/v1/articles/{article_id}/comments", json={"author_name": "Marcus", **body})


@pytest.mark.models
def test_a_nudged_comment_sent_unchanged_is_held_for_a_moderator_not_rejected(client, strict_site):
    straight = post(client, strict_site, text="Whoever drew up this plan for Mill Street is a brainless idiot.").json()
    assert straight["outcome"] == "rejected"  # without a nudge, the models reject an insult here

    nudge = post(client, strict_site, text=INSULT, nudge=True).json()
    assert nudge["outcome"] == "nudge"
    assert "post it unchanged and a moderator will read it" in nudge["message"]
    assert "threshold" not in nudge["message"] and "“" in nudge["message"]  # plain words, and the phrase behind them

    sent = post(client, strict_site, text=INSULT, nudge_token=nudge["nudge_token"]).json()
    assert sent["outcome"] == "held", sent
    assert "held for review" in sent["message"] and "moderator will read it" in sent["message"]
    assert [reason["code"] for reason in sent["reasons"]][-1] == "sent_after_nudge"
    with client.app.state.sessions() as session:
        stored = session.get(Comment, sent["comment"]["id"])
        assert stored.status == "pending" and stored.system_decision == "hold"
        assert any(reason.get("detail", "").startswith("abuse ") for reason in stored.reasons)  # the workspace keeps the scores


@pytest.mark.models
def test_an_edited_comment_is_judged_afresh_and_a_banned_word_still_rejects(client, strict_site):
    nudge = post(client, strict_site, text=INSULT, nudge=True).json()
    edited = post(client, strict_site, text=INSULT.replace("brainless", "clueless"), nudge_token=nudge["nudge_token"]).json()
    assert edited["outcome"] == "rejected"  # only the unchanged comment was promised to a moderator

    banned = "The council fucking wasted money on these bike lanes on Harbour Road."
    warned = post(client, strict_site, text=banned, nudge=True).json()
    assert warned["outcome"] == "nudge"
    assert "as it is, it cannot be published" in warned["message"] and "unchanged" not in warned["message"]
    assert "“fucking”" in warned["message"]
    resent = post(client, strict_site, text=banned, nudge_token=warned["nudge_token"]).json()
    assert resent["outcome"] == "rejected"
    assert all(reason["code"] != "sent_after_nudge" for reason in resent["reasons"])


def test_a_site_may_show_readers_the_scores(client, auth):
    assert client.patch("/api/v1/policy", json={"show_scores_to_readers": True}, headers=auth).status_code == 200
    article_id = client.put("/api/v1/articles", json=ARTICLE, headers=auth).json()["id"]
    body = post(client, article_id, text="My favourite recipe for lentil soup needs cumin, lemon and a lot of patience.").json()
    with client.app.state.sessions() as session:
        stored = session.scalars(select(Comment)).one()
    details = [reason["detail"] for reason in stored.reasons if reason.get("detail")]
    assert body["outcome"] == "held" and details and all(detail in body["message"] for detail in details)
    assert client.patch("/api/v1/policy", json={"show_scores_to_readers": "yes"}, headers=auth).status_code == 422
