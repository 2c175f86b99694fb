"""Disqus XML export: <thread> elements for pages, then <post> elements for comments.

Posts carry HTML; replies name their parent post by its dsq:id. Deleted and spam posts are in
the export too and are reported as such.
"""

from __future__ import annotations

from collections.abc import Iterator
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
from commentdesk.importers.xmlstream import (
    MAX_ELEMENT_CHARS,
    attribute,
    child,
    child_oversized,
    child_text,
    local_name,
    stream_elements,
)

SOURCE = "disqus"


def parse(source: BinaryIO) -> Iterator[Record]:
    for element in stream_elements(source, depth=1, root_names={"disqus"}, format_name="Disqus"):
        kind = local_name(element.tag)
        if kind == "thread":
            yield _thread(element)
        elif kind == "post":
            yield _post(element)


def _thread(element: Element) -> Record:
    key = attribute(element, "id")
    if not key:
        return SkippedEntry("malformed thread (no dsq:id)")
    return SourceThread(key=key, url=child_text(element, "link"), title=child_text(element, "title"))


def _post(element: Element) -> Record:
    post_id = attribute(element, "id")
    if not post_id:
        return SkippedEntry("malformed post (no dsq:id)")
    source_id = f"{SOURCE}:{post_id}"
    thread = child(element, "thread")
    thread_key = attribute(thread, "id") if thread is not None else None
    if not thread_key:
        return SkippedEntry("malformed post (no thread)", source_id)
    if child_oversized(element, "message"):
        return SkippedEntry(f"message over {MAX_ELEMENT_CHARS} characters", source_id)
    try:
        created_at = parse_iso_utc(child_text(element, "createdAt"))
    except ValueError:
        return SkippedEntry("malformed post (bad createdAt)", source_id)
    parent = child(element, "parent")
    parent_key = attribute(parent, "id") if parent is not None else None
    author = child(element, "author")
    name = email = ""
    if author is not None:
        name = child_text(author, "name") or child_text(author, "username")
        email = child_text(author, "email")
    state = _state(element)
    if state is None:
        return SkippedEntry("malformed post (unknown isDeleted, isSpam or isApproved)", source_id)
    return SourceComment(
        source_id=source_id,
        thread_key=thread_key,
        parent_id=f"{SOURCE}:{parent_key}" if parent_key else None,
        author_name=name,
        author_email=email or None,
        text=html_to_text(child_text(element, "message")),
        created_at=created_at,
        state=state,
    )


_FLAGS = {"true": True, "1": True, "false": False, "0": False}
_UNKNOWN = object()


def _flag(element: Element, name: str) -> bool | None | object:
    """True or False; None when the flag is absent or empty; _UNKNOWN for any other value."""
    value = child_text(element, name).lower()
    return _FLAGS.get(value, _UNKNOWN) if value else None


def _state(element: Element) -> str | None:
    """The post's state, or None when a flag holds a value Disqus never writes (skipped, as
    WordPress's unknown statuses are: the post may be deleted or spam)."""
    deleted, spam, approved = (_flag(element, name) for name in ("isDeleted", "isSpam", "isApproved"))
    if _UNKNOWN in (deleted, spam, approved):
        return None
    if deleted:
        return DELETED
    if spam:
        return SPAM
    # Older exports carry no approval flag: a post that is neither deleted nor spam was shown.
    if approved is False:
        return PENDING
    return APPROVED
