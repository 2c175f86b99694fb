"""What the databases can store, as types for the boundary: ids and text outside it are refused there.

Ids are INTEGER columns: 32 bits signed on PostgreSQL, the narrower of the two backends. Text
is stored as UTF-8: PostgreSQL refuses the NUL character in text, and neither backend can
encode a lone UTF-16 surrogate (which JSON's "\\ud800" escape produces). Refusing both where a
request is read means a query, a report or a comment never fails later, half-done, in the store.
"""

from __future__ import annotations

import re
from typing import Annotated

from pydantic import AfterValidator, BeforeValidator, Field

from commentdesk.i18n import gettext as _

MAX_ID = 2**31 - 1
_UNSTORABLE = re.compile("[\x00\ud800-\udfff]")


def storable_text(value: str) -> str:
    if _UNSTORABLE.search(value):
        raise ValueError(_("text must not contain NUL characters or unpaired surrogates"))
    return value


def storable_text_or_none(value: str | None) -> str | None:
    return None if value is None else storable_text(value)


def has_unstorable_text(value: str) -> bool:
    return _UNSTORABLE.search(value) is not None


# The pattern tells the OpenAPI document (and its clients) about NUL; JSON cannot carry a lone surrogate.
# Python's whitespace (str.strip, str.isspace), spelled out for patterns in the API document: the
# engines that read them (Rust's, JavaScript's) each define \s a little differently.
SPACE_CLASS = r"\t\n\x0b\x0c\r\x1c-\x20\x85\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000"
# A bounded text spells out its length before the validators, as Annotated[str, Field(max_length=N,
# pattern=NO_NUL), AfterValidator(storable_text)] (Query(...) for a query parameter): bounded
# after them, a value too long is refused as "at most N items after validation". The API's query
# parameters are typed so once, one type per kind of value, in api/schemas.py.
NO_NUL = r"^[^\x00]*$"
DbText = Annotated[str, Field(pattern=NO_NUL), AfterValidator(storable_text)]


def json_integer(value):
    """A JSON integer: 7 (or 7.0, the same JSON number), never true, "7" or 7.5."""
    if isinstance(value, bool) or not isinstance(value, (int, float)) or (isinstance(value, float) and not value.is_integer()):
        raise ValueError(_("expected a whole number"))
    if isinstance(value, float):
        return int(value)
    return value


# Refuses what is not a JSON integer; written after the Field of bounds, as json_int does, so
# that the OpenAPI document states the range.
JSON_INTEGER = BeforeValidator(json_integer)


def json_int(low: int, high: int):
    """A JSON integer from `low` to `high` (the range is stated in the OpenAPI document too)."""
    return Annotated[int, Field(ge=low, le=high), JSON_INTEGER]


DbId = json_int(1, MAX_ID)

# A whole number from 1 to MAX_ID, as a regular expression (for ids inside a text parameter).
ID_PATTERN = (
    "(?:[1-9][0-9]{0,8}|1[0-9]{9}|20[0-9]{8}|21[0-3][0-9]{7}|214[0-6][0-9]{6}|2147[0-3][0-9]{5}"
    "|21474[0-7][0-9]{4}|214748[0-2][0-9]{3}|2147483[0-5][0-9]{2}|21474836[0-3][0-9]|214748364[0-7])"
)
_ID_TEXT = re.compile(ID_PATTERN)


def id_from_text(value: str) -> int | None:
    """The id written in a path, query string, form field or text filter: a whole number from 1 to
    MAX_ID (no sign, no spaces, no leading zero), else None."""
    return int(value) if _ID_TEXT.fullmatch(value) else None
