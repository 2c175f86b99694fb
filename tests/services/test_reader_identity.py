"""Publisher sign-in at the service level: which keys a site may configure, which tokens are
accepted, the once-only rule, the reader session this server signs, and guests' tokens."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
from datetime import timedelta

import jwt
import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from sqlalchemy import select

from commentdesk.services import reader_identity as identity
from commentdesk.services.comment_input import PostingError
from commentdesk.services.reader_identity import Reader, SsoConfigError
from commentdesk.store.models import Site, UsedReaderToken, utcnow

SECRET = "server-secret"
SHARED = "a shared secret that is long enough to use"
# A site that signs readers in, as the reader session is checked against it.
SITE_3 = Site(id=3, sso_algorithm="HS256", sso_key=SHARED)


def hmac_signed(payload: dict, secret: str) -> str:
    """An HS256 token signed with any secret, even a PEM key (PyJWT refuses to make those)."""

    def encode(raw: bytes) -> bytes:
        return base64.urlsafe_b64encode(raw).rstrip(b"=")

    signing_input = encode(json.dumps({"alg": "HS256", "typ": "JWT"}).encode()) + b"." + encode(json.dumps(payload).encode())
    return (signing_input + b"." + encode(hmac.new(secret.encode(), signing_input, hashlib.sha256).digest())).decode()


def pem(public_key) -> str:
    return public_key.public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo).decode()


def claims(**changes) -> dict:
    now = utcnow()
    found = {
        "sub": "reader-1",
        "jti": "token-1",
        "name": "Ana Reader",
        "email": "ana@example.com",
        "iat": int(now.timestamp()),
        "exp": int((now + timedelta(minutes=10)).timestamp()),
    }
    found.update(changes)
    return {key: value for key, value in found.items() if value is not None}


@pytest.fixture
def hs_site(session, site):
    identity.configure(site, "HS256", SHARED)
    session.commit()
    return site


def test_a_site_configures_a_shared_secret_of_enough_bytes(site):
    identity.configure(site, "HS256", "  " + SHARED + "  ")
    assert (site.sso_algorithm, site.sso_key) == ("HS256", SHARED)
    with pytest.raises(SsoConfigError, match="at least 32 bytes"):
        identity.configure(site, "HS256", "short")
    with pytest.raises(SsoConfigError, match="not a PEM key"):
        identity.configure(site, "HS256", "-----BEGIN PUBLIC KEY-----" + "x" * 40)


@pytest.mark.parametrize(("algorithm", "key"), [("none", SHARED), ("HS512", SHARED), ("RS256", ""), ("HS256", "k" * 10_001)])
def test_unknown_algorithms_and_empty_or_huge_keys_are_refused(site, algorithm, key):
    with pytest.raises(SsoConfigError):
        identity.configure(site, algorithm, key)
    assert site.sso_algorithm is None


def test_public_key_algorithms_need_the_matching_key_type():
    class FakeSite:
        sso_algorithm = sso_key = None

    rsa_key = pem(rsa.generate_private_key(public_exponent=65537, key_size=2048).public_key())
    p256 = pem(ec.generate_private_key(ec.SECP256R1()).public_key())
    p384 = pem(ec.generate_private_key(ec.SECP384R1()).public_key())
    site = FakeSite()
    identity.configure(site, "RS256", rsa_key)
    identity.configure(site, "ES256", p256)
    with pytest.raises(SsoConfigError, match="needs an RSA public key"):
        identity.configure(site, "RS256", p256)
    with pytest.raises(SsoConfigError, match="elliptic-curve"):
        identity.configure(site, "ES256", rsa_key)
    with pytest.raises(SsoConfigError, match="P-256"):
        identity.configure(site, "ES256", p384)
    with pytest.raises(SsoConfigError, match="PEM public key"):
        identity.configure(site, "RS256", "not a key at all")


def test_the_description_never_shows_the_key(site):
    assert identity.describe(site) == {"enabled": False, "algorithm": None, "key_fingerprint": None}
    identity.configure(site, "HS256", SHARED)
    described = identity.describe(site)
    assert described["enabled"] and described["algorithm"] == "HS256"
    assert len(described["key_fingerprint"]) == 16 and SHARED not in str(described)
    identity.clear(site)
    assert identity.describe(site)["enabled"] is False


def test_a_valid_token_names_the_reader_by_a_keyed_hash(session, hs_site):
    reader = identity.verify_token(session, hs_site, jwt.encode(claims(), SHARED, algorithm="HS256"), SECRET)
    assert reader.site_id == hs_site.id and reader.name == "Ana Reader"
    assert reader.identity_hash == identity.account_identity(SECRET, "reader-1") != "reader-1"
    assert reader.email_hash is not None and "ana@example.com" not in reader.email_hash
    assert reader.expires_at > utcnow()


def test_a_token_without_email_is_fine(session, hs_site):
    reader = identity.verify_token(session, hs_site, jwt.encode(claims(email=None), SHARED, algorithm="HS256"), SECRET)
    assert reader.email_hash is None


def test_each_token_id_is_used_once(session, hs_site):
    token = jwt.encode(claims(), SHARED, algorithm="HS256")
    identity.verify_token(session, hs_site, token, SECRET)
    with pytest.raises(PostingError) as again:
        identity.verify_token(session, hs_site, token, SECRET)
    assert (again.value.code, again.value.status) == ("reader_token_used", 401)
    other = jwt.encode(claims(jti="token-2"), SHARED, algorithm="HS256")
    assert identity.verify_token(session, hs_site, other, SECRET).name == "Ana Reader"


def test_used_token_ids_are_forgotten_once_expired(session, hs_site):
    session.add(UsedReaderToken(site_id=hs_site.id, token_id_hash="old" * 21 + "o", expires_at=utcnow() - timedelta(minutes=1)))
    session.commit()
    identity.verify_token(session, hs_site, jwt.encode(claims(), SHARED, algorithm="HS256"), SECRET)
    kept = session.scalars(select(UsedReaderToken.token_id_hash)).all()
    assert len(kept) == 1 and kept[0] != "old" * 21 + "o"


@pytest.mark.parametrize(
    ("changes", "code"),
    [
        ({"exp": int((utcnow() - timedelta(minutes=5)).timestamp())}, "reader_token_expired"),
        ({"exp": int((utcnow() + timedelta(hours=30)).timestamp())}, "reader_token_invalid"),
        ({"iat": int((utcnow() + timedelta(hours=1)).timestamp())}, "reader_token_invalid"),
        ({"sub": ""}, "reader_token_invalid"),
        ({"sub": 12345}, "reader_token_invalid"),
        ({"sub": "s" * 256}, "reader_token_invalid"),
        ({"jti": None}, "reader_token_invalid"),
        ({"name": None}, "reader_token_invalid"),
        ({"name": 7}, "reader_token_invalid"),
        ({"name": "   "}, "reader_token_invalid"),
        ({"email": ["a@example.com"]}, "reader_token_invalid"),
        ({"email": "not an address"}, "reader_token_invalid"),
    ],
)
def test_tokens_with_unusable_claims_are_refused(session, hs_site, changes, code):
    with pytest.raises(PostingError) as refused:
        identity.verify_token(session, hs_site, jwt.encode(claims(**changes), SHARED, algorithm="HS256"), SECRET)
    assert refused.value.code == code and refused.value.status == 401 and refused.value.field == "reader_token"


def test_a_token_signed_with_another_secret_or_algorithm_is_refused(session, hs_site):
    for token in (
        jwt.encode(claims(), "another secret that is long enough too!", algorithm="HS256"),
        jwt.encode(claims(), SHARED, algorithm="HS512"),
        jwt.encode(claims(), None, algorithm="none"),
        "not.a.jwt",
        "x" * (identity.MAX_TOKEN_CHARS + 1),
        "",
    ):
        with pytest.raises(PostingError) as refused:
            identity.verify_token(session, hs_site, token, SECRET)
        assert refused.value.status == 401


def test_a_site_without_sign_in_refuses_tokens(session, site):
    with pytest.raises(PostingError) as refused:
        identity.verify_token(session, site, jwt.encode(claims(), SHARED, algorithm="HS256"), SECRET)
    assert (refused.value.code, refused.value.status) == ("sso_not_enabled", 403)


def test_an_rs256_site_takes_its_publishers_signature_only(session, site):
    private = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    identity.configure(site, "RS256", pem(private.public_key()))
    session.commit()
    assert identity.verify_token(session, site, jwt.encode(claims(), private, algorithm="RS256"), SECRET).name == "Ana Reader"
    stranger = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    with pytest.raises(PostingError):
        identity.verify_token(session, site, jwt.encode(claims(jti="t2"), stranger, algorithm="RS256"), SECRET)
    # The public key used as an HMAC secret: the classic confusion, refused.
    with pytest.raises(PostingError):
        identity.verify_token(session, site, hmac_signed(claims(jti="t3"), pem(private.public_key())), SECRET)


def test_the_reader_session_round_trips_for_its_site_until_it_expires():
    reader = Reader(
        site_id=3,
        identity_hash="h",
        name="Ana",
        email_hash=None,
        expires_at=utcnow() + timedelta(hours=1),
        key_fingerprint=identity.key_fingerprint(SITE_3),
    )
    token = identity.session_token(SECRET, reader)
    back = identity.reader_from_session(SECRET, token, SITE_3)
    assert back.identity_hash == "h" and back.name == "Ana" and back.site_id == 3
    assert identity.reader_from_session(SECRET, token, Site(id=4, sso_algorithm="HS256", sso_key=SHARED)) is None
    assert identity.reader_from_session("another secret", token, SITE_3) is None
    assert identity.reader_from_session(SECRET, token, SITE_3, now=utcnow() + timedelta(hours=2)) is None
    assert identity.reader_from_session(SECRET, token[:-2] + "xx", SITE_3) is None
    assert identity.reader_from_session(SECRET, None, SITE_3) is None
    assert identity.reader_from_session(SECRET, "x" * (identity.MAX_TOKEN_CHARS + 1), SITE_3) is None


def test_a_session_ends_when_the_site_turns_sign_in_off_or_changes_its_key(session, hs_site):
    reader_session = identity.session_token(SECRET, identity.verify_token(session, hs_site, jwt.encode(claims(), SHARED), SECRET))
    assert identity.reader_from_session(SECRET, reader_session, hs_site) is not None
    identity.configure(hs_site, "HS256", "a new shared secret, after the old one leaked")
    assert identity.reader_from_session(SECRET, reader_session, hs_site) is None
    identity.clear(hs_site)
    assert identity.reader_from_session(SECRET, reader_session, hs_site) is None


@pytest.mark.parametrize(
    ("verified_claim", "verified"), [(True, True), (None, False), (False, False), ("true", False), (1, False)]
)
def test_the_tokens_address_reaches_the_session_encrypted_and_verified_only_by_a_json_true(
    session, hs_site, verified_claim, verified
):
    token = jwt.encode(claims(email="Ana@Example.com", email_verified=verified_claim), SHARED, algorithm="HS256")
    reader = identity.verify_token(session, hs_site, token, SECRET)
    assert (reader.email, reader.email_verified) == ("ana@example.com", verified)
    reader_session = identity.session_token(SECRET, reader)
    # The session sits in the page and in a cookie: the address in it is unreadable without the server's secret.
    assert "ana@example.com" not in json.dumps(identity._serializer(SECRET).loads(reader_session))
    back = identity.reader_from_session(SECRET, reader_session, hs_site)
    assert (back.email, back.email_verified, back.email_hash) == ("ana@example.com", verified, reader.email_hash)


def test_a_token_without_an_address_is_never_verified(session, hs_site):
    token = jwt.encode(claims(email=None, email_verified=True), SHARED, algorithm="HS256")
    reader = identity.verify_token(session, hs_site, token, SECRET)
    assert (reader.email, reader.email_verified) == (None, False)
    back = identity.reader_from_session(SECRET, identity.session_token(SECRET, reader), hs_site)
    assert (back.email, back.email_verified) == (None, False)


def test_a_session_handed_out_before_addresses_were_carried_still_works():
    expires = int((utcnow() + timedelta(hours=1)).timestamp())
    older = identity._serializer(SECRET).dumps([3, "h", "Ana", "hash", expires])
    back = identity.reader_from_session(SECRET, older, SITE_3)
    assert (back.name, back.email_hash, back.email, back.email_verified) == ("Ana", "hash", None, False)


@pytest.mark.parametrize("token", [None, "", "short", "has spaces in it and is long enough", "ü" * 30, "a" * 65])
def test_malformed_guest_tokens_have_no_hash(token):
    assert identity.guest_token_hash(SECRET, token) is None


def test_guest_tokens_are_stored_as_keyed_hashes():
    token = "abcdefghijklmnopqrstuv_-1234"
    hashed = identity.guest_token_hash(SECRET, token)
    assert hashed and token not in hashed
    assert hashed == identity.guest_token_hash(SECRET, token) != identity.guest_token_hash("other", token)
