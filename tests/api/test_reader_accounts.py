"""Readers signed in on the publisher's site: tokens, replays, the site's setting, bans that stick."""

import base64
import hashlib
import hmac
import json
import time
import uuid

import jwt
import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from sqlalchemy import select

from commentdesk.services import workspace
from commentdesk.store.models import Commenter, Site, User

SECRET = "a-publisher-secret-that-is-long-enough-for-hs256"
ARTICLE = {
    "url": "https://news.example/city/tram-line",
    "title": "City council approves the new tram line through the old harbour district",
    "body": (
        "The council voted 31 to 12 to build a tram line from the station through the old harbour district. "
        "Construction starts next spring and the line should open in three years; shop owners fear the roadworks."
    ),
}
ON_TOPIC = [
    "A tram through the harbour district is overdue; the shop owners will gain once the roadworks are done.",
    "Three years of roadworks is a long time for the shops along the harbour; the council should help them.",
    "The vote of 31 to 12 shows the tram line has broad support in the council.",
]


def claims(sub="reader-42", name="Ines", **extra):
    now = int(time.time())
    return {"sub": sub, "name": name, "iat": now, "exp": now + 600, "jti": uuid.uuid4().hex, **extra}


def hs_token(payload=None, secret=SECRET):
    return jwt.encode(payload or claims(), secret, algorithm="HS256")


@pytest.fixture
def article_id(client, auth) -> int:
    return client.put("/api/v1/articles", json=ARTICLE, headers=auth).json()["id"]


@pytest.fixture
def hs256_site(client, auth):
    response = client.put("/api/v1/sso", json={"algorithm": "HS256", "key": SECRET}, headers=auth)
    assert response.status_code == 200
    return response.json()


def sign_in(client, token, site="news"):
    return client.post("/api/v1/reader/session", json={"site": site, "reader_token": token})


def post(client, article_id, text, **extra):
    return client.post(f"/api/v1/articles/{article_id}/comments", json={"author_name": "Guest", "text": text, **extra})


def test_the_secret_is_never_sent_back(client, auth, hs256_site):
    assert hs256_site["enabled"] and hs256_site["algorithm"] == "HS256"
    shown = client.get("/api/v1/sso", headers=auth).text
    assert SECRET not in shown and "key_fingerprint" in shown


def test_a_signed_in_reader_posts_as_their_account_whatever_name_the_form_says(client, article_id, hs256_site):
    session = sign_in(client, hs_token()).json()
    assert session["name"] == "Ines"
    body = post(client, article_id, ON_TOPIC[0], reader_session=session["reader_session"]).json()
    assert body["outcome"] == "published" and body["comment"]["author"]["name"] == "Ines"
    with client.app.state.sessions() as db:
        commenter = db.scalars(select(Commenter)).one()
        assert commenter.is_account and commenter.display_name == "Ines"


def test_a_token_works_once(client, hs256_site):
    token = hs_token()
    assert sign_in(client, token).status_code == 200
    replay = sign_in(client, token)
    assert replay.status_code == 401 and replay.json()["error"]["code"] == "reader_token_used"


@pytest.mark.parametrize(
    "bad",
    [
        {"exp": int(time.time()) - 3600},  # expired
        {"exp": int(time.time()) + 3 * 86400},  # valid for far too long
        {"iat": int(time.time()) + 3600},  # issued in the future
        {"sub": 42},  # not a string
        {"name": "   "},  # no usable name
    ],
)
def test_tokens_with_bad_claims_are_refused(client, hs256_site, bad):
    assert sign_in(client, hs_token(claims(**bad))).status_code == 401


def test_missing_claims_and_wrong_secrets_are_refused(client, hs256_site):
    payload = claims()
    del payload["jti"]
    assert sign_in(client, hs_token(payload)).status_code == 401
    assert sign_in(client, hs_token(secret="another-secret-that-is-long-enough-too")).status_code == 401
    assert sign_in(client, "not.a.jwt").status_code == 401


def test_the_algorithm_comes_from_the_site_not_the_token(client, hs256_site):
    unsigned = jwt.encode(claims(), None, algorithm="none")
    assert sign_in(client, unsigned).status_code == 401
    signed_hs512 = jwt.encode(claims(), SECRET, algorithm="HS512")
    assert sign_in(client, signed_hs512).status_code == 401


def _pem(public_key) -> str:
    return public_key.public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo).decode()


@pytest.mark.parametrize("algorithm", ["RS256", "ES256"])
def test_public_key_sites_accept_their_own_signatures_only(client, auth, algorithm):
    private = rsa.generate_private_key(65537, 2048) if algorithm == "RS256" else ec.generate_private_key(ec.SECP256R1())
    assert (
        client.put("/api/v1/sso", json={"algorithm": algorithm, "key": _pem(private.public_key())}, headers=auth).status_code
        == 200
    )
    assert sign_in(client, jwt.encode(claims(), private, algorithm=algorithm)).status_code == 200
    # The classic confusion: an HMAC "signed" with the public key as its secret, alg HS256 in the header.
    assert sign_in(client, _hmac_with(_pem(private.public_key()), claims())).status_code == 401
    other = rsa.generate_private_key(65537, 2048) if algorithm == "RS256" else ec.generate_private_key(ec.SECP256R1())
    assert sign_in(client, jwt.encode(claims(), other, algorithm=algorithm)).status_code == 401


