"""commentdesk's own pages without JavaScript: signing in with the publisher's link, editing and
deleting one's own comment, and a guest ban that covers the guest's cookie."""

from __future__ import annotations

import re
import time
import uuid

import jwt
from sqlalchemy import select
from tests.web.conftest import ON_TOPIC
from tests.web.test_reader_pages import post_form, token_for

from commentdesk.services import workspace
from commentdesk.store.models import Commenter, User

SECRET = "the-publisher-and-commentdesk-share-this-secret"


def reader_token(sub="reader-7", name="Ines Duarte") -> str:
    now = int(time.time())
    return jwt.encode(
        {"sub": sub, "name": name, "iat": now, "exp": now + 300, "jti": uuid.uuid4().hex}, SECRET, algorithm="HS256"
    )


def own_comment_id(client, article_id) -> int:
    page = client.get(f"/articles/{article_id}").text
    return int(re.search(r'<a class="cd-edit-link" href="/comments/(\d+)/edit">Edit</a>', page).group(1))


def test_a_guest_edits_and_deletes_their_comment_without_javascript(client, make_article):
    article_id = make_article()
    assert post_form(client, article_id).status_code == 303
    comment_id = own_comment_id(client, article_id)
    assert f"cd_edit_{comment_id}" in client.cookies

    edit_page = client.get(f"/comments/{comment_id}/edit").text
    assert ON_TOPIC[0] in edit_page
    token = re.search(r'name="token" value="([^"]+)"', edit_page).group(1)
    done = client.post(f"/comments/{comment_id}/edit", data={"token": token, "text": ON_TOPIC[3]}, follow_redirects=False)
    assert done.status_code == 303
    page = client.get(done.headers["location"].split("#")[0]).text
    assert "Your comment is updated." in page and "I cycle along the harbour road" in page and "· edited" in page

    gone = client.post(f"/comments/{comment_id}/delete", data={"token": token_for(client, article_id)}, follow_redirects=False)
    page = client.get(gone.headers["location"].split("#")[0]).text
    assert "Your comment is deleted." in page and "COMMENTS (0)" in page and "I cycle along" not in page


def test_another_browser_sees_no_edit_and_cannot_change_it(client, make_article):
    article_id = make_article()
    post_form(client, article_id)
    comment_id = own_comment_id(client, article_id)
    client.cookies.clear()
    assert 'class="cd-edit-link"' not in client.get(f"/articles/{article_id}").text
    refused = client.post(
        f"/comments/{comment_id}/edit", data={"token": token_for(client, article_id), "text": ON_TOPIC[2]}, follow_redirects=False
    )
    page = client.get(refused.headers["location"].split("#")[0]).text
    assert "Only the author can change this comment." in page and ON_TOPIC[0] in page


def test_the_publisher_link_signs_the_reader_in_once(client, auth, make_article):
    client.put("/api/v1/sso", json={"algorithm": "HS256", "key": SECRET}, headers=auth)
    article_id = make_article()
    token = reader_token()
    signed = client.get(f"/articles/{article_id}/sign-in", params={"reader_token": token}, follow_redirects=False)
    assert signed.status_code == 303 and "cd_reader" in client.cookies
    page = client.get(f"/articles/{article_id}").text
    assert 'Commenting as <strong dir="auto">Ines Duarte</strong>' in page and 'name="author_name"' not in page
    assert 'data-reader-session="' in page

    posted = client.post(
        f"/articles/{article_id}/comments",
        data={"token": token_for(client, article_id), "text": ON_TOPIC[1]},
        follow_redirects=False,
    )
    assert posted.status_code == 303
    page = client.get(f"/articles/{article_id}").text
    assert '<span class="cd-author" dir="auto">Ines Duarte</span>' in page and 'class="cd-edit-link"' in page

    # A shared computer: the reader signs out, and the next person is a guest again.
    assert f'action="/articles/{article_id}/sign-out"' in page and 'form="cd-sign-out"' in page
    out = client.post(f"/articles/{article_id}/sign-out", data={"token": "forged"}, follow_redirects=False)
    assert out.status_code == 303 and "cd_reader" in client.cookies  # a form from elsewhere changes nothing
    out = client.post(f"/articles/{article_id}/sign-out", data={"token": token_for(client, article_id)}, follow_redirects=False)
    assert out.status_code == 303 and "cd_reader" not in client.cookies
    page = client.get(out.headers["location"].split("#")[0]).text
    assert "You are signed out." in page and 'name="author_name"' in page and "Ines Duarte</strong>" not in page

    client.cookies.clear()
    replay = client.get(f"/articles/{article_id}/sign-in", params={"reader_token": token}, follow_redirects=False)
    assert "cd_reader" not in client.cookies
    assert "was used already" in client.get(replay.headers["location"].split("#")[0]).text


def test_a_banned_guest_with_a_new_name_is_refused_by_their_cookie(client, make_article):
    article_id = make_article()
    post_form(client, article_id, author_name="Troll")
    with client.app.state.sessions() as db:
        moderator = User(username="mod", password_hash="x", role="admin")
        db.add(moderator)
        db.flush()
        workspace.ban(db, moderator, db.scalars(select(Commenter)).one(), days=3, reason="abuse")
    refused = post_form(client, article_id, author_name="Brand New", author_email="new@example.org", text=ON_TOPIC[2])
    assert refused.status_code == 403 and "You cannot comment on this site at the moment." in refused.text
