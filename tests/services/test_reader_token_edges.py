"""Publisher sign-in tokens at their edges: each required claim, the clock leeway, elliptic-curve
keys, replays seen by another server sharing the database, and refused tokens that do not use up
their id."""

from __future__ import annotations

from datetime import timedelta

import jwt
import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec

from commentdesk import i18n
from commentdesk.services import identity as keyed
from commentdesk.services import reader_identity
from commentdesk.services.comment_input import PostingError
from commentdesk.store.models import Site, utcnow

SECRET = "server-secret"
SHARED = "a shared secret that is long enough to use"


def _claims(**changes) -> dict:
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


def _token(**changes) -> str:
    return jwt.encode(_claims(**changes), SHARED, algorithm="HS256")


@pytest.fixture
def hs_site(session, site):
    reader_identity.configure(site, "HS256", SHARED)
    session.commit()
    return site


def _refusal(session, site, token) -> tuple[str, int]:
    with pytest.raises(PostingError) as refused:
        reader_identity.verify_token(session, site, token, SECRET)
    return refused.value.code, refused.value.status


@pytest.mark.parametrize("missing", ["exp", "iat", "sub", "jti"])
def test_each_required_claim_must_be_there(session, hs_site, missing):
    assert _refusal(session, hs_site, _token(**{missing: None})) == ("reader_token_invalid", 401)


@pytest.mark.parametrize("changes", [{"iat": "yesterday"}, {"exp": "soon"}, {"jti": "j" * 256}, {"jti": 7}])
def test_claims_of_the_wrong_kind_or_size_are_refused(session, hs_site, changes):
    assert _refusal(session, hs_site, _token(**changes)) == ("reader_token_invalid", 401)


def test_clocks_a_little_apart_are_allowed_for(session, hs_site):
    now = utcnow()
    just_expired = _token(jti="a", exp=int((now - timedelta(seconds=30)).timestamp()))
    issued_just_ahead = _token(jti="b", iat=int((now + timedelta(seconds=30)).timestamp()))
    reader = reader_identity.verify_token(session, hs_site, just_expired, SECRET)
    assert reader.name == "Ana Reader"
    # Its session works for the rest of the leeway, as the token would have.
    assert reader_identity.reader_from_session(SECRET, reader_identity.session_token(SECRET, reader), hs_site) == reader
    assert reader_identity.verify_token(session, hs_site, issued_just_ahead, SECRET).name == "Ana Reader"
    long_expired = _token(jti="c", exp=int((now - timedelta(seconds=120)).timestamp()))
    assert _refusal(session, hs_site, long_expired) == ("reader_token_expired", 401)


def test_a_refused_token_is_told_in_the_readers_language(session, hs_site):
    # The sign-in link's page shows the refusal inside its own words, in the page's language.
    with i18n.using("de"), pytest.raises(PostingError) as refused:
        reader_identity.verify_token(session, hs_site, "not.a.token", SECRET)
    assert refused.value.message == "Das Anmeldetoken gilt nicht für diese Website."


def test_a_token_valid_for_just_under_a_day_is_taken(session, hs_site):
    exp = int((utcnow() + reader_identity.MAX_TOKEN_LIFETIME - timedelta(minutes=1)).timestamp())
    reader = reader_identity.verify_token(session, hs_site, _token(exp=exp), SECRET)
    assert reader.expires_at.timestamp() == exp + reader_identity.LEEWAY.total_seconds()


def test_the_reader_is_keyed_by_subject_and_their_address_as_normalised(session, hs_site):
    reader = reader_identity.verify_token(session, hs_site, _token(email="  Ana@Example.COM "), SECRET)
    assert reader.identity_hash == keyed.account_identity(SECRET, "reader-1")
    assert reader.email_hash == keyed.email_hash(SECRET, "ana@example.com")
    assert reader.site_id == hs_site.id


def test_a_refused_token_does_not_use_up_its_id(session, hs_site):
    assert _refusal(session, hs_site, _token(name="   ")) == ("reader_token_invalid", 401)
    assert reader_identity.verify_token(session, hs_site, _token(), SECRET).name == "Ana Reader"


def test_a_replay_through_another_server_sharing_the_database_is_refused(sessions, hs_site):
    token = _token()
    with sessions() as first_server, sessions() as second_server:
        assert reader_identity.verify_token(first_server, first_server.get_one(Site, hs_site.id), token, SECRET)
        assert _refusal(second_server, second_server.get_one(Site, hs_site.id), token) == ("reader_token_used", 401)


def test_the_same_token_id_on_two_sites_is_two_tokens(session, hs_site):
    from commentdesk.services.sites import create_site

    other, _key = create_site(session, "other", "Other")
    reader_identity.configure(other, "HS256", SHARED)
    session.commit()
    assert reader_identity.verify_token(session, hs_site, _token(), SECRET).site_id == hs_site.id
    assert reader_identity.verify_token(session, other, _token(), SECRET).site_id == other.id


def test_an_es256_site_takes_its_publishers_p256_signature_only(session, site):
    private = ec.generate_private_key(ec.SECP256R1())
    public = (
        private.public_key().public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo).decode()
    )
    reader_identity.configure(site, "ES256", public)
    session.commit()
    assert reader_identity.describe(site)["algorithm"] == "ES256"
    assert (
        reader_identity.verify_token(session, site, jwt.encode(_claims(), private, algorithm="ES256"), SECRET).name
        == "Ana Reader"
    )
    stranger = ec.generate_private_key(ec.SECP256R1())
    assert _refusal(session, site, jwt.encode(_claims(jti="t2"), stranger, algorithm="ES256"))[0] == "reader_token_invalid"
    assert _refusal(session, site, jwt.encode(_claims(jti="t3"), SHARED, algorithm="HS256"))[0] == "reader_token_invalid"


def test_a_cleared_configuration_stops_sign_in(session, hs_site):
    reader_identity.clear(hs_site)
    session.commit()
    assert _refusal(session, hs_site, _token()) == ("sso_not_enabled", 403)
    assert reader_identity.describe(hs_site) == {"enabled": False, "algorithm": None, "key_fingerprint": None}


def test_a_session_token_with_a_nonsense_expiry_names_no_reader():
    forged = reader_identity._serializer(SECRET).dumps([1, "h", "Ana", None, "never"])
    site = Site(id=1, sso_algorithm="HS256", sso_key=SHARED)
    assert reader_identity.reader_from_session(SECRET, forged, site) is None
    far = reader_identity._serializer(SECRET).dumps([1, "h", "Ana", None, 10**20])
    assert reader_identity.reader_from_session(SECRET, far, site) is None
