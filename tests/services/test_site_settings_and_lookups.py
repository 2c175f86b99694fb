"""A site's settings changed through the API (policy, language, reader sign-in, its key), each
committed and each raising the site's revision so cached reader pages are rebuilt; what a
moderator may look up by id; and what readers' pages look up."""

from __future__ import annotations

from datetime import timedelta

import pytest
from pydantic import ValidationError

from commentdesk.services import reading, sites
from commentdesk.services.accounts import Scope
from commentdesk.services.reader_identity import SsoConfigError
from commentdesk.services.visibility import NotAllowed, visible_article, visible_comment, visible_commenter
from commentdesk.store import repository as repo
from commentdesk.store.models import Site, utcnow
from db_fixtures import add_article, add_comment

SECRET = "s" * 40


def _fresh(sessions, site_id) -> Site:
    with sessions() as session:
        return session.get_one(Site, site_id)


def test_a_policy_change_is_stored_as_overrides_and_raises_the_revision(sessions, site):
    with sessions() as session:
        policy = sites.change_policy(session, site, {"edit_window_minutes": 30})
    assert policy.edit_window_minutes == 30
    stored = _fresh(sessions, site.id)
    assert stored.policy == {"edit_window_minutes": 30} and stored.revision == site.revision + 1
    with sessions() as session:
        sites.change_policy(session, stored, {"close_after_days": 7})
    assert _fresh(sessions, site.id).policy == {"edit_window_minutes": 30, "close_after_days": 7}  # earlier ones kept


def test_an_invalid_policy_change_is_refused_and_nothing_changes(sessions, site):
    with sessions() as session:
        sites.change_policy(session, site, {"edit_window_minutes": 30})
    with sessions() as session, pytest.raises(ValidationError):
        sites.change_policy(session, _fresh(sessions, site.id), {"edit_window_minutes": -1})
    assert _fresh(sessions, site.id).policy == {"edit_window_minutes": 30}


def test_a_stored_setting_that_no_longer_passes_is_dropped_at_the_next_change(sessions, site):
    with sessions() as session:
        session.get_one(Site, site.id).policy = {"edit_window_minutes": "forever", "close_after_days": 3}
        session.commit()
        policy = sites.change_policy(session, _fresh(sessions, site.id), {"close_after_days": 5})
    assert policy.close_after_days == 5
    assert _fresh(sessions, site.id).policy == {"close_after_days": 5}


@pytest.mark.parametrize("language", ["de", None])
def test_a_sites_language_is_set_or_cleared(sessions, site, language):
    with sessions() as session:
        changed = sites.set_language(session, site, language)
    assert changed.language == language and _fresh(sessions, site.id).language == language


def test_reader_sign_in_is_configured_and_cleared(sessions, site):
    with sessions() as session:
        sites.configure_sso(session, site, "HS256", "  " + SECRET + "\n")
    stored = _fresh(sessions, site.id)
    assert (stored.sso_algorithm, stored.sso_key) == ("HS256", SECRET)  # kept trimmed
    with sessions() as session:
        sites.clear_sso(session, stored)
    stored = _fresh(sessions, site.id)
    assert (stored.sso_algorithm, stored.sso_key) == (None, None)


def test_a_key_that_does_not_fit_leaves_the_earlier_configuration(sessions, site):
    with sessions() as session:
        sites.configure_sso(session, site, "HS256", SECRET)
    with sessions() as session, pytest.raises(SsoConfigError, match="at least 32 bytes"):
        sites.configure_sso(session, _fresh(sessions, site.id), "HS256", "too short")
    assert _fresh(sessions, site.id).sso_key == SECRET


def test_a_rotated_key_replaces_the_old_one(session, site):
    old_hash = site.api_key_hash
    key = sites.rotate_key(session, site)
    session.commit()
    assert key.startswith("cd_") and len(key) > 30
    assert repo.site_by_api_key(session, key).id == site.id
    assert site.api_key_hash != old_hash and repo.site_by_api_key(session, "cd_old") is None


def test_a_site_can_be_given_its_key_and_starting_policy(session):
    made, key = sites.create_site(session, "courier", "The Courier", api_key="cd_chosen", policy={"close_after_days": 2})
    assert key == "cd_chosen" and repo.site_by_api_key(session, "cd_chosen") is made
    assert made.policy == {"close_after_days": 2}


# --- what a moderator may see -------------------------------------------------------------------


@pytest.fixture
def two_sites(session, site):
    other, _key = sites.create_site(session, "other", "Other")
    mine = add_comment(session, add_article(session, site), "on my site")
    theirs = add_comment(session, add_article(session, other, url="https://other.example/a"), "on theirs", author="Ben")
    session.commit()
    return mine, theirs


def test_a_moderator_sees_comments_commenters_and_articles_of_their_sites(session, site, two_sites):
    mine, _theirs = two_sites
    scope = Scope(frozenset({site.id}))
    assert visible_comment(session, scope, mine.id) is mine
    assert visible_commenter(session, scope, mine.commenter_id).id == mine.commenter_id
    assert visible_article(session, scope, mine.article_id).id == mine.article_id


@pytest.mark.parametrize("look_up", [visible_comment, visible_commenter, visible_article])
def test_another_sites_rows_and_unknown_ids_are_not_allowed_alike(session, site, two_sites, look_up):
    _mine, theirs = two_sites
    scope = Scope(frozenset({site.id}))
    theirs_id = {visible_comment: theirs.id, visible_commenter: theirs.commenter_id, visible_article: theirs.article_id}[look_up]
    with pytest.raises(NotAllowed) as outside:
        look_up(session, scope, theirs_id)
    with pytest.raises(NotAllowed) as unknown:
        look_up(session, scope, 999_999)
    # The message names the id only: it does not tell a row on another site from no row at all.
    assert str(outside.value).endswith(f" {theirs_id}") and str(unknown.value).endswith(" 999999")
    assert str(outside.value).split()[:-1] == str(unknown.value).split()[:-1]
    assert look_up(session, Scope(None), theirs_id) is not None  # every site: allowed


# --- readers' look-ups --------------------------------------------------------------------------


def test_the_front_page_lists_articles_newest_first_undated_last(session, site):
    now = utcnow()
    old = add_article(session, site, url="https://news.example/old")
    new = add_article(session, site, url="https://news.example/new")
    undated = add_article(session, site, url="https://news.example/undated")
    old.published_at, new.published_at = now - timedelta(days=2), now - timedelta(days=1)
    session.commit()
    assert [article.id for article in reading.front_page_articles(session)] == [new.id, old.id, undated.id]
    assert reading.article(session, old.id) is old and reading.article(session, 999_999) is None


def test_the_authors_a_reader_may_still_change_are_recent_and_not_deleted(session, site):
    article = add_article(session, site)
    recent = add_comment(session, article, "recent")
    old = add_comment(session, article, "old", author="Ben")
    deleted = add_comment(session, article, "deleted", author="Cy")
    old.created_at = utcnow() - timedelta(hours=2)
    deleted.deleted_at = utcnow()
    session.commit()
    found = reading.recent_authors(session, [recent.id, old.id, deleted.id], utcnow() - timedelta(hours=1))
    assert found == [(recent.id, "id:ana", False)]
    assert reading.comment(session, old.id) is old
