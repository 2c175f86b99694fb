"""The embed script publishers include is one file, put together from its parts (web/embed/*.js):
every part, in the listed order, inside one function that keeps their names off the publisher's page."""

from __future__ import annotations

import textwrap

import pytest
from starlette.applications import Starlette
from starlette.testclient import TestClient

from commentdesk.web.embed_script import EMBED_DIR, PARTS
from commentdesk.web.static_files import install

PUBLISHER = "https://publisher.example"
UNREACHABLE = "Could not reach the comment service. Please try again."


@pytest.fixture(scope="module")
def served() -> str:
    app = Starlette()
    install(app)
    with TestClient(app) as client:
        response = client.get("/static/embed.js", headers={"Accept-Encoding": "identity"})
    assert response.status_code == 200 and response.headers["content-type"].startswith("text/javascript")
    return response.text


def test_every_part_is_listed_once():
    assert sorted(PARTS) == sorted(path.name for path in EMBED_DIR.glob("*.js"))


def test_the_served_script_is_every_part_in_order_inside_one_function(served):
    between, position = [], 0
    for name in PARTS:
        part = textwrap.indent((EMBED_DIR / name).read_text(encoding="utf-8"), "  ")
        found = served.find(part, position)
        assert found >= 0, f"{name} is missing from the served script, or out of order"
        between.append(served[position:found])
        position = found + len(part)
    between.append(served[position:])
    assert "".join(between).split() == ["(function", "()", "{", '"use', 'strict";', "})();"]


@pytest.mark.browser
def test_on_a_publishers_page_the_script_runs_and_leaves_no_names_behind(served, page):
    """Chromium parses and runs it: with the comment service unreachable, the section says so
    (not that the page has no comments, as it says for a page that is not registered)."""
    expect = pytest.importorskip("playwright.sync_api").expect
    article = '<!doctype html><html lang="en"><title>An article</title><div id="commentdesk"></div>'
    article += f'<script src="{PUBLISHER}/static/embed.js" data-site="news"></script>'

    def publisher_only(route):
        if route.request.url == f"{PUBLISHER}/article":
            route.fulfill(body=article, content_type="text/html")
        elif route.request.url == f"{PUBLISHER}/static/embed.js":
            route.fulfill(body=served, content_type="text/javascript")
        else:
            route.abort()  # the API: nothing answers

    errors = []
    page.on("pageerror", lambda error: errors.append(error))
    page.route("**/*", publisher_only)
    page.goto(f"{PUBLISHER}/article")
    expect(page.locator("#commentdesk .cd-unavailable")).to_have_text(UNREACHABLE)
    assert not errors
    assert page.evaluate("[typeof script, typeof BASE, typeof t, typeof h, typeof start]") == ["undefined"] * 5


@pytest.mark.browser
def test_a_comment_service_that_never_answers_is_given_up_on(served, page):
    """A stuck server (connection open, no answer) does not leave "Loading comments…" for ever."""
    expect = pytest.importorskip("playwright.sync_api").expect
    article = '<!doctype html><html lang="en"><title>An article</title><div id="commentdesk"></div>'
    article += f'<script src="{PUBLISHER}/static/embed.js" data-site="news" async></script>'
    stuck = []

    def publisher_only(route):
        if route.request.url == f"{PUBLISHER}/article":
            route.fulfill(body=article, content_type="text/html")
        elif route.request.url == f"{PUBLISHER}/static/embed.js":
            route.fulfill(body=served, content_type="text/javascript")
        elif "/api/" in route.request.url:
            stuck.append(route)  # never answered
        else:
            route.abort()

    page.clock.install()
    page.route("**/*", publisher_only)
    page.goto(f"{PUBLISHER}/article")
    expect(page.locator("#commentdesk .cd-loading")).to_be_visible()
    page.clock.run_for(60_000)
    expect(page.locator("#commentdesk .cd-unavailable")).to_have_text(UNREACHABLE)
