"""HEAD is answered wherever GET is: the same status and headers, no body."""

from __future__ import annotations

import pytest

ARTICLE = {"url": "https://news.example/harbour", "title": "Harbour tunnel", "body": "The harbour tunnel opens."}
ORIGIN = {"Origin": "https://publisher.example"}


@pytest.fixture
def article_id(client, auth) -> int:
    return client.put("/api/v1/articles", json=ARTICLE, headers=auth).json()["id"]


@pytest.mark.parametrize(
    "path",
    [
        "/",
        "/faq",
        "/articles/{id}",
        "/api/v1/articles/{id}",
        "/api/v1/articles/{id}/comments",
        "/api/v1/articles/lookup?site=news&url=https://news.example/harbour",
        "/api/v1/counts?ids={id}",
        "/static/embed.js",
        "/openapi.json",
    ],
)
def test_every_get_answers_head_with_its_headers_and_no_body(client, article_id, path):
    path = path.format(id=article_id)
    got, head = client.get(path, headers=ORIGIN), client.head(path, headers=ORIGIN)
    assert got.status_code == head.status_code == 200
    assert head.content == b""
    for name in ("content-type", "content-length", "etag", "cache-control", "access-control-allow-origin"):
        assert head.headers.get(name) == got.headers.get(name), name


def test_head_keeps_the_etag_answer_and_the_refusals_of_a_get(client, article_id):
    etag = client.get(f"/api/v1/articles/{article_id}").headers["etag"]
    unchanged = client.head(f"/api/v1/articles/{article_id}", headers={"If-None-Match": etag})
    assert unchanged.status_code == 304 and unchanged.content == b""
    assert client.head("/api/v1/articles/2147483647").status_code == 404
    assert client.head("/api/v1/articles/01").status_code == 422
    assert client.head("/api/v1/policy").status_code == 401  # the API key is asked for as for a GET


def test_a_405_names_head_beside_get(client, article_id):
    assert client.post("/faq").headers["allow"] == "GET, HEAD"
    assert client.put(f"/api/v1/articles/{article_id}/comments").headers["allow"] == "GET, HEAD, POST"
    refused = client.head(f"/api/v1/comments/{article_id}/edit")  # POST only: no GET, so no HEAD
    assert refused.status_code == 405 and refused.headers["allow"] == "POST"
