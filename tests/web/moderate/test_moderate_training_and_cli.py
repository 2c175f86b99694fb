"""Human decisions as training data, and the `commentdesk users` command."""

from __future__ import annotations

import io

from moderate_helpers import PASSWORD

from commentdesk.cli import main
from commentdesk.services import accounts, workspace
from commentdesk.services.training_data import human_labels


def test_human_labels_follow_the_standing_decision(client, world):
    with world.app.state.sessions() as session:
        moderator = accounts.user_by_name(session, "mod")
        parent = world.add_comment("The lanes are a good idea.", status="published", reasons=[])
        ok = world.add_comment("Fine comment idiot")
        abusive = world.add_comment("Abusive comment", parent_id=parent)
        other = world.add_comment("Rejected for other reasons")
        undone = world.add_comment("Undone decision")
        off_topic = world.add_comment("Off topic", site="sport", article="cup")
        workspace.decide(session, moderator, [ok], "approve")
        workspace.decide(session, moderator, [abusive], "reject", rejection_reason="abusive")
        workspace.decide(session, moderator, [other], "reject", rejection_reason="other")
        decision = workspace.decide(session, moderator, [undone], "reject", rejection_reason="spam")
        workspace.undo(session, moderator, decision.event_ids)
        workspace.decide(session, moderator, [off_topic], "reject", rejection_reason="off_topic")

        labels = human_labels(session)
        by_text = {example["text"]: example for example in labels}
        assert set(by_text) == {"Fine comment idiot", "Abusive comment", "Off topic"}
        assert by_text["Fine comment idiot"]["label"] == "ok"
        assert by_text["Abusive comment"]["label"] == "abusive"
        assert by_text["Abusive comment"]["parent_text"] == "The lanes are a good idea."
        assert by_text["Off topic"]["label"] == "off_topic" and by_text["Off topic"]["article_title"] == "Harbour FC wins the cup"
        assert by_text["Fine comment idiot"]["article_body"].startswith("The city council")
        assert by_text["Fine comment idiot"]["decided_at"] is not None
        assert {example["text"] for example in human_labels(session, site_id=world.site_ids["sport"])} == {"Off topic"}


def test_users_cli(settings, monkeypatch, capsys):
    common = ["--database-url", settings.resolved_database_url()]
    monkeypatch.setattr("sys.stdin", io.StringIO("a long password 1\n"))
    assert main(["users", "add", "ana", "--role", "moderator", "--password-stdin", *common]) == 0
    monkeypatch.setattr("sys.stdin", io.StringIO("short\n"))
    assert main(["users", "add", "bo", "--role", "admin", "--password-stdin", *common]) == 2
    assert main(["users", "add", "cy", "--role", "admin", "--sites", "nowhere", "--password-stdin", *common]) == 2
    assert main(["users", "disable", "ana", *common]) == 0
    monkeypatch.setattr("sys.stdin", io.StringIO(PASSWORD + "\n"))
    assert main(["users", "set-password", "ana", "--password-stdin", *common]) == 0
    capsys.readouterr()
    assert main(["users", "list", *common]) == 0
    listed = capsys.readouterr().out
    assert "ana\tmoderator\tall sites\tdisabled" in listed and "bo" not in listed
    assert main(["users", "disable", "nobody", *common]) == 2
