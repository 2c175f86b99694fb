"""The Notices queue: a moderator reviews and decides notices of illegal content; administrators
export the transparency figures (workspace and CLI)."""

from __future__ import annotations

import csv
import io
import json
from datetime import UTC, datetime, timedelta

from fastapi.testclient import TestClient
from moderate_helpers import csrf_from, login
from sqlalchemy import text

from commentdesk.app import create_app
from commentdesk.cli import main
from commentdesk.services import notices
from commentdesk.services.notices import NoticeForm
from commentdesk.services.posting import status_token
from commentdesk.store.models import (
    CommentStatus,
    IllegalContentNotice,
    ModerationEvent,
    StatementOfReasons,
)

EXPLANATION = "It claims a named councillor took bribes, with no basis: defamation under national law."


def file(world, comment_id: int, ground: str = "defamation") -> IllegalContentNotice:
    with world.app.state.sessions() as session:
        notice = notices.file_notice(
            session,
            world.app.state.secret,
            comment_id,
            NoticeForm(
                ground=ground, explanation=EXPLANATION, notifier_name="Jo", notifier_email="jo@example.org", good_faith=True
            ),
        )
        session.expunge(notice)
        return notice


def form(client, path: str, **fields):
    page = client.get(path)
    return client.post(
        path.rstrip("/") + fields.pop("_to"), data={"csrf_token": csrf_from(page.text), **fields}, follow_redirects=False
    )


def test_a_notice_is_reviewed_and_the_comment_removed(client, world, signed_in):
    comment_id = world.add_comment("The councillor is a crook who took bribes.", status=CommentStatus.PUBLISHED)
    notice = file(world, comment_id)
    queue = client.get("/moderate/notices")
    assert f'data-notice="{notice.id}"' in queue.text and "Defamation" in queue.text
    assert f'data-notice="{notice.id}"' not in client.get("/moderate/queue/reported").text  # its own queue only
    detail = client.get(f"/moderate/notices/{notice.id}")
    assert "jo@example.org" in detail.text and EXPLANATION in detail.text

    assert form(client, f"/moderate/notices/{notice.id}", _to="/review").status_code == 303
    assert client.get(f"/api/v1/notices/{notice.reference}").json()["status"] == "under_review"

    refused = form(
        client, f"/moderate/notices/{notice.id}", _to="/decide", action="remove", ground="defamation", explanation="  "
    )
    assert refused.status_code == 422 and world.comment(comment_id).status == CommentStatus.PUBLISHED

    decided = form(
        client,
        f"/moderate/notices/{notice.id}",
        _to="/decide",
        action="remove",
        ground="defamation",
        explanation="An unfounded accusation of a crime against a named person.",
    )
    assert decided.status_code == 303
    assert world.comment(comment_id).status == CommentStatus.REJECTED
    looked_up = client.get(f"/api/v1/notices/{notice.reference}").json()
    assert looked_up["status"] == "action_taken" and looked_up["decided_at"]
    assert looked_up["decision_explanation"] == "An unfounded accusation of a crime against a named person."
    with world.app.state.sessions() as session:
        event = session.query(ModerationEvent).filter_by(comment_id=comment_id, action="reject").one()
        assert event.actor_name == "mod" and event.reasons[0]["code"] == "illegal_content"
        statement = session.query(StatementOfReasons).filter_by(comment_id=comment_id).one()
        assert statement.automated is False
    outcome = client.get(
        f"/api/v1/comments/{comment_id}/outcome?token={status_token(client.app.state.secret, comment_id)}"
    ).json()
    assert outcome["statement"]["reasons"][0]["message"].startswith("A moderator found it illegal")
    # A notice is decided once.
    again = form(client, f"/moderate/notices/{notice.id}", _to="/decide", action="none", explanation="Changed my mind.")
    assert again.status_code == 409 and "decided already" in again.text
    assert client.get(f"/api/v1/notices/{notice.reference}").json()["status"] == "action_taken"


