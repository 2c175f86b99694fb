"""Keyed hashes: e-mail addresses, network addresses and API keys are never stored in the clear."""

from __future__ import annotations

import hashlib
import hmac


def keyed_hash(secret: str, value: str) -> str:
    """A keyed hash: e-mail addresses and network addresses are never stored in the clear."""
    return hmac.new(secret.encode(), value.encode(), hashlib.sha256).hexdigest()


def hash_api_key(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()
