"""Nudge: warn the author before storing a comment they could fix, and count what they do next."""

import pytest
from sqlalchemy import select

from commentdesk.store.models import Comment

ARTICLE = {
    "url": "https://news.example/bikes",
    "title": "Council approves 40 km protected bike-lane network",
    "body": "The council voted 7 to 4 to build protected bike lanes on Harbour Road and Mill Street; 600 parking spaces go.",
}


@pytest.fixture
def article_id(client, auth) -> int:
    return client.put("/api/v1/articles", json=ARTICLE, headers=auth).json()["id"]


def post(client, article_id, **body):
    return client.post(f"/api/v1/articles/{article_id}/comments", json={"author_name": "Marcus", **body})


def test_a_nudged_comment_is_not_stored_and_the_edit_is_counted(client, article_id, auth):
    first = post(client, article_id, text="The councillors who voted for these bike lanes are idiots.", nudge=True)
    assert first.status_code == 200
    nudge = first.json()
    assert nudge["outcome"] == "nudge" and nudge["nudge_token"]
    assert any(reason["code"] == "suspect_word" for reason in nudge["reasons"])
    with client.app.state.sessions() as session:
        assert session.scalars(select(Comment)).all() == []

    edited = post(
        client,
        article_id,
        text="The councillors who voted for these bike lanes ignored the Mill Street shops.",
        nudge_token=nudge["nudge_token"],
    )
    assert edited.status_code == 201 and edited.json()["outcome"] == "published"
    stats = client.get("/api/v1/stats/nudges", headers=auth).json()
    assert stats == {
        "nudged": 1,
        "sent_after_nudge": 1,
        "edited": 1,
        "edited_and_published": 1,
        "unchanged": 0,
        "abandoned": 0,
        "edit_pass_rate": 1.0,
    }


def test_an_author_may_send_the_comment_unchanged_and_it_goes_to_review(client, article_id, auth):
    text = "The councillors who voted for these bike lanes are idiots."
    token = post(client, article_id, text=text, nudge=True).json()["nudge_token"]
    sent = post(client, article_id, text=text, nudge_token=token).json()
    assert sent["outcome"] == "held"
    assert client.get("/api/v1/stats/nudges", headers=auth).json()["unchanged"] == 1


def test_spam_is_never_nudged(client, article_id):
    response = post(
        client, article_id, text="Cheap pills, buy now at https://a.example https://b.example https://c.example", nudge=True
    )
    assert response.status_code == 201 and response.json()["outcome"] == "rejected"


def test_a_fine_comment_is_published_straight_away_even_with_nudge_on(client, article_id):
    response = post(client, article_id, text="Protected lanes on Harbour Road are overdue after so many injuries.", nudge=True)
    assert response.status_code == 201 and response.json()["outcome"] == "published"
