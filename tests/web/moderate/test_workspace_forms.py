"""Workspace forms and pages beyond the queues: where sign-in sends a moderator, signing out, the
language setting, the audit log's filters and pages, and the webhooks page's retry button."""

from __future__ import annotations

import re

import pytest
from moderate_helpers import PASSWORD, csrf_from, login, session_csrf

from commentdesk.services import webhooks
from commentdesk.store.models import Article, Commenter, CommentStatus, Site, User
from commentdesk.web.moderate import audit as audit_page


def form_csrf(client) -> str:
    """The CSRF token the workspace's own forms carry (the language picker is on every page)."""
    return csrf_from(client.get("/moderate/queue/held").text)


def user(client, username: str) -> User:
    with client.app.state.sessions() as session:
        return session.query(User).filter_by(username=username).one()


# --- signing in and out ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("asked", "landing"),
    [
        ("/moderate/audit?actor=system", "/moderate/audit?actor=system"),
        ("https://evil.example/moderate", "/moderate/queue/held"),
        ("//evil.example/moderate", "/moderate/queue/held"),
        ("/elsewhere", "/moderate/queue/held"),
        ("", "/moderate/queue/held"),
    ],
)
def test_sign_in_goes_back_only_to_pages_inside_the_workspace(client, world, asked, landing):
    page = client.get("/moderate/login", params={"next": asked})
    signed = client.post(
        "/moderate/login",
        data={"username": "mod", "password": PASSWORD, "csrf_token": csrf_from(page.text), "next": asked},
        follow_redirects=False,
    )
    assert signed.status_code == 303 and signed.headers["location"] == landing
    # Signed in already, the sign-in page sends the moderator on, by the same rule.
    again = client.get("/moderate/login", params={"next": asked}, follow_redirects=False)
    assert again.status_code == 303 and again.headers["location"] == landing


def test_a_page_asked_for_before_signing_in_is_remembered(client, world):
    sent = client.get("/moderate/audit?actor=system&q=lanes", follow_redirects=False)
    assert sent.status_code == 303
    assert sent.headers["location"] == "/moderate/login?next=%2Fmoderate%2Faudit%3Factor%3Dsystem%26q%3Dlanes"
    form = client.get(sent.headers["location"]).text
    assert 'value="/moderate/audit?actor=system&amp;q=lanes"' in form


@pytest.mark.parametrize("username", ["mod\x00", "m" * 201])
def test_names_no_account_could_have_are_answered_like_a_wrong_password(client, world, username):
    response = login(client, username)
    assert response.status_code == 401 and "Wrong username or password." in response.text
    assert "commentdesk_moderator=" not in response.headers.get("set-cookie", "")


def test_signing_out_needs_the_forms_token_and_then_ends_the_session(client, world):
    assert login(client, "mod").status_code == 303
    token = form_csrf(client)
    refused = client.post("/moderate/logout", data={"csrf_token": "wrong"}, follow_redirects=False)
    assert refused.status_code == 403
    assert client.get("/moderate/queue/held", follow_redirects=False).status_code == 200
    done = client.post("/moderate/logout", data={"csrf_token": token}, follow_redirects=False)
    assert done.status_code == 303 and done.headers["location"] == "/moderate/login"
    assert client.get("/moderate/queue/held", follow_redirects=False).status_code == 303


def test_signing_out_when_signed_out_goes_to_sign_in(client, world):
    response = client.post("/moderate/logout", data={"csrf_token": "anything"}, follow_redirects=False)
    assert response.status_code == 303 and response.headers["location"].startswith("/moderate/login")


# --- the workspace language -----------------------------------------------------------------


def test_the_chosen_language_is_kept_and_the_page_comes_back_without_its_lang(client, world, signed_in):
    done = client.post(
        "/moderate/language",
        data={"csrf_token": form_csrf(client), "language": "de", "back": "/moderate/audit?lang=ur&actor=system&lang=en"},
        follow_redirects=False,
    )
    assert done.status_code == 303 and done.headers["location"] == "/moderate/audit?actor=system"
    assert user(client, "mod").language == "de"
    assert '<html lang="de"' in client.get("/moderate/audit").text


def test_an_empty_choice_goes_back_to_the_browsers_language(client, world, signed_in):
    client.post("/moderate/language", data={"csrf_token": form_csrf(client), "language": "ur", "back": "/moderate/audit"})
    done = client.post(
        "/moderate/language",
        data={"csrf_token": form_csrf(client), "language": "", "back": "/moderate/audit?lang=de"},
        follow_redirects=False,
    )
    assert done.headers["location"] == "/moderate/audit"
    assert user(client, "mod").language is None
    assert '<html lang="de"' in client.get("/moderate/audit", headers={"Accept-Language": "de"}).text


