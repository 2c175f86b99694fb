"""The comment section in a real browser: commentdesk's own article page, and the embed on a publisher's page."""

from __future__ import annotations

import re
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import httpx
import pytest
from tests.web.conftest import ARTICLE, ON_TOPIC, approve, models_ready

from commentdesk.services.sites import create_site

pytestmark = pytest.mark.browser
expect = pytest.importorskip("playwright.sync_api").expect


@pytest.fixture
def api(live_server):
    """An HTTP client for the live server's API, authorised for a fresh site named 'news'."""
    with live_server.app.state.sessions() as session:
        _site, key = create_site(
            session, "news", "The Daily Example", policy={"flood_per_minute_commenter": 1000, "flood_per_minute_address": 1000}
        )
        session.commit()
    with httpx.Client(base_url=live_server.url, headers={"Authorization": f"Bearer {key}"}, timeout=60) as client:
        yield client


def make_article(api, url="https://news.example/2024/cycle-lanes", **fields) -> int:
    response = api.put("/api/v1/articles", json={**ARTICLE, "url": url, **fields})
    assert response.status_code in (200, 201), response.text
    return response.json()["id"]


@pytest.fixture
def publish(api, live_server):
    """Post through the API; a comment held only because the models cannot run here is approved."""

    def post(article_id: int, text: str, name: str = "Ana", parent_id: int | None = None) -> dict:
        body = {"author_name": name, "text": text, **({"parent_id": parent_id} if parent_id else {})}
        response = api.post(f"/api/v1/articles/{article_id}/comments", json=body)
        assert response.status_code == 201, response.text
        if response.json()["outcome"] == "held":
            approve(live_server.app, response.json()["comment"]["id"])
        return response.json()["comment"]

    return post


@pytest.fixture
def errors(page):
    """Script errors on the page; every test ends with none."""
    found: list[str] = []
    page.on("pageerror", lambda error: found.append(str(error)))
    yield found
    assert found == []


def thread_response(article_id: int):
    return lambda response: f"/api/v1/articles/{article_id}/comments" in response.url and response.request.method == "GET"


def posting_response(article_id: int):
    return lambda response: response.url.endswith(f"/api/v1/articles/{article_id}/comments") and response.request.method == "POST"


# --- commentdesk's own article page ---------------------------------------------------------


def test_view_more_comments_appends_the_next_page(live_server, api, publish, page, errors):
    assert api.patch("/api/v1/policy", json={"page_size": 2}).status_code == 200
    article_id = make_article(api)
    for index, text in enumerate(ON_TOPIC[:3]):
        publish(article_id, text, name=f"Reader {index + 1}")

    page.goto(f"{live_server.url}/articles/{article_id}")
    expect(page.get_by_role("heading", name="COMMENTS (3)")).to_be_visible()
    expect(page.locator(".cd-comment")).to_have_count(2)
    expect(page.get_by_text(ON_TOPIC[0])).to_have_count(0)

    with page.expect_response(thread_response(article_id)):
        page.get_by_text("VIEW MORE COMMENTS").click()
    expect(page.get_by_text(ON_TOPIC[0])).to_be_visible()
    expect(page.locator(".cd-comment")).to_have_count(3)
    expect(page.get_by_text("VIEW MORE COMMENTS")).to_have_count(0)
    assert page.url.endswith(f"/articles/{article_id}")  # appended in place, no navigation


