"""The workspace's decision endpoints as the keyboard script and the plain forms call them: what
they accept, the counts they send back, and what they refuse without changing anything."""

from __future__ import annotations

import html
import json
import re

import pytest
from fastapi.testclient import TestClient
from moderate_helpers import csrf_from, login, session_csrf


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


# --- two moderators on one comment ----------------------------------------------------------------


def _page_filters(client, url: str) -> dict:
    """What the workspace script sends as `filters` from this page."""
    found = re.search(r"data-filters='([^']*)'", client.get(url).text) or re.search(
        r'data-filters="([^"]*)"', client.get(url).text
    )
    assert found
    return json.loads(html.unescape(found.group(1)))


def _second_moderator(client, world) -> tuple[TestClient, dict]:
    world.add_user("bea")
    other = TestClient(client.app)
    assert login(other, "bea").status_code == 303
    return other, {"X-CSRF-Token": session_csrf(other)}


@pytest.mark.parametrize("page", ["/moderate/queue/held", "/moderate/comments/{id}"])
def test_a_comment_another_moderator_decided_after_the_page_loaded_is_not_decided_over(client, world, signed_in, page):
    comment = world.add_comment("Held")
    filters = _page_filters(client, page.format(id=comment))  # mod's page, before bea decides
    other, other_csrf = _second_moderator(client, world)
    assert (
        other.post("/moderate/api/decisions", headers=other_csrf, json={"action": "approve", "ids": [comment]}).status_code == 200
    )
    body = {"action": "reject", "reason": "spam", "ids": [comment], "filters": filters}
    refused = client.post("/moderate/api/decisions", headers=signed_in, json=body)
    assert refused.status_code == 409
    assert refused.json()["error"]["message"] == (
        f"Comment {comment} was decided by bea after this page was loaded. Reload the page to see it as it is now."
    )
    assert world.comment(comment).status == "published"  # bea's approval stands
    # The page loaded again shows bea's decision: deciding over it is then a choice, and allowed.
    body["filters"] = _page_filters(client, page.format(id=comment))
    assert client.post("/moderate/api/decisions", headers=signed_in, json=body).status_code == 200
    assert world.comment(comment).status == "rejected"


def test_a_moderators_own_decisions_since_the_page_loaded_do_not_block_the_next(client, world, signed_in):
    comment = world.add_comment("Held")
    filters = _page_filters(client, "/moderate/queue/held")
    for action in ("approve", "reject", "approve"):
        body = {"action": action, "reason": "spam", "ids": [comment], "filters": filters}
        assert client.post("/moderate/api/decisions", headers=signed_in, json=body).status_code == 200
    assert world.comment(comment).status == "published"


def test_a_bulk_decision_with_one_comment_decided_meanwhile_changes_none_of_them(client, world, signed_in):
    first, second = world.add_comment("One"), world.add_comment("Two")
    filters = _page_filters(client, "/moderate/queue/held")
    other, other_csrf = _second_moderator(client, world)
    body = {"action": "reject", "reason": "abusive", "ids": [second]}
    assert other.post("/moderate/api/decisions", headers=other_csrf, json=body).status_code == 200
    body = {"action": "approve", "ids": [first, second], "filters": filters}
    refused = client.post("/moderate/api/decisions", headers=signed_in, json=body)
    assert refused.status_code == 409 and f"Comment {second} was decided by bea" in refused.json()["error"]["message"]
    assert (world.comment(first).status, world.comment(second).status) == ("pending", "rejected")


def test_the_plain_form_is_refused_too_when_another_moderator_decided_first(client, world, signed_in):
    comment = world.add_comment("Held")
    page = client.get(f"/moderate/comments/{comment}").text
    seen = re.search(r'name="seen" value="(\d+)"', page)
    assert seen
    other, other_csrf = _second_moderator(client, world)
    assert (
        other.post("/moderate/api/decisions", headers=other_csrf, json={"action": "approve", "ids": [comment]}).status_code == 200
    )
    refused = client.post(
        f"/moderate/comments/{comment}/decide",
        data={"csrf_token": csrf_from(page), "action": "reject", "reason": "spam", "seen": seen.group(1)},
        follow_redirects=False,
    )
    assert refused.status_code == 409 and "was decided by bea after this page was loaded" in refused.text
    assert world.comment(comment).status == "published"


def test_two_decisions_sent_at_the_same_moment_never_both_stand(client, world, signed_in):
    from concurrent.futures import ThreadPoolExecutor

    other, other_csrf = _second_moderator(client, world)
    for _round in range(4):
        comment = world.add_comment("Held")
        mine, theirs = _page_filters(client, "/moderate/queue/held"), _page_filters(other, "/moderate/queue/held")
        bodies = [
            (client, signed_in, {"action": "approve", "ids": [comment], "filters": mine}),
            (other, other_csrf, {"action": "reject", "reason": "spam", "ids": [comment], "filters": theirs}),
        ]
        with ThreadPoolExecutor(2) as pool:
            answers = list(pool.map(lambda sent: sent[0].post("/moderate/api/decisions", headers=sent[1], json=sent[2]), bodies))
        assert sorted(answer.status_code for answer in answers) == [200, 409]
        won = next(index for index, answer in enumerate(answers) if answer.status_code == 200)
        assert world.comment(comment).status == ("published", "rejected")[won]
