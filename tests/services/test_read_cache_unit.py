"""The read cache on its own: an entry is served only while the article's and the site's rows
are at the revisions it was built from, within its memory bound, with ETags a client can send back."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import update

from commentdesk.services.read_cache import Cached, ReadCache, etag_matches, etag_of, revisions_of
from commentdesk.store import repository as repo
from commentdesk.store.models import Article, Site, utcnow
from db_fixtures import add_article, add_comment


@pytest.fixture
def cache(sessions):
    made = ReadCache(sessions.kw["bind"], max_bytes=8000)
    yield made
    made.close()


@pytest.fixture
def article(session, site):
    made = add_article(session, site)
    session.commit()
    session.refresh(made)
    return made


def put(cache, key, body, article):
    return cache.put(key, body, article.id, revisions_of(article))


def test_an_entry_is_fresh_until_its_article_changes(cache, session, article):
    entry = put(cache, ("page", article.id), b'{"comments": []}', article)
    assert cache.fresh(("page", article.id)) == entry
    add_comment(session, article, "a new published comment")
    session.commit()
    assert cache.fresh(("page", article.id)) is None


def test_a_change_to_the_site_makes_its_entries_stale(cache, session, site, article):
    put(cache, ("page", article.id), b"body", article)
    session.execute(update(Site).where(Site.id == site.id).values(policy={"page_size": 3}))
    session.commit()
    assert cache.fresh(("page", article.id)) is None


def test_an_entry_goes_stale_at_its_time_even_without_a_write(cache, article):
    cache.put(("page", article.id), b"body", article.id, revisions_of(article), stale_after=utcnow() - timedelta(seconds=1))
    assert cache.fresh(("page", article.id)) is None
    cache.put(("page", 2), b"body", article.id, revisions_of(article), stale_after=utcnow() + timedelta(hours=1))
    assert cache.fresh(("page", 2)) is not None


def test_an_unknown_key_or_a_deleted_article_is_a_miss(cache, session, article):
    assert cache.fresh(("nothing",)) is None
    put(cache, ("page", article.id), b"body", article)
    session.execute(update(Article).where(Article.id == article.id).values(title="renamed"))
    session.commit()
    assert cache.fresh(("page", article.id)) is None


def test_the_least_recently_used_entries_leave_first_within_the_bound(cache, article):
    body = b"x" * 900
    for number in range(8):
        put(cache, ("page", number), body, article)
    assert len(cache) == 8
    cache.fresh(("page", 0))  # used: moves to the back
    put(cache, ("page", 8), body, article)
    put(cache, ("page", 9), body, article)
    assert cache.fresh(("page", 0)) is not None
    assert cache.fresh(("page", 1)) is None and cache.fresh(("page", 2)) is None
    assert len(cache) == 8


def test_a_response_too_large_is_answered_but_not_kept(cache, article):
    entry = put(cache, ("huge",), b"x" * 1001, article)
    assert entry.body and cache.fresh(("huge",)) is None and len(cache) == 0


def test_putting_a_key_again_replaces_its_entry(cache, article):
    put(cache, ("page",), b"old", article)
    entry = put(cache, ("page",), b"new", article)
    assert cache.fresh(("page",)) == entry and len(cache) == 1


def test_without_a_connection_the_check_answers_nothing(sessions):
    cache = ReadCache(sessions.kw["bind"])
    assert cache.read_on_loop(repo.PUBLISHED_COUNTS, {"ids": [1]}) is None
    cache.connect()
    assert cache.read_on_loop(repo.PUBLISHED_COUNTS, {"ids": [1]}) == []
    cache.close()
    assert cache.read_on_loop(repo.PUBLISHED_COUNTS, {"ids": [1]}) is None


def test_etags_name_the_body_and_match_as_clients_send_them():
    etag = etag_of(b"body")
    assert etag.startswith('"') and etag.endswith('"') and etag == etag_of(b"body") != etag_of(b"other")
    assert etag_matches(etag, etag) and etag_matches(f'"x", {etag}', etag) and etag_matches(f"W/{etag}", etag)
    assert etag_matches("*", etag) and etag_matches("  *  ", etag)
    assert not etag_matches("", etag) and not etag_matches('"other"', etag) and not etag_matches(etag[1:-1], etag)


def test_a_cached_entry_is_a_plain_value():
    entry = Cached(b"b", '"e"')
    assert entry.article_id is None and entry.revisions is None and entry.stale_after is None
