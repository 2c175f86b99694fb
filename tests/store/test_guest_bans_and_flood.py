"""A banned guest's addresses and tokens, and the per-minute counts that refuse a flood."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import func, select, text

from commentdesk.services.sites import create_site
from commentdesk.store import flood, guest_bans
from commentdesk.store import repository as repo
from commentdesk.store.db import make_engine, session_factory
from commentdesk.store.models import FloodMark, GuestBan, utcnow
from db_fixtures import add_article, add_comment


def _guest_with_comments(session, site, keys):
    article = add_article(session, site)
    comments = []
    for ip_hash, token_hash in keys:
        comment = add_comment(session, article, f"from {ip_hash}/{token_hash}", author="Guest")
        comment.ip_hash, comment.guest_token_hash = ip_hash, token_hash
        comments.append(comment)
    session.flush()
    return repo.commenter_by_identity(session, site.id, "id:guest")


def test_a_ban_covers_the_guests_addresses_and_tokens_until_it_ends(session, site):
    guest = _guest_with_comments(session, site, [("ip-1", "tok-1"), ("ip-1", None), ("ip-2", "tok-1"), (None, None)])
    now = utcnow()
    assert guest_bans.record(session, guest, now + timedelta(days=1)) == 3  # ip-1, ip-2, tok-1
    session.commit()
    assert guest_bans.banned(session, site.id, ["ip-2"], now)
    assert guest_bans.banned(session, site.id, [None, "tok-1"], now)
    assert not guest_bans.banned(session, site.id, ["ip-3", "tok-9"], now)
    assert not guest_bans.banned(session, site.id, ["ip-1"], now + timedelta(days=2))  # over
    assert not guest_bans.banned(session, site.id, [], now) and not guest_bans.banned(session, site.id, [None], now)


def test_a_ban_on_one_site_does_not_reach_another(session, site):
    guest = _guest_with_comments(session, site, [("ip-1", None)])
    guest_bans.record(session, guest, utcnow() + timedelta(days=1))
    other, _key = create_site(session, "other", "Other")
    session.commit()
    assert not guest_bans.banned(session, other.id, ["ip-1"])


def test_banning_again_replaces_the_keys_and_lifting_removes_them(session, site):
    guest = _guest_with_comments(session, site, [("ip-1", "tok-1")])
    guest_bans.record(session, guest, utcnow() + timedelta(days=1))
    guest_bans.record(session, guest, utcnow() + timedelta(days=3))
    session.commit()
    assert session.scalar(select(func.count()).select_from(GuestBan)) == 2
    guest_bans.lift(session, guest)
    session.commit()
    assert not guest_bans.banned(session, site.id, ["ip-1", "tok-1"])


def test_only_the_most_recent_comments_are_covered(session, site):
    keys = [(f"ip-{number}", None) for number in range(guest_bans.RECENT_COMMENTS + 5)]
    guest = _guest_with_comments(session, site, keys)
    assert guest_bans.record(session, guest, utcnow() + timedelta(days=1)) == guest_bans.RECENT_COMMENTS
    session.commit()
    assert not guest_bans.banned(session, site.id, ["ip-0"])  # the oldest
    assert guest_bans.banned(session, site.id, [f"ip-{len(keys) - 1}"])


def test_an_account_is_banned_by_its_account_alone(session, site):
    guest = _guest_with_comments(session, site, [("ip-1", "tok-1")])
    guest.is_account = True
    assert guest_bans.record(session, guest, utcnow() + timedelta(days=1)) == 0
    session.commit()
    assert not guest_bans.banned(session, site.id, ["ip-1"])


def test_posts_are_counted_per_commenter_and_per_address(session, site):
    first = flood.count_post(session, site.id, "ana", "net-1", refuse_at=10)
    assert (first.by_commenter, first.by_address, first.refused) == (0, 0, False)
    flood.count_post(session, site.id, "ana", "net-2", refuse_at=10)
    third = flood.count_post(session, site.id, "ben", "net-1", refuse_at=10)
    assert (third.by_commenter, third.by_address) == (0, 1)
    fourth = flood.count_post(session, site.id, "ana", "net-1", refuse_at=10)
    assert (fourth.by_commenter, fourth.by_address) == (2, 2)


def test_an_address_at_its_limit_is_refused_and_the_refusal_is_not_counted(session, site):
    for _ in range(3):
        assert not flood.count_post(session, site.id, "ana", "net-1", refuse_at=3).refused
    refused = flood.count_post(session, site.id, "ben", "net-1", refuse_at=3)
    assert refused.refused and refused.by_address == 3
    assert session.scalar(select(func.count()).select_from(FloodMark)) == 6  # 3 posts x (commenter, address)
    assert not flood.count_post(session, site.id, "ana", "net-2", refuse_at=3).refused


def test_a_post_without_an_address_counts_for_the_commenter_only(session, site):
    counts = flood.count_post(session, site.id, "ana", None, refuse_at=1)
    again = flood.count_post(session, site.id, "ana", None, refuse_at=1)
    assert not counts.refused and not again.refused and again.by_commenter == 1 and again.by_address == 0


def test_marks_older_than_a_minute_count_no_more_and_are_pruned(session, site):
    old = utcnow() - timedelta(minutes=5)
    session.add_all([FloodMark(site_id=site.id, kind=flood.ADDRESS, key_hash="net-1", created_at=old) for _ in range(4)])
    session.commit()
    counts = flood.count_post(session, site.id, "ana", "net-1", refuse_at=2)
    assert not counts.refused and counts.by_address == 0
    assert session.scalar(select(func.count()).select_from(FloodMark).where(FloodMark.created_at < utcnow() - flood.WINDOW)) == 0


def test_counts_are_per_site(session, site):
    other, _key = create_site(session, "other", "Other")
    session.commit()
    flood.count_post(session, site.id, "ana", "net-1", refuse_at=1)
    assert not flood.count_post(session, other.id, "ana", "net-1", refuse_at=1).refused
    assert flood.count_post(session, site.id, "ana", "net-1", refuse_at=1).refused


def test_the_counts_commit_leaves_the_connection_durable_for_the_next_transaction(database_url, site):
    # One connection: the count's own transaction and the next one share it.
    engine = make_engine(database_url, connections=1)
    try:
        with session_factory(engine)() as session:
            durable = "PRAGMA synchronous" if engine.dialect.name == "sqlite" else "SHOW synchronous_commit"
            before = session.execute(text(durable)).scalar()
            session.commit()
            assert not flood.count_post(session, site.id, "ana", "net-1", refuse_at=1).refused
            assert flood.count_post(session, site.id, "ben", "net-1", refuse_at=1).refused
            assert session.execute(text(durable)).scalar() == before
            assert session.scalar(select(func.count()).select_from(FloodMark)) == 2
    finally:
        engine.dispose()


def test_lock_ids_are_stable_signed_64_bit_and_distinct_per_key():
    one = flood._lock_id(1, flood.COMMENTER, "ana")
    assert one == flood._lock_id(1, flood.COMMENTER, "ana")
    assert -(2**63) <= one < 2**63
    assert (
        len(
            {
                one,
                flood._lock_id(2, flood.COMMENTER, "ana"),
                flood._lock_id(1, flood.ADDRESS, "ana"),
                flood._lock_id(1, flood.COMMENTER, "ben"),
            }
        )
        == 4
    )
