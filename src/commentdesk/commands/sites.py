"""`commentdesk sites add | list | rotate-key | sso`: sites, their API keys and their reader sign-in."""

from __future__ import annotations

from commentdesk.commands.common import DATABASE_SETTINGS, fail, no_site, store_session
from commentdesk.config import add_settings_arguments


def register(commands) -> None:
    sites = commands.add_parser("sites", help="Manage sites and their API keys.")
    actions = sites.add_subparsers(dest="site_command", required=True, metavar="ACTION")
    add = actions.add_parser("add", help="Create a site and print its API key.")
    add.add_argument("slug", help="the site's short name, used by the API and the embed (data-site)")
    add.add_argument("--name", required=True, help="the site's name as readers and moderators see it")
    list_ = actions.add_parser("list", help="List sites.")
    rotate = actions.add_parser("rotate-key", help="Issue a new API key for a site; the old one stops working.")
    rotate.add_argument("slug", help="the site's slug")
    sso = actions.add_parser("sso", help="Accept readers signed in on the publisher's site (docs/sso.md).")
    sso.add_argument("slug", help="the site's slug")
    choice = sso.add_mutually_exclusive_group(required=True)
    choice.add_argument("--algorithm", choices=("HS256", "RS256", "ES256"), help="with --key-file")
    choice.add_argument("--off", action="store_true", help="stop accepting publisher sign-ins")
    sso.add_argument("--key-file", help="HS256: a file holding the shared secret; RS256/ES256: the PEM public key")
    for sub in (add, list_, rotate, sso):
        add_settings_arguments(sub, DATABASE_SETTINGS)
    sites.set_defaults(handler=run)


def run(args) -> int:
    from commentdesk.store import repository as repo

    with store_session(args) as (_settings, session):
        if args.site_command in SITE_ACTIONS:
            site = repo.site_by_slug(session, args.slug)
            if site is None:
                return no_site(args.slug)
            return SITE_ACTIONS[args.site_command](session, site, args)
        return ACTIONS[args.site_command](session, args)


def _add(session, args) -> int:
    from commentdesk.services.sites import create_site

    problem = _name_problem(args.name)
    if problem:
        return fail(f"--name: {problem}")
    try:
        site, key = create_site(session, args.slug, args.name)
    except ValueError as error:
        return fail(str(error))
    session.commit()
    print(f"site {site.slug} created; API key (shown once): {key}")
    return 0


def _name_problem(name: str) -> str | None:
    """Why a site name cannot be stored, or None. Checked here for both databases alike: SQLite
    would store any length, PostgreSQL refuses one over the column's with a DataError."""
    import unicodedata
    from typing import cast

    from sqlalchemy import String

    from commentdesk.store.models import Site

    longest = cast(String, Site.__table__.c.name.type).length or 200
    if not name.strip():
        return "a site name cannot be empty"
    if len(name) > longest:
        return f"a site name is at most {longest} characters (got {len(name)})"
    # Control characters (tabs and newlines among them) would break `sites list` and the pages;
    # lone surrogates (undecodable bytes on the command line) cannot be stored at all.
    if any(unicodedata.category(char) in ("Cc", "Cs", "Zl", "Zp") for char in name):
        return "a site name cannot hold control characters, line breaks or undecodable bytes"
    return None


def _list(session, _args) -> int:
    from commentdesk.store import sites

    for site in sites.all_sites(session):
        print(f"{site.slug}\t{site.name}")
    return 0


def _rotate_key(session, site, _args) -> int:
    from commentdesk.services.sites import rotate_key

    key = rotate_key(session, site)
    session.commit()
    print(f"new API key for {site.slug} (shown once): {key}")
    return 0


def _sso(session, site, args) -> int:
    """Set or clear a site's reader sign-in key; the key is read from a file, never from the command line."""
    from commentdesk.services import reader_identity

    if args.off:
        reader_identity.clear(site)
    else:
        if not args.key_file:
            return fail("--algorithm needs --key-file")
        try:
            with open(args.key_file, encoding="utf-8") as handle:
                reader_identity.configure(site, args.algorithm, handle.read(reader_identity.MAX_KEY_CHARS + 1))
        except (OSError, UnicodeDecodeError, reader_identity.SsoConfigError) as error:
            return fail(str(error))
    session.commit()
    shown = reader_identity.describe(site)
    print(
        f"sign-in for {site.slug}: "
        + (f"{shown['algorithm']}, key fingerprint {shown['key_fingerprint']}" if shown["enabled"] else "off")
    )
    return 0


ACTIONS = {"add": _add, "list": _list}
# The actions on one existing site, named by its slug: they get the site itself.
SITE_ACTIONS = {"rotate-key": _rotate_key, "sso": _sso}
