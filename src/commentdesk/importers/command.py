"""`commentdesk import disqus|wordpress|isso FILE --site SLUG` and `commentdesk export --site SLUG`."""

from __future__ import annotations

import os
import sys
import tempfile
from contextlib import closing
from pathlib import Path

from commentdesk.config import add_settings_arguments, settings_from
from commentdesk.input_errors import reports_input_errors

IMPORT_SETTINGS = {"data_dir", "database_url", "secret_key", "model_timeout_ms"}
EXPORT_SETTINGS = {"data_dir", "database_url"}
SOURCES = {
    "disqus": ("Import a Disqus XML export.", "FILE", "the Disqus export (.xml)"),
    "wordpress": ("Import a WordPress export (WXR).", "FILE", "the WordPress export (.xml)"),
    "isso": ("Import an Isso SQLite database.", "DB_FILE", "the Isso database file"),
}
EXIT_BAD_INPUT = 2
# What to do when the source file turns out unreadable part-way (after the one-line error).
IMPORT_FIX = ("Give the source's own export: the .xml file for disqus and wordpress, the SQLite database file for isso. "
              "Nothing was imported.")


def register(commands) -> None:
    importer = commands.add_parser("import", help="Import comments from Disqus, WordPress or Isso.",
                                   description="Import comments; the whole file goes in one transaction, or nothing does.")
    sources = importer.add_subparsers(dest="import_source", required=True, metavar="SOURCE")
    for name, (help_text, metavar, file_help) in SOURCES.items():
        sub = sources.add_parser(name, help=help_text, description=help_text)
        sub.add_argument("file", type=Path, metavar=metavar, help=file_help)
        sub.add_argument("--site", required=True, help="Slug of the site to import into.")
        sub.add_argument("--moderate", action="store_true",
                         help="Run each comment through moderation instead of taking over the source's approval.")
        sub.add_argument("--dry-run", action="store_true", help="Read and check everything, report, store nothing.")
        if name == "isso":
            sub.add_argument("--base-url", help="Address of the site, to turn Isso's page paths into article URLs.")
        add_settings_arguments(sub, IMPORT_SETTINGS)
        sub.set_defaults(handler=_import)

    export = commands.add_parser("export", help="Export a site's comments as JSON lines.")
    export.add_argument("--site", required=True, help="Slug of the site to export.")
    export.add_argument("--format", choices=["jsonl"], default="jsonl", help="Output format (one JSON object per line).")
    export.add_argument("--status", default="published,pending,rejected",
                        help="Comma-separated statuses to export (default: all).")
    export.add_argument("-o", "--output", type=Path, help="File to write (default: standard output).")
    add_settings_arguments(export, EXPORT_SETTINGS)
    export.set_defaults(handler=_export)


def _fail(message: str) -> int:
    print(f"error: {message}", file=sys.stderr)
    return EXIT_BAD_INPUT


def _open_store(args):
    from commentdesk.store.db import make_engine, migrate, session_factory

    settings = settings_from(args)
    engine = make_engine(settings.resolved_database_url())
    migrate(engine)
    return settings, engine, session_factory(engine)


@reports_input_errors(IMPORT_FIX)
def _import(args) -> int:
    from commentdesk.importers.loader import import_records, normalized_url
    from commentdesk.importers.records import ImportFileError
    from commentdesk.store import repository as repo

    if not args.file.is_file():
        what = SOURCES[args.import_source][2]
        return _fail(f"{args.file} is not a file. Give the path to {what}.")
    if getattr(args, "base_url", None) and normalized_url(args.base_url) is None:
        return _fail("--base-url must be an http(s) address, e.g. https://news.example.com")
    settings, engine, sessions = _open_store(args)
    try:
        with sessions() as session:
            site = repo.site_by_slug(session, args.site)
            if site is None:
                return _fail(f"no site {args.site!r} (create it with: commentdesk sites add {args.site} --name ...)")
            pipeline = _pipeline(settings) if args.moderate else None
            try:
                with _RecordStream(args) as records:
                    summary = import_records(session, site, records, secret=settings.resolved_secret(),
                                             pipeline=pipeline, dry_run=args.dry_run)
            except ImportFileError as error:
                return _fail(f"{args.file}: {error}; nothing was imported. Check that it is {SOURCES[args.import_source][2]}.")
    finally:
        engine.dispose()
    outcome = "dry run, nothing was stored" if args.dry_run else "committed"
    print(f"{args.import_source} import of {args.file.name} into site {args.site!r} ({outcome})")
    print("\n".join(summary.lines()))
    return 0


class _RecordStream:
    """The source's records with a progress bar on stderr; closes the file or database after."""

    def __init__(self, args) -> None:
        self.args = args
        self._resources = []

    def __enter__(self):
        from tqdm import tqdm
        from tqdm.utils import CallbackIOWrapper

        if self.args.import_source == "isso":
            from commentdesk.importers.isso import IssoDatabase

            database = IssoDatabase(self.args.file, self.args.base_url)
            self._resources.append(database)
            bar = tqdm(database.records(), total=database.row_count, unit=" rows", desc="isso", file=sys.stderr)
            self._resources.append(bar)
            return bar
        from commentdesk.importers import disqus, wordpress

        parser = {"disqus": disqus, "wordpress": wordpress}[self.args.import_source]
        raw = open(self.args.file, "rb")
        self._resources.append(raw)
        # Progress is measured in bytes read, as the parser streams through the file.
        bar = tqdm(total=os.path.getsize(self.args.file), unit="B", unit_scale=True, desc=self.args.import_source, file=sys.stderr)
        self._resources.append(bar)
        return parser.parse(CallbackIOWrapper(bar.update, raw, "read"))

    def __exit__(self, *_exc) -> None:
        for resource in reversed(self._resources):
            resource.close()


def _pipeline(settings):
    from commentdesk.moderation.pipeline import ModerationModels, Pipeline

    return Pipeline(ModerationModels(timeout_ms=settings.model_timeout_ms, enabled=True,
                                     models_dir=settings.resolved_models_dir()).load())


def _export(args) -> int:
    from tqdm import tqdm

    from commentdesk.importers.export import count_comments, exported_rows, write_jsonl
    from commentdesk.store import repository as repo
    from commentdesk.store.models import CommentStatus

    statuses = [status.strip() for status in args.status.split(",") if status.strip()]
    unknown = [status for status in statuses if status not in CommentStatus.ALL]
    if not statuses or unknown:
        return _fail(f"--status takes a comma-separated list of {', '.join(CommentStatus.ALL)}")
    _settings, engine, sessions = _open_store(args)
    try:
        with sessions() as session:
            site = repo.site_by_slug(session, args.site)
            if site is None:
                return _fail(f"no site {args.site!r}")
            total = count_comments(session, site, statuses)
            with closing(tqdm(exported_rows(session, site, statuses), total=total, unit=" comments", desc="export",
                              file=sys.stderr)) as rows:
                if args.output is None:
                    written = write_jsonl(rows, sys.stdout)
                    sys.stdout.flush()
                else:
                    written = _write_file(args.output, rows)
    finally:
        engine.dispose()
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
