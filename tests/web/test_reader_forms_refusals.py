"""Reader pages without JavaScript when something is off: unknown comments, stale forms, forged
notices, replies to what is gone; and the language a reader chose, kept across a form."""

from __future__ import annotations

import re
import time
import uuid
from urllib.parse import parse_qs, urlsplit

import jwt
import pytest
from sqlalchemy import func, select
from tests.web.conftest import ON_TOPIC
from tests.web.test_reader_pages import post_form, token_for

from commentdesk.store.models import Comment, Report

STATUS = re.compile(r'<div class="cd-status cd-status--(\w+)" id="cd-status"[^>]*>(.*?)</div>', re.S)


def landed(client, response) -> tuple[str, str]:
    """Follow a form's redirect; the outcome message's kind and its words."""
    assert response.status_code == 303, response.text[:300]
    page = client.get(response.headers["location"].split("#")[0]).text
    found = STATUS.search(page)
    assert found, page[:500]
    return found.group(1), " ".join(re.sub(r"<[^>]+>", " ", found.group(2)).split())


def stored(client, comment_id: int) -> Comment:
    with client.app.state.sessions() as session:
        return session.get(Comment, comment_id)


def reports_of(client, comment_id: int) -> int:
    with client.app.state.sessions() as session:
        return session.scalar(select(func.count()).select_from(Report).where(Report.comment_id == comment_id))


def own_comment(client, article_id: int) -> int:
    """Post through the form as this browser; the id of the comment it may now change."""
    assert post_form(client, article_id).status_code == 303
    with client.app.state.sessions() as session:
        return session.scalars(select(Comment.id).order_by(Comment.id.desc())).first()


def test_pages_and_forms_about_an_unknown_comment_are_not_found(client, make_article):
    article_id = make_article()
    token = token_for(client, article_id)
    for method, path in (
        ("get", "/comments/987654/edit"),
        ("post", "/comments/987654/edit"),
        ("post", "/comments/987654/delete"),
        ("post", "/comments/987654/report"),
        ("post", "/articles/987654/comments"),
        ("get", "/articles/987654/sign-in"),
    ):
        response = client.request(method, path, data={"token": token, "text": "x"} if method == "post" else None)
        assert response.status_code == 404, (method, path)
        assert "text/html" in response.headers["content-type"]


@pytest.mark.parametrize("written", ["0{id}", "+{id}", "{id}.0", "{id}_0", "99999999999999999999"])
def test_a_comment_or_article_named_other_than_as_the_server_writes_its_id_is_not_found(client, make_article, written):
    article_id = make_article()
    comment_id = own_comment(client, article_id)
    token = token_for(client, article_id)
    for method, path in (
        ("get", f"/comments/{written.format(id=comment_id)}/edit"),
        ("post", f"/comments/{written.format(id=comment_id)}/edit"),
        ("post", f"/comments/{written.format(id=comment_id)}/delete"),
        ("get", f"/articles/{written.format(id=article_id)}/sign-in"),
    ):
        response = client.request(method, path, data={"token": token, "text": "changed"} if method == "post" else None)
        assert response.status_code == 404, (method, path)
    with client.app.state.sessions() as session:
        assert session.get(Comment, comment_id).deleted_at is None


def test_an_edit_with_a_stale_token_changes_nothing(client, make_article):
    article_id = make_article()
    comment_id = own_comment(client, article_id)
    before = stored(client, comment_id).text
    response = client.post(f"/comments/{comment_id}/edit", data={"token": "stale", "text": ON_TOPIC[2]}, follow_redirects=False)
    assert landed(client, response) == ("error", "This form has expired. Please try again.")
    assert stored(client, comment_id).text == before


def test_an_empty_edit_is_shown_again_with_its_error(client, make_article):
    article_id = make_article()
    comment_id = own_comment(client, article_id)
    before = stored(client, comment_id).text
    response = client.post(f"/comments/{comment_id}/edit", data={"token": token_for(client, article_id), "text": "   "})
    assert response.status_code == 422
    assert '<p class="cd-error" id="cd-edit-error">The comment is empty.</p>' in response.text
    assert 'aria-invalid="true"' in response.text and 'name="token"' in response.text
    assert stored(client, comment_id).text == before


