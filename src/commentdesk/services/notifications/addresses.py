"""Addresses at rest and the links in messages: encryption, hashing and signed tokens."""

from __future__ import annotations

import base64

from cryptography.fernet import Fernet, InvalidToken
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer

from commentdesk.services import identity

CONFIRM_MAX_AGE_S = 7 * 24 * 3600


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

    def confirm_token(self, subscriber_id: int) -> str:
        return self._confirm.dumps(subscriber_id)

    def confirmed_subscriber(self, token: str) -> int | None:
        try:
            return int(self._confirm.loads(token, max_age=CONFIRM_MAX_AGE_S))
        except (BadSignature, SignatureExpired, ValueError, TypeError):
            return None

    def unsubscribe_token(self, subscriber_id: int) -> str:
        return self._unsubscribe.dumps(subscriber_id)

    def unsubscribing_subscriber(self, token: str) -> int | None:
        try:
            return int(self._unsubscribe.loads(token))
        except (BadSignature, ValueError, TypeError):
            return None
