"""The workspace in the moderator's language: `?lang=`, then their own setting, then the
browser's; Urdu right to left with its words, German with its plural forms; the status line of
an undo in the same language; a language value that is not offered changes nothing."""

from __future__ import annotations

from moderate_helpers import csrf_from

from commentdesk.store.models import User

SUSPECT = [
    {"code": "suspect_word", "message": "It contains words that a moderator checks before publishing.", "evidence": ["idiot"]}
]


def _user_language(world, username: str) -> str | None:
    with world.app.state.sessions() as session:
        return session.query(User).filter_by(username=username).one().language


def test_the_held_queue_in_urdu_reads_right_to_left_in_urdu_words(client, world, signed_in):
    world.add_comment("The lanes are overdue, idiot council", reasons=SUSPECT, name="Ana")
    page = client.get("/moderate/queue/held?lang=ur").text
    assert '<html lang="ur" dir="rtl">' in page
    assert "روکے گئے" in page and "مشکوک لفظ" in page  # the queue's name and the reason's words
    assert "منظور کریں" in page and "مسترد کریں" in page and "0 منتخب" in page
    assert "Approve" not in page and "Suspect word" not in page and "Sign out" not in page
    assert '<div class="text" dir="auto">' in page  # the comment keeps its own direction
    assert "The lanes are overdue" in page  # readers' words are never translated


def test_german_from_the_browser_with_plural_forms(client, world, signed_in):
    for number in range(2):
        world.add_comment(f"Comment number {number} about the harbour road lanes", reasons=SUSPECT)
    page = client.get("/moderate/queue/held", headers={"Accept-Language": "de-DE,de;q=0.9,en;q=0.5"}).text
    assert '<html lang="de" dir="ltr">' in page
    assert "Zurückgehalten" in page and "Freigeben" in page and "Verdächtiges Wort" in page
    assert "Ausgewählte ablehnen" in page and "Abmelden" in page
    article_page = client.get(
        f"/moderate/queue/held?article={world.article_ids['cycle']}", headers={"Accept-Language": "de"}
    ).text
    assert "0 veröffentlichte Kommentare" in article_page and "Kommentare sind <strong>offen</strong>" in article_page
    dashboard = client.get("/moderate/dashboard", headers={"Accept-Language": "de"}).text
    assert "letzte 14 Tage" in dashboard and "Kommentare pro Tag nach automatischer Entscheidung" in dashboard


def test_the_moderators_own_setting_outranks_the_browser_and_lang_outranks_both(client, world, signed_in):
    page = client.get("/moderate/queue/held", headers={"Accept-Language": "de"}).text
    chosen = client.post(
        "/moderate/language",
        data={"csrf_token": csrf_from(page), "language": "ur", "back": "/moderate/queue/held?lang=de&site=1"},
        follow_redirects=False,
    )
    assert chosen.status_code == 303 and chosen.headers["location"] == "/moderate/queue/held?site=1"
    assert _user_language(world, "mod") == "ur"
    assert '<html lang="ur" dir="rtl">' in client.get("/moderate/dashboard", headers={"Accept-Language": "de"}).text
    assert '<html lang="de" dir="ltr">' in client.get("/moderate/dashboard?lang=de").text
    # Back to the browser's choice.
    client.post("/moderate/language", data={"csrf_token": csrf_from(page), "language": ""})
    assert _user_language(world, "mod") is None
    assert '<html lang="de" dir="ltr">' in client.get("/moderate/dashboard", headers={"Accept-Language": "de"}).text


def test_a_language_not_offered_or_a_missing_token_changes_nothing(client, world, signed_in):
    csrf = csrf_from(client.get("/moderate/queue/held").text)
    for value in ("xx", "ur-PK" * 40, "<script>", "de\x00"):
        refused = client.post("/moderate/language", data={"csrf_token": csrf, "language": value}, follow_redirects=False)
        assert refused.status_code == 422
    assert client.post("/moderate/language", data={"language": "de"}, follow_redirects=False).status_code == 403
    # An outside address to go back to is not followed.
    away = client.post(
        "/moderate/language", data={"csrf_token": csrf, "language": "de", "back": "https://evil.example/"}, follow_redirects=False
    )
    assert away.status_code == 303 and away.headers["location"] == "/moderate/queue/held"
    assert _user_language(world, "mod") == "de"


def test_the_undo_status_line_in_german(client, world, signed_in):
    comment_id = world.add_comment("Undo this one, it was fine", reasons=SUSPECT)
    decided = client.post(
        "/moderate/api/decisions", json={"action": "reject", "ids": [comment_id], "reason": "spam"}, headers=signed_in
    )
    undone = client.post(
        "/moderate/api/undo", json={"event_ids": decided.json()["event_ids"]}, headers={**signed_in, "Accept-Language": "de"}
    )
    assert undone.json()["message"] == f"Ablehnung von Kommentar {comment_id} rückgängig gemacht: Er ist wieder zurückgehalten."
