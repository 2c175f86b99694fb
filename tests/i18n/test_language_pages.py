"""Reader pages and the API in the reader's language: `?lang=`, the site's default (set over the
API), `Accept-Language`; right to left for Urdu; hostile language values change nothing."""

from __future__ import annotations

from commentdesk.store.models import Site

URDU_HEADING = "تبصرے ("


def test_the_page_follows_lang_then_the_site_then_the_browser(client, auth, make_article):
    article_id = make_article()
    english = client.get(f"/articles/{article_id}").text
    assert '<html lang="en" dir="ltr">' in english and "COMMENTS (0)" in english

    by_browser = client.get(f"/articles/{article_id}", headers={"Accept-Language": "de-DE,de;q=0.9"}).text
    assert '<html lang="de" dir="ltr">' in by_browser and "KOMMENTARE (0)" in by_browser

    assert client.put("/api/v1/site/language", json={"language": "ur"}, headers=auth).json()["language"] == "ur"
    by_site = client.get(f"/articles/{article_id}", headers={"Accept-Language": "de"}).text
    assert '<html lang="ur" dir="rtl">' in by_site and URDU_HEADING in by_site

    by_page = client.get(f"/articles/{article_id}?lang=de", headers={"Accept-Language": "ur"}).text
    assert '<html lang="de" dir="ltr">' in by_page
    # The chosen language stays with the page's forms and links.
    assert f'action="/articles/{article_id}/comments?lang=de"' in by_page


def test_an_urdu_page_keeps_comment_text_direction_auto(client, make_article, post_comment):
    article_id = make_article()
    post_comment(article_id, "The new cycle lanes on the harbour road are overdue; the council should have built them years ago.")
    html = client.get(f"/articles/{article_id}?lang=ur").text
    assert '<html lang="ur" dir="rtl">' in html
    assert '<div class="cd-body" dir="auto">' in html
    assert "تبصرہ بھیجیں" in html and "Post comment" not in html


def test_a_post_without_javascript_is_answered_in_the_pages_language(client, make_article):
    article_id = make_article()
    response = client.post(f"/articles/{article_id}/comments?lang=ur", data={"author_name": "Ana", "text": "x", "token": "bad"})
    assert response.status_code == 400
    assert "اس فارم کی مدت ختم ہو گئی ہے۔" in response.text


def test_api_answers_in_the_language_asked_for(client, make_article):
    article_id = make_article()
    response = client.post(f"/api/v1/articles/{article_id}/comments?lang=de", json={"author_name": "Ana", "text": "   "})
    assert response.status_code == 422
    assert response.json()["error"]["code"] == "text_required"  # codes stay English
    assert response.json()["error"]["message"] == "Der Kommentar ist leer."


def test_the_embed_catalogue(client, auth):
    urdu = client.get("/api/v1/i18n?lang=ur-PK").json()
    assert urdu["language"] == "ur" and urdu["direction"] == "rtl"
    assert urdu["messages"]["Post comment"] == "تبصرہ بھیجیں"
    assert client.get("/api/v1/i18n", headers={"Accept-Language": "de"}).json()["language"] == "de"
    client.put("/api/v1/site/language", json={"language": "de"}, headers=auth)
    assert client.get("/api/v1/i18n?site=news", headers={"Accept-Language": "ur"}).json()["language"] == "de"
    assert client.get("/api/v1/i18n?lang=xx&site=nosuchsite").json() == {"language": "en", "direction": "ltr", "messages": {}}
    assert client.get("/api/v1/i18n?lang=" + "u" * 100).status_code == 422


def test_a_site_language_that_is_not_shipped_is_refused_and_changes_nothing(client, auth):
    client.put("/api/v1/site/language", json={"language": "ur"}, headers=auth)
    for body in ({"language": "fr"}, {"language": "<b>"}, {"language": "ur", "extra": 1}, {}):
        response = client.put("/api/v1/site/language", json=body, headers=auth)
        assert response.status_code == 422, body
    assert client.get("/api/v1/site/language", headers=auth).json()["language"] == "ur"
    assert client.put("/api/v1/site/language", json={"language": None}, headers=auth).json()["language"] is None
    assert client.put("/api/v1/site/language", json={"language": "de"}).status_code == 401
    with client.app.state.sessions() as session:
        assert session.query(Site).filter_by(slug="news").one().language is None


