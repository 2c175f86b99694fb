"""The workspace in headless Chromium: keyboard, bulk actions, rejection reasons, bans, audit log, reader page."""

from __future__ import annotations

import pytest
from moderate_helpers import PASSWORD
from sqlalchemy import select

from commentdesk.store.models import Article, ModerationEvent

pytestmark = pytest.mark.browser
expect = pytest.importorskip("playwright.sync_api").expect


def sign_in(page, server, username="mod"):
    page.goto(f"{server.url}/moderate/login")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")
    expect(page.locator("h1")).to_contain_text("Held")


def open_queue(page, server, query=""):
    page.goto(f"{server.url}/moderate/queue/held{query}")
    expect(page.locator("#workspace.ready")).to_have_count(1)


def test_work_through_the_queue_by_keyboard(live_server, page, world):
    texts = [f"Keyboard comment {n}, idiot" for n in range(4)]
    ids = [world.add_comment(text, age_minutes=50 - n) for n, text in enumerate(texts)]
    sign_in(page, live_server)
    open_queue(page, live_server)
    cards = page.locator("#cards article.card")
    expect(cards).to_have_count(4)
    expect(page.locator("#shortcuts")).to_contain_text("undo your last action")
    expect(cards.first).to_have_class("card status-pending current")

    page.keyboard.press("a")                 # approve the first
    expect(cards).to_have_count(3)
    page.keyboard.press("j")                 # skip to the third
    page.keyboard.press("k")                 # and back to the second
    page.keyboard.press("r")                 # reject it with its suggested reason
    expect(cards).to_have_count(2)
    page.keyboard.press("a")
    with page.expect_navigation():           # undo that approval: the page reloads with the comment back
        page.keyboard.press("u")
    expect(page.locator("#workspace.ready")).to_have_count(1)
    expect(cards).to_have_count(2)
    expect(page.locator(".queue-main h1 .count")).to_have_text("2")
    page.keyboard.press("a")
    page.keyboard.press("a")
    expect(cards).to_have_count(0)
    expect(page.locator("#empty")).to_be_visible()
    expect(page.locator('.queue-main h1 [data-count="held"]')).to_have_text("0")

    statuses = [world.comment(comment_id).status for comment_id in ids]
    assert statuses == ["published", "rejected", "published", "published"]

    page.goto(f"{live_server.url}/moderate/audit?actor=mod")
    audit = page.locator("table.audit tbody")
    expect(audit).to_contain_text("undo")
    expect(audit).to_contain_text("Keyboard comment 1, idiot")
    assert page.locator("table.audit tbody tr").count() == 6  # 5 decisions and the undo

    page.goto(f"{live_server.url}/articles/{world.article_ids['cycle']}")
    expect(page.locator("body")).to_contain_text("Keyboard comment 0, idiot")
    expect(page.locator("body")).not_to_contain_text("Keyboard comment 1, idiot")


def test_bulk_approve(live_server, page, world, client):
    ids = [world.add_comment(f"Bulk comment {n} idiot") for n in range(5)]
    sign_in(page, live_server)
    open_queue(page, live_server)
    page.keyboard.press("Shift+X")            # select all
    expect(page.locator("#selected-count")).to_have_text("5 selected")
    page.click("button[data-bulk=approve]")
    expect(page.locator("#cards article.card")).to_have_count(0)
    assert all(world.comment(comment_id).status == "published" for comment_id in ids)
    thread = client.get(f"/api/v1/articles/{world.article_ids['cycle']}/comments").json()
    assert {comment["id"] for comment in thread["comments"]} >= set(ids) and thread["total"] == 5
    page.goto(f"{live_server.url}/moderate/audit?action=approve")
    expect(page.locator("table.audit tbody tr")).to_have_count(5)


def test_reject_with_a_chosen_reason(live_server, page, world):
    comment_id = world.add_comment("Buy cheap watches now idiot")
    sign_in(page, live_server)
    open_queue(page, live_server)
    page.keyboard.press("3")                  # spam
    expect(page.locator("#cards article.card.current select.reject-reason")).to_have_value("spam")
    page.keyboard.press("r")
    expect(page.locator("#cards article.card")).to_have_count(0)
    expect(page.locator("#status")).to_contain_text("Rejected 1 comment as spam")
    with world.app.state.sessions() as session:
        event = session.scalars(select(ModerationEvent).where(ModerationEvent.comment_id == comment_id).order_by(ModerationEvent.id.desc())).first()
        assert (event.action, event.reasons[0]["code"]) == ("reject", "spam")
    page.goto(f"{live_server.url}/moderate/comments/{comment_id}")
    expect(page.locator(".history")).to_contain_text("Spam")


def test_ban_a_commenter(live_server, page, world, client):
    article_id = world.article_ids["cycle"]
    reader = {"author_name": "Loud Reader", "author_email": "loud@example.org"}
    posted = client.post(f"/api/v1/articles/{article_id}/comments", json={**reader, "text": "You are all idiots on this council."})
    assert posted.status_code == 201, posted.text
    if posted.json()["outcome"] != "held":
        pytest.skip("the models did not hold the comment")
    sign_in(page, live_server)
    open_queue(page, live_server)
    expect(page.locator("#cards article.card")).to_have_count(1)
    page.keyboard.press("b")
    dialog = page.locator("#ban-dialog")
    expect(dialog).to_be_visible()
    dialog.locator("select[name=length]").select_option("30")
    dialog.locator("textarea[name=reason]").fill("Insults other readers")
    dialog.locator("button[value=ban]").click()
    expect(page.locator("#status")).to_contain_text("Suspended Loud Reader")
    expect(page.locator("#cards article.card")).to_have_count(0)   # their held comment was rejected with the ban

    again = client.post(f"/api/v1/articles/{article_id}/comments", json={**reader, "text": "Why can I not post about the lanes?"})
    assert again.status_code == 403 and again.json()["error"]["code"] == "commenter_banned"

    page.goto(f"{live_server.url}/moderate/audit?action=suspend")
    expect(page.locator("table.audit tbody")).to_contain_text("Insults other readers")
    page.click("table.audit tbody a")
    page.click(".card .author")
    expect(page.locator("body")).to_contain_text("Insults other readers")
    expect(page.locator("body")).to_contain_text("Lift the ban")


def test_clear_more_than_a_page_by_keyboard_alone(live_server, page, world):
    total = 55
    for number in range(total):
        world.add_comment(f"Queue comment {number} idiot", age_minutes=100 - number)
    sign_in(page, live_server)
    open_queue(page, live_server)
    cards = page.locator("#cards article.card")
    expect(cards).to_have_count(50)
    with page.expect_navigation():           # the first page done, the next one loads by itself
        for _ in range(50):
            page.keyboard.press("a")
    expect(page.locator("#workspace.ready")).to_have_count(1)
    expect(cards).to_have_count(total - 50)
    for _ in range(total - 50):
        page.keyboard.press("a")
    expect(page.locator("#empty")).to_be_visible()
    with world.app.state.sessions() as session:
        assert session.scalar(select(Article.published_count).where(Article.id == world.article_ids["cycle"])) == total
