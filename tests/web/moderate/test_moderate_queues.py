"""Queues, decisions, undo, bans and the audit log through the workspace endpoints."""

from __future__ import annotations

from sqlalchemy import select

from commentdesk.store import repository as repo
from commentdesk.store.models import Article, Comment, Commenter, CommenterNote, ModerationEvent, Report


def decide(client, headers, action, ids, reason=None, filters=None):
    body = {"action": action, "ids": ids, "filters": filters or {}}
    if reason:
        body["reason"] = reason
    response = client.post("/moderate/api/decisions", json=body, headers=headers)
    assert response.status_code == 200, response.text
    return response.json()


def report(world, comment_id, reason="abusive"):
    with world.app.state.sessions() as session:
        repo.add_report(session, session.get(Comment, comment_id), reason, "nasty", None)
        session.commit()


def test_queue_order_and_counts(client, world, signed_in):
    low = world.add_comment("Low priority idiot", priority=0.1, age_minutes=30)
    high = world.add_comment("High priority idiot", priority=1.8, age_minutes=5)
    old_low = world.add_comment("Older low priority idiot", priority=0.1, age_minutes=60)
    world.add_comment("A published one", status="published", reasons=[])
    world.add_comment("An automatic rejection", status="rejected")
    page = client.get("/moderate/queue/held").text
    assert page.index("High priority idiot") < page.index("Older low priority idiot") < page.index("Low priority idiot")
    counts = client.get("/moderate/api/counts", headers=signed_in).json()["counts"]
    assert counts == {"held": 3, "reported": 0, "recent": 1, "rejected": 1}
    assert {low, high, old_low}


def test_card_explains_why(client, world, signed_in):
    parent = world.add_comment("The council should have done this years ago.", status="published", reasons=[], name="Ana")
    world.add_comment(
        "Only an idiot would say that, you IDIOT <script>alert(1)</script>",
        parent_id=parent,
        name="Bo",
        reasons=[
            {
                "code": "suspect_word",
                "message": "It contains words that a moderator checks before publishing.",
                "evidence": ["idiot", "IDIOT"],
            },
            {
                "code": "off_topic",
                "message": "It may be off-topic (relevance 0.08, threshold 0.20).",
                "evidence": ["The lanes will cost four million euros"],
            },
        ],
        scores={"abuse": 0.61, "abuse_insult": 0.7, "relevance": 0.08, "similarity": 0.1, "spam": 0.0, "elapsed_ms": 12.5},
    )
    page = client.get("/moderate/queue/held").text
    assert "<mark" in page and ">idiot</mark>" in page and ">IDIOT</mark>" in page
    assert "<script>alert(1)</script>" not in page and "&lt;script&gt;" in page
    assert "Suspect word" in page and "Possibly off-topic" in page
    assert "Closest article passage" in page and "The lanes will cost four million euros" in page
    assert "abuse: insult" in page and "0.61" in page and "relevance" in page
    assert 'Replying to <bdi dir="auto">Ana</bdi>' in page and "The council should have done this years ago." in page
    assert "City council approves cycle lanes" in page


def test_filters(client, world, signed_in):
    world.add_comment("Spammy link idiot", reasons=[{"code": "contains_link", "message": "It contains a link.", "evidence": []}])
    world.add_comment("Sport idiot", site="sport", article="cup", name="Cy")
    world.add_comment("Plain idiot", name="Di")
    assert "Spammy link idiot" in client.get("/moderate/queue/held?reason=contains_link").text
    assert "Plain idiot" not in client.get("/moderate/queue/held?reason=contains_link").text
    sport = client.get(f"/moderate/queue/held?site={world.site_ids['sport']}").text
    assert "Sport idiot" in sport and "Plain idiot" not in sport
    by_article = client.get(f"/moderate/queue/held?article={world.article_ids['cycle']}").text
    assert "Sport idiot" not in by_article and "Close comments" in by_article
    with world.app.state.sessions() as session:
        di = session.scalar(select(Commenter).where(Commenter.display_name == "Di"))
    only_di = client.get(f"/moderate/queue/held?commenter={di.id}").text
    assert "Plain idiot" in only_di and "Spammy link idiot" not in only_di
    counts = client.get(f"/moderate/api/counts?site={world.site_ids['sport']}", headers=signed_in).json()
    assert counts["filtered_counts"]["held"] == 1 and counts["counts"]["held"] == 3


