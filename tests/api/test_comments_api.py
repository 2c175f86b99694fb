"""Posting and reading comments through the public API, with the real models deciding."""

import pytest
from sqlalchemy import select

from commentdesk.store.models import Comment, Commenter, ModerationEvent

ARTICLE = {
    "url": "https://news.example/world/haqqani",
    "title": "Pakistan offers US joint operations against Haqqani network if sanctuaries are found",
    "body": (
        "Pakistan's foreign minister Khawaja Asif said Islamabad had offered the United States joint operations "
        "against the Haqqani network if Washington could show that the group's sanctuaries were on Pakistani soil. "
        "The foreign office called it existing policy; defence analysts read the offer differently."
    ),
}
ON_TOPIC = [
    "If the sanctuaries are on Pakistani soil, a joint operation against the Haqqani network settles the argument.",
    "The foreign office and the analysts read the minister's offer very differently, and both have a point.",
    "Asking Washington for evidence of sanctuaries puts the burden of proof back on the United States.",
    "Joint operations with US forces on Pakistani territory would be very hard to sell at home.",
]


@pytest.fixture
def article_id(client, auth) -> int:
    return client.put("/api/v1/articles", json=ARTICLE, headers=auth).json()["id"]


def post(client, article_id, text, name="Sana", **extra):
    return client.post(f"/api/v1/articles/{article_id}/comments", json={"author_name": name, "text": text, **extra})


def test_an_on_topic_comment_is_published_and_counted(client, article_id):
    response = post(client, article_id, ON_TOPIC[0], author_email="Sana@Example.org")
    assert response.status_code == 201
    body = response.json()
    assert body["outcome"] == "published" and body["reasons"] == []
    assert body["message"] == "Your comment is published."
    thread = client.get(f"/api/v1/articles/{article_id}/comments").json()
    assert thread["total"] == 1
    assert thread["comments"][0]["author"]["name"] == "Sana"


def test_the_email_is_stored_only_as_a_hash(client, article_id):
    post(client, article_id, ON_TOPIC[0], author_email="sana@example.org")
    with client.app.state.sessions() as session:
        comment = session.scalars(select(Comment)).one()
        assert comment.email_hash and "sana@example.org" not in comment.email_hash
        assert "example.org" not in repr(session.scalars(select(Commenter)).one().__dict__)


def test_an_abusive_comment_is_not_published_and_says_why(client, article_id):
    body = post(client, article_id, "You are a brainless idiot and a disgusting moron.").json()
    assert body["outcome"] in {"held", "rejected"}
    assert body["reasons"] and all(reason["message"] for reason in body["reasons"])
    assert client.get(f"/api/v1/articles/{article_id}/comments").json()["total"] == 0


def test_an_off_topic_comment_is_held_with_the_reason_in_plain_words(client, article_id):
    body = post(client, article_id, "My favourite recipe for lentil soup needs cumin, lemon and a lot of patience.").json()
    assert body["outcome"] == "held"
    off_topic = [reason for reason in body["reasons"] if reason["code"] == "off_topic"]
    assert off_topic and "about" in off_topic[0]["message"]
    assert "relevance" not in off_topic[0]["message"] and "threshold" not in body["message"]  # scores stay with moderators
    assert "held for review" in body["message"]


def test_every_decision_is_recorded_with_scores_and_model_versions(client, article_id):
    comment_id = post(client, article_id, ON_TOPIC[1]).json()["comment"]["id"]
    with client.app.state.sessions() as session:
        event = session.scalars(select(ModerationEvent).where(ModerationEvent.comment_id == comment_id)).one()
        assert event.actor == "system" and event.to_status == "published"
        assert {"abuse", "relevance", "spam"} <= set(event.scores)
        assert {"embedder", "abuse", "relevance"} <= set(event.model_versions)


