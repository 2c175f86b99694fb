"""Per-minute post limits that hold under concurrency, on SQLite and PostgreSQL, across processes.

Counting stored comments and then storing one lets simultaneous posts all see the same count
and all pass. Instead each post is counted here first, in a short transaction of its own that
holds a lock per key (commenter, network address) while it counts the last minute's marks and
adds its own: PostgreSQL takes an advisory lock per key; SQLite allows one writer at a time, and
the transaction writes first, so it holds that lock before it counts.

The transaction is separate from the one that stores the comment, so the lock lasts a few
milliseconds, not the whole moderation. Call it before the posting session writes anything
(on SQLite a session holding the write lock would wait for this one, which waits for it).
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import bindparam, delete, func, insert, select, text
from sqlalchemy.engine import Connection
from sqlalchemy.orm import Session

from commentdesk.store.db import relax_durability
from commentdesk.store.models import FloodMark, utcnow

WINDOW = timedelta(minutes=1)
# Expired marks removed by each call: more than a call adds, so the table holds about one minute.
PRUNE_BATCH = 100
COMMENTER, ADDRESS = "commenter", "address"


@dataclass(frozen=True)
class PostCounts:
    """Posts in the last minute before this one; `refused` when the address limit was reached."""

    by_commenter: int
    by_address: int
    refused: bool


# Built once: both keys' counts in one statement, each a range of the (site, kind, key, time)
# index (an OR of the two ranges let SQLite settle for the site's part of the index and read
# every mark of the site). A post without an address sends NULL, which matches no mark.
def _marks_since(kind: str):
    return (
        select(func.count())
        .where(
            FloodMark.site_id == bindparam("site_id"),
            FloodMark.kind == kind,
            FloodMark.key_hash == bindparam(f"{kind}_key"),
            FloodMark.created_at >= bindparam("cutoff"),
        )
        .scalar_subquery()
    )


_COUNTS = select(_marks_since(COMMENTER), _marks_since(ADDRESS))
# The oldest expired marks, a range of the time index: ordered by id, SQLite walked the whole
# table (a minute of posts) to find them on every post.
_EXPIRED = (
    select(FloodMark.id).where(FloodMark.created_at < bindparam("cutoff")).order_by(FloodMark.created_at).limit(PRUNE_BATCH)
)
_PRUNE = {
    "sqlite": delete(FloodMark).where(FloodMark.id.in_(_EXPIRED)),
    # Marks another server is pruning are skipped, not waited for.
    "postgresql": delete(FloodMark).where(FloodMark.id.in_(_EXPIRED.with_for_update(skip_locked=True))),
}


def count_post(session: Session, site_id: int, commenter_key: str, address_key: str | None, refuse_at: int) -> PostCounts:
    """Count a post by `commenter_key` from `address_key` (keyed hashes), unless `refuse_at`
    posts from that address are already counted in the last minute; then nothing is counted."""
    keys = [(COMMENTER, commenter_key)] + ([(ADDRESS, address_key)] if address_key else [])
    # A connection of its own, with no ORM session: the statements are Core ones.
    with session.get_bind().engine.connect() as own, own.begin():
        # The marks need not wait for the disk: a crash can only lose the last moment's counts,
        # and the commit that stores the comment flushes them with it.
        relax_durability(own)
        now = utcnow()
        cutoff = now - WINDOW
        _lock(own, site_id, keys, cutoff)
        by_commenter, by_address = own.execute(
            _COUNTS, {"site_id": site_id, f"{COMMENTER}_key": commenter_key, f"{ADDRESS}_key": address_key, "cutoff": cutoff}
        ).one()
        if address_key and by_address >= refuse_at:
            return PostCounts(by_commenter, by_address, refused=True)
        own.execute(
            insert(FloodMark), [{"site_id": site_id, "kind": kind, "key_hash": key, "created_at": now} for kind, key in keys]
        )
    return PostCounts(by_commenter, by_address, refused=False)


def _lock(connection: Connection, site_id: int, keys: list[tuple[str, str]], cutoff) -> None:
    """Serialise the callers that share a key, then drop some expired marks."""
    dialect = connection.dialect.name
    if dialect == "postgresql":
        # Always in the same order, so two posts sharing both keys cannot wait for each other.
        for lock_id in sorted(_lock_id(site_id, kind, key) for kind, key in keys):
            connection.execute(text("SELECT pg_advisory_xact_lock(:id)"), {"id": lock_id})
    # On SQLite this write comes first in the transaction and takes the database's write lock.
    connection.execute(_PRUNE.get(dialect, _PRUNE["sqlite"]), {"cutoff": cutoff})


def _lock_id(site_id: int, kind: str, key: str) -> int:
    digest = hashlib.sha256(f"commentdesk-flood:{site_id}:{kind}:{key}".encode()).digest()
    return int.from_bytes(digest[:8], "big", signed=True)
