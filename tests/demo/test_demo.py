"""The demo: seeded through the real moderation, and usable in a browser as a reader would."""

from __future__ import annotations

import io
import re

import pytest
from sqlalchemy import select

from commentdesk.demo.content import ARTICLES
from commentdesk.demo.seed import announce, seed_demo
from commentdesk.store.models import Article, Comment, CommentStatus

HAQQANI = next(spec for spec in ARTICLES if spec["key"] == "haqqani")
HAQQANI_URL = HAQQANI["url"]


@pytest.fixture
def seed_log(app) -> str:
    log = io.StringIO()
    assert seed_demo(app, out=log) is True
    return log.getvalue()


@pytest.fixture
def demo_app(app, seed_log):
    return app


def haqqani_id(app) -> int:
    with app.state.sessions() as session:
        return session.scalar(select(Article.id).where(Article.url == HAQQANI_URL))


def test_demo_seeds_articles_threads_and_work_for_moderators(demo_app):
    with demo_app.state.sessions() as session:
        articles = session.scalars(select(Article)).all()
        assert len(articles) >= 5
        statuses = [comment.status for comment in session.scalars(select(Comment))]
        assert CommentStatus.PENDING in statuses  # a moderator has work
        assert any(comment.parent_id for comment in session.scalars(select(Comment)))  # threads
        haqqani = session.get(Article, haqqani_id(demo_app))
        assert haqqani.published_count == 3
    assert seed_demo(demo_app) is False  # seeding twice changes nothing


def test_demo_start_shows_one_article_with_its_registered_url_and_an_embed_snippet(demo_app, seed_log):
    assert all(f"  {spec['title']}\n" in seed_log for spec in ARTICLES)  # whole titles, however long
    assert any(len(spec["title"]) > 70 for spec in ARTICLES)
    out = io.StringIO()
    announce(demo_app, "http://127.0.0.1:8000", out=out)
    said = out.getvalue()
    article_id = haqqani_id(demo_app)
    assert "http://127.0.0.1:8000/moderate" in said
    assert f"http://127.0.0.1:8000/articles/{article_id}" in said
    assert f"registered under the URL:   {HAQQANI_URL}" in said
    assert (
        '<div id="commentdesk"></div>\n<script src="http://127.0.0.1:8000/static/embed.js" data-site="demo" '
        f'data-url="{HAQQANI_URL}" async></script>'
    ) in said


def test_demo_home_page_links_every_article(demo_app):
    from fastapi.testclient import TestClient

    with TestClient(demo_app) as client:
        home = client.get("/").text
        with demo_app.state.sessions() as session:
            for article_id in session.scalars(select(Article.id)):
                assert f'href="/articles/{article_id}"' in home


@pytest.mark.browser
def test_a_reader_uses_the_demo_article(demo_app, browser):
    from playwright.sync_api import expect
    from tests.conftest import LiveServer

    server = LiveServer(demo_app).start()
    context = browser.new_context()
    page = context.new_page()
    page.set_default_timeout(20_000)
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    try:
        page.goto(f"{server.url}/")
        page.get_by_role("link", name=re.compile("Haqqani")).first.click()
        expect(page.get_by_role("heading", name="COMMENTS (3)")).to_be_visible()
        expect(
            page.get_by_text("Comments are moderated and generally will be posted if they are on-topic and not abusive.")
        ).to_be_visible()
        expect(page.get_by_role("link", name="Comments FAQ").first).to_be_visible()
        comments = page.locator(".cd-comment")
        expect(comments).to_have_count(2)
        page.get_by_role("button", name="VIEW MORE COMMENTS").or_(page.get_by_role("link", name="VIEW MORE COMMENTS")).click()
        expect(comments).to_have_count(3)
        expect(page.get_by_text("If the sanctuaries are really on Pakistani soil")).to_be_visible()

        form = page.locator("#cd-form")
        form.get_by_label("Name", exact=True).fill("Ayesha Malik")
        form.get_by_label("Comment", exact=True).fill(
            "Sharing intelligence on the Haqqani sanctuaries would test whether the joint operations offer is serious."
        )
        form.get_by_role("button", name=re.compile("post comment", re.I)).click()
        expect(page.get_by_text("Your comment is published.")).to_be_visible()
        mine = page.locator(".cd-comment", has_text="Ayesha Malik").first
        expect(mine).to_be_visible()

        mine.get_by_role("link", name="Reply").click()
        reply_form = page.locator(".cd-form--reply")
        expect(reply_form.get_by_text("Replying to Ayesha Malik")).to_be_visible()
        reply_form.get_by_label("Name", exact=True).fill("Tom Whitfield")
        reply_form.get_by_label("Reply", exact=True).fill(
            "Agreed, and the foreign office framing it as existing policy suggests the intelligence sharing was always the sticking point."
        )
        reply_form.get_by_role("button", name="Post reply").click()
        reply = page.locator(".cd-replies .cd-comment", has_text="Tom Whitfield")
        expect(reply.get_by_text("Replying to Ayesha Malik")).to_be_visible()
        expect(page.get_by_role("heading", name="COMMENTS (5)")).to_be_visible()
        assert errors == []
    finally:
        context.close()
        server.stop()
