"""In a real browser: a comment the busy server could not check at once says "being checked",
then the comment section shows the outcome, and the comment, when the check lands."""

from __future__ import annotations

import threading

import httpx
import pytest
from tests.web.conftest import ARTICLE, ON_TOPIC

from commentdesk.app import create_app
from commentdesk.services.sites import create_site

pytestmark = [pytest.mark.browser, pytest.mark.models]
expect = pytest.importorskip("playwright.sync_api").expect


class GatedModels:
    """The real models, reached only once the test opens the gate (the server is busy until then)."""

    def __init__(self, models) -> None:
        self.models, self.gate = models, threading.Event()

    def __getattr__(self, name):
        return getattr(self.models, name)

    def signals(self, candidate):
        self.gate.wait(120)
        return self.models.signals(candidate)


@pytest.fixture
def gated(models):
    gated = GatedModels(models)
    yield gated
    gated.gate.set()


@pytest.fixture
def app(settings, gated):
    """The live server's application: its posts wait 50 ms for their check."""
    settings.check_wait_ms = 50
    app = create_app(settings, models=gated)
    app.state.moderation_queue.poll_s = 0.05
    return app


def _registered_article(live_server) -> dict:
    with live_server.app.state.sessions() as session:
        _site, key = create_site(session, "news", "The Daily Example", policy={"flood_per_minute_commenter": 1000})
        session.commit()
    return httpx.put(
        f"{live_server.url}/api/v1/articles",
        json={**ARTICLE, "url": "https://news.example/lanes"},
        headers={"Authorization": f"Bearer {key}"},
        timeout=60,
    ).json()


def test_a_comment_being_checked_appears_when_the_check_lands(live_server, gated, page, screenshot):
    article = _registered_article(live_server)
    script_errors: list[str] = []
    page.on("pageerror", lambda error: script_errors.append(str(error)))
    page.goto(f"{live_server.url}/articles/{article['id']}")
    form = page.locator("#cd-form")
    form.get_by_label("Name").fill("Lena")
    form.get_by_label("Comment").fill(ON_TOPIC[3])
    with page.expect_response(lambda response: response.request.method == "POST" and "/comments" in response.url):
        form.get_by_role("button", name="Post comment").click()
    status = form.get_by_role("status")
    expect(status).to_contain_text("being checked")
    expect(page.locator(".cd-list .cd-body", has_text=ON_TOPIC[3])).to_have_count(0)
    screenshot(form, "being-checked")

    gated.gate.set()  # the models are free: the section learns the outcome by itself
    expect(status).to_have_text("Your comment is published.", timeout=30_000)
    expect(page.locator(".cd-list .cd-body", has_text=ON_TOPIC[3])).to_be_visible()
    expect(page.get_by_role("heading", name="COMMENTS (1)")).to_be_visible()
    screenshot(page.locator("section.cd"), "published-after-check")
    assert script_errors == []


def test_a_check_that_never_lands_ends_in_words_saying_where_to_look(live_server, page):
    article = _registered_article(live_server)
    page.clock.install()  # the section asks for ten minutes; the test does not wait them
    page.goto(f"{live_server.url}/articles/{article['id']}")
    form = page.locator("#cd-form")
    form.get_by_label("Name").fill("Lena")
    form.get_by_label("Comment").fill(ON_TOPIC[3])
    form.get_by_role("button", name="Post comment").click()
    status = form.get_by_role("status")
    expect(status).to_contain_text("being checked")
    page.clock.run_for(11 * 60 * 1000)  # the models stay busy all along
    expect(status).to_contain_text("Reload the page later")
