"""The bank of a site's other articles: the closest one to a comment, never the comment's own,
never one on the same subject as its own, and no more than the newest MAX_ARTICLES of them."""

from __future__ import annotations

import numpy as np

from commentdesk.moderation.models import site_articles
from commentdesk.moderation.models.site_articles import SiteArticle, SiteArticles


def unit(*values: float) -> np.ndarray:
    vector = np.array(values, dtype=np.float32)
    return vector / np.linalg.norm(vector)


def article(key, title, *vectors) -> SiteArticle:
    return SiteArticle(key, title, [f"{title} ({number})" for number in range(len(vectors))], np.stack(vectors))


TRAMS = article(1, "Trams return", unit(1, 0, 0, 0), unit(1, 0.2, 0, 0))
BUSES = article(2, "Bus timetable changes", unit(0.8, 0.6, 0, 0))
SIGNING = article(3, "Club signs a striker", unit(0, 0, 1, 0), unit(0, 0, 0.9, 0.4))


def test_the_closest_other_article_is_named_with_its_closest_passage():
    bank = SiteArticles([TRAMS, BUSES, SIGNING])
    match = bank.closest(unit(0, 0, 0.92, 0.4), own_key=1, own_passage_vecs=TRAMS.vectors)
    assert match is not None and (match.key, match.title) == (3, "Club signs a striker")
    assert match.closest == "Club signs a striker (1)" and match.similarity > 0.99


def test_the_comments_own_article_and_those_on_its_subject_are_left_out():
    bank = SiteArticles([TRAMS, BUSES, SIGNING])
    about_buses = unit(0.8, 0.6, 0, 0)
    # From the signing story the bus timetable is another subject; from the tram story it is the same one.
    assert bank.closest(about_buses, own_key=3, own_passage_vecs=SIGNING.vectors).key == 2
    assert bank.closest(about_buses, own_key=1, own_passage_vecs=TRAMS.vectors).key == 3
    assert SiteArticles([TRAMS, BUSES]).closest(about_buses, own_key=1, own_passage_vecs=TRAMS.vectors) is None


def test_a_site_of_one_article_or_vectors_of_another_size_give_nothing():
    assert SiteArticles([TRAMS]).closest(unit(1, 0, 0, 0), own_key=1, own_passage_vecs=TRAMS.vectors) is None
    assert SiteArticles([]).closest(unit(1, 0, 0, 0), own_key=None, own_passage_vecs=None) is None
    assert SiteArticles([TRAMS, SIGNING]).closest(unit(1, 0, 0), own_key=None, own_passage_vecs=None) is None


def test_the_bank_keeps_the_newest_articles_and_their_leading_passages(monkeypatch):
    monkeypatch.setattr(site_articles, "MAX_ARTICLES", 2)
    monkeypatch.setattr(site_articles, "PASSAGES_PER_ARTICLE", 1)
    bank = SiteArticles([SIGNING, BUSES, TRAMS])
    assert bank.keys == [3, 2] and len(bank) == 2
    # Only the signing story's first passage is kept: a comment matching its second fits less well.
    match = bank.closest(unit(0, 0, 0.9, 0.4), own_key=None, own_passage_vecs=None)
    assert match.closest == "Club signs a striker (0)" and match.similarity < 0.95
