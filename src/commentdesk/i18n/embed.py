"""The embed's own words (the embed script's parts, web/embed/*.js), as one language's JSON catalogue.

The embed's strings are msgids of the same `.po` files: the ones whose source reference is one of
the embed's parts, so adding a `t("…")` there and extracting the catalogue is all it takes.
"""

from __future__ import annotations

from functools import cache

from babel.messages.pofile import read_po

from commentdesk import i18n

# Where the embed's parts are, as the catalogues' source references name them.
EMBED_SOURCES = "/web/embed/"


@cache
def embed_messages(language: str) -> dict[str, str]:
    """{English msgid: translation} for the embed; empty for English (the embed's own words)."""
    if language not in i18n.LANGUAGES or language == i18n.SOURCE_LANGUAGE:
        return {}
    with i18n.catalogue_path(language).open("rb") as source:
        catalog = read_po(source, locale=language, domain=i18n.DOMAIN)
    return {
        message.id: message.string
        for message in catalog
        if message.id
        and isinstance(message.id, str)
        and isinstance(message.string, str)
        and message.string
        and not message.fuzzy
        and any(EMBED_SOURCES in path for path, _line in message.locations)
    }
