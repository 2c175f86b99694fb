"""Moderators' sign-ins: failed attempts per name and per address, and server-side sessions."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from commentdesk.store.models import LoginFailure, LoginLock, ModeratorSession


def login_lock(session: Session, name_hash: str) -> LoginLock | None:
    return session.get(LoginLock, name_hash)


def forget_name(session: Session, name_hash: str) -> None:
    """Drop the failed attempts counted under a typed name, and its lock."""
    session.execute(delete(LoginLock).where(LoginLock.name_hash == name_hash))


def add_failure(session: Session, address_hash: str, now: datetime, forget_before: datetime) -> None:
    """Count a miss from the address; misses older than `forget_before` are dropped."""
    session.add(LoginFailure(address_hash=address_hash, created_at=now))
    session.execute(delete(LoginFailure).where(LoginFailure.created_at < forget_before))


def failures_since(session: Session, address_hash: str, since: datetime) -> int:
    return (
        session.scalar(
            select(func.count())
            .select_from(LoginFailure)
            .where(LoginFailure.address_hash == address_hash, LoginFailure.created_at >= since)
        )
        or 0
    )


def moderator_session(session: Session, token_hash: str) -> ModeratorSession | None:
    return session.get(ModeratorSession, token_hash)


def drop_expired_sessions(session: Session, user_id: int, now: datetime) -> None:
    session.execute(delete(ModeratorSession).where(ModeratorSession.user_id == user_id, ModeratorSession.expires_at <= now))


def end_session(session: Session, token_hash: str) -> None:
    session.execute(delete(ModeratorSession).where(ModeratorSession.token_hash == token_hash))


def end_user_sessions(session: Session, user_id: int) -> None:
    session.execute(delete(ModeratorSession).where(ModeratorSession.user_id == user_id))
