"""What an administrator changes on accounts (each change committed whole or not at all), and
moderators signing in: locks per typed name and per address, server-side sessions that end with
a new password, a disabled account or their time."""

from __future__ import annotations

from datetime import timedelta

import pytest
from argon2 import PasswordHasher
from sqlalchemy import select

from commentdesk.services import accounts, moderator_sign_in
from commentdesk.services.accounts import AccountError, Scope
from commentdesk.services.sites import create_site
from commentdesk.store.models import LoginFailure, LoginLock, ModeratorSession, User, utcnow

PASSWORD = "a long enough password"
SECRET = "test-secret"


def _user(sessions, name="ana", role="moderator", site_ids=None) -> int:
    with sessions() as session:
        return accounts.add_user(session, name, PASSWORD, role, site_ids).id


def _stored(sessions, user_id) -> User:
    with sessions() as session:
        return session.get_one(User, user_id)


# --- an administrator's changes ---------------------------------------------------------------


def test_adding_a_user_commits_it(sessions):
    user_id = _user(sessions, site_ids=[3, 1, 3])
    stored = _stored(sessions, user_id)
    assert (stored.username, stored.role, stored.site_ids) == ("ana", "moderator", [1, 3])


def test_a_refused_new_user_leaves_nothing_behind(sessions):
    with sessions() as session:
        session.add(User(username="pending-row", password_hash="x", role="moderator", disabled=False, failed_logins=0))
        with pytest.raises(AccountError, match="at least 10 characters"):
            accounts.add_user(session, "ben", "short", "moderator")
    with sessions() as session:
        assert session.scalars(select(User.username)).all() == []  # the half-made transaction went too


@pytest.mark.parametrize(("change", "expected_disabled"), [("disable", True), ("enable", False)])
def test_an_account_is_disabled_and_enabled(sessions, change, expected_disabled):
    admin_id, user_id = _user(sessions, "root", "admin"), _user(sessions)
    with sessions() as session:
        admin, user = session.get_one(User, admin_id), session.get_one(User, user_id)
        user.disabled = not expected_disabled
        session.commit()
        accounts.change_user(session, admin, user, change)
    assert _stored(sessions, user_id).disabled is expected_disabled


def test_an_administrator_cannot_disable_their_own_account(sessions):
    admin_id = _user(sessions, "root", "admin")
    with sessions() as session:
        admin = session.get_one(User, admin_id)
        with pytest.raises(AccountError, match="cannot disable your own account"):
            accounts.change_user(session, admin, admin, "disable")
    assert not _stored(sessions, admin_id).disabled


def test_a_new_password_is_checked_and_lets_the_user_in(sessions):
    admin_id, user_id = _user(sessions, "root", "admin"), _user(sessions)
    with sessions() as session:
        admin, user = session.get_one(User, admin_id), session.get_one(User, user_id)
        old_hash = user.password_hash
        with pytest.raises(AccountError, match="at least 10 characters"):
            accounts.change_user(session, admin, user, "password", password="tiny")
    assert _stored(sessions, user_id).password_hash == old_hash  # rolled back
    with sessions() as session:
        admin, user = session.get_one(User, admin_id), session.get_one(User, user_id)
        accounts.change_user(session, admin, user, "password", password="another long password")
    with sessions() as session:
        assert accounts.authenticate(session, "ana", "another long password").id == user_id
        with pytest.raises(accounts.LoginRefused):
            accounts.authenticate(session, "ana", PASSWORD)


@pytest.mark.parametrize(("site_ids", "stored"), [([4, 2, 4], [2, 4]), ([], None), (None, None)])
def test_the_sites_of_an_account_are_set_sorted_or_to_every_site(sessions, site_ids, stored):
    admin_id, user_id = _user(sessions, "root", "admin"), _user(sessions, site_ids=[9])
    with sessions() as session:
        accounts.change_user(session, session.get_one(User, admin_id), session.get_one(User, user_id), "sites", site_ids=site_ids)
    assert _stored(sessions, user_id).site_ids == stored


def test_an_unknown_change_is_refused_and_nothing_changes(sessions):
    admin_id, user_id = _user(sessions, "root", "admin"), _user(sessions)
    with sessions() as session:
        admin, user = session.get_one(User, admin_id), session.get_one(User, user_id)
        user.role = "admin"  # not committed: the refusal must roll it back
        with pytest.raises(AccountError, match="unknown change"):
            accounts.change_user(session, admin, user, "promote")
    assert _stored(sessions, user_id).role == "moderator"


