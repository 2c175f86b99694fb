"""The shipped catalogues: every English string translated in every language, with the same
placeholders, and the template up to date with the code (a new string cannot ship untranslated)."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest
from babel.messages.pofile import read_po

from commentdesk import i18n

ROOT = Path(__file__).resolve().parents[2]
PLACEHOLDER = re.compile(r"%\((\w+)\)s")
TRANSLATED = sorted(set(i18n.LANGUAGES) - {i18n.SOURCE_LANGUAGE})


def _catalogue(language: str):
    with i18n.catalogue_path(language).open("rb") as source:
        return read_po(source, locale=language)


def _ids(catalog) -> set:
    return {message.id for message in catalog if message.id}


@pytest.mark.parametrize("language", TRANSLATED)
def test_every_string_is_translated_with_the_same_placeholders(language):
    catalog = _catalogue(language)
    assert len(_ids(catalog)) > 100
    for message in catalog:
        if not message.id:
            continue
        sources = message.id if isinstance(message.id, tuple) else (message.id,)
        texts = message.string if isinstance(message.string, tuple) else (message.string,)
        assert all(texts), f"{language}: untranslated {message.id!r}"
        assert not message.fuzzy, f"{language}: fuzzy {message.id!r}"
        wanted = set(PLACEHOLDER.findall(sources[0]))
        for text in texts:
            assert set(PLACEHOLDER.findall(text)) == wanted, f"{language}: placeholders of {message.id!r}"
            assert text.count("%") == text.count("%("), f"{language}: a stray % in {text!r}"


@pytest.mark.parametrize("language", TRANSLATED)
def test_plural_forms_follow_the_language(language):
    catalog = _catalogue(language)
    assert catalog.num_plurals == 2
    with i18n.using(language):
        one = i18n.ngettext("%(num)s comment", "%(num)s comments", 1) % {"num": 1}
        many = i18n.ngettext("%(num)s comment", "%(num)s comments", 5) % {"num": 5}
    assert one != many and "1" in one and "5" in many


def test_every_language_has_every_string_of_the_code(tmp_path):
    """Extracting again (as tools/update_catalogues.py does) finds no string the catalogues lack."""
    template = tmp_path / "fresh.pot"
    subprocess.run(
        [
            sys.executable,
            "-m",
            "babel.messages.frontend",
            "extract",
            "-F",
            "babel.cfg",
            "-k",
            "N_",
            "-k",
            "t",
            "--no-wrap",
            "-o",
            str(template),
            ".",
        ],
        cwd=ROOT,
        check=True,
        capture_output=True,
    )
    with template.open("rb") as source:
        in_code = _ids(read_po(source))
    assert len(in_code) > 100
    for language in TRANSLATED:
        missing = in_code - _ids(_catalogue(language))
        assert not missing, f"{language} lacks {sorted(map(str, missing))[:5]}: run tools/update_catalogues.py and translate"


def test_urdu_is_right_to_left_and_german_is_not():
    assert i18n.direction("ur") == "rtl"
    assert i18n.direction("de") == "ltr" and i18n.direction("en") == "ltr"


def test_the_embed_catalogue_holds_the_embeds_strings():
    from commentdesk.i18n.embed import embed_messages

    urdu = embed_messages("ur")
    assert urdu["VIEW MORE COMMENTS"] == "مزید تبصرے دیکھیں"
    assert "COMMENTS (%(count)s)" in urdu and "just now" in urdu
    assert "Skip to content" not in urdu  # a page string, not the embed's
    assert embed_messages("en") == {}
