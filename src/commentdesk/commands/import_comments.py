"""`commentdesk import SOURCE FILE --site SLUG`: comments from another system, one transaction for the whole file.

The sources are the rows of `importers/sources.SOURCES`; each gets its own subcommand from its row.
"""

from __future__ import annotations

import sys
from contextlib import ExitStack
from pathlib import Path

from commentdesk.commands.common import (
    EXIT_INTERRUPTED,
    MODEL_SETTINGS,
    fail,
    instance_secret,
    no_site,
    server_models,
    store_session,
)
from commentdesk.config import add_settings_arguments
from commentdesk.importers.sources import SOURCES
from commentdesk.input_errors import reports_input_errors

IMPORT_SETTINGS = {"data_dir", "database_url", "secret_key", "model_timeout_ms"} | MODEL_SETTINGS
# What to do when the source file turns out unreadable part-way (after the one-line error).
IMPORT_FIX = (
    "Give the source's own export: the .xml file for disqus and wordpress, the SQLite database file for isso. "
    "Nothing was imported."
)


def register(commands) -> None:
    importer = commands.add_parser(
        "import",
        help="Import comments from Disqus, WordPress or Isso.",
        description="Import comments; the whole file goes in one transaction, or nothing does.",
    )
    sources = importer.add_subparsers(dest="import_source", required=True, metavar="SOURCE")
    for name, source in SOURCES.items():
        sub = sources.add_parser(name, help=source.help, description=source.help)
        sub.add_argument("file", type=Path, metavar=source.metavar, help=source.file_help)
        sub.add_argument("--site", required=True, help="Slug of the site to import into.")
        sub.add_argument(
            "--moderate",
            action="store_true",
            help="Run each comment through moderation instead of taking over the source's approval.",
        )
        sub.add_argument("--dry-run", action="store_true", help="Read and check everything, report, store nothing.")
        for flag, flag_help in source.flags:
            sub.add_argument(flag, help=flag_help)
        add_settings_arguments(sub, IMPORT_SETTINGS)
        sub.set_defaults(handler=run)


@reports_input_errors(IMPORT_FIX)
def run(args) -> int:
    from sqlalchemy.exc import SQLAlchemyError

    from commentdesk.importers.loader import import_records, normalized_url
    from commentdesk.importers.records import ImportFileError
    from commentdesk.store import repository as repo

    source = SOURCES[args.import_source]
    if not args.file.is_file():
        return fail(f"{args.file} is not a file. Give the path to {source.file_help}.")
    if getattr(args, "base_url", None) and normalized_url(args.base_url) is None:
        return fail("--base-url must be an http(s) address, e.g. https://news.example.com")
    with store_session(args) as (settings, session):
        site = repo.site_by_slug(session, args.site)
        if site is None:
            return no_site(args.site, f"create it with: commentdesk sites add {args.site} --name ...")
        secret = instance_secret(settings)
        pipeline = _pipeline(settings) if args.moderate else None
        try:
            with ExitStack() as resources:
                records = source.read(args.file, args, resources)
                summary = import_records(session, site, records, secret=secret, pipeline=pipeline, dry_run=args.dry_run)
        except ImportFileError as error:
            return fail(f"{args.file}: {error}; nothing was imported. Check that it is {source.file_help}.")
        except SQLAlchemyError as error:  # rolled back whole too; the driver's words, not the statement and its rows
            reason = str(getattr(error, "orig", None) or error).strip().splitlines()[0]
            return fail(f"{args.file}: the database refused the import ({reason}); nothing was imported.")
        except KeyboardInterrupt:  # import_records has rolled the whole file back
            print("interrupted: nothing was imported", file=sys.stderr)
            return EXIT_INTERRUPTED
    outcome = "dry run, nothing was stored" if args.dry_run else "committed"
    print(f"{args.import_source} import of {args.file.name} into site {args.site!r} ({outcome})")
    print("\n".join(summary.lines()))
    return 0


def _pipeline(settings):
    from commentdesk.moderation.pipeline import Pipeline

    return Pipeline(server_models(settings, settings.model_timeout_ms).load())
