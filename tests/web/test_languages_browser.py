"""In a real browser: an Urdu article page and an Urdu embed read right to left, with the words
of each string in the right visual order ("7 منٹ پہلے", not "منٹ پہلے 7" or "minutes ago 7")."""

from __future__ import annotations

from datetime import timedelta

import httpx
import pytest
from tests.web.conftest import ARTICLE, ON_TOPIC, approve
from tests.web.test_reader_browser import PublisherSite

from commentdesk.services.sites import create_site
from commentdesk.store.models import Comment

pytestmark = [pytest.mark.browser]
expect = pytest.importorskip("playwright.sync_api").expect

# The boxes of two parts of one text node, as drawn: [left, right] of each.
PART_BOXES = """([element, first, second]) => {
  const text = element.firstChild, words = text.textContent;
  const box = (part) => {
    const start = words.indexOf(part), range = document.createRange();
    range.setStart(text, start); range.setEnd(text, start + part.length);
    const rect = range.getBoundingClientRect();
    return [rect.left, rect.right];
  };
  return [box(first), box(second)];
}"""


@pytest.fixture
def urdu_article(live_server):
    """An article with one published comment, seven minutes old."""
    with live_server.app.state.sessions() as session:
        _site, key = create_site(session, "news", "The Daily Example", policy={"flood_per_minute_commenter": 1000})
        session.commit()
    headers = {"Authorization": f"Bearer {key}"}
    url = "https://news.example/2024/cycle-lanes"
    article = httpx.put(f"{live_server.url}/api/v1/articles", json={**ARTICLE, "url": url}, headers=headers, timeout=60).json()
    posted = httpx.post(
        f"{live_server.url}/api/v1/articles/{article['id']}/comments",
        json={"author_name": "Ana", "text": ON_TOPIC[0]},
        timeout=120,
    ).json()
    if posted["outcome"] != "published":
        approve(live_server.app, posted["comment"]["id"])
    with live_server.app.state.sessions() as session:
        comment = session.get(Comment, posted["comment"]["id"])
        comment.created_at = comment.created_at - timedelta(minutes=7)
        session.commit()
    return article["id"], url


def _assert_reads_right_to_left(page, section):
    heading = section.locator(".cd-heading")
    expect(heading).to_have_text("تبصرے (1)")
    time = section.locator(".cd-time").first
    expect(time).to_have_text("7 منٹ پہلے")
    (number, word) = page.evaluate(PART_BOXES, [time.element_handle(), "7", "منٹ"])
    assert number[0] >= word[1] - 1, f"the number is drawn left of its words: {number} {word}"
    (word_box, count_box) = page.evaluate(PART_BOXES, [heading.element_handle(), "تبصرے", "1"])
    assert word_box[0] >= count_box[1] - 1, "the heading's count comes before its word"
    # Comment text keeps its own direction: English stays left to right inside the Urdu page.
    expect(section.locator(".cd-body").first).to_have_attribute("dir", "auto")
    assert section.locator(".cd-body").first.evaluate("node => getComputedStyle(node).direction") == "ltr"


def test_an_urdu_article_page_reads_right_to_left(live_server, urdu_article, page, screenshot):
    article_id, _url = urdu_article
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.goto(f"{live_server.url}/articles/{article_id}?lang=ur")
    expect(page.locator("html")).to_have_attribute("dir", "rtl")
    expect(page.locator("html")).to_have_attribute("lang", "ur")
    section = page.locator("section.cd")
    expect(section.get_by_role("button", name="تبصرہ بھیجیں")).to_be_visible()
    _assert_reads_right_to_left(page, section)
    # The form's labels sit at the right edge, as Urdu readers expect.
    label = section.locator("label[for=cd-text]")
    field = section.locator("#cd-text")
    assert (
        label.bounding_box()["x"] + label.bounding_box()["width"] >= field.bounding_box()["x"] + field.bounding_box()["width"] - 2
    )
    screenshot(page, "urdu-page")
    assert not errors


PUBLISHER_PAGE = """<!doctype html>
<html lang="ur" dir="rtl"><head><meta charset="utf-8"><title>سائیکل لین</title></head>
<body><h1>شہر کی کونسل نے سائیکل لین کی منظوری دے دی</h1>
<div id="commentdesk"></div>
<script src="{server}/static/embed.js" data-site="news" data-url="{url}" async></script>
</body></html>"""


def test_an_urdu_embed_follows_the_pages_language(live_server, urdu_article, page, screenshot):
    _article_id, url = urdu_article
    publisher = PublisherSite(PUBLISHER_PAGE.format(server=live_server.url, url=url))
    try:
        errors: list[str] = []
        page.on("pageerror", lambda error: errors.append(str(error)))
        page.goto(publisher.origin + "/2024/cycle-lanes")
        section = page.locator("#commentdesk section.cd")
        expect(section).to_have_attribute("dir", "rtl")
        expect(section).to_have_attribute("lang", "ur")
        expect(section.get_by_role("button", name="تبصرہ بھیجیں")).to_be_visible()
        _assert_reads_right_to_left(page, section)
        # A post is answered in Urdu too: the server's words come in the page's language.
        form = section.locator("form.cd-form")
        form.get_by_label("نام").fill("Lena")
        form.get_by_label("تبصرہ", exact=True).fill("   ")
        form.get_by_role("button", name="تبصرہ بھیجیں").click()
        expect(section.locator(".cd-form-status")).to_have_text("تبصرہ خالی ہے۔")
        screenshot(page, "urdu-embed")
        assert not errors
    finally:
        publisher.close()
