"""The webhook signature: HMAC-SHA256, keyed with the endpoint's secret, over "TIMESTAMP.BODY".

Headers sent with every delivery:

    Commentdesk-Event-Id: <the event's UUID, the same on every retry>
    Commentdesk-Timestamp: <Unix seconds when this try was signed>
    Commentdesk-Signature: v1=<lower-case hex HMAC-SHA256 of b"TIMESTAMP." + body>

The timestamp is signed with the body, so a receiver that refuses old timestamps also refuses a
recorded delivery sent again later. docs/webhooks.md has a receiver's side of it.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
import time

SCHEME = "v1"
DEFAULT_TOLERANCE_S = 300


def new_secret() -> str:
    return "whsec_" + secrets.token_urlsafe(32)


def signature(secret: str, timestamp: int, body: bytes) -> str:
    digest = hmac.new(secret.encode(), str(timestamp).encode() + b"." + body, hashlib.sha256).hexdigest()
    return f"{SCHEME}={digest}"


def headers(secret: str, event_id: str, body: bytes, now: float | None = None) -> dict[str, str]:
    timestamp = int(now if now is not None else time.time())
    return {
        "Content-Type": "application/json",
        "Commentdesk-Event-Id": event_id,
        "Commentdesk-Timestamp": str(timestamp),
        "Commentdesk-Signature": signature(secret, timestamp, body),
    }


def verify(
    secret: str,
    body: bytes,
    timestamp_header: str,
    signature_header: str,
    tolerance_s: int = DEFAULT_TOLERANCE_S,
    now: float | None = None,
) -> bool:
    """What a receiver does: a fresh timestamp and a matching signature (compared in constant time)."""
    try:
        timestamp = int(timestamp_header)
    except (TypeError, ValueError):
        return False
    if abs((now if now is not None else time.time()) - timestamp) > tolerance_s:
        return False
    expected = signature(secret, timestamp, body)
    # Several signatures may be sent, comma-separated (while a secret is being replaced).
    return any(hmac.compare_digest(expected, given.strip()) for given in (signature_header or "").split(","))