def test_post_a_comment_and_a_reply_in_place(live_server, api, publish, page, errors):
    if not models_ready(live_server.app):
        pytest.skip("moderation model weights are not installed here, so no comment is published automatically")
    article_id = make_article(api)
    page.goto(f"{live_server.url}/articles/{article_id}")
    form = page.locator("#cd-form")
    form.get_by_label("Name").fill("Lena")
    form.get_by_label("Comment").fill(ON_TOPIC[3])
    with page.expect_response(posting_response(article_id)):
        form.get_by_role("button", name="Post comment").click()
    expect(form.get_by_role("status")).to_have_text("Your comment is published.")
    expect(page.locator(".cd-list .cd-body", has_text=ON_TOPIC[3])).to_be_visible()
    expect(page.get_by_role("heading", name="COMMENTS (1)")).to_be_visible()
    expect(form.get_by_label("Comment")).to_have_value("")

    page.locator(".cd-comment", has_text=ON_TOPIC[3]).get_by_role("link", name="Reply").click()
    reply_form = page.locator(".cd-form--reply")
    expect(reply_form.get_by_text("Replying to Lena")).to_be_visible()
    expect(reply_form.get_by_label("Name")).to_have_value("Lena")
    reply_form.get_by_label("Name").fill("Omar")
    reply_form.get_by_label("Reply").fill(ON_TOPIC[1])
    with page.expect_response(posting_response(article_id)):
        reply_form.get_by_role("button", name="Post reply").click()
    reply = page.locator(".cd-replies .cd-comment", has_text=ON_TOPIC[1])
    expect(reply).to_be_visible()
    expect(reply.get_by_text("Replying to Lena")).to_be_visible()
    expect(reply).to_be_focused()
    expect(page.locator(".cd-form--reply")).to_have_count(0)
    expect(page.get_by_role("heading", name="COMMENTS (2)")).to_be_visible()


def test_held_comments_and_replies_say_why(live_server, api, publish, page, errors):
    article_id = make_article(api)
    parent = publish(article_id, ON_TOPIC[0], name="Ana")
    make_article(api, premoderate=True)  # from now on every comment waits for a moderator
    page.goto(f"{live_server.url}/articles/{article_id}")

    page.locator(f"#comment-{parent['id']}").get_by_role("link", name="Reply").click()
    reply_form = page.locator(".cd-form--reply")
    expect(reply_form.get_by_text("Replying to Ana")).to_be_visible()
    expect(reply_form.get_by_label("Name")).to_be_focused()
    reply_form.get_by_label("Name").fill("Omar")
    reply_form.get_by_label("Reply").fill(ON_TOPIC[2])
    with page.expect_response(posting_response(article_id)):
        reply_form.get_by_role("button", name="Post reply").click()
    status = reply_form.get_by_role("status")
    expect(status).to_contain_text("Your comment is held for review: ")
    expect(status).to_contain_text("Comments here are read by a moderator before they are published.")
    expect(page.locator(".cd-replies .cd-comment")).to_have_count(0)
    expect(page.get_by_role("heading", name="COMMENTS (1)")).to_be_visible()


def test_errors_are_shown_next_to_the_field(live_server, api, publish, page, errors):
    article_id = make_article(api)
    page.goto(f"{live_server.url}/articles/{article_id}")
    form = page.locator("#cd-form")
    form.get_by_label("Name").fill("   ")  # passes the browser's own check, not the server's
    form.get_by_label("Comment").fill(ON_TOPIC[0])
    with page.expect_response(posting_response(article_id)):
        form.get_by_role("button", name="Post comment").click()
    expect(form.get_by_text("Please give a name to post under.").first).to_be_visible()
    expect(form.get_by_label("Name")).to_have_attribute("aria-invalid", "true")
    expect(form.get_by_label("Comment")).to_have_value(ON_TOPIC[0])


def test_report_a_comment(live_server, api, publish, page, errors):
    article_id = make_article(api)
    comment = publish(article_id, ON_TOPIC[0])
    page.goto(f"{live_server.url}/articles/{article_id}")
    item = page.locator(f"#comment-{comment['id']}")
    item.get_by_text("Report", exact=True).click()
    item.get_by_label("Off-topic").check()
    with page.expect_response(lambda response: response.url.endswith(f"/comments/{comment['id']}/reports")):
        item.get_by_role("button", name="Send report").click()
    expect(item.get_by_text("Thank you. A moderator will look at this comment.")).to_be_focused()


def test_more_replies_in_long_threads(live_server, api, publish, page, errors, monkeypatch):
    monkeypatch.setattr("commentdesk.store.threads.REPLIES_PER_THREAD", 1)
    article_id = make_article(api)
    root = publish(article_id, ON_TOPIC[0], name="Ana")
    for index, text in enumerate(ON_TOPIC[1:]):
        publish(article_id, text, name=f"Replier {index + 1}", parent_id=root["id"])
    page.goto(f"{live_server.url}/articles/{article_id}")
    expect(page.locator(".cd-replies .cd-comment")).to_have_count(1)
    with page.expect_response(lambda response: f"/api/v1/comments/{root['id']}/replies" in response.url):
        page.get_by_role("button", name="More replies").click()
    expect(page.locator(".cd-replies .cd-comment")).to_have_count(3)
    expect(page.locator(".cd-replies .cd-replying").last).to_have_text("Replying to Ana")
    expect(page.get_by_role("button", name="More replies")).to_have_count(0)


