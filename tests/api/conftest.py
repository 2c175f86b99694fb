"""Fixtures of this folder besides tests/conftest.py: a real SMTP server on loopback (tests/mail_fixtures.py)."""

from mail_fixtures import smtp  # noqa: F401
