"""Helpers for the reader page tests: an article registered through the API, and comments on it."""

from __future__ import annotations

import os
import struct
from pathlib import Path

import pytest

from commentdesk.moderation.types import Candidate
from commentdesk.store import repository as repo
from commentdesk.store.models import Comment, CommentStatus
from mail_fixtures import smtp  # noqa: F401 - a fixture: a real SMTP server on loopback

ARTICLE = {
    "title": "City council approves new cycle lanes on the harbour road",
    "author": "Maria Jensen",
    "published_at": "2024-03-12T09:30:00Z",
    "body": (
        "The city council voted on Tuesday to build protected cycle lanes along the harbour road.\n\n"
        "The council says the cycle lanes will cost four million euros and open next spring. "
        "Shop owners on the harbour road worry about losing parking spaces for their customers.\n\n"
        "Cyclists have asked the council for safer lanes since a crash on the road last year."
    ),
}

# Civil and on-topic, so moderation publishes them.
ON_TOPIC = [
    "The new cycle lanes on the harbour road are overdue; the council should have built them years ago.",
    "Four million euros for cycle lanes seems expensive, but safer roads for cyclists are worth paying for.",
    "Shop owners on the harbour road deserve a plan for parking before the council starts building the lanes.",
    "I cycle along the harbour road every day and protected lanes would make my commute much safer.",
]


@pytest.fixture
def make_article(client, auth):
    """Register an article via the API; returns its id."""

    def make(url: str = "https://news.example/2024/cycle-lanes", **fields) -> int:
        response = client.put("/api/v1/articles", json={**ARTICLE, "url": url, **fields}, headers=auth)
        assert response.status_code in (200, 201), response.text
        return response.json()["id"]

    return make


def models_ready(app) -> bool:
    """Whether the moderation models run here (without their weights every comment is held)."""
    signals = app.state.pipeline.models.signals(Candidate(text="A test.", article_title="Test", article_body="A test."))
    return not signals.failures


@pytest.fixture
def require_models(app):
    if not models_ready(app):
        pytest.skip("moderation model weights are not installed here, so no comment is published automatically")


def approve(app, comment_id: int) -> None:
    """Publish a held comment as a moderator would."""
    with app.state.sessions() as session:
        comment = session.get(Comment, comment_id)
        repo.change_status(session, comment, CommentStatus.PUBLISHED, actor="moderator", actor_name="test")
        session.commit()


@pytest.fixture
def post_comment(client):
    """Post through the JSON API and make sure it ends up published; returns the comment.

    The comments are written to publish; where the models cannot run they are held, and the
    fixture then approves them, so page tests do not depend on model weights being present.
    `insist=False` approves a held comment even when the models run (for odd test texts).
    """
    ready = models_ready(client.app)

    def post(article_id: int, text: str, name: str = "Ana", parent_id: int | None = None, insist: bool = True) -> dict:
        body = {"author_name": name, "text": text}
        if parent_id is not None:
            body["parent_id"] = parent_id
        response = client.post(f"/api/v1/articles/{article_id}/comments", json=body)
        assert response.status_code == 201, response.text
        outcome = response.json()["outcome"]
        if ready and insist:
            assert outcome == "published", response.json()
        elif outcome == "held":
            approve(client.app, response.json()["comment"]["id"])
        return response.json()["comment"]

    return post


def png_size(data: bytes) -> tuple[int, int]:
    """Width and height from a PNG's header."""
    assert data[:8] == b"\x89PNG\r\n\x1a\n", "not a PNG"
    return struct.unpack(">II", data[16:24])


@pytest.fixture
def screenshot(request, tmp_path):
    """Screenshots of a page or an element, kept for a person to look at: under
    $COMMENTDESK_SCREENSHOTS when set, else in the test's temporary folder. Returns the path."""
    folder = Path(os.environ.get("COMMENTDESK_SCREENSHOTS") or tmp_path)
    name = request.node.name.replace("[", "-").replace("]", "")

    def take(target, label: str) -> Path:
        folder.mkdir(parents=True, exist_ok=True)
        path = folder / f"{name}-{label}.png"
        width, height = png_size(target.screenshot(path=str(path)))
        assert width > 0 and height > 0
        return path

    return take
