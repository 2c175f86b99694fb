"""Guest bans beyond the name: the network addresses and first-party tokens a banned guest used.

A guest has no account, so a new name makes a new commenter. While a guest's ban lasts, the keyed
hashes of the addresses and embed tokens of their recent comments are refused too.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import bindparam, delete, select
from sqlalchemy.orm import Session

from commentdesk.store.models import Comment, Commenter, GuestBan, utcnow

# The most recent comments whose addresses and tokens a ban covers: enough for one person,
# few enough that a ban never sweeps a whole shared network's history.
RECENT_COMMENTS = 20


def record(session: Session, commenter: Commenter, until: datetime) -> int:
    """Cover the guest's recent addresses and tokens until `until`; returns how many keys. Accounts
    are covered by their account alone (the publisher vouches for who they are)."""
    lift(session, commenter)
    if commenter.is_account:
        return 0
    rows = session.execute(
        select(Comment.ip_hash, Comment.guest_token_hash)
        .where(Comment.commenter_id == commenter.id)
        .order_by(Comment.id.desc())
        .limit(RECENT_COMMENTS)
    ).all()
    keys = {("address", ip_hash) for ip_hash, _token in rows if ip_hash} | {
        ("guest_token", token) for _ip, token in rows if token
    }
    for kind, key_hash in sorted(keys):
        session.add(GuestBan(site_id=commenter.site_id, commenter_id=commenter.id, kind=kind, key_hash=key_hash, until=until))
    return len(keys)


def lift(session: Session, commenter: Commenter) -> None:
    session.execute(delete(GuestBan).where(GuestBan.commenter_id == commenter.id))


# Built once: every guest's post runs it.
_BANNED = (
    select(GuestBan.id)
    .where(
        GuestBan.site_id == bindparam("site_id"),
        GuestBan.key_hash.in_(bindparam("keys", expanding=True)),
        GuestBan.until > bindparam("now"),
    )
    .limit(1)
)


def banned(session: Session, site_id: int, key_hashes: list[str | None], now: datetime | None = None) -> bool:
    keys = [key for key in key_hashes if key]
    if not keys:
        return False
    return session.scalar(_BANNED, {"site_id": site_id, "keys": keys, "now": now or utcnow()}) is not None