def _hmac_with(secret: str, payload: dict) -> str:
    def encode(raw: bytes) -> bytes:
        return base64.urlsafe_b64encode(raw).rstrip(b"=")

    signing_input = encode(json.dumps({"alg": "HS256", "typ": "JWT"}).encode()) + b"." + encode(json.dumps(payload).encode())
    signature = hmac.new(secret.encode(), signing_input, hashlib.sha256).digest()
    return (signing_input + b"." + encode(signature)).decode()


def test_unusable_keys_are_refused_and_change_nothing(client, auth, hs256_site):
    for body in (
        {"algorithm": "HS256", "key": "short"},
        {"algorithm": "RS256", "key": "not a pem"},
        {"algorithm": "none", "key": SECRET},
    ):
        assert client.put("/api/v1/sso", json=body, headers=auth).status_code == 422
    assert client.get("/api/v1/sso", headers=auth).json() == hs256_site


def test_accounts_required_refuses_guests_but_not_readers(client, auth, article_id, hs256_site):
    client.patch("/api/v1/policy", json={"accounts_required": True}, headers=auth)
    refused = post(client, article_id, ON_TOPIC[1])
    assert refused.status_code == 401 and refused.json()["error"]["code"] == "account_required"
    session = sign_in(client, hs_token()).json()["reader_session"]
    assert post(client, article_id, ON_TOPIC[1], reader_session=session).status_code == 201


def test_a_forged_or_foreign_session_is_refused(client, article_id, hs256_site):
    response = post(client, article_id, ON_TOPIC[0], reader_session="forged.session.value")
    assert response.status_code == 401 and response.json()["error"]["code"] == "reader_session_invalid"


def _ban_newest_commenter(client, days=7):
    with client.app.state.sessions() as db:
        moderator = User(username="mod", password_hash="x", role="admin")
        db.add(moderator)
        db.flush()
        commenter = db.scalars(select(Commenter).order_by(Commenter.id.desc())).first()
        workspace.ban(db, moderator, commenter, days=days, reason="abuse")


def test_a_banned_account_stays_banned_under_a_new_name(client, article_id, hs256_site):
    first = sign_in(client, hs_token(claims(name="Ines"))).json()["reader_session"]
    assert post(client, article_id, ON_TOPIC[0], reader_session=first).status_code == 201
    _ban_newest_commenter(client)
    renamed = sign_in(client, hs_token(claims(name="Someone Else"))).json()["reader_session"]
    refused = post(client, article_id, ON_TOPIC[1], reader_session=renamed)
    assert refused.status_code == 403 and refused.json()["error"]["code"] == "commenter_banned"


def test_a_renamed_banned_guest_is_still_refused(client, article_id):
    guest_token = "g" * 30
    assert post(client, article_id, ON_TOPIC[0], author_name="Troll", guest_token=guest_token).status_code == 201
    _ban_newest_commenter(client)
    refused = post(
        client, article_id, ON_TOPIC[1], author_name="Fresh Name", author_email="new@example.org", guest_token=guest_token
    )
    assert refused.status_code == 403
    # Same network address (the test client's), another token: the address is covered too.
    assert post(client, article_id, ON_TOPIC[2], author_name="Third Name", guest_token="h" * 30).status_code == 403


def test_lifting_a_guest_ban_lets_them_back(client, article_id):
    assert post(client, article_id, ON_TOPIC[0], author_name="Troll", guest_token="g" * 30).status_code == 201
    _ban_newest_commenter(client)
    with client.app.state.sessions() as db:
        moderator = db.scalars(select(User)).one()
        workspace.unban(db, moderator, db.scalars(select(Commenter)).one())
    assert post(client, article_id, ON_TOPIC[1], author_name="Troll", guest_token="g" * 30).status_code == 201


def test_sign_in_is_refused_where_the_site_has_none(client, article_id):
    response = sign_in(client, hs_token())
    assert response.status_code == 403 and response.json()["error"]["code"] == "sso_not_enabled"
    with client.app.state.sessions() as db:
        assert db.scalars(select(Site)).one().sso_key is None


def test_the_example_in_the_docs_signs_a_token_this_server_accepts(client, article_id, hs256_site):
    from pathlib import Path
    from types import SimpleNamespace

    docs = (Path(__file__).parents[2] / "docs" / "sso.md").read_text()
    example = docs.split("```python\n", 1)[1].split("```", 1)[0]
    scope: dict = {}
    exec(example, scope)  # noqa: S102 - the documented example itself
    user = SimpleNamespace(id=1234, display_name="Ines Duarte", email="ines@example.org", email_confirmed=True)
    session = sign_in(client, scope["commentdesk_token"](user, SECRET))
    assert session.status_code == 200 and session.json()["name"] == "Ines Duarte"
    assert session.json()["email_known"] and session.json()["email_verified"]


def test_the_same_token_sent_at_once_signs_in_once(client, hs256_site):
    from concurrent.futures import ThreadPoolExecutor

    token = hs_token()
    with ThreadPoolExecutor(max_workers=4) as pool:
        statuses = sorted(pool.map(lambda _: sign_in(client, token).status_code, range(4)))
    assert statuses == [200, 401, 401, 401]
