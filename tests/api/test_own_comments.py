"""Authors editing and deleting their own comments: who may, until when, and what readers and moderators see."""

import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta

import jwt
import pytest
from sqlalchemy import select

from commentdesk.store.models import Comment, CommentRevision, ModerationEvent

ARTICLE = {
    "url": "https://news.example/economy/rates",
    "title": "Central bank holds interest rates at 4.25% as services inflation stays high",
    "body": (
        "The central bank kept its main interest rate at 4.25% for a third meeting. Services inflation is still "
        "above 5%, the governor said, and wage growth has not slowed as much as expected. Markets expect a cut in spring."
    ),
}
ON_TOPIC = [
    "Holding rates is right while services inflation stays above five percent.",
    "Wage growth has to slow before the bank can cut; spring looks optimistic.",
    "A third hold in a row tells mortgage holders not to count on a cut soon.",
    "The governor is right to wait for services inflation to come down first.",
]
ABUSIVE = "The governor is a brainless idiot and a disgusting moron."


@pytest.fixture
def article_id(client, auth) -> int:
    return client.put("/api/v1/articles", json=ARTICLE, headers=auth).json()["id"]


def post(client, article_id, text, name="Sana", **extra):
    return client.post(f"/api/v1/articles/{article_id}/comments", json={"author_name": name, "text": text, **extra})


def edit(client, comment_id, text, **who):
    return client.post(f"/api/v1/comments/{comment_id}/edit", json={"text": text, **who})


def delete(client, comment_id, **who):
    return client.post(f"/api/v1/comments/{comment_id}/delete", json=who)


def thread(client, article_id):
    return client.get(f"/api/v1/articles/{article_id}/comments").json()


def test_the_author_edits_with_the_token_from_the_201_and_readers_see_it_at_once(client, article_id):
    posted = post(client, article_id, ON_TOPIC[0]).json()
    assert posted["edit_token"] and posted["editable_until"]
    assert thread(client, article_id)["comments"][0]["html"].startswith("<p>Holding")  # now cached
    response = edit(client, posted["comment"]["id"], ON_TOPIC[1], edit_token=posted["edit_token"])
    assert response.status_code == 200 and response.json()["outcome"] == "published"
    shown = thread(client, article_id)
    assert "Wage growth" in shown["comments"][0]["html"] and shown["comments"][0]["edited"] and shown["total"] == 1
    with client.app.state.sessions() as db:
        versions = db.scalars(select(CommentRevision)).all()
        assert [version.text for version in versions] == [ON_TOPIC[0]]
        actions = db.scalars(select(ModerationEvent.action).order_by(ModerationEvent.id)).all()
        assert actions == ["publish", "edit"]


def test_an_edit_is_moderated_again_like_a_new_comment(client, article_id):
    posted = post(client, article_id, ON_TOPIC[0]).json()
    response = edit(client, posted["comment"]["id"], ABUSIVE, edit_token=posted["edit_token"]).json()
    assert response["outcome"] in {"held", "rejected"} and response["reasons"]
    shown = thread(client, article_id)
    assert shown["total"] == 0 and shown["comments"] == []
    with client.app.state.sessions() as db:
        comment = db.get(Comment, posted["comment"]["id"])
        assert comment.text == ABUSIVE and comment.scores["abuse"] > 0.5
        assert db.scalars(select(CommentRevision.status)).one() == "published"


def test_a_comment_edited_out_of_view_after_it_was_answered_keeps_its_replies_in_view(client, article_id):
    root = post(client, article_id, ON_TOPIC[0]).json()
    reply = post(client, article_id, ON_TOPIC[1], name="Tom", parent_id=root["comment"]["id"]).json()
    assert reply["outcome"] == "published"
    edited = edit(client, root["comment"]["id"], ABUSIVE, edit_token=root["edit_token"]).json()
    assert edited["outcome"] in {"held", "rejected"}
    shown = thread(client, article_id)
    # The answered comment keeps its place, without its words or its author; its reply is shown and counted.
    [placeholder] = shown["comments"]
    assert placeholder["id"] == root["comment"]["id"] and placeholder["html"] == "" and placeholder["author"]["name"] == ""
    assert placeholder["status"] in {"pending", "rejected"} and "idiot" not in str(shown)
    assert [item["id"] for item in placeholder["replies"]] == [reply["comment"]["id"]] and shown["total"] == 1
    # A later answer to the reply is shown too, not stored out of sight.
    later = post(client, article_id, ON_TOPIC[2], name="Uma", parent_id=reply["comment"]["id"]).json()
    assert later["outcome"] == "published"
    shown = thread(client, article_id)
    assert len(shown["comments"][0]["replies"]) == 2 and shown["total"] == 2
    # Replies name whom they answer only where that comment is still shown (its author may be why it went).
    answered = [item["parent"]["author_name"] for item in shown["comments"][0]["replies"]]
    assert answered == ["", "Tom"]
    more = client.get(f"/api/v1/comments/{root['comment']['id']}/replies")
    assert [item["parent"]["author_name"] for item in more.json()["replies"]] == ["", "Tom"]  # "More replies" too
    page = client.get(f"/articles/{article_id}")
    assert "Uma" in page.text and "idiot" not in page.text and "Sana" not in page.text
    assert "Replying to a comment no longer shown" in page.text