def test_a_language_form_cannot_send_the_moderator_off_the_workspace(client, world, signed_in):
    done = client.post(
        "/moderate/language",
        data={"csrf_token": form_csrf(client), "language": "en", "back": "https://evil.example/?lang=de"},
        follow_redirects=False,
    )
    assert done.headers["location"] == "/moderate/queue/held"


# --- the audit log --------------------------------------------------------------------------


def event_rows(html: str) -> list[int]:
    return [int(found) for found in re.findall(r'<tr data-event="(\d+)">', html)]


def test_the_audit_log_filters_by_action_site_actor_and_comment(client, world, signed_in):
    held = world.add_comment("Held for a look at the cycle lanes.")
    published = world.add_comment("Published about the lanes.", status=CommentStatus.PUBLISHED)
    sport = world.add_comment("About the cup final.", site="sport", article="cup", status=CommentStatus.REJECTED)
    everything = event_rows(client.get("/moderate/audit").text)
    assert len(everything) == 3 and everything == sorted(everything, reverse=True)

    def rows(**params) -> list[int]:
        return event_rows(client.get("/moderate/audit", params=params).text)

    assert len(rows(action="hold")) == 1 and len(rows(action="reject")) == 1
    assert len(rows(site=str(world.site_ids["sport"]))) == 1
    assert len(rows(comment=str(published))) == 1 and len(rows(comment=str(held))) == 1
    assert rows(actor="system") == everything and rows(actor="nobody-at-all") == []
    assert len(rows(q="cup final")) == 1
    # An id that is not one is refused with the reason, not read as no filter (test_workspace_ids.py).
    assert client.get("/moderate/audit", params={"comment": "seven"}).status_code == 422
    assert len(rows(comment=str(sport))) == 1


def test_the_audit_log_pages_back_with_its_filters(client, world, signed_in, monkeypatch):
    monkeypatch.setattr(audit_page, "PAGE", 2)
    for number in range(5):
        world.add_comment(f"Held comment number {number} about the lanes.")
    world.add_comment("Published, not held.", status=CommentStatus.PUBLISHED)
    first = client.get("/moderate/audit", params={"action": "hold"}).text
    shown = event_rows(first)
    assert len(shown) == 2
    older = re.search(r'<a href="(/moderate/audit\?[^"]+)">Older entries</a>', first).group(1).replace("&amp;", "&")
    assert "action=hold" in older and f"before={shown[-1]}" in older
    seen = list(shown)
    while older:
        page = client.get(older).text
        rows = event_rows(page)
        assert all(row < seen[-1] for row in rows)
        seen += rows
        found = re.search(r'<a href="(/moderate/audit\?[^"]+)">Older entries</a>', page)
        older = found.group(1).replace("&amp;", "&") if found else None
    assert len(seen) == 5


def test_a_moderator_of_one_site_reads_only_its_events(client, world):
    world.add_user("sportsdesk", sites=["sport"])
    world.add_comment("On the news site.")
    world.add_comment("On the sport site.", site="sport", article="cup")
    assert login(client, "sportsdesk").status_code == 303
    assert len(event_rows(client.get("/moderate/audit").text)) == 1
    assert event_rows(client.get("/moderate/audit", params={"site": str(world.site_ids["news"])}).text) == []


# --- webhooks -------------------------------------------------------------------------------


def add_webhook(client, slug: str, url: str) -> int:
    with client.app.state.sessions() as session:
        site = session.query(Site).filter_by(slug=slug).one()
        endpoint, _secret = webhooks.create(session, site, url, ["comment.published"])
        return endpoint.id


def test_the_webhooks_page_lists_the_endpoints_of_the_moderators_sites(client, world):
    news = add_webhook(client, "news", "https://hooks.example/news")
    sport = add_webhook(client, "sport", "https://hooks.example/sport")
    world.add_user("sportsdesk", sites=["sport"])
    assert login(client, "sportsdesk").status_code == 303
    page = client.get("/moderate/webhooks").text
    assert f'id="webhook-{sport}"' in page and "https://hooks.example/sport" in page
    assert f'id="webhook-{news}"' not in page and "https://hooks.example/news" not in page


def test_retrying_an_endpoint_with_nothing_failed_says_none_were_queued(client, world, signed_in):
    endpoint = add_webhook(client, "news", "https://hooks.example/news")
    done = client.post(f"/moderate/webhooks/{endpoint}/retry", data={"csrf_token": form_csrf(client)}, follow_redirects=False)
    assert done.status_code == 303 and done.headers["location"] == f"/moderate/webhooks?retried=0#webhook-{endpoint}"
    assert "0 failed deliveries queued again." in client.get(done.headers["location"].split("#")[0]).text


