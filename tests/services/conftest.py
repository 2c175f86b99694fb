"""Fixtures of this folder: a migrated database without the web application (tests/db_fixtures.py),
and a real SMTP server on loopback (tests/mail_fixtures.py)."""

from db_fixtures import session, sessions, site  # noqa: F401
from mail_fixtures import smtp  # noqa: F401