def test_a_moderator_chooses_a_workspace_language_or_none(sessions):
    user_id = _user(sessions)
    with sessions() as session:
        accounts.set_language(session, session.get_one(User, user_id), "de")
    assert _stored(sessions, user_id).language == "de"
    with sessions() as session:
        accounts.set_language(session, session.get_one(User, user_id), None)
    assert _stored(sessions, user_id).language is None


def test_a_hash_made_with_weaker_settings_is_replaced_at_sign_in(sessions, production_password_hashing):
    user_id = _user(sessions)
    weak = PasswordHasher(time_cost=1, memory_cost=8, parallelism=1).hash(PASSWORD)
    with sessions() as session:
        session.get_one(User, user_id).password_hash = weak
        session.commit()
        accounts.authenticate(session, "ana", PASSWORD)
    renewed = _stored(sessions, user_id).password_hash
    assert renewed != weak and not PasswordHasher().check_needs_rehash(renewed)


def test_an_account_user_by_id_and_the_sites_its_scope_shows(session):
    north, _ = create_site(session, "north", "Northern News")
    create_site(session, "south", "Southern Post")
    user = accounts.create_user(session, "ana", PASSWORD, "moderator", [north.id])
    assert accounts.user_by_id(session, user.id) is user and accounts.user_by_id(session, 999_999) is None
    assert [site.slug for site in accounts.visible_sites(session, Scope.of(user))] == ["north"]
    assert [site.name for site in accounts.visible_sites(session, Scope(None))] == ["Northern News", "Southern Post"]
    assert accounts.visible_sites(session, Scope(frozenset())) == []


def test_a_stored_site_list_with_ids_no_site_can_have_limits_the_user_to_the_real_ones(session):
    north, _ = create_site(session, "north", "Northern News")
    user = accounts.create_user(session, "ana", PASSWORD, "moderator", [north.id])
    user.site_ids = [north.id, 99999999999999999999, -3, "x"]  # written before ids were checked
    session.commit()
    scope = Scope.of(user)
    assert scope.site_ids == {north.id}
    assert [site.slug for site in accounts.visible_sites(session, scope)] == ["north"]


# --- signing in: locks per name and per address -----------------------------------------------


def test_the_name_a_lock_counts_under_ignores_case_and_spaces_but_not_the_secret():
    assert moderator_sign_in.name_hash(SECRET, "  Ana ") == moderator_sign_in.name_hash(SECRET, "ana")
    assert moderator_sign_in.name_hash(SECRET, "ana") != moderator_sign_in.name_hash("other", "ana")
    assert moderator_sign_in.name_hash(SECRET, "ana") != moderator_sign_in.address_hash(SECRET, "ana")


def test_a_typed_name_locks_after_five_misses_for_longer_each_time(session):
    name = moderator_sign_in.name_hash(SECRET, "nobody-at-all")  # unknown names lock like known ones
    address = moderator_sign_in.address_hash(SECRET, "192.0.2.1")
    now = utcnow()
    for _miss in range(accounts.FREE_ATTEMPTS - 1):
        assert moderator_sign_in.record_failure(session, name, address, now) is None
    assert moderator_sign_in.name_locked_until(session, name, now) is None
    assert moderator_sign_in.record_failure(session, name, address, now) == now + timedelta(minutes=1)
    assert moderator_sign_in.record_failure(session, name, address, now) == now + timedelta(minutes=2)
    assert moderator_sign_in.name_locked_until(session, name, now) == now + timedelta(minutes=2)
    assert moderator_sign_in.name_locked_until(session, name, now + timedelta(minutes=3)) is None
    assert moderator_sign_in.name_locked_until(session, moderator_sign_in.name_hash(SECRET, "ben"), now) is None


def test_the_name_lock_never_exceeds_an_hour(session):
    name = moderator_sign_in.name_hash(SECRET, "ana")
    now = utcnow()
    session.add(LoginLock(name_hash=name, failures=40, updated_at=now))
    session.commit()
    assert moderator_sign_in.record_failure(session, name, "address", now) == now + timedelta(minutes=accounts.MAX_LOCK_MINUTES)