# --- the embed on a publisher's page --------------------------------------------------------


class PublisherSite:
    """A stand-in for a news site on another origin: one static page with the embed tag, sent with
    `headers`, and the site's own stylesheet at /site.css."""

    def __init__(self, page_html: str, headers: dict[str, str] | None = None, stylesheet: str = "") -> None:
        page, css = page_html.encode(), stylesheet.encode()

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self):  # noqa: N802 - the standard library's name
                body, kind = (css, "text/css") if self.path == "/site.css" else (page, "text/html; charset=utf-8")
                self.send_response(200)
                self.send_header("Content-Type", kind)
                self.send_header("Content-Length", str(len(body)))
                for name, value in (headers or {}).items():
                    self.send_header(name, value)
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.origin = f"http://127.0.0.1:{self.server.server_address[1]}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def publisher(live_server):
    sites: list[PublisherSite] = []

    def serve(page_html: str, headers: dict[str, str] | None = None, stylesheet: str = "") -> PublisherSite:
        sites.append(PublisherSite(page_html, headers, stylesheet))
        return sites[-1]

    yield serve
    for site in sites:
        site.close()


PUBLISHER_PAGE = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Cycle lanes | The Daily Example</title></head>
<body><h1>City council approves new cycle lanes</h1><p>The article text.</p>
<div id="commentdesk"></div>
<script src="{server}/static/embed.js" data-site="news" data-url="{url}" async></script>
</body></html>"""


def test_embed_renders_the_section_on_a_publisher_page(live_server, api, publish, page, errors, publisher):
    article_url = "https://news.example/2024/cycle-lanes"
    article_id = make_article(api, url=article_url)
    publish(article_id, ON_TOPIC[0], name="مريم")
    # A dark page under the Content-Security-Policy docs/embedding.md asks for: nothing inline.
    server = live_server.url
    csp = f"script-src 'self' {server}; style-src 'self' {server}; connect-src 'self' {server}"
    dark_page = PUBLISHER_PAGE.replace("</head>", '<link rel="stylesheet" href="/site.css"></head>')
    site = publisher(
        dark_page.format(server=server, url=article_url),
        headers={"Content-Security-Policy": csp},
        stylesheet="body { background: #111; color: #eee; } p, h2, label { color: #eee; }",
    )
    refused: list[str] = []
    page.on("console", lambda message: "Content Security Policy" in message.text and refused.append(message.text))

    with page.expect_response(thread_response(article_id)):
        page.goto(site.origin + "/2024/cycle-lanes")
    section = page.locator("#commentdesk section.cd")
    expect(page.locator("body")).to_have_css("background-color", "rgb(17, 17, 17)")
    expect(section).to_have_css("background-color", "rgb(255, 255, 255)")  # its dark text stays legible
    expect(section.get_by_text(ON_TOPIC[0])).to_have_css("color", "rgb(18, 18, 18)")
    expect(section.get_by_role("heading", name="COMMENTS (1)")).to_have_css("color", "rgb(18, 18, 18)")
    expect(section.get_by_role("heading", name="COMMENTS (1)")).to_be_visible()
    expect(section.get_by_text(ON_TOPIC[0])).to_be_visible()
    expect(section.locator(".cd-author")).to_have_text("مريم")
    expect(section.locator(".cd-author")).to_have_attribute("dir", "auto")
    expect(
        section.get_by_text("Comments are moderated and generally will be posted if they are on-topic and not abusive.")
    ).to_be_visible()
    expect(section.get_by_role("link", name="Comments FAQ")).to_have_attribute("href", f"{live_server.url}/faq?site=news")
    expect(section.locator(".cd-time")).to_have_text(re.compile(r"just now|minute"))
    # The stylesheet came from the comment server and applies inside the section only.
    expect(section.locator(".cd-heading")).to_have_css("text-transform", "uppercase")
    expect(page.locator("body > h1")).to_have_css("text-transform", "none")

    form = section.locator("form.cd-form")
    # The live region is in the accessibility tree before its first message, so that it is announced.
    expect(form.get_by_role("status")).to_have_count(1)
    form.get_by_label("Name").fill("Lena")
    form.get_by_label("Comment").fill(ON_TOPIC[3])
    with page.expect_response(posting_response(article_id)):
        form.get_by_role("button", name="Post comment").click()
    expect(form.get_by_role("status")).to_contain_text(re.compile(r"^Your comment (is published|is held for review: )"))
    assert refused == []


def _trusted_types_page(live_server, publisher, article_url: str, trusted_types: str) -> PublisherSite:
    """A publisher's page whose policy requires Trusted Types, allowing the policies named."""
    server = live_server.url
    csp = (
        f"script-src 'self' {server}; style-src 'self' {server}; connect-src 'self' {server}; "
        f"require-trusted-types-for 'script'; trusted-types {trusted_types}"
    )
    return publisher(PUBLISHER_PAGE.format(server=server, url=article_url), headers={"Content-Security-Policy": csp})


