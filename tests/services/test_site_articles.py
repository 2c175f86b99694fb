"""A comment compared with the site's other articles: held as being about one of them (named),
while reactions, comments on the same subject and a site of one article are judged as before;
the bank of articles follows the ones added or changed, here and on another server.

The models are canned: a comment or passage is a vector of the subject words it uses, and its
relevance is its best cosine with the article's passages, as the real relevance model compares."""

from __future__ import annotations

import re

import numpy as np
import pytest

from commentdesk.moderation.models.relevance import RelevanceScore
from commentdesk.moderation.pipeline import Pipeline
from commentdesk.moderation.types import Candidate, ModelSignals
from commentdesk.services.posting import CommentPoster
from commentdesk.services.site_articles import SiteArticleBanks
from commentdesk.store import repository as repo
from db_fixtures import add_article

SECRET = "test-secret"
WORDS = ["tram", "trams", "track", "stops", "transport", "city", "passengers", "bus", "buses", "timetable"]
WORDS += ["club", "striker", "signing", "goals"]
SHARED = "City transport for passengers is changing at the stops."
TRAMS = ("Trams return to Market Street", f"{SHARED} The tram track is finished. Trams run every ten minutes.")
BUSES = ("Bus timetable changes at the Market Street stops", f"{SHARED} Buses run on a new timetable from Monday.")
SIGNING = ("Eastbridge club completes signing of striker", "The club signed the striker, who scored twenty goals last season.")
ABOUT_THE_SIGNING = "What a signing, that striker will score goals for the club all season."


def vector(text: str) -> np.ndarray:
    words = re.findall(r"[a-z]+", text.lower())
    counts = np.array([words.count(word) for word in WORDS], dtype=np.float32)
    norm = np.linalg.norm(counts)
    return counts / norm if norm else counts


class SubjectWordModels:
    def load(self):
        return self

    @property
    def versions(self) -> dict[str, str]:
        return {"embedder": "subject-words@1"}

    def signals(self, candidate: Candidate) -> ModelSignals:
        passages, vectors = candidate.passages, candidate.passage_vectors
        if passages is None or vectors is None:
            passages = [candidate.article_title, *candidate.article_body.split(". ")]
            vectors = np.stack([vector(passage) for passage in passages])
        comment = vector(candidate.text)
        similarity = float(np.max(vectors @ comment))
        return ModelSignals(
            embedding=comment,
            relevance=RelevanceScore(similarity, similarity, passages[int(np.argmax(vectors @ comment))], "article"),
            versions=self.versions,
            passages=passages,
            passage_vectors=vectors,
        )


@pytest.fixture
def models():
    return SubjectWordModels()


@pytest.fixture
def poster(models):
    return CommentPoster(Pipeline(models), SECRET)


@pytest.fixture
def trams(session, site):
    site.policy = {"flood_per_minute_commenter": 100, "flood_per_minute_address": 100}
    made = add_article(session, site, "https://news.example/trams", *TRAMS)
    session.commit()
    return made


def published_article(session, site, poster, url, title_body, first_comment):
    """An article whose first comment has been posted: its passages are stored."""
    article = add_article(session, site, url, *title_body)
    session.commit()
    poster.post(session, article, author_name="Cy", author_email=None, text=first_comment)
    return article


def codes(posted) -> list[str]:
    return [reason.code for reason in posted.decision.reasons]


def post(poster, session, article, text, author="Ana"):
    return poster.post(session, article, author_name=author, author_email=None, text=text)


def test_a_comment_about_another_article_of_the_site_is_held_naming_it(poster, session, site, trams):
    published_article(session, site, poster, "https://news.example/signing", SIGNING, "Twenty goals, the club did well.")
    posted = post(poster, session, trams, ABOUT_THE_SIGNING)
    assert posted.decision.decision == "hold" and codes(posted) == ["other_article"]
    reason = posted.decision.reasons[0]
    assert reason.message == f"It looks like it is about another article, “{SIGNING[0]}”, not the article."
    assert posted.comment.status == "pending"


def test_a_short_reaction_stays_on_topic(poster, session, site, trams):
    published_article(session, site, poster, "https://news.example/signing", SIGNING, "Twenty goals, the club did well.")
    posted = post(poster, session, trams, "Great signing!")
    assert posted.decision.decision == "publish" and codes(posted) == []


def test_a_comment_on_an_article_of_the_same_subject_is_not_held_for_it(poster, session, site, trams):
    published_article(session, site, poster, "https://news.example/buses", BUSES, "The new bus timetable is better.")
    posted = post(poster, session, trams, "The buses need a better timetable, passengers wait too long at the stops.")
    assert posted.decision.decision == "publish" and codes(posted) == []


def test_a_site_with_one_article_judges_as_before(poster, session, trams):
    posted = post(poster, session, trams, ABOUT_THE_SIGNING)
    # Held for its low relevance to the one article, in the words used before other articles counted.
    assert codes(posted) == ["off_topic"] and posted.decision.reasons[0].message == "It may not be about the article."


def test_the_bank_takes_in_a_new_article_once_its_first_comment_is_stored(poster, session, site, trams):
    assert codes(post(poster, session, trams, ABOUT_THE_SIGNING)) == ["off_topic"]
    published_article(session, site, poster, "https://news.example/signing", SIGNING, "Twenty goals, the club did well.")
    again = "That striker is a great signing, the club will get goals from him."
    assert codes(post(poster, session, trams, again, author="Bo")) == ["other_article"]


def test_another_servers_articles_arrive_at_the_next_check(session, site, trams):
    now = [0.0]
    banks = SiteArticleBanks(refresh_s=30.0, clock=lambda: now[0])
    version = "subject-words@1"
    repo.store_passages(session, trams, version, [TRAMS[0]], np.stack([vector(TRAMS[0])]))
    session.commit()
    assert banks.bank(session, site.id, version).titles == [TRAMS[0]]
    # Stored by another process: this one's bank is not told, and sees it at its next check.
    signing = add_article(session, site, "https://news.example/signing", *SIGNING)
    repo.store_passages(session, signing, version, [SIGNING[0]], np.stack([vector(SIGNING[0])]))
    session.commit()
    assert banks.bank(session, site.id, version).titles == [TRAMS[0]]
    now[0] = 31.0
    assert sorted(banks.bank(session, site.id, version).titles) == sorted([TRAMS[0], SIGNING[0]])
    # A changed article is read again; passages of another embedder are not compared with.
    signing.title = "Striker signs for Eastbridge club"
    session.flush()
    repo.store_passages(session, signing, version, [signing.title], np.stack([vector(signing.title)]))
    session.commit()
    now[0] = 62.0
    assert sorted(banks.bank(session, site.id, version).titles) == sorted([TRAMS[0], signing.title])
    assert banks.bank(session, site.id, "another-embedder@2").titles == []
