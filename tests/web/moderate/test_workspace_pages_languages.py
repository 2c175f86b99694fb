"""The rest of the workspace in Urdu (right to left) and German: the commenter page, the audit
log, the notices queue and a notice, the transparency report, users and webhooks; the notice
form and status pages and the FAQ for readers; and the workspace's HTTP errors."""

from __future__ import annotations

import json
import re

from moderate_helpers import csrf_from, login

from commentdesk.services import notices
from commentdesk.services.notices import NoticeForm
from commentdesk.store.models import CommentStatus

SUSPECT = [
    {"code": "suspect_word", "message": "It contains words that a moderator checks before publishing.", "evidence": ["idiot"]}
]
RTL = '<html lang="ur" dir="rtl">'
LTR_DE = '<html lang="de" dir="ltr">'


def _notice(world, comment_id: int):
    with world.app.state.sessions() as session:
        notice = notices.file_notice(
            session,
            "secret",
            comment_id,
            NoticeForm(
                ground="defamation",
                explanation="A named councillor is called a thief with no basis at all.",
                notifier_name="Jo",
                notifier_email="jo@example.org",
                good_faith=True,
            ),
        )
        return notice.id, notice.reference


def _commenter_id(world, comment_id: int) -> int:
    return world.comment(comment_id).commenter_id


def test_commenter_and_audit_pages_in_urdu_and_german(client, world, signed_in):
    comment_id = world.add_comment("The lanes are overdue, idiot council", reasons=SUSPECT, name="Ana")
    client.post("/moderate/api/decisions", json={"action": "reject", "ids": [comment_id], "reason": "spam"}, headers=signed_in)
    commenter = f"/moderate/commenters/{_commenter_id(world, comment_id)}"

    page = client.get(commenter + "?lang=ur").text
    assert RTL in page
    assert "پابندی یا معطلی" in page and "نگرانوں کے نوٹ" in page and "مسترد ہونے کی شرح" in page and "7 دن" in page
    assert "Ban or suspension" not in page and "Moderator notes" not in page and "7 days" not in page
    page = client.get(commenter, headers={"Accept-Language": "de"}).text
    assert LTR_DE in page and "Sperre aufheben" not in page  # not banned: no lift button
    assert (
        "Notiz speichern" in page and "Ablehnungsquote" in page and "Kommentare (die neuesten 1)" in page and "abgelehnt" in page
    )

    audit = client.get("/moderate/audit?lang=ur").text
    assert RTL in audit and "ریکارڈ میں تلاش کریں" in audit and "مضامین پر کارروائیاں" in audit
    assert "Search the log" not in audit and "Older entries" not in audit
    audit = client.get("/moderate/audit", headers={"Accept-Language": "de"}).text
    assert LTR_DE in audit and "Protokoll durchsuchen" in audit and "Aktionen an Artikeln" in audit
    assert "Every decision on every comment" not in audit


def test_notices_queue_and_a_notice_in_urdu_and_german(client, world, signed_in):
    comment_id = world.add_comment("The councillor is a thief", status=CommentStatus.PUBLISHED, name="Ana")
    notice_id, _reference = _notice(world, comment_id)
    queue = client.get("/moderate/notices?lang=ur").text
    assert RTL in queue and "غیر قانونی مواد کی اطلاعات" in queue and "ہتکِ عزت یا توہین" in queue and "1 کھلی۔" in queue
    assert "Notices of illegal content" not in queue and "Defamation or insult" not in queue
    detail = client.get(f"/moderate/notices/{notice_id}", headers={"Accept-Language": "de"}).text
    assert LTR_DE in detail and "Meldung Nr. %d: Verleumdung oder Beleidigung" % notice_id in detail
    assert "Prüfung beginnen" in detail and "Kommentar entfernen" in detail and "Entscheidung festhalten" in detail
    assert 'jetzt <strong class="comment-status">veröffentlicht</strong>' in detail
    # A refused decision is shown in the moderator's language.
    refused = client.post(
        f"/moderate/notices/{notice_id}/decide?lang=de",
        data={"csrf_token": csrf_from(detail), "action": "remove", "ground": "defamation", "explanation": ""},
    )
    assert refused.status_code == 422 and "Schreiben Sie die Gründe für die Entscheidung auf." in refused.text


