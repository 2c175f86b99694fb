"""Cached reads: a reader never sees a page older than the last write, whichever server wrote it."""

from __future__ import annotations

from datetime import timedelta

import pytest
from fastapi.testclient import TestClient

from commentdesk.app import create_app
from commentdesk.store import repository as repo
from commentdesk.store.models import Article, Comment, CommentStatus, utcnow

ARTICLE = {
    "url": "https://news.example/2024/harbour-lanes",
    "title": "Harbour road gets cycle lanes",
    "body": "The council voted for protected cycle lanes on the harbour road.",
}


@pytest.fixture
def article_id(client, auth) -> int:
    return client.put("/api/v1/articles", json=ARTICLE, headers=auth).json()["id"]


def add_published(app, article_id: int, text: str, parent_id: int | None = None) -> int:
    """Store a published comment the way every write path does (counts and revisions follow)."""
    with app.state.sessions() as session:
        article = session.get(Article, article_id)
        commenter = repo.commenter_for(session, article.site_id, "reader-" + text[:20], "Reader", None)
        parent = session.get(Comment, parent_id) if parent_id else None
        comment = Comment(
            site_id=article.site_id,
            article_id=article.id,
            parent_id=parent_id,
            root_id=parent.root_id if parent else None,
            depth=parent.depth + 1 if parent else 0,
            commenter_id=commenter.id,
            author_name="Reader",
            text=text,
            html=f"<p>{text}</p>",
            status=CommentStatus.PUBLISHED,
            system_decision="publish",
        )
        repo.add_comment(session, comment, actor_reasons=[], scores={}, model_versions={})
        session.commit()
        return comment.id


def first_page(client, article_id: int, **headers):
    return client.get(f"/api/v1/articles/{article_id}/comments", headers=headers)


def test_first_page_has_an_etag_and_answers_304_when_unchanged(client, article_id):
    add_published(client.app, article_id, "Protected lanes will make the harbour road safer.")
    page = first_page(client, article_id)
    assert page.status_code == 200 and page.headers["etag"] and page.headers["cache-control"] == "no-cache"
    assert page.json()["total"] == 1
    again = first_page(client, article_id, **{"If-None-Match": page.headers["etag"]})
    assert again.status_code == 304 and again.content == b"" and again.headers["etag"] == page.headers["etag"]
    other = first_page(client, article_id, **{"If-None-Match": '"something-else"'})
    assert other.status_code == 200 and other.json() == page.json()


def test_a_new_comment_shows_at_once_and_changes_the_etag(client, article_id):
    add_published(client.app, article_id, "The lanes are overdue.")
    before = first_page(client, article_id)
    add_published(client.app, article_id, "Shops worry about parking on the harbour road.")
    after = first_page(client, article_id, **{"If-None-Match": before.headers["etag"]})
    assert after.status_code == 200 and after.json()["total"] == 2
    assert after.headers["etag"] != before.headers["etag"]
    assert [c["html"] for c in after.json()["comments"]][0] == "<p>Shops worry about parking on the harbour road.</p>"


def test_a_reply_and_a_removal_change_the_cached_page(client, article_id):
    root = add_published(client.app, article_id, "The council finally listened to cyclists.")
    assert first_page(client, article_id).json()["comments"][0]["replies"] == []
    add_published(client.app, article_id, "It took a crash to get there.", parent_id=root)
    page = first_page(client, article_id).json()
    assert [reply["html"] for reply in page["comments"][0]["replies"]] == ["<p>It took a crash to get there.</p>"]
    with client.app.state.sessions() as session:
        repo.change_status(session, session.get(Comment, root), CommentStatus.REJECTED, actor="moderator", actor_name="mod")
        session.commit()
    page = first_page(client, article_id).json()
    # The rejected comment keeps its place, without its words, so the reply it holds stays in view.
    [placeholder] = page["comments"]
    assert placeholder["status"] == "rejected" and placeholder["html"] == "" and page["total"] == 1
    assert [reply["html"] for reply in placeholder["replies"]] == ["<p>It took a crash to get there.</p>"]


