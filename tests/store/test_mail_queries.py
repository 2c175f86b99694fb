"""The e-mail store: who is told about a comment, forgetting addresses, the outbox's claims, and
the per-site queue sizes the moderators' digest reports."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import func, select

from commentdesk.services.sites import create_site
from commentdesk.store import mail
from commentdesk.store import repository as repo
from commentdesk.store.models import CommentWatch, MailSubscriber, OutgoingMail, utcnow
from db_fixtures import add_article, add_comment


def subscriber(session, site, email_hash="h-ana", confirmed=True, created_at=None):
    row = MailSubscriber(
        site_id=site.id,
        email_hash=email_hash,
        address_cipher="cipher",
        confirmed_at=utcnow() if confirmed else None,
        created_at=created_at or utcnow(),
    )
    session.add(row)
    session.flush()
    return row


def message(session, site, recipient_hash="h-ana", status=mail.PENDING, **fields):
    row = OutgoingMail(
        site_id=site.id, kind="reply", recipient_hash=recipient_hash, subject="s", body="b", status=status, **fields
    )
    session.add(row)
    session.flush()
    return row


def test_only_a_watch_confirmed_for_the_comment_itself_is_told_about_it(session, site):
    comment = add_comment(session, add_article(session, site))
    ana = subscriber(session, site, confirmed=True)  # confirmed for another comment
    watch = mail.watch(session, comment.id, ana.id)
    session.commit()
    assert mail.confirmed_watcher(session, comment.id) is None
    watch.confirmed_at = utcnow()
    session.commit()
    assert mail.confirmed_watcher(session, comment.id) is ana
    assert mail.watch(session, comment.id, ana.id) is watch  # watching twice keeps one watch
    session.commit()
    assert session.scalar(select(func.count()).select_from(CommentWatch)) == 1


def test_a_watch_confirmed_for_one_commenter_says_nothing_of_another(session, site):
    article = add_article(session, site)
    mine, theirs = add_comment(session, article, author="Ana"), add_comment(session, article, author="Stranger")
    ana = subscriber(session, site)
    mail.watch(session, mine.id, ana.id).confirmed_at = utcnow()
    mail.watch(session, theirs.id, ana.id)
    session.commit()
    assert mail.confirmed_for_commenter(session, ana.id, mine.commenter_id)
    assert not mail.confirmed_for_commenter(session, ana.id, theirs.commenter_id)
    assert mail.watch_of(session, theirs.id, ana.id) is not None and mail.watch_of(session, theirs.id, ana.id + 1) is None


def test_subscribers_are_per_site(session, site):
    other, _key = create_site(session, "other", "Other")
    mine = subscriber(session, site)
    session.commit()
    assert mail.subscriber(session, site.id, "h-ana") is mine
    assert mail.subscriber(session, other.id, "h-ana") is None


def test_unsubscribing_forgets_the_address_its_watches_and_unsent_mail(session, site):
    comment = add_comment(session, add_article(session, site))
    row = subscriber(session, site)
    mail.watch(session, comment.id, row.id)
    message(session, site)
    sent = message(session, site, status=mail.SENT)
    session.commit()
    mail.forget_subscriber(session, row.id)
    session.commit()
    assert session.scalar(select(func.count()).select_from(MailSubscriber)) == 0
    assert session.scalar(select(func.count()).select_from(CommentWatch)) == 0
    assert [m.id for m in session.scalars(select(OutgoingMail))] == [sent.id]  # what was sent stays on record
    mail.forget_subscriber(session, 987654)  # nobody: no error


def test_addresses_never_confirmed_are_forgotten_after_a_while(session, site):
    now = utcnow()
    subscriber(session, site, "old", confirmed=False, created_at=now - timedelta(days=10))
    subscriber(session, site, "fresh", confirmed=False)
    subscriber(session, site, "kept", confirmed=True, created_at=now - timedelta(days=10))
    session.commit()
    assert mail.forget_unconfirmed(session, now - timedelta(days=7)) == 1
    session.commit()
    assert sorted(session.scalars(select(MailSubscriber.email_hash))) == ["fresh", "kept"]


def test_a_watch_never_confirmed_is_forgotten_after_a_while_and_its_address_kept(session, site):
    now = utcnow()
    article = add_article(session, site)
    old, fresh, confirmed = (add_comment(session, article, author=name) for name in ("Old", "Fresh", "Confirmed"))
    old.created_at = confirmed.created_at = now - timedelta(days=10)
    ana = subscriber(session, site, created_at=now - timedelta(days=10))
    mail.watch(session, old.id, ana.id)
    mail.watch(session, fresh.id, ana.id)
    mail.watch(session, confirmed.id, ana.id).confirmed_at = now - timedelta(days=9)
    session.commit()
    assert mail.forget_unconfirmed(session, now - timedelta(days=7)) == 0
    session.commit()
    assert sorted(session.scalars(select(CommentWatch.comment_id))) == sorted([fresh.id, confirmed.id])
    assert session.get(MailSubscriber, ana.id) is not None


def test_messages_are_counted_per_recipient_since_a_moment(session, site):
    message(session, site)
    message(session, site)
    message(session, site, recipient_hash="h-ben")
    session.commit()
    assert mail.messages_since(session, "h-ana", utcnow() - timedelta(hours=1)) == 2
    assert mail.messages_since(session, "h-ana", utcnow() + timedelta(hours=1)) == 0


def test_due_messages_are_claimed_once_until_the_lease_ends(session, site):
    first = message(session, site)
    message(session, site, next_attempt_at=utcnow() + timedelta(hours=1))  # not due yet
    message(session, site, status=mail.SENT)
    session.commit()
    assert mail.claim_due(session, "a", timedelta(minutes=5), 10) == [first.id]
    session.commit()
    assert mail.claim_due(session, "b", timedelta(minutes=5), 10) == []
    first.claimed_until = utcnow() - timedelta(seconds=1)
    session.commit()
    assert mail.claim_due(session, "b", timedelta(minutes=5), 10) == [first.id]


def test_recent_messages_come_newest_first(session, site):
    made = [message(session, site) for _ in range(3)]
    session.commit()
    assert [m.id for m in mail.recent_messages(session, limit=2)] == [made[2].id, made[1].id]


def test_queue_sizes_per_site_for_the_digest(session, site):
    other, _key = create_site(session, "other", "Another site")
    article = add_article(session, site)
    held = add_comment(session, article, "held", "pending")
    add_comment(session, article, "held too", "pending", author="Ben")
    reported = add_comment(session, article, "reported")
    repo.add_report(session, reported, "spam", "", "ip")
    session.commit()
    sizes = mail.queue_sizes(session)
    assert [(name, waiting, reports) for name, waiting, reports, _oldest in sizes] == [
        ("Another site", 0, 0),
        ("The Daily Example", 2, 1),
    ]
    assert sizes[0][3] is None and sizes[1][3] == held.created_at
    assert other.name == "Another site"
