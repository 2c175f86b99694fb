"""`commentdesk export --site SLUG`: a site's comments as JSON lines, to stdout or a file written whole."""

from __future__ import annotations

import os
import sys
import tempfile
from contextlib import closing
from pathlib import Path

from commentdesk.commands.common import DATABASE_SETTINGS, fail, no_site, store_session
from commentdesk.config import add_settings_arguments


def register(commands) -> None:
    export = commands.add_parser("export", help="Export a site's comments as JSON lines.")
    export.add_argument("--site", required=True, help="Slug of the site to export.")
    export.add_argument("--format", choices=["jsonl"], default="jsonl", help="Output format (one JSON object per line).")
    export.add_argument(
        "--status", default="published,pending,rejected", help="Comma-separated statuses to export (default: all)."
    )
    export.add_argument("-o", "--output", type=Path, help="File to write (default: standard output).")
    add_settings_arguments(export, DATABASE_SETTINGS)
    export.set_defaults(handler=run)


def run(args) -> int:
    from tqdm import tqdm

    from commentdesk.importers.export import count_comments, exported_rows, write_jsonl
    from commentdesk.store import repository as repo
    from commentdesk.store.models import CommentStatus

    statuses = [status.strip() for status in args.status.split(",") if status.strip()]
    unknown = [status for status in statuses if status not in CommentStatus.ALL]
    if not statuses or unknown:
        return fail(f"--status takes a comma-separated list of {', '.join(CommentStatus.ALL)}")
    if args.output is not None and args.output.is_dir():
        return fail(f"--output {args.output} is a folder: give the name of the file to write")
    with store_session(args) as (_settings, session):
        site = repo.site_by_slug(session, args.site)
        if site is None:
            return no_site(args.site)
        total = count_comments(session, site, statuses)
        with closing(
            tqdm(exported_rows(session, site, statuses), total=total, unit=" comments", desc="export", file=sys.stderr)
        ) as rows:
            if args.output is None:
                written = write_jsonl(rows, sys.stdout)
                sys.stdout.flush()
            else:
                written = _write_file(args.output, rows)
    print(f"exported {written} comments of site {args.site!r}", file=sys.stderr)
    return 0


def _write_file(path: Path, rows) -> int:
    """Write next to the target and rename at the end: a failed export never leaves half a file."""
    from commentdesk.importers.export import write_jsonl

    path.parent.mkdir(parents=True, exist_ok=True)
    handle = tempfile.NamedTemporaryFile("w", encoding="utf-8", dir=path.parent, prefix=f".{path.name}.", delete=False)
    try:
        with handle:
            written = write_jsonl(rows, handle)
        os.replace(handle.name, path)
    except BaseException:
        Path(handle.name).unlink(missing_ok=True)
        raise
    return written
