"""The site's own API (its key in the Authorization header): articles, the policy, reader sign-in
and webhooks. Every refusal is a clear 4xx with the JSON error body, and changes nothing."""

from __future__ import annotations

import pytest

from commentdesk.services.sites import create_site

SHARED = "a shared secret that is long enough to use"


def error_of(response) -> dict:
    body = response.json()
    assert set(body) == {"error"} and {"code", "message", "fields"} <= set(body["error"]), body
    return body["error"]


@pytest.mark.parametrize(
    "headers",
    [{}, {"Authorization": "Bearer wrong"}, {"Authorization": "cd_not_bearer"}, {"Authorization": "Basic dXNlcjpwYXNz"}],
)
def test_every_site_call_needs_the_sites_key(client, site_key, headers):
    for method, path in (
        ("get", "/api/v1/policy"),
        ("get", "/api/v1/sso"),
        ("get", "/api/v1/webhooks"),
        ("get", "/api/v1/stats/nudges"),
    ):
        response = getattr(client, method)(path, headers=headers)
        assert response.status_code == 401, (path, response.text)
        assert error_of(response)["code"] in ("api_key_required", "api_key_invalid")


def test_registering_and_updating_an_article_by_url(client, auth):
    created = client.put(
        "/api/v1/articles",
        headers=auth,
        json={"url": "https://news.example/a", "title": "First title", "body": "Body text.", "author": "Desk"},
    )
    assert created.status_code == 201
    article = created.json()
    assert (article["site"], article["url"], article["title"], article["comments_open"], article["premoderate"]) == (
        "news",
        "https://news.example/a",
        "First title",
        True,
        False,
    )
    updated = client.put(
        "/api/v1/articles", headers=auth, json={"url": "https://news.example/a", "title": "Second title", "premoderate": True}
    )
    assert updated.status_code == 200 and updated.json()["id"] == article["id"]
    assert updated.json()["title"] == "Second title" and updated.json()["premoderate"] is True
    assert client.get(f"/api/v1/articles/{article['id']}").json()["title"] == "Second title"


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"url": "not a url", "title": "T"}, "url"),
        ({"url": "https://news.example/a", "title": ""}, "title"),
        ({"url": "https://news.example/a"}, "title"),
        ({"url": "https://news.example/a", "title": "T", "comments_open": "yes"}, "comments_open"),
        ({"url": "https://news.example/a", "title": "T", "published_at": "last tuesday"}, "published_at"),
        ({"url": "https://news.example/a", "title": "T", "unknown": 1}, "unknown"),
        ({"url": "https://news.example/a", "title": "x" * 501}, "title"),
    ],
)
def test_invalid_articles_are_refused_by_field(client, auth, body, field):
    response = client.put("/api/v1/articles", headers=auth, json=body)
    assert response.status_code == 422
    assert any(name.startswith(field) for name in error_of(response)["fields"]), response.json()
    assert client.get("/api/v1/articles/lookup", params={"site": "news", "url": "https://news.example/a"}).status_code == 404


def test_closing_comments_through_the_api_is_an_event(client, auth):
    from sqlalchemy import select

    from commentdesk.store.models import DomainEvent

    client.put("/api/v1/articles", headers=auth, json={"url": "https://news.example/c", "title": "T"})
    client.put("/api/v1/articles", headers=auth, json={"url": "https://news.example/c", "title": "T", "comments_open": False})
    client.put("/api/v1/articles", headers=auth, json={"url": "https://news.example/c", "title": "T", "comments_open": False})
    with client.app.state.sessions() as session:
        kinds = [event.kind for event in session.scalars(select(DomainEvent))]
    assert kinds == ["article.closed"]  # closed once, not again


def test_unknown_articles_are_404_with_the_error_body(client):
    response = client.get("/api/v1/articles/987654")
    assert response.status_code == 404 and error_of(response)["code"] == "article_not_found"
    lookup = client.get("/api/v1/articles/lookup", params={"site": "news", "url": "https://nowhere.example/"})
    assert lookup.status_code == 404


