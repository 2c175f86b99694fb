"""`commentdesk dsa ...`: the EU Digital Services Act tasks an operator runs from the command line:
the transparency export for a period, and erasing notifiers' contacts kept past their time."""

from __future__ import annotations

import argparse
import sys
from datetime import UTC, datetime

from commentdesk.commands.common import DATABASE_SETTINGS, fail, store_session
from commentdesk.config import add_settings_arguments


def _day(text: str) -> datetime:
    try:
        return datetime.strptime(text, "%Y-%m-%d").replace(tzinfo=UTC)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a date (YYYY-MM-DD): {text!r}") from None


def register(subparsers) -> None:
    dsa = subparsers.add_parser("dsa", help="EU Digital Services Act: transparency export, notifier contact erasure.")
    actions = dsa.add_subparsers(dest="dsa_command", required=True, metavar="ACTION")
    export = actions.add_parser("export", help="Transparency figures for a period (notices, decisions, handling times).")
    export.add_argument("--from", dest="start", type=_day, required=True, help="First day of the period (YYYY-MM-DD, UTC).")
    export.add_argument("--to", dest="last_day", type=_day, required=True, help="Last day of the period, included.")
    export.add_argument("--site", action="append", default=[], help="A site's slug (repeat for several; default: every site).")
    export.add_argument("--format", choices=("json", "csv"), default="json", help="(default: json)")
    erase = actions.add_parser("erase-contacts", help="Erase notifiers' names and e-mails kept past --notice-contact-days.")
    add_settings_arguments(export, DATABASE_SETTINGS)
    add_settings_arguments(erase, DATABASE_SETTINGS | {"notice_contact_days"})
    dsa.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    from commentdesk.services import accounts, notices, transparency

    with store_session(args) as (settings, session):
        if args.dsa_command == "erase-contacts":
            erased = notices.erase_expired_contacts(session, settings.notice_contact_days)
            print(f"erased the contact of {erased} notifier(s)", file=sys.stderr)
            return 0
        if args.last_day < args.start:
            return fail("--to is before --from")
        try:
            start, end = transparency.period_of_days(args.start, args.last_day)
        except ValueError as error:
            return fail(f"--to: {error}")
        try:
            site_ids = accounts.site_ids_for(session, args.site)
        except accounts.AccountError as error:
            return fail(str(error))
        report = transparency.transparency_report(session, start, end, site_ids)
        sys.stdout.write(transparency.as_json(report) if args.format == "json" else transparency.as_csv(report))
        return 0
