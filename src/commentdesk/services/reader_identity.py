"""Readers signed in on the publisher's own site (SSO), and guests' first-party tokens.

The publisher signs a short-lived token (a JWT) for its signed-in reader; the embed, or a link to
commentdesk's own page, hands it over once and receives a reader session signed by this server.
The token's algorithm comes from the site's configuration, never from the token's header, and
its `jti` can be used once: the used ids are kept in the database until they expire, under a
primary key, so several servers sharing one database refuse the same replay.

A signed-in reader is the commenter keyed by the hash of "sso:<sub>": bans, history and trust
stay with the account whatever name it posts under. The token's e-mail address travels on in the
reader session only encrypted, for e-mail about the reader's comments if they ask for it.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import TypeGuard

import jwt
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from cryptography.hazmat.primitives.serialization import load_pem_public_key
from itsdangerous import BadSignature, URLSafeTimedSerializer
from sqlalchemy.orm import Session

from commentdesk.i18n import gettext as _
from commentdesk.services import identity
from commentdesk.services.comment_input import MAX_NAME_CHARS, PostingError, validate
from commentdesk.services.notifications.addresses import AddressBook
from commentdesk.store import reader_tokens
from commentdesk.store.models import Site, utcnow

ALGORITHMS = ("HS256", "RS256", "ES256")
MIN_SECRET_BYTES = 32
MAX_KEY_CHARS = 10_000
MAX_TOKEN_CHARS = 4096
MAX_SUBJECT_CHARS = 255
# Clocks on the publisher's servers and here may differ a little.
LEEWAY = timedelta(seconds=60)
# A sign-in token is meant to be short-lived; one valid for longer than this is refused.
MAX_TOKEN_LIFETIME = timedelta(hours=24)
GUEST_TOKEN = re.compile(r"^[A-Za-z0-9_-]{22,64}$")
_SESSION_SALT = "commentdesk.reader-session"


class SsoConfigError(ValueError):
    pass


@dataclass(frozen=True)
class Reader:
    """A signed-in reader, as posting needs them: who (keyed hash), under what name, with what e-mail
    hash; and the address itself, for e-mail they ask for, with whether the publisher verified it."""

    site_id: int
    identity_hash: str
    name: str
    email_hash: str | None
    expires_at: datetime
    email: str | None = None
    email_verified: bool = False
    # The fingerprint of the site's key that signed the token: a session ends when the site
    # turns sign-in off or changes its key (a leaked key stops working at once).
    key_fingerprint: str | None = None


# --- the site's side: which algorithm and key ------------------------------------------------


def configure(site: Site, algorithm: str, key: str) -> None:
    """Set the site's sign-in algorithm and key, after checking the key suits the algorithm."""
    if algorithm not in ALGORITHMS:
        raise SsoConfigError(f"algorithm must be one of {', '.join(ALGORITHMS)}")
    key = key.strip()
    if not key or len(key) > MAX_KEY_CHARS:
        raise SsoConfigError(f"the key must be 1 to {MAX_KEY_CHARS} characters")
    if algorithm == "HS256":
        if "-----BEGIN" in key:
            raise SsoConfigError("HS256 takes a shared secret, not a PEM key")
        if len(key.encode()) < MIN_SECRET_BYTES:
            raise SsoConfigError(f"an HS256 secret must be at least {MIN_SECRET_BYTES} bytes")
    else:
        try:
            public_key = load_pem_public_key(key.encode())
        except (ValueError, TypeError):
            raise SsoConfigError("the key must be a PEM public key (-----BEGIN PUBLIC KEY-----)") from None
        wanted = rsa.RSAPublicKey if algorithm == "RS256" else ec.EllipticCurvePublicKey
        if not isinstance(public_key, wanted):
            raise SsoConfigError(f"{algorithm} needs an {'RSA' if algorithm == 'RS256' else 'elliptic-curve (P-256)'} public key")
        if isinstance(public_key, ec.EllipticCurvePublicKey) and public_key.curve.name != "secp256r1":
            raise SsoConfigError("ES256 needs a P-256 (secp256r1) key")
    site.sso_algorithm, site.sso_key = algorithm, key


def clear(site: Site) -> None:
    site.sso_algorithm, site.sso_key = None, None


def key_fingerprint(site: Site) -> str | None:
    """A short hash that tells the site's keys apart; None when the site signs no readers in."""
    if not site.sso_algorithm or not site.sso_key:
        return None
    return hashlib.sha256(("commentdesk-sso:" + site.sso_key).encode()).hexdigest()[:16]


def describe(site: Site) -> dict:
    """What the API may show of the configuration: the algorithm and a fingerprint, never the key."""
    fingerprint = key_fingerprint(site)
    if fingerprint is None:
        return {"enabled": False, "algorithm": None, "key_fingerprint": None}
    return {"enabled": True, "algorithm": site.sso_algorithm, "key_fingerprint": fingerprint}


# --- the publisher's token ------------------------------------------------------------------


def _refused(message: str, code: str = "reader_token_invalid") -> PostingError:
    return PostingError(code, message, status=401, field="reader_token")


