"""Signing in: passwords, throttling, sessions, CSRF, and limits to sites."""

from __future__ import annotations

from datetime import timedelta

from moderate_helpers import PASSWORD, csrf_from, login, session_csrf
from sqlalchemy import select

from commentdesk.services import accounts
from commentdesk.store.models import LoginLock, User, utcnow


def test_pages_need_a_session(client, world):
    response = client.get("/moderate/queue/held", follow_redirects=False)
    assert response.status_code == 303
    assert response.headers["location"].startswith("/moderate/login?next=")
    assert client.post("/moderate/api/decisions", json={"action": "approve", "ids": [1]}).status_code == 401


def test_sign_in_sets_a_protected_cookie(client, world):
    response = login(client, "mod")
    assert response.status_code == 303
    cookie = response.headers["set-cookie"]
    assert "HttpOnly" in cookie and "SameSite=lax" in cookie.replace("Lax", "lax")
    assert "Secure" not in cookie  # plain http in tests; https requests get Secure
    assert client.get("/moderate/queue/held").status_code == 200


def test_cookie_is_secure_over_https(app, world):
    from fastapi.testclient import TestClient

    with TestClient(app, base_url="https://testserver") as secure:
        response = login(secure, "mod")
        assert response.status_code == 303
        assert "Secure" in response.headers["set-cookie"]


def test_wrong_password_is_refused_and_counted(client, world):
    response = login(client, "mod", "not the password")
    assert response.status_code == 401
    assert "Wrong username or password" in response.text
    assert "set-cookie" not in response.headers or "commentdesk_moderator=" not in response.headers.get("set-cookie", "")
    with client.app.state.sessions() as session:
        assert accounts.user_by_name(session, "mod").failed_logins == 1
    assert login(client, "nobody", "whatever-password").status_code == 401


def test_repeated_failures_lock_the_account(client, world):
    for _attempt in range(accounts.FREE_ATTEMPTS):
        login(client, "mod", "wrong password!")
    locked = login(client, "mod", PASSWORD)  # even the right password waits out the lock
    assert locked.status_code == 429
    assert "Too many failed attempts" in locked.text
    with client.app.state.sessions() as session:
        user = accounts.user_by_name(session, "mod")
        assert user.locked_until is not None
        user.locked_until = utcnow() - timedelta(seconds=1)
        for lock in session.scalars(select(LoginLock)):  # the same lock, kept for every name tried
            lock.locked_until = utcnow() - timedelta(seconds=1)
        session.commit()
    assert login(client, "mod", PASSWORD).status_code == 303
    with client.app.state.sessions() as session:
        assert accounts.user_by_name(session, "mod").failed_logins == 0


def test_login_form_needs_its_token(client, world):
    client.get("/moderate/login")
    response = client.post(
        "/moderate/login", data={"username": "mod", "password": PASSWORD, "csrf_token": "forged"}, follow_redirects=False
    )
    assert response.status_code == 403


def test_disabled_account_cannot_sign_in_and_loses_its_session(client, world):
    assert login(client, "mod").status_code == 303
    with client.app.state.sessions() as session:
        accounts.set_disabled(accounts.user_by_name(session, "mod"), True)
        session.commit()
    assert client.get("/moderate/queue/held", follow_redirects=False).status_code == 303
    assert login(client, "mod").status_code == 401


def test_password_change_ends_sessions(client, world):
    assert login(client, "mod").status_code == 303
    with client.app.state.sessions() as session:
        accounts.set_password(accounts.user_by_name(session, "mod"), "a brand new password")
        session.commit()
    assert client.get("/moderate/queue/held", follow_redirects=False).status_code == 303


def test_api_refuses_requests_without_the_csrf_token(client, world):
    comment_id = world.add_comment("You idiot.")
    assert login(client, "mod").status_code == 303
    body = {"action": "approve", "ids": [comment_id]}
    assert client.post("/moderate/api/decisions", json=body).status_code == 403
    assert client.post("/moderate/api/decisions", json=body, headers={"X-CSRF-Token": "guess"}).status_code == 403
    assert world.comment(comment_id).status == "pending"
    token = session_csrf(client)
    assert client.post("/moderate/api/decisions", json=body, headers={"X-CSRF-Token": token}).status_code == 200
    assert world.comment(comment_id).status == "published"


def test_forms_refuse_posts_without_the_csrf_token(client, world):
    comment_id = world.add_comment("You idiot.")
    assert login(client, "mod").status_code == 303
    response = client.post(f"/moderate/comments/{comment_id}/decide", data={"action": "approve"}, follow_redirects=False)
    assert response.status_code == 403
    assert world.comment(comment_id).status == "pending"
    token = csrf_from(client.get(f"/moderate/comments/{comment_id}").text)
    response = client.post(
        f"/moderate/comments/{comment_id}/decide", data={"action": "approve", "csrf_token": token}, follow_redirects=False
    )
    assert response.status_code == 303
    assert world.comment(comment_id).status == "published"


def test_moderator_limited_to_a_site_sees_and_acts_only_there(client, world):
    world.add_user("sporty", sites=["sport"])
    news_comment = world.add_comment("News idiot comment", site="news", article="cycle")
    sport_comment = world.add_comment("Sport idiot comment", site="sport", article="cup")
    assert login(client, "sporty").status_code == 303
    page = client.get("/moderate/queue/held")
    assert "Sport idiot comment" in page.text and "News idiot comment" not in page.text
    assert client.get(f"/moderate/comments/{news_comment}").status_code == 404
    token = session_csrf(client)
    refused = client.post(
        "/moderate/api/decisions", json={"action": "approve", "ids": [news_comment]}, headers={"X-CSRF-Token": token}
    )
    assert refused.status_code == 404
    assert world.comment(news_comment).status == "pending"
    allowed = client.post(
        "/moderate/api/decisions", json={"action": "approve", "ids": [sport_comment]}, headers={"X-CSRF-Token": token}
    )
    assert allowed.status_code == 200
    assert "News idiot comment" not in client.get("/moderate/audit").text


def test_only_admins_manage_users(client, world):
    assert login(client, "mod").status_code == 303
    assert client.get("/moderate/users").status_code == 403
    client.post("/moderate/logout", data={"csrf_token": session_csrf(client)})
    assert login(client, "chief").status_code == 303
    page = client.get("/moderate/users")
    assert page.status_code == 200
    response = client.post(
        "/moderate/users",
        data={
            "csrf_token": csrf_from(page.text),
            "username": "newbie",
            "password": "long enough pw",
            "role": "moderator",
            "site_ids": str(world.site_ids["news"]),
        },
        follow_redirects=False,
    )
    assert response.status_code == 303
    with client.app.state.sessions() as session:
        user = accounts.user_by_name(session, "newbie")
        assert user.role == "moderator" and user.site_ids == [world.site_ids["news"]]
        assert user.password_hash.startswith("$argon2")


def test_passwords_are_argon2_hashes(production_password_hashing, client, world):
    with client.app.state.sessions() as session:
        user = session.query(User).filter_by(username="mod").one()
        assert user.password_hash.startswith("$argon2id$") and PASSWORD not in user.password_hash


def test_one_address_cannot_guess_many_accounts(client, world):
    for number in range(20):
        assert login(client, f"guess{number}", "wrong password!").status_code == 401
    refused = login(client, "mod", PASSWORD)
    assert refused.status_code == 429 and "from your network" in refused.text
