"""Page-load reads answered from the cache before routing: the same answer the route gives, and
only for requests the route has already validated and answered."""

from __future__ import annotations

import asyncio
from urllib.parse import urlencode

import pytest
from tests.api.test_read_cache import ARTICLE, add_published

from commentdesk.api.cached_reads import CachedReads

LOOKUP = "/api/v1/articles/lookup"


class Recorder:
    """The rest of the application, as the front sees it: records whether it was asked."""

    def __init__(self) -> None:
        self.calls = 0

    async def __call__(self, scope, receive, send) -> None:
        self.calls += 1
        await send({"type": "http.response.start", "status": 299, "headers": []})
        await send({"type": "http.response.body", "body": b"route"})


def ask(app, path: str, query: str = "", method: str = "GET", headers: list | None = None) -> tuple[Recorder, list]:
    """Send one request through the front alone; returns the recorder and the messages sent."""
    recorder, messages = Recorder(), []

    async def receive():
        return {"type": "http.request", "body": b"", "more_body": False}

    async def send(message):
        messages.append(message)

    scope = {
        "type": "http",
        "method": method,
        "path": path,
        "query_string": query.encode(),
        "headers": headers or [],
        "app": app,
    }
    asyncio.run(CachedReads(recorder)(scope, receive, send))
    return recorder, messages


@pytest.fixture
def article_id(client, auth) -> int:
    return client.put("/api/v1/articles", json=ARTICLE, headers=auth).json()["id"]


def lookup_query(site: str = "news", url: str = ARTICLE["url"]) -> str:
    return urlencode({"site": site, "url": url})


def test_a_lookup_the_route_answered_is_answered_again_from_the_cache(client, article_id):
    first = client.get(f"{LOOKUP}?{lookup_query()}")
    recorder, messages = ask(client.app, LOOKUP, lookup_query())
    assert recorder.calls == 0
    start, body = messages
    headers = {name.decode(): value.decode() for name, value in start["headers"]}
    assert start["status"] == 200 and body["body"] == first.content
    assert headers["etag"] == first.headers["etag"] and headers["cache-control"] == "no-cache"
    assert headers["content-type"] == "application/json" and headers["content-length"] == str(len(first.content))


def test_the_whole_application_gives_the_same_answer_both_ways(client, article_id):
    origin = {"Origin": "https://news.example"}
    by_route = client.get(f"{LOOKUP}?{lookup_query()}", headers=origin)
    from_cache = client.get(f"{LOOKUP}?{lookup_query()}", headers=origin)
    assert from_cache.status_code == by_route.status_code == 200
    assert from_cache.content == by_route.content
    for header in ("etag", "cache-control", "content-type", "access-control-allow-origin"):
        assert from_cache.headers[header] == by_route.headers[header]


def test_a_client_holding_the_version_gets_304_without_a_body(client, article_id):
    etag = client.get(f"{LOOKUP}?{lookup_query()}").headers["etag"]
    recorder, messages = ask(client.app, LOOKUP, lookup_query(), headers=[(b"if-none-match", etag.encode())])
    assert recorder.calls == 0
    assert messages[0]["status"] == 304 and messages[1]["body"] == b""


@pytest.mark.parametrize(
    ("path_tail", "query"),
    [
        ("lookup", lookup_query(url="https://news.example/never-registered")),  # a miss
        ("lookup", lookup_query() + "&site=other"),  # a repeated parameter: the route decides
        ("lookup", urlencode({"url": ARTICLE["url"]})),  # no site
    ],
)
def test_anything_the_cache_does_not_hold_goes_to_the_route(client, article_id, path_tail, query):
    client.get(f"{LOOKUP}?{lookup_query()}")
    recorder, messages = ask(client.app, f"/api/v1/articles/{path_tail}", query)
    assert recorder.calls == 1 and messages[0]["status"] == 299


def test_other_methods_go_to_the_route(client, article_id):
    client.get(f"{LOOKUP}?{lookup_query()}")
    for method in ("HEAD", "POST"):
        recorder, _messages = ask(client.app, LOOKUP, lookup_query(), method=method)
        assert recorder.calls == 1


def test_first_pages_are_answered_from_the_cache_for_the_same_page_size(client, article_id):
    add_published(client.app, article_id, "Protected lanes will make the harbour road safer.")
    path = f"/api/v1/articles/{article_id}/comments"
    default_size = client.get(path)
    client.get(f"{path}?limit=5")
    recorder, messages = ask(client.app, path)
    assert recorder.calls == 0 and messages[1]["body"] == default_size.content
    recorder, _messages = ask(client.app, path, "limit=5")
    assert recorder.calls == 0
    # Forms the route reads as the same number, and later pages, are left to the route.
    for query in ("limit=05", "limit=+5", "limit=7", "cursor=abc", "limit=5&limit=5"):
        recorder, _messages = ask(client.app, path, query)
        assert recorder.calls == 1, query


def test_a_write_makes_the_cached_answer_stale_at_once(client, article_id):
    path = f"/api/v1/articles/{article_id}/comments"
    assert client.get(path).json()["total"] == 0
    add_published(client.app, article_id, "The lanes should reach the ferry terminal too.")
    recorder, _messages = ask(client.app, path)
    assert recorder.calls == 1
    assert client.get(path).json()["total"] == 1


@pytest.mark.parametrize("path", ["/api/v1/articles/0/comments", "/api/v1/articles/99999999999/comments"])
def test_ids_the_route_would_refuse_go_to_the_route(client, article_id, path):
    recorder, _messages = ask(client.app, path)
    assert recorder.calls == 1
