"""Creating sites and their API keys."""

from __future__ import annotations

import re
import secrets

from sqlalchemy.orm import Session

from commentdesk.store import repository as repo
from commentdesk.store.models import Site

SLUG = re.compile(r"^[a-z0-9][a-z0-9-]{0,62}$")


def create_site(session: Session, slug: str, name: str, api_key: str | None = None, policy: dict | None = None) -> tuple[Site, str]:
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
