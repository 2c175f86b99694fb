"""The API's ASGI middlewares on their own, driven with hand-made ASGI messages: the body size
limit, cross-origin access for the public API only, and admission control's queue."""

from __future__ import annotations

import asyncio
import json

import pytest

from commentdesk import i18n
from commentdesk.api.admission import BUSY_MESSAGE, AdmissionControl, busy_response
from commentdesk.api.cors import PublicApiCORS
from commentdesk.api.limits import BodySizeLimit


def http_scope(path="/api/v1/counts", method="POST", headers=()):
    return {
        "type": "http",
        "method": method,
        "path": path,
        "raw_path": path.encode(),
        "query_string": b"",
        "headers": [(name.lower().encode(), value.encode()) for name, value in headers],
        "scheme": "http",
        "server": ("testserver", 80),
        "client": ("127.0.0.1", 5000),
        "root_path": "",
        "http_version": "1.1",
    }


async def call(app, scope, chunks=(b"",)):
    """Run an ASGI app on one request; returns (status, headers, body, what the app read)."""
    messages = [
        {"type": "http.request", "body": chunk, "more_body": number < len(chunks) - 1} for number, chunk in enumerate(chunks)
    ]
    sent = []

    async def receive():
        return messages.pop(0) if messages else {"type": "http.disconnect"}

    async def send(message):
        sent.append(message)

    await app(scope, receive, send)
    start = next((m for m in sent if m["type"] == "http.response.start"), None)
    body = b"".join(m.get("body", b"") for m in sent if m["type"] == "http.response.body")
    return (start["status"] if start else None), dict(start["headers"]) if start else {}, body


class Echo:
    """An application that reads the whole body and answers with its length."""

    def __init__(self):
        self.read = 0

    async def __call__(self, scope, receive, send):
        while True:
            message = await receive()
            if message["type"] == "http.disconnect":
                return
            self.read += len(message.get("body", b""))
            if not message.get("more_body"):
                break
        await send({"type": "http.response.start", "status": 200, "headers": [(b"content-type", b"text/plain")]})
        await send({"type": "http.response.body", "body": str(self.read).encode()})


def test_refusals_before_the_application_are_worded_in_the_readers_language():
    with i18n.using("de"):
        _status, _headers, body = asyncio.run(
            call(BodySizeLimit(Echo(), 10), http_scope(headers=[("Content-Length", "11")]), [b"x"])
        )
        busy = json.loads(busy_response().body)
    assert json.loads(body)["error"]["message"] == "Anfragen dürfen höchstens 10 Bytes groß sein."
    assert busy["error"] == {
        "code": "server_busy",
        "message": "Der Server ist ausgelastet. Bitte versuchen Sie es gleich noch einmal.",
        "fields": {},
    }


def test_a_body_within_the_limit_reaches_the_application():
    app = Echo()
    status, _headers, body = asyncio.run(call(BodySizeLimit(app, 10), http_scope(headers=[("Content-Length", "5")]), [b"12345"]))
    assert status == 200 and body == b"5"


@pytest.mark.parametrize("declared", ["11", "abc", "-1", "1e3"])
def test_a_declared_length_over_the_limit_or_malformed_is_refused_unread(declared):
    app = Echo()
    status, headers, body = asyncio.run(call(BodySizeLimit(app, 10), http_scope(headers=[("Content-Length", declared)]), [b"x"]))
    assert status == 413 and app.read == 0
    assert json.loads(body)["error"] == {"code": "too_large", "message": "Request bodies are limited to 10 bytes.", "fields": {}}
    assert headers[b"content-type"] == b"application/json"


def test_a_chunked_body_is_cut_off_at_the_limit():
    app = Echo()
    status, _headers, body = asyncio.run(call(BodySizeLimit(app, 10), http_scope(), [b"123456", b"789012", b"345"]))
    assert status == 413 and app.read <= 10


def test_requests_that_are_not_http_pass_through():
    seen = []

    async def app(scope, receive, send):
        seen.append(scope["type"])

    asyncio.run(BodySizeLimit(app, 1)({"type": "lifespan"}, None, None))
    asyncio.run(PublicApiCORS(app, allow_origins=["*"])({"type": "lifespan"}, None, None))
    assert seen == ["lifespan", "lifespan"]


def cors(path, method="GET", headers=()):
    return asyncio.run(
        call(
            PublicApiCORS(
                Echo(),
                allow_origins=["*"],
                allow_methods=["GET", "POST"],
                allow_headers=["Content-Type"],
                expose_headers=["Retry-After"],
            ),
            http_scope(path, method, [("Origin", "https://publisher.example"), *headers]),
        )
    )


def test_the_public_api_may_be_read_from_any_origin():
    status, headers, _body = cors("/api/v1/counts")
    assert status == 200 and headers[b"access-control-allow-origin"] == b"*"
    assert headers[b"access-control-expose-headers"] == b"Retry-After"


def test_a_preflight_for_the_public_api_is_answered():
    status, headers, _body = cors("/api/v1/articles/1/comments", "OPTIONS", [("Access-Control-Request-Method", "POST")])
    assert status == 200 and b"POST" in headers[b"access-control-allow-methods"]


@pytest.mark.parametrize("path", ["/moderate/queue/held", "/articles/1", "/apix/v1", "/"])
def test_pages_outside_the_api_allow_no_other_origin(path):
    _status, headers, _body = cors(path)
    assert b"access-control-allow-origin" not in headers


def test_admission_refuses_beyond_the_queue_and_serves_the_rest_in_turn(gated_admission):
    async def scenario():
        gate, control = gated_admission(max_active=1, max_waiting=1, max_wait_s=5)
        first = asyncio.create_task(call(control, http_scope()))
        await asyncio.sleep(0.01)
        second = asyncio.create_task(call(control, http_scope()))
        await asyncio.sleep(0.01)
        assert control.active == 1 and control.waiting == 1
        refused = await call(control, http_scope())
        gate.release.set()
        return refused, await first, await second, control

    refused, first, second, control = asyncio.run(scenario())
    assert refused[0] == 503 and refused[1][b"retry-after"] == b"1"
    assert json.loads(refused[2]) == {"error": {"code": "server_busy", "message": BUSY_MESSAGE, "fields": {}}}
    assert first[0] == second[0] == 200 and control.active == 0 and control.waiting == 0


def test_a_request_that_waits_past_its_limit_is_refused(gated_admission):
    async def scenario():
        gate, control = gated_admission(max_active=1, max_waiting=5, max_wait_s=0.05)
        first = asyncio.create_task(call(control, http_scope()))
        await asyncio.sleep(0.01)
        late = await call(control, http_scope())
        gate.release.set()
        await first
        return late, control

    late, control = asyncio.run(scenario())
    assert late[0] == 503 and control.active == 0


@pytest.mark.parametrize(
    "settings",
    [
        {"max_active": 0, "max_waiting": 1, "max_wait_s": 1},
        {"max_active": 1, "max_waiting": -1, "max_wait_s": 1},
        {"max_active": 1, "max_waiting": 1, "max_wait_s": -1},
        {"max_active": 1, "max_waiting": 1, "max_wait_s": 1, "max_active_writes": 0},
    ],
)
def test_impossible_admission_settings_are_refused(settings):
    with pytest.raises(ValueError):
        AdmissionControl(Echo(), **settings)