def test_navigation_badges_stay_global_and_the_heading_says_when_it_is_filtered(client, world, signed_in):
    world.add_comment("Cycle idiot")
    world.add_comment("Another cycle idiot")
    world.add_comment("Sport idiot", site="sport", article="cup")
    page = client.get(f"/moderate/queue/held?article={world.article_ids['cycle']}").text
    nav = page.split('<nav aria-label="Workspace">')[1].split("</nav>")[0]
    assert 'data-count="held"' in nav and ">3</span>" in nav and "whatever the filters" in nav
    heading = page.split("<h1>")[1].split("</h1>")[0]
    assert 'data-filtered-count="held">2</span>' in heading and "with these filters" in heading
    unfiltered = client.get("/moderate/queue/held").text.split("<h1>")[1].split("</h1>")[0]
    assert 'data-filtered-count="held">3</span>' in unfiltered and "with these filters" not in unfiltered
    answer = decide(
        client,
        signed_in,
        "approve",
        [world.add_comment("Third cycle idiot")],
        filters={"article": str(world.article_ids["cycle"])},
    )
    assert answer["counts"]["held"] == 3 and answer["filtered_counts"]["held"] == 2


def test_the_rejected_queue_says_what_it_shows_and_finds_a_moderators_rejections(client, world, signed_in):
    automatic = world.add_comment("Rejected by the models idiot", status="rejected")
    mine = world.add_comment("Rejected by me idiot")
    decide(client, signed_in, "reject", [mine], reason="abusive")
    default = client.get("/moderate/queue/rejected").text
    assert "Rejected automatically, not yet reviewed" in default
    assert "Rejected by the models idiot" in default and "Rejected by me idiot" not in default
    assert '<option value="moderators">Rejected by moderators</option>' in default
    by_moderators = client.get("/moderate/queue/rejected?rejected=moderators").text
    assert "Rejected by me idiot" in by_moderators and "Rejected by the models idiot" not in by_moderators
    assert "<h1>Rejected by moderators" in by_moderators
    everything = client.get("/moderate/queue/rejected?rejected=all").text
    assert "Rejected by me idiot" in everything and "Rejected by the models idiot" in everything
    counts = client.get("/moderate/api/counts?rejected=moderators", headers=signed_in).json()
    assert counts["counts"]["rejected"] == 1 and counts["filtered_counts"]["rejected"] == 1
    assert "Rejected automatically" in client.get("/moderate/queue/held").text.split("</nav>")[0]
    assert client.get("/moderate/queue/rejected?rejected=nonsense").status_code == 200  # an unknown view shows the default
    assert automatic


def test_approve_reject_and_the_human_decision_is_recorded(client, world, signed_in):
    first = world.add_comment("First idiot")
    second = world.add_comment("Second idiot")
    answer = decide(client, signed_in, "approve", [first])
    assert answer["counts"]["held"] == 1 and answer["statuses"] == {str(first): "published"}
    decide(client, signed_in, "reject", [second], reason="abusive")
    assert world.comment(first).status == "published" and world.comment(second).status == "rejected"
    with world.app.state.sessions() as session:
        event = session.scalars(
            select(ModerationEvent).where(ModerationEvent.comment_id == second).order_by(ModerationEvent.id)
        ).all()[-1]
        assert (event.actor, event.actor_name, event.action, event.from_status, event.to_status) == (
            "moderator",
            "mod",
            "reject",
            "pending",
            "rejected",
        )
        assert (
            event.reasons[0]["code"] == "abusive" and event.scores["abuse"] == 0.4 and event.model_versions == {"abuse": "test-1"}
        )
        article = session.get(Article, world.article_ids["cycle"])
        assert article.published_count == 1
    refused = client.post("/moderate/api/decisions", json={"action": "reject", "ids": [first]}, headers=signed_in)
    assert refused.status_code == 422  # a rejection needs a reason


def test_bulk_approve(client, world, signed_in):
    ids = [world.add_comment(f"Idiot number {n}") for n in range(5)]
    answer = decide(client, signed_in, "approve", ids)
    assert len(answer["event_ids"]) == 5 and answer["counts"]["held"] == 0
    assert all(world.comment(comment_id).status == "published" for comment_id in ids)
    undone = client.post("/moderate/api/undo", json={"event_ids": answer["event_ids"]}, headers=signed_in).json()
    assert undone["message"] == f"Undid the approval of 5 comments ({', '.join(map(str, ids))}): now held again."