def test_articles_are_seen_only_under_their_own_site(client, auth):
    client.put("/api/v1/articles", headers=auth, json={"url": "https://news.example/own", "title": "T"})
    assert client.get("/api/v1/articles/lookup", params={"site": "other", "url": "https://news.example/own"}).status_code == 404


def test_the_policy_reads_whole_and_changes_in_part(client, auth):
    policy = client.get("/api/v1/policy", headers=auth).json()["policy"]
    assert policy["page_size"] == 10 and "banned_words" in policy
    changed = client.patch("/api/v1/policy", headers=auth, json={"page_size": 25, "premoderate": True})
    assert changed.status_code == 200
    assert changed.json()["policy"]["page_size"] == 25 and changed.json()["policy"]["premoderate"] is True
    again = client.get("/api/v1/policy", headers=auth).json()["policy"]
    assert again["page_size"] == 25 and again["abuse_hold"] == policy["abuse_hold"]


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"page_size": 0}, "page_size"),
        ({"page_size": "10"}, "page_size"),
        ({"premoderate": 1}, "premoderate"),
        ({"abuse_hold": 2}, "abuse_hold"),
        ({"threat_patterns": ["(unclosed"]}, "threat_patterns"),
        ({"no_such_setting": 1}, "no_such_setting"),
        ({"redress_url": "javascript:alert(1)"}, "redress_url"),
    ],
)
def test_an_invalid_policy_change_is_refused_and_nothing_changes(client, auth, change, field):
    before = client.get("/api/v1/policy", headers=auth).json()
    response = client.patch("/api/v1/policy", headers=auth, json=change)
    assert response.status_code == 422
    assert any(name.startswith(field) for name in error_of(response)["fields"]), response.json()
    assert client.get("/api/v1/policy", headers=auth).json() == before


def test_a_site_reads_only_its_own_policy(client, auth, site_key):
    client.patch("/api/v1/policy", headers=auth, json={"page_size": 30})
    with client.app.state.sessions() as session:
        _site, other_key = create_site(session, "other", "Other")
        session.commit()
    other = client.get("/api/v1/policy", headers={"Authorization": f"Bearer {other_key}"}).json()["policy"]
    assert other["page_size"] == 10


def test_reader_sign_in_is_set_described_and_cleared(client, auth):
    assert client.get("/api/v1/sso", headers=auth).json() == {"enabled": False, "algorithm": None, "key_fingerprint": None}
    configured = client.put("/api/v1/sso", headers=auth, json={"algorithm": "HS256", "key": SHARED})
    assert configured.status_code == 200
    described = configured.json()
    assert described["enabled"] and described["algorithm"] == "HS256" and SHARED not in configured.text
    assert client.get("/api/v1/sso", headers=auth).json() == described
    cleared = client.delete("/api/v1/sso", headers=auth)
    assert cleared.status_code == 200 and cleared.json()["enabled"] is False


@pytest.mark.parametrize(
    ("body", "code"),
    [
        ({"algorithm": "HS256", "key": "short"}, "invalid_sso_key"),
        ({"algorithm": "RS256", "key": "not a pem key"}, "invalid_sso_key"),
        ({"algorithm": "none", "key": SHARED}, "invalid_request"),
        ({"algorithm": "HS256"}, "invalid_request"),
        ({"algorithm": "HS256", "key": "k" * 10_001}, "invalid_request"),
    ],
)
def test_an_unusable_sign_in_setup_is_refused(client, auth, body, code):
    response = client.put("/api/v1/sso", headers=auth, json=body)
    assert response.status_code == 422 and error_of(response)["code"] == code
    assert client.get("/api/v1/sso", headers=auth).json()["enabled"] is False


