"""Adding a new row with one Core INSERT instead of the ORM's unit of work.

The rows every post writes (the comment, its moderation event, its domain events) cost more to
flush through the ORM than to store: `insert_loaded` writes one with a statement built once per
table and leaves the object in the session as if it had been loaded, every column readable
without a query. Only for new objects with their columns set and no relationships.
"""

from __future__ import annotations

from typing import Any, TypeVar, cast

from sqlalchemy import Insert, Table, insert
from sqlalchemy.orm import Session, make_transient_to_detached
from sqlalchemy.sql.schema import CallableColumnDefault, ScalarElementColumnDefault

from commentdesk.store.models import Base

_INSERTS: dict[str, Insert] = {}
Row = TypeVar("Row", bound=Base)


def insert_loaded(session: Session, row: Row) -> Row:
    """INSERT `row` (new, never added to a session) now; it joins the session with its id."""
    table = cast(Table, row.__table__)
    values = column_values(table, row)
    if table.name not in _INSERTS:
        _INSERTS[table.name] = insert(table).returning(table.c.id)
    _loaded(session, row, values, session.execute(_INSERTS[table.name], values).scalar_one())
    return row


def insert_all_loaded(session: Session, rows: list[Row], key: str) -> list[Row]:
    """INSERT `rows` (new, of one table, never added to a session) in one statement; they join
    the session with their ids, matched to them by the unique column `key`. One statement, not
    one per row: on SQLite the write lock is held while they run, and each statement lets the
    process's other threads in before the next."""
    if not rows:
        return rows
    table = cast(Table, rows[0].__table__)
    values = [column_values(table, row) for row in rows]
    statement = _INSERTS_ALL.get((table.name, key))
    if statement is None:
        # The rows' order in RETURNING is not promised: each id comes back with its key.
        statement = _INSERTS_ALL[table.name, key] = insert(table).returning(table.c.id, table.c[key])
    ids = {row_key: row_id for row_id, row_key in session.execute(statement, values).all()}
    for row, row_values in zip(rows, values, strict=True):
        _loaded(session, row, row_values, ids[row_values[key]])
    return rows


_INSERTS_ALL: dict[tuple[str, str], Insert] = {}


def _loaded(session: Session, row: Base, values: dict[str, Any], row_id: int) -> None:
    # Straight into the object's state, which make_transient_to_detached then takes as loaded: no
    # attribute events for values that are already stored.
    row.__dict__.update(values, id=row_id)
    make_transient_to_detached(row)
    session.add(row)


def column_values(table: Table, row: Base) -> dict[str, Any]:
    """Every column but the id: as set on `row`, else its column default, as a flush would write it
    (a column with only a server default is left to the database, and read when asked for)."""
    state = row.__dict__
    values: dict[str, Any] = {}
    for column in table.columns:
        if column.key == "id":
            continue
        if column.key in state:
            values[column.key] = state[column.key]
        elif isinstance(column.default, ScalarElementColumnDefault):
            values[column.key] = column.default.arg
        elif isinstance(column.default, CallableColumnDefault):  # utcnow, list, dict: once per row, as a flush would
            values[column.key] = cast(Any, column.default.arg)(None)  # wrapped by SQLAlchemy: takes an unused context
        elif column.server_default is None:
            values[column.key] = None
    return values
