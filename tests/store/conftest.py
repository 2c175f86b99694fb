"""Fixtures of this folder: a migrated database without the web application (tests/db_fixtures.py)."""

from db_fixtures import session, sessions, site  # noqa: F401