def test_an_address_is_blocked_after_twenty_misses_in_ten_minutes(session):
    address = moderator_sign_in.address_hash(SECRET, "192.0.2.7")
    now = utcnow()
    for number in range(moderator_sign_in.ADDRESS_LIMIT - 1):
        moderator_sign_in.record_failure(session, moderator_sign_in.name_hash(SECRET, f"name{number}"), address, now)
    assert not moderator_sign_in.address_blocked(session, address, now)
    moderator_sign_in.record_failure(session, moderator_sign_in.name_hash(SECRET, "last"), address, now)
    assert moderator_sign_in.address_blocked(session, address, now)
    assert not moderator_sign_in.address_blocked(session, "another-address", now)
    assert not moderator_sign_in.address_blocked(session, address, now + moderator_sign_in.ADDRESS_WINDOW + timedelta(seconds=1))


def test_misses_older_than_the_window_are_dropped_when_a_new_one_comes(session):
    now = utcnow()
    moderator_sign_in.record_failure(session, "n1", "old-address", now - timedelta(hours=1))
    moderator_sign_in.record_failure(session, "n2", "new-address", now)
    assert session.scalars(select(LoginFailure.address_hash)).all() == ["new-address"]


# --- sessions -----------------------------------------------------------------------------------


def _signed_in_user(session) -> tuple[User, str, str]:
    user = accounts.create_user(session, "ana", PASSWORD, "moderator")
    session.commit()
    name = moderator_sign_in.name_hash(SECRET, "ana")
    return user, name, moderator_sign_in.start_session(session, user, name)


def test_a_session_names_its_user_and_keeps_only_the_tokens_hash(session):
    user, _name, token = _signed_in_user(session)
    found, csrf = moderator_sign_in.signed_in(session, token)
    assert found.id == user.id and len(csrf) >= 24
    stored = session.scalars(select(ModeratorSession)).one()
    assert stored.token_hash == moderator_sign_in.token_hash(token) and token not in (stored.token_hash, stored.csrf)
    assert stored.expires_at - stored.created_at == timedelta(seconds=moderator_sign_in.SESSION_MAX_AGE)
    assert moderator_sign_in.signed_in(session, token + "x") is None


def test_starting_a_session_forgets_the_names_misses(session):
    name = moderator_sign_in.name_hash(SECRET, "ana")
    for _miss in range(accounts.FREE_ATTEMPTS):
        moderator_sign_in.record_failure(session, name, "address", utcnow())
    user = accounts.create_user(session, "ana", PASSWORD, "moderator")
    session.commit()
    moderator_sign_in.start_session(session, user, name)
    assert session.get(LoginLock, name) is None


@pytest.mark.parametrize("ends_it", ["new password", "disabled", "expired", "signed out"])
def test_a_session_ends_with_a_new_password_a_disabled_account_its_time_or_signing_out(session, ends_it):
    user, _name, token = _signed_in_user(session)
    stored = session.scalars(select(ModeratorSession)).one()
    if ends_it == "new password":
        accounts.set_password(user, "a different long password")
    elif ends_it == "disabled":
        accounts.set_disabled(user, True)
    elif ends_it == "expired":
        stored.expires_at = utcnow() - timedelta(seconds=1)
    else:
        moderator_sign_in.end_session(session, token)
    session.flush()
    assert moderator_sign_in.signed_in(session, token) is None


def test_enabling_a_disabled_account_again_does_not_bring_its_sessions_back(session):
    user, _name, token = _signed_in_user(session)
    accounts.set_disabled(user, True)
    session.commit()
    accounts.set_disabled(user, False)
    session.commit()
    assert moderator_sign_in.signed_in(session, token) is None
    assert session.scalars(select(ModeratorSession)).all() == []


def test_a_new_session_drops_the_users_expired_ones_only(session):
    user, name, first = _signed_in_user(session)
    session.scalars(select(ModeratorSession)).one().expires_at = utcnow() - timedelta(minutes=1)
    session.commit()
    second = moderator_sign_in.start_session(session, user, name)
    third = moderator_sign_in.start_session(session, user, name)
    hashes = set(session.scalars(select(ModeratorSession.token_hash)))
    assert hashes == {moderator_sign_in.token_hash(second), moderator_sign_in.token_hash(third)}
    assert moderator_sign_in.signed_in(session, first) is None
