"""WordPress WXR export: one <item> per post or page, its comments nested inside it.

Comment content is what the author typed, possibly with the little HTML WordPress allows.
Pingbacks and trackbacks are notices from other sites, not reader comments, and are skipped.

A post's comments are read one at a time (xmlstream.stream_parts), never the whole post at once:
one post may hold tens of thousands. WordPress writes the post's id, link, title and text before
its comments, so the thread is known when its first comment arrives.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime
from typing import BinaryIO
from xml.etree.ElementTree import Element

from commentdesk.importers.records import (
    APPROVED,
    DELETED,
    PENDING,
    SPAM,
    Record,
    SkippedEntry,
    SourceComment,
    SourceThread,
    parse_iso_utc,
)
from commentdesk.importers.text import html_to_text
from commentdesk.importers.xmlstream import MAX_ELEMENT_CHARS, child_oversized, child_text, local_name, stream_parts

SOURCE = "wordpress"
_STATES = {
    "1": APPROVED,
    "approve": APPROVED,
    "0": PENDING,
    "hold": PENDING,
    "spam": SPAM,
    "trash": DELETED,
    "post-trashed": DELETED,
}
_READER_COMMENT_TYPES = {"", "comment"}


def parse(source: BinaryIO) -> Iterator[Record]:
    # <rss> is the root, <channel> below it, and each <item> one level further down.
    post: _Post | None = None
    parts = stream_parts(source, depth=2, root_names={"rss"}, format_name="WordPress (WXR)", part_names=_PARTS)
    for element, part in parts:
        if local_name(element.tag) != "item":
            continue
        if post is None or post.item is not element:
            post = _Post(element)
        if part is None:
            yield from post.end()
            post = None
        else:
            yield from post.comment(part)


_PARTS = frozenset({"comment"})


class _Post:
    """One <item> as its comments arrive; most items (attachments, menu entries, posts without
    comments) have none, and create no thread."""

    def __init__(self, item: Element) -> None:
        self.item = item
        self.key: str | None = None  # decided at the first comment
        self.orphans = 0  # comments under a post with no id or link

    def comment(self, element: Element) -> Iterator[Record]:
        if self.key is None:
            self.key = child_text(self.item, "post_id") or child_text(self.item, "link")
            if self.key:
                yield SourceThread(
                    key=self.key,
                    url=child_text(self.item, "link"),
                    title=html_to_text(child_text(self.item, "title")),
                    body=html_to_text(child_text(self.item, "encoded")),
                )
        if self.key:
            yield _comment(element, self.key)
        else:
            self.orphans += 1

    def end(self) -> Iterator[Record]:
        if self.orphans:
            yield SkippedEntry(f"malformed post ({self.orphans} comments under a post with no id or link)")


def _comment(element: Element, thread_key: str) -> Record:
    comment_id = child_text(element, "comment_id")
    if not comment_id:
        return SkippedEntry("malformed comment (no comment_id)")
    source_id = f"{SOURCE}:{comment_id}"
    kind = child_text(element, "comment_type").lower()
    if kind not in _READER_COMMENT_TYPES:
        return SkippedEntry(
            f"{kind} (not a reader comment)" if kind in {"pingback", "trackback"} else f"comment type {kind!r}", source_id
        )
    if child_oversized(element, "comment_content"):
        return SkippedEntry(f"comment over {MAX_ELEMENT_CHARS} characters", source_id)
    state = _STATES.get(child_text(element, "comment_approved").lower())
    if state is None:
        return SkippedEntry("malformed comment (unknown comment_approved)", source_id)
    created_at = _created_at(element)
    if created_at is None:
        return SkippedEntry("malformed comment (bad comment_date)", source_id)
    parent = child_text(element, "comment_parent")
    return SourceComment(
        source_id=source_id,
        thread_key=thread_key,
        parent_id=f"{SOURCE}:{parent}" if parent not in {"", "0"} else None,
        author_name=child_text(element, "comment_author"),
        author_email=child_text(element, "comment_author_email") or None,
        text=html_to_text(child_text(element, "comment_content")),
        created_at=created_at,
        state=state,
    )


def _created_at(element: Element) -> datetime | None:
    # The GMT date is exact; drafts and very old exports leave it zero, and then the site's
    # local time is the best there is.
    for name in ("comment_date_gmt", "comment_date"):
        value = child_text(element, name)
        if value and not value.startswith("0000"):
            try:
                return parse_iso_utc(value)
            except ValueError:
                continue
    return None
