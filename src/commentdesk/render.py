"""Comment text to safe HTML: a small Markdown subset, then an allow-list sanitiser."""

from __future__ import annotations

from dataclasses import dataclass, field
from html.parser import HTMLParser

import nh3
from markdown_it import MarkdownIt

# Paragraphs, emphasis, links, inline code and quotes: enough to write a comment, nothing to abuse.
_markdown = MarkdownIt("zero", {"html": False, "breaks": True, "linkify": False}).enable(
    ["emphasis", "link", "backticks", "blockquote", "newline", "strikethrough", "escape"]
)
_ALLOWED_TAGS = {"p", "br", "em", "strong", "a", "code", "blockquote", "s"}
_ALLOWED_ATTRIBUTES = {"a": {"href"}}
# Tags that end a line for the reader: words on either side of one never run together.
_LINE_BREAKS = {"p", "br", "blockquote"}


def render_comment(text: str) -> str:
    html = _markdown.render(text)
    return nh3.clean(
        html,
        tags=_ALLOWED_TAGS,
        attributes=_ALLOWED_ATTRIBUTES,
        url_schemes={"http", "https", "mailto"},
        link_rel="nofollow ugc noopener noreferrer",
    ).strip()


@dataclass
class ReaderView:
    """A comment as readers get it: the addresses of its clickable links (as the rendered HTML
    has them, e.g. "//host/path"), and the visible text outside those links."""

    hrefs: list[str] = field(default_factory=list)
    text: str = ""


def reader_view(text: str, html: str | None = None) -> ReaderView:
    """Read from render_comment's own output, so that whatever it makes clickable is seen here:
    the spam checks can never disagree with the renderer about what is a link. `html` is that
    output when the caller has rendered `text` already (posting has, to store it)."""
    reading = _ReaderViewParser()
    reading.feed(render_comment(text) if html is None else html)
    reading.close()
    return ReaderView(reading.hrefs, "".join(reading.parts))


class _ReaderViewParser(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.hrefs: list[str] = []
        self.parts: list[str] = []
        self._in_link = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "a":
            self._in_link += 1
            href = dict(attrs).get("href")
            if href is not None:
                self.hrefs.append(href)
            self.parts.append(" ")
        elif tag in _LINE_BREAKS:
            self.parts.append("\n")

    def handle_endtag(self, tag: str) -> None:
        if tag == "a":
            self._in_link = max(self._in_link - 1, 0)
            self.parts.append(" ")
        elif tag in _LINE_BREAKS:
            self.parts.append("\n")

    def handle_data(self, data: str) -> None:
        # A link's words are what the reader clicks; the link itself is counted once, by its address.
        if not self._in_link:
            self.parts.append(data)
