"""Sign-out ends the session on the server; the lockout tells nothing about which accounts exist and
does not shut out a whole office; CORS headers only on the public API."""

from __future__ import annotations

import re

from fastapi.testclient import TestClient
from moderate_helpers import PASSWORD, login, session_csrf

from commentdesk.services import accounts
from commentdesk.web.moderate.auth import ADDRESS_LIMIT, SESSION_COOKIE


def test_a_cookie_copied_before_sign_out_no_longer_opens_the_workspace(client, world):
    assert login(client, "mod").status_code == 303
    captured = client.cookies.get(SESSION_COOKIE, path="/moderate")
    assert captured
    assert client.post("/moderate/logout", data={"csrf_token": session_csrf(client)}, follow_redirects=False).status_code == 303
    with TestClient(client.app) as thief:
        thief.cookies.set(SESSION_COOKIE, captured, path="/moderate")
        response = thief.get("/moderate/queue/held", follow_redirects=False)
        assert response.status_code == 303 and response.headers["location"].startswith("/moderate/login")
        assert thief.post("/moderate/api/decisions", json={"action": "approve", "ids": [1]}).status_code == 401


def test_other_sessions_of_the_user_survive_one_sign_out(client, world):
    with TestClient(client.app) as laptop, TestClient(client.app) as phone:
        assert login(laptop, "mod").status_code == 303
        assert login(phone, "mod").status_code == 303
        laptop.post("/moderate/logout", data={"csrf_token": session_csrf(laptop)})
        assert phone.get("/moderate/queue/held", follow_redirects=False).status_code == 200


def _answers(client, username: str, attempts: int) -> list[tuple[int, str]]:
    answers = []
    for _attempt in range(attempts):
        response = login(client, username, "not the password")
        message = re.search(r'class="[^"]*error[^"]*"[^>]*>([^<]+)<', response.text)
        answers.append((response.status_code, message.group(1).strip() if message else response.text[:80]))
    return answers


def test_the_lockout_is_the_same_for_an_account_that_does_not_exist(client, world):
    attempts = accounts.FREE_ATTEMPTS + 2
    with TestClient(client.app) as first, TestClient(client.app, client=("203.0.113.9", 5000)) as second:
        known = _answers(first, "mod", attempts)
        unknown = _answers(second, "nobody-here", attempts)
    assert known == unknown
    assert [status for status, _message in known] == [401] * (accounts.FREE_ATTEMPTS - 1) + [429] * 3


def test_guessing_from_an_office_address_does_not_lock_out_colleagues_who_signed_in_before(client, world):
    with TestClient(client.app) as colleague, TestClient(client.app) as guesser:
        assert login(colleague, "mod").status_code == 303
        colleague.post("/moderate/logout", data={"csrf_token": session_csrf(colleague)})
        for number in range(ADDRESS_LIMIT):
            login(guesser, f"guess{number}", "wrong password!")
        assert login(guesser, "chief", PASSWORD).status_code == 429  # a browser never seen before waits
        assert login(colleague, "mod", PASSWORD).status_code == 303


def test_the_throttle_is_shared_by_every_server_process(app, world):
    from commentdesk.app import create_app

    other_process = create_app(app.state.settings, models=app.state.pipeline.models)
    with TestClient(app) as one, TestClient(other_process) as two:
        for number in range(ADDRESS_LIMIT // 2):
            login(one, f"guess{number}", "wrong password!")
            login(two, f"other{number}", "wrong password!")
        assert login(one, "mod", PASSWORD).status_code == 429


def test_cors_headers_only_on_the_public_api(client, world):
    origin = {"Origin": "https://publisher.example"}
    assert client.get("/api/v1/counts?ids=1", headers=origin).headers.get("access-control-allow-origin") == "*"
    for path in ("/moderate/login", "/moderate/queue/held"):
        assert "access-control-allow-origin" not in client.get(path, headers=origin, follow_redirects=False).headers
    preflight = client.options("/moderate/login", headers={**origin, "Access-Control-Request-Method": "POST"})
    assert "access-control-allow-origin" not in preflight.headers