def test_a_delete_with_a_stale_token_keeps_the_comment(client, make_article):
    article_id = make_article()
    comment_id = own_comment(client, article_id)
    response = client.post(f"/comments/{comment_id}/delete", data={"token": "stale"}, follow_redirects=False)
    assert landed(client, response) == ("error", "This form has expired. Please try again.")
    assert stored(client, comment_id).deleted_at is None
    assert f"cd_edit_{comment_id}" in client.cookies


def test_someone_else_cannot_delete_and_is_told_why(client, make_article):
    article_id = make_article()
    comment_id = own_comment(client, article_id)
    client.cookies.clear()
    response = client.post(
        f"/comments/{comment_id}/delete", data={"token": token_for(client, article_id)}, follow_redirects=False
    )
    assert landed(client, response) == ("error", "Only the author can change this comment.")
    assert stored(client, comment_id).deleted_at is None


def test_a_deleted_comment_forgets_its_edit_cookie(client, make_article):
    article_id = make_article()
    comment_id = own_comment(client, article_id)
    response = client.post(
        f"/comments/{comment_id}/delete", data={"token": token_for(client, article_id)}, follow_redirects=False
    )
    assert f"cd_edit_{comment_id}=" in response.headers["set-cookie"] and "Max-Age=0" in response.headers["set-cookie"]
    assert stored(client, comment_id).deleted_at is not None


def test_a_report_with_a_stale_token_or_an_unknown_reason_is_not_recorded(client, make_article, post_comment):
    article_id = make_article()
    comment = post_comment(article_id, ON_TOPIC[1])
    stale = client.post(f"/comments/{comment['id']}/report", data={"token": "stale", "reason": "spam"}, follow_redirects=False)
    kind, words = landed(client, stale)
    assert kind == "error" and words.startswith("This form has expired. Please try reporting again.")
    odd = client.post(
        f"/comments/{comment['id']}/report",
        data={"token": token_for(client, article_id), "reason": "boring"},
        follow_redirects=False,
    )
    assert landed(client, odd)[0] == "error"
    assert reports_of(client, comment["id"]) == 0


def test_a_report_sent_from_a_later_page_keeps_only_a_sane_cursor(client, make_article, post_comment):
    article_id = make_article()
    comment = post_comment(article_id, ON_TOPIC[1])
    long_cursor = "c" * 201
    response = client.post(
        f"/comments/{comment['id']}/report",
        data={"token": token_for(client, article_id), "reason": "spam", "cursor": long_cursor},
        follow_redirects=False,
    )
    query = parse_qs(urlsplit(response.headers["location"]).query)
    assert "cursor" not in query and "notice" in query
    assert reports_of(client, comment["id"]) == 1


def test_a_reply_to_something_that_is_not_an_id_is_refused(client, make_article):
    article_id = make_article()
    response = post_form(client, article_id, parent_id="the-first-one")
    assert response.status_code == 422
    assert "The comment you are replying to is not available." in response.text
    with client.app.state.sessions() as session:
        assert session.scalar(select(func.count()).select_from(Comment)) == 0


def test_a_reply_link_to_a_comment_of_another_article_is_ignored(client, make_article, post_comment):
    first, second = make_article(), make_article(url="https://news.example/2024/other-story")
    elsewhere = post_comment(second, ON_TOPIC[2])
    page = client.get(f"/articles/{first}?reply_to={elsewhere['id']}").text
    assert 'name="parent_id"' not in page and "Replying to" not in page
    assert client.get(f"/articles/{first}?reply_to=not-a-number").status_code == 200


def test_a_forged_or_garbled_notice_shows_nothing(client, make_article):
    article_id = make_article()
    for notice in ("forged", "W1siIl0", "x" * 500):
        page = client.get(f"/articles/{article_id}", params={"notice": notice})
        assert page.status_code == 200 and not STATUS.search(page.text)


def test_an_overlong_cursor_shows_the_first_page(client, make_article, post_comment):
    article_id = make_article()
    post_comment(article_id, ON_TOPIC[0])
    page = client.get(f"/articles/{article_id}", params={"cursor": "z" * 300})
    assert page.status_code == 200 and ON_TOPIC[0] in page.text