def test_retrying_an_unknown_or_foreign_endpoint_is_not_found(client, world):
    news = add_webhook(client, "news", "https://hooks.example/news")
    world.add_user("sportsdesk", sites=["sport"])
    assert login(client, "sportsdesk").status_code == 303
    token = form_csrf(client)
    assert client.post(f"/moderate/webhooks/{news}/retry", data={"csrf_token": token}).status_code == 404
    assert client.post("/moderate/webhooks/987654/retry", data={"csrf_token": token}).status_code == 404
    assert client.post(f"/moderate/webhooks/{news}/retry", data={"csrf_token": "forged"}).status_code == 403


def test_a_garbled_retried_count_is_not_shown(client, world, signed_in):
    page = client.get("/moderate/webhooks", params={"retried": "<b>many</b>"}).text
    assert "queued again" not in page and "<b>many</b>" not in page


# --- the script endpoints' refusals -------------------------------------------------------


def test_undoing_someone_elses_decision_is_refused(client, world):
    held = world.add_comment("Held on the news site.")
    assert login(client, "chief").status_code == 303
    decided = client.post(
        "/moderate/api/decisions", headers={"X-CSRF-Token": session_csrf(client)}, json={"action": "approve", "ids": [held]}
    )
    assert decided.status_code == 200, decided.text
    client.cookies.clear()
    assert login(client, "mod").status_code == 303
    refused = client.post(
        "/moderate/api/undo", headers={"X-CSRF-Token": session_csrf(client)}, json={"event_ids": decided.json()["event_ids"]}
    )
    assert refused.status_code == 409 and refused.json()["error"]["message"] == "Only your own decisions can be undone."
    assert world.comment(held).status == CommentStatus.PUBLISHED


def test_undoing_ones_own_decision_on_a_site_no_longer_moderated_is_not_found(client, world, signed_in):
    sport = world.add_comment("Held on the sport site.", site="sport", article="cup")
    decided = client.post("/moderate/api/decisions", headers=signed_in, json={"action": "approve", "ids": [sport]})
    assert decided.status_code == 200, decided.text
    with client.app.state.sessions() as session:
        session.query(User).filter_by(username="mod").one().site_ids = [world.site_ids["news"]]
        session.commit()
    refused = client.post("/moderate/api/undo", headers=signed_in, json={"event_ids": decided.json()["event_ids"]})
    assert refused.status_code == 404
    assert world.comment(sport).status == CommentStatus.PUBLISHED


# --- what is not there, or not the moderator's -----------------------------------------------


def test_the_workspace_root_opens_the_held_queue(client, world, signed_in):
    for path in ("/moderate", "/moderate/"):
        response = client.get(path, follow_redirects=False)
        assert response.status_code == 303 and response.headers["location"] == "/moderate/queue/held"


@pytest.mark.parametrize(
    ("path", "thing"),
    [
        ("/moderate/queue/spam", "queue"),
        ("/moderate/comments/987654", "comment"),
        ("/moderate/commenters/987654", "commenter"),
        ("/moderate/notices/987654", "notice"),
    ],
)
def test_unknown_things_are_a_workspace_page_not_found(client, world, signed_in, path, thing):
    response = client.get(path)
    assert response.status_code == 404
    assert f"There is no such {thing}, or it belongs to a site you do not moderate." in response.text
    assert 'href="/moderate/queue/held"' in response.text
    # Still the workspace, signed in: its navigation and the moderator's name are there.
    assert "Sign out" in response.text and "<bdi>mod</bdi>" in response.text


def test_a_workspace_page_not_found_is_in_the_moderators_language(client, world, signed_in):
    german = client.get("/moderate/commenters/987654", headers={"Accept-Language": "de"})
    assert german.status_code == 404 and '<html lang="de" dir="ltr">' in german.text
    assert "Nicht gefunden (kommentierende Person) – oder es gehört zu einer Website" in german.text
    # The moderator's own setting outranks the browser's, on this page as on every other.
    client.post("/moderate/language", data={"csrf_token": form_csrf(client), "language": "ur"})
    urdu = client.get("/moderate/notices/987654", headers={"Accept-Language": "de"})
    assert urdu.status_code == 404 and '<html lang="ur" dir="rtl">' in urdu.text
    assert "ایسا کوئی نوٹس نہیں" in urdu.text and "Meldung" not in urdu.text


def test_another_sites_comment_and_commenter_look_like_they_do_not_exist(client, world):
    sport = world.add_comment("About the cup final.", site="sport", article="cup")
    commenter_id = world.comment(sport).commenter_id
    world.add_user("newsdesk", sites=["news"])
    assert login(client, "newsdesk").status_code == 303
    for path, thing in ((f"/moderate/comments/{sport}", "comment"), (f"/moderate/commenters/{commenter_id}", "commenter")):
        response = client.get(path)
        assert response.status_code == 404 and f"There is no such {thing}" in response.text
        assert "About the cup final." not in response.text


