"""The "E-mail me about replies" box in the embed, in Chromium: offered to guests and to readers
signed in on the publisher's site, asking a signed-in reader for an address only when the
publisher gave none, and working on commentdesk's own page's reply forms too."""

from __future__ import annotations

import time
import uuid

import jwt
import pytest
from sqlalchemy import select
from tests.web.conftest import ON_TOPIC
from tests.web.test_reader_browser import api, errors, make_article, posting_response, publisher  # noqa: F401 - fixtures

from commentdesk.store.models import MailSubscriber
from mail_fixtures import mail_settings

pytestmark = pytest.mark.browser
expect = pytest.importorskip("playwright.sync_api").expect

SECRET = "the-publisher-and-commentdesk-share-this-secret"
ARTICLE_URL = "https://news.example/2024/cycle-lanes"
MAIL_BOX = "E-mail me about replies and the moderators' decision"
SIGNED_IN_PAGE = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Cycle lanes | The Daily Example</title></head>
<body><h1>City council approves new cycle lanes</h1>
<div id="commentdesk"></div>
<script src="{server}/static/embed.js" data-site="news" data-url="{url}" data-reader-token="{token}" async></script>
</body></html>"""


@pytest.fixture
def settings(tmp_path, database_url, smtp):
    """The server sends mail, to the SMTP server on loopback."""
    return mail_settings(tmp_path, database_url, smtp[1])


def reader_token(**extra) -> str:
    now = int(time.time())
    claims = {"sub": "reader-7", "name": "Ines Duarte", "iat": now, "exp": now + 300, "jti": uuid.uuid4().hex, **extra}
    return jwt.encode(claims, SECRET, algorithm="HS256")


def subscribers(live_server) -> list[MailSubscriber]:
    with live_server.app.state.sessions() as session:
        return list(session.scalars(select(MailSubscriber)))


def test_a_reader_with_a_verified_address_is_not_asked_for_one(live_server, api, page, errors, publisher):  # noqa: F811
    assert api.put("/api/v1/sso", json={"algorithm": "HS256", "key": SECRET}).status_code == 200
    article_id = make_article(api, url=ARTICLE_URL)
    token = reader_token(email="ines@example.org", email_verified=True)
    site = publisher(SIGNED_IN_PAGE.format(server=live_server.url, url=ARTICLE_URL, token=token))

    page.goto(site.origin + "/2024/cycle-lanes")
    form = page.locator("#commentdesk form.cd-form")
    expect(form.locator(".cd-signed-in")).to_have_text("Commenting as Ines Duarte")
    expect(form.get_by_label("Email")).to_have_count(0)
    expect(form.locator(".cd-field--check")).to_contain_text("(to the address of your account)")
    form.get_by_label(MAIL_BOX).check()
    form.get_by_label("Comment").fill(ON_TOPIC[1])
    with page.expect_response(posting_response(article_id)) as posted:
        form.get_by_role("button", name="Post comment").click()
    assert posted.value.status == 201
    (subscriber,) = subscribers(live_server)
    assert subscriber.confirmed_at is not None  # the publisher vouched for the address: nothing to confirm


def test_a_reader_without_an_address_types_one(live_server, api, page, errors, publisher, smtp):  # noqa: F811
    inbox, _port = smtp
    assert api.put("/api/v1/sso", json={"algorithm": "HS256", "key": SECRET}).status_code == 200
    article_id = make_article(api, url=ARTICLE_URL)
    site = publisher(SIGNED_IN_PAGE.format(server=live_server.url, url=ARTICLE_URL, token=reader_token()))

    page.goto(site.origin + "/2024/cycle-lanes")
    form = page.locator("#commentdesk form.cd-form")
    expect(form.locator(".cd-signed-in")).to_have_text("Commenting as Ines Duarte")
    expect(form.get_by_label("Name")).to_have_count(0)
    expect(form.locator(".cd-field--check")).to_contain_text("(we ask you to confirm first)")
    form.get_by_label("Email").fill("ines@example.org")
    form.get_by_label(MAIL_BOX).check()
    form.get_by_label("Comment").fill(ON_TOPIC[3])
    with page.expect_response(posting_response(article_id)) as posted:
        form.get_by_role("button", name="Post comment").click()
    assert posted.value.status == 201
    (confirmation,) = inbox.wait_for("ines@example.org", 1)
    assert confirmation["Subject"] == "Confirm e-mail about your comments on The Daily Example"


def test_reply_forms_on_commentdesks_own_page_offer_the_box(live_server, api, page, errors):  # noqa: F811
    article_id = make_article(api, url=ARTICLE_URL)
    first = api.post(f"/api/v1/articles/{article_id}/comments", json={"author_name": "Ana", "text": ON_TOPIC[0]})
    assert first.status_code == 201
    if first.json()["outcome"] != "published":
        pytest.skip("the moderation models do not run here, so there is no published comment to reply to")

    page.goto(f"{live_server.url}/articles/{article_id}")
    page.locator(".cd-comment .cd-reply").first.click()
    reply_form = page.locator("form.cd-form--reply")
    expect(reply_form.get_by_label(MAIL_BOX)).to_be_visible()
    expect(reply_form.get_by_label("Email")).to_be_visible()
