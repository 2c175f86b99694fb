"""EU Digital Services Act in a real browser: a reader sends a notice of illegal content and
follows it; a rejected author reads the statement of reasons and the way to appeal in the embed;
a moderator decides the notice in the workspace."""

from __future__ import annotations

import re

import pytest
from tests.web.conftest import ON_TOPIC
from tests.web.moderate.moderate_helpers import PASSWORD

# The reader browser tests' fixtures (api, publish, errors, publisher), shared by importing them.
from tests.web.test_reader_browser import (  # noqa: F401
    PUBLISHER_PAGE,
    api,
    errors,
    make_article,
    posting_response,
    publish,
    publisher,
)

from commentdesk.services import accounts

pytestmark = pytest.mark.browser
expect = pytest.importorskip("playwright.sync_api").expect


def test_a_reader_reports_illegal_content_and_a_moderator_removes_it(live_server, api, publish, page, errors):  # noqa: F811
    article_id = make_article(api)
    comment = publish(article_id, ON_TOPIC[0], name="Ana")
    page.goto(f"{live_server.url}/articles/{article_id}")
    item = page.locator(f"#comment-{comment['id']}")
    item.get_by_text("Report", exact=True).click()
    item.get_by_role("link", name="Report illegal content").click()

    expect(page.get_by_role("heading", name="Report illegal content")).to_be_visible()
    page.get_by_label("Hate speech illegal under national law").check()
    page.get_by_label("Explanation").fill("It incites hatred against a group of people, which national law forbids.")
    page.get_by_label("Your name").fill("Jo Reader")
    page.get_by_label("Your e-mail").fill("jo@example.org")
    page.get_by_role("button", name="Send notice").click()
    # The good-faith statement is required: the browser asks for it before anything is sent.
    expect(page.get_by_role("heading", name="Report illegal content")).to_be_visible()
    page.get_by_label(re.compile("I believe in good faith")).check()
    page.get_by_role("button", name="Send notice").click()

    expect(page.get_by_role("heading", name="Your notice of illegal content")).to_be_visible()
    expect(page.locator(".cd-notice-status")).to_have_text("Received")
    status_url = page.url

    with live_server.app.state.sessions() as session:
        accounts.create_user(session, "mod", PASSWORD, "moderator")
        session.commit()
    page.goto(f"{live_server.url}/moderate/login")
    page.get_by_label("Username").fill("mod")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.get_by_role("link", name="Notices").click()
    page.locator("table.notices a").first.click()
    expect(page.get_by_text("jo@example.org")).to_be_visible()
    page.get_by_role("button", name="Start review").click()
    page.get_by_label("Remove the comment").check()
    page.get_by_label(re.compile("Reasons, in writing")).fill("Incitement to hatred; removed under national law.")
    page.get_by_role("button", name="Record the decision").click()
    expect(page.locator(".comment-status")).to_have_text("rejected")

    page.goto(status_url)
    expect(page.locator(".cd-notice-status")).to_have_text("Action taken: the comment was removed")
    expect(page.get_by_text("Incitement to hatred; removed under national law.")).to_be_visible()


def test_the_embed_states_why_a_comment_was_rejected_and_how_to_appeal(live_server, api, page, errors, publisher):  # noqa: F811
    assert (
        api.patch(
            "/api/v1/policy",
            json={
                "nudge": False,
                "redress_text": "Ask the readers' editor to look again.",
                "redress_url": "https://news.example/appeal",
            },
        ).status_code
        == 200
    )
    article_url = "https://news.example/2024/cycle-lanes"
    article_id = make_article(api, url=article_url)
    site = publisher(PUBLISHER_PAGE.format(server=live_server.url, url=article_url))
    page.goto(site.origin + "/2024/cycle-lanes")
    form = page.locator("#commentdesk form.cd-form")
    form.get_by_label("Name").fill("Bo")
    form.get_by_label("Comment").fill("You are a cunt.")
    with page.expect_response(posting_response(article_id)):
        form.get_by_role("button", name="Post comment").click()
    status = form.get_by_role("status")
    expect(status).to_contain_text("Your comment was not published")
    expect(status).to_contain_text("This decision was made automatically")
    expect(status).to_contain_text("Ask the readers' editor to look again.")
    expect(status.get_by_role("link", name="How to appeal")).to_have_attribute("href", "https://news.example/appeal")
