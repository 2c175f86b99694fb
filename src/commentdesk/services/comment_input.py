"""What a reader may send as a comment: the checks on the name, the e-mail address and the text,
and the error that refuses a comment (its code, status and field tell the client what to do)."""

from __future__ import annotations

import re

from commentdesk.i18n import gettext as _
from commentdesk.services import identity

MAX_NAME_CHARS = 60
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


class PostingError(Exception):
    """A comment that cannot be accepted; `code` and `status` tell the client what to do."""

    def __init__(self, code: str, message: str, status: int = 422, field: str | None = None) -> None:
        super().__init__(message)
        self.code, self.message, self.status, self.field = code, message, status, field


def clean_text(text: str) -> str:
    """Strip control characters and outer space; keep the reader's own line breaks."""
    return _CONTROL.sub("", text.replace("\r\n", "\n")).strip()


def validate(author_name: str, email: str | None, text: str, max_chars: int) -> tuple[str, str | None, str]:
    name = " ".join(clean_text(author_name).split())
    if not name:
        raise PostingError("name_required", _("Please give a name to post under."), field="author_name")
    if len(name) > MAX_NAME_CHARS:
        raise PostingError(
            "name_too_long", _("Names are at most %(count)s characters.") % {"count": MAX_NAME_CHARS}, field="author_name"
        )
    address = checked_email(email)
    body = clean_text(text)
    if not body:
        raise PostingError("text_required", _("The comment is empty."), field="text")
    if len(body) > max_chars:
        raise PostingError(
            "text_too_long",
            _("Comments are at most %(most)s characters; this one has %(count)s.") % {"most": max_chars, "count": len(body)},
            field="text",
        )
    return name, address, body


def checked_email(email: str | None) -> str | None:
    """The address a reader typed, normalised; None when empty; refused when it is not one."""
    address = identity.normal_email(email)
    if address and not identity.is_email(address):
        raise PostingError("email_invalid", _("That e-mail address does not look right."), field="author_email")
    return address
