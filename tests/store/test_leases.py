"""Leases on the background queues' rows (store/leases.py): one holder at a time, taken over when
the lease runs out, renewed and released only by their holder. The mail outbox's rows stand for
all three queues; each test runs on SQLite and on PostgreSQL."""

from __future__ import annotations

import threading
from datetime import timedelta

import pytest
from sqlalchemy import select

from commentdesk.store import leases
from commentdesk.store import mail as mail_store
from commentdesk.store.models import OutgoingMail, utcnow

NOW = utcnow()
LEASE = timedelta(seconds=60)


def messages(session, count, **fields):
    fields.setdefault("next_attempt_at", NOW)
    rows = [OutgoingMail(kind="reply", recipient_hash=f"h{number}", subject="s", body="b", **fields) for number in range(count)]
    session.add_all(rows)
    session.commit()
    return [row.id for row in rows]


def claim(session, claimer, limit=10, now=NOW, due=()):
    taken = leases.claim(
        session,
        OutgoingMail,
        claimer,
        due=list(due),
        order_by=[OutgoingMail.next_attempt_at],
        now=now,
        until=now + LEASE,
        limit=limit,
    )
    session.commit()
    return taken


def holders(session):
    session.expire_all()
    return dict(session.execute(select(OutgoingMail.id, OutgoingMail.claimed_by)).all())


def test_a_claimed_row_is_held_by_its_claimer_alone_until_the_lease_runs_out(session):
    ids = messages(session, 3)
    assert claim(session, "a", limit=2) == ids[:2]
    assert claim(session, "b") == ids[2:]
    assert claim(session, "c") == []
    assert holders(session) == {ids[0]: "a", ids[1]: "a", ids[2]: "b"}
    # Just before the end of the lease the rows are still held; after it, anyone takes them.
    assert claim(session, "c", now=NOW + LEASE - timedelta(seconds=1)) == []
    assert claim(session, "c", now=NOW + LEASE + timedelta(seconds=1)) == ids
    assert set(holders(session).values()) == {"c"}


def test_only_due_rows_are_claimed_and_the_first_due_first(session):
    late, early, sent = (
        messages(session, 1, next_attempt_at=NOW + delay, status=status)[0]
        for delay, status in ((timedelta(seconds=5), "pending"), (timedelta(0), "pending"), (timedelta(0), "sent"))
    )
    pending_and_due = [OutgoingMail.status == "pending", OutgoingMail.next_attempt_at <= NOW + timedelta(seconds=10)]
    assert claim(session, "a", limit=1, due=pending_and_due) == [early]
    assert claim(session, "a", limit=5, due=pending_and_due) == [late]
    assert holders(session)[sent] is None
    assert claim(session, "a", limit=0) == []


def test_servers_claiming_at_once_never_get_the_same_row(sessions):
    with sessions() as setup:
        ids = messages(setup, 200)
    taken: dict[str, list[int]] = {}
    start = threading.Barrier(4)

    def server(name):
        mine = taken.setdefault(name, [])
        with sessions() as session:
            start.wait()
            while batch := mail_store.claim_due(session, name, LEASE, 3):
                session.commit()
                mine.extend(batch)

    threads = [threading.Thread(target=server, args=(f"server-{number}",)) for number in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    every_claim = [row_id for batch in taken.values() for row_id in batch]
    assert sorted(every_claim) == ids  # each row once, none twice
    with sessions() as session:
        assert holders(session) == {row_id: name for name, batch in taken.items() for row_id in batch}


def test_on_postgresql_rows_another_server_is_claiming_are_skipped_not_waited_for(sessions):
    with sessions() as first, sessions() as second:
        if first.get_bind().dialect.name != "postgresql":
            pytest.skip("SQLite has one writer: a second claim waits for the first to commit")
        ids = messages(first, 4)
        held = leases.claim(first, OutgoingMail, "a", due=[], order_by=[OutgoingMail.id], now=NOW, until=NOW + LEASE, limit=2)
        # The first server's transaction is still open: its rows are locked, the others are not.
        assert claim(second, "b") == ids[2:]
        first.commit()
        assert held == ids[:2]
        assert holders(second) == {ids[0]: "a", ids[1]: "a", ids[2]: "b", ids[3]: "b"}


def test_renewing_extends_only_the_renewers_own_rows(session):
    ids = messages(session, 3)
    claim(session, "a", limit=2)
    claim(session, "b")
    later = NOW + 10 * LEASE
    assert leases.renew(session, OutgoingMail, ids, "a", later) == 2
    assert leases.renew(session, OutgoingMail, [], "a", later) == 0
    session.commit()
    session.expire_all()
    until = dict(session.execute(select(OutgoingMail.id, OutgoingMail.claimed_until)).all())
    assert until == {ids[0]: later, ids[1]: later, ids[2]: NOW + LEASE}
    # After the first lease would have run out, the renewed rows are still held.
    assert claim(session, "c", now=NOW + 2 * LEASE) == ids[2:]


def test_held_rows_are_listed_and_released_for_another_server_at_once(session):
    ids = messages(session, 3)
    claim(session, "a", limit=2)
    claim(session, "b")
    assert leases.held_by(session, OutgoingMail, "a") == ids[:2]
    assert leases.release(session, OutgoingMail, "a") == 2
    session.commit()
    assert leases.held_by(session, OutgoingMail, "a") == []
    assert claim(session, "c") == ids[:2]
    assert holders(session)[ids[2]] == "b"


def test_a_stopping_mail_sender_gives_back_only_its_unsent_messages(session):
    (pending,) = messages(session, 1)
    claim(session, "a")
    (sent,) = messages(session, 1, status=mail_store.SENT, claimed_by="a", claimed_until=NOW + LEASE)
    mail_store.release(session, "a")
    session.commit()
    assert holders(session) == {pending: None, sent: "a"}