def test_the_chosen_language_is_kept_across_the_form(client, make_article):
    article_id = make_article()
    token = token_for(client, article_id)
    response = client.post(
        f"/articles/{article_id}/comments?lang=de",
        data={"token": token, "author_name": " ", "text": ON_TOPIC[0]},
        follow_redirects=False,
    )
    assert response.status_code == 422 and '<html lang="de"' in response.text
    response = client.post("/comments/987654/delete?lang=de", data={"token": token})
    assert response.status_code == 404 and '<html lang="de"' in response.text
    posted = post_form(client, article_id, author_name="Lena")
    assert "lang=" not in posted.headers["location"]
    chosen = client.post(
        f"/articles/{article_id}/comments?lang=de",
        data={"token": token, "author_name": "Lena", "text": ON_TOPIC[1]},
        follow_redirects=False,
    )
    assert parse_qs(urlsplit(chosen.headers["location"]).query)["lang"] == ["de"]


def test_a_bad_sign_in_link_says_why_and_sets_no_cookie(client, auth, make_article):
    article_id = make_article()
    response = client.get(f"/articles/{article_id}/sign-in", params={"reader_token": "not-a-token"}, follow_redirects=False)
    kind, words = landed(client, response)
    assert kind == "error" and words.startswith("You are not signed in:")
    assert "cd_reader" not in response.headers.get("set-cookie", "")


def test_a_sign_in_link_signed_with_another_secret_is_refused(client, auth, make_article):
    secret = "the-publisher-and-commentdesk-share-this-secret"
    assert client.put("/api/v1/sso", headers=auth, json={"algorithm": "HS256", "key": secret}).status_code == 200
    article_id = make_article()
    now = int(time.time())
    claims = {"sub": "reader-9", "name": "Rui", "iat": now, "exp": now + 300, "jti": uuid.uuid4().hex}
    forged = jwt.encode(claims, "some-other-secret-that-is-just-as-long-as-ours", algorithm="HS256")
    response = client.get(f"/articles/{article_id}/sign-in", params={"reader_token": forged}, follow_redirects=False)
    assert landed(client, response)[0] == "error"
    assert "cd_reader" not in client.cookies
    good = jwt.encode(claims, secret, algorithm="HS256")
    response = client.get(f"/articles/{article_id}/sign-in", params={"reader_token": good}, follow_redirects=False)
    assert landed(client, response) == ("published", "You are signed in as Rui.")
    assert "cd_reader" in client.cookies


def test_article_text_without_blank_lines_is_split_at_its_line_breaks(client, make_article):
    article_id = make_article(body="First line of the story.\nSecond line of the story.\nThird line.")
    page = client.get(f"/articles/{article_id}").text
    assert "<p>First line of the story.</p>" in page and "<p>Third line.</p>" in page


def test_the_faq_of_an_unknown_site_shows_the_general_guidelines(client, auth):
    general = client.get("/faq").text
    assert client.get("/faq", params={"site": "no-such-site"}).text == general


def test_a_sites_guidelines_keep_structure_but_lose_scripts_and_odd_links(client, auth):
    with client.app.state.sessions() as session:
        from commentdesk.store import repository as repo

        site = repo.site_by_slug(session, "news")
        site.faq_markdown = (
            "# Our rules\n\n- Be kind\n- Stay on topic\n\n<script>alert(1)</script>\n\n"
            "[contact](javascript:alert(1)) and [editor](mailto:editor@news.example)"
        )
        session.commit()
    page = client.get("/faq", params={"site": "news"}).text
    assert "<h2>Our rules</h2>" in page and "<li>Be kind</li>" in page
    assert "<script>alert(1)</script>" not in page and "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert 'href="javascript:' not in page
    assert 'href="mailto:editor@news.example"' in page


def test_an_edit_held_for_review_says_it_is_the_edit_that_waits(client, make_article):
    article_id = make_article()
    comment_id = own_comment(client, article_id)
    make_article(premoderate=True)  # the same address: from now on a moderator reads every change first
    response = client.post(
        f"/comments/{comment_id}/edit", data={"token": token_for(client, article_id), "text": ON_TOPIC[3]}, follow_redirects=False
    )
    kind, words = landed(client, response)
    assert kind == "held" and words.startswith("Your edited comment is held for review")
    assert stored(client, comment_id).status == "pending"


def test_another_browser_is_sent_back_from_the_edit_page_with_the_reason(client, make_article):
    article_id = make_article()
    comment_id = own_comment(client, article_id)
    client.cookies.clear()
    response = client.get(f"/comments/{comment_id}/edit", follow_redirects=False)
    assert landed(client, response) == ("error", "Only the author can change this comment.")
