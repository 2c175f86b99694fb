"""The workspace's decision endpoints as the keyboard script and the plain forms call them: what
they accept, the counts they send back, and what they refuse without changing anything."""

from __future__ import annotations

import pytest
from moderate_helpers import csrf_from


def test_a_bulk_decision_answers_with_statuses_and_fresh_counts(client, world, signed_in):
    first, second = world.add_comment("First held"), world.add_comment("Second held")
    response = client.post(
        "/moderate/api/decisions", headers=signed_in, json={"action": "approve", "ids": [first, second], "note": "fine"}
    )
    assert response.status_code == 200
    body = response.json()
    assert body["statuses"] == {str(first): "published", str(second): "published"} and len(body["event_ids"]) == 2
    assert body["counts"]["held"] == 0 and body["filtered_counts"] == body["counts"]


def test_counts_follow_the_pages_filters(client, world, signed_in):
    world.add_comment("Cycle held")
    sport = world.add_comment("Cup held", site="sport", article="cup")
    body = client.post(
        "/moderate/api/decisions",
        headers=signed_in,
        json={
            "action": "reject",
            "ids": [sport],
            "reason": "spam",
            "filters": {"site": str(world.site_ids["news"])},
        },
    ).json()
    assert body["counts"]["held"] == 1 and body["filtered_counts"]["held"] == 1
    counts = client.get("/moderate/api/counts", headers=signed_in, params={"site": str(world.site_ids["sport"])}).json()
    assert counts["counts"]["held"] == 1 and counts["filtered_counts"]["held"] == 0


@pytest.mark.parametrize(
    "body",
    [
        {"action": "delete", "ids": [1]},
        {"action": "approve", "ids": []},
        {"action": "approve", "ids": list(range(1, 502))},
        {"action": "approve", "ids": ["one"]},
        {"action": "reject", "ids": [1], "reason": "r" * 33},
        {"action": "approve", "ids": [1], "note": "n" * 2001},
        {"ids": [1]},
    ],
)
def test_malformed_decisions_are_refused(client, world, signed_in, body):
    comment = world.add_comment("Held")
    body = {**body, "ids": [comment] if body.get("ids") == [1] else body.get("ids")}
    response = client.post("/moderate/api/decisions", headers=signed_in, json=body)
    assert response.status_code == 422
    assert world.comment(comment).status == "pending"


def test_a_rejection_without_a_known_reason_is_refused(client, world, signed_in):
    comment = world.add_comment("Held")
    response = client.post(
        "/moderate/api/decisions", headers=signed_in, json={"action": "reject", "ids": [comment], "reason": "rude"}
    )
    assert response.status_code == 422 and world.comment(comment).status == "pending"


def test_a_decision_on_an_unknown_comment_is_404_and_changes_nothing(client, world, signed_in):
    comment = world.add_comment("Held")
    response = client.post("/moderate/api/decisions", headers=signed_in, json={"action": "approve", "ids": [comment, 987654]})
    assert response.status_code == 404 and world.comment(comment).status == "pending"


def test_the_script_endpoints_need_the_sessions_csrf_header(client, world, signed_in):
    comment = world.add_comment("Held")
    for headers in ({}, {"X-CSRF-Token": "forged"}):
        response = client.post("/moderate/api/decisions", headers=headers, json={"action": "approve", "ids": [comment]})
        assert response.status_code == 403
    assert world.comment(comment).status == "pending"


def test_signed_out_script_calls_are_told_to_sign_in(client, world):
    response = client.post("/moderate/api/decisions", json={"action": "approve", "ids": [1]})
    assert response.status_code == 401


def test_undo_answers_with_what_was_undone(client, world, signed_in):
    comment = world.add_comment("Held")
    decided = client.post("/moderate/api/decisions", headers=signed_in, json={"action": "approve", "ids": [comment]}).json()
    undone = client.post("/moderate/api/undo", headers=signed_in, json={"event_ids": decided["event_ids"]})
    assert undone.status_code == 200
    body = undone.json()
    assert body["comment_ids"] == [comment] and body["statuses"] == {str(comment): "pending"}
    assert body["message"] == f"Undid the approval of comment {comment}: it is held again."
    again = client.post("/moderate/api/undo", headers=signed_in, json={"event_ids": decided["event_ids"]})
    assert again.status_code == 409 and world.comment(comment).status == "pending"


def test_undo_of_nothing_or_of_unknown_events_is_refused(client, world, signed_in):
    assert client.post("/moderate/api/undo", headers=signed_in, json={"event_ids": []}).status_code == 422
    assert client.post("/moderate/api/undo", headers=signed_in, json={"event_ids": [987654]}).status_code == 409


def test_the_plain_form_decides_and_returns_to_the_comment(client, world, signed_in):
    comment = world.add_comment("Held")
    page = client.get(f"/moderate/comments/{comment}")
    response = client.post(
        f"/moderate/comments/{comment}/decide",
        data={"csrf_token": csrf_from(page.text), "action": "reject", "reason": "abusive", "note": "n" * 3000},
        follow_redirects=False,
    )
    assert response.status_code == 303 and response.headers["location"] == f"/moderate/comments/{comment}"
    assert world.comment(comment).status == "rejected"


def test_the_plain_form_refuses_unknown_actions_and_comments(client, world, signed_in):
    comment = world.add_comment("Held")
    token = csrf_from(client.get(f"/moderate/comments/{comment}").text)
    bad = client.post(
        f"/moderate/comments/{comment}/decide", data={"csrf_token": token, "action": "vanish"}, follow_redirects=False
    )
    assert bad.status_code == 422
    missing = client.post(
        "/moderate/comments/987654/decide", data={"csrf_token": token, "action": "approve"}, follow_redirects=False
    )
    assert missing.status_code == 404
    assert world.comment(comment).status == "pending"


def test_article_options_close_and_premoderate_and_return_inside_the_workspace(client, world, signed_in):
    comment = world.add_comment("Held")
    token = csrf_from(client.get(f"/moderate/comments/{comment}").text)
    article = world.article_ids["cycle"]
    response = client.post(
        f"/moderate/articles/{article}/options",
        data={"csrf_token": token, "comments_open": "0", "premoderate": "1", "back": "https://evil.example/"},
        follow_redirects=False,
    )
    assert response.status_code == 303 and response.headers["location"] == f"/moderate/queue/held?article={article}"
    from commentdesk.store.models import Article

    with client.app.state.sessions() as session:
        stored = session.get(Article, article)
        assert stored.comments_open is False and stored.premoderate is True
    back = client.post(
        f"/moderate/articles/{article}/options",
        data={"csrf_token": token, "comments_open": "1", "back": "/moderate/audit"},
        follow_redirects=False,
    )
    assert back.headers["location"] == "/moderate/audit"
    assert client.post("/moderate/articles/987654/options", data={"csrf_token": token}, follow_redirects=False).status_code == 404
