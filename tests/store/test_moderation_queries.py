"""The store's moderation queries on both databases: the queues' filters, views and order, the
audit log's filters and pages, the notices' queue and their once-only decision, and reports."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from commentdesk.services.audit import AuditFilter
from commentdesk.services.queues import QueueFilter
from commentdesk.services.sites import create_site
from commentdesk.store import audit, notices, queues, reports
from commentdesk.store import repository as repo
from commentdesk.store.models import IllegalContentNotice, NoticeStatus, Nudge, Report, User, utcnow
from db_fixtures import add_article, add_comment


def _page(session, queue, filters=None, site_ids=None, now=None):
    return [
        comment.text
        for comment in queues.queue_page(
            session, site_ids, queue, filters or QueueFilter(), now=now or utcnow(), recent_days=7, limit=50
        )
    ]


def _size(session, queue, filters=None, site_ids=None):
    return queues.queue_size(session, site_ids, queue, filters or QueueFilter(), now=utcnow(), recent_days=7)


def _decide(session, comment, status, action, *, note=""):
    return repo.change_status(session, comment, status, actor="moderator", actor_name="mod", action=action, note=note)


# --- the queues ---------------------------------------------------------------------------------


def test_a_reason_filter_matches_the_code_exactly_not_a_part_of_it(session, site):
    article = add_article(session, site)
    add_comment(session, article, "abuse", "pending", reasons=[{"code": "abusive", "message": "m", "evidence": []}])
    add_comment(
        session,
        article,
        "longer code",
        "pending",
        author="Ben",
        reasons=[{"code": "abusive_language", "message": "m", "evidence": []}],
    )
    add_comment(
        session, article, "percent", "pending", author="Cy", reasons=[{"code": "50%_caps", "message": "m", "evidence": []}]
    )
    session.commit()
    assert _page(session, "held", QueueFilter(reason="abusive")) == ["abuse"]
    assert _page(session, "held", QueueFilter(reason="abus")) == []
    assert _page(session, "held", QueueFilter(reason="50%_caps")) == ["percent"]
    assert _page(session, "held", QueueFilter(reason="5_%_caps")) == []  # wildcards are taken literally
    assert _size(session, "held", QueueFilter(reason="abusive")) == 1


def test_the_recent_queue_keeps_unreviewed_comments_of_the_last_days(session, site):
    article = add_article(session, site)
    fresh = add_comment(session, article, "fresh")
    old = add_comment(session, article, "old", author="Ben")
    reviewed = add_comment(session, article, "reviewed", author="Cy")
    undone = add_comment(session, article, "reviewed then undone", author="Di")
    old.created_at = utcnow() - timedelta(days=8)
    _decide(session, reviewed, "published", "approve")
    _decide(session, undone, "published", "approve")
    _decide(session, undone, "published", "undo")
    session.commit()
    assert sorted(_page(session, "recent")) == sorted([fresh.text, undone.text])
    assert _size(session, "recent") == 2


def test_each_view_of_the_rejected_queue(session, site):
    article = add_article(session, site)
    automatic = add_comment(session, article, "automatic", "rejected")
    confirmed = add_comment(session, article, "confirmed by a person", "rejected", author="Ben")
    by_hand = add_comment(session, article, "rejected by a person", author="Cy")
    _decide(session, confirmed, "rejected", "reject")
    _decide(session, by_hand, "rejected", "reject")
    by_hand.updated_at = utcnow() + timedelta(minutes=1)  # decided last
    session.commit()
    assert _page(session, "rejected") == [automatic.text]
    assert _page(session, "rejected", QueueFilter(rejected="moderators")) == [by_hand.text, confirmed.text]
    assert sorted(_page(session, "rejected", QueueFilter(rejected="all"))) == sorted(
        [automatic.text, confirmed.text, by_hand.text]
    )
    assert _size(session, "rejected", QueueFilter(rejected="moderators")) == 2


def test_deleted_comments_leave_the_held_and_reported_queues(session, site):
    article = add_article(session, site)
    held = add_comment(session, article, "held then deleted", "pending")
    reported = add_comment(session, article, "reported then deleted", author="Ben")
    repo.add_report(session, reported, "spam", "", None)
    session.flush()
    assert (_size(session, "held"), _size(session, "reported")) == (1, 1)
    held.deleted_at = reported.deleted_at = utcnow()
    session.commit()
    assert (_size(session, "held"), _size(session, "reported")) == (0, 0)


def test_a_resolved_report_no_longer_puts_a_comment_in_the_reported_queue(session, site):
    comment = add_comment(session, add_article(session, site), "reported once")
    repo.add_report(session, comment, "spam", "", "ip")
    session.commit()
    assert _page(session, "reported") == ["reported once"]
    reports.resolve_reports(session, comment.id, utcnow())
    session.commit()
    assert _page(session, "reported") == []


def test_the_queues_keep_to_the_given_sites_and_filters(session, site):
    other, _key = create_site(session, "other", "Other")
    article = add_article(session, site)
    mine = add_comment(session, article, "mine", "pending")
    add_comment(session, add_article(session, other, url="https://other.example/a"), "theirs", "pending", author="Ben")
    session.commit()
    assert _page(session, "held", site_ids=[site.id]) == ["mine"]
    assert _page(session, "held", site_ids=[]) == []
    assert sorted(_page(session, "held")) == ["mine", "theirs"]
    assert _page(session, "held", QueueFilter(site_id=other.id), site_ids=[site.id]) == []
    assert _page(session, "held", QueueFilter(commenter_id=mine.commenter_id)) == ["mine"]
    assert _page(session, "held", QueueFilter(article_id=article.id)) == ["mine"]


def test_an_unknown_queue_is_an_error(session, site):
    with pytest.raises(ValueError, match="unknown queue 'spam'"):
        _page(session, "spam")


# --- the audit log ------------------------------------------------------------------------------


@pytest.fixture
def logged(session, site):
    article = add_article(session, site)
    first = add_comment(session, article, "Cats are 100% wonderful")
    second = add_comment(session, article, "Dogs are fine", author="Ben")
    _decide(session, first, "rejected", "reject", note="too_much enthusiasm")
    _decide(session, second, "rejected", "reject")
    _decide(session, second, "published", "restore")
    session.commit()
    return first, second


def _audit(session, site_ids=None, before_id=None, limit=100, **filters):
    return [
        (event.action, comment.text)
        for event, comment in audit.audit_page(session, site_ids, AuditFilter(**filters), before_id, limit)
    ]


def test_the_audit_log_is_newest_first_and_pages_back(session, site, logged):
    everything = _audit(session)
    assert everything[:3] == [("restore", "Dogs are fine"), ("reject", "Dogs are fine"), ("reject", "Cats are 100% wonderful")]
    assert len(everything) == 5  # two automatic publications too
    newest_two = audit.audit_page(session, None, AuditFilter(), limit=2)
    rest = audit.audit_page(session, None, AuditFilter(), before_id=newest_two[-1][0].id)
    assert [event.id for event, _ in newest_two + rest] == sorted((event.id for event, _ in newest_two + rest), reverse=True)
    assert len(newest_two) + len(rest) == 5


@pytest.mark.parametrize(
    ("filters", "expected"),
    [
        ({"actor": "system"}, [("publish", "Dogs are fine"), ("publish", "Cats are 100% wonderful")]),
        ({"actor": "mod"}, [("restore", "Dogs are fine"), ("reject", "Dogs are fine"), ("reject", "Cats are 100% wonderful")]),
        ({"action": "restore"}, [("restore", "Dogs are fine")]),
        ({"text": "100%"}, [("reject", "Cats are 100% wonderful"), ("publish", "Cats are 100% wonderful")]),
        ({"text": "10_%"}, []),  # wildcards are taken literally
        ({"text": "TOO_MUCH"}, [("reject", "Cats are 100% wonderful")]),  # the note, in any case
    ],
)
def test_the_audit_log_filters(session, site, logged, filters, expected):
    assert _audit(session, **filters) == expected


def test_the_audit_log_by_comment_and_site(session, site, logged):
    first, _second = logged
    assert _audit(session, comment_id=first.id) == [("reject", first.text), ("publish", first.text)]
    assert _audit(session, site_id=site.id + 1) == []
    assert _audit(session, site_ids=[site.id + 1]) == []
    assert len(_audit(session, site_ids=[site.id])) == 5


def test_a_comments_latest_decision_is_not_a_report(session, site, logged):
    _first, second = logged
    restore = max(event.id for event in audit.events_by_comment(session, [second.id])[second.id])
    repo.add_report(session, second, "spam", "", None)
    session.commit()
    assert audit.latest_decision_id(session, second.id) == restore
    assert audit.event(session, restore).action == "restore"
    assert audit.latest_decision_id(session, 999_999) is None


def test_histories_and_last_human_events_by_comment(session, site, logged):
    first, second = logged
    histories = audit.events_by_comment(session, [first.id, second.id, 999_999])
    assert [event.action for event in histories[second.id]] == ["publish", "reject", "restore"]
    assert histories[999_999] == [] and audit.events_by_comment(session, []) == {}
    last = audit.last_human_events(session, [first.id, second.id], ("approve", "reject", "restore"))
    assert (last[first.id].action, last[second.id].action) == ("reject", "restore")
    assert audit.last_human_events(session, [second.id], ("approve",)) == {}
    assert audit.last_human_events(session, [], ("reject",)) == {}


def test_moderators_events_replay_by_comment_oldest_first(session, site, logged):
    first, second = logged
    rows = audit.moderator_events(session, ("reject", "restore"))
    assert [(event.comment_id, event.action) for event in rows] == [
        (first.id, "reject"),
        (second.id, "reject"),
        (second.id, "restore"),
    ]
    assert audit.moderator_events(session, ("reject",), site_id=site.id + 1) == []


def test_a_ban_is_logged_on_the_newest_comment_or_not_at_all(session, site):
    article = add_article(session, site)
    older = add_comment(session, article, "older")
    newer = add_comment(session, article, "newer", "pending")
    user = User(username="mod", password_hash="x", role="moderator", disabled=False, failed_logins=0)
    session.add(user)
    session.flush()
    audit.log_on_newest_comment(session, older.commenter_id, user_id=user.id, username="mod", action="ban", note="Banned.")
    lonely = repo.commenter_for(session, site.id, "id:lonely", "Lonely", None)
    audit.log_on_newest_comment(session, lonely.id, user_id=user.id, username="mod", action="ban", note="Banned.")
    session.commit()
    bans = _audit(session, action="ban")
    assert bans == [("ban", "newer")]
    event = audit.audit_page(session, None, AuditFilter(action="ban"))[0][0]
    assert (event.from_status, event.to_status, event.actor_user_id) == ("pending", "pending", user.id)
    assert newer.id == event.comment_id


def test_article_events_newest_first_within_the_sites(session, site):
    other, _key = create_site(session, "other", "Other")
    article = add_article(session, site)
    theirs = add_article(session, other, url="https://other.example/a")
    audit.add_article_event(session, article, "close", user_id=None, actor_name="system")
    audit.add_article_event(session, theirs, "premoderate", user_id=None, actor_name="system")
    audit.add_article_event(session, article, "reopen", user_id=None, actor_name="system")
    session.commit()
    assert [event.action for event, _ in audit.article_events(session, None)] == ["reopen", "premoderate", "close"]
    assert [event.action for event, _ in audit.article_events(session, [site.id])] == ["reopen", "close"]
    assert [event.action for event, _ in audit.article_events(session, None, site_id=other.id)] == ["premoderate"]
    assert len(audit.article_events(session, None, limit=1)) == 1
    assert {found.id for _, found in audit.article_events(session, None)} == {article.id, theirs.id}


# --- notices of illegal content -------------------------------------------------------------------


def _notice(
    session,
    comment,
    status=NoticeStatus.RECEIVED,
    *,
    received_minutes_ago=0,
    ip_hash=None,
    decided_at=None,
    name="Nora",
    email_cipher="nora's address, encrypted",
):
    report = repo.add_report(session, comment, "illegal_content", "note", ip_hash)
    session.flush()
    notice = IllegalContentNotice(
        reference=f"ref-{report.id:013d}",
        site_id=comment.site_id,
        comment_id=comment.id,
        report_id=report.id,
        ground="defamation",
        explanation="It names a person falsely.",
        notifier_name=name,
        notifier_email_cipher=email_cipher,
        good_faith=True,
        status=status,
        received_at=utcnow() - timedelta(minutes=received_minutes_ago),
        decided_at=decided_at,
    )
    session.add(notice)
    session.flush()
    return notice


def test_the_notice_queue_shows_open_ones_oldest_first_and_decided_ones_newest_first(session, site):
    comment = add_comment(session, add_article(session, site), "noticed")
    now = utcnow()
    newer = _notice(session, comment, received_minutes_ago=5)
    older = _notice(session, comment, NoticeStatus.UNDER_REVIEW, received_minutes_ago=50)
    decided_first = _notice(session, comment, NoticeStatus.NO_ACTION, decided_at=now - timedelta(hours=2))
    decided_last = _notice(session, comment, NoticeStatus.NO_ACTION, decided_at=now - timedelta(hours=1))
    removed = _notice(session, comment, NoticeStatus.ACTION_TAKEN, decided_at=now)
    session.commit()
    ids = lambda status: [notice.id for notice in notices.queue(session, None, status, 10)]  # noqa: E731
    assert ids(None) == [older.id, newer.id] == ids("anything else")
    assert ids(NoticeStatus.RECEIVED) == [newer.id]
    assert ids(NoticeStatus.NO_ACTION) == [decided_last.id, decided_first.id]
    assert ids(NoticeStatus.ACTION_TAKEN) == [removed.id]
    assert notices.queue(session, [site.id + 1], None, 10) == []
    assert notices.open_count(session, None) == 2 and notices.open_count(session, [site.id + 1]) == 0


def test_one_open_notice_per_comment_and_address(session, site):
    comment = add_comment(session, add_article(session, site), "noticed")
    notice = _notice(session, comment, ip_hash="ip-1")
    session.commit()
    assert notices.open_notice_from(session, comment.id, "ip-1")
    assert not notices.open_notice_from(session, comment.id, "ip-2")
    notice.status = NoticeStatus.NO_ACTION
    session.commit()
    assert not notices.open_notice_from(session, comment.id, "ip-1")  # decided: another may be sent
    assert notices.by_reference(session, notice.reference).id == notice.id
    assert notices.by_reference(session, "ref-unknown") is None


def test_a_notice_is_decided_once(session, site):
    notice = _notice(session, add_comment(session, add_article(session, site), "noticed"))
    user = User(username="mod", password_hash="x", role="moderator", disabled=False, failed_logins=0)
    session.add(user)
    session.commit()
    now = utcnow()
    decide = dict(
        status=NoticeStatus.NO_ACTION,
        action="none",
        ground=None,
        explanation="Lawful opinion.",
        now=now,
        user_id=user.id,
        username="mod",
    )
    assert notices.claim_decision(session, notice.id, **decide)
    session.commit()
    assert not notices.claim_decision(session, notice.id, **{**decide, "explanation": "Second thoughts."})
    session.commit()
    stored = notices.notice(session, notice.id)
    session.refresh(stored)
    assert (stored.status, stored.decision_explanation, stored.decided_by_name) == (
        NoticeStatus.NO_ACTION,
        "Lawful opinion.",
        "mod",
    )
    assert stored.decided_at == now and stored.review_started_at == now  # reviewed at the latest when decided


def test_a_notices_report_is_resolved_once(session, site):
    notice = _notice(session, add_comment(session, add_article(session, site), "noticed"))
    session.commit()
    first = utcnow()
    notices.resolve_report(session, notice.report_id, first)
    notices.resolve_report(session, notice.report_id, first + timedelta(hours=1))
    session.commit()
    assert session.get_one(Report, notice.report_id).resolved_at == first


def test_contacts_are_erased_only_from_notices_decided_long_enough_ago(session, site):
    comment = add_comment(session, add_article(session, site), "noticed")
    now = utcnow()
    old = _notice(session, comment, NoticeStatus.NO_ACTION, decided_at=now - timedelta(days=40))
    recent = _notice(session, comment, NoticeStatus.NO_ACTION, decided_at=now - timedelta(days=5))
    still_open = _notice(session, comment)
    anonymous = _notice(
        session, comment, NoticeStatus.NO_ACTION, decided_at=now - timedelta(days=40), name=None, email_cipher=None
    )
    session.commit()
    assert notices.erase_contacts_decided_before(session, now - timedelta(days=30), now) == 1
    session.commit()
    assert notices.erase_contacts_decided_before(session, now - timedelta(days=30), now) == 0  # once
    for row in (old, recent, still_open, anonymous):
        session.refresh(row)
    assert (old.notifier_name, old.notifier_email_cipher, old.contact_erased_at) == (None, None, now)
    assert recent.notifier_name == "Nora" and still_open.notifier_email_cipher == "nora's address, encrypted"
    assert anonymous.contact_erased_at is None


# --- reports and nudges ---------------------------------------------------------------------------


def test_open_reports_by_comment_and_reopening_what_an_undone_decision_resolved(session, site):
    article = add_article(session, site)
    comment = add_comment(session, article, "reported")
    quiet = add_comment(session, article, "not reported", author="Ben")
    early = repo.add_report(session, comment, "spam", "first", "a")
    session.flush()
    before = utcnow() - timedelta(hours=1)
    early.resolved_at = before
    repo.add_report(session, comment, "abuse", "second", "b")
    session.commit()
    assert [r.note for r in reports.unresolved_reports(session, [comment.id, quiet.id])[comment.id]] == ["second"]
    assert reports.unresolved_reports(session, [quiet.id]) == {quiet.id: []} and reports.unresolved_reports(session, []) == {}
    decided = utcnow()
    reports.resolve_reports(session, comment.id, decided)
    session.commit()
    reports.reopen_reports_since(session, comment.id, decided)
    session.commit()
    open_notes = [r.note for r in reports.unresolved_reports(session, [comment.id])[comment.id]]
    assert open_notes == ["second"]  # the report resolved earlier stays resolved


def test_an_open_nudge_is_found_by_token_on_its_article_and_its_outcome_recorded(session, site):
    article = add_article(session, site)
    other = add_article(session, site, url="https://news.example/other")
    comment = add_comment(session, article, "sent after a nudge")
    session.add(
        Nudge(token="tok", site_id=site.id, article_id=article.id, draft_hash="d" * 64, reasons=[], comment_id=comment.id)
    )
    session.add(
        Nudge(token="done", site_id=site.id, article_id=article.id, draft_hash="d" * 64, reasons=[], resolved_at=utcnow())
    )
    session.commit()
    assert reports.open_nudge(session, article.id, "tok").token == "tok"
    assert reports.open_nudge(session, other.id, "tok") is None
    assert reports.open_nudge(session, article.id, "done") is None
    reports.record_nudge_outcome(session, comment.id, "published")
    session.commit()
    assert session.scalars(select(Nudge.outcome).where(Nudge.token == "tok")).one() == "published"
