"""`commentdesk migrate`: create or upgrade the database schema."""

from __future__ import annotations

import sys

from commentdesk.commands.common import DATABASE_SETTINGS, open_store
from commentdesk.config import add_settings_arguments


def register(commands) -> None:
    migrate = commands.add_parser("migrate", help="Create or upgrade the database schema.")
    add_settings_arguments(migrate, DATABASE_SETTINGS)
    migrate.set_defaults(handler=run)


def run(args) -> int:
    _settings, engine, _sessions = open_store(args)
    engine.dispose()
    print("database is up to date", file=sys.stderr)
    return 0