def test_embed_works_on_a_page_that_requires_trusted_types(live_server, api, publish, page, errors, publisher):
    article_url = "https://news.example/2024/cycle-lanes"
    article_id = make_article(api, url=article_url)
    publish(article_id, "The lanes are **overdue**; see [the plan](https://news.example/plan).", name="Ana")
    site = _trusted_types_page(live_server, publisher, article_url, "commentdesk")
    refused: list[str] = []
    page.on("console", lambda message: message.type in ("error", "warning") and refused.append(message.text))

    with page.expect_response(thread_response(article_id)):
        page.goto(site.origin + "/2024/cycle-lanes")
    section = page.locator("#commentdesk section.cd")
    expect(section.get_by_role("heading", name="COMMENTS (1)")).to_be_visible()
    body = section.locator(".cd-comment .cd-body")
    expect(body.locator("strong")).to_have_text("overdue")  # the server's HTML, through the policy
    expect(body.get_by_role("link", name="the plan")).to_have_attribute("href", "https://news.example/plan")

    form = section.locator("form.cd-form")
    form.get_by_label("Name").fill("Lena")
    form.get_by_label("Comment").fill(ON_TOPIC[3])
    with page.expect_response(posting_response(article_id)) as posted:
        form.get_by_role("button", name="Post comment").click()
    expect(form.get_by_role("status")).to_contain_text(re.compile(r"^Your comment (is published|is held for review: )"))
    if posted.value.json()["outcome"] == "published":
        expect(section.locator(".cd-list .cd-body", has_text=ON_TOPIC[3])).to_be_visible()
        expect(section.get_by_role("heading", name="COMMENTS (2)")).to_be_visible()
    assert refused == []


def test_a_second_embed_on_a_trusted_types_page_allowing_duplicates_shows_its_comments(
    live_server, api, publish, page, errors, publisher
):
    first, second = "https://news.example/2024/cycle-lanes", "https://news.example/2024/harbour-bridge"
    publish(make_article(api, url=first), "The lanes are **overdue**.")
    publish(make_article(api, url=second), "The bridge is **late**.")
    # The app's own policy ("app") names the script it adds, as the page requires.
    site = _trusted_types_page(live_server, publisher, first, "app commentdesk 'allow-duplicates'")
    page.goto(site.origin + "/2024/cycle-lanes")
    expect(page.locator("#commentdesk .cd-body strong")).to_have_text("overdue")
    page.evaluate(
        """([src, url]) => {
            const app = trustedTypes.createPolicy("app", { createScriptURL: (address) => address });
            document.body.append(Object.assign(document.createElement("div"), { id: "more" }));
            const tag = Object.assign(document.createElement("script"), { src: app.createScriptURL(src) });
            Object.assign(tag.dataset, { site: "news", url, target: "more" });
            document.body.append(tag);
        }""",
        [f"{live_server.url}/static/embed.js", second],
    )
    expect(page.locator("#more .cd-body strong")).to_have_text("late")


