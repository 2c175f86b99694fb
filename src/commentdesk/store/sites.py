"""Sites: found by their slug or by their API key."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from commentdesk.store.identity import hash_api_key
from commentdesk.store.models import Site


def site(session: Session, site_id: int) -> Site | None:
    return session.get(Site, site_id)


def known_site(session: Session, site_id: int) -> Site:
    """A site that must exist (a stored article's)."""
    return session.get_one(Site, site_id)


def site_by_slug(session: Session, slug: str) -> Site | None:
    return session.scalar(select(Site).where(Site.slug == slug))


def site_by_api_key(session: Session, key: str) -> Site | None:
    return session.scalar(select(Site).where(Site.api_key_hash == hash_api_key(key)))


def all_sites(session: Session) -> list[Site]:
    return list(session.scalars(select(Site).order_by(Site.slug)))
