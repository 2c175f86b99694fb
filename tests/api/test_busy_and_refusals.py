"""A busy server and a busy database answer 503 with Retry-After, never a 500; a client that
leaves while waiting gives its turn away; and the API's refusals name the field and change nothing."""

from __future__ import annotations

import asyncio

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select
from sqlalchemy.exc import OperationalError
from sqlalchemy.exc import TimeoutError as PoolTimeout

from commentdesk.api import routes
from commentdesk.api.admission import BUSY_MESSAGE
from commentdesk.store.models import Article, Comment, Site

ARTICLE = {
    "url": "https://news.example/2024/harbour",
    "title": "Harbour road gets cycle lanes",
    "body": "The council voted for protected cycle lanes on the harbour road.",
}


def error_of(response, status: int) -> dict:
    assert response.status_code == status, response.text
    body = response.json()
    assert set(body) == {"error"} and set(body["error"]) == {"code", "message", "fields"}, body
    return body["error"]


def count(client, model) -> int:
    with client.app.state.sessions() as session:
        return session.scalar(select(func.count()).select_from(model))


# --- admission: a client that goes away while it waits ---------------------------------------


def request_scope(method: str = "GET"):
    return {"type": "http", "method": method, "path": "/api/v1/counts", "headers": [], "query_string": b""}


async def answer(app, method: str = "GET") -> int | None:
    sent = []

    async def receive():
        return {"type": "http.disconnect"}

    async def send(message):
        sent.append(message)

    await app(request_scope(method), receive, send)
    return next((m["status"] for m in sent if m["type"] == "http.response.start"), None)


def test_a_client_that_leaves_while_waiting_frees_its_place_in_the_queue(gated_admission):
    async def scenario():
        gate, control = gated_admission(max_active=1, max_waiting=1, max_wait_s=5)
        first = asyncio.create_task(answer(control))
        await asyncio.sleep(0.01)
        leaving = asyncio.create_task(answer(control))
        await asyncio.sleep(0.01)
        assert control.waiting == 1
        leaving.cancel()
        with pytest.raises(asyncio.CancelledError):
            await leaving
        # The place it held is free: the next request waits instead of being refused.
        after = asyncio.create_task(answer(control))
        await asyncio.sleep(0.01)
        waiting_then = control.waiting
        gate.release.set()
        return await first, await after, waiting_then, control, gate

    first, after, waiting_then, control, gate = asyncio.run(scenario())
    assert (first, after, waiting_then) == (200, 200, 1)
    assert control.active == 0 and control.waiting == 0
    assert gate.started == 2  # the request that left never reached the application


def test_a_client_leaving_just_as_its_turn_comes_neither_loses_nor_leaks_a_place(gated_admission):
    async def scenario():
        gate, control = gated_admission(max_active=1, max_waiting=5, max_wait_s=5)
        first = asyncio.create_task(answer(control))
        await asyncio.sleep(0.01)
        leaving = asyncio.create_task(answer(control))
        patient = asyncio.create_task(answer(control))
        await asyncio.sleep(0.01)
        gate.release.set()
        await first  # its turn goes to `leaving`, which is cancelled as it arrives
        leaving.cancel()
        results = await asyncio.gather(leaving, patient, return_exceptions=True)
        return results, control

    (left, patient), control = asyncio.run(scenario())
    assert patient == 200
    assert left == 200 or isinstance(left, asyncio.CancelledError)
    assert control.active == 0 and control.waiting == 0


def test_writes_beyond_their_limit_wait_while_reads_go_on(gated_admission):
    async def scenario():
        gate, control = gated_admission(max_active=8, max_waiting=4, max_wait_s=5, max_active_writes=1)
        first_post = asyncio.create_task(answer(control, "POST"))
        await asyncio.sleep(0.01)
        second_post = asyncio.create_task(answer(control, "POST"))
        read = asyncio.create_task(answer(control, "GET"))
        await asyncio.sleep(0.01)
        seen = (gate.started, control.waiting, control.active)
        gate.release.set()
        return seen, await asyncio.gather(first_post, second_post, read), control, gate

    seen, statuses, control, gate = asyncio.run(scenario())
    assert seen == (2, 1, 2)  # the first post and the read at work, the second post waiting
    assert statuses == [200, 200, 200] and gate.started == 3
    assert control.active == 0 and control.waiting == 0


def test_a_write_that_waits_past_the_limit_is_refused_and_frees_its_place(gated_admission):
    async def scenario():
        gate, control = gated_admission(max_active=8, max_waiting=4, max_wait_s=0.05, max_active_writes=1)
        first_post = asyncio.create_task(answer(control, "PUT"))
        await asyncio.sleep(0.01)
        late = await answer(control, "DELETE")
        gate.release.set()
        return late, await first_post, control

    late, first, control = asyncio.run(scenario())
    assert (late, first) == (503, 200)
    assert control.active == 0 and control.waiting == 0


# --- a busy database -------------------------------------------------------------------------


@pytest.mark.parametrize(
    "problem",
    [
        PoolTimeout("QueuePool limit reached"),
        OperationalError("SELECT 1", {}, Exception("database is locked")),
    ],
)
def test_a_busy_database_is_answered_like_a_busy_server(app, monkeypatch, problem):
    def busy(*_args, **_kwargs):
        raise problem

    monkeypatch.setattr(routes.reading, "comment", busy)
    with TestClient(app, raise_server_exceptions=False) as client:
        response = client.get("/api/v1/comments/1/replies")
    error = error_of(response, 503)
    assert error == {"code": "server_busy", "message": BUSY_MESSAGE, "fields": {}}
    assert response.headers["retry-after"] == "1"