def test_a_refused_fields_words_are_in_the_readers_language_and_the_shape_stays(client, make_article):
    article_id = make_article()
    url = f"/api/v1/articles/{article_id}/comments"
    too_long = {"author_name": "Ana", "text": "x" * 20_001}
    cases = [
        ({"lang": "de"}, {}, "Der Text darf höchstens 20000 Zeichen haben", "Dieses Feld ist erforderlich"),
        ({}, {"Accept-Language": "ur-PK"}, "متن میں زیادہ سے زیادہ 20000 حروف ہو سکتے ہیں", "یہ خانہ لازمی ہے"),
        ({}, {}, "String should have at most 20000 characters", "Field required"),
    ]
    for params, headers, long_words, missing_words in cases:
        long = client.post(url, json=too_long, params=params, headers=headers)
        missing = client.post(url, json={"author_name": "Ana"}, params=params, headers=headers)
        assert long.status_code == missing.status_code == 422
        assert long.json()["error"]["code"] == missing.json()["error"]["code"] == "invalid_request"  # codes stay English
        assert long.json()["error"]["fields"] == {"text": long_words}
        assert missing.json()["error"]["fields"] == {"text": missing_words}


def test_the_reader_apis_refusals_are_in_the_readers_language_and_the_publishers_in_english(client, make_article):
    article_id = make_article()
    replies = "/api/v1/comments/987654/replies"
    german = client.get(replies, params={"lang": "de"})
    assert german.status_code == 404 and german.json()["error"] == {
        "code": "comment_not_found",  # codes stay English
        "message": "Es gibt keinen veröffentlichten Kommentar der obersten Ebene mit dieser Kennung.",
        "fields": {},
    }
    assert client.get(replies).json()["error"]["message"] == "No published top-level comment has that id."
    expired = client.post(
        f"/api/v1/articles/{article_id}/comments",
        json={"author_name": "Ana", "text": "The lanes are overdue.", "reader_session": "not-a-session"},
        headers={"Accept-Language": "ur"},
    )
    assert expired.status_code == 401 and expired.json()["error"] == {
        "code": "reader_session_invalid",
        "message": "آپ کا سائن ان ختم ہو گیا ہے؛ دوبارہ سائن ان کرنے کے لیے صفحہ دوبارہ لوڈ کریں۔",
        "fields": {"reader_session": "ختم ہو گیا یا اس سائٹ کے لیے درست نہیں"},
    }
    # A call with the site's key is the publisher's own, answered in English (docs/languages.md).
    keyless = client.get("/api/v1/policy", params={"lang": "de"}).json()["error"]
    assert keyless["message"] == "Send the site's API key as 'Authorization: Bearer KEY'."


def test_an_address_or_method_the_api_does_not_have_is_refused_in_words(client):
    nothing = client.get("/api/v1/nothing-here", params={"lang": "de"})
    assert nothing.status_code == 404 and nothing.json()["error"] == {
        "code": "not_found",
        "message": "Unter dieser Adresse gibt es nichts.",
        "fields": {},
    }
    wrong = client.delete("/api/v1/counts")
    assert wrong.status_code == 405 and "GET" in wrong.headers["allow"]
    assert wrong.json()["error"]["message"] == "This address does not take requests of this kind."


def test_pydantics_words_are_unchanged_in_english():
    """The msgids of api/errors.py are pydantic's own English, which clients have always read."""
    from pydantic_core import PydanticKnownError

    from commentdesk.api import errors

    contexts = {
        "string_too_short": [{"min_length": 1}, {"min_length": 3}],
        "string_too_long": [{"max_length": 1}, {"max_length": 20_000}],
        "string_pattern_mismatch": [{"pattern": "^[^\\x00]*$"}],
        "greater_than_equal": [{"ge": 1}],
        "less_than_equal": [{"le": 100}],
        "literal_error": [{"expected": "'spam' or 'abuse'"}],
        "enum": [{"expected": "'en', 'ur' or 'de'"}],
        "url_parsing": [{"error": "relative URL without a base"}],
        "url_syntax_violation": [{"error": "expected //"}],
        "url_too_long": [{"max_length": 1}, {"max_length": 2083}],
        "url_scheme": [{"expected_schemes": "'http' or 'https'"}],
        "date_parsing": [{"error": "input is too short"}],
        "date_from_datetime_parsing": [{"error": "input is too short"}],
        "datetime_parsing": [{"error": "invalid character in year"}],
        "datetime_from_date_parsing": [{"error": "month value is outside expected range of 1-12"}],
        "value_error": [{"error": ValueError("expected a whole number")}],
    }
    for kind in errors._FIELD_WORDS:
        for context in contexts.get(kind, [None]):
            english = PydanticKnownError(kind, context).message()
            assert errors.field_message({"type": kind, "ctx": context, "msg": english}) == english
