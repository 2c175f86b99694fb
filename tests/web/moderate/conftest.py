"""Fixtures for the moderator workspace: two sites, accounts, and comments in known states."""

from __future__ import annotations

import pytest
from moderate_helpers import World, build_world, login, session_csrf


@pytest.fixture
def world(client) -> World:
    """Sites 'news' and 'sport', an article on each, an admin 'chief' and a moderator 'mod'."""
    return build_world(client.app)


@pytest.fixture
def signed_in(client, world):
    """The client signed in as moderator 'mod'; returns its CSRF header."""
    assert login(client, "mod").status_code == 303
    return {"X-CSRF-Token": session_csrf(client)}
