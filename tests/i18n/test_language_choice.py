"""Which language a reader gets: the page's `lang`, then the site's default, then the browser's;
and times and numbers in that language."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from commentdesk import i18n
from commentdesk.web import timefmt


def test_the_order_of_the_choice():
    assert i18n.choose("ur", "de", "de") == "ur"
    assert i18n.choose(None, "de", "ur") == "de"
    assert i18n.choose(None, None, "fr-FR, ur;q=0.9, de;q=0.8") == "ur"
    assert i18n.choose("xx", None, "de-AT") == "de"  # a language not shipped is passed over
    assert i18n.choose(None, None, None) == "en"
    assert i18n.choose(None, None, "fr", fallback="de") == "de"


@pytest.mark.parametrize("tag", ["ur-PK", "UR", "ur_PK"])
def test_regional_tags_name_the_language(tag):
    assert i18n.normalize(tag) == "ur"


@pytest.mark.parametrize("tag", ["", "<script>", "u" * 40, "ur;drop", "fr"])
def test_hostile_or_unknown_tags_choose_nothing(tag):
    assert i18n.normalize(tag) is None


def test_quality_values_rank_the_browsers_languages():
    assert i18n.from_accept_language("de;q=0.2, ur;q=0.8") == "ur"
    assert i18n.from_accept_language("ur;q=0, de") == "de"
    assert i18n.from_accept_language("x" * 5000) is None


@pytest.mark.parametrize("header", ["ur;q=-1", "ur;q=1.5", "ur;q=high", "ur;q=-1, de;q=0.1"])
def test_a_language_with_a_quality_that_is_not_one_is_not_chosen(header):
    assert i18n.from_accept_language(header) == ("de" if "de" in header else None)


NOW = datetime(2026, 3, 12, 12, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    ("language", "age", "words"),
    [
        ("en", timedelta(minutes=7, seconds=30), "7 minutes ago"),
        ("ur", timedelta(minutes=7), "7 منٹ پہلے"),
        ("de", timedelta(minutes=7), "vor 7 Minuten"),
        ("ur", timedelta(days=3 * 365 + 5), "3 سال پہلے"),
        ("de", timedelta(hours=1, minutes=59), "vor 1 Stunde"),
        ("ur", timedelta(seconds=20), "ابھی ابھی"),
        ("de", timedelta(seconds=-30), "gerade eben"),
    ],
)
def test_relative_times_in_each_language(language, age, words):
    assert timefmt.relative_time(NOW - age, NOW, language=language) == words


def test_dates_and_numbers_in_each_language():
    assert timefmt.long_date(NOW, "en") == "12 March 2026"
    assert timefmt.long_date(NOW, "de") == "12. März 2026"
    assert timefmt.long_date(NOW, "ur") == "12 مارچ، 2026"
    assert timefmt.number(12345, "de") == "12.345" and timefmt.number(12345, "en") == "12,345"


def test_messages_follow_the_current_language():
    with i18n.using("ur"):
        assert i18n.gettext("Your comment is published.") == "آپ کا تبصرہ شائع ہو گیا ہے۔"
        with i18n.using("de"):
            assert i18n.gettext("Your comment is published.") == "Ihr Kommentar ist veröffentlicht."
        assert i18n.current() == "ur"
    assert i18n.gettext("Your comment is published.") == "Your comment is published."