def test_undo_puts_the_comment_back(client, world, signed_in):
    comment_id = world.add_comment("Undo me idiot")
    answer = decide(client, signed_in, "reject", [comment_id], reason="spam")
    undone = client.post("/moderate/api/undo", json={"event_ids": answer["event_ids"]}, headers=signed_in)
    assert undone.status_code == 200 and undone.json()["counts"]["held"] == 1
    assert undone.json()["message"] == f"Undid the rejection of comment {comment_id}: it is held again."
    assert world.comment(comment_id).status == "pending"
    again = client.post("/moderate/api/undo", json={"event_ids": answer["event_ids"]}, headers=signed_in)
    assert again.status_code == 409  # already undone: the comment's latest event is the undo
    with world.app.state.sessions() as session:
        actions = session.scalars(
            select(ModerationEvent.action).where(ModerationEvent.comment_id == comment_id).order_by(ModerationEvent.id)
        ).all()
    assert actions == ["hold", "reject", "undo"]  # nothing is deleted from the log


def test_reported_queue_and_reports_resolve(client, world, signed_in):
    comment_id = world.add_comment("Published but rude", status="published", reasons=[])
    report(world, comment_id)
    page = client.get("/moderate/queue/reported").text
    assert "Published but rude" in page and "Reported: abusive" in page
    answer = decide(client, signed_in, "approve", [comment_id], filters={})
    assert answer["counts"]["reported"] == 0
    with world.app.state.sessions() as session:
        assert session.scalar(select(Report.resolved_at).where(Report.comment_id == comment_id)) is not None
    client.post("/moderate/api/undo", json={"event_ids": answer["event_ids"]}, headers=signed_in)
    assert client.get("/moderate/api/counts", headers=signed_in).json()["counts"]["reported"] == 1


def test_recent_and_rejected_queues_clear_when_reviewed(client, world, signed_in):
    published = world.add_comment("Published automatically", status="published", reasons=[])
    rejected = world.add_comment("Rejected automatically", status="rejected")
    decide(client, signed_in, "approve", [published])
    decide(client, signed_in, "reject", [rejected], reason="abusive")  # confirms the automatic rejection
    counts = client.get("/moderate/api/counts", headers=signed_in).json()["counts"]
    assert counts["recent"] == 0 and counts["rejected"] == 0
    restored = world.add_comment("Wrongly rejected", status="rejected")
    answer = decide(client, signed_in, "approve", [restored])
    assert answer["statuses"][str(restored)] == "published"
    with world.app.state.sessions() as session:
        event = session.get(ModerationEvent, answer["event_ids"][0])
        assert event.action == "restore" and "Overrides the automatic decision" in event.reasons[0]["message"]


def test_ban_from_the_queue(client, world, signed_in):
    comment_id = world.add_comment("Banned soon idiot", name="Troll")
    commenter_id = world.comment(comment_id).commenter_id
    response = client.post(
        f"/moderate/api/commenters/{commenter_id}/ban",
        json={"length": "7", "reason": "Repeated insults", "reject_pending": True},
        headers=signed_in,
    )
    assert response.status_code == 200 and not response.json()["permanent"]
    assert world.comment(comment_id).status == "rejected"
    with world.app.state.sessions() as session:
        commenter = session.get(Commenter, commenter_id)
        assert repo.is_banned(commenter) and commenter.ban_reason == "Repeated insults"
        assert session.scalar(select(CommenterNote.text).where(CommenterNote.commenter_id == commenter_id)).startswith(
            "Suspended for 7 days"
        )
    audit = client.get("/moderate/audit?action=suspend").text
    assert "Repeated insults" in audit
    page = client.get(f"/moderate/commenters/{commenter_id}").text
    assert "Banned until" in page or "banned" in page.lower()


