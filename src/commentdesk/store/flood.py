"""Per-minute post limits that hold under concurrency, on SQLite and PostgreSQL, across processes.

Counting stored comments and then storing one lets simultaneous posts all see the same count
and all pass. Instead each post is counted here first, in a short transaction of its own that
holds a lock per key (commenter, network address) while it counts the last minute's marks and
adds its own: PostgreSQL takes an advisory lock per key; SQLite allows one writer at a time, and
the transaction writes first, so it holds that lock before it counts.

The transaction is separate from the one that stores the comment, so the lock lasts a few
milliseconds, not the whole moderation. Call it before the posting session writes anything
(on SQLite a session holding the write lock would wait for this one, which waits for it).

On SQLite the marks live in a database file of their own beside the main one (`<database>-flood`),
with a write lock of its own: a post then takes the comments' single write lock once, to store
the comment, instead of twice. At 64 concurrent posters that lock was the limit. The file holds a
minute of marks and may be deleted while no server runs. PostgreSQL keeps them in `flood_marks`.
"""

from __future__ import annotations

import hashlib
import threading
from dataclasses import dataclass
from datetime import timedelta
from typing import cast
from weakref import WeakKeyDictionary

from sqlalchemy import Table, bindparam, delete, func, insert, select, text
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.orm import Session
from sqlalchemy.schema import CreateIndex, CreateTable

from commentdesk.store.db import make_engine, relax_durability
from commentdesk.store.models import FloodMark, utcnow

WINDOW = timedelta(minutes=1)
# Expired marks removed by each call: more than a call adds, so the table holds about one minute.
PRUNE_BATCH = 100
COMMENTER, ADDRESS = "commenter", "address"
MARKS_FILE_SUFFIX = "-flood"


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
    with marks_engine(session.get_bind().engine).connect() as own, own.begin():
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


_marks_engines: WeakKeyDictionary[Engine, Engine] = WeakKeyDictionary()
_marks_engines_lock = threading.Lock()


def marks_engine(engine: Engine) -> Engine:
    """The engine that holds `engine`'s flood marks: for a SQLite file, one on the marks' own
    file (made once per engine, its table created if missing); otherwise `engine` itself."""
    database = engine.url.database
    if engine.dialect.name != "sqlite" or not database or database == ":memory:" or "mode=memory" in str(engine.url):
        return engine
    with _marks_engines_lock:
        found = _marks_engines.get(engine)
        if found is None:
            size = getattr(engine.pool, "size", None)
            found = make_engine(f"sqlite:///{database}{MARKS_FILE_SUFFIX}", connections=size() if size else 10)
            with found.begin() as connection:
                # IF NOT EXISTS: the web workers of one server may create it at the same moment.
                table = cast(Table, FloodMark.__table__)
                connection.execute(CreateTable(table, if_not_exists=True))
                for index in table.indexes:
                    connection.execute(CreateIndex(index, if_not_exists=True))
            _marks_engines[engine] = found
        return found


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
