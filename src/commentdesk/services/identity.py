"""Who a commenter is, as the store keeps it: keyed hashes of an e-mail address, a network address,
a publisher's account id, a guest's token, or a guest's name; and the one check of an e-mail address.

Every place that keys a commenter (posting, imports, publisher sign-in, e-mail subscriptions,
reports, notices) goes through here, so the same person gets the same hash whichever way they came.
"""

from __future__ import annotations

import re

from commentdesk.store.identity import keyed_hash

MAX_EMAIL_CHARS = 254
# Local part, "@", a domain with at least one dot: what readers may give (the API's schema says the same).
_EMAIL = re.compile(r"^[^@\s]{1,64}@[^@\s]{1,190}\.[^@\s]{2,63}$")


def normal_email(raw: str | None) -> str | None:
    """The address as stored and hashed: trimmed, lower case; None when empty."""
    return (raw or "").strip().lower() or None


def is_email(address: str) -> bool:
    return len(address) <= MAX_EMAIL_CHARS and _EMAIL.match(address) is not None


def email_hash(secret: str, address: str) -> str:
    """The keyed hash of a (normalised) e-mail address: the commenter's identity when they give one,
    and the key of their e-mail subscription."""
    return keyed_hash(secret, "email:" + address)


def address_hash(secret: str, client_address: str | None) -> str | None:
    """The keyed hash of a network address; None when unknown."""
    return keyed_hash(secret, "ip:" + client_address) if client_address else None


def guest_identity(secret: str, name: str, ip_hash: str | None = None) -> str:
    """A guest without an e-mail address: their name, with their network address when known."""
    return keyed_hash(secret, f"name:{name.lower()}|{ip_hash or ''}")


def commenter_identity(secret: str, name: str, email_hash_value: str | None, ip_hash: str | None = None) -> str:
    """A guest's identity: by e-mail when given, else by name (and network address)."""
    return email_hash_value or guest_identity(secret, name, ip_hash)


def account_identity(secret: str, subject: str) -> str:
    """A reader signed in on the publisher's site, by the publisher's account id."""
    return keyed_hash(secret, "sso:" + subject)


def guest_token_identity(secret: str, token: str) -> str:
    """A guest's first-party embed token."""
    return keyed_hash(secret, "guest:" + token)
