"""What the databases can store, as types for the boundary: ids and text outside it are refused there.

Ids are INTEGER columns: 32 bits signed on PostgreSQL, the narrower of the two backends. Text
is stored as UTF-8: PostgreSQL refuses the NUL character in text, and neither backend can
encode a lone UTF-16 surrogate (which JSON's "\\ud800" escape produces). Refusing both where a
request is read means a query, a report or a comment never fails later, half-done, in the store.
"""

from __future__ import annotations

import re
from typing import Annotated

from pydantic import AfterValidator, Field, StrictInt

MAX_ID = 2**31 - 1
_UNSTORABLE = re.compile("[\x00\ud800-\udfff]")


def storable_text(value: str) -> str:
    if _UNSTORABLE.search(value):
        raise ValueError("text must not contain NUL characters or unpaired surrogates")
    return value


def has_unstorable_text(value: str) -> bool:
    return _UNSTORABLE.search(value) is not None


DbText = Annotated[str, AfterValidator(storable_text)]
DbId = Annotated[StrictInt, Field(ge=1, le=MAX_ID)]
