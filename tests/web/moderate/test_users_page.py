"""The administrators' accounts page: every change goes through a form with the session's CSRF
token, a bad change is shown as an error and changes nothing, and moderators cannot reach it."""

from __future__ import annotations

import pytest
from moderate_helpers import csrf_from, login

from commentdesk.services import accounts


@pytest.fixture
def admin(client, world):
    assert login(client, "chief").status_code == 303
    return client


def token(client) -> str:
    return csrf_from(client.get("/moderate/users").text)


def user(client, name):
    with client.app.state.sessions() as session:
        return accounts.user_by_name(session, name)


def change(client, name, **fields):
    return client.post(
        f"/moderate/users/{user(client, name).id}", data={"csrf_token": token(client), **fields}, follow_redirects=False
    )


def test_the_page_lists_accounts_and_sites(admin, world):
    page = admin.get("/moderate/users")
    assert page.status_code == 200
    assert "chief" in page.text and "mod" in page.text
    assert "The Daily Example" in page.text and "Example Sport" in page.text


def test_a_new_account_limited_to_sites(admin, world):
    response = admin.post(
        "/moderate/users",
        data={
            "csrf_token": token(admin),
            "username": "  sam  ",
            "password": "long enough pw",
            "role": "moderator",
            "site_ids": [str(world.site_ids["news"]), str(world.site_ids["sport"])],
        },
        follow_redirects=False,
    )
    assert response.status_code == 303 and response.headers["location"] == "/moderate/users?done=Created+sam"
    created = user(admin, "sam")
    assert created.site_ids == sorted([world.site_ids["news"], world.site_ids["sport"]])
    assert "Created sam" in admin.get(response.headers["location"]).text


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"username": "bad name", "password": "long enough pw", "role": "moderator"}, "a username is"),
        ({"username": "sam", "password": "short", "role": "moderator"}, "at least 10 characters"),
        ({"username": "sam", "password": "long enough pw", "role": "owner"}, "the role is one of"),
        ({"username": "mod", "password": "long enough pw", "role": "moderator"}, "exists already"),
    ],
)
def test_a_refused_account_is_explained_and_not_created(admin, world, fields, message):
    response = admin.post("/moderate/users", data={"csrf_token": token(admin), **fields}, follow_redirects=False)
    assert response.status_code == 422 and message in response.text
    assert user(admin, "sam") is None


def test_an_account_can_be_disabled_and_enabled_again(admin, client):
    assert change(admin, "mod", change="disable").status_code == 303
    assert user(admin, "mod").disabled
    assert change(admin, "mod", change="enable").headers["location"] == "/moderate/users?done=Updated+mod"
    assert not user(admin, "mod").disabled


def test_an_admin_cannot_disable_their_own_account(admin):
    response = change(admin, "chief", change="disable")
    assert response.status_code == 422 and "cannot disable your own account" in response.text
    assert not user(admin, "chief").disabled


def test_a_password_reset_follows_the_rules(admin):
    assert change(admin, "mod", change="password", password="tiny").status_code == 422
    assert change(admin, "mod", change="password", password="a brand new password").status_code == 303
    with admin.app.state.sessions() as session:
        assert accounts.authenticate(session, "mod", "a brand new password").username == "mod"


def test_sites_of_an_account_can_be_changed_and_cleared(admin, world):
    change(admin, "mod", change="sites", site_ids=[str(world.site_ids["sport"])])
    assert user(admin, "mod").site_ids == [world.site_ids["sport"]]
    change(admin, "mod", change="sites")
    assert user(admin, "mod").site_ids is None  # no site chosen: every site


def test_an_unknown_change_or_user_is_refused(admin):
    assert change(admin, "mod", change="promote").status_code == 422
    response = admin.post("/moderate/users/987654", data={"csrf_token": token(admin), "change": "enable"}, follow_redirects=False)
    assert response.status_code == 404


def test_a_form_without_the_sessions_token_changes_nothing(admin):
    response = admin.post(
        f"/moderate/users/{user(admin, 'mod').id}", data={"csrf_token": "forged", "change": "disable"}, follow_redirects=False
    )
    assert response.status_code == 403 and not user(admin, "mod").disabled
    refused = admin.post(
        "/moderate/users", data={"username": "sam", "password": "long enough pw", "role": "admin"}, follow_redirects=False
    )
    assert refused.status_code == 403 and user(admin, "sam") is None


def test_moderators_cannot_manage_accounts(client, world):
    assert login(client, "mod").status_code == 303
    page = client.get("/moderate/queue/held")
    form_token = csrf_from(page.text) if 'name="csrf_token"' in page.text else ""
    assert client.get("/moderate/users").status_code == 403
    response = client.post(
        "/moderate/users",
        data={"csrf_token": form_token, "username": "sam", "password": "long enough pw", "role": "admin"},
        follow_redirects=False,
    )
    assert response.status_code == 403 and user(client, "sam") is None


def test_signed_out_visitors_are_sent_to_sign_in(client, world):
    response = client.post("/moderate/users", data={"username": "sam"}, follow_redirects=False)
    assert response.status_code in (303, 401) and user(client, "sam") is None
