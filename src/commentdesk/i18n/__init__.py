"""Languages: the message catalogues, the language of the current request, and choosing it.

English is the source language: every string in the code is an English msgid. The other
languages' catalogues are `locales/LANG/LC_MESSAGES/commentdesk.po`, read with Babel when first
needed (no compiled `.mo` files to keep in step). The language of the work at hand lives in a
context variable, set per request by `web.language` and for a mail by the notifier, so code far
from HTTP (posting, statements, reasons) words its messages in the reader's language.
"""

from __future__ import annotations

import contextvars
import re
from collections.abc import Iterator
from contextlib import contextmanager
from functools import cache
from io import BytesIO
from pathlib import Path
from typing import Literal

from babel import Locale
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.support import NullTranslations, Translations

SOURCE_LANGUAGE = "en"
# The languages shipped complete; a site may choose any of them as its default.
LANGUAGES: dict[str, str] = {"en": "English", "ur": "اردو", "de": "Deutsch"}
RIGHT_TO_LEFT = frozenset(code for code in LANGUAGES if Locale.parse(code).character_order == "right-to-left")
LOCALES_DIR = Path(__file__).resolve().parent / "locales"
DOMAIN = "commentdesk"

_current: contextvars.ContextVar[str] = contextvars.ContextVar("commentdesk_language", default=SOURCE_LANGUAGE)
_TAG = re.compile(r"^[A-Za-z]{1,8}(?:[-_][A-Za-z0-9]{1,8})*$")


def catalogue_path(language: str) -> Path:
    return LOCALES_DIR / language / "LC_MESSAGES" / f"{DOMAIN}.po"


@cache
def translations(language: str) -> NullTranslations:
    """The language's catalogue, compiled in memory from its `.po` source on first use."""
    if language == SOURCE_LANGUAGE or language not in LANGUAGES:
        return NullTranslations()
    with catalogue_path(language).open("rb") as source:
        catalog = read_po(source, locale=language, domain=DOMAIN)
    compiled = BytesIO()
    write_mo(compiled, catalog)  # fuzzy entries are left out, as a build would
    compiled.seek(0)
    return Translations(compiled, domain=DOMAIN)


def normalize(tag: str | None) -> str | None:
    """A shipped language for a tag such as "ur", "ur-PK" or "de_AT"; None when not shipped."""
    if not tag or len(tag) > 35 or not _TAG.match(tag.strip()):
        return None
    primary = tag.strip().replace("_", "-").split("-")[0].lower()
    return primary if primary in LANGUAGES else None


def from_accept_language(header: str | None) -> str | None:
    """The shipped language the browser prefers most (RFC 9110 quality values), if any."""
    ranked = []
    for position, part in enumerate((header or "")[:500].split(",")):
        tag, _, params = part.strip().partition(";")
        quality = 1.0
        given = re.search(r"\bq=([^;]*)", params)
        if given:
            # A quality that is not one (RFC 9110: 0 to 1, three decimals at most) makes the entry
            # unusable: "ur;q=-1" must not read as "ur" at full preference.
            value = re.fullmatch(r"\s*(0(?:\.\d{0,3})?|1(?:\.0{0,3})?)\s*", given.group(1))
            if value is None:
                continue
            quality = float(value.group(1))
        language = normalize(tag)
        if language and quality > 0:
            ranked.append((-quality, position, language))
    return min(ranked)[2] if ranked else None


def choose(explicit: str | None, site_default: str | None, accept_language: str | None, fallback: str = SOURCE_LANGUAGE) -> str:
    """The order readers and publishers rely on: the page's own choice (`lang` / `data-lang`),
    then the site's default language, then the browser's, then the server's default."""
    return (
        normalize(explicit)
        or normalize(site_default)
        or from_accept_language(accept_language)
        or normalize(fallback)
        or SOURCE_LANGUAGE
    )


def current() -> str:
    return _current.get()


def set_current(language: str) -> contextvars.Token:
    return _current.set(language if language in LANGUAGES else SOURCE_LANGUAGE)


@contextmanager
def using(language: str | None) -> Iterator[str]:
    """Word messages in `language` inside the block (a mail, a background job)."""
    token = set_current(normalize(language) or SOURCE_LANGUAGE)
    try:
        yield current()
    finally:
        _current.reset(token)


def direction(language: str | None = None) -> Literal["ltr", "rtl"]:
    return "rtl" if (language or current()) in RIGHT_TO_LEFT else "ltr"


def gettext(message: str) -> str:
    return translations(current()).gettext(message)


def ngettext(singular: str, plural: str, count: int) -> str:
    return translations(current()).ngettext(singular, plural, count)


def N_(message: str) -> str:
    """Marks a string for the catalogue where it is defined; it is translated where it is shown."""
    return message


_ = gettext


def isolate(value: object) -> str:
    """A value of unknown direction (a name, a number) inside a sentence: Unicode first-strong
    isolate, so "7" stays with its words in a right-to-left sentence and a Latin name in Urdu."""
    return f"\u2068{value}\u2069"
