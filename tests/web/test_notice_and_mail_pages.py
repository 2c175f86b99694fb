"""The notice-of-illegal-content pages and the links in e-mail, when the reader arrives with
something wrong: a comment they cannot see, an unknown reference, a stale or foreign link."""

from __future__ import annotations

import re

from sqlalchemy import func, select
from tests.web.conftest import ON_TOPIC
from tests.web.test_reader_pages import token_for

from commentdesk.store.models import Comment, CommentStatus, IllegalContentNotice

EXPLANATION = "It states as fact that a named shop owner on the harbour road cheats customers, which is defamation."


def notices_stored(client) -> int:
    with client.app.state.sessions() as session:
        return session.scalar(select(func.count()).select_from(IllegalContentNotice))


def notice_fields(client, article_id: int, **changes) -> dict:
    return {
        "token": token_for(client, article_id),
        "ground": "defamation",
        "explanation": EXPLANATION,
        "notifier_name": "Jo Reader",
        "notifier_email": "jo@example.org",
        "good_faith": "yes",
        **changes,
    }


def hold(client, comment_id: int) -> None:
    with client.app.state.sessions() as session:
        session.get(Comment, comment_id).status = CommentStatus.PENDING
        session.commit()


def test_a_notice_about_a_comment_readers_cannot_see_is_not_found(client, make_article, post_comment):
    article_id = make_article()
    comment = post_comment(article_id, ON_TOPIC[0])
    hold(client, comment["id"])
    assert client.get(f"/comments/{comment['id']}/notice").status_code == 404
    refused = client.post(f"/comments/{comment['id']}/notice", data=notice_fields(client, article_id))
    assert refused.status_code == 404 and "That comment is not available." in refused.text
    assert client.get("/comments/987654/notice").status_code == 404
    assert notices_stored(client) == 0


def test_the_notice_form_names_the_comment_and_offers_every_ground(client, make_article, post_comment):
    article_id = make_article()
    comment = post_comment(article_id, ON_TOPIC[1])
    page = client.get(f"/comments/{comment['id']}/notice").text
    assert ON_TOPIC[1] in page
    for ground in ("defamation", "illegal_hate_speech", "terrorist_content", "child_safety", "other"):
        assert f'value="{ground}"' in page
    assert re.search(r'name="token" value="[^"]+"', page)


def test_a_sent_notice_thanks_the_reader_once_and_its_page_stays(client, make_article, post_comment):
    article_id = make_article()
    comment = post_comment(article_id, ON_TOPIC[2])
    sent = client.post(f"/comments/{comment['id']}/notice", data=notice_fields(client, article_id), follow_redirects=False)
    assert sent.status_code == 303
    location = sent.headers["location"]
    assert re.fullmatch(r"/notices/[A-Za-z0-9_-]+\?sent=1", location)
    thanked = client.get(location).text
    assert "Thank you: your notice is received." in thanked
    later = client.get(location.split("?")[0]).text
    assert "Thank you: your notice is received." not in later
    assert "Defamation or insult" in later and f'href="/articles/{article_id}"' in later


def test_an_explanation_too_short_is_shown_again_with_the_fields_kept(client, make_article, post_comment):
    article_id = make_article()
    comment = post_comment(article_id, ON_TOPIC[3])
    refused = client.post(f"/comments/{comment['id']}/notice", data=notice_fields(client, article_id, explanation="bad"))
    assert refused.status_code == 422
    assert 'value="Jo Reader"' in refused.text and 'value="jo@example.org"' in refused.text
    unknown_ground = client.post(
        f"/comments/{comment['id']}/notice", data=notice_fields(client, article_id, ground="i-dislike-it")
    )
    assert unknown_ground.status_code == 422
    assert notices_stored(client) == 0


def test_a_notice_sent_in_german_keeps_german_on_its_status_page(client, make_article, post_comment):
    article_id = make_article()
    comment = post_comment(article_id, ON_TOPIC[0])
    sent = client.post(
        f"/comments/{comment['id']}/notice?lang=de", data=notice_fields(client, article_id), follow_redirects=False
    )
    assert sent.status_code == 303 and sent.headers["location"].endswith("sent=1&lang=de")
    page = client.get(sent.headers["location"]).text
    assert '<html lang="de"' in page


def test_an_unknown_notice_reference_is_a_page_not_found(client):
    page = client.get("/notices/not-a-real-reference")
    assert page.status_code == 404 and "No notice has that reference." in page.text


def test_a_confirmation_link_that_is_not_valid_says_so(client):
    page = client.get("/mail/confirm", params={"token": "x" * 40})
    assert page.status_code == 400
    assert "Link not valid" in page.text and "more than a week old" in page.text


def test_a_mail_link_without_a_sensible_token_is_refused_as_malformed(client):
    for path in ("/mail/confirm", "/mail/unsubscribe"):
        assert client.get(path).status_code == 422
        assert client.get(path, params={"token": "short"}).status_code == 422
        assert client.get(path, params={"token": "t" * 201}).status_code == 422


def test_unsubscribing_takes_a_press_of_the_button_not_just_a_visit(client):
    token = "an-unsubscribe-token-nobody-issued"
    page = client.get("/mail/unsubscribe", params={"token": token})
    assert page.status_code == 200
    assert f'action="/mail/unsubscribe?token={token}"' in page.text and 'method="post"' in page.text
    pressed = client.post("/mail/unsubscribe", params={"token": token})
    assert pressed.status_code == 400 and "This link is not valid." in pressed.text


def test_the_unsubscribe_button_keeps_the_chosen_language(client):
    page = client.get("/mail/unsubscribe", params={"token": "an-unsubscribe-token-nobody-issued", "lang": "de"})
    assert '<html lang="de"' in page.text
    assert 'token=an-unsubscribe-token-nobody-issued&amp;lang=de"' in page.text
