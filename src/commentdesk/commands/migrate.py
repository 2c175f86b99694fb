"""`commentdesk migrate`: create or upgrade the database schema, and, given the server's secret,
encrypt the notifiers' addresses an older version stored in the clear (else the server does it
when it starts: migration 0015)."""

from __future__ import annotations

import sys

from commentdesk.commands.common import DATABASE_SETTINGS, fail, open_store
from commentdesk.config import add_settings_arguments, env_name, flag_name

SECRET_MEANING = (
    "The server's instance secret, to encrypt now the notifiers' addresses an older version stored in the clear. "
    "Empty: the server encrypts them when it starts."
)


def register(commands) -> None:
    migrate = commands.add_parser("migrate", help="Create or upgrade the database schema.")
    add_settings_arguments(migrate, DATABASE_SETTINGS | {"secret_key"}, meanings={"secret_key": SECRET_MEANING})
    migrate.set_defaults(handler=run)


def run(args) -> int:
    from commentdesk.services import notices
    from commentdesk.services.notifications.addresses import AddressBook

    settings, engine, sessions = open_store(args)
    print("database is up to date", file=sys.stderr)
    secret = f"{flag_name('secret_key')} ({env_name('secret_key')})"
    try:
        with sessions() as session:
            plain = notices.plain_contact_count(session)
            if not plain:
                return 0
            if not settings.secret_key:
                # Never the secret kept under --data-dir: a fresh one would be generated where none is.
                print(
                    f"notifiers' addresses still stored in the clear: {plain}. The server encrypts them when it "
                    f"first starts; to do it now, run migrate again with {secret} set to the server's secret",
                    file=sys.stderr,
                )
                return 0
            addresses = AddressBook(settings.secret_key)
            if not notices.reads_stored_addresses(session, addresses):
                return fail(
                    f"{secret} is not the secret the stored addresses are encrypted with: "
                    "the notifiers' addresses in the clear are left for the server to encrypt"
                )
            encrypted = notices.encrypt_plain_contacts(session, addresses)
            print(f"notifiers' addresses encrypted that were stored in the clear: {encrypted}", file=sys.stderr)
            return 0
    finally:
        engine.dispose()
