"""The `commentdesk` command line: serve, demo, score, sites, and the parts that register themselves."""

from __future__ import annotations

import argparse
import importlib
import logging
import os
import sys

from commentdesk import __version__
from commentdesk.config import add_settings_arguments, settings_from

# Parts that add their own subcommands through `register(subparsers)`.
PLUGGED_COMMANDS = ("commentdesk.evaluation.command", "commentdesk.web.moderate.cli", "commentdesk.importers.command",
                    "commentdesk.dsa_command")
SERVER_SETTINGS = {"data_dir", "database_url", "host", "port", "secret_key", "public_url", "models_dir", "forwarded_allow_ips",
                   "model_timeout_ms", "load_models", "max_comment_chars", "max_body_bytes",
                   "max_active_requests", "max_waiting_requests", "max_wait_ms", "workers", "access_log",
                   "check_wait_ms", "model_variant", "deliver_webhooks", "webhook_timeout_ms", "webhook_max_attempts",
                   "webhook_retry_base_ms",
                   "smtp_host", "smtp_port", "smtp_security", "smtp_username", "smtp_password", "mail_from", "mail_per_hour",
                   "digest_to", "digest_hours", "notice_contact_days"}


SCORE_CONTRACT = """\
Moderate comments given as JSON lines on stdin; write one decision per input line on stdout,
in the same order.

Each input line is a JSON object:
  {"id": any JSON value, "article": {"title": str, "body": str}, "text": str, "parent": str or null}
  (parent: the text of the comment this one answers, or null for a top-level comment)

Each output line is a JSON object:
  {"id": the input's id, "decision": "publish" | "hold" | "reject",
   "abuse": 0-1, "relevance": 0-1 (higher = more on-topic), "spam": 0-1,
   "reasons": [{"code": str, "message": str}, ...]}

A line that cannot be read is answered "hold" with the reason code "invalid_input" (and the id
when one can be found). The models are waited for however busy the machine is: a line is held
for a model only when the model fails, with the reason "model_unavailable". Progress goes to
stderr (a bar with lines per second on a terminal), never to stdout.

Example:
  echo '{"id": 1, "article": {"title": "Rates held", "body": "The bank kept rates at 4.25%."},
         "text": "Holding is right while inflation stays high.", "parent": null}' | commentdesk score
"""


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="commentdesk", description="Self-hosted comments for news sites, moderated on arrival.")
    parser.add_argument("--version", action="version", version=f"commentdesk {__version__}")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    serve = commands.add_parser("serve", help="Run the web service.")
    add_settings_arguments(serve, SERVER_SETTINGS)
    serve.set_defaults(handler=_serve)

    demo = commands.add_parser("demo", help="Run the service with demo articles and comments on SQLite.")
    add_settings_arguments(demo, SERVER_SETTINGS - {"database_url", "workers"})
    demo.set_defaults(handler=_demo)

    score = commands.add_parser("score", help="Moderate JSON lines from stdin; one decision per line on stdout.",
                                description=SCORE_CONTRACT, formatter_class=argparse.RawDescriptionHelpFormatter)
    score.set_defaults(handler=_score)

    migrate = commands.add_parser("migrate", help="Create or upgrade the database schema.")
    add_settings_arguments(migrate, {"data_dir", "database_url"})
    migrate.set_defaults(handler=_migrate)

    sites = commands.add_parser("sites", help="Manage sites and their API keys.")
    site_commands = sites.add_subparsers(dest="site_command", required=True, metavar="ACTION")
    add = site_commands.add_parser("add", help="Create a site and print its API key.")
    add.add_argument("slug")
    add.add_argument("--name", required=True)
    list_ = site_commands.add_parser("list", help="List sites.")
    rotate = site_commands.add_parser("rotate-key", help="Issue a new API key for a site.")
    rotate.add_argument("slug")
    sso = site_commands.add_parser("sso", help="Accept readers signed in on the publisher's site (docs/sso.md).")
    sso.add_argument("slug")
    choice = sso.add_mutually_exclusive_group(required=True)
    choice.add_argument("--algorithm", choices=("HS256", "RS256", "ES256"), help="with --key-file")
    choice.add_argument("--off", action="store_true", help="stop accepting publisher sign-ins")
    sso.add_argument("--key-file", help="HS256: a file holding the shared secret; RS256/ES256: the PEM public key")
    for sub in (add, list_, rotate, sso):
        add_settings_arguments(sub, {"data_dir", "database_url"})
    sites.set_defaults(handler=_sites)

    for module_name in PLUGGED_COMMANDS:
        try:
            module = importlib.import_module(module_name)
        except ModuleNotFoundError as missing:
            if missing.name and module_name.startswith(missing.name):
                continue
            raise
        module.register(commands)
    return parser


