"""A busy story: every request is answered (2xx, or 503 with Retry-After), never left hanging.

The live-server test runs once per database; the admission tests drive the middleware alone,
with requests held open by the test, so what they assert does not depend on timing.
"""

from __future__ import annotations

import asyncio

import httpx
import pytest
from sqlalchemy import func, select

from commentdesk.api.admission import AdmissionControl
from commentdesk.services.sites import create_site
from commentdesk.store.models import Article, Comment

ARTICLE = {
    "url": "https://news.example/tram",
    "title": "Council extends the tram line to the northern suburbs",
    "body": "The council voted to extend the tram line north. The extension costs 240 million and opens in 2029.",
}
REPLIES = [
    "The tram extension is long overdue for the northern districts.",
    "240 million for a tram line is a lot, but the buses are full every morning.",
    "Opening in 2029 is too late; the council should have started years ago.",
]


def _answered_properly(response: httpx.Response) -> bool:
    if 200 <= response.status_code < 300:
        return True
    return (
        response.status_code == 503
        and response.headers.get("retry-after", "").isdigit()
        and response.json()["error"]["code"] == "server_busy"
    )


@pytest.mark.models
def test_256_concurrent_readers_and_writers_are_all_answered(app, live_server):
    with app.state.sessions() as session:
        _site, key = create_site(
            session,
            "busy",
            "Busy News",
            policy={"flood_per_minute_commenter": 1000, "flood_per_minute_address": 10_000, "refuse_per_minute_address": 100_000},
        )
        session.commit()
    auth = {"Authorization": f"Bearer {key}"}
    article = httpx.put(f"{live_server.url}/api/v1/articles", json=ARTICLE, headers=auth, timeout=30).json()
    article_id = article["id"]
    reads = [
        f"/api/v1/articles/{article_id}/comments",
        f"/api/v1/counts?ids={article_id}",
        f"/api/v1/articles/lookup?site=busy&url={ARTICLE['url']}",
        f"/api/v1/articles/{article_id}",
    ]

    async def reader_or_writer(number: int, client: httpx.AsyncClient) -> list[httpx.Response]:
        if number % 4 == 0:
            body = {"author_name": f"Reader {number}", "text": f"{REPLIES[number % len(REPLIES)]} ({number})"}
            return [await client.post(f"/api/v1/articles/{article_id}/comments", json=body)]
        return [await client.get(reads[(number + turn) % len(reads)]) for turn in range(2)]

    async def crowd() -> list[httpx.Response]:
        # A hang shows as a client timeout, which fails the test. A new connection per request:
        # an overloaded client may reuse a kept-alive connection after the server's keep-alive
        # timeout closed it (browsers then send the request again; this client would not).
        limits = httpx.Limits(max_connections=256, max_keepalive_connections=0)
        async with httpx.AsyncClient(base_url=live_server.url, limits=limits, timeout=httpx.Timeout(240)) as client:
            batches = await asyncio.gather(*(reader_or_writer(number, client) for number in range(256)))
        return [response for batch in batches for response in batch]

    responses = asyncio.run(crowd())
    assert len(responses) == 64 + 192 * 2
    wrong = [
        (response.request.method, response.request.url.path, response.status_code, response.text[:200])
        for response in responses
        if not _answered_properly(response)
    ]
    assert wrong == []
    accepted = [response.json()["comment"]["id"] for response in responses if response.status_code == 201]
    with app.state.sessions() as session:  # every comment answered 201 is stored
        stored = session.scalar(select(func.count()).select_from(Comment).where(Comment.id.in_(accepted)))
        assert stored == len(accepted)
        assert session.get(Article, article_id) is not None
    # And the server is fine afterwards.
    assert httpx.get(f"{live_server.url}{reads[0]}", timeout=30).status_code == 200


# --- the admission middleware on its own -----------------------------------------------------


class HeldApp:
    """An ASGI app whose requests stay open until the test lets them finish."""

    def __init__(self) -> None:
        self.release = asyncio.Event()
        self.started = 0

    async def __call__(self, scope, receive, send):
        self.started += 1
        await self.release.wait()
        await send({"type": "http.response.start", "status": 200, "headers": [(b"content-type", b"text/plain")]})
        await send({"type": "http.response.body", "body": b"done"})


async def _until(condition) -> None:
    for _ in range(1000):
        if condition():
            return
        await asyncio.sleep(0.005)
    raise AssertionError("condition never held")


def _client(app) -> httpx.AsyncClient:
    return httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://test", timeout=30)


def test_requests_beyond_the_waiting_limit_are_refused_at_once_with_retry_after():
    async def scenario():
        held = HeldApp()
        admission = AdmissionControl(held, max_active=2, max_waiting=1, max_wait_s=60)
        async with _client(admission) as client:
            working = [asyncio.create_task(client.get("/")) for _ in range(2)]
            await _until(lambda: held.started == 2)
            waiting = asyncio.create_task(client.get("/"))
            await _until(lambda: admission.waiting == 1)
            refused = await client.get("/")  # answered while the others are still held
            assert refused.status_code == 503
            assert refused.headers["retry-after"] == "1"
            assert refused.json() == {
                "error": {"code": "server_busy", "message": "The server is busy. Please try again in a moment.", "fields": {}}
            }
            assert held.started == 2 and not waiting.done()
            held.release.set()
            answers = await asyncio.gather(*working, waiting)
            assert [answer.status_code for answer in answers] == [200, 200, 200]
            assert admission.active == 0 and admission.waiting == 0

    asyncio.run(scenario())


def test_a_request_that_waits_too_long_for_its_turn_is_refused():
    async def scenario():
        held = HeldApp()
        admission = AdmissionControl(held, max_active=1, max_waiting=10, max_wait_s=0.05)
        async with _client(admission) as client:
            working = asyncio.create_task(client.get("/"))
            await _until(lambda: held.started == 1)
            late = await client.get("/")
            assert late.status_code == 503 and late.headers["retry-after"].isdigit()
            assert admission.waiting == 0
            held.release.set()
            assert (await working).status_code == 200
            assert (await client.get("/")).status_code == 200  # the turn came back
            assert admission.active == 0

    asyncio.run(scenario())


def test_waiting_requests_are_served_in_arrival_order():
    async def scenario():
        order = []

        async def recording(scope, receive, send):
            order.append(scope["path"])
            await send({"type": "http.response.start", "status": 200, "headers": []})
            await send({"type": "http.response.body", "body": b""})

        held = HeldApp()

        async def app(scope, receive, send):
            if scope["path"] == "/first":
                return await held(scope, receive, send)
            return await recording(scope, receive, send)

        admission = AdmissionControl(app, max_active=1, max_waiting=10, max_wait_s=60)
        async with _client(admission) as client:
            first = asyncio.create_task(client.get("/first"))
            await _until(lambda: held.started == 1)
            later = []
            for number in range(5):
                later.append(asyncio.create_task(client.get(f"/{number}")))
                await _until(lambda number=number: admission.waiting == number + 1)
            held.release.set()
            await asyncio.gather(first, *later)
        assert order == ["/0", "/1", "/2", "/3", "/4"]

    asyncio.run(scenario())
