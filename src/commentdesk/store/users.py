"""Moderator and administrator accounts, and the sites they may see."""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from commentdesk.store.models import Site, User
from commentdesk.store.scoping import within_sites


def user_by_name(session: Session, username: str) -> User | None:
    return session.scalar(select(User).where(User.username == username))


def user_by_name_in_any_case(session: Session, username: str) -> User | None:
    return session.scalar(select(User).where(func.lower(User.username) == username.lower()).limit(1))


def user(session: Session, user_id: int) -> User | None:
    return session.get(User, user_id)


def all_users(session: Session) -> list[User]:
    return list(session.scalars(select(User).order_by(User.username)))


def site_ids_by_slug(session: Session, slugs: list[str]) -> dict[str, int]:
    return dict(session.execute(select(Site.slug, Site.id).where(Site.slug.in_(slugs))).all())


def sites_named(session: Session, site_ids: Iterable[int] | None) -> list[Site]:
    """The sites among `site_ids` (None: every site), by name."""
    return list(session.scalars(within_sites(select(Site).order_by(Site.name), Site.id, site_ids)))
