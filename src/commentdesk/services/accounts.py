"""Moderator and administrator accounts: argon2 password hashes, login throttling, site limits."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, timedelta

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError
from sqlalchemy.orm import Session, object_session

from commentdesk.bounds import MAX_ID
from commentdesk.i18n import N_, ngettext
from commentdesk.i18n import gettext as _
from commentdesk.store import moderator_logins, users
from commentdesk.store.models import Site, User, utcnow

ROLES = ("moderator", "admin")
USERNAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.@-]{0,63}$")
MIN_PASSWORD_CHARS = 10
# After this many wrong passwords in a row the account locks, for longer each further miss.
FREE_ATTEMPTS = 5
MAX_LOCK_MINUTES = 60

_hasher = PasswordHasher()
# Verified against when the username is unknown, so a miss costs the same time either way.
_DUMMY_HASH = _hasher.hash("not a password anyone has")


class AccountError(ValueError):
    """A request about accounts that cannot be carried out; the message is for the operator."""


class LoginRefused(Exception):
    def __init__(self, message: str, locked_until: datetime | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.locked_until = locked_until


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def check_password_rules(password: str) -> None:
    if len(password) < MIN_PASSWORD_CHARS:
        raise AccountError(_("a password has at least %(num)s characters") % {"num": MIN_PASSWORD_CHARS})


def user_by_name(session: Session, username: str) -> User | None:
    return users.user_by_name(session, username)


def user_by_id(session: Session, user_id: int) -> User | None:
    return users.user(session, user_id)


def site_ids_for(session: Session, slugs: list[str] | None) -> list[int] | None:
    """Site ids for the given slugs; None (every site) when no slugs are given."""
    if not slugs:
        return None
    found = users.site_ids_by_slug(session, slugs)
    missing = [slug for slug in slugs if slug not in found]
    if missing:
        raise AccountError(_("no site named %(names)s") % {"names": ", ".join(missing)})
    return sorted(found[slug] for slug in slugs)


def check_username(session: Session, username: str) -> None:
    """AccountError unless `username` can be a new account's: the whole name matches (a trailing
    newline would make an account no one can sign in to), and no account's name differs from it
    only in case ("editor" and "EDITOR" would be two accounts for one name)."""
    if not USERNAME.fullmatch(username):
        raise AccountError(_("a username is 1-64 letters, digits and . _ @ -, starting with a letter or digit"))
    taken = users.user_by_name_in_any_case(session, username)
    if taken is not None:
        raise AccountError(_("a user named %(name)s exists already") % {"name": repr(taken.username)})


def create_user(session: Session, username: str, password: str, role: str, site_ids: list[int] | None = None) -> User:
    check_username(session, username)
    if role not in ROLES:
        raise AccountError(_("the role is one of %(roles)s") % {"roles": ", ".join(ROLES)})
    check_password_rules(password)
    user = User(
        username=username,
        password_hash=hash_password(password),
        role=role,
        site_ids=sorted(set(site_ids)) if site_ids else None,
        disabled=False,
        failed_logins=0,
    )
    session.add(user)
    session.flush()
    return user


def add_user(session: Session, username: str, password: str, role: str, site_ids: list[int] | None = None) -> User:
    """An administrator adds an account: committed, or nothing changed and AccountError."""
    try:
        user = create_user(session, username, password, role, site_ids)
    except AccountError:
        session.rollback()
        raise
    session.commit()
    return user


def change_user(
    session: Session,
    actor: User,
    user: User,
    change: str,
    *,
    password: str = "",
    site_ids: list[int] | None = None,
    name_lock: str | None = None,
) -> None:
    """An administrator disables, enables, sets the password or the sites of an account: committed,
    or nothing changed and AccountError."""
    try:
        if change == "disable":
            if user.id == actor.id:
                raise AccountError(_("you cannot disable your own account"))
            set_disabled(user, True)
        elif change == "enable":
            set_disabled(user, False)
        elif change == "password":
            set_password(user, password, name_lock)
        elif change == "sites":
            user.site_ids = sorted(set(site_ids or [])) or None
        else:
            raise AccountError(_("unknown change"))
    except AccountError:
        session.rollback()
        raise
    session.commit()


def set_password(user: User, password: str, name_lock: str | None = None) -> None:
    """A new password; it also ends the user's sessions (they carry a fingerprint of the hash).
    `name_lock`: the key sign-in counts misses for this name under (moderator_sign_in.name_hash),
    whose lock is lifted too: the account's owner can sign in with the new password at once."""
    check_password_rules(password)
    user.password_hash = hash_password(password)
    user.failed_logins = 0
    user.locked_until = None
    session = object_session(user)
    if name_lock is not None and session is not None:
        moderator_logins.forget_name(session, name_lock)