def test_no_action_keeps_the_comment_and_the_contact_is_erased_later(client, world, signed_in):
    comment_id = world.add_comment("The council's plan is a disgrace.", status=CommentStatus.PUBLISHED)
    notice = file(world, comment_id, ground="other")
    decided = form(
        client,
        f"/moderate/notices/{notice.id}",
        _to="/decide",
        action="none",
        explanation="Sharp criticism of a public body is lawful.",
    )
    assert decided.status_code == 303 and world.comment(comment_id).status == CommentStatus.PUBLISHED
    assert client.get(f"/api/v1/notices/{notice.reference}").json()["status"] == "no_action"
    assert "/moderate/notices/" not in client.get("/moderate/notices").text.split("<tbody>")[1].split("</tbody>")[0]
    with world.app.state.sessions() as session:
        assert notices.erase_expired_contacts(session, 180) == 0
        assert notices.erase_expired_contacts(session, 180, now=datetime.now(UTC) + timedelta(days=181)) == 1
        erased = session.get(IllegalContentNotice, notice.id)
        assert erased.notifier_email_cipher is None and erased.notifier_name is None and erased.contact_erased_at is not None


def test_an_address_an_older_version_stored_in_the_clear_is_encrypted_when_the_server_starts(
    client, world, signed_in, settings, models
):
    notice = file(world, world.add_comment("The councillor is a crook.", status=CommentStatus.PUBLISHED))
    with world.app.state.sessions() as session:
        older = session.get_one(IllegalContentNotice, notice.id)
        older.notifier_email_cipher, older.plain_notifier_email = None, "jo@example.org"
        session.commit()
    with TestClient(create_app(settings, models=models)):
        pass  # the first start of the version that encrypts them
    with world.app.state.sessions() as session:
        plain, cipher = session.execute(text("SELECT notifier_email, notifier_email_cipher FROM illegal_content_notices")).one()
    assert plain is None and "jo@example.org" not in cipher
    assert "jo@example.org" in client.get(f"/moderate/notices/{notice.id}").text


def test_a_moderator_sees_only_the_notices_of_their_sites(client, world):
    world.add_user("sportsdesk", sites=["sport"])
    comment_id = world.add_comment("A crook, this councillor.", status=CommentStatus.PUBLISHED)
    notice = file(world, comment_id)
    assert login(client, "sportsdesk").status_code == 303
    assert f'data-notice="{notice.id}"' not in client.get("/moderate/notices").text
    assert client.get(f"/moderate/notices/{notice.id}").status_code == 404


def test_the_transparency_export_counts_notices_and_decisions(client, world, settings):
    published = world.add_comment("The councillor is a crook.", status=CommentStatus.PUBLISHED)
    world.add_comment(
        "Buy cheap watches at my shop",
        status=CommentStatus.REJECTED,
        reasons=[{"code": "contact_bait", "message": "It looks like advertising.", "evidence": []}],
    )
    notice = file(world, published)
    file(world, published, ground="privacy_violation")
    assert login(client, "mod").status_code == 303
    assert client.get("/moderate/transparency").status_code == 403  # administrators only
    form(client, f"/moderate/notices/{notice.id}", _to="/decide", action="remove", ground="defamation", explanation="Defamation.")
    client.cookies.clear()
    assert login(client, "chief").status_code == 303
    today = datetime.now(UTC).strftime("%Y-%m-%d")
    report = client.get(f"/moderate/transparency?from={today}&to={today}&format=json")
    assert report.status_code == 200 and report.headers["content-disposition"].endswith('.json"')
    figures = report.json()
    assert figures["notices"]["received"] == 2 and figures["notices"]["by_ground"]["privacy_violation"] == 1
    assert figures["notices"]["by_outcome"] == {"action_taken": 1, "no_action": 0} and figures["notices"]["open"] == 1
    assert figures["notices"]["median_handling_seconds"] is not None
    assert figures["decisions"]["human"]["reject"] == 1 and figures["decisions"]["automated"]["reject"] == 1
    assert figures["rejections_by_reason"]["illegal_content"] == {"automated": 0, "human": 1}
    assert figures["rejections_by_reason"]["contact_bait"] == {"automated": 1, "human": 0}
    assert figures["statements_of_reasons"] == {"automated": 1, "human": 1}
    rows = list(csv.reader(io.StringIO(client.get(f"/moderate/transparency?from={today}&to={today}&format=csv").text)))
    assert rows[0] == ["section", "group", "value"] and ["notices.by_ground", "defamation", "1"] in rows
    assert "Transparency report" in client.get(f"/moderate/transparency?from={today}&to={today}").text
    assert client.get("/moderate/transparency?from=2026-13-01&to=x").status_code == 422
    assert client.get(f"/moderate/transparency?from={today}&to=9999-12-31").status_code == 422  # no day after it
    sport_only = client.get(f"/moderate/transparency?from={today}&to={today}&site={world.site_ids['sport']}&format=json").json()
    assert sport_only["notices"]["received"] == 0
    earlier = (datetime.now(UTC) - timedelta(days=400)).strftime("%Y-%m-%d")
    assert client.get(f"/moderate/transparency?from={earlier}&to={earlier}&format=json").json()["notices"]["received"] == 0


