"""A QA pass over the workspace: NUL in moderators' text, framing, where sign-in sends a form's
sender back to, reasons the menus do not offer, lifting a ban twice, the moderator's language on
refusals, and what an off-topic hold's evidence is called."""

from __future__ import annotations

import pytest
from moderate_helpers import PASSWORD, csrf_from

from commentdesk.store.models import CommenterNote, ModerationEvent

NUL_TEXT = "Checked\x00 twice"


def form_csrf(client) -> str:
    return csrf_from(client.get("/moderate/queue/held").text)


def test_nul_in_a_note_a_ban_reason_or_a_commenter_note_is_dropped_and_stored(client, world, signed_in):
    comment = world.add_comment("Held")
    commenter_id = world.comment(comment).commenter_id
    decided = client.post(
        "/moderate/api/decisions", headers=signed_in, json={"action": "approve", "ids": [comment], "note": NUL_TEXT}
    )
    assert decided.status_code == 200
    token = form_csrf(client)
    noted = client.post(f"/moderate/commenters/{commenter_id}/notes", data={"csrf_token": token, "text": NUL_TEXT})
    banned = client.post(
        f"/moderate/api/commenters/{commenter_id}/ban", headers=signed_in, json={"length": "1", "reason": NUL_TEXT}
    )
    assert noted.status_code == 200 and banned.status_code == 200
    with client.app.state.sessions() as session:
        notes = [note.text for note in session.query(CommenterNote).filter_by(commenter_id=commenter_id)]
        events = [event.note for event in session.query(ModerationEvent).filter_by(comment_id=comment)]
    assert "Checked twice" in notes and "Suspended for 1 day: Checked twice" in notes
    assert "Checked twice" in events and not any("\x00" in text for text in [*notes, *filter(None, events)])


def test_every_workspace_answer_forbids_framing_and_the_public_parts_do_not(client, world, signed_in):
    for response in (
        client.get("/moderate/queue/held"),
        client.get("/moderate/login"),
        client.get("/moderate/comments/987654"),
        client.get("/moderate/api/counts", headers=signed_in),
        client.post("/moderate/api/decisions", headers=signed_in, json={}),
        client.get("/moderate/no-such-page"),
    ):
        assert response.headers["x-frame-options"] == "DENY"
        assert response.headers["content-security-policy"] == "frame-ancestors 'none'"
    for path in ("/static/embed.js", "/openapi.json", "/api/v1/articles/1"):
        response = client.get(path)
        assert "x-frame-options" not in response.headers
        assert "frame-ancestors" not in response.headers.get("content-security-policy", "")


def _sign_in_again(client, location: str):
    page = client.get(location)
    next_field = page.text.split('name="next" value="', 1)[1].split('"', 1)[0]
    return client.post(
        "/moderate/login",
        data={"username": "mod", "password": PASSWORD, "csrf_token": csrf_from(page.text), "next": next_field},
        follow_redirects=False,
    )


@pytest.mark.parametrize(
    ("referer", "landing"),
    [
        ("http://testserver/moderate/queue/reported?site=1", "/moderate/queue/reported?site=1"),
        ("https://evil.example/moderate/queue/held", "/moderate/comments/{id}"),
        ("http://testserver/elsewhere", "/moderate/comments/{id}"),
        (None, "/moderate/comments/{id}"),
    ],
)
def test_a_form_sent_after_the_session_ended_returns_to_a_page_after_sign_in(client, world, referer, landing):
    comment = world.add_comment("Held")
    headers = {"Referer": referer} if referer else {}
    sent = client.post(
        f"/moderate/comments/{comment}/decide", data={"action": "approve"}, headers=headers, follow_redirects=False
    )
    assert sent.status_code == 303 and sent.headers["location"].startswith("/moderate/login?next=")
    signed = _sign_in_again(client, sent.headers["location"])
    assert signed.status_code == 303 and signed.headers["location"] == landing.format(id=comment)
    assert client.get(signed.headers["location"]).status_code == 200


def test_signing_out_after_the_session_ended_and_old_post_only_links_land_on_pages(client, world):
    sent = client.post("/moderate/logout", data={}, follow_redirects=False)
    assert sent.status_code == 303
    assert _sign_in_again(client, sent.headers["location"]).headers["location"] == "/moderate/queue/held"
    # A sign-in link made before (next= a form's path) lands on the form's own page.
    client.cookies.clear()
    old = _sign_in_again(client, "/moderate/login?next=%2Fmoderate%2Fcomments%2F26%2Fdecide")
    assert old.headers["location"] == "/moderate/comments/26"