def test_other_database_failures_are_an_internal_error_without_detail(app, monkeypatch):
    def broken(*_args, **_kwargs):
        raise OperationalError("SELECT secret_column FROM comments", {}, Exception("disk I/O error"))

    monkeypatch.setattr(routes.reading, "comment", broken)
    with TestClient(app, raise_server_exceptions=False) as client:
        response = client.get("/api/v1/comments/1/replies")
    error = error_of(response, 500)
    assert error["code"] == "internal_error"
    assert "secret_column" not in response.text and "disk" not in response.text


# --- refusals: the right code, the field named, nothing changed ------------------------------


def site_state(client) -> tuple:
    with client.app.state.sessions() as session:
        site = session.scalars(select(Site)).one()
        return dict(site.policy), site.sso_algorithm, site.sso_key, site.language, site.revision


@pytest.mark.parametrize(
    ("method", "path", "body"),
    [
        ("put", "/api/v1/articles", ARTICLE),
        ("patch", "/api/v1/policy", {"page_size": 7}),
        ("put", "/api/v1/sso", {"algorithm": "HS256", "key": "a shared secret that is long enough to use"}),
        ("delete", "/api/v1/sso", None),
        ("put", "/api/v1/site/language", {"language": "de"}),
    ],
)
def test_writes_without_the_right_key_are_refused_and_change_nothing(client, auth, method, path, body):
    # Something to lose: a sign-in setup and a language, so a wrongly accepted DELETE or PUT shows.
    assert client.put("/api/v1/sso", headers=auth, json={"algorithm": "HS256", "key": "k" * 40}).status_code == 200
    assert client.put("/api/v1/site/language", headers=auth, json={"language": "ur"}).status_code == 200
    before = site_state(client)
    missing = client.request(method, path, json=body)
    assert error_of(missing, 401) == {
        "code": "api_key_required",
        "message": "Send the site's API key as 'Authorization: Bearer KEY'.",
        "fields": {},
    }
    wrong = client.request(method, path, json=body, headers={"Authorization": "Bearer cd_not-a-key"})
    assert error_of(wrong, 401) == {"code": "api_key_invalid", "message": "That API key belongs to no site.", "fields": {}}
    assert site_state(client) == before
    assert count(client, Article) == 0


def test_a_body_that_is_not_an_object_is_refused_as_a_whole(client, auth):
    response = client.put("/api/v1/articles", json=["https://news.example/a"], headers=auth)
    error = error_of(response, 422)
    assert error["code"] == "invalid_request" and list(error["fields"]) == ["body"]
    assert count(client, Article) == 0


def test_nested_field_problems_are_named_by_their_path(client, auth):
    response = client.patch("/api/v1/policy", json={"banned_words": ["fine", 7]}, headers=auth)
    error = error_of(response, 422)
    assert any(name.startswith("banned_words") for name in error["fields"]), error


def test_the_outcome_address_needs_its_token(client, auth):
    article_id = client.put("/api/v1/articles", json=ARTICLE, headers=auth).json()["id"]
    posted = client.post(f"/api/v1/articles/{article_id}/comments", json={"author_name": "Ana", "text": "The lanes are overdue."})
    comment_id = posted.json()["comment"]["id"]
    error = error_of(client.get(f"/api/v1/comments/{comment_id}/outcome"), 422)
    assert list(error["fields"]) == ["token"]
    error = error_of(client.get(f"/api/v1/comments/{comment_id}/outcome", params={"token": "t" * 65}), 422)
    assert list(error["fields"]) == ["token"]


@pytest.mark.parametrize("cursor", ["c" * 201, "bad\x00cursor"])
def test_cursors_beyond_what_is_ever_issued_are_refused(client, auth, cursor):
    article_id = client.put("/api/v1/articles", json=ARTICLE, headers=auth).json()["id"]
    error = error_of(client.get(f"/api/v1/articles/{article_id}/comments", params={"cursor": cursor}), 422)
    assert list(error["fields"]) == ["cursor"]


def test_signing_in_on_a_site_that_does_not_exist_is_not_found(client):
    error = error_of(client.post("/api/v1/reader/session", json={"site": "gazette", "reader_token": "x" * 40}), 404)
    assert error["code"] == "site_not_found"
    error = error_of(client.post("/api/v1/reader/session", json={"site": "gazette"}), 422)
    assert "reader_token" in error["fields"]


@pytest.mark.parametrize("action", ["edit", "delete"])
def test_changing_a_comment_that_does_not_exist_is_not_found(client, action):
    body = {"edit_token": "t" * 32, **({"text": "New words."} if action == "edit" else {})}
    error = error_of(client.post(f"/api/v1/comments/987654/{action}", json=body), 404)
    assert error == {"code": "comment_not_found", "message": "No comment of yours has that id.", "fields": {}}


def test_an_unknown_address_is_answered_with_the_json_error_body(client):
    error = error_of(client.get("/api/v1/no-such-thing"), 404)
    assert error["code"] == "not_found"


def test_counts_leave_out_articles_that_do_not_exist_and_repeat_nothing(client, auth):
    article_id = client.put("/api/v1/articles", json=ARTICLE, headers=auth).json()["id"]
    response = client.get("/api/v1/counts", params={"ids": f" {article_id} , {article_id},987654\n"})
    assert response.status_code == 200
    assert response.json() == {"counts": {str(article_id): 0}}
    assert client.get("/api/v1/counts", params={"ids": ""}).json() == {"counts": {}}
    assert count(client, Comment) == 0
