"""Sites: creating them and their API keys, and the settings a site changes through the API."""

from __future__ import annotations

import re
import secrets

from sqlalchemy.orm import Session

from commentdesk.moderation.policy import Policy
from commentdesk.services import reader_identity
from commentdesk.store import repository as repo
from commentdesk.store.models import Site

SLUG = re.compile(r"^[a-z0-9][a-z0-9-]{0,62}$")


def create_site(
    session: Session, slug: str, name: str, api_key: str | None = None, policy: dict | None = None
) -> tuple[Site, str]:
    """A new site and its API key (shown once: only its hash is stored)."""
    if not SLUG.match(slug):
        raise ValueError("a site slug is 1-63 lower-case letters, digits and dashes")
    if repo.site_by_slug(session, slug) is not None:
        raise ValueError(f"a site named {slug!r} exists already")
    key = api_key or "cd_" + secrets.token_urlsafe(24)
    site = Site(slug=slug, name=name, api_key_hash=repo.hash_api_key(key), policy=policy or {})
    session.add(site)
    session.flush()
    return site, key


def rotate_key(session: Session, site: Site) -> str:
    key = "cd_" + secrets.token_urlsafe(24)
    site.api_key_hash = repo.hash_api_key(key)
    return key


# --- a site's settings, changed through the API (each change commits) -----------------------------


def change_policy(session: Session, site: Site, changes: dict) -> Policy:
    """Apply `changes` to the site's stored overrides; pydantic's ValidationError (nothing changed)
    when the policy would not be valid."""
    site = session.merge(site)  # the calling site comes from the API key's look-up, maybe another session
    policy, overrides = Policy.updated(site.policy, changes)
    site.policy = overrides
    session.commit()
    return policy


def set_language(session: Session, site: Site, language: str | None) -> Site:
    site = session.merge(site)
    site.language = language
    session.commit()
    return site


def configure_sso(session: Session, site: Site, algorithm: str, key: str) -> Site:
    """Accept readers signed in on the publisher's site; SsoConfigError when the key does not fit."""
    site = session.merge(site)
    reader_identity.configure(site, algorithm, key)
    session.commit()
    return site


def clear_sso(session: Session, site: Site) -> Site:
    site = session.merge(site)
    reader_identity.clear(site)
    session.commit()
    return site
