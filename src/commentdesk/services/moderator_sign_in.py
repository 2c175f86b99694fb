"""Moderators signing in: locks after failed attempts (per name, per address) and server-side sessions.

The HTTP side (cookies, forms, redirects) is web/moderate/auth.py; this module decides and commits.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from datetime import datetime, timedelta

from sqlalchemy.orm import Session

from commentdesk.services import accounts
from commentdesk.store import moderator_logins, users
from commentdesk.store.identity import keyed_hash
from commentdesk.store.models import LoginLock, ModeratorSession, User, utcnow

SESSION_MAX_AGE = 12 * 3600
ADDRESS_LIMIT = 20
ADDRESS_WINDOW = timedelta(minutes=10)


def name_hash(secret: str, username: str) -> str:
    """The key failed attempts are counted under, for any name typed, known or not."""
    return keyed_hash(secret, "login-name:" + username.strip().lower())


def address_hash(secret: str, client_address: str) -> str:
    return keyed_hash(secret, "login-address:" + client_address)


def fingerprint(user: User) -> str:
    return hashlib.sha256(user.password_hash.encode()).hexdigest()[:16]


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def name_locked_until(session: Session, name_hash: str, now: datetime) -> datetime | None:
    lock = moderator_logins.login_lock(session, name_hash)
    return lock.locked_until if lock is not None and lock.locked_until is not None and lock.locked_until > now else None


def record_failure(session: Session, name_hash: str, address_hash: str, now: datetime) -> datetime | None:
    """Count a miss for the name and the address; returns when the name is locked until, if it now is."""
    session.rollback()  # a transaction of its own: the refused sign-in's reads are done
    lock = moderator_logins.login_lock(session, name_hash) or LoginLock(name_hash=name_hash, failures=0)
    lock.failures = (lock.failures or 0) + 1
    # The same rule as for accounts (services.accounts), applied to every name alike.
    if lock.failures >= accounts.FREE_ATTEMPTS:
        minutes = min(2 ** (lock.failures - accounts.FREE_ATTEMPTS), accounts.MAX_LOCK_MINUTES)
        lock.locked_until = now + timedelta(minutes=minutes)
    lock.updated_at = now
    session.add(lock)
    moderator_logins.add_failure(session, address_hash, now, now - ADDRESS_WINDOW)
    session.commit()
    return lock.locked_until if lock.locked_until and lock.locked_until > now else None


def address_blocked(session: Session, address_hash: str, now: datetime) -> bool:
    return moderator_logins.failures_since(session, address_hash, now - ADDRESS_WINDOW) >= ADDRESS_LIMIT


def signed_in(session: Session, token: str) -> tuple[User, str] | None:
    """The user and CSRF token of a live session, or None."""
    stored = moderator_logins.moderator_session(session, token_hash(token))
    if stored is None or stored.expires_at <= utcnow():
        return None
    user = users.user(session, stored.user_id)
    if user is None or user.disabled or not hmac.compare_digest(stored.password_fingerprint, fingerprint(user)):
        return None
    return user, stored.csrf


def start_session(session: Session, user: User, name_hash: str) -> str:
    """A new server-side session for `user` (the name's failed attempts are forgotten); returns the
    cookie's token (only its hash is kept)."""
    lock = moderator_logins.login_lock(session, name_hash)
    if lock is not None:
        session.delete(lock)
    now = utcnow()
    token = secrets.token_urlsafe(32)
    moderator_logins.drop_expired_sessions(session, user.id, now)
    session.add(
        ModeratorSession(
            token_hash=token_hash(token),
            user_id=user.id,
            csrf=secrets.token_urlsafe(24),
            password_fingerprint=fingerprint(user),
            created_at=now,
            expires_at=now + timedelta(seconds=SESSION_MAX_AGE),
        )
    )
    session.commit()
    return token


def end_session(session: Session, token: str) -> None:
    moderator_logins.end_session(session, token_hash(token))
    session.commit()
