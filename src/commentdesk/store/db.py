"""Engine creation and schema migration for SQLite (default) and PostgreSQL."""

from __future__ import annotations

from functools import partial
from pathlib import Path
from typing import Any, cast

from alembic import command
from alembic.config import Config
from sqlalchemy import Connection, CursorResult, Engine, Executable, create_engine, event, text
from sqlalchemy.orm import Session, sessionmaker

from commentdesk.store.writer_turns import TurnTakingConnection, WriterTurns, turns_for

MIGRATIONS_DIR = Path(__file__).parent / "migrations"


def changed_rows(session: Session, statement: Executable) -> int:
    """Run an UPDATE or DELETE and return how many rows it changed (its result is a cursor's)."""
    return cast(CursorResult[Any], session.execute(statement)).rowcount


# A request that finds every connection taken gives up after this long (answered 503), so
# nothing waits on the pool forever. With the pool sized to the admitted requests (see
# config.Settings.database_connections) it does not wait at all.
POOL_TIMEOUT_S = 10
# How long a writer waits for its turn (store/writer_turns.py), then for SQLite's single write
# lock; write transactions are short (no model runs inside one), so this is only reached when
# something is badly wrong.
SQLITE_BUSY_TIMEOUT_S = 10
# Every commit waits for the disk (WAL mode), so an acknowledged comment survives a power loss.
SQLITE_SYNCHRONOUS = "FULL"
_RELAXED = "commentdesk_relaxed_durability"
# The databases commentdesk is built and tested on; any other SQLAlchemy URL is refused up front.
SUPPORTED_BACKENDS = ("sqlite", "postgresql")
URL_EXAMPLES = "sqlite:///data/commentdesk.sqlite3 or postgresql+psycopg://user@host/dbname"


def check_database_url(url: str) -> None:
    """Raise ValueError, in words for an operator, when `url` cannot name a database commentdesk runs on.

    The message never repeats the URL, which may hold a password."""
    from sqlalchemy.engine import make_url
    from sqlalchemy.exc import ArgumentError, NoSuchModuleError

    try:
        parsed = make_url(url)
    except ArgumentError:
        raise ValueError(f"not a database URL (e.g. {URL_EXAMPLES})") from None
    backend = parsed.get_backend_name()
    if backend not in SUPPORTED_BACKENDS:
        raise ValueError(f"{backend!r} databases are not supported: use SQLite or PostgreSQL ({URL_EXAMPLES})")
    try:
        parsed.get_dialect().import_dbapi()
    except (NoSuchModuleError, ImportError):
        raise ValueError(
            f"the database driver {parsed.drivername!r} is not installed: use sqlite:/// or postgresql+psycopg://"
        ) from None


def make_engine(url: str, connections: int = 10) -> Engine:
    """An engine whose pool holds `connections` (the server passes its admitted requests plus
    its background work; command-line tools keep the default)."""
    pool = {"pool_size": connections, "max_overflow": 0, "pool_timeout": POOL_TIMEOUT_S}
    if url.startswith("sqlite"):
        in_memory = url in ("sqlite://", "sqlite:///:memory:") or ":memory:" in url
        if url.startswith("sqlite:///") and not in_memory:
            Path(url.removeprefix("sqlite:///")).parent.mkdir(parents=True, exist_ok=True)
        connect_args: dict[str, Any] = {"check_same_thread": False, "timeout": SQLITE_BUSY_TIMEOUT_S}
        if not in_memory:
            # Writers wait for their turn in arrival order (store/writer_turns.py), not in SQLite's
            # busy handler, where one that has waited long keeps losing to newcomers.
            connect_args["factory"] = TurnTakingConnection
        engine = create_engine(url, connect_args=connect_args, **({} if in_memory else pool))
        event.listen(engine, "connect", _sqlite_pragmas)
        if not in_memory:
            event.listen(engine, "connect", partial(_take_turns, turns_for(engine.url.database or "")))
        event.listen(engine, "checkin", _sqlite_durable_again)
        return engine
    return create_engine(url, pool_pre_ping=True, **pool)


def _sqlite_pragmas(dbapi_connection, _record) -> None:
    cursor = dbapi_connection.cursor()
    # WAL lets readers proceed while a comment is written; synchronous=FULL makes every
    # acknowledged comment durable across a crash or power loss.
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute(f"PRAGMA synchronous={SQLITE_SYNCHRONOUS}")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_S * 1000}")
    cursor.close()


def _take_turns(turns: WriterTurns, dbapi_connection, _record) -> None:
    dbapi_connection.writer_turns = turns
    dbapi_connection.turn_timeout_s = SQLITE_BUSY_TIMEOUT_S


def writer_turn(session: Session) -> tuple[float, float] | None:
    """On SQLite, (seconds the open transaction waited for its writer turn, time.perf_counter
    when it took it), for timing; None on PostgreSQL or before the transaction's first write."""
    if session.get_bind().dialect.name != "sqlite":
        return None
    driver = session.connection().connection.driver_connection
    return driver.held_turn() if isinstance(driver, TurnTakingConnection) else None


def relax_durability(connection: Connection) -> None:
    """Let this transaction's commit return before its rows reach the disk. Only for rows a
    crash may lose (the flood marks of the last moments); the rows stay atomic and in order,
    and the next durable commit makes them durable too. Call it before the first statement."""
    if connection.dialect.name == "sqlite":
        # Before SQLite's BEGIN, which the driver sends with the first write; the connection is
        # made durable again when it goes back to the pool.
        driver = connection.connection.driver_connection
        if driver is not None:
            driver.execute("PRAGMA synchronous=NORMAL")
            connection.info[_RELAXED] = True
    elif connection.dialect.name == "postgresql":
        connection.execute(text("SET LOCAL synchronous_commit TO OFF"))  # this transaction only


def _sqlite_durable_again(dbapi_connection, record) -> None:
    if record.info.pop(_RELAXED, False) and dbapi_connection is not None:
        dbapi_connection.execute(f"PRAGMA synchronous={SQLITE_SYNCHRONOUS}")


def session_factory(engine: Engine) -> sessionmaker[Session]:
    return sessionmaker(engine, expire_on_commit=False)


def alembic_config(engine: Engine) -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    config.attributes["engine"] = engine
    return config


def migrate(engine: Engine) -> None:
    """Bring the schema to the newest revision (safe to run on every start)."""
    command.upgrade(alembic_config(engine), "head")
