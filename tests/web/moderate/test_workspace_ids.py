"""Ids beyond what the databases hold (2**31 - 1 for PostgreSQL's INTEGER, 2**63 - 1 for SQLite),
anywhere a workspace request carries one: a path id names nothing (404), a query, form or JSON id
is refused (422), and nothing changes."""

from __future__ import annotations

import pytest
from moderate_helpers import csrf_from, login

from commentdesk.bounds import MAX_ID
from commentdesk.store.models import Commenter, CommentStatus, ModerationEvent, User

HUGE = [str(MAX_ID + 1), str(2**63), "9" * 30]


def form_csrf(client) -> str:
    return csrf_from(client.get("/moderate/queue/held").text)


def event_count(client) -> int:
    with client.app.state.sessions() as session:
        return session.query(ModerationEvent).count()


@pytest.mark.parametrize("number", HUGE)
@pytest.mark.parametrize(
    ("path", "thing"),
    [("/moderate/comments/{}", "comment"), ("/moderate/commenters/{}", "commenter"), ("/moderate/notices/{}", "notice")],
)
def test_a_page_for_an_id_no_database_holds_is_not_found(client, world, signed_in, path, thing, number):
    response = client.get(path.format(number), headers={"Accept-Language": "en"})
    assert response.status_code == 404 and response.headers["content-type"].startswith("text/html")
    assert f"There is no such {thing}, or it belongs to a site you do not moderate." in response.text
    assert "Sign out" in response.text


@pytest.mark.parametrize("number", HUGE)
@pytest.mark.parametrize(
    ("path", "fields"),
    [
        ("/moderate/comments/{}/decide", {"action": "approve"}),
        ("/moderate/commenters/{}/ban", {"length": "1"}),
        ("/moderate/commenters/{}/unban", {}),
        ("/moderate/commenters/{}/notes", {"text": "A note."}),
        ("/moderate/articles/{}/options", {"comments_open": "0"}),
        ("/moderate/notices/{}/decide", {"action": "remove"}),
        ("/moderate/webhooks/{}/retry", {}),
    ],
)
def test_a_form_about_an_id_no_database_holds_is_not_found(client, world, signed_in, path, fields, number):
    before = event_count(client)
    response = client.post(path.format(number), data={"csrf_token": form_csrf(client), **fields}, follow_redirects=False)
    assert response.status_code == 404 and response.headers["content-type"].startswith("text/html")
    assert "There is no such" in response.text
    assert event_count(client) == before


def test_an_account_id_no_database_holds_is_not_found(client, world):
    assert login(client, "chief").status_code == 303
    token = csrf_from(client.get("/moderate/users").text)
    response = client.post(f"/moderate/users/{2**63}", data={"csrf_token": token, "change": "disable"})
    assert response.status_code == 404


@pytest.mark.parametrize("number", [MAX_ID + 1, 2**63, 10**30])
def test_script_calls_with_ids_no_database_holds_are_refused_and_change_nothing(client, world, signed_in, number):
    comment = world.add_comment("Held")
    before = event_count(client)
    for path, body in (
        ("/moderate/api/decisions", {"action": "approve", "ids": [comment, number]}),
        ("/moderate/api/undo", {"event_ids": [number]}),
    ):
        response = client.post(path, headers=signed_in, json=body)
        assert response.status_code == 422 and response.headers["content-type"].startswith("application/json")
    ban = client.post(f"/moderate/api/commenters/{number}/ban", headers=signed_in, json={"length": "1"})
    assert ban.status_code == 404 and ban.headers["content-type"].startswith("application/json")
    counts = client.get("/moderate/api/counts", headers=signed_in, params={"site": str(number)})
    assert counts.status_code == 422
    assert event_count(client) == before and world.comment(comment).status == CommentStatus.PENDING


@pytest.mark.parametrize("value", ["99999999999999999999", "-3", "not-a-number", "1.5"])
def test_a_decision_with_filters_that_are_no_ids_is_refused_before_it_is_made(client, world, signed_in, value):
    comment = world.add_comment("Held")
    response = client.post(
        "/moderate/api/decisions",
        headers=signed_in,
        json={"action": "approve", "ids": [comment], "filters": {"site": value}},
    )
    assert response.status_code == 422 and "site" in response.json()["error"]["message"]
    assert world.comment(comment).status == CommentStatus.PENDING


@pytest.mark.parametrize(
    ("page", "param"),
    [
        ("/moderate/queue/held", "site"),
        ("/moderate/queue/held", "article"),
        ("/moderate/queue/held", "commenter"),
        ("/moderate/dashboard", "site"),
        ("/moderate/dashboard", "article"),
        ("/moderate/audit", "comment"),
        ("/moderate/audit", "site"),
        ("/moderate/audit", "before"),
    ],
)
def test_a_page_filter_that_is_no_id_is_refused_with_a_page(client, world, signed_in, page, param):
    for value in (str(2**63), "-5", "abc"):
        response = client.get(page, params={param: value}, headers={"Accept-Language": "en"})
        assert response.status_code == 422 and response.headers["content-type"].startswith("text/html")
        assert f"“{param}” must be an id" in response.text


def test_accounts_can_be_limited_only_to_sites_that_exist(client, world):
    assert login(client, "chief").status_code == 303
    token = csrf_from(client.get("/moderate/users").text)
    for sites in (["99999999999999999999"], ["999"], [str(world.site_ids["news"]), "abc"]):
        response = client.post(
            "/moderate/users",
            data={
                "csrf_token": token,
                "username": "newsdesk",
                "password": "long enough pass",
                "role": "moderator",
                "site_ids": sites,
            },
        )
        assert response.status_code == 422 and "Choose the sites from the list." in response.text
    mod = user_id(client, "mod")
    changed = client.post(f"/moderate/users/{mod}", data={"csrf_token": token, "change": "sites", "site_ids": ["999"]})
    assert changed.status_code == 422
    with client.app.state.sessions() as session:
        assert session.query(User).filter_by(username="newsdesk").count() == 0
        assert session.get_one(User, mod).site_ids is None
    made = client.post(
        "/moderate/users",
        data={
            "csrf_token": token,
            "username": "newsdesk",
            "password": "long enough pass",
            "role": "moderator",
            "site_ids": [str(world.site_ids["news"])],
        },
        follow_redirects=False,
    )
    assert made.status_code == 303


def user_id(client, name: str) -> int:
    with client.app.state.sessions() as session:
        return session.query(User).filter_by(username=name).one().id


def test_the_commenter_of_a_comment_is_untouched_by_refused_ids(client, world, signed_in):
    commenter_id = world.comment(world.add_comment("Held")).commenter_id
    client.post(f"/moderate/commenters/{2**63}/ban", data={"csrf_token": form_csrf(client), "length": "1"})
    with client.app.state.sessions() as session:
        assert session.get_one(Commenter, commenter_id).banned_until is None