def test_transparency_users_and_webhooks_in_urdu_and_german(client, world):
    assert login(client, "chief").status_code == 303
    report = client.get("/moderate/transparency?lang=ur").text
    assert RTL in report and "شفافیت رپورٹ" in report and "CSV ڈاؤن لوڈ کریں" in report
    assert "Transparency report" not in report and "Download CSV" not in report
    report = client.get("/moderate/transparency", headers={"Accept-Language": "de"}).text
    assert LTR_DE in report and "Transparenzbericht" in report and "0 eingegangen, davon 0 noch offen" in report

    users = client.get("/moderate/users?lang=ur").text
    assert RTL in users and "نگران اور منتظمین" in users and "صارف شامل کریں" in users and "منتظم" in users
    assert "Add a user" not in users and "Set password" not in users
    users = client.get("/moderate/users", headers={"Accept-Language": "de"}).text
    assert LTR_DE in users and "Benutzer hinzufügen" in users and "Passwort setzen" in users
    made = client.post(
        "/moderate/users?lang=de",
        data={"csrf_token": csrf_from(users), "username": "x y", "password": "long enough pass", "role": "moderator"},
    )
    assert made.status_code == 422 and "ein Benutzername besteht aus 1–64 Buchstaben" in made.text

    hooks = client.get("/moderate/webhooks?lang=ur").text
    assert RTL in hooks and "ابھی کسی سائٹ کا ویب ہُک نہیں۔" in hooks and "No site has a webhook yet." not in hooks
    hooks = client.get("/moderate/webhooks?retried=2", headers={"Accept-Language": "de"}).text
    assert LTR_DE in hooks and "2 fehlgeschlagene Zustellungen erneut eingereiht." in hooks


def test_http_errors_in_the_requests_language(client, world, signed_in):
    no_token = client.post("/moderate/api/decisions", json={"action": "approve", "ids": [1]}, headers={"Accept-Language": "de"})
    assert (
        no_token.status_code == 403 and no_token.json()["error"]["message"] == "Der Anfrage fehlt das CSRF-Token dieser Sitzung."
    )
    csrf = csrf_from(client.get("/moderate/queue/held").text)
    missing = client.post("/moderate/webhooks/999999/retry?lang=ur", data={"csrf_token": csrf})
    assert missing.status_code == 404 and RTL in missing.text and "ایسا کوئی ویب ہُک نہیں۔" in missing.text
    typo = client.get("/moderate/quue/held", headers={"Accept-Language": "de"})
    assert typo.status_code == 404 and LTR_DE in typo.text
    assert "Nicht gefunden" in typo.text and "Unter dieser Adresse gibt es nichts." in typo.text
    length = client.post(
        "/moderate/api/commenters/1/ban", json={"length": "forever"}, headers={**signed_in, "Accept-Language": "de"}
    )
    assert length.status_code in (404, 422) and "Web" not in length.json()["error"]["message"]
    assert length.json()["error"]["message"].startswith(("Die Sperrdauer", "Diesen Kommentator"))


def test_the_workspace_scripts_words_travel_in_the_page(client, world, signed_in):
    world.add_comment("The lanes are overdue, idiot council", reasons=SUSPECT)
    page = client.get("/moderate/queue/held?lang=de").text
    block = re.search(r'<script type="application/json" id="workspace-messages">(.*?)</script>', page, re.S).group(1)
    words = json.loads(block)
    assert words["language"] == "de" and words["messages"]["nothing_to_undo"] == "Nichts rückgängig zu machen."
    assert words["plurals"]["approved"] == {
        "one": "%(num)s Kommentar freigegeben. Mit u rückgängig machen.",
        "other": "%(num)s Kommentare freigegeben. Mit u rückgängig machen.",
    }
    assert words["reasons"]["off_topic"] != "Off-topic"


def test_notice_form_status_and_faq_for_readers(client, world):
    comment_id = world.add_comment("The councillor is a thief", status=CommentStatus.PUBLISHED, name="Ana")
    form = client.get(f"/comments/{comment_id}/notice?lang=ur").text
    assert RTL in form and "تبصرہ غیر قانونی کیوں ہے؟" in form
    assert "ہتکِ عزت یا توہین" in form and "اطلاع بھیجیں" in form and f"/comments/{comment_id}/notice?lang=ur" in form
    assert "Send notice" not in form and "Defamation or insult" not in form
    german = client.get(f"/comments/{comment_id}/notice", headers={"Accept-Language": "de"}).text
    assert LTR_DE in german and "Warum ist der Kommentar rechtswidrig?" in german and "Meldung senden" in german
    token = re.search(r'name="token" value="([^"]+)"', german).group(1)
    refused = client.post(
        f"/comments/{comment_id}/notice?lang=de", data={"token": token, "ground": "defamation", "explanation": "short"}
    )
    assert refused.status_code == 422 and "mindestens 10 Zeichen" in refused.text

    _notice_id, reference = _notice(world, comment_id)
    status = client.get(f"/notices/{reference}?lang=ur").text
    assert RTL in status and "حوالہ نمبر" in status and "موصول" in status and "ہتکِ عزت یا توہین" in status
    assert "Reference" not in status
    status = client.get(f"/notices/{reference}", headers={"Accept-Language": "de"}).text
    assert "Aktenzeichen" in status and "Eingegangen" in status

    faq = client.get("/faq?lang=ur").text
    assert RTL in faq and "تبصروں کی نگرانی کیوں کی جاتی ہے؟" in faq and "Why are comments moderated?" not in faq
    faq = client.get("/faq", headers={"Accept-Language": "de"}).text
    assert "Warum werden Kommentare moderiert?" in faq and "Was geschieht mit meinen Daten?" in faq