def test_commenter_page_notes_and_unban(client, world, signed_in):
    first = world.add_comment("Good one", status="published", reasons=[], name="Eve")
    world.add_comment("Bad one", status="rejected", name="Eve")
    commenter_id = world.comment(first).commenter_id
    page = client.get(f"/moderate/commenters/{commenter_id}")
    assert page.status_code == 200 and "50%" in page.text and "Good one" in page.text
    token = signed_in["X-CSRF-Token"]
    client.post(f"/moderate/commenters/{commenter_id}/notes", data={"csrf_token": token, "text": "Usually <b>fine</b>"})
    client.post(
        f"/moderate/commenters/{commenter_id}/ban", data={"csrf_token": token, "length": "permanent", "reason": "spam bot"}
    )
    page = client.get(f"/moderate/commenters/{commenter_id}").text
    assert "Usually &lt;b&gt;fine&lt;/b&gt;" in page and "Banned permanently" in page
    client.post(f"/moderate/commenters/{commenter_id}/unban", data={"csrf_token": token})
    with world.app.state.sessions() as session:
        assert session.get(Commenter, commenter_id).banned_until is None


def test_article_options(client, world, signed_in):
    article_id = world.article_ids["cycle"]
    token = signed_in["X-CSRF-Token"]
    client.post(f"/moderate/articles/{article_id}/options", data={"csrf_token": token, "comments_open": "0"})
    client.post(f"/moderate/articles/{article_id}/options", data={"csrf_token": token, "premoderate": "1"})
    with world.app.state.sessions() as session:
        article = session.get(Article, article_id)
        assert not article.comments_open and article.premoderate
    response = client.post(f"/api/v1/articles/{article_id}/comments", json={"author_name": "Al", "text": "Is this closed now?"})
    assert response.status_code == 403
    # Both changes are in the audit log, with who made them; a repeated change logs nothing more.
    client.post(f"/moderate/articles/{article_id}/options", data={"csrf_token": token, "comments_open": "0"})
    actions = client.get("/moderate/audit").text.split('id="article-actions"')[1]
    assert actions.count("</tr>") - 1 == 2  # header row + two actions
    assert (
        "<td>comments closed</td>" in actions and "<td>pre-moderation on</td>" in actions and "<td><bdi>mod</bdi></td>" in actions
    )


def test_audit_search(client, world, signed_in):
    comment_id = world.add_comment("Searchable idiot text")
    other = world.add_comment("Something else idiot")
    decide(client, signed_in, "approve", [comment_id])
    by_comment = client.get(f"/moderate/audit?comment={comment_id}").text
    assert "Searchable idiot text" in by_comment and "Something else idiot" not in by_comment
    by_actor = client.get("/moderate/audit?actor=mod").text
    assert f"#{comment_id}" in by_actor and f"#{other}" not in by_actor
    assert f"#{other}" in client.get("/moderate/audit?actor=system").text
    assert f"#{comment_id}" in client.get("/moderate/audit?q=searchable").text
    assert f"#{other}" not in client.get("/moderate/audit?action=approve").text
    assert client.get(f"/moderate/audit?site={world.site_ids['sport']}").text.count("data-event=") == 0


def test_dashboard_renders_charts(client, world, signed_in):
    world.add_comment("Held idiot")
    world.add_comment("Fine", status="published", reasons=[])
    rejected = world.add_comment("Rejected idiot", status="rejected")
    decide(client, signed_in, "restore", [rejected])
    page = client.get("/moderate/dashboard?days=7")
    assert page.status_code == 200
    assert page.text.count("<svg") >= 2 and "Suspect word" in page.text and "Median time to a human decision" in page.text
    assert "http://" not in page.text.replace("http://www.w3.org/2000/svg", "")  # no external resources


def test_comment_page_shows_history(client, world, signed_in):
    comment_id = world.add_comment("History idiot")
    decide(client, signed_in, "reject", [comment_id], reason="other")
    page = client.get(f"/moderate/comments/{comment_id}").text
    assert "History (2)" in page and "reject" in page and "system" in page


def test_dashboard_shows_how_nudged_authors_respond(client, world, signed_in):
    article_id = world.article_ids["cycle"]
    url = f"/api/v1/articles/{article_id}/comments"
    nudge = client.post(
        url, json={"author_name": "Marcus", "text": "The councillors behind these cycle lanes are idiots.", "nudge": True}
    ).json()
    assert nudge["outcome"] == "nudge"
    client.post(
        url,
        json={
            "author_name": "Marcus",
            "nudge_token": nudge["nudge_token"],
            "text": "The councillors behind these cycle lanes ignored the shop owners on the harbour road.",
        },
    )
    page = client.get("/moderate/dashboard?days=7").text
    assert "Authors nudged before posting" in page
    tile = page.split("Authors nudged before posting")[1][:200]
    assert "<strong>1</strong>" in tile and "1 of 1 edits published" in tile
