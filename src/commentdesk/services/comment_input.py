"""What a reader may send as a comment: the checks on the name, the e-mail address and the text,
and the error that refuses a comment (its code, status and field tell the client what to do)."""

from __future__ import annotations

import re

from commentdesk.i18n import gettext as _
from commentdesk.services import identity

MAX_NAME_CHARS = 60
# The longest comment any installation takes (the API's schemas say so to clients);
# --max-comment-chars may only lower it.
MAX_COMMENT_CHARS = 20_000
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
# What shows nothing on its own, so cannot make a name or a comment: space and control characters,
# every format character (Unicode Cf: zero-width spaces and joiners, direction marks and
# overrides, the byte order mark, tags), fillers and variation selectors. Written out rather than
# read from `unicodedata` at each start (a third of a second); tests check it covers every Cf.
INVISIBLE_RANGES = (
    (0x00, 0x20),
    (0x7F, 0xA0),
    (0xAD, 0xAD),
    (0x034F, 0x034F),
    (0x0600, 0x0605),
    (0x061C, 0x061C),
    (0x06DD, 0x06DD),
    (0x070F, 0x070F),
    (0x0890, 0x0891),
    (0x08E2, 0x08E2),
    (0x115F, 0x1160),
    (0x1680, 0x1680),
    (0x17B4, 0x17B5),
    (0x180B, 0x180F),
    (0x2000, 0x200F),
    (0x2028, 0x202F),
    (0x205F, 0x206F),
    (0x2800, 0x2800),
    (0x3000, 0x3000),
    (0x3164, 0x3164),
    (0xFE00, 0xFE0F),
    (0xFEFF, 0xFEFF),
    (0xFFA0, 0xFFA0),
    (0xFFF9, 0xFFFB),
    (0x110BD, 0x110BD),
    (0x110CD, 0x110CD),
    (0x13430, 0x1343F),
    (0x1BCA0, 0x1BCA3),
    (0x1D173, 0x1D17A),
    (0xE0000, 0xE0FFF),
)


def _class_char(code: int) -> str:
    # \uXXXX in the basic plane; above it the character itself, which the engines that read the
    # OpenAPI document's patterns (Python's, Rust's, JavaScript's with "u") all take as one.
    return f"\\u{code:04x}" if code <= 0xFFFF else chr(code)


# The inside of a regular-expression character class matching one invisible character.
INVISIBLE_CLASS = "".join(
    _class_char(low) if low == high else f"{_class_char(low)}-{_class_char(high)}" for low, high in INVISIBLE_RANGES
)
_VISIBLE = re.compile(f"[^{INVISIBLE_CLASS}]")
# Bidirectional embeddings, overrides and isolates: in a name they would turn the name, and the
# words after it, around ("\u202eeman" shows as "name").
_BIDI_CONTROLS = re.compile("[\u202a-\u202e\u2066-\u2069]")


class PostingError(Exception):
    """A comment that cannot be accepted; `code` and `status` tell the client what to do."""

    def __init__(self, code: str, message: str, status: int = 422, field: str | None = None) -> None:
        super().__init__(message)
        self.code, self.message, self.status, self.field = code, message, status, field


def clean_text(text: str) -> str:
    """Strip control characters and outer space; keep the reader's own line breaks."""
    return _CONTROL.sub("", text.replace("\r\n", "\n")).strip()


def has_visible(text: str) -> bool:
    """Whether the text shows something: one character that is not space, control or format."""
    return _VISIBLE.search(text) is not None


def clean_name(name: str) -> str:
    """A name as it is stored and shown: cleaned like a text, without direction controls, one space between words."""
    return " ".join(_BIDI_CONTROLS.sub("", clean_text(name)).split())


def validate(author_name: str, email: str | None, text: str, max_chars: int) -> tuple[str, str | None, str]:
    name = clean_name(author_name)
    if not has_visible(name):
        raise PostingError("name_required", _("Please give a name to post under."), field="author_name")
    if len(name) > MAX_NAME_CHARS:
        raise PostingError(
            "name_too_long", _("Names are at most %(count)s characters.") % {"count": MAX_NAME_CHARS}, field="author_name"
        )
    address = checked_email(email)
    body = clean_text(text)
    if not has_visible(body):
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