def test_on_a_page_that_refuses_its_policy_the_embed_still_shows_the_words(live_server, api, publish, page, errors, publisher):
    """A publisher that requires Trusted Types but has not allowed the embed's policy yet: comments
    read as plain text, and the console says which policy to allow."""
    article_url = "https://news.example/2024/cycle-lanes"
    article_id = make_article(api, url=article_url)
    publish(article_id, "Fish & chips by the **harbour**.\n\nBuild the lanes < next year.", name="Ana")
    site = _trusted_types_page(live_server, publisher, article_url, "newsroom")
    warnings: list[str] = []
    page.on("console", lambda message: message.type == "warning" and warnings.append(message.text))

    with page.expect_response(thread_response(article_id)):
        page.goto(site.origin + "/2024/cycle-lanes")
    body = page.locator("#commentdesk .cd-comment .cd-body")
    expect(body.locator("p")).to_have_text(["Fish & chips by the harbour.", "Build the lanes < next year."])
    expect(body.locator("strong")).to_have_count(0)
    assert any('policy "commentdesk"' in warning for warning in warnings)
    expect(page.locator("#commentdesk form.cd-form").get_by_label("Comment")).to_be_visible()


def test_the_embed_shows_one_outcome_message_at_a_time(live_server, api, publish, page, errors, publisher, screenshot):
    if not models_ready(live_server.app):
        pytest.skip("moderation model weights are not installed here, so no comment is published automatically")
    article_url = "https://news.example/2024/cycle-lanes"
    article_id = make_article(api, url=article_url)
    root = publish(article_id, ON_TOPIC[0], name="Ana")
    site = publisher(PUBLISHER_PAGE.format(server=live_server.url, url=article_url))
    with page.expect_response(thread_response(article_id)):
        page.goto(site.origin + "/2024/cycle-lanes")
    section = page.locator("#commentdesk section.cd")
    messages = section.locator(".cd-status:visible, .cd-form-status:visible")

    form = section.locator("form.cd-form:not(.cd-form--reply)")
    form.get_by_label("Name").fill("Lena")
    form.get_by_label("Comment").fill(ON_TOPIC[3])
    with page.expect_response(posting_response(article_id)):
        form.get_by_role("button", name="Post comment").click()
    expect(form.get_by_role("status")).to_have_text("Your comment is published.")
    expect(messages).to_have_count(1)

    section.locator(f"#comment-{root['id']}").get_by_role("link", name="Reply").click()
    reply_form = section.locator(".cd-form--reply")
    reply_form.get_by_label("Reply").fill(ON_TOPIC[1])
    with page.expect_response(posting_response(article_id)):
        reply_form.get_by_role("button", name="Post reply").click()
    expect(section.locator(".cd-replies .cd-comment", has_text=ON_TOPIC[1])).to_be_visible()
    # Only the reply's message is left: the earlier one under the main form is gone.
    expect(messages).to_have_count(1)
    expect(messages).to_have_text("Your comment is published.")
    expect(form.locator(".cd-form-status")).to_be_empty()
    screenshot(section, "after-reply")


def test_without_javascript_the_confirmation_is_in_view(browser, live_server, api, publish, screenshot):
    article_id = make_article(api)
    for index, text in enumerate(ON_TOPIC[:3]):
        publish(article_id, text, name=f"Reader {index + 1}")
    context = browser.new_context(java_script_enabled=False, viewport={"width": 900, "height": 600})
    page = context.new_page()
    page.set_default_timeout(15_000)
    try:
        page.goto(f"{live_server.url}/articles/{article_id}")
        form = page.locator("#cd-form")
        form.get_by_label("Name").fill("Lena")
        form.get_by_label("Comment").fill(ON_TOPIC[3])
        form.get_by_role("button", name="Post comment").click()
        page.wait_for_url(re.compile(r"#cd-status$"))
        status = page.locator("#cd-status")
        expect(status).to_contain_text(re.compile(r"^Your comment (is published|is held for review: )"))
        expect(status).to_be_in_viewport()
        screenshot(page, "after-posting")
        if "published" in status.inner_text():
            status.get_by_role("link", name="Show my comment").click()
            expect(page.locator(".cd-comment", has_text=ON_TOPIC[3])).to_be_in_viewport()

        reported = page.locator(".cd-comment", has_text=ON_TOPIC[0])
        reported.get_by_text("Report", exact=True).click()
        reported.get_by_label("Spam or advertising").check()
        reported.get_by_role("button", name="Send report").click()
        page.wait_for_url(re.compile(r"#cd-status$"))
        expect(status).to_contain_text("Thank you. A moderator will look at this comment.")
        expect(status).to_be_in_viewport()
        screenshot(page, "after-reporting")
        status.get_by_role("link", name="Back to the comment").click()
        expect(page.locator(".cd-comment", has_text=ON_TOPIC[0])).to_be_in_viewport()
    finally:
        context.close()


