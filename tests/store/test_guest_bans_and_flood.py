"""A banned guest's addresses and tokens, and the per-minute counts that refuse a flood."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import func, insert, select, text

from commentdesk.services.sites import create_site
from commentdesk.store import flood, guest_bans
from commentdesk.store import repository as repo
from commentdesk.store.db import make_engine, session_factory
from commentdesk.store.models import FloodMark, GuestBan, utcnow
from db_fixtures import add_article, add_comment


def _marks(session, *conditions) -> int:
    """Flood marks stored, wherever the database keeps them (a file of their own on SQLite)."""
    with flood.marks_engine(session.get_bind().engine).connect() as connection:
        return connection.scalar(select(func.count()).select_from(FloodMark).where(*conditions))


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
    assert _marks(session) == 6  # 3 posts x (commenter, address)
    assert not flood.count_post(session, site.id, "ana", "net-2", refuse_at=3).refused


def test_a_post_without_an_address_counts_for_the_commenter_only(session, site):
    counts = flood.count_post(session, site.id, "ana", None, refuse_at=1)
    again = flood.count_post(session, site.id, "ana", None, refuse_at=1)
    assert not counts.refused and not again.refused and again.by_commenter == 1 and again.by_address == 0


def test_marks_older_than_a_minute_count_no_more_and_are_pruned(session, site):
    old = utcnow() - timedelta(minutes=5)
    with flood.marks_engine(session.get_bind().engine).begin() as connection:
        connection.execute(insert(FloodMark), [dict(site_id=site.id, kind=flood.ADDRESS, key_hash="net-1", created_at=old)] * 4)
    counts = flood.count_post(session, site.id, "ana", "net-1", refuse_at=2)
    assert not counts.refused and counts.by_address == 0
    assert _marks(session, FloodMark.created_at < utcnow() - flood.WINDOW) == 0


def test_counts_are_per_site(session, site):
    other, _key = create_site(session, "other", "Other")
    session.commit()
    flood.count_post(session, site.id, "ana", "net-1", refuse_at=1)
    assert not flood.count_post(session, other.id, "ana", "net-1", refuse_at=1).refused
    assert flood.count_post(session, site.id, "ana", "net-1", refuse_at=1).refused


def test_the_counts_commit_leaves_the_connection_durable_for_the_next_transaction(database_url, site):
    # One connection per pool: the count's own transaction and the next one on its database share it.
    engine = make_engine(database_url, connections=1)
    marks = flood.marks_engine(engine)
    try:
        with session_factory(engine)() as session:
            durable = "PRAGMA synchronous" if engine.dialect.name == "sqlite" else "SHOW synchronous_commit"
            with marks.connect() as connection:
                before = connection.execute(text(durable)).scalar()
            session.commit()
            assert not flood.count_post(session, site.id, "ana", "net-1", refuse_at=1).refused
            assert flood.count_post(session, site.id, "ben", "net-1", refuse_at=1).refused
            with marks.connect() as connection:
                assert connection.execute(text(durable)).scalar() == before
            assert _marks(session) == 2
    finally:
        engine.dispose()
        marks.dispose()


def test_on_sqlite_the_marks_have_a_file_of_their_own_so_a_post_takes_the_write_lock_once(database_url, site, session):
    engine = session.get_bind().engine
    marks = flood.marks_engine(engine)
    assert flood.marks_engine(engine) is marks  # made once per engine
    if engine.dialect.name == "postgresql":
        assert marks is engine
        return
    assert marks.url.database == engine.url.database + flood.MARKS_FILE_SUFFIX
    # A transaction holding the comments' write lock does not stop a post from being counted.
    with engine.connect() as writer, writer.begin():
        writer.execute(text("UPDATE sites SET name = name"))
        assert not flood.count_post(session, site.id, "ana", "net-1", refuse_at=5).refused
    assert session.scalar(select(func.count()).select_from(FloodMark)) == 0  # the main table stays empty
    assert _marks(session) == 2


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