def test_webhooks_are_created_listed_changed_and_removed(client, auth):
    created = client.post(
        "/api/v1/webhooks",
        headers=auth,
        json={"url": "https://hooks.example/in", "events": ["comment.published"], "description": "Newsroom"},
    )
    assert created.status_code == 201
    hook = created.json()
    assert hook["secret"].startswith("whsec_") and hook["events"] == ["comment.published"] and hook["active"] is True
    listed = client.get("/api/v1/webhooks", headers=auth).json()["webhooks"]
    assert [item["id"] for item in listed] == [hook["id"]] and "secret" not in listed[0]
    paused = client.patch(f"/api/v1/webhooks/{hook['id']}", headers=auth, json={"active": False, "events": []})
    assert paused.status_code == 200 and paused.json()["active"] is False and paused.json()["events"] == []
    assert client.get(f"/api/v1/webhooks/{hook['id']}/deliveries", headers=auth).json() == {"deliveries": []}
    assert client.post(f"/api/v1/webhooks/{hook['id']}/retry", headers=auth).json()["retried"] == 0
    assert client.delete(f"/api/v1/webhooks/{hook['id']}", headers=auth).status_code == 204
    assert client.get("/api/v1/webhooks", headers=auth).json() == {"webhooks": []}


@pytest.mark.parametrize(
    "body",
    [
        {"url": "ftp://hooks.example/"},
        {"url": "https://user:pw@hooks.example/"},
        {"url": "https://hooks.example/", "events": ["x"]},
        {"url": "https://hooks.example/", "description": "d" * 201},
        {},
        {"url": "https://hooks.example/", "extra": True},
    ],
)
def test_bad_webhooks_are_refused(client, auth, body):
    response = client.post("/api/v1/webhooks", headers=auth, json=body)
    assert response.status_code == 422, response.text
    assert client.get("/api/v1/webhooks", headers=auth).json() == {"webhooks": []}


def test_another_sites_webhook_is_not_found(client, auth):
    hook = client.post("/api/v1/webhooks", headers=auth, json={"url": "https://hooks.example/in"}).json()
    with client.app.state.sessions() as session:
        _site, other_key = create_site(session, "other", "Other")
        session.commit()
    other = {"Authorization": f"Bearer {other_key}"}
    for method, path in (
        ("patch", f"/api/v1/webhooks/{hook['id']}"),
        ("delete", f"/api/v1/webhooks/{hook['id']}"),
        ("get", f"/api/v1/webhooks/{hook['id']}/deliveries"),
        ("post", f"/api/v1/webhooks/{hook['id']}/retry"),
    ):
        kwargs = {"json": {"active": False}} if method == "patch" else {}
        response = getattr(client, method)(path, headers=other, **kwargs)
        assert response.status_code == 404 and error_of(response)["code"] == "webhook_not_found", path
    assert client.get("/api/v1/webhooks", headers=auth).json()["webhooks"][0]["active"] is True


def test_delivery_listing_checks_its_parameters(client, auth):
    hook = client.post("/api/v1/webhooks", headers=auth, json={"url": "https://hooks.example/in"}).json()
    for params in ({"status": "lost"}, {"limit": 0}, {"limit": 201}, {"limit": "many"}):
        response = client.get(f"/api/v1/webhooks/{hook['id']}/deliveries", headers=auth, params=params)
        assert response.status_code == 422, params
    assert client.get("/api/v1/webhooks/0/deliveries", headers=auth).status_code in (404, 422)


def test_nudge_statistics_start_empty(client, auth):
    stats = client.get("/api/v1/stats/nudges", headers=auth).json()
    assert stats["nudged"] == 0 and stats["edit_pass_rate"] is None


@pytest.mark.parametrize("ids", ["", "1,2,3", " 4 , 5 "])
def test_counts_accept_lists_of_ids(client, ids):
    response = client.get("/api/v1/counts", params={"ids": ids})
    assert response.status_code == 200 and response.json() == {"counts": {}}


@pytest.mark.parametrize(
    ("ids", "code"),
    [
        ("a,b", "invalid_ids"),
        ("1;2", "invalid_ids"),
        ("-1", "invalid_ids"),
        (",".join(str(n) for n in range(1, 202)), "invalid_ids"),
    ],
)
def test_counts_refuse_anything_else(client, ids, code):
    response = client.get("/api/v1/counts", params={"ids": ids})
    assert response.status_code == 400 and error_of(response)["code"] == code


def test_an_outcome_needs_the_authors_token(client):
    response = client.get("/api/v1/comments/1/outcome", params={"token": "0" * 32})
    assert response.status_code == 404 and error_of(response)["code"] == "comment_not_found"
