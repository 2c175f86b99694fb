"""Moderators see what authors changed: every earlier version of an edited comment, and deletions."""

from __future__ import annotations

from moderate_helpers import login

from commentdesk.store.models import Article

TEXTS = [
    "The cycle lanes along the harbour road are worth four million euros if they open by spring.",
    "Protected lanes on the harbour road will make cycling to work much safer for everyone.",
]


def _post_and_edit(client, world) -> int:
    article_id = world.article_ids["cycle"]
    posted = client.post(f"/api/v1/articles/{article_id}/comments", json={"author_name": "Lena", "text": TEXTS[0]}).json()
    edited = client.post(
        f"/api/v1/comments/{posted['comment']['id']}/edit", json={"text": TEXTS[1], "edit_token": posted["edit_token"]}
    )
    assert edited.status_code == 200
    return posted["comment"]["id"]


def test_the_comment_view_shows_every_earlier_version(client, world):
    comment_id = _post_and_edit(client, world)
    assert login(client, "chief").status_code == 303
    page = client.get(f"/moderate/comments/{comment_id}").text
    assert "Edited by its author: 1 earlier version" in page
    assert TEXTS[0] in page and TEXTS[1] in page


def test_a_deleted_comment_is_marked_and_leaves_the_held_queue(client, world):
    with client.app.state.sessions() as session:
        session.get(Article, world.article_ids["cycle"]).premoderate = True
        session.commit()
    posted = client.post(
        f"/api/v1/articles/{world.article_ids['cycle']}/comments", json={"author_name": "Lena", "text": TEXTS[0]}
    ).json()
    assert posted["outcome"] == "held"
    assert login(client, "chief").status_code == 303
    assert TEXTS[0] in client.get("/moderate/queue/held").text
    assert (
        client.post(f"/api/v1/comments/{posted['comment']['id']}/delete", json={"edit_token": posted["edit_token"]}).status_code
        == 200
    )
    assert TEXTS[0] not in client.get("/moderate/queue/held").text
    page = client.get(f"/moderate/comments/{posted['comment']['id']}").text
    assert "Deleted by its author" in page and TEXTS[0] in page


def test_the_audit_log_records_edits_and_deletions(client, world):
    article_id = world.article_ids["cycle"]
    posted = client.post(f"/api/v1/articles/{article_id}/comments", json={"author_name": "Lena", "text": TEXTS[0]}).json()
    client.post(f"/api/v1/comments/{posted['comment']['id']}/edit", json={"text": TEXTS[1], "edit_token": posted["edit_token"]})
    client.post(f"/api/v1/comments/{posted['comment']['id']}/delete", json={"edit_token": posted["edit_token"]})
    assert login(client, "chief").status_code == 303
    for action in ("edit", "delete"):
        page = client.get("/moderate/audit", params={"action": action, "actor": "author"}).text
        assert f"#{posted['comment']['id']}" in page or f"/moderate/comments/{posted['comment']['id']}" in page
    unrelated = client.get("/moderate/audit", params={"action": "ban"}).text
    assert f"/moderate/comments/{posted['comment']['id']}" not in unrelated
