"""What a reader's page asks of the API, with the real models: the answer to a post and the
outcome address it carries, replies page by page, reports, and the errors for what is not there."""

from __future__ import annotations

import pytest

ARTICLE = {
    "url": "https://news.example/harbour-lanes",
    "title": "Council approves protected cycle lanes on the harbour road",
    "body": (
        "The city council voted on Tuesday to build protected cycle lanes along the harbour road. "
        "The lanes will cost four million euros and open next spring. Shop owners fear lost parking."
    ),
}
CIVIL = "Protected lanes on the harbour road will make cycling to work much safer for everyone."


@pytest.fixture
def article_id(client, auth) -> int:
    return client.put("/api/v1/articles", json=ARTICLE, headers=auth).json()["id"]


def post(client, article_id, text=CIVIL, name="Sana", **extra):
    return client.post(f"/api/v1/articles/{article_id}/comments", json={"author_name": name, "text": text, **extra})


def test_the_answer_to_a_post_carries_its_outcome_address_and_edit_token(client, article_id):
    answer = post(client, article_id)
    assert answer.status_code == 201
    body = answer.json()
    assert body["outcome"] == "published" and body["comment"]["author"]["name"] == "Sana"
    assert body["edit_token"] and body["editable_until"] and body["statement"] is None
    outcome = client.get(body["outcome_url"])
    assert outcome.status_code == 200
    assert outcome.json()["outcome"] == "published" and outcome.json()["comment"]["id"] == body["comment"]["id"]


def test_the_outcome_address_works_only_with_its_token(client, article_id):
    comment_id = post(client, article_id).json()["comment"]["id"]
    for token in ("0" * 32, "", "x" * 65):
        response = client.get(f"/api/v1/comments/{comment_id}/outcome", params={"token": token})
        assert response.status_code in (404, 422)
    assert client.get(f"/api/v1/comments/{comment_id}/outcome").status_code == 422  # no token at all


def test_a_held_comments_outcome_shows_no_comment_body(client, article_id, auth):
    client.patch("/api/v1/policy", headers=auth, json={"premoderate": True})
    body = post(client, article_id).json()
    assert body["outcome"] == "held"
    outcome = client.get(body["outcome_url"]).json()
    assert outcome["outcome"] == "held" and outcome["comment"] is None


def test_replies_come_page_by_page_oldest_first(client, article_id):
    root = post(client, article_id).json()["comment"]["id"]
    texts = [f"Reply number {n}: the harbour road lanes should connect to the station too." for n in range(3)]
    for number, text in enumerate(texts):
        assert post(client, article_id, text, name=f"Reader {number}", parent_id=root).status_code == 201
    first = client.get(f"/api/v1/comments/{root}/replies", params={"limit": 2}).json()
    assert [reply["parent"]["id"] for reply in first["replies"]] == [root, root] and first["next_cursor"]
    rest = client.get(f"/api/v1/comments/{root}/replies", params={"limit": 2, "cursor": first["next_cursor"]}).json()
    assert len(rest["replies"]) == 1 and rest["next_cursor"] is None
    shown = [reply["html"] for reply in first["replies"] + rest["replies"]]
    assert all(texts[n][:20] in shown[n] for n in range(3))


@pytest.mark.parametrize("params", [{"limit": 0}, {"limit": 101}, {"cursor": "x" * 201}])
def test_reply_pages_check_their_parameters(client, article_id, params):
    root = post(client, article_id).json()["comment"]["id"]
    assert client.get(f"/api/v1/comments/{root}/replies", params=params).status_code == 422


def test_replies_of_a_reply_or_of_nothing_are_404(client, article_id):
    root = post(client, article_id).json()["comment"]["id"]
    reply = post(
        client, article_id, "I agree, and the lanes should reach the station as well.", name="Ben", parent_id=root
    ).json()["comment"]["id"]
    for comment_id in (reply, 987654):
        response = client.get(f"/api/v1/comments/{comment_id}/replies")
        assert response.status_code == 404 and response.json()["error"]["code"] == "comment_not_found"


def test_a_forged_reply_cursor_is_a_400(client, article_id):
    root = post(client, article_id).json()["comment"]["id"]
    response = client.get(f"/api/v1/comments/{root}/replies", params={"cursor": "bm90IGEgY3Vyc29y"})
    assert response.status_code == 400 and response.json()["error"]["code"] == "invalid_cursor"


def test_a_report_is_thanked_and_reaches_the_queue(client, article_id):
    comment_id = post(client, article_id).json()["comment"]["id"]
    response = client.post(f"/api/v1/comments/{comment_id}/reports", json={"reason": "spam", "note": "an advert"})
    assert response.status_code == 201 and response.json() == {
        "received": True,
        "message": "Thank you. A moderator will look at this comment.",
    }


@pytest.mark.parametrize(
    ("body", "status"),
    [
        ({"reason": "boring"}, 422),
        ({"reason": "spam", "note": "n" * 1001}, 422),
        ({}, 422),
        ({"reason": "spam", "extra": 1}, 422),
    ],
)
def test_a_malformed_report_is_refused(client, article_id, body, status):
    comment_id = post(client, article_id).json()["comment"]["id"]
    assert client.post(f"/api/v1/comments/{comment_id}/reports", json=body).status_code == status


def test_reporting_what_readers_cannot_see_is_a_404(client, article_id):
    response = client.post("/api/v1/comments/987654/reports", json={"reason": "spam"})
    assert response.status_code == 404 and response.json()["error"]["code"] == "comment_not_found"


def test_posting_to_an_unknown_article_is_a_404(client):
    response = post(client, 987654)
    assert response.status_code == 404 and response.json()["error"]["code"] == "article_not_found"


def test_an_expired_or_foreign_reader_session_is_a_401(client, article_id):
    response = post(client, article_id, reader_session="not-a-session")
    assert response.status_code == 401 and response.json()["error"]["code"] == "reader_session_invalid"


def test_a_notice_reference_that_does_not_exist_is_a_404(client):
    for reference in ("A" * 24, "short", "bad chars!!!!!!!!!!!!"):
        assert client.get(f"/api/v1/notices/{reference}").status_code in (404, 422)
