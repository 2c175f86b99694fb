"""Comment HTML from other platforms to commentdesk's plain text.

Imported text is stored as plain text and rendered by commentdesk itself, so no foreign markup
ever reaches a page. Paragraphs and line breaks are kept; links keep their address as text.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser

_BLOCKS = {"p", "div", "blockquote", "pre", "ul", "ol", "li", "h1", "h2", "h3", "h4", "h5", "h6", "table", "tr", "hr"}
_DROPPED = {"script", "style", "head", "title", "iframe", "object", "template"}
_SPACES = re.compile(r"[ \t\f\v\u00a0]+")
_BLANK_LINES = re.compile(r"\n{3,}")


class _TextCollector(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self._dropped_depth = 0
        self._links: list[tuple[str, int]] = []  # (href, position in parts where its label starts)

    def handle_starttag(self, tag, attrs):
        if tag in _DROPPED:
            self._dropped_depth += 1
        elif tag == "br":
            self.parts.append("\n")
        elif tag in _BLOCKS:
            self.parts.append("\n\n")
        elif tag == "a":
            href = dict(attrs).get("href") or ""
            self._links.append((href.strip(), len(self.parts)))

    def handle_startendtag(self, tag, attrs):
        if tag == "br":
            self.parts.append("\n")
        elif tag in _BLOCKS:
            self.parts.append("\n\n")

    def handle_endtag(self, tag):
        if tag in _DROPPED:
            self._dropped_depth = max(0, self._dropped_depth - 1)
        elif tag in _BLOCKS:
            self.parts.append("\n\n")
        elif tag == "a" and self._links:
            href, start = self._links.pop()
            label = "".join(self.parts[start:]).strip()
            if href.startswith(("http://", "https://")) and href not in label:
                self.parts.append(f" ({href})" if label else href)

    def handle_data(self, data):
        if not self._dropped_depth:
            self.parts.append(data)


def html_to_text(html: str) -> str:
    """Plain text with paragraph breaks from comment HTML; tags and scripts are dropped."""
    collector = _TextCollector()
    collector.feed(html)
    collector.close()
    return tidy("".join(collector.parts))


def tidy(text: str) -> str:
    """One space between words, at most one blank line between paragraphs, no outer space."""
    lines = [_SPACES.sub(" ", line).strip() for line in text.replace("\r\n", "\n").replace("\r", "\n").split("\n")]
    return _BLANK_LINES.sub("\n\n", "\n".join(lines)).strip()