def test_the_cli_exports_the_same_figures(world, settings, capsys):
    published = world.add_comment("The councillor is a crook.", status=CommentStatus.PUBLISHED)
    file(world, published)
    today = datetime.now(UTC).strftime("%Y-%m-%d")
    args = ["dsa", "export", "--from", today, "--to", today, "--database-url", settings.database_url]
    assert main(args + ["--site", "news"]) == 0
    assert json.loads(capsys.readouterr().out)["notices"]["received"] == 1
    assert main(args + ["--site", "sport", "--format", "csv"]) == 0
    assert "notices,received,0" in capsys.readouterr().out
    assert main(args + ["--site", "nowhere"]) == 2
    assert main(["dsa", "erase-contacts", "--database-url", settings.database_url]) == 0


def test_two_moderators_deciding_at_once_decide_once(world):
    comment_id = world.add_comment("The councillor is a crook.", status=CommentStatus.PUBLISHED)
    notice = file(world, comment_id)
    sessions = world.app.state.sessions
    with sessions() as first, sessions() as second:
        users = [
            session.query(notices.User).filter_by(username=name).one() for session, name in ((first, "mod"), (second, "chief"))
        ]
        seen_first, seen_second = first.get(IllegalContentNotice, notice.id), second.get(IllegalContentNotice, notice.id)
        second.expunge(seen_second)  # the second moderator's copy stays as read: open
        second.commit()
        notices.decide_notice(first, users[0], seen_first, "none", None, "Lawful criticism.")
        try:
            notices.decide_notice(second, users[1], seen_second, "remove", "defamation", "Defamation.")
            raise AssertionError("the second decision was taken")
        except notices.NoticeRefused as refused:
            assert refused.status == 409
    assert world.comment(comment_id).status == CommentStatus.PUBLISHED
    with sessions() as session:
        assert session.get(IllegalContentNotice, notice.id).decided_by_name == "mod"


def test_an_administrator_of_some_sites_exports_only_theirs(client, world):
    world.add_user("sportchief", role="admin", sites=["sport"])
    file(world, world.add_comment("The councillor is a crook.", status=CommentStatus.PUBLISHED))
    assert login(client, "sportchief").status_code == 303
    today = datetime.now(UTC).strftime("%Y-%m-%d")
    assert client.get(f"/moderate/transparency?from={today}&to={today}&format=json").json()["notices"]["received"] == 0
    assert client.get(f"/moderate/transparency?from={today}&to={today}&site={world.site_ids['news']}").status_code == 422


def test_undoing_an_approval_brings_back_the_automatic_rejections_statement(client, world):
    from commentdesk.services import workspace
    from commentdesk.services.statements import statement_for
    from commentdesk.store.models import Comment, User

    comment_id = world.add_comment(
        "Buy cheap watches",
        status=CommentStatus.REJECTED,
        reasons=[{"code": "contact_bait", "message": "It looks like advertising.", "evidence": []}],
    )
    with world.app.state.sessions() as session:
        user = session.query(User).filter_by(username="mod").one()
        approved = workspace.decide(session, user, [comment_id], "restore")
        workspace.undo(session, user, approved.event_ids)
        statement = statement_for(session, session.get(Comment, comment_id))
        assert statement.automated is True and statement.reasons == [("contact_bait", "It looks like advertising.")]