def set_disabled(user: User, disabled: bool) -> None:
    """Disabling also ends the account's sessions: enabling it again must not bring them back."""
    user.disabled = disabled
    if disabled:
        session = object_session(user)
        if session is not None:
            moderator_logins.end_user_sessions(session, user.id)


def authenticate(session: Session, username: str, password: str, now: datetime | None = None) -> User:
    """The user whose password this is, or LoginRefused; failures count towards a lock."""
    now = now or utcnow()
    user = user_by_name(session, username)
    if user is None:
        _verify(_DUMMY_HASH, password)
        raise LoginRefused(N_("Wrong username or password."))
    if user.locked_until is not None and user.locked_until > now:
        minutes = max(1, round((user.locked_until - now).total_seconds() / 60))
        raise LoginRefused(
            ngettext(
                "Too many failed attempts. Try again in %(num)s minute.",
                "Too many failed attempts. Try again in %(num)s minutes.",
                minutes,
            )
            % {"num": minutes},
            user.locked_until,
        )
    if not _verify(user.password_hash, password):
        user.failed_logins = (user.failed_logins or 0) + 1
        if user.failed_logins >= FREE_ATTEMPTS:
            minutes = min(2 ** (user.failed_logins - FREE_ATTEMPTS), MAX_LOCK_MINUTES)
            user.locked_until = now + timedelta(minutes=minutes)
        session.commit()
        raise LoginRefused(N_("Wrong username or password."), user.locked_until)
    if user.disabled:
        raise LoginRefused(N_("This account is disabled."))
    if _hasher.check_needs_rehash(user.password_hash):
        user.password_hash = hash_password(password)
    user.failed_logins = 0
    user.locked_until = None
    user.last_login_at = now
    session.commit()
    return user


def _verify(password_hash: str, password: str) -> bool:
    try:
        return _hasher.verify(password_hash, password)
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return False


def _stored_id(value: object) -> int | None:
    try:
        number = int(value)  # type: ignore[call-overload]
    except (TypeError, ValueError, OverflowError):
        return None
    return number if 1 <= number <= MAX_ID else None


@dataclass(frozen=True)
class Scope:
    """The sites a user may moderate: None means every site."""

    site_ids: frozenset[int] | None

    @classmethod
    def of(cls, user: User) -> Scope:
        if user.site_ids is None:
            return cls(None)
        # Only ids a site can have: a list written before they were checked (or by hand) limits the
        # user to its real sites instead of failing every query it goes into.
        return cls(frozenset(site_id for site_id in map(_stored_id, user.site_ids) if site_id is not None))

    def allows(self, site_id: int) -> bool:
        return self.site_ids is None or site_id in self.site_ids

    def restrict(self, column):
        """A WHERE clause limiting `column` (a site id column) to this scope, or None."""
        if self.site_ids is None:
            return None
        return column.in_(sorted(self.site_ids))


def visible_sites(session: Session, scope: Scope) -> list[Site]:
    return users.sites_named(session, scope.site_ids)


def list_users(session: Session) -> list[User]:
    return users.all_users(session)


def set_language(session: Session, user: User, language: str | None) -> None:
    """The moderator's own workspace language (None: as their browser asks)."""
    user.language = language
    session.commit()