def test_embed_on_an_unregistered_page_says_so(live_server, api, publish, page, errors, publisher):
    site = publisher(PUBLISHER_PAGE.format(server=live_server.url, url="https://news.example/not-registered"))
    page.goto(site.origin + "/elsewhere")
    expect(page.get_by_text("Comments are not available for this page.")).to_be_visible()


def test_a_second_embed_added_later_builds_its_own_section(live_server, api, page, errors, publisher):
    """A single-page app adds another comment section once the first is built: it is built too,
    and each form's labels name its own fields."""
    first, second = "https://news.example/2024/cycle-lanes", "https://news.example/2024/harbour-bridge"
    make_article(api, url=first)
    make_article(api, url=second)
    page.goto(publisher(PUBLISHER_PAGE.format(server=live_server.url, url=first)).origin + "/2024/cycle-lanes")
    expect(page.locator("#commentdesk section.cd .cd-form")).to_be_visible()
    page.evaluate(
        """([src, url]) => {
            document.body.append(Object.assign(document.createElement("div"), { id: "more" }));
            const tag = Object.assign(document.createElement("script"), { src });
            Object.assign(tag.dataset, { site: "news", url, target: "more" });
            document.body.append(tag);
        }""",
        [f"{live_server.url}/static/embed.js", second],
    )
    later = page.locator("#more section.cd")
    later.get_by_label("Name").fill("Lena")
    expect(page.locator("#commentdesk").get_by_label("Name")).to_be_empty()
    expect(later.get_by_label("Comment")).to_be_visible()


def test_a_nudged_author_edits_the_comment_and_it_is_published(live_server, api, page, errors):
    article_id = make_article(api)
    page.goto(f"{live_server.url}/articles/{article_id}")
    form = page.locator("#cd-form")
    form.get_by_label("Name", exact=True).fill("Marcus")
    form.get_by_label("Comment", exact=True).fill("The councillors who voted for these cycle lanes are idiots.")
    with page.expect_response(posting_response(article_id)):
        form.get_by_role("button", name="Post comment").click()
    expect(form.get_by_role("status")).to_contain_text("Before you post")
    expect(form.get_by_role("status")).to_contain_text("guidelines")
    expect(page.get_by_role("heading", name="COMMENTS (0)")).to_be_visible()  # nothing stored yet

    form.get_by_label("Comment", exact=True).fill(ON_TOPIC[1])
    with page.expect_response(posting_response(article_id)):
        form.get_by_role("button", name="Post comment").click()
    expect(form.get_by_role("status")).to_have_text("Your comment is published.")
    stats = api.get("/api/v1/stats/nudges").json()
    assert stats["nudged"] == 1 and stats["edited_and_published"] == 1


def test_a_nudged_author_sends_it_unchanged_and_is_told_a_moderator_will_read_it(live_server, api, page, errors, screenshot):
    article_id = make_article(api)
    page.goto(f"{live_server.url}/articles/{article_id}")
    form = page.locator("#cd-form")
    form.get_by_label("Name", exact=True).fill("Marcus")
    form.get_by_label("Comment", exact=True).fill("The councillors who voted for these cycle lanes are idiots.")
    with page.expect_response(posting_response(article_id)):
        form.get_by_role("button", name="Post comment").click()
    status = form.get_by_role("status")
    expect(status).to_contain_text("“idiots”")  # the phrase behind the warning
    expect(status).to_contain_text("post it unchanged and a moderator will read it")
    expect(status).not_to_contain_text("threshold")
    screenshot(form, "nudge")
    with page.expect_response(posting_response(article_id)):
        form.get_by_role("button", name="Post comment").click()
    expect(status).to_contain_text("Your comment is held for review: ")  # as the warning said: not rejected
    expect(status).to_contain_text("“idiots”")
    expect(page.locator(".cd-status:visible, .cd-form-status:visible")).to_have_count(1)
    screenshot(form, "held")
