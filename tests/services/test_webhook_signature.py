"""The webhook signature a receiver checks: HMAC-SHA256 over "TIMESTAMP.BODY", fresh timestamps only."""

from __future__ import annotations

import hashlib
import hmac

import pytest

from commentdesk.services import webhook_signature as signing

SECRET = "whsec_test-secret"
BODY = b'{"type": "comment.published", "data": {"id": 7}}'
NOW = 1_800_000_000


def test_the_signature_is_hmac_sha256_over_timestamp_dot_body():
    expected = hmac.new(SECRET.encode(), f"{NOW}.".encode() + BODY, hashlib.sha256).hexdigest()
    assert signing.signature(SECRET, NOW, BODY) == f"v1={expected}"


def test_headers_carry_the_event_id_the_timestamp_and_the_signature():
    headers = signing.headers(SECRET, "6f1c-event", BODY, now=NOW + 0.9)
    assert headers == {
        "Content-Type": "application/json",
        "Commentdesk-Event-Id": "6f1c-event",
        "Commentdesk-Timestamp": str(NOW),
        "Commentdesk-Signature": signing.signature(SECRET, NOW, BODY),
    }


def test_a_receiver_accepts_what_was_signed():
    headers = signing.headers(SECRET, "e", BODY, now=NOW)
    assert signing.verify(SECRET, BODY, headers["Commentdesk-Timestamp"], headers["Commentdesk-Signature"], now=NOW + 10)


@pytest.mark.parametrize("tampered", [BODY + b" ", BODY.replace(b"7", b"8"), b""])
def test_a_changed_body_fails(tampered):
    headers = signing.headers(SECRET, "e", BODY, now=NOW)
    assert not signing.verify(SECRET, tampered, headers["Commentdesk-Timestamp"], headers["Commentdesk-Signature"], now=NOW)


def test_another_secret_fails():
    headers = signing.headers("whsec_other", "e", BODY, now=NOW)
    assert not signing.verify(SECRET, BODY, headers["Commentdesk-Timestamp"], headers["Commentdesk-Signature"], now=NOW)


def test_a_timestamp_changed_after_signing_fails():
    headers = signing.headers(SECRET, "e", BODY, now=NOW)
    assert not signing.verify(SECRET, BODY, str(NOW + 1), headers["Commentdesk-Signature"], now=NOW)


def test_a_replay_outside_the_tolerance_fails_in_both_directions():
    signature = signing.signature(SECRET, NOW, BODY)
    tolerance = signing.DEFAULT_TOLERANCE_S
    assert signing.verify(SECRET, BODY, str(NOW), signature, now=NOW + tolerance)
    assert not signing.verify(SECRET, BODY, str(NOW), signature, now=NOW + tolerance + 1)
    assert not signing.verify(SECRET, BODY, str(NOW), signature, now=NOW - tolerance - 1)
    assert signing.verify(SECRET, BODY, str(NOW), signature, tolerance_s=3600, now=NOW + 3000)


@pytest.mark.parametrize("timestamp", ["", "soon", "1.5e9", None, "12 34"])
def test_a_malformed_timestamp_fails_without_an_error(timestamp):
    assert not signing.verify(SECRET, BODY, timestamp, signing.signature(SECRET, NOW, BODY), now=NOW)


@pytest.mark.parametrize("header", ["", None, "v1=", "sha256=abc", "v1=" + "0" * 64])
def test_a_missing_or_wrong_signature_fails(header):
    assert not signing.verify(SECRET, BODY, str(NOW), header, now=NOW)


def test_any_one_of_several_signatures_may_match_while_a_secret_is_replaced():
    old = signing.signature("whsec_old", NOW, BODY)
    new = signing.signature(SECRET, NOW, BODY)
    assert signing.verify(SECRET, BODY, str(NOW), f"{old}, {new}", now=NOW)
    assert signing.verify("whsec_old", BODY, str(NOW), f"{old},{new}", now=NOW)
    assert not signing.verify("whsec_third", BODY, str(NOW), f"{old},{new}", now=NOW)


def test_new_secrets_are_prefixed_random_and_long():
    secrets = {signing.new_secret() for _ in range(20)}
    assert len(secrets) == 20
    assert all(secret.startswith("whsec_") and len(secret) >= 40 for secret in secrets)
