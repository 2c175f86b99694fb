"""Addresses at rest and the links in messages: encryption, hashing and signed tokens."""

from __future__ import annotations

import base64
import hmac
from dataclasses import dataclass
from datetime import datetime

from cryptography.fernet import Fernet, InvalidToken
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer

from commentdesk.services import identity

CONFIRM_MAX_AGE_S = 7 * 24 * 3600
# A link names its subscriber by id and by the start of their address's keyed hash: on SQLite the
# id of a deleted subscriber (unsubscribed, or never confirmed) goes to the next address that
# asks, and an old link must not confirm or unsubscribe that stranger.
LINK_HASH_CHARS = 16


@dataclass(frozen=True)
class SignedLink:
    """Whom a confirm or unsubscribe link was signed for, and when."""

    subscriber_id: int
    email_hash_start: str | None  # None: a link signed before links carried it
    signed_at: datetime
    # The comment a confirm link confirms mail about; None: an unsubscribe link, or a confirm
    # link signed before each comment was confirmed on its own.
    comment_id: int | None = None

    def is_for(self, email_hash: str, created_at: datetime) -> bool:
        """Whether the link was signed for the subscriber with this address hash, created then."""
        if self.email_hash_start is not None:
            return hmac.compare_digest(email_hash[:LINK_HASH_CHARS], self.email_hash_start)
        # An older link names the id alone: it cannot be for a subscriber created after it was signed.
        return self.signed_at >= created_at.replace(microsecond=0)


class AddressBook:
    """Encrypts stored addresses (readers who opted in, notifiers of illegal content) with a key
    derived from the instance secret (so a copy of the database alone does not reveal them), and
    signs the confirm and unsubscribe links."""

    def __init__(self, secret: str) -> None:
        self.secret = secret
        key = HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=b"commentdesk mail addresses").derive(secret.encode())
        self._fernet = Fernet(base64.urlsafe_b64encode(key))
        self._confirm = URLSafeTimedSerializer(secret, salt="mail-confirm")
        self._unsubscribe = URLSafeTimedSerializer(secret, salt="mail-unsubscribe")

    def hash(self, address: str) -> str:
        """The same keyed hash posting stores for a comment's e-mail."""
        return identity.email_hash(self.secret, address)

    def encrypt(self, address: str) -> str:
        return self._fernet.encrypt(address.encode()).decode()

    def decrypt(self, cipher: str) -> str | None:
        try:
            return self._fernet.decrypt(cipher.encode()).decode()
        except InvalidToken:
            return None  # the instance secret changed: the address cannot be read any more

    def confirm_token(self, subscriber_id: int, email_hash: str, comment_id: int) -> str:
        return self._confirm.dumps([subscriber_id, email_hash[:LINK_HASH_CHARS], comment_id])

    def confirmed_subscriber(self, token: str) -> SignedLink | None:
        return _signed_link(self._confirm, token, CONFIRM_MAX_AGE_S)

    def unsubscribe_token(self, subscriber_id: int, email_hash: str) -> str:
        return self._unsubscribe.dumps([subscriber_id, email_hash[:LINK_HASH_CHARS]])

    def unsubscribing_subscriber(self, token: str) -> SignedLink | None:
        return _signed_link(self._unsubscribe, token, None)


def _signed_link(serializer: URLSafeTimedSerializer, token: str, max_age_s: int | None) -> SignedLink | None:
    try:
        value, signed_at = serializer.loads(token, max_age=max_age_s, return_timestamp=True)
    except (BadSignature, SignatureExpired, ValueError, TypeError):
        return None
    if _is_id(value):
        return SignedLink(value, None, signed_at)  # a link from before links carried the hash
    if isinstance(value, list) and len(value) in (2, 3) and _is_id(value[0]) and isinstance(value[1], str):
        if len(value) == 2:
            return SignedLink(value[0], value[1], signed_at)
        if _is_id(value[2]):
            return SignedLink(value[0], value[1], signed_at, value[2])
    return None


def _is_id(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)