@pytest.mark.parametrize(
    ("path", "fields", "thing"),
    [
        ("/moderate/comments/987654/decide", {"action": "approve"}, "comment"),
        ("/moderate/articles/987654/options", {"comments_open": "0"}, "article"),
        ("/moderate/commenters/987654/notes", {"note": "Check this one."}, "commenter"),
        ("/moderate/commenters/987654/ban", {"length": "1"}, "commenter"),
        ("/moderate/commenters/987654/unban", {}, "commenter"),
        ("/moderate/notices/987654/review", {}, "notice"),
        ("/moderate/notices/987654/decide", {"action": "remove"}, "notice"),
    ],
)
def test_a_form_about_something_not_there_answers_the_workspace_page_not_found(client, world, signed_in, path, fields, thing):
    """A form sent from an old page (the item deleted, or the moderator's sites changed since)
    gets the workspace's own page, not an error body meant for scripts."""
    response = client.post(path, data={"csrf_token": form_csrf(client), **fields}, follow_redirects=False)
    assert response.status_code == 404 and response.headers["content-type"].startswith("text/html")
    assert f"There is no such {thing}, or it belongs to a site you do not moderate." in response.text
    assert "Sign out" in response.text


def test_another_sites_article_cannot_be_closed_from_a_form(client, world):
    world.add_user("newsdesk", sites=["news"])
    assert login(client, "newsdesk").status_code == 303
    cup = world.article_ids["cup"]
    response = client.post(f"/moderate/articles/{cup}/options", data={"csrf_token": form_csrf(client), "comments_open": "0"})
    assert response.status_code == 404 and "There is no such article" in response.text
    with client.app.state.sessions() as session:
        assert session.get_one(Article, cup).comments_open


def test_the_workspace_scripts_still_get_json_for_something_not_there(client, world, signed_in):
    response = client.post("/moderate/api/commenters/987654/ban", headers=signed_in, json={"length": "1"})
    assert response.status_code == 404 and response.headers["content-type"].startswith("application/json")


# --- refusals answered as a page --------------------------------------------------------------


def test_a_form_with_a_value_it_never_offers_is_refused_with_a_page_and_changes_nothing(client, world, signed_in):
    comment_id = world.add_comment("Held for a look at the bridge.")
    commenter_id = world.comment(comment_id).commenter_id
    token = form_csrf(client)
    refused = [
        client.post(f"/moderate/comments/{comment_id}/decide", data={"csrf_token": token, "action": "frobnicate"}),
        client.post(f"/moderate/commenters/{commenter_id}/ban", data={"csrf_token": token, "length": "forever"}),
    ]
    for response in refused:
        assert response.status_code == 422 and response.headers["content-type"].startswith("text/html")
        assert "Not done" in response.text and "Back to the held queue" in response.text
    assert "The ban length is one of" in refused[1].text
    with client.app.state.sessions() as session:
        assert world.comment(comment_id).status == CommentStatus.PENDING
        assert session.get_one(Commenter, commenter_id).banned_until is None


def test_a_form_without_the_sessions_token_is_refused_with_a_page(client, world, signed_in):
    response = client.post("/moderate/logout", data={"csrf_token": "wrong"}, follow_redirects=False)
    assert response.status_code == 403 and response.headers["content-type"].startswith("text/html")
    assert "reload the page and try again" in response.text


def test_a_refusal_page_is_in_the_moderators_language(client, world, signed_in):
    commenter_id = world.comment(world.add_comment("Held for a look.")).commenter_id
    response = client.post(
        f"/moderate/commenters/{commenter_id}/ban",
        data={"csrf_token": form_csrf(client), "length": "forever"},
        headers={"Accept-Language": "de"},
    )
    assert response.status_code == 422 and "Nicht ausgeführt" in response.text


def test_the_workspace_scripts_keep_json_errors_and_a_mistyped_address_gets_a_page(client, world, signed_in):
    commenter_id = world.comment(world.add_comment("Held for a look.")).commenter_id
    script = client.post(f"/moderate/api/commenters/{commenter_id}/ban", json={"length": "forever"}, headers=signed_in)
    assert script.status_code == 422 and script.headers["content-type"].startswith("application/json")
    no_script = client.get("/moderate/api/no-such-script")
    assert no_script.status_code == 404 and no_script.json()["error"]["code"] == "not_found"
    unknown = client.get("/moderate/no-such-page")
    assert unknown.status_code == 404 and unknown.headers["content-type"].startswith("text/html")
    assert "There is nothing at this address." in unknown.text and "Back to the held queue" in unknown.text
    wrong_method = client.put("/moderate/queue/held")
    assert wrong_method.status_code == 405 and "GET" in wrong_method.headers["allow"]
    assert wrong_method.headers["content-type"].startswith("text/html")
    assert "This address does not take requests of this kind." in wrong_method.text