def test_the_script_cannot_reject_for_illegal_content_without_a_notice(client, world, signed_in):
    comment = world.add_comment("Held")
    response = client.post(
        "/moderate/api/decisions", headers=signed_in, json={"action": "reject", "ids": [comment], "reason": "illegal_content"}
    )
    assert response.status_code == 422
    assert "abusive, off_topic, spam, other" in response.json()["error"]["message"]
    assert world.comment(comment).status == "pending"


def test_lifting_a_ban_that_is_not_there_changes_nothing(client, world, signed_in):
    commenter_id = world.comment(world.add_comment("Held")).commenter_id
    token = form_csrf(client)
    client.post(f"/moderate/commenters/{commenter_id}/ban", data={"csrf_token": token, "length": "1"})
    first = client.post(f"/moderate/commenters/{commenter_id}/unban", data={"csrf_token": token}, follow_redirects=False)
    assert first.headers["location"] == f"/moderate/commenters/{commenter_id}"

    def logged() -> tuple[int, int]:
        with client.app.state.sessions() as session:
            return (
                session.query(CommenterNote).filter_by(commenter_id=commenter_id).count(),
                session.query(ModerationEvent).filter_by(action="unban").count(),
            )

    before = logged()
    again = client.post(f"/moderate/commenters/{commenter_id}/unban", data={"csrf_token": token}, follow_redirects=False)
    assert again.status_code == 303 and logged() == before == (2, 1)
    assert "There was no ban to lift; nothing was changed." in client.get(again.headers["location"]).text


def test_refusals_are_in_the_moderators_saved_language(client, world, signed_in):
    client.post("/moderate/language", data={"csrf_token": form_csrf(client), "language": "de"})
    comment = world.add_comment("Held")
    token = form_csrf(client)
    unknown = client.post(f"/moderate/comments/{comment}/decide", data={"csrf_token": token, "action": "frobnicate"})
    assert unknown.status_code == 422 and '<html lang="de"' in unknown.text and "Nicht ausgeführt" in unknown.text
    assert "Unbekannte Aktion" in unknown.text
    reasonless = client.post(f"/moderate/comments/{comment}/decide", data={"csrf_token": token, "action": "reject"})
    assert reasonless.status_code == 422 and "Eine Ablehnung braucht einen Grund" in reasonless.text
    admins_only = client.get("/moderate/users")
    assert admins_only.status_code == 403 and '<html lang="de"' in admins_only.text
    assert "Only administrators" not in admins_only.text
    bad_filter = client.get("/moderate/queue/held", params={"site": "x"})
    assert bad_filter.status_code == 422 and "must be an id" not in bad_filter.text


@pytest.mark.parametrize("language", ["de", "ur"])
def test_the_sign_in_forms_refusals_are_translated(client, world, language):
    expired = client.post(
        "/moderate/login",
        data={"username": "mod", "password": PASSWORD, "csrf_token": "stale"},
        headers={"Accept-Language": language},
    )
    assert expired.status_code == 403 and "The sign-in form expired" not in expired.text


@pytest.mark.parametrize(
    ("params", "label"),
    [
        ({"topic": "laptops", "subject": "the article"}, "Closest chatter example:"),
        ({"subject": "the article"}, "Closest article passage:"),
        ({"subject": "the comment it answers"}, "Closest passage of the comment it answers:"),
    ],
)
def test_an_off_topic_holds_evidence_is_named_for_what_it_is(client, world, signed_in, params, label):
    reason = {
        "code": "off_topic",
        "message": "It looks like it is about laptops, not the article.",
        "template": "It looks like it is about %(topic)s, not %(subject)s."
        if "topic" in params
        else "It may not be about %(subject)s.",
        "params": params,
        "evidence": ["Which laptop is best for students?"],
    }
    comment = world.add_comment("Anyone know a good laptop?", reasons=[reason])
    page = client.get(f"/moderate/comments/{comment}", headers={"Accept-Language": "en"}).text
    assert label in page and "Which laptop is best for students?" in page
    if "topic" in params:
        assert "Closest article passage:" not in page
        german = client.get(f"/moderate/comments/{comment}", headers={"Accept-Language": "de"}).text
        assert label not in german and "Which laptop is best for students?" in german
