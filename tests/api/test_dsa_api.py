"""EU Digital Services Act through the public API and the reader's forms: reports as one use case,
notices of illegal content, and the statement of reasons that comes with every rejection."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import func, select

from commentdesk.services import workspace
from commentdesk.services.accounts import create_user
from commentdesk.store import repository as repo
from commentdesk.store.models import (
    Comment,
    CommentStatus,
    IllegalContentNotice,
    ModerationEvent,
    Report,
    StatementOfReasons,
)

ARTICLE = {
    "url": "https://news.example/2024/cycle-lanes",
    "title": "City council approves new cycle lanes",
    "body": "The city council voted on Tuesday to build protected cycle lanes along the harbour road. "
    "The lanes will cost four million euros and open next spring.",
}
ON_TOPIC = "The new cycle lanes on the harbour road are overdue; the council should have built them years ago."
NOTICE = {
    "ground": "defamation",
    "explanation": "It falsely says a named councillor took bribes, which is defamation.",
    "notifier_name": "Jo Reader",
    "notifier_email": "jo@example.org",
    "good_faith": True,
}


@pytest.fixture
def article_id(client, auth) -> int:
    response = client.put("/api/v1/articles", json=ARTICLE, headers=auth)
    assert response.status_code == 201, response.text
    return response.json()["id"]


@pytest.fixture
def published(client, article_id) -> int:
    """A published comment (approved by a moderator should the models hold it)."""
    response = client.post(f"/api/v1/articles/{article_id}/comments", json={"author_name": "Ana", "text": ON_TOPIC})
    assert response.status_code == 201, response.text
    comment_id = response.json()["comment"]["id"]
    if response.json()["outcome"] != "published":
        with client.app.state.sessions() as session:
            repo.change_status(
                session, session.get(Comment, comment_id), CommentStatus.PUBLISHED, actor="moderator", actor_name="t"
            )
            session.commit()
    return comment_id


def count(client, model) -> int:
    with client.app.state.sessions() as session:
        return session.scalar(select(func.count()).select_from(model))


def test_a_report_counts_once_per_reader_through_the_api_and_the_page(client, article_id, published):
    for _ in range(2):
        answer = client.post(f"/api/v1/comments/{published}/reports", json={"reason": "abusive"})
        assert answer.status_code == 201 and answer.json()["received"] is True
    assert count(client, Report) == 1
    page = client.get(f"/articles/{article_id}")
    token = re.search(r'name="token" value="([^"]+)"', page.text).group(1)
    refused = client.post(f"/comments/{published}/report", data={"token": token, "reason": "bogus"})
    assert "Please choose why you are reporting" in refused.text
    again = client.post(f"/comments/{published}/report", data={"token": token, "reason": "spam"})
    assert "Thank you" in again.text and count(client, Report) == 1  # the same reader, already counted
    with client.app.state.sessions() as session:
        assert session.get(Comment, published).report_count == 1
        assert session.scalar(select(func.count()).select_from(ModerationEvent).where(ModerationEvent.action == "report")) == 1
    assert client.post("/api/v1/comments/999999/reports", json={"reason": "spam"}).status_code == 404


@pytest.mark.parametrize(
    "change, code",
    [
        ({"notifier_email": ""}, "email_required"),
        ({"notifier_email": "not an address"}, "email_invalid"),
        ({"notifier_name": "   "}, "name_required"),
        ({"good_faith": False}, "good_faith_required"),
        ({"ground": "dislike"}, "invalid_request"),
        ({"explanation": "short"}, "explanation_required"),
        ({"explanation": "x" * 6000}, "explanation_too_long"),
        ({"explanation": "nul \x00 inside the explanation text"}, "invalid_request"),
        ({"unexpected": 1}, "invalid_request"),
    ],
)
def test_an_incomplete_or_hostile_notice_is_refused_and_changes_nothing(client, published, change, code):
    answer = client.post(f"/api/v1/comments/{published}/notices", json={**NOTICE, **change})
    assert answer.status_code == 422, answer.text
    assert answer.json()["error"]["code"] == code
    assert count(client, IllegalContentNotice) == 0 and count(client, Report) == 0


def test_a_notice_is_received_and_its_notifier_can_follow_it(client, published):
    answer = client.post(f"/api/v1/comments/{published}/notices", json=NOTICE)
    assert answer.status_code == 201, answer.text
    notice = answer.json()
    assert notice["status"] == "received" and notice["ground"] == "defamation" and notice["comment_id"] == published
    assert len(notice["reference"]) >= 20 and notice["status_url"].endswith(f"/notices/{notice['reference']}")
    looked_up = client.get(f"/api/v1/notices/{notice['reference']}")
    assert looked_up.status_code == 200 and looked_up.json()["status_words"] == "Received"
    in_german = client.get(f"/api/v1/notices/{notice['reference']}?lang=de").json()
    assert (in_german["status_words"], in_german["ground_words"]) == ("Eingegangen", "Verleumdung oder Beleidigung")
    assert "jo@example.org" not in looked_up.text  # the contact is for the moderators only
    assert client.get("/api/v1/notices/" + "A" * 24).status_code == 404
    assert client.get("/api/v1/notices/..%2F..%2Fetc").status_code == 404
    page = client.get(f"/notices/{notice['reference']}")
    assert page.status_code == 200 and "Received" in page.text
    # The notice waits in its own queue, not among the ordinary reports.
    with client.app.state.sessions() as session:
        user = create_user(session, "mod", "correct horse battery", "moderator")
        session.commit()
        scope = workspace.Scope.of(user)
        assert workspace.queue_counts(session, scope, workspace.QueueFilter())["reported"] == 0


def test_one_open_notice_per_comment_and_reader(client, published):
    assert client.post(f"/api/v1/comments/{published}/notices", json=NOTICE).status_code == 201
    again = client.post(f"/api/v1/comments/{published}/notices", json={**NOTICE, "ground": "other"})
    assert again.status_code == 409 and again.json()["error"]["code"] == "already_noticed"
    assert count(client, IllegalContentNotice) == 1 and count(client, Report) == 1


def test_child_safety_notices_may_be_anonymous(client, published):
    answer = client.post(
        f"/api/v1/comments/{published}/notices",
        json={"ground": "child_safety", "explanation": "It links to material that abuses children.", "good_faith": True},
    )
    assert answer.status_code == 201, answer.text


def test_no_notice_on_a_comment_readers_cannot_see(client, article_id):
    answer = client.post("/api/v1/comments/424242/notices", json=NOTICE)
    assert answer.status_code == 404 and answer.json()["error"]["code"] == "comment_not_found"


def test_the_notice_form_page_works_without_javascript(client, article_id, published):
    form = client.get(f"/comments/{published}/notice")
    assert form.status_code == 200 and "Report illegal content" in form.text
    token = re.search(r'name="token" value="([^"]+)"', form.text).group(1)
    fields = {
        "token": token,
        "ground": "illegal_hate_speech",
        "explanation": NOTICE["explanation"],
        "notifier_name": "Jo",
        "notifier_email": "jo@example.org",
    }
    missing = client.post(f"/comments/{published}/notice", data=fields)
    assert missing.status_code == 422 and "good faith" in missing.text and count(client, IllegalContentNotice) == 0
    sent = client.post(f"/comments/{published}/notice", data={**fields, "good_faith": "yes"}, follow_redirects=False)
    assert sent.status_code == 303 and sent.headers["location"].startswith("/notices/")
    assert "your notice is received" in client.get(sent.headers["location"]).text
    expired = client.post(f"/comments/{published}/notice", data={**fields, "good_faith": "yes", "token": "forged"})
    assert expired.status_code == 400 and count(client, IllegalContentNotice) == 1
    assert f'href="/comments/{published}/notice"' in client.get(f"/articles/{article_id}").text


def test_an_automatic_rejection_states_its_reasons_and_the_way_to_appeal(client, auth, article_id):
    policy = client.patch(
        "/api/v1/policy",
        json={"redress_text": "Write to the readers' editor to appeal.", "redress_url": "https://news.example/appeals"},
        headers=auth,
    )
    assert policy.status_code == 200, policy.text
    assert client.patch("/api/v1/policy", json={"redress_url": "javascript:alert(1)"}, headers=auth).status_code == 422
    posted = client.post(f"/api/v1/articles/{article_id}/comments", json={"author_name": "Bo", "text": "You are a cunt."})
    assert posted.status_code == 201 and posted.json()["outcome"] == "rejected", posted.text
    statement = posted.json()["statement"]
    assert statement["automated"] is True and "automatically" in statement["decided_by"]
    assert "banned_word" in [reason["code"] for reason in statement["reasons"]]
    assert statement["reasons"] == posted.json()["reasons"]  # the same words the author is told
    assert statement["redress"] == {"text": "Write to the readers' editor to appeal.", "url": "https://news.example/appeals"}
    outcome = client.get(posted.json()["outcome_url"]).json()
    assert outcome["statement"]["automated"] is True and outcome["statement"]["reasons"] == statement["reasons"]
    assert count(client, StatementOfReasons) == 1


def test_a_moderators_rejection_states_its_reasons_too(client, published):
    posted_url = None
    with client.app.state.sessions() as session:
        user = create_user(session, "mod", "correct horse battery", "moderator")
        session.commit()
        workspace.decide(session, user, [published], "reject", rejection_reason="off_topic")
    from commentdesk.services.posting import status_token

    posted_url = f"/api/v1/comments/{published}/outcome?token={status_token(client.app.state.secret, published)}"
    outcome = client.get(posted_url).json()
    assert outcome["outcome"] == "rejected"
    assert outcome["statement"]["automated"] is False and "moderator" in outcome["statement"]["decided_by"]
    assert outcome["statement"]["reasons"][0]["code"] == "off_topic"
    assert "off-topic" in outcome["statement"]["reasons"][0]["message"]
    assert outcome["statement"]["redress"]["text"]  # the site's default words when it set none


def test_a_published_comment_has_no_statement(client, article_id, published):
    with client.app.state.sessions() as session:
        assert session.scalar(select(func.count()).select_from(StatementOfReasons)) == 0
    from commentdesk.services.posting import status_token

    outcome = client.get(f"/api/v1/comments/{published}/outcome?token={status_token(client.app.state.secret, published)}").json()
    assert outcome["statement"] is None


def test_the_reader_page_states_a_rejections_reasons_without_javascript(client, auth, article_id):
    client.patch("/api/v1/policy", json={"redress_url": "https://news.example/appeals"}, headers=auth)
    page = client.get(f"/articles/{article_id}")
    token = re.search(r'name="token" value="([^"]+)"', page.text).group(1)
    answer = client.post(
        f"/articles/{article_id}/comments", data={"token": token, "author_name": "Bo", "text": "You are a cunt."}
    )
    assert answer.status_code == 200 and "Your comment was not published" in answer.text
    assert "This decision was made automatically" in answer.text
    assert '<a class="cd-redress" href="https://news.example/appeals"' in answer.text
