import pytest


def test_registering_an_article_needs_the_site_key(client, auth):
    body = {"url": "https://news.example/a", "title": "Council approves bike lanes", "body": "The council voted."}
    assert client.put("/api/v1/articles", json=body).status_code == 401
    wrong = client.put("/api/v1/articles", json=body, headers={"Authorization": "Bearer nope"})
    assert wrong.status_code == 401 and wrong.json()["error"]["code"] == "api_key_invalid"
    created = client.put("/api/v1/articles", json=body, headers=auth)
    assert created.status_code == 201
    updated = client.put("/api/v1/articles", json={**body, "title": "Council approves 40 km of bike lanes"}, headers=auth)
    assert updated.status_code == 200
    assert updated.json()["id"] == created.json()["id"]
    assert client.get(f"/api/v1/articles/{created.json()['id']}").json()["title"] == "Council approves 40 km of bike lanes"


def test_invalid_article_is_refused_with_field_errors(client, auth):
    response = client.put("/api/v1/articles", json={"url": "not a url", "title": "", "extra": 1}, headers=auth)
    assert response.status_code == 422
    fields = response.json()["error"]["fields"]
    assert {"url", "title", "extra"} <= set(fields)


def test_lookup_by_site_and_url(client, auth):
    created = client.put("/api/v1/articles", json={"url": "https://news.example/b", "title": "Rates held"}, headers=auth).json()
    found = client.get("/api/v1/articles/lookup", params={"site": "news", "url": "https://news.example/b"})
    assert found.status_code == 200 and found.json()["id"] == created["id"]
    missing = client.get("/api/v1/articles/lookup", params={"site": "news", "url": "https://news.example/none"})
    assert missing.status_code == 404 and missing.json()["error"]["code"] == "article_not_found"


def test_an_address_is_registered_and_found_as_a_browser_sends_it(client, auth):
    # The embed looks a page up by its address without the #fragment; hosts have no case.
    body = {"url": "https://News.Example/c?id=7#comments", "title": "Rates held"}
    created = client.put("/api/v1/articles", json=body, headers=auth).json()
    assert created["url"] == "https://news.example/c?id=7"
    for written in ("https://news.example/c?id=7", "https://NEWS.example/c?id=7#top"):
        found = client.get("/api/v1/articles/lookup", params={"site": "news", "url": written})
        assert found.status_code == 200 and found.json()["id"] == created["id"]
    again = client.put("/api/v1/articles", json={**body, "url": "https://news.example/c?id=7"}, headers=auth)
    assert again.status_code == 200 and again.json()["id"] == created["id"]


def test_a_looked_up_address_too_long_is_refused_in_characters(client):
    response = client.get("/api/v1/articles/lookup", params={"site": "news", "url": "https://news.example/" + "a" * 2000})
    assert response.status_code == 422
    assert response.json()["error"]["fields"]["url"] == "String should have at most 2000 characters"


def test_an_address_stored_as_written_by_an_earlier_version_is_still_found(client, auth):
    from sqlalchemy import update

    from commentdesk.store.models import Article

    created = client.put("/api/v1/articles", json={"url": "https://news.example/d", "title": "Rates held"}, headers=auth).json()
    with client.app.state.sessions() as session:
        session.execute(update(Article).values(url="https://news.example/d#old"))
        session.commit()
    found = client.get("/api/v1/articles/lookup", params={"site": "news", "url": "https://news.example/d#old"})
    assert found.status_code == 200 and found.json()["id"] == created["id"]


@pytest.mark.parametrize("title", ["   ", "\u200b\u200b", "\u2066\u2069"])
def test_a_title_that_shows_nothing_is_refused(client, auth, title):
    response = client.put("/api/v1/articles", json={"url": "https://news.example/e", "title": title}, headers=auth)
    assert response.status_code == 422 and "title" in response.json()["error"]["fields"]
    assert client.get("/api/v1/articles/lookup", params={"site": "news", "url": "https://news.example/e"}).status_code == 404


def test_policy_can_be_read_and_changed_by_the_site(client, auth):
    assert client.get("/api/v1/policy", headers=auth).json()["policy"]["page_size"] == 10
    changed = client.patch("/api/v1/policy", json={"page_size": 3, "suspect_words": ["potato"]}, headers=auth)
    assert changed.status_code == 200
    assert changed.json()["policy"]["page_size"] == 3
    assert client.patch("/api/v1/policy", json={"abuse_hold": 0.9, "abuse_reject": 0.5}, headers=auth).status_code == 422
    assert client.patch("/api/v1/policy", json={"nonsense": 1}, headers=auth).status_code == 422


def test_openapi_document_describes_the_v1_api(client):
    document = client.get("/openapi.json").json()
    assert "/api/v1/articles/{article_id}/comments" in document["paths"]
    assert all(path.startswith("/api/v1/") for path in document["paths"] if path.startswith("/api"))
