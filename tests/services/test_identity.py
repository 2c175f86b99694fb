"""One way to key a commenter: the same address gives the same hash whichever way it came, and one
e-mail check decides what counts as an address."""

from __future__ import annotations

import pytest

from commentdesk.services import identity
from commentdesk.services.comment_input import PostingError, validate
from commentdesk.services.notifications.addresses import AddressBook

SECRET = "a secret long enough for the tests"


def test_posting_and_subscriptions_hash_an_address_alike():
    _name, address, _text = validate("Alice", "  Alice@Example.COM ", "Hello", max_chars=100)
    assert address == "alice@example.com"
    assert identity.email_hash(SECRET, address) == AddressBook(SECRET).hash(address)


@pytest.mark.parametrize("address", ["someone@localhost", "no-at-sign.example", "a@b@example.com", "x" * 250 + "@example.com"])
def test_what_is_not_an_address_is_refused_everywhere(address):
    assert not identity.is_email(address)
    with pytest.raises(PostingError):
        validate("Alice", address, "Hello", max_chars=100)


def test_a_guest_without_an_address_is_keyed_by_name_and_network():
    ip = identity.address_hash(SECRET, "192.0.2.1")
    assert identity.commenter_identity(SECRET, "Carol", None, ip) == identity.guest_identity(SECRET, "carol", ip)
    assert identity.commenter_identity(SECRET, "Carol", None, ip) != identity.commenter_identity(SECRET, "Carol", None, None)
    assert identity.commenter_identity(SECRET, "Carol", "hash-of-mail", ip) == "hash-of-mail"
    assert identity.address_hash(SECRET, None) is None


def test_accounts_and_guest_tokens_never_share_a_hash_with_addresses():
    keys = {
        identity.account_identity(SECRET, "x@example.com"),
        identity.guest_token_identity(SECRET, "x@example.com"),
        identity.email_hash(SECRET, "x@example.com"),
    }
    assert len(keys) == 3
