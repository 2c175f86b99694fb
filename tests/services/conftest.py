"""Fixtures of this folder: a migrated database without the web application (tests/db_fixtures.py),
a real SMTP server on loopback (tests/mail_fixtures.py), and the notice of illegal content a
reader files."""

import pytest

from commentdesk.services.notices import NoticeForm
from db_fixtures import session, sessions, site  # noqa: F401
from mail_fixtures import smtp  # noqa: F401


@pytest.fixture
def notice_form():
    """Builds a complete notice about a defamatory comment; keyword arguments change its fields.
    The address is typed in mixed case with a trailing space, as readers do: it is stored as
    mia@example.com."""

    def build(**changes) -> NoticeForm:
        fields = {
            "ground": "defamation",
            "explanation": "It falsely says the mayor took bribes.",
            "notifier_name": "Mia Mayor",
            "notifier_email": "Mia@Example.COM ",
            "good_faith": True,
        }
        return NoticeForm(**(fields | changes))

    return build
