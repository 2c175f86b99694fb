"""`commentdesk users ...`: create and manage workspace accounts from the command line."""

from __future__ import annotations

import argparse
import getpass
import sys
import warnings

from commentdesk.commands.common import DATABASE_SETTINGS, CommandError, fail, store_session
from commentdesk.config import add_settings_arguments


def register(subparsers) -> None:
    users = subparsers.add_parser("users", help="Manage moderator and administrator accounts.")
    actions = users.add_subparsers(dest="user_command", required=True, metavar="ACTION")

    add = actions.add_parser("add", help="Create an account (the password is asked for, or read from stdin).")
    add.add_argument("username", help="the name to sign in with")
    add.add_argument(
        "--role",
        choices=("admin", "moderator"),
        required=True,
        help="an admin also manages accounts (/moderate/users) and sees the transparency report",
    )
    add.add_argument("--sites", default="", help="Comma-separated site slugs this user may moderate (default: every site).")
    add.add_argument("--password-stdin", action="store_true", help="Read the password from the first line of stdin.")

    list_ = actions.add_parser("list", help="List accounts.")

    disable = actions.add_parser("disable", help="Disable an account (its sessions end at once).")
    disable.add_argument("username", help="the account's name")
    enable = actions.add_parser("enable", help="Enable a disabled account.")
    enable.add_argument("username", help="the account's name")

    password = actions.add_parser("set-password", help="Set a new password (also clears a login lock).")
    password.add_argument("username", help="the account's name")
    password.add_argument("--password-stdin", action="store_true", help="Read the password from the first line of stdin.")

    for sub in (add, list_, disable, enable, password):
        add_settings_arguments(sub, DATABASE_SETTINGS)
    users.set_defaults(handler=run)


def _read_password(args: argparse.Namespace) -> str:
    if args.password_stdin:
        try:
            line = sys.stdin.readline()
            line.encode()  # stdin may hand invalid bytes on as lone surrogates (surrogateescape)
            return line.rstrip("\r\n")
        except (UnicodeDecodeError, UnicodeEncodeError):
            raise CommandError("the password on stdin is not UTF-8 text") from None
    try:
        with warnings.catch_warnings():
            # Without a terminal getpass would warn, then read stdin with the password echoed.
            warnings.simplefilter("error", getpass.GetPassWarning)
            first = getpass.getpass("Password: ")
            repeated = getpass.getpass("Repeat the password: ")
    except getpass.GetPassWarning:
        raise CommandError("no terminal to ask for the password: pipe it in with --password-stdin") from None
    except EOFError:
        raise CommandError("no password given") from None
    if repeated != first:
        raise CommandError("the passwords differ")
    return first


def run(args: argparse.Namespace) -> int:
    from commentdesk.services import accounts, moderator_sign_in

    try:
        with store_session(args) as (_settings, session):
            if args.user_command == "list":
                sites = {site.id: site.slug for site in accounts.visible_sites(session, accounts.Scope(None))}
                for user in accounts.list_users(session):
                    scope = "all sites" if user.site_ids is None else ",".join(sites.get(i, str(i)) for i in user.site_ids)
                    state = "disabled" if user.disabled else "active"
                    print(f"{user.username}\t{user.role}\t{scope}\t{state}")
                return 0
            if args.user_command == "add":
                accounts.check_username(session, args.username)  # before asking for a password
                slugs = [slug.strip() for slug in args.sites.split(",") if slug.strip()]
                site_ids = accounts.site_ids_for(session, slugs)
                user = accounts.create_user(session, args.username, _read_password(args), args.role, site_ids)
                session.commit()
                print(f"user {user.username} created ({user.role}, {'sites ' + ','.join(slugs) if slugs else 'all sites'})")
                return 0
            found = accounts.user_by_name(session, args.username)
            if found is None:
                return fail(f"no user {args.username!r}")
            if args.user_command == "set-password":
                # The sign-in lock of this name is lifted too (as `--help` says).
                name_lock = moderator_sign_in.name_hash(_settings.resolved_secret(), found.username)
                accounts.set_password(found, _read_password(args), name_lock)
                message = f"password for {found.username} changed"
            else:
                accounts.set_disabled(found, args.user_command == "disable")
                message = f"user {found.username} {args.user_command}d"
            session.commit()
            print(message)
            return 0
    except accounts.AccountError as error:
        return fail(str(error))
