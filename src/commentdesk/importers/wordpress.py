"""WordPress WXR export: one <item> per post or page, its comments nested inside it.

Comment content is what the author typed, possibly with the little HTML WordPress allows.
Pingbacks and trackbacks are notices from other sites, not reader comments, and are skipped.
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
from commentdesk.importers.xmlstream import MAX_ELEMENT_CHARS, child_oversized, child_text, children, local_name, stream_elements

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
    for element in stream_elements(source, depth=2, root_names={"rss"}, format_name="WordPress (WXR)"):
        if local_name(element.tag) == "item":
            yield from _item(element)


def _item(item: Element) -> Iterator[Record]:
    comments = list(children(item, "comment"))
    if not comments:
        return  # most items (attachments, menu entries, posts without comments) have no comments
    key = child_text(item, "post_id") or child_text(item, "link")
    if not key:
        yield SkippedEntry(f"malformed post ({len(comments)} comments under a post with no id or link)")
        return
    yield SourceThread(
        key=key,
        url=child_text(item, "link"),
        title=html_to_text(child_text(item, "title")),
        body=html_to_text(child_text(item, "encoded")),
    )
    for comment in comments:
        yield _comment(comment, key)


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
