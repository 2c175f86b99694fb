"""The sources `commentdesk import` reads: one row each, with its help and how to open it.

A reader takes the file, the command's options and an ExitStack for what it opens (the file, the
progress bar), and returns the source's records in the order `loader.import_records` takes them.
Adding a source is one module with its parser and one row here.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable, Iterable
from contextlib import ExitStack
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType

from commentdesk.importers.records import Record

Reader = Callable[[Path, object, ExitStack], Iterable[Record]]


@dataclass(frozen=True)
class ImportSource:
    help: str
    metavar: str
    file_help: str  # what the file must be, as said in errors: "the Disqus export (.xml)"
    read: Reader
    # Extra flags of this source: (flag, help); each reaches the reader as an option of the same name.
    flags: tuple[tuple[str, str], ...] = ()


def streamed_xml(name: str) -> Reader:
    """A reader for an XML export that `importers/NAME.py` parses as a stream (`parse(binary_file)`);
    progress is counted in bytes read."""

    def read(path: Path, _options, resources: ExitStack) -> Iterable[Record]:
        from importlib import import_module

        from tqdm import tqdm
        from tqdm.utils import CallbackIOWrapper

        parser: ModuleType = import_module(f"commentdesk.importers.{name}")
        raw = resources.enter_context(open(path, "rb"))
        bar = resources.enter_context(tqdm(total=os.path.getsize(path), unit="B", unit_scale=True, desc=name, file=sys.stderr))
        return parser.parse(CallbackIOWrapper(bar.update, raw, "read"))

    return read


def isso_database(path: Path, options, resources: ExitStack) -> Iterable[Record]:
    from contextlib import closing

    from tqdm import tqdm

    from commentdesk.importers.isso import IssoDatabase

    database = resources.enter_context(closing(IssoDatabase(path, getattr(options, "base_url", None))))
    return resources.enter_context(tqdm(database.records(), total=database.row_count, unit=" rows", desc="isso", file=sys.stderr))


SOURCES: dict[str, ImportSource] = {
    "disqus": ImportSource("Import a Disqus XML export.", "FILE", "the Disqus export (.xml)", streamed_xml("disqus")),
    "wordpress": ImportSource(
        "Import a WordPress export (WXR).", "FILE", "the WordPress export (.xml)", streamed_xml("wordpress")
    ),
    "isso": ImportSource(
        "Import an Isso SQLite database.",
        "DB_FILE",
        "the Isso database file",
        isso_database,
        flags=(("--base-url", "Address of the site, to turn Isso's page paths into article URLs."),),
    ),
}
