"""Which language a request is answered in, and how a reader's choice travels in links: the page's
`lang`, then the site's default, then the browser's, then the server's `--default-language`."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient
from starlette.requests import Request

from commentdesk.app import create_app
from commentdesk.i18n.request_language import _STATE_KEY, explicit_choice, with_lang
from commentdesk.web.language import bdi, bdi_link


def request_with(explicit: str | None) -> Request:
    return Request(
        {
            "type": "http",
            "method": "GET",
            "path": "/",
            "headers": [],
            "query_string": b"",
            "state": {_STATE_KEY: (explicit, None, "en")},
        }
    )


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("/faq", "/faq?lang=de"),
        ("/articles/7?cursor=abc", "/articles/7?cursor=abc&lang=de"),
        ("/articles/7#cd-status", "/articles/7?lang=de#cd-status"),
        ("/articles/7?x=1#comment-3", "/articles/7?x=1&lang=de#comment-3"),
        ("/faq?lang=ur", "/faq?lang=ur"),  # a link that names its language keeps it
    ],
)
def test_links_carry_the_language_the_page_asked_for(url, expected):
    assert with_lang(request_with("de-AT"), url) == expected


@pytest.mark.parametrize("explicit", [None, "", "fr", "x" * 40])
def test_links_stay_as_they_are_without_a_shipped_choice(explicit):
    assert with_lang(request_with(explicit), "/faq#top") == "/faq#top"
    assert explicit_choice(request_with(explicit)) is None


def test_readers_words_are_escaped_and_isolated_in_direction():
    assert str(bdi("<b>Ana</b>")) == '<bdi dir="auto">&lt;b&gt;Ana&lt;/b&gt;</bdi>'
    assert str(bdi("علی", tag="span", css_class='x" onclick="y')) == '<span dir="auto" class="x&#34; onclick=&#34;y">علی</span>'
    assert str(bdi_link('/a?x="1"', "<i>title</i>")) == '<a href="/a?x=&#34;1&#34;" dir="auto">&lt;i&gt;title&lt;/i&gt;</a>'


@pytest.fixture
def urdu_server(settings, models):
    """The same database, served with Urdu as the server's default language."""
    app = create_app(settings.model_copy(update={"default_language": "ur"}), models=models)
    with TestClient(app) as client:
        yield client


def html_lang(response) -> str:
    marker = '<html lang="'
    start = response.text.index(marker) + len(marker)
    return response.text[start : response.text.index('"', start)]


def test_the_server_default_applies_only_when_nothing_else_chooses(urdu_server):
    assert html_lang(urdu_server.get("/faq")) == "ur"
    assert 'dir="rtl"' in urdu_server.get("/faq").text
    assert html_lang(urdu_server.get("/faq", headers={"Accept-Language": "fr, de;q=0.5"})) == "de"
    assert html_lang(urdu_server.get("/faq", params={"lang": "en"}, headers={"Accept-Language": "de"})) == "en"
    assert html_lang(urdu_server.get("/faq", headers={"Accept-Language": "fr, es"})) == "ur"


def test_a_sites_default_outranks_the_browser_but_not_the_page(urdu_server):
    from commentdesk.services.sites import create_site

    with urdu_server.app.state.sessions() as session:
        site, _key = create_site(session, "zeitung", "Die Zeitung")
        site.language = "de"
        session.commit()
    assert html_lang(urdu_server.get("/faq", params={"site": "zeitung"}, headers={"Accept-Language": "en"})) == "de"
    assert html_lang(urdu_server.get("/faq", params={"site": "zeitung", "lang": "en"})) == "en"
    catalogue = urdu_server.get("/api/v1/i18n", params={"site": "zeitung"}, headers={"Accept-Language": "ur"}).json()
    assert (catalogue["language"], catalogue["direction"]) == ("de", "ltr") and catalogue["messages"]
