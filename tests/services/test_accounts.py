"""Moderator accounts: the rules for names and passwords, signing in, the lock after wrong
passwords, and the sites an account may moderate."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from commentdesk.services import accounts
from commentdesk.services.accounts import AccountError, LoginRefused, Scope
from commentdesk.services.sites import create_site
from commentdesk.store.models import Comment, User, utcnow

PASSWORD = "a long enough password"


def test_a_new_account_stores_a_hash_never_the_password(session):
    user = accounts.create_user(session, "ana", PASSWORD, "moderator")
    session.commit()
    stored = session.scalar(select(User).where(User.username == "ana"))
    assert stored is user and PASSWORD not in stored.password_hash
    assert stored.password_hash.startswith("$argon2")
    assert stored.role == "moderator" and stored.site_ids is None and not stored.disabled


@pytest.mark.parametrize("name", ["", "-ana", ".ana", "ana smith", "ana/evil", "a" * 65, "ana\x00", "ånä"])
def test_usernames_outside_the_rules_are_refused(session, name):
    with pytest.raises(AccountError, match="a username is"):
        accounts.create_user(session, name, PASSWORD, "moderator")


@pytest.mark.parametrize("name", ["ana", "Ana.Smith", "ana_1", "ana@courier.example", "a" * 64, "7"])
def test_usernames_inside_the_rules_are_taken(session, name):
    assert accounts.create_user(session, name, PASSWORD, "admin").username == name


def test_unknown_roles_and_short_passwords_are_refused(session):
    with pytest.raises(AccountError, match="the role is one of moderator, admin"):
        accounts.create_user(session, "ana", PASSWORD, "owner")
    with pytest.raises(AccountError, match="at least 10 characters"):
        accounts.create_user(session, "ana", "short", "moderator")
    assert session.scalar(select(User)) is None


def test_a_username_is_taken_once(session):
    accounts.create_user(session, "ana", PASSWORD, "moderator")
    with pytest.raises(AccountError, match="exists already"):
        accounts.create_user(session, "ana", PASSWORD, "admin")


def test_site_slugs_become_sorted_ids_and_unknown_slugs_are_named(session):
    first, _ = create_site(session, "first", "First")
    second, _ = create_site(session, "second", "Second")
    assert accounts.site_ids_for(session, ["second", "first"]) == sorted([first.id, second.id])
    assert accounts.site_ids_for(session, []) is None
    assert accounts.site_ids_for(session, None) is None
    with pytest.raises(AccountError, match="no site named ghost, phantom"):
        accounts.site_ids_for(session, ["first", "ghost", "phantom"])


def test_an_account_limited_to_sites_keeps_each_site_once(session):
    site, _ = create_site(session, "first", "First")
    user = accounts.create_user(session, "ana", PASSWORD, "moderator", site_ids=[site.id, site.id])
    assert user.site_ids == [site.id]


def test_the_right_password_signs_in_and_records_when(session):
    accounts.create_user(session, "ana", PASSWORD, "moderator")
    session.commit()
    now = utcnow()
    user = accounts.authenticate(session, "ana", PASSWORD, now=now)
    assert user.username == "ana" and user.last_login_at == now and user.failed_logins == 0


def test_a_wrong_password_and_an_unknown_name_get_the_same_answer(session):
    accounts.create_user(session, "ana", PASSWORD, "moderator")
    session.commit()
    with pytest.raises(LoginRefused) as wrong:
        accounts.authenticate(session, "ana", "not the password")
    with pytest.raises(LoginRefused) as unknown:
        accounts.authenticate(session, "nobody", PASSWORD)
    assert wrong.value.message == unknown.value.message == "Wrong username or password."


def test_five_misses_lock_the_account_for_longer_each_time(session):
    accounts.create_user(session, "ana", PASSWORD, "moderator")
    session.commit()
    now = utcnow()
    for _ in range(accounts.FREE_ATTEMPTS - 1):
        with pytest.raises(LoginRefused) as missed:
            accounts.authenticate(session, "ana", "wrong password!", now=now)
        assert missed.value.locked_until is None
    with pytest.raises(LoginRefused) as locked:
        accounts.authenticate(session, "ana", "wrong password!", now=now)
    assert locked.value.locked_until == now + timedelta(minutes=1)
    # While locked, even the right password is refused, with the time to wait.
    with pytest.raises(LoginRefused, match=r"Too many failed attempts. Try again in 1 minute\."):
        accounts.authenticate(session, "ana", PASSWORD, now=now + timedelta(seconds=10))
    # After the lock, one more miss locks for twice as long.
    later = now + timedelta(minutes=2)
    with pytest.raises(LoginRefused) as longer:
        accounts.authenticate(session, "ana", "wrong password!", now=later)
    assert longer.value.locked_until == later + timedelta(minutes=2)
    with pytest.raises(LoginRefused, match="Try again in 2 minutes"):
        accounts.authenticate(session, "ana", PASSWORD, now=later)


def test_the_lock_never_exceeds_an_hour(session):
    user = accounts.create_user(session, "ana", PASSWORD, "moderator")
    user.failed_logins = 40
    session.commit()
    now = utcnow()
    with pytest.raises(LoginRefused) as locked:
        accounts.authenticate(session, "ana", "wrong password!", now=now)
    assert locked.value.locked_until == now + timedelta(minutes=accounts.MAX_LOCK_MINUTES)


def test_signing_in_after_the_lock_clears_the_count(session):
    user = accounts.create_user(session, "ana", PASSWORD, "moderator")
    user.failed_logins, user.locked_until = 7, utcnow() - timedelta(minutes=1)
    session.commit()
    assert accounts.authenticate(session, "ana", PASSWORD).failed_logins == 0
    assert user.locked_until is None


def test_a_disabled_account_cannot_sign_in_even_with_its_password(session):
    user = accounts.create_user(session, "ana", PASSWORD, "moderator")
    accounts.set_disabled(user, True)
    session.commit()
    with pytest.raises(LoginRefused, match="This account is disabled."):
        accounts.authenticate(session, "ana", PASSWORD)
    accounts.set_disabled(user, False)
    assert accounts.authenticate(session, "ana", PASSWORD) is user


def test_a_new_password_replaces_the_old_one_and_lifts_the_lock(session):
    user = accounts.create_user(session, "ana", PASSWORD, "moderator")
    user.failed_logins, user.locked_until = 9, utcnow() + timedelta(minutes=30)
    accounts.set_password(user, "another long password")
    session.commit()
    assert user.failed_logins == 0 and user.locked_until is None
    assert accounts.authenticate(session, "ana", "another long password") is user
    with pytest.raises(LoginRefused):
        accounts.authenticate(session, "ana", PASSWORD)
    with pytest.raises(AccountError):
        accounts.set_password(user, "tiny")


def test_a_scope_limits_sites_and_queries(session):
    first, _ = create_site(session, "first", "Alpha")
    second, _ = create_site(session, "second", "Beta")
    everyone = Scope.of(accounts.create_user(session, "boss", PASSWORD, "admin"))
    limited = Scope.of(accounts.create_user(session, "ana", PASSWORD, "moderator", site_ids=[second.id]))
    session.commit()
    assert everyone.allows(first.id) and everyone.allows(second.id) and everyone.restrict(Comment.site_id) is None
    assert limited.allows(second.id) and not limited.allows(first.id)
    assert limited.restrict(Comment.site_id) is not None
    assert [site.slug for site in accounts.visible_sites(session, everyone)] == ["first", "second"]  # by name
    assert [site.slug for site in accounts.visible_sites(session, limited)] == ["second"]


def test_users_are_listed_by_name(session):
    for name in ("zoe", "ana", "Mia"):
        accounts.create_user(session, name, PASSWORD, "moderator")
    session.commit()
    names = [user.username for user in accounts.list_users(session)]
    assert sorted(names) == sorted(["zoe", "ana", "Mia"]) and names[-1] == "zoe"
    assert accounts.user_by_name(session, "ana").username == "ana"
    assert accounts.user_by_name(session, "nobody") is None
