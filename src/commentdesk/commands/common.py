"""What several commands share: opening the database, and a one-line error."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING

from commentdesk.config import Settings, settings_from

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

# Exit status of a command refused for its input (a missing file, an unknown site, a wrong value).
EXIT_BAD_INPUT = 2
# The settings a command that only reads or writes the database offers as flags.
DATABASE_SETTINGS = {"data_dir", "database_url"}


def fail(message: str) -> int:
    print(f"error: {message}", file=sys.stderr)
    return EXIT_BAD_INPUT


def open_store(args, settings: Settings | None = None):
    """(settings, engine, session factory) for the database the flags name, migrated first."""
    from commentdesk.store.db import make_engine, migrate, session_factory

    settings = settings or settings_from(args)
    engine = make_engine(settings.resolved_database_url())
    migrate(engine)
    return settings, engine, session_factory(engine)


@contextmanager
def store_session(args, settings: Settings | None = None) -> Iterator[tuple[Settings, Session]]:
    """(settings, session) on the database the flags name, migrated first; its connections are closed after."""
    settings, engine, sessions = open_store(args, settings)
    try:
        with sessions() as session:
            yield settings, session
    finally:
        engine.dispose()


def no_site(slug: str, hint: str = "") -> int:
    """Refuse a slug that names no site, with ``hint`` (how to create one, say) after it."""
    return fail(f"no site {slug!r}" + (f" ({hint})" if hint else ""))
