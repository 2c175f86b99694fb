"""Comment HTML from other platforms becomes plain text: paragraphs and links kept as words,
scripts and foreign markup gone, whatever the exporter wrote."""

from __future__ import annotations

import pytest

from commentdesk.importers.text import html_to_text, tidy
from commentdesk.render import render_comment


@pytest.mark.parametrize(
    ("html", "text"),
    [
        ("<p>First paragraph.</p><p>Second one.</p>", "First paragraph.\n\nSecond one."),
        ("line one<br>line two<br/>line three", "line one\nline two\nline three"),
        ("<b>bold</b> and <i>italic</i>", "bold and italic"),
        ("Tom &amp; Jerry &lt;3 &#8212; fine", "Tom & Jerry <3 \u2014 fine"),
        ("  lots   of\u00a0spaces\there  ", "lots of spaces here"),
        ("<ul><li>one</li><li>two</li></ul>", "one\n\ntwo"),
        ("<blockquote>quoted</blockquote>reply", "quoted\n\nreply"),
        ("<div><div><p>nested</p></div></div>", "nested"),
        ("", ""),
    ],
)
def test_paragraphs_and_breaks_survive_and_the_rest_is_text(html, text):
    assert html_to_text(html) == text


@pytest.mark.parametrize(
    ("html", "text"),
    [
        ('See <a href="https://council.example/plan">the plan</a>.', "See the plan (https://council.example/plan)."),
        ('<a href="https://council.example/plan">https://council.example/plan</a>', "https://council.example/plan"),
        ('<a href="https://council.example/plan"></a>', "https://council.example/plan"),
        ('<a href="javascript:alert(1)">click</a>', "click"),
        ('<a href="mailto:x@example.com">write</a>', "write"),
        ("<a>no address</a>", "no address"),
    ],
)
def test_links_keep_their_web_address_as_text(html, text):
    assert html_to_text(html) == text


@pytest.mark.parametrize(
    "html",
    [
        "<script>alert('x')</script>Visible",
        "<style>p{color:red}</style>Visible",
        "<iframe src='https://evil.example'>inner</iframe>Visible",
        "<template><p>hidden</p></template>Visible",
        "<head><title>t</title></head>Visible",
    ],
)
def test_scripts_styles_and_frames_are_dropped_with_their_content(html):
    assert html_to_text(html) == "Visible"


def test_unclosed_and_broken_markup_does_not_lose_text():
    assert html_to_text("<p>open <b>bold <i>both") == "open bold both"
    assert html_to_text("</p></div>stray closers") == "stray closers"
    assert html_to_text("a < b and c > d") == "a < b and c > d"


def test_an_unclosed_script_hides_the_rest_rather_than_showing_code():
    assert "alert" not in html_to_text("before<script>alert(1)")


def test_imported_text_is_rendered_by_commentdesk_without_foreign_markup():
    text = html_to_text('<p onclick="steal()">Hello <img src=x onerror=alert(1)> <b>world</b></p>')
    assert text == "Hello world"
    assert render_comment(text) == "<p>Hello world</p>"


def test_tidy_normalises_space_and_blank_lines():
    assert tidy("  a  \r\n\r\n\r\n\r\n b \r c\t\t d ") == "a\n\nb\nc d"
    assert tidy("\n\n\n") == ""
