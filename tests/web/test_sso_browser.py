"""A publisher's page with a signed-in reader: the embed posts, edits and deletes as that reader."""

from __future__ import annotations

import re
import time
import uuid

import jwt
import pytest
from tests.web.conftest import ON_TOPIC
from tests.web.test_reader_browser import api, errors, make_article, publish, publisher  # noqa: F401 - fixtures

pytestmark = pytest.mark.browser
expect = pytest.importorskip("playwright.sync_api").expect

SECRET = "the-publisher-and-commentdesk-share-this-secret"
SIGNED_IN_PAGE = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Cycle lanes | The Daily Example</title></head>
<body><h1>City council approves new cycle lanes</h1><p>Signed in as Ines.</p>
<div id="commentdesk"></div>
<script src="{server}/static/embed.js" data-site="news" data-url="{url}" data-reader-token="{token}" async></script>
</body></html>"""


def reader_token(sub: str = "reader-7", name: str = "Ines Duarte") -> str:
    now = int(time.time())
    return jwt.encode(
        {"sub": sub, "name": name, "iat": now, "exp": now + 300, "jti": uuid.uuid4().hex}, SECRET, algorithm="HS256"
    )


def test_a_signed_in_reader_posts_edits_and_deletes_through_the_embed(live_server, api, publish, page, errors, publisher):  # noqa: F811
    assert api.put("/api/v1/sso", json={"algorithm": "HS256", "key": SECRET}).status_code == 200
    assert api.patch("/api/v1/policy", json={"accounts_required": True}).status_code == 200
    article_url = "https://news.example/2024/cycle-lanes"
    article_id = make_article(api, url=article_url)
    site = publisher(SIGNED_IN_PAGE.format(server=live_server.url, url=article_url, token=reader_token()))

    page.goto(site.origin + "/2024/cycle-lanes")
    section = page.locator("#commentdesk section.cd")
    form = section.locator("form.cd-form")
    expect(form.locator(".cd-signed-in")).to_have_text("Commenting as Ines Duarte")
    expect(form.get_by_label("Name")).to_have_count(0)

    form.get_by_label("Comment").fill(ON_TOPIC[1])
    form.get_by_role("button", name="Post comment").click()
    expect(form.get_by_role("status")).to_have_text("Your comment is published.")
    # The button was disabled while sending; a keyboard reader carries on from it, not from the top.
    expect(form.get_by_role("button", name="Post comment")).to_be_focused()
    mine = section.locator(".cd-comment").first
    expect(mine.locator(".cd-author")).to_have_text("Ines Duarte")
    expect(section.get_by_role("heading", name="COMMENTS (1)")).to_be_visible()

    # Edit in place: the new text is checked again and shown. The text under the edit box is
    # hidden, even where the publisher's stylesheet shows every div.
    page.add_style_tag(content="div { display: block }")
    mine.get_by_role("button", name="Edit").click()
    expect(mine.locator(".cd-body")).to_be_hidden()
    mine.get_by_label("Edit your comment").fill(ON_TOPIC[3])
    mine.get_by_role("button", name="Save changes").click()
    expect(section.locator(".cd-status").first).to_have_text("Your comment is updated.")
    expect(mine.locator(".cd-body")).to_contain_text("I cycle along the harbour road")
    expect(mine.locator(".cd-edited")).to_be_visible()

    # A fresh page load (a new token from the publisher) shows the edit to everyone, and the reader may still delete.
    page.goto(site.origin + "/2024/cycle-lanes")
    mine = section.locator(".cd-comment").first
    expect(mine.locator(".cd-body")).to_contain_text("I cycle along the harbour road")
    mine.get_by_role("button", name="Delete").click()
    mine.get_by_role("button", name="Yes, delete").click()
    expect(section.locator(".cd-status").first).to_have_text("Your comment is deleted.")
    expect(section.locator(".cd-status").first).to_be_focused()  # not lost with the comment
    expect(section.locator(".cd-comment")).to_have_count(0)
    expect(section.get_by_role("heading", name="COMMENTS (0)")).to_be_visible()
    thread = api.get(f"/api/v1/articles/{article_id}/comments").json()
    assert thread["total"] == 0 and thread["comments"] == []


def test_a_deleted_comment_with_a_reply_leaves_its_marker(live_server, api, publish, page, errors, publisher):  # noqa: F811
    assert api.put("/api/v1/sso", json={"algorithm": "HS256", "key": SECRET}).status_code == 200
    article_url = "https://news.example/2024/cycle-lanes"
    article_id = make_article(api, url=article_url)
    site = publisher(SIGNED_IN_PAGE.format(server=live_server.url, url=article_url, token=reader_token()))
    page.goto(site.origin + "/2024/cycle-lanes")
    section = page.locator("#commentdesk section.cd")
    form = section.locator("form.cd-form")
    form.get_by_label("Comment").fill(ON_TOPIC[1])
    form.get_by_role("button", name="Post comment").click()
    expect(form.get_by_role("status")).to_have_text("Your comment is published.")
    comment_id = int(section.locator(".cd-comment").first.get_attribute("data-comment-id"))
    # The signed-in reader replies to themself: the reply form asks for no name either.
    section.locator(f"#comment-{comment_id}").get_by_role("link", name="Reply").click()
    reply_form = section.locator("form.cd-form--reply")
    expect(reply_form.locator(".cd-signed-in")).to_have_text("Commenting as Ines Duarte")
    expect(reply_form.get_by_label("Reply")).to_be_focused()
    publish(article_id, ON_TOPIC[2], name="Ravi", parent_id=comment_id)

    page.reload()
    mine = section.locator(f"#comment-{comment_id}")
    mine.get_by_role("button", name="Delete").click()
    mine.get_by_role("button", name="Yes, delete").click()
    expect(mine).to_have_text("Comment deleted")
    expect(section.get_by_text(re.compile("Shop owners on the harbour road"))).to_be_visible()
    page.reload()
    expect(section.locator(f"#comment-{comment_id}")).to_have_text("Comment deleted")
    expect(section.get_by_role("heading", name="COMMENTS (1)")).to_be_visible()


def test_a_guest_edits_and_deletes_on_commentdesks_own_page(live_server, api, page, errors):  # noqa: F811
    article_id = make_article(api)
    page.goto(f"{live_server.url}/articles/{article_id}")
    section = page.locator("section.cd")
    form = section.locator("form#cd-form")
    form.get_by_label("Name").fill("Lena")
    form.get_by_label("Comment").fill(ON_TOPIC[1])
    form.get_by_role("button", name="Post comment").click()
    expect(form.get_by_role("status")).to_have_text("Your comment is published.")

    page.reload()  # the edit token is kept in this browser, so Edit and Delete are offered after a reload
    mine = section.locator(".cd-comment").first
    mine.get_by_role("button", name="Edit").click()
    mine.get_by_label("Edit your comment").fill(ON_TOPIC[3])
    mine.get_by_role("button", name="Save changes").click()
    expect(mine.locator(".cd-body")).to_contain_text("I cycle along the harbour road")

    page.context.clear_cookies()
    other = page.context.browser.new_context().new_page()
    other.goto(f"{live_server.url}/articles/{article_id}")
    expect(other.locator(".cd-comment").first.locator(".cd-body")).to_contain_text("I cycle along the harbour road")
    expect(other.get_by_role("button", name="Edit")).to_have_count(0)
    other.context.close()

    mine.get_by_role("button", name="Delete").click()
    mine.get_by_role("button", name="Yes, delete").click()
    expect(section.get_by_role("heading", name="COMMENTS (0)")).to_be_visible()


def test_the_embed_edits_the_text_as_written_and_keeps_its_links(live_server, api, page, errors):  # noqa: F811
    written = "Four million euros for [protected lanes](https://news.example/lanes) is **money well spent** on the harbour road."
    article_id = make_article(api)
    page.goto(f"{live_server.url}/articles/{article_id}")
    section = page.locator("section.cd")
    form = section.locator("form#cd-form")
    form.get_by_label("Name").fill("Lena")
    form.get_by_label("Comment").fill(written)
    form.get_by_role("button", name="Post comment").click()
    expect(form.get_by_role("status")).to_have_text("Your comment is published.")

    page.reload()
    mine = section.locator(".cd-comment").first
    expect(mine.locator('.cd-body a[href="https://news.example/lanes"]')).to_be_visible()
    mine.get_by_role("button", name="Edit").click()
    box = mine.get_by_label("Edit your comment")
    expect(box).to_have_value(written)  # the Markdown, not the shown text
    expect(box).to_be_focused()
    box.fill(written.replace("Four", "Nearly four"))
    mine.get_by_role("button", name="Save changes").click()
    expect(mine.locator(".cd-body")).to_contain_text("Nearly four million euros")
    expect(mine.locator('.cd-body a[href="https://news.example/lanes"]')).to_have_text("protected lanes")
    expect(mine.locator(".cd-body strong")).to_have_text("money well spent")


def test_the_tag_included_twice_builds_one_section_for_the_signed_in_reader(live_server, api, page, errors, publisher):  # noqa: F811
    """A template and a widget both add the tag: one section, and the reader's one-use token is
    not spent twice (the copy that came second would have shown the reader as a guest)."""
    assert api.put("/api/v1/sso", json={"algorithm": "HS256", "key": SECRET}).status_code == 200
    article_url = "https://news.example/2024/cycle-lanes"
    make_article(api, url=article_url)
    tag = SIGNED_IN_PAGE.split("<script")[1].split("</script>")[0]
    twice = SIGNED_IN_PAGE.replace("</body>", f"<script{tag}</script></body>")
    site = publisher(twice.format(server=live_server.url, url=article_url, token=reader_token()))
    sign_ins: list[int] = []
    page.on("response", lambda response: "/reader/session" in response.url and sign_ins.append(response.status))
    page.goto(site.origin + "/2024/cycle-lanes", wait_until="networkidle")
    expect(page.locator("#commentdesk .cd-signed-in")).to_have_text("Commenting as Ines Duarte")
    expect(page.locator("section.cd")).to_have_count(1)
    assert sign_ins == [200]
