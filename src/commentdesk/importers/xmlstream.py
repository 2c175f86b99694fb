"""Streaming, hostile-input-safe XML reading shared by the XML importers.

defusedxml refuses document type declarations, and with them entity-expansion bombs and
external entities. Elements are handed out one at a time and cleared after use, so memory
stays flat however large the export is.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import BinaryIO
from xml.etree.ElementTree import Element, ParseError

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import iterparse

from commentdesk.importers.records import ImportFileError


def local_name(tag: str) -> str:
    """'{http://disqus.com}post' -> 'post': exports vary their namespace URIs between versions."""
    return tag.rsplit("}", 1)[-1]


def child(element: Element, name: str) -> Element | None:
    for item in element:
        if local_name(item.tag) == name:
            return item
    return None


def children(element: Element, name: str) -> Iterator[Element]:
    return (item for item in element if local_name(item.tag) == name)


def child_text(element: Element, name: str) -> str:
    found = child(element, name)
    return (found.text or "").strip() if found is not None else ""


def attribute(element: Element, name: str) -> str | None:
    """An attribute by local name, whatever its namespace prefix (dsq:id, id...)."""
    for key, value in element.attrib.items():
        if local_name(key) == name:
            return value.strip()
    return None


def stream_elements(source: BinaryIO, depth: int, root_names: set[str], format_name: str) -> Iterator[Element]:
    """Yield each complete element `depth` levels below the root, then free it.

    Raises ImportFileError when the file is not well-formed XML, declares a DTD or entities,
    or its root element is not one of `root_names`.
    """
    open_elements: list[Element] = []
    try:
        for event, element in iterparse(source, events=("start", "end"), forbid_dtd=True, forbid_entities=True, forbid_external=True):
            if event == "start":
                if not open_elements and local_name(element.tag) not in root_names:
                    raise ImportFileError(f"not a {format_name} export: the root element is <{local_name(element.tag)}>")
                open_elements.append(element)
                continue
            open_elements.pop()
            if len(open_elements) == depth:
                yield element
                # Drop the finished element from its parent so the tree never grows.
                if open_elements:
                    open_elements[-1].remove(element)
                element.clear()
    except DefusedXmlException as refused:
        raise ImportFileError(f"refused: the file declares a DTD or entities, which exports never need ({type(refused).__name__})") from None
    except ParseError as broken:
        raise ImportFileError(f"not well-formed XML: {broken}") from None
