"""Comment text to safe HTML: a small Markdown subset, then an allow-list sanitiser."""

from __future__ import annotations

import nh3
from markdown_it import MarkdownIt

# Paragraphs, emphasis, links, inline code and quotes: enough to write a comment, nothing to abuse.
_markdown = MarkdownIt("zero", {"html": False, "breaks": True, "linkify": False}).enable(
    ["emphasis", "link", "backticks", "blockquote", "newline", "strikethrough", "escape"]
)
_ALLOWED_TAGS = {"p", "br", "em", "strong", "a", "code", "blockquote", "s"}
_ALLOWED_ATTRIBUTES = {"a": {"href"}}


def render_comment(text: str) -> str:
    html = _markdown.render(text)
    return nh3.clean(
        html,
        tags=_ALLOWED_TAGS,
        attributes=_ALLOWED_ATTRIBUTES,
        url_schemes={"http", "https", "mailto"},
        link_rel="nofollow ugc noopener noreferrer",
    ).strip()