def test_writes_through_another_server_are_seen_by_this_one(settings, models, auth, article_id):
    """Two applications on one database, each with its own cache, as two server processes are."""
    with TestClient(create_app(settings, models=models)) as other:
        warm = other.get(f"/api/v1/articles/{article_id}/comments").json()
        counts = other.get("/api/v1/counts", params={"ids": str(article_id)}).json()
        assert warm["total"] == 0 and counts["counts"] == {str(article_id): 0}
        with TestClient(create_app(settings, models=models)) as writer:
            add_published(writer.app, article_id, "Written through the other server.")
            writer.put("/api/v1/articles", json={**ARTICLE, "title": "Harbour road lanes approved"}, headers=auth)
        page = other.get(f"/api/v1/articles/{article_id}/comments").json()
        assert page["total"] == 1 and page["article"]["title"] == "Harbour road lanes approved"
        assert other.get("/api/v1/counts", params={"ids": str(article_id)}).json()["counts"] == {str(article_id): 1}
        assert other.get(f"/api/v1/articles/{article_id}").json()["title"] == "Harbour road lanes approved"
        found = other.get("/api/v1/articles/lookup", params={"site": "news", "url": ARTICLE["url"]}).json()
        assert found["title"] == "Harbour road lanes approved" and found["published_count"] == 1


def test_a_policy_change_changes_the_cached_page(client, auth, article_id):
    for number in range(3):
        add_published(client.app, article_id, f"Comment number {number} about the harbour lanes.")
    assert len(first_page(client, article_id).json()["comments"]) == 3
    client.patch("/api/v1/policy", json={"page_size": 2}, headers=auth)
    page = first_page(client, article_id).json()
    assert len(page["comments"]) == 2 and page["page_size"] == 2 and page["next_cursor"]


def test_comments_closing_by_date_are_shown_closed_without_any_write(client, auth, article_id, monkeypatch):
    client.put("/api/v1/articles", json={**ARTICLE, "published_at": utcnow().isoformat()}, headers=auth)
    client.patch("/api/v1/policy", json={"close_after_days": 2}, headers=auth)
    assert first_page(client, article_id).json()["comments_open"] is True
    later = utcnow() + timedelta(days=3)
    monkeypatch.setattr("commentdesk.services.read_cache.utcnow", lambda: later)
    monkeypatch.setattr("commentdesk.store.articles.utcnow", lambda: later)
    assert first_page(client, article_id).json()["comments_open"] is False


def test_article_lookup_and_counts_answer_304_when_unchanged(client, article_id):
    found = client.get("/api/v1/articles/lookup", params={"site": "news", "url": ARTICLE["url"]})
    assert found.status_code == 200 and found.json()["id"] == article_id
    assert (
        client.get(
            "/api/v1/articles/lookup",
            params={"site": "news", "url": ARTICLE["url"]},
            headers={"If-None-Match": found.headers["etag"]},
        ).status_code
        == 304
    )
    counts = client.get("/api/v1/counts", params={"ids": str(article_id)})
    assert (
        client.get(
            "/api/v1/counts", params={"ids": str(article_id)}, headers={"If-None-Match": counts.headers["etag"]}
        ).status_code
        == 304
    )
    add_published(client.app, article_id, "A count changes.")
    changed = client.get("/api/v1/counts", params={"ids": str(article_id)}, headers={"If-None-Match": counts.headers["etag"]})
    assert changed.status_code == 200 and changed.json()["counts"] == {str(article_id): 1}


def test_later_pages_and_unknown_articles_are_not_served_from_the_cache(client, article_id):
    for number in range(12):
        add_published(client.app, article_id, f"Thread comment {number}.")
    page = first_page(client, article_id).json()
    later = client.get(f"/api/v1/articles/{article_id}/comments", params={"cursor": page["next_cursor"]})
    assert later.status_code == 200 and len(later.json()["comments"]) == 2 and later.headers["etag"]
    assert client.get("/api/v1/articles/999999/comments").status_code == 404
    assert client.get("/api/v1/articles/999999").status_code == 404
    assert client.get("/api/v1/articles/lookup", params={"site": "news", "url": "https://news.example/none"}).status_code == 404


def test_the_cache_stays_within_its_memory_bound():
    from commentdesk.services.read_cache import ReadCache
    from commentdesk.store.db import make_engine

    cache = ReadCache(make_engine("sqlite://"), max_bytes=10_000)
    for number in range(100):
        cache.put(("thread", number, None), b"x" * 500, number, (0, 0))
    assert len(cache) == 20
    assert cache.put(("huge", 1), b"x" * 5_000, 1, (0, 0)).etag and len(cache) == 20
