"""The workspace in headless Chromium: keyboard, bulk actions, rejection reasons, bans, audit log, reader page."""

from __future__ import annotations

from itertools import pairwise

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


def test_work_through_the_queue_by_keyboard(live_server, page, world, screenshot):
    texts = [f"Keyboard comment {n}, idiot" for n in range(4)]
    ids = [world.add_comment(text, age_minutes=50 - n) for n, text in enumerate(texts)]
    sign_in(page, live_server)
    open_queue(page, live_server)
    cards = page.locator("#cards article.card")
    expect(cards).to_have_count(4)
    expect(page.locator("#shortcuts")).to_contain_text("undo your last action")
    expect(cards.first).to_have_class("card status-pending current")

    page.keyboard.press("a")  # approve the first
    expect(cards).to_have_count(3)
    page.keyboard.press("j")  # skip to the third
    page.keyboard.press("k")  # and back to the second
    page.keyboard.press("r")  # reject it with its suggested reason
    expect(cards).to_have_count(2)
    page.keyboard.press("a")
    with page.expect_navigation():  # undo that approval: the page reloads with the comment back
        page.keyboard.press("u")
    expect(page.locator("#workspace.ready")).to_have_count(1)
    expect(page.locator("#status")).to_have_text(f"Undid the approval of comment {ids[2]}: it is held again.")
    expect(cards).to_have_count(2)
    screenshot(page, "after-undo")
    expect(page.locator(".queue-main h1 .count")).to_have_text("2")
    page.keyboard.press("a")
    page.keyboard.press("a")
    expect(cards).to_have_count(0)
    expect(page.locator("#empty")).to_be_visible()
    expect(page.locator('.queue-main h1 [data-filtered-count="held"]')).to_have_text("0")

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
    page.keyboard.press("Shift+X")  # select all
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
    page.keyboard.press("3")  # spam
    expect(page.locator("#cards article.card.current select.reject-reason")).to_have_value("spam")
    page.keyboard.press("r")
    expect(page.locator("#cards article.card")).to_have_count(0)
    expect(page.locator("#status")).to_contain_text("Rejected 1 comment as Spam")
    with world.app.state.sessions() as session:
        event = session.scalars(
            select(ModerationEvent).where(ModerationEvent.comment_id == comment_id).order_by(ModerationEvent.id.desc())
        ).first()
        assert (event.action, event.reasons[0]["code"]) == ("reject", "spam")
    page.goto(f"{live_server.url}/moderate/comments/{comment_id}")
    expect(page.locator(".history")).to_contain_text("Spam")


def test_ban_a_commenter(live_server, page, world, client):
    article_id = world.article_ids["cycle"]
    reader = {"author_name": "Loud Reader", "author_email": "loud@example.org"}
    posted = client.post(
        f"/api/v1/articles/{article_id}/comments", json={**reader, "text": "You are all idiots on this council."}
    )
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
    expect(page.locator("#cards article.card")).to_have_count(0)  # their held comment was rejected with the ban

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
    with page.expect_navigation():  # the first page done, the next one loads by itself
        for _ in range(50):
            page.keyboard.press("a")
    expect(page.locator("#workspace.ready")).to_have_count(1)
    expect(cards).to_have_count(total - 50)
    for _ in range(total - 50):
        page.keyboard.press("a")
    expect(page.locator("#empty")).to_be_visible()
    with world.app.state.sessions() as session:
        assert session.scalar(select(Article.published_count).where(Article.id == world.article_ids["cycle"])) == total


def test_the_sign_in_page_looks_like_the_workspace(live_server, page, world, screenshot):
    page.set_viewport_size({"width": 1200, "height": 800})
    page.goto(f"{live_server.url}/moderate/login")
    card = page.locator("section.login")
    expect(card.get_by_role("heading", name="Sign in to moderate")).to_be_visible()
    expect(page.locator(".mod-bar .brand")).to_be_visible()  # the workspace's own bar
    button = card.get_by_role("button", name="Sign in")
    expect(button).to_have_css("background-color", "rgb(26, 95, 208)")
    expect(card.get_by_label("Username")).to_be_focused()
    box, field = card.bounding_box(), card.get_by_label("Password").bounding_box()
    assert field["width"] > box["width"] * 0.8  # fields span the card
    assert abs((box["x"] + box["width"] / 2) - 600) < 20  # the card is centred
    screenshot(page, "empty")
    page.fill("input[name=username]", "mod")
    page.fill("input[name=password]", "not the password")
    page.click("button[type=submit]")
    expect(card.get_by_role("alert")).to_be_visible()
    expect(card.get_by_label("Password")).to_be_focused()
    screenshot(page, "refused")


def test_dashboard_charts_fill_their_cards_with_every_legend_entry_and_round_ticks(live_server, page, world, screenshot):
    reasons = [
        ("suspect_word", "Suspect word"),
        ("contains_link", "Contains a link"),
        ("off_topic", "Possibly off-topic"),
        ("phone_number", "Phone number"),
        ("contact_bait", "Advertising or contact bait"),
    ]
    for day in range(6):
        for index, (code, _words) in enumerate(reasons[: 2 + day % 4]):
            world.add_comment(
                f"Day {day} comment {index}",
                age_minutes=day * 1440 + 30 + index,
                reasons=[{"code": code, "message": "A reason.", "evidence": []}],
            )
        world.add_comment(f"Day {day} published", status="published", reasons=[], age_minutes=day * 1440 + 20)
    page.set_viewport_size({"width": 1400, "height": 900})
    sign_in(page, live_server)
    page.goto(f"{live_server.url}/moderate/dashboard?days=7")
    panels = page.locator("section.panel:has(svg.chart)")
    expect(panels).to_have_count(3)
    for index in range(panels.count()):
        panel = panels.nth(index)
        card, chart = panel.bounding_box(), panel.locator("svg.chart").bounding_box()
        assert chart["width"] > card["width"] - 40, (index, card, chart)  # fills its card, less the padding
        screenshot(panel, f"chart-{index}")
    per_day = panels.filter(has_text="Top reasons per day")
    legend = per_day.locator(".chart-legend li")
    expect(legend).to_have_count(len(reasons))
    figure = per_day.locator("figure").bounding_box()
    for index, (_code, words) in enumerate(reasons):
        entry = legend.nth(index)
        expect(entry).to_have_text(words)
        box = entry.bounding_box()
        assert box["x"] >= figure["x"] and box["x"] + box["width"] <= figure["x"] + figure["width"] + 1  # not cut off
    for index in range(2):
        ticks = [
            int(text) for text in panels.nth([0, 2][index]).locator("svg.chart text.tick").all_text_contents() if text.isdigit()
        ]
        steps = {later - earlier for earlier, later in pairwise(ticks)}
        assert ticks[0] == 0 and len(steps) == 1 and steps.pop() in {1, 2, 5, 10, 20, 50, 100}, ticks
    screenshot(page, "page")