def verify_token(session: Session, site: Site, token: str, secret: str, now: datetime | None = None) -> Reader:
    """The reader a publisher's token names; PostingError (401) when it is not valid here, or used before."""
    if not site.sso_algorithm or not site.sso_key:
        raise PostingError("sso_not_enabled", _("This site does not sign readers in."), status=403, field="reader_token")
    if not token or len(token) > MAX_TOKEN_CHARS:
        raise _refused(_("The sign-in token is missing or too long."))
    now = now or utcnow()
    try:
        claims = jwt.decode(
            token,
            site.sso_key,
            algorithms=[site.sso_algorithm],
            leeway=LEEWAY,
            options={"require": ["exp", "iat", "sub", "jti"], "verify_aud": False},
        )
    except jwt.ExpiredSignatureError:
        raise _refused(_("The sign-in token has expired; reload the page."), "reader_token_expired") from None
    except (jwt.PyJWTError, ValueError, TypeError):  # wrong algorithm or key type included
        raise _refused(_("The sign-in token is not valid for this site.")) from None
    expires_at = _timestamp(claims.get("exp"))
    issued_at = _timestamp(claims.get("iat"))
    if expires_at is None or issued_at is None or issued_at > now + LEEWAY:
        raise _refused(_("The sign-in token's times are not valid."))
    if expires_at - now > MAX_TOKEN_LIFETIME:
        raise _refused(_("The sign-in token is valid for too long; sign tokens for at most 24 hours."))
    subject, token_id = claims.get("sub"), claims.get("jti")
    if not _short_text(subject, MAX_SUBJECT_CHARS) or not _short_text(token_id, MAX_SUBJECT_CHARS):
        raise _refused(_("The sign-in token needs a string sub and jti."))
    email = claims.get("email")
    if email is not None and not isinstance(email, str):
        raise _refused(_("The sign-in token's email must be a string."))
    # Only a JSON true counts (as in OpenID Connect): the publisher checked the reader receives mail there.
    email_verified = claims.get("email_verified") is True
    name_claim = claims.get("name")
    if not isinstance(name_claim, str):
        raise _refused(_("The sign-in token needs the reader's name."))
    try:
        name, address, _text = validate(name_claim, email, "-", max_chars=1)
    except PostingError as error:
        raise _refused(_("The sign-in token's name or e-mail is not usable: %(problem)s") % {"problem": error.message}) from None
    _use_once(session, site.id, token_id, expires_at + LEEWAY, now)
    return Reader(
        site_id=site.id,
        identity_hash=account_identity(secret, subject),
        name=name[:MAX_NAME_CHARS],
        email_hash=identity.email_hash(secret, address) if address else None,
        # The session allows for clocks apart as the token did: a token taken within the
        # leeway past its `exp` must not give a session that has ended already.
        expires_at=expires_at + LEEWAY,
        email=address,
        email_verified=bool(address) and email_verified,
        key_fingerprint=key_fingerprint(site),
    )


def account_identity(secret: str, subject: str) -> str:
    return identity.account_identity(secret, subject)


def _timestamp(value) -> datetime | None:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return None
    try:
        return datetime.fromtimestamp(value, UTC)
    except (OverflowError, OSError, ValueError):
        return None


def _short_text(value: object, limit: int) -> TypeGuard[str]:
    return isinstance(value, str) and 0 < len(value) <= limit


def _use_once(session: Session, site_id: int, token_id: str, keep_until: datetime, now: datetime) -> None:
    """Record the token id as used, in a transaction of its own; a second use is refused."""
    session.commit()
    first_use = reader_tokens.record_use(session, site_id, hashlib.sha256(token_id.encode()).hexdigest(), keep_until, now)
    session.commit()
    if not first_use:
        raise _refused(_("This sign-in token was used already; reload the page for a new one."), "reader_token_used")


# --- the reader session this server hands out in exchange -------------------------------------


def _serializer(secret: str) -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(secret, salt=_SESSION_SALT)


def session_token(secret: str, reader: Reader) -> str:
    """Signed, so nothing in it can be changed; the address in it is encrypted (the token sits in the
    page and in a cookie), with the key of stored addresses."""
    email_cipher = AddressBook(secret).encrypt(reader.email) if reader.email else None
    return _serializer(secret).dumps(
        [
            reader.site_id,
            reader.identity_hash,
            reader.name,
            reader.email_hash,
            int(reader.expires_at.timestamp()),
            email_cipher,
            reader.email_verified,
            reader.key_fingerprint,
        ]
    )


def reader_from_session(secret: str, value: str | None, site: Site, now: datetime | None = None) -> Reader | None:
    """The reader a session token names, if it is this server's, for this site, unexpired, and
    signed in with the key the site has now."""
    if not value or len(value) > MAX_TOKEN_CHARS:
        return None
    try:
        # Sessions handed out before e-mail was carried have the first five values only, and
        # before the key's fingerprint was carried the first seven.
        site_id, identity, name, email_hash, expires, email_cipher, email_verified, signed_with = [
            *_serializer(secret).loads(value, max_age=int(MAX_TOKEN_LIFETIME.total_seconds()) + 60),
            None,
            False,
            None,
        ][:8]
    except (BadSignature, ValueError, TypeError):
        return None
    expires_at = _timestamp(expires)
    if site_id != site.id or expires_at is None or expires_at <= (now or utcnow()):
        return None
    fingerprint = key_fingerprint(site)
    if fingerprint is None or (signed_with is not None and signed_with != fingerprint):
        return None  # sign-in turned off, or the key changed since
    email = AddressBook(secret).decrypt(email_cipher) if isinstance(email_cipher, str) else None
    return Reader(
        site_id=site_id,
        identity_hash=identity,
        name=name,
        email_hash=email_hash,
        expires_at=expires_at,
        email=email,
        email_verified=email is not None and email_verified is True,
        key_fingerprint=fingerprint,
    )


def guest_token_hash(secret: str, token: str | None) -> str | None:
    """The keyed hash of a guest's first-party token; None for a missing or malformed one."""
    if not token or not GUEST_TOKEN.match(token):
        return None
    return identity.guest_token_identity(secret, token)
