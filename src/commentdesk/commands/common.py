"""What several commands share: opening the database, and a one-line error."""

from __future__ import annotations

import sys

from commentdesk.config import Settings, settings_from

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