def test_nobody_else_can_edit_or_delete(client, article_id):
    mine = post(client, article_id, ON_TOPIC[0]).json()
    theirs = post(client, article_id, ON_TOPIC[1], name="Other").json()
    for who in ({}, {"edit_token": theirs["edit_token"]}, {"edit_token": "x" * 32}):
        assert edit(client, mine["comment"]["id"], ON_TOPIC[2], **who).status_code == 403
        assert delete(client, mine["comment"]["id"], **who).status_code == 403
    assert thread(client, article_id)["total"] == 2
    assert all("Holding" in c["html"] or "Wage" in c["html"] for c in thread(client, article_id)["comments"])


def test_tokens_stay_with_their_own_comments_under_concurrent_posting(client, article_id):
    texts = [f"{ON_TOPIC[index % 4]} ({index})" for index in range(8)]
    with ThreadPoolExecutor(max_workers=4) as pool:
        answers = list(pool.map(lambda text: post(client, article_id, text, name="Same Name").json(), texts))
    tokens = {answer["comment"]["id"]: answer["edit_token"] for answer in answers}
    assert len(set(tokens.values())) == len(tokens) == 8
    ids = sorted(tokens)
    for comment_id in ids:
        for other in ids:
            if other != comment_id:
                assert delete(client, other, edit_token=tokens[comment_id]).status_code == 403
    assert delete(client, ids[0], edit_token=tokens[ids[0]]).status_code == 200


def test_changes_end_with_the_window(client, auth, article_id):
    posted = post(client, article_id, ON_TOPIC[0]).json()
    with client.app.state.sessions() as db:
        comment = db.get(Comment, posted["comment"]["id"])
        comment.created_at = comment.created_at - timedelta(minutes=16)
        db.commit()
    response = edit(client, posted["comment"]["id"], ON_TOPIC[1], edit_token=posted["edit_token"])
    assert response.status_code == 403 and response.json()["error"]["code"] == "edit_window_closed"
    client.patch("/api/v1/policy", json={"edit_window_minutes": 0}, headers=auth)
    assert post(client, article_id, ON_TOPIC[2]).json()["edit_token"] is None


def test_a_deleted_comment_with_replies_leaves_a_marker_and_keeps_them(client, article_id):
    top = post(client, article_id, ON_TOPIC[0]).json()
    reply = post(client, article_id, ON_TOPIC[1], name="Ravi", parent_id=top["comment"]["id"]).json()
    assert thread(client, article_id)["total"] == 2
    assert delete(client, top["comment"]["id"], edit_token=top["edit_token"]).json()["deleted"] is True
    shown = thread(client, article_id)
    assert shown["total"] == 1
    root = shown["comments"][0]
    assert root["deleted"] and root["html"] == "" and root["author"]["name"] == ""
    assert [r["id"] for r in root["replies"]] == [reply["comment"]["id"]]
    assert root["replies"][0]["parent"]["author_name"] == ""  # the deleted comment's author is not named
    # A second delete, or an edit, of a deleted comment finds nothing.
    assert delete(client, top["comment"]["id"], edit_token=top["edit_token"]).status_code == 404
    with client.app.state.sessions() as db:
        assert db.get(Comment, top["comment"]["id"]).text == ON_TOPIC[0]  # moderators keep the record
        assert "delete" in db.scalars(select(ModerationEvent.action)).all()


@pytest.mark.parametrize("with_reply", [False, True])
def test_the_outcome_of_a_deleted_comment_says_it_is_deleted(client, article_id, with_reply):
    posted = post(client, article_id, ON_TOPIC[0]).json()
    if with_reply:  # kept in place as "comment deleted" for its replies
        post(client, article_id, ON_TOPIC[1], name="Ravi", parent_id=posted["comment"]["id"])
    assert client.get(posted["outcome_url"]).json()["outcome"] == "published"
    assert (
        delete(client, posted["comment"]["id"], edit_token=posted["edit_token"]).json()["message"] == "Your comment is deleted."
    )
    outcome = client.get(posted["outcome_url"])
    assert outcome.status_code == 200
    assert outcome.json() == {
        "outcome": "deleted",
        "message": "Your comment is deleted.",
        "reasons": [],
        "comment": None,
        "statement": None,
    }
    assert client.get(posted["outcome_url"] + "&lang=de").json()["message"] == "Ihr Kommentar ist gelöscht."


