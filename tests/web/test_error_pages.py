"""A mistyped address outside the API: a page in the reader's language, not the API's JSON."""

from __future__ import annotations

import pytest

RTL = '<html lang="ur" dir="rtl">'
LTR_DE = '<html lang="de" dir="ltr">'


def is_page(response) -> bool:
    return response.headers["content-type"].startswith("text/html")


@pytest.mark.parametrize("path", ["/articles/xyz/nonsense", "/articles/1/commnets", "/no-such-page", "/apis"])
def test_an_address_that_names_nothing_is_a_page(client, path):
    response = client.get(path)
    assert response.status_code == 404 and is_page(response)
    assert '<h1 class="cd-page-title">Not found</h1>' in response.text
    assert "There is nothing at this address." in response.text
    assert 'href="/">Back to the articles</a>' in response.text


def test_the_page_is_in_the_readers_language(client):
    german = client.get("/articles/xyz/nonsense", headers={"Accept-Language": "de"})
    assert german.status_code == 404 and LTR_DE in german.text
    assert "Nicht gefunden" in german.text and "Unter dieser Adresse gibt es nichts." in german.text
    urdu = client.get("/articles/xyz/nonsense", params={"lang": "ur"})
    assert urdu.status_code == 404 and RTL in urdu.text and "اس پتے پر کچھ نہیں ہے۔" in urdu.text
    assert 'href="/?lang=ur"' in urdu.text  # the way back keeps the language


def test_a_method_the_address_does_not_take_is_a_page_with_its_allow_header(client):
    response = client.post("/faq", headers={"Accept-Language": "de"})
    assert response.status_code == 405 and is_page(response)
    assert "GET" in response.headers["allow"] and "POST" not in response.headers["allow"]
    assert "Diese Adresse nimmt Anfragen dieser Art nicht an." in response.text
    assert "Nicht gefunden" not in response.text


def test_a_head_request_for_nothing_has_no_body(client):
    response = client.head("/articles/xyz/nonsense")
    assert response.status_code == 404 and is_page(response) and response.content == b""


@pytest.mark.parametrize("path", ["/api", "/api/v1/nothing-here", "/api/v1/articles/1/nonsense", "/moderate/api/nothing"])
def test_the_api_keeps_its_json_answer(client, path):
    response = client.get(path, headers={"Accept-Language": "de"})
    assert response.status_code == 404 and response.headers["content-type"].startswith("application/json")
    assert response.json()["error"] == {"code": "not_found", "message": "Unter dieser Adresse gibt es nichts.", "fields": {}}
    wrong = client.delete("/api/v1/counts")
    assert wrong.status_code == 405 and wrong.json()["error"]["code"] == "method_not_allowed"
