"""The moderator workspace's use cases on a real database: queues and their filters, decisions and
undoing them, bans, notes, article options and the audit log."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from commentdesk.services import accounts, workspace
from commentdesk.services.accounts import Scope
from commentdesk.services.sites import create_site
from commentdesk.services.workspace import ActionResult, AuditFilter, NotAllowed, QueueFilter, UndoRefused
from commentdesk.store import guest_bans
from commentdesk.store import repository as repo
from commentdesk.store.models import ArticleEvent, CommenterNote, DomainEvent, ModerationEvent, Report, StatementOfReasons, utcnow
from commentdesk.web.moderate import words
from db_fixtures import add_article, add_comment

PASSWORD = "a long enough password"


@pytest.fixture
def admin(session):
    user = accounts.create_user(session, "boss", PASSWORD, "admin")
    session.commit()
    return user


def queue(session, name, filters=None, user=None):
    scope = Scope(None) if user is None else Scope.of(user)
    return [comment.text for comment in workspace.queue_comments(session, scope, name, filters or QueueFilter())]


def test_each_queue_holds_its_work(session, site):
    article = add_article(session, site)
    add_comment(session, article, "held", "pending")
    add_comment(session, article, "published")
    rejected = add_comment(session, article, "rejected automatically", "rejected")
    reported = add_comment(session, article, "reported")
    repo.add_report(session, reported, "spam", "", "ip")
    old = add_comment(session, article, "published long ago")
    old.created_at = utcnow() - timedelta(days=workspace.RECENT_DAYS + 1)
    session.commit()
    assert queue(session, "held") == ["held"]
    assert queue(session, "reported") == ["reported"]
    assert sorted(queue(session, "recent")) == ["published", "reported"]
    assert queue(session, "rejected") == [rejected.text]
    counts = workspace.queue_counts(session, Scope(None), QueueFilter())
    assert counts == {"held": 1, "reported": 1, "recent": 2, "rejected": 1}
    with pytest.raises(ValueError, match="unknown queue"):
        workspace.queue_comments(session, Scope(None), "everything", QueueFilter())


def test_an_illegal_content_notice_is_not_in_the_reported_queue(session, site):
    comment = add_comment(session, add_article(session, site), "noticed")
    repo.add_report(session, comment, "illegal_content", "", "ip")
    session.commit()
    assert queue(session, "reported") == []


def test_reported_comments_come_first_then_by_priority(session, site):
    article = add_article(session, site)
    low = add_comment(session, article, "low", "pending")
    high = add_comment(session, article, "high", "pending")
    reported = add_comment(session, article, "reported", "pending")
    low.priority, high.priority, reported.priority = 0.1, 0.9, 0.0
    reported.report_count = 1
    session.commit()
    assert queue(session, "held") == ["reported", "high", "low"]


def test_filters_narrow_the_queues(session, site):
    article = add_article(session, site)
    other_article = add_article(session, site, url="https://news.example/other")
    add_comment(session, article, "ana's", "pending", author="Ana", reasons=[{"code": "possibly_abusive"}])
    bens = add_comment(session, other_article, "ben's", "pending", author="Ben", reasons=[{"code": "off_topic"}])
    session.commit()
    assert queue(session, "held", QueueFilter(article_id=other_article.id)) == ["ben's"]
    assert queue(session, "held", QueueFilter(commenter_id=bens.commenter_id)) == ["ben's"]
    assert queue(session, "held", QueueFilter(reason="possibly_abusive")) == ["ana's"]
    assert queue(session, "held", QueueFilter(reason='off_topic", "x')) == []  # quotes are matched literally
    assert queue(session, "held", QueueFilter(site_id=site.id + 1000)) == []
    filters = QueueFilter(site_id=site.id, reason="off_topic", rejected="nonsense")
    assert filters.rejected == workspace.DEFAULT_REJECTED_VIEW and filters.narrows
    assert filters.as_params() == {"site": str(site.id), "reason": "off_topic"}
    assert not QueueFilter(rejected="all").narrows and QueueFilter(rejected="all").as_params() == {"rejected": "all"}


def test_a_moderator_sees_only_the_sites_they_moderate(session, site):
    other, _key = create_site(session, "other", "Other")
    add_comment(session, add_article(session, site), "mine", "pending")
    theirs = add_comment(session, add_article(session, other, url="https://other.example/a"), "theirs", "pending")
    limited = accounts.create_user(session, "ana", PASSWORD, "moderator", site_ids=[site.id])
    session.commit()
    assert queue(session, "held", user=limited) == ["mine"]
    with pytest.raises(NotAllowed):
        workspace.visible_comment(session, Scope.of(limited), theirs.id)
    with pytest.raises(NotAllowed):
        workspace.decide(session, limited, [theirs.id], "approve")
    with pytest.raises(NotAllowed):
        workspace.visible_commenter(session, Scope.of(limited), theirs.commenter_id)
    with pytest.raises(NotAllowed):
        workspace.visible_article(session, Scope.of(limited), theirs.article_id)


def test_approving_a_held_comment_publishes_it_and_logs_why(session, site, admin):
    comment = add_comment(session, add_article(session, site), "held", "pending")
    session.commit()
    result = workspace.decide(session, admin, [comment.id, comment.id], "approve", note="  fine  ")
    assert result.comment_ids == [comment.id] and result.statuses == {comment.id: "published"}
    event = session.get(ModerationEvent, result.event_ids[0])
    assert (event.action, event.actor, event.actor_name, event.note) == ("approve", "moderator", "boss", "fine")
    assert event.reasons[0]["message"] == "Approved by a moderator. Decides a comment the system held."
    kinds = [e.kind for e in session.scalars(select(DomainEvent))]
    assert kinds == ["comment.published"]


def test_rejecting_needs_a_known_reason_and_states_it(session, site, admin):
    comment = add_comment(session, add_article(session, site), "published one")
    session.commit()
    for bad in (None, "rude"):
        with pytest.raises(ValueError, match="a rejection needs a reason"):
            workspace.decide(session, admin, [comment.id], "reject", rejection_reason=bad)
    with pytest.raises(ValueError, match="unknown action"):
        workspace.decide(session, admin, [comment.id], "delete")
    result = workspace.decide(session, admin, [comment.id], "reject", rejection_reason="spam")
    event = session.get(ModerationEvent, result.event_ids[0])
    assert event.reasons[0]["code"] == "spam"
    assert event.reasons[0]["message"] == "Rejected by a moderator: Spam. Overrides the automatic decision (publish)."
    assert session.scalars(select(StatementOfReasons)).one().automated is False
    assert queue(session, "rejected", QueueFilter(rejected="moderators")) == ["published one"]
    assert queue(session, "rejected") == []  # a person decided it: no longer work


def test_restoring_an_automatic_rejection_is_logged_as_a_restore(session, site, admin):
    comment = add_comment(session, add_article(session, site), "rejected", "rejected")
    session.commit()
    result = workspace.decide(session, admin, [comment.id], "restore")
    event = session.get(ModerationEvent, result.event_ids[0])
    assert event.action == "restore" and comment.status == "published"
    assert "Overrides the automatic decision (reject)." in event.reasons[0]["message"]


def test_a_decision_resolves_the_comments_reports_and_an_undo_reopens_them(session, site, admin):
    comment = add_comment(session, add_article(session, site), "reported")
    repo.add_report(session, comment, "abusive", "", "ip")
    session.commit()
    result = workspace.decide(session, admin, [comment.id], "approve")
    assert session.scalars(select(Report)).one().resolved_at is not None
    assert queue(session, "reported") == []
    undone = workspace.undo(session, admin, result.event_ids)
    assert session.scalars(select(Report)).one().resolved_at is None
    assert undone.undone == {comment.id: "approve"}
    assert words.undo_summary(undone) == f"Undid the approval of comment {comment.id}: it is published again."


def test_an_undo_puts_the_comment_back_and_stays_in_the_log(session, site, admin):
    article = add_article(session, site)
    first = add_comment(session, article, "one", "pending")
    second = add_comment(session, article, "two", "pending", author="Ben")
    session.commit()
    decided = workspace.decide(session, admin, [first.id, second.id], "reject", rejection_reason="abusive")
    undone = workspace.undo(session, admin, decided.event_ids)
    assert first.status == second.status == "pending"
    assert words.undo_summary(undone) == f"Undid the rejection of 2 comments ({first.id}, {second.id}): now held again."
    actions = [e.action for e in session.scalars(select(ModerationEvent).where(ModerationEvent.comment_id == first.id))]
    assert actions == ["hold", "reject", "undo"]


def test_only_ones_own_latest_decision_can_be_undone(session, site, admin):
    other = accounts.create_user(session, "ana", PASSWORD, "admin")
    comment = add_comment(session, add_article(session, site), "held", "pending")
    session.commit()
    first = workspace.decide(session, admin, [comment.id], "approve")
    with pytest.raises(UndoRefused, match="Only your own decisions"):
        workspace.undo(session, other, first.event_ids)
    workspace.decide(session, other, [comment.id], "reject", rejection_reason="other")
    with pytest.raises(UndoRefused, match="decided again since"):
        workspace.undo(session, admin, first.event_ids)
    automatic = session.scalar(select(ModerationEvent.id).where(ModerationEvent.action == "hold"))
    with pytest.raises(UndoRefused):
        workspace.undo(session, admin, [automatic])
    with pytest.raises(UndoRefused):
        workspace.undo(session, admin, [987_654])


def test_an_empty_undo_says_so():
    assert words.undo_summary(ActionResult([], [], {})) == "Nothing was undone."


def test_a_suspension_covers_the_guest_and_can_reject_what_waits(session, site, admin):
    article = add_article(session, site)
    waiting = add_comment(session, article, "waiting", "pending", author="Troll")
    waiting.ip_hash = "ip-troll"
    session.commit()
    commenter = workspace.visible_commenter(session, Scope(None), waiting.commenter_id)
    now = utcnow()
    until = workspace.ban(session, admin, commenter, days=3, reason=" spam run ", reject_pending=True, now=now)
    assert until == now + timedelta(days=3) and commenter.ban_reason == "spam run"
    assert waiting.status == "rejected"
    assert guest_bans.banned(session, site.id, ["ip-troll"])
    notes = [note.text for note in session.scalars(select(CommenterNote))]
    assert notes == ["Suspended for 3 days: spam run"]
    logged = session.scalar(select(ModerationEvent).where(ModerationEvent.action == "suspend"))
    assert logged.note == "Suspended for 3 days. spam run"
    session.refresh(commenter)  # the counts are kept by UPDATE statements
    record = workspace.commenter_record(session, commenter)
    assert record.banned and record.rejection_rate == 1.0 and [c.text for c in record.comments] == ["waiting"]
    assert record.last_human[waiting.id].action == "reject"


def test_a_ban_for_good_and_lifting_it(session, site, admin):
    comment = add_comment(session, add_article(session, site), "x", author="Troll")
    comment.ip_hash = "ip-troll"
    session.commit()
    commenter = comment.commenter
    until = workspace.ban(session, admin, commenter, days=None, reason="")
    assert until == workspace.PERMANENT
    assert [n.text for n in session.scalars(select(CommenterNote))] == ["Banned: no reason given"]
    workspace.unban(session, admin, commenter)
    assert commenter.banned_until is None and not guest_bans.banned(session, site.id, ["ip-troll"])
    assert [e.action for e in session.scalars(select(ModerationEvent).where(ModerationEvent.actor == "moderator"))] == [
        "ban",
        "unban",
    ]


def test_a_one_day_suspension_reads_in_the_singular(session, site, admin):
    comment = add_comment(session, add_article(session, site), "x")
    session.commit()
    workspace.ban(session, admin, comment.commenter, days=1, reason="cool off")
    assert session.scalars(select(CommenterNote)).one().text == "Suspended for 1 day: cool off"


def test_notes_on_a_commenter_are_kept_newest_first(session, site, admin):
    comment = add_comment(session, add_article(session, site), "x")
    session.commit()
    workspace.add_note(session, admin, comment.commenter, "  first  ")
    workspace.add_note(session, admin, comment.commenter, "second")
    session.refresh(comment.commenter)
    record = workspace.commenter_record(session, comment.commenter)
    assert [note.text for note in record.notes] == ["second", "first"]
    assert record.rejection_rate == 0.0 and not record.banned


def test_a_commenter_with_no_decided_comment_has_no_rejection_rate(session, site):
    comment = add_comment(session, add_article(session, site), "x", "pending")
    session.commit()
    assert workspace.commenter_record(session, comment.commenter).rejection_rate is None


def test_article_options_change_and_are_logged_once(session, site, admin):
    article = add_article(session, site)
    session.commit()
    workspace.set_article_options(session, article, user=admin, comments_open=False, premoderate=True)
    workspace.set_article_options(session, article, user=admin, comments_open=False)  # no change: no log
    workspace.set_article_options(session, article, comments_open=True, premoderate=False)
    actions = [(event.action, event.actor_name) for event, _article in workspace.article_events(session, Scope(None))]
    assert actions == [("stop_premoderating", "system"), ("reopen", "system"), ("premoderate", "boss"), ("close", "boss")]
    assert [e.kind for e in session.scalars(select(DomainEvent))] == ["article.closed"]
    assert workspace.article_events(session, Scope(frozenset({site.id + 1}))) == []
    assert len(workspace.article_events(session, Scope(None), site_id=site.id, limit=2)) == 2
    assert session.scalars(select(ArticleEvent)).first().actor_user_id == admin.id


def test_the_audit_log_filters_and_pages_back(session, site, admin):
    article = add_article(session, site)
    first = add_comment(session, article, "Market Street plan", "pending")
    add_comment(session, article, "Something else", "pending", author="Ben")
    session.commit()
    workspace.decide(session, admin, [first.id], "approve", note="checked the facts")
    everything = workspace.audit_events(session, Scope(None), AuditFilter())
    assert [event.action for event, _comment in everything] == ["approve", "hold", "hold"]
    assert [e.action for e, _c in workspace.audit_events(session, Scope(None), AuditFilter(actor="boss"))] == ["approve"]
    assert [e.action for e, _c in workspace.audit_events(session, Scope(None), AuditFilter(actor="system"))] == ["hold", "hold"]
    assert [c.text for _e, c in workspace.audit_events(session, Scope(None), AuditFilter(text="market street"))] == [
        "Market Street plan"
    ] * 2
    assert len(workspace.audit_events(session, Scope(None), AuditFilter(text="the facts"))) == 1
    assert len(workspace.audit_events(session, Scope(None), AuditFilter(text="100%"))) == 0
    assert len(workspace.audit_events(session, Scope(None), AuditFilter(comment_id=first.id))) == 2
    assert len(workspace.audit_events(session, Scope(None), AuditFilter(action="hold", site_id=site.id))) == 2
    newest_id = everything[0][0].id
    assert [e.id for e, _c in workspace.audit_events(session, Scope(None), AuditFilter(), before_id=newest_id)] == [
        e.id for e, _c in everything[1:]
    ]
    assert workspace.audit_events(session, Scope(frozenset()), AuditFilter()) == []
    assert AuditFilter(actor="boss", text="").as_params() == {"actor": "boss"}


def test_histories_and_reports_are_gathered_per_comment(session, site, admin):
    article = add_article(session, site)
    comment = add_comment(session, article, "x")
    quiet = add_comment(session, article, "y", author="Ben")
    repo.add_report(session, comment, "spam", "", "ip")
    session.commit()
    history = workspace.events_by_comment(session, [comment.id, quiet.id])
    assert [e.action for e in history[comment.id]] == ["publish", "report"] and len(history[quiet.id]) == 1
    reports = workspace.unresolved_reports(session, [comment.id, quiet.id])
    assert len(reports[comment.id]) == 1 and reports[quiet.id] == []
    assert workspace.events_by_comment(session, []) == {} and workspace.unresolved_reports(session, []) == {}


def test_badges_count_the_whole_workspace_and_the_filtered_view(session, site):
    article = add_article(session, site)
    add_comment(session, article, "a", "pending")
    add_comment(session, add_article(session, site, url="https://news.example/b"), "b", "pending")
    session.commit()
    same = workspace.badge_counts(session, Scope(None), QueueFilter())
    assert same.overall["held"] == 2 and same.filtered is same.overall
    narrowed = workspace.badge_counts(session, Scope(None), QueueFilter(article_id=article.id))
    assert narrowed.overall["held"] == 2 and narrowed.filtered["held"] == 1
    assert narrowed.as_dict()["filtered_counts"]["held"] == 1