def _serve(args) -> int:
    from commentdesk.serving import serve

    return serve(settings_from(args))


def _demo(args) -> int:
    import uvicorn

    from commentdesk.app import create_app
    from commentdesk.demo.seed import announce, seed_demo

    # The demo keeps its own SQLite database, apart from a real installation's data directory.
    settings = settings_from(args, **({} if args.data_dir or os.environ.get("COMMENTDESK_DATA_DIR") else {"data_dir": "demo-data"}))
    settings.database_url = ""
    app = create_app(settings)
    seed_demo(app)
    base = f"http://{settings.host}:{settings.port}"
    announce(app, base)
    uvicorn.run(app, host=settings.host, port=settings.port, log_level="info", access_log=settings.access_log,
                **proxy_options(settings))
    return 0


def proxy_options(settings) -> dict:
    """Behind a reverse proxy, take the reader's address from X-Forwarded-For (flood limits,
    reports) only when it comes from a proxy the operator named."""
    if not settings.forwarded_allow_ips:
        return {"proxy_headers": False}
    return {"proxy_headers": True, "forwarded_allow_ips": settings.forwarded_allow_ips}


def _score(_args) -> int:
    from commentdesk.moderation.pipeline import ModerationModels
    from commentdesk.moderation.scorer import Scorer, run

    # The same weights the server uses: site-trained ones when `train --install` activated them.
    # A batch tool waits for the models: no time budget, so a busy machine never holds a line.
    models = ModerationModels(timeout_ms=None, models_dir=settings_from().resolved_models_dir())
    return run(sys.stdin, sys.stdout, sys.stderr, Scorer(models=models))


def _migrate(args) -> int:
    from commentdesk.store.db import make_engine, migrate

    settings = settings_from(args)
    migrate(make_engine(settings.resolved_database_url()))
    print("database is up to date", file=sys.stderr)
    return 0


def _sites(args) -> int:
    from sqlalchemy import select

    from commentdesk.services.sites import create_site, rotate_key
    from commentdesk.store import repository as repo
    from commentdesk.store.db import make_engine, migrate, session_factory
    from commentdesk.store.models import Site

    settings = settings_from(args)
    engine = make_engine(settings.resolved_database_url())
    migrate(engine)
    with session_factory(engine)() as session:
        if args.site_command == "add":
            try:
                site, key = create_site(session, args.slug, args.name)
            except ValueError as error:
                print(f"error: {error}", file=sys.stderr)
                return 2
            session.commit()
            print(f"site {site.slug} created; API key (shown once): {key}")
        elif args.site_command == "list":
            for site in session.scalars(select(Site).order_by(Site.slug)):
                print(f"{site.slug}\t{site.name}")
        elif args.site_command == "sso":
            return _site_sso(session, args)
        else:
            site = repo.site_by_slug(session, args.slug)
            if site is None:
                print(f"error: no site {args.slug!r}", file=sys.stderr)
                return 2
            key = rotate_key(session, site)
            session.commit()
            print(f"new API key for {site.slug} (shown once): {key}")
    return 0


def _site_sso(session, args) -> int:
    """Set or clear a site's reader sign-in key; the key is read from a file, never from the command line."""
    from commentdesk.services import reader_identity
    from commentdesk.store import repository as repo

    site = repo.site_by_slug(session, args.slug)
    if site is None:
        print(f"error: no site {args.slug!r}", file=sys.stderr)
        return 2
    if args.off:
        reader_identity.clear(site)
    else:
        if not args.key_file:
            print("error: --algorithm needs --key-file", file=sys.stderr)
            return 2
        try:
            with open(args.key_file, encoding="utf-8") as handle:
                reader_identity.configure(site, args.algorithm, handle.read(reader_identity.MAX_KEY_CHARS + 1))
        except (OSError, UnicodeDecodeError, reader_identity.SsoConfigError) as error:
            print(f"error: {error}", file=sys.stderr)
            return 2
    session.commit()
    shown = reader_identity.describe(site)
    print(f"sign-in for {site.slug}: " + (f"{shown['algorithm']}, key fingerprint {shown['key_fingerprint']}" if shown["enabled"] else "off"))
    return 0


def main(argv: list[str] | None = None) -> int:
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s", stream=sys.stderr)
    args = build_parser().parse_args(argv)
    return args.handler(args) or 0


if __name__ == "__main__":
    sys.exit(main())