def test_replies_nest_under_their_thread_and_name_the_parent(client, article_id):
    root = post(client, article_id, ON_TOPIC[0], name="Sana").json()["comment"]
    reply = post(
        client,
        article_id,
        "I agree that sharing the intelligence on sanctuaries is the key step for both sides.",
        name="Tom",
        parent_id=root["id"],
    ).json()
    assert reply["outcome"] == "published", reply
    second = post(
        client,
        article_id,
        "Sharing intelligence on the Haqqani sanctuaries has been promised before, though.",
        name="Farid",
        parent_id=reply["comment"]["id"],
    ).json()
    assert second["outcome"] == "published", second
    thread = client.get(f"/api/v1/articles/{article_id}/comments").json()
    assert thread["total"] == 3
    [top] = thread["comments"]
    assert top["reply_count"] == 2
    assert [(r["author"]["name"], r["parent"]["author_name"]) for r in top["replies"]] == [("Tom", "Sana"), ("Farid", "Tom")]


def test_replying_to_a_missing_comment_is_refused(client, article_id):
    response = post(client, article_id, ON_TOPIC[0], parent_id=999999)
    assert response.status_code == 404 and response.json()["error"]["code"] == "parent_not_found"


def test_cursor_pagination_walks_the_whole_thread_once(client, article_id, auth):
    client.patch("/api/v1/policy", json={"page_size": 3}, headers=auth)
    posted = [post(client, article_id, text, name=f"Reader {i}").json() for i, text in enumerate(ON_TOPIC * 2)]
    published = {p["comment"]["id"] for p in posted if p["outcome"] == "published"}
    seen, cursor, pages = [], None, 0
    while True:
        params = {"cursor": cursor} if cursor else {}
        page = client.get(f"/api/v1/articles/{article_id}/comments", params=params).json()
        seen += [c["id"] for c in page["comments"]]
        pages += 1
        cursor = page["next_cursor"]
        if not cursor:
            break
    assert sorted(seen) == sorted(published)
    assert seen == sorted(seen, reverse=True)  # newest first
    assert pages == -(-len(published) // 3)


def test_a_forged_cursor_is_a_client_error(client, article_id):
    response = client.get(f"/api/v1/articles/{article_id}/comments", params={"cursor": "not-a-cursor"})
    assert response.status_code == 400 and response.json()["error"]["code"] == "invalid_cursor"


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({"author_name": "", "text": "hello there"}, "author_name"),
        ({"author_name": "   ", "text": "hello there"}, "author_name"),
        ({"author_name": "Sana", "text": "   "}, "text"),
        ({"author_name": "Sana", "text": "x" * 6000}, "text"),
        ({"author_name": "Sana", "text": "hello", "author_email": "not-an-email"}, "author_email"),
        ({"author_name": "Sana", "text": "hello", "is_admin": True}, "is_admin"),
        ({"author_name": "Sana"}, "text"),
    ],
)
def test_invalid_comments_change_nothing(client, article_id, payload, field):
    response = client.post(f"/api/v1/articles/{article_id}/comments", json=payload)
    assert 400 <= response.status_code < 500
    assert field in response.json()["error"]["fields"]
    with client.app.state.sessions() as session:
        assert session.scalars(select(Comment)).all() == []


def test_malformed_json_and_huge_bodies_are_refused(client, article_id):
    broken = client.post(
        f"/api/v1/articles/{article_id}/comments", content=b"{not json", headers={"Content-Type": "application/json"}
    )
    assert broken.status_code == 422 and broken.json()["error"]["fields"] == {"body": "not valid JSON (at character 1)"}
    huge = client.post(
        f"/api/v1/articles/{article_id}/comments", content=b"x" * 300_000, headers={"Content-Type": "application/json"}
    )
    assert huge.status_code == 413 and huge.json()["error"]["code"] == "too_large"


def test_markup_in_a_comment_is_neutralised(client, article_id):
    text = "Asif's offer on the Haqqani sanctuaries <script>alert(1)</script> is [clever](javascript:alert(1)) diplomacy."
    body = post(client, article_id, text, name="<b>Sana</b>").json()
    html = body["comment"]["html"]
    assert "<script" not in html and "javascript:" not in html.replace("](javascript:", "")
    assert 'href="javascript' not in html
    assert body["comment"]["author"]["name"] == "<b>Sana</b>"  # a name is data; the page escapes it