def test_a_deleted_comment_without_replies_disappears(client, article_id):
    posted = post(client, article_id, ON_TOPIC[0]).json()
    post(client, article_id, ON_TOPIC[1], name="Ravi")
    delete(client, posted["comment"]["id"], edit_token=posted["edit_token"])
    shown = thread(client, article_id)
    assert shown["total"] == 1 and len(shown["comments"]) == 1 and not shown["comments"][0]["deleted"]


def test_a_signed_in_reader_changes_their_comments_without_a_token(client, auth, article_id):
    secret = "a-publisher-secret-that-is-long-enough-for-hs256"
    client.put("/api/v1/sso", json={"algorithm": "HS256", "key": secret}, headers=auth)

    def session_for(sub):
        now = int(time.time())
        token = jwt.encode(
            {"sub": sub, "name": "Ines", "iat": now, "exp": now + 600, "jti": uuid.uuid4().hex}, secret, algorithm="HS256"
        )
        return client.post("/api/v1/reader/session", json={"site": "news", "reader_token": token}).json()["reader_session"]

    mine = session_for("ines")
    posted = post(client, article_id, ON_TOPIC[0], reader_session=mine).json()
    assert edit(client, posted["comment"]["id"], ON_TOPIC[1], reader_session=session_for("someone-else")).status_code == 403
    assert edit(client, posted["comment"]["id"], ON_TOPIC[1], reader_session=mine).status_code == 200
    assert delete(client, posted["comment"]["id"], reader_session=mine).status_code == 200


def test_malformed_edits_change_nothing(client, article_id):
    posted = post(client, article_id, ON_TOPIC[0]).json()
    comment_id = posted["comment"]["id"]
    for body in (
        {"text": "", "edit_token": posted["edit_token"]},
        {"text": "x" * 20_001, "edit_token": posted["edit_token"]},
        {"text": ON_TOPIC[1], "edit_token": "t" * 65},
        {"text": ON_TOPIC[1], "other": 1},
    ):
        assert client.post(f"/api/v1/comments/{comment_id}/edit", json=body).status_code in {400, 422}
    assert edit(client, comment_id, ON_TOPIC[0], edit_token=posted["edit_token"]).status_code == 422  # unchanged
    assert edit(client, 999_999, ON_TOPIC[1], edit_token=posted["edit_token"]).status_code == 404
    assert "Holding" in thread(client, article_id)["comments"][0]["html"]


def test_a_deleted_comment_takes_no_new_replies_or_reports(client, article_id):
    top = post(client, article_id, ON_TOPIC[0]).json()
    post(client, article_id, ON_TOPIC[1], name="Ravi", parent_id=top["comment"]["id"])
    delete(client, top["comment"]["id"], edit_token=top["edit_token"])
    assert post(client, article_id, ON_TOPIC[2], name="Mia", parent_id=top["comment"]["id"]).status_code == 404
    assert client.post(f"/api/v1/comments/{top['comment']['id']}/reports", json={"reason": "spam"}).status_code == 404
    assert thread(client, article_id)["total"] == 1


MARKDOWN = "Holding rates is **right** while [services inflation](https://news.example/cpi) stays above five percent."


def source(client, comment_id, **who):
    return client.post(f"/api/v1/comments/{comment_id}/source", json=who)


def test_the_author_gets_the_comment_as_written_to_edit_it_and_nobody_else_does(client, article_id):
    posted = post(client, article_id, MARKDOWN).json()
    comment_id = posted["comment"]["id"]
    assert posted["outcome"] == "published"
    assert '<a href="https://news.example/cpi"' in posted["comment"]["html"]
    mine = source(client, comment_id, edit_token=posted["edit_token"])
    assert mine.status_code == 200 and mine.json() == {"text": MARKDOWN}
    # Other readers get the rendered HTML only: the source is in no answer they can ask for.
    other = post(client, article_id, ON_TOPIC[1], name="Ravi").json()
    assert source(client, comment_id, edit_token=other["edit_token"]).status_code == 403
    assert source(client, comment_id).status_code == 403
    assert MARKDOWN not in client.get(f"/api/v1/articles/{article_id}/comments").text
    assert MARKDOWN not in client.get(posted["outcome_url"]).text
    # Edited from it, the links and emphasis stay.
    changed = mine.json()["text"].replace("five", "5")
    edited = edit(client, comment_id, changed, edit_token=posted["edit_token"]).json()
    assert edited["comment"]["html"] == posted["comment"]["html"].replace("five", "5")
    delete(client, comment_id, edit_token=posted["edit_token"])
    assert source(client, comment_id, edit_token=posted["edit_token"]).status_code == 404
