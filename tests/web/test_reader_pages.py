"""Reader pages without JavaScript: the article page, its comment section, the forms, the FAQ."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, select
from tests.web.conftest import ON_TOPIC

from commentdesk.store.models import Comment, Report, Site
from commentdesk.web.reader import MODERATION_NOTICE
from commentdesk.web.timefmt import relative_time

TOKEN = re.compile(r'name="token" value="([^"]+)"')


def token_for(client, article_id: int) -> str:
    return TOKEN.search(client.get(f"/articles/{article_id}").text).group(1)


def stored_comments(client) -> int:
    with client.app.state.sessions() as session:
        return session.scalar(select(func.count()).select_from(Comment))


def post_form(client, article_id: int, **fields):
    data = {"token": token_for(client, article_id), "author_name": "Lena", "author_email": "", "text": ON_TOPIC[0], **fields}
    return client.post(f"/articles/{article_id}/comments", data=data, follow_redirects=False)


# --- the article page -----------------------------------------------------------------------


def test_article_page_shows_count_notice_faq_link_and_thread(client, make_article, post_comment):
    article_id = make_article()
    first = post_comment(article_id, ON_TOPIC[0], name="Ana")
    post_comment(article_id, ON_TOPIC[1], name="Bo", parent_id=first["id"])

    page = client.get(f"/articles/{article_id}")
    assert page.status_code == 200
    html = page.text
    assert "City council approves new cycle lanes on the harbour road" in html
    assert "<p>Shop owners" not in html and "Shop owners on the harbour road worry" in html
    assert "COMMENTS (2)" in html
    assert MODERATION_NOTICE in html
    assert '<a href="/faq?site=news">Comments FAQ</a>' in html
    assert re.search(r'<time class="cd-time" datetime="\d{4}-\d\d-\d\dT[\d:]+Z">just now</time>', html)
    assert 'Replying to <a href="#comment-%d" dir="auto">Ana</a>' % first["id"] in html
    assert html.count('class="cd-reply"') == 2 and html.count("<summary>Report</summary>") == 2
    assert 'data-article-id="%d"' % article_id in html and "/static/embed.js" in html
    assert "VIEW MORE COMMENTS" not in html


def test_view_more_link_only_when_more_comments(client, make_article, post_comment, auth):
    assert client.patch("/api/v1/policy", json={"page_size": 2}, headers=auth).status_code == 200
    article_id = make_article()
    for index, text in enumerate(ON_TOPIC[:2]):
        post_comment(article_id, text, name=f"Reader {index}")
    assert "VIEW MORE COMMENTS" not in client.get(f"/articles/{article_id}").text

    post_comment(article_id, ON_TOPIC[2], name="Reader 2")
    html = client.get(f"/articles/{article_id}").text
    assert "COMMENTS (3)" in html
    link = re.search(r'<a class="cd-more cd-button" href="([^"]+)">VIEW MORE COMMENTS</a>', html)
    assert link and link.group(1).startswith(f"/articles/{article_id}?cursor=") and link.group(1).endswith("#comments")
    assert ON_TOPIC[0] not in html  # the oldest is on the next page

    next_page = client.get(link.group(1).split("#")[0].replace("&amp;", "&")).text
    assert ON_TOPIC[0] in next_page and ON_TOPIC[2] not in next_page
    assert "VIEW MORE COMMENTS" not in next_page
    assert 'name="robots" content="noindex, follow"' in next_page
    # and a way back to the first page
    assert f'<a href="/articles/{article_id}#comments">Back to the newest comments</a>' in next_page
    assert "Back to the newest comments" not in html


def test_a_bad_cursor_shows_the_first_page(client, make_article, post_comment):
    article_id = make_article()
    post_comment(article_id, ON_TOPIC[0])
    page = client.get(f"/articles/{article_id}?cursor=not-a-cursor")
    assert page.status_code == 200 and ON_TOPIC[0] in page.text


def test_unknown_article_is_a_page_not_found(client):
    page = client.get("/articles/999999")
    assert page.status_code == 404 and "text/html" in page.headers["content-type"]


# --- posting without JavaScript -------------------------------------------------------------


def test_form_post_publishes_and_redirects_with_the_outcome(client, make_article, require_models):
    article_id = make_article()
    response = post_form(client, article_id)
    assert response.status_code == 303
    location = response.headers["location"]
    assert location.startswith(f"/articles/{article_id}?notice=")
    # The page opens at the confirmation itself, which links down to the new comment.
    assert location.endswith("#cd-status")
    page = client.get(location.split("#")[0]).text
    status = re.search(r'<div class="cd-status cd-status--published" id="cd-status"[^>]*>(.*?)</div>', page, re.S).group(1)
    assert status.startswith("Your comment is published.")
    comment_id = re.search(r'<a class="cd-status-link" href="#comment-(\d+)">Show my comment</a>', status).group(1)
    assert f'id="comment-{comment_id}"' in page and "COMMENTS (1)" in page


def test_form_post_held_for_review_explains_why(client, make_article):
    article_id = make_article(premoderate=True)
    response = post_form(client, article_id)
    assert response.status_code == 303 and response.headers["location"].endswith("#cd-status")
    page = client.get(response.headers["location"].split("#")[0]).text
    assert "Your comment is held for review: " in page
    assert "Show my comment" not in page  # nothing to show yet
    assert "Comments here are read by a moderator before they are published." in page
    assert "COMMENTS (0)" in page and ON_TOPIC[0] not in page


def test_form_post_rejected_gives_the_reason(client, auth, make_article):
    # A site with a clean-language policy: profanity is not banned by default.
    assert client.patch("/api/v1/policy", json={"banned_words": ["fuck*"]}, headers=auth).status_code == 200
    article_id = make_article()
    response = post_form(client, article_id, text="The council fucking wasted money on these harbour road cycle lanes.")
    page = client.get(response.headers["location"].split("#")[0]).text
    assert "Your comment was not published: " in page
    assert "It contains language this site does not allow: “fucking”." in page  # the reason and the phrase behind it


def test_reply_link_shows_replying_to_in_the_form(client, make_article, post_comment):
    article_id = make_article()
    parent = post_comment(article_id, ON_TOPIC[0], name="Ana")
    html = client.get(f"/articles/{article_id}?reply_to={parent['id']}").text
    assert f'<input type="hidden" name="parent_id" value="{parent["id"]}">' in html
    assert 'Replying to <span dir="auto">Ana</span>' in html


def test_form_reply_is_threaded_with_replying_to(client, make_article, post_comment):
    article_id = make_article()
    parent = post_comment(article_id, ON_TOPIC[0], name="Ana")
    response = post_form(client, article_id, parent_id=str(parent["id"]), author_name="Bo", text=ON_TOPIC[3])
    assert response.status_code == 303
    with client.app.state.sessions() as session:
        reply = session.scalar(select(Comment).where(Comment.parent_id == parent["id"]))
        assert reply is not None and reply.depth == 1
    if reply.status != "published":  # held where the models cannot run: a moderator approves it
        from tests.web.conftest import approve

        approve(client.app, reply.id)
    html = client.get(f"/articles/{article_id}").text
    assert re.search(
        r'id="comment-%d".*?Replying to <a href="#comment-%d" dir="auto">Ana</a>' % (reply.id, parent["id"]), html, re.S
    )


def test_invalid_form_input_shows_errors_keeps_text_and_stores_nothing(client, make_article):
    article_id = make_article()
    response = post_form(client, article_id, author_name="  ", text="My half-written thoughts on the cycle lanes")
    assert response.status_code == 422
    assert "Please give a name to post under." in response.text
    assert 'aria-invalid="true" aria-describedby="cd-name-error"' in response.text
    assert ">My half-written thoughts on the cycle lanes</textarea>" in response.text

    bad_email = post_form(client, article_id, author_email="not-an-address")
    assert bad_email.status_code == 422 and "That e-mail address does not look right." in bad_email.text
    assert stored_comments(client) == 0


def test_form_without_a_valid_token_is_refused(client, make_article):
    article_id = make_article()
    response = client.post(
        f"/articles/{article_id}/comments", data={"token": "forged", "author_name": "Lena", "text": ON_TOPIC[0]}
    )
    assert response.status_code == 400 and "This form has expired" in response.text
    other = make_article(url="https://news.example/2024/other")
    borrowed = client.post(
        f"/articles/{article_id}/comments", data={"token": token_for(client, other), "author_name": "Lena", "text": ON_TOPIC[0]}
    )
    assert borrowed.status_code == 400
    assert stored_comments(client) == 0


def test_closed_article_shows_a_message_instead_of_the_form(client, make_article, post_comment):
    article_id = make_article()
    post_comment(article_id, ON_TOPIC[0])
    token = token_for(client, article_id)
    make_article(comments_open=False)  # same URL: closes the article
    html = client.get(f"/articles/{article_id}").text
    assert "Comments are closed on this article." in html
    assert 'id="cd-form"' not in html and 'class="cd-reply"' not in html
    assert ON_TOPIC[0] in html and "COMMENTS (1)" in html

    refused = client.post(f"/articles/{article_id}/comments", data={"token": token, "author_name": "Lena", "text": ON_TOPIC[1]})
    assert refused.status_code == 403 and "Comments are closed on this article." in refused.text
    assert stored_comments(client) == 1


# --- safety of what readers write -----------------------------------------------------------


def test_markup_in_names_and_comments_is_escaped_or_sanitised(client, make_article, post_comment):
    article_id = make_article()
    post_comment(
        article_id,
        name='<script>alert("name")</script>',
        insist=False,
        text='The harbour road cycle lanes <script>alert("text")</script> are a good idea from the council <img src=x onerror=alert(1)>.',
    )
    html = client.get(f"/articles/{article_id}").text
    assert "<script>alert" not in html and "<img" not in html
    assert not re.search(r"<[^>]*onerror", html)  # only as escaped text, never as an attribute
    assert "&lt;script&gt;alert(&#34;name&#34;)&lt;/script&gt;" in html
    assert "harbour road cycle lanes" in html


def test_right_to_left_names_and_text_get_auto_direction(client, make_article, post_comment):
    article_id = make_article()
    post_comment(article_id, ON_TOPIC[0], name="مريم")
    html = client.get(f"/articles/{article_id}").text
    assert '<span class="cd-author" dir="auto">مريم</span>' in html
    assert '<div class="cd-body" dir="auto">' in html


# --- reporting ------------------------------------------------------------------------------


def test_report_form_records_a_report_and_thanks_the_reader(client, make_article, post_comment):
    article_id = make_article()
    comment = post_comment(article_id, ON_TOPIC[0])
    token = token_for(client, article_id)
    response = client.post(
        f"/comments/{comment['id']}/report", data={"token": token, "reason": "off_topic"}, follow_redirects=False
    )
    assert response.status_code == 303 and response.headers["location"].endswith("#cd-status")
    thanked = client.get(response.headers["location"].split("#")[0]).text
    assert re.search(
        r'id="cd-status"[^>]*>Thank you. A moderator will look at this comment. '
        r'<a class="cd-status-link" href="#comment-%d">Back to the comment</a>' % comment["id"],
        thanked,
    )
    with client.app.state.sessions() as session:
        assert session.scalar(select(func.count()).select_from(Report)) == 1
        assert session.get(Comment, comment["id"]).report_count == 1

    no_reason = client.post(f"/comments/{comment['id']}/report", data={"token": token}, follow_redirects=False)
    assert "Please choose why" in client.get(no_reason.headers["location"].split("#")[0]).text


def test_reporting_from_a_later_page_comes_back_to_that_page(client, make_article, post_comment, auth):
    assert client.patch("/api/v1/policy", json={"page_size": 1}, headers=auth).status_code == 200
    article_id = make_article()
    oldest = post_comment(article_id, ON_TOPIC[0], name="Reader 0")
    post_comment(article_id, ON_TOPIC[1], name="Reader 1")
    first_page = client.get(f"/articles/{article_id}").text
    later = (
        re.search(r'href="(/articles/\d+\?cursor=[^"#]+)#comments">VIEW MORE COMMENTS', first_page).group(1).replace("&amp;", "&")
    )
    later_page = client.get(later).text
    cursor = re.search(r'name="cursor" value="([^"]+)"', later_page).group(1)
    token = TOKEN.search(later_page).group(1)
    response = client.post(
        f"/comments/{oldest['id']}/report", data={"token": token, "reason": "spam", "cursor": cursor}, follow_redirects=False
    )
    assert response.status_code == 303
    back = client.get(response.headers["location"].split("#")[0]).text
    assert ON_TOPIC[0] in back and ON_TOPIC[1] not in back  # the same page of comments
    assert f'href="#comment-{oldest["id"]}">Back to the comment</a>' in back


# --- home and FAQ ---------------------------------------------------------------------------


def test_home_lists_every_article_newest_first_with_counts(client, make_article, post_comment):
    older = make_article(
        url="https://news.example/older", title="Harbour road cycle lanes first proposed", published_at="2023-01-01T00:00:00Z"
    )
    newer = make_article()
    post_comment(newer, ON_TOPIC[0])
    html = client.get("/").text
    assert "commentdesk" in html
    assert html.index(f'href="/articles/{newer}"') < html.index(f'href="/articles/{older}"')
    assert "1 comment<" in html and "0 comments" in html


def test_faq_has_guidelines_and_sites_can_replace_them(client, make_article):
    html = client.get("/faq").text
    assert "Comments FAQ" in html and MODERATION_NOTICE in html
    assert "held for review" in html and "hash" in html and "own servers" in html

    with client.app.state.sessions() as session:
        site = session.scalar(select(Site).where(Site.slug == "news"))
        site.faq_markdown = "# House rules\n\nBe **kind**.\n\n<script>alert(1)</script>\n\n- Stay on topic"
        session.commit()
    custom = client.get("/faq?site=news").text
    assert "<h2>House rules</h2>" in custom and "<strong>kind</strong>" in custom and "<li>Stay on topic</li>" in custom
    assert "<script>alert" not in custom


# --- relative times -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("age", "words"),
    [
        (timedelta(seconds=5), "just now"),
        (timedelta(minutes=1), "1 minute ago"),
        (timedelta(minutes=5, seconds=30), "5 minutes ago"),
        (timedelta(hours=3), "3 hours ago"),
        (timedelta(days=1), "1 day ago"),
        (timedelta(days=15), "2 weeks ago"),
        (timedelta(days=65), "2 months ago"),
        (timedelta(days=6 * 365 + 10), "6 years ago"),
        (timedelta(seconds=-30), "just now"),
    ],
)
def test_relative_time(age, words):
    now = datetime(2026, 5, 1, 12, 0, tzinfo=UTC)
    assert relative_time(now - age, now) == words