def test_closed_articles_and_banned_commenters_are_refused(client, article_id, auth):
    from datetime import UTC, datetime, timedelta

    assert post(client, article_id, ON_TOPIC[0], author_email="ban@example.org").status_code == 201
    with client.app.state.sessions() as session:
        commenter = session.scalars(select(Commenter)).one()
        commenter.banned_until = datetime.now(UTC) + timedelta(days=1)
        session.commit()
    banned = post(client, article_id, ON_TOPIC[1], author_email="ban@example.org")
    assert banned.status_code == 403 and banned.json()["error"]["code"] == "commenter_banned"
    client.put("/api/v1/articles", json={**ARTICLE, "comments_open": False}, headers=auth)
    closed = post(client, article_id, ON_TOPIC[2])
    assert closed.status_code == 403 and closed.json()["error"]["code"] == "comments_closed"


def test_posting_the_same_comment_twice_is_rejected_as_a_duplicate(client, article_id):
    assert post(client, article_id, ON_TOPIC[2], author_email="dup@example.org").json()["outcome"] == "published"
    again = post(client, article_id, ON_TOPIC[2], author_email="dup@example.org").json()
    assert again["outcome"] == "rejected" and again["reasons"][0]["code"] == "duplicate"


def test_reports_reach_the_moderators_once_per_reader(client, article_id):
    comment_id = post(client, article_id, ON_TOPIC[0]).json()["comment"]["id"]
    for _ in range(2):
        response = client.post(f"/api/v1/comments/{comment_id}/reports", json={"reason": "abusive", "note": "rude"})
        assert response.status_code == 201 and response.json()["received"]
    with client.app.state.sessions() as session:
        assert session.get(Comment, comment_id).report_count == 1
    bad = client.post(f"/api/v1/comments/{comment_id}/reports", json={"reason": "because"})
    assert bad.status_code == 422


def test_counts_for_many_articles(client, article_id, auth):
    other = client.put("/api/v1/articles", json={**ARTICLE, "url": "https://news.example/other"}, headers=auth).json()["id"]
    post(client, article_id, ON_TOPIC[0])
    counts = client.get("/api/v1/counts", params={"ids": f"{article_id},{other},424242"}).json()["counts"]
    assert counts == {str(article_id): 1, str(other): 0}
    assert client.get("/api/v1/counts", params={"ids": "1,x"}).status_code == 400


def test_an_acknowledged_comment_survives_a_restart(client, article_id, settings):
    comment_id = post(client, article_id, ON_TOPIC[3]).json()["comment"]["id"]
    client.app.state.engine.dispose()  # drop every pooled connection, as a crash would
    from commentdesk.store.db import make_engine, session_factory

    engine = make_engine(settings.resolved_database_url())
    with session_factory(engine)() as session:
        assert session.get(Comment, comment_id).text == ON_TOPIC[3]
    engine.dispose()


def test_a_flood_from_one_address_is_refused_before_anything_is_stored(client, article_id, auth):
    client.patch("/api/v1/policy", json={"refuse_per_minute_address": 2, "flood_per_minute_address": 1000}, headers=auth)
    assert post(client, article_id, ON_TOPIC[0], name="A").status_code == 201
    assert post(client, article_id, ON_TOPIC[1], name="B").status_code == 201
    refused = post(client, article_id, ON_TOPIC[2], name="C")
    assert refused.status_code == 429 and refused.json()["error"]["code"] == "too_many_comments"
    with client.app.state.sessions() as session:
        assert len(session.scalars(select(Comment)).all()) == 2


@pytest.mark.parametrize(
    ("fields", "code"),
    [
        ({"name": "\u200b"}, "name_required"),
        ({"name": "\u202e\u2066"}, "name_required"),
        ({"text": "\u200b\u200b"}, "text_required"),
        ({"text": "\u200e"}, "text_required"),
    ],
)
def test_invisible_names_and_texts_are_refused(client, article_id, fields, code):
    response = post(client, article_id, **{"text": ON_TOPIC[0], **fields})
    assert response.status_code == 422 and response.json()["error"]["code"] == code
    assert client.get(f"/api/v1/articles/{article_id}/comments").json()["total"] == 0


def test_a_name_cannot_be_turned_around_by_a_direction_override(client, article_id):
    body = post(client, article_id, ON_TOPIC[0], name="\u202eanaS").json()
    assert body["comment"]["author"]["name"] == "anaS"
