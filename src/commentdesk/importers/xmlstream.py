"""Streaming, hostile-input-safe XML reading shared by the XML importers.

The file is fed to expat in small chunks with every DTD, entity declaration and external
reference refused (and with them entity-expansion bombs and external entities). Only the
records `depth` levels below the root are built, one at a time, and each is freed once handed
out, so memory stays flat however large the export is and whatever order it is in. The text of
one element is kept up to `MAX_ELEMENT_CHARS`: past that the element is marked oversized and its
text dropped, so a single 200 MB message costs no more memory than a normal one. Nesting deeper
than `MAX_DEPTH` or a record of more than `MAX_RECORD_ELEMENTS` elements refuses the file: the
built record would otherwise grow with the file.

A record may also be read in parts (`stream_parts`): its children of the given names are handed
out one at a time as each ends and then detached, so a WordPress post is never held with all its
comments, only with the one being read.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import BinaryIO, NoReturn
from xml.etree.ElementTree import Element
from xml.parsers import expat

from commentdesk.importers.records import ImportFileError

READ_CHUNK = 64 * 1024
# Far above any real comment's HTML; the loader refuses long texts well below this.
MAX_ELEMENT_CHARS = 1_000_000
OVERSIZED = "{commentdesk}oversized"
# Exports nest a handful of levels; a Disqus post or a WordPress comment has about fifteen elements,
# and a WordPress post's comments are parts, counted each on its own (stream_parts).
MAX_DEPTH = 32
MAX_RECORD_ELEMENTS = 1_000_000


class _Refused(Exception):
    pass


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


def is_oversized(element: Element | None) -> bool:
    """Whether the element's text was longer than MAX_ELEMENT_CHARS (and so was dropped)."""
    return element is not None and element.get(OVERSIZED) is not None


def child_oversized(element: Element, name: str) -> bool:
    return is_oversized(child(element, name))


class _Builder:
    """Builds the elements at `depth` (with their content) and nothing above them."""

    def __init__(
        self, depth: int, root_names: set[str], format_name: str, line: Callable[[], int], part_names: frozenset[str]
    ) -> None:
        self.depth, self.root_names, self.format_name = depth, root_names, format_name
        self.part_names = part_names  # children of a record handed out on their own, then dropped
        self.elements_before_part = 0  # the record's count when its current part began
        self.after_part = False  # text between parts is layout, and would grow with their number
        self.line = line  # the parser's current line, for the refusals
        self.record_line = 0  # where the record being built starts
        self.record_elements = 0
        self.level = 0  # elements open now
        self.open: list[Element] = []  # the open elements of the record being built
        self.pieces: list[list[str]] = []  # text pieces of each open element, or of the last child's tail
        self.sizes: list[int] = []
        self.done: list[tuple[Element, Element | None]] = []  # (record, its part) or (record, None) at its end

    @staticmethod
    def _name(raw: str) -> str:
        # expat writes "uri}local" for namespaced names; ElementTree spells it "{uri}local".
        return "{" + raw if "}" in raw else raw

    def start(self, raw_tag: str, attributes: dict) -> None:
        tag = self._name(raw_tag)
        if self.level == 0 and local_name(tag) not in self.root_names:
            raise ImportFileError(f"not a {self.format_name} export: the root element is <{local_name(tag)}>")
        self.level += 1
        if self.level <= self.depth:
            return
        if self.level > MAX_DEPTH:
            raise ImportFileError(
                f"refused: <{local_name(tag)}> at line {self.line()} is nested more than {MAX_DEPTH} elements deep, "
                "which exports never are"
            )
        if not self.open:
            self.record_line, self.record_elements = self.line(), 0
        elif len(self.open) == 1 and local_name(tag) in self.part_names:
            self.elements_before_part = self.record_elements
        self.after_part = False
        self.record_elements += 1
        if self.record_elements > MAX_RECORD_ELEMENTS:
            raise ImportFileError(
                f"refused: the <{local_name(self.open[0].tag)}> that starts at line {self.record_line} holds more than "
                f"{MAX_RECORD_ELEMENTS} elements (at line {self.line()})"
            )
        element = Element(tag, {self._name(key): value for key, value in attributes.items()})
        if self.open:
            self._settle_text()
            self.open[-1].append(element)
        self.open.append(element)
        self.pieces.append([])
        self.sizes.append(0)

    def text(self, data: str) -> None:
        if not self.open or self.after_part:
            return  # whitespace between records or parts, or text of the root
        element = self.open[-1]
        if is_oversized(element):
            return
        self.sizes[-1] += len(data)
        if self.sizes[-1] > MAX_ELEMENT_CHARS:
            element.set(OVERSIZED, "1")
            self.pieces[-1] = []
            return
        self.pieces[-1].append(data)

    def _settle_text(self) -> None:
        """Text read so far goes to the open element, or to the tail of its last child."""
        element, pieces = self.open[-1], self.pieces[-1]
        if not pieces:
            return
        joined = "".join(pieces)
        if len(element):
            element[-1].tail = (element[-1].tail or "") + joined
        else:
            element.text = (element.text or "") + joined
        self.pieces[-1] = []

    def end(self, _raw_tag: str) -> None:
        self.level -= 1
        if self.level < self.depth:
            return
        self._settle_text()
        element = self.open.pop()
        self.pieces.pop()
        self.sizes.pop()
        if not self.open:
            self.done.append((element, None))
        elif len(self.open) == 1 and local_name(element.tag) in self.part_names:
            record = self.open[0]
            del record[-1]  # handed out: the record keeps only what is not a part
            self.record_elements = self.elements_before_part  # a part is bounded on its own, while it is read
            self.after_part = True
            self.done.append((record, element))


def _refuse(*_args: object) -> NoReturn:
    raise _Refused


def stream_elements(source: BinaryIO, depth: int, root_names: set[str], format_name: str) -> Iterator[Element]:
    """Yield each complete element `depth` levels below the root.

    Raises ImportFileError when the file is not well-formed XML, declares a DTD or entities,
    or its root element is not one of `root_names`.
    """
    for record, _part in stream_parts(source, depth, root_names, format_name, frozenset()):
        yield record


def stream_parts(
    source: BinaryIO, depth: int, root_names: set[str], format_name: str, part_names: frozenset[str]
) -> Iterator[tuple[Element, Element | None]]:
    """Like `stream_elements`, with the record's children named in `part_names` read one by one.

    Yields (record, part) as each such child ends, the record holding only the children read so
    far that are not parts; then (record, None) when the record ends. A part is detached from the
    record once handed out. Refuses files as `stream_elements` does.
    """
    parser = expat.ParserCreate(namespace_separator="}")
    builder = _Builder(depth, root_names, format_name, lambda: parser.CurrentLineNumber, part_names)
    parser.buffer_text = False
    parser.SetParamEntityParsing(expat.XML_PARAM_ENTITY_PARSING_NEVER)
    parser.StartDoctypeDeclHandler = _refuse
    parser.EntityDeclHandler = _refuse
    parser.UnparsedEntityDeclHandler = _refuse
    parser.ExternalEntityRefHandler = _refuse
    parser.StartElementHandler = builder.start
    parser.EndElementHandler = builder.end
    parser.CharacterDataHandler = builder.text
    try:
        while True:
            chunk = source.read(READ_CHUNK)
            parser.Parse(chunk, not chunk)
            yield from builder.done
            builder.done.clear()
            if not chunk:
                break
    except _Refused:
        raise ImportFileError("refused: the file declares a DTD or entities, which exports never need") from None
    except expat.ExpatError as broken:
        raise ImportFileError(f"not well-formed XML: {broken}") from None
