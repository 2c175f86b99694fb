"""The bank of off-topic subjects, with an encoder that gives each prototype a direction of its
own: which subject a comment is matched to, why, and which subjects an article rules out."""

from __future__ import annotations

import numpy as np
import pytest

from commentdesk.moderation.models.chatter import ARTICLE_TOPIC_SIMILARITY, REACTIONS, SPORTS, TOPICS, ChatterBank

PROTOTYPES = [(name, text) for name, (_words, texts) in TOPICS.items() for text in texts]
DIRECTIONS = {text: index for index, (_name, text) in enumerate(PROTOTYPES)}
DIRECTIONS.update({text: len(PROTOTYPES) + index for index, text in enumerate(REACTIONS)})
SIZE = len(DIRECTIONS)


def axis(text: str) -> np.ndarray:
    vector = np.zeros(SIZE, np.float32)
    vector[DIRECTIONS[text]] = 1.0
    return vector


def encode(texts: list[str]) -> np.ndarray:
    return np.stack([axis(text) for text in texts])


def between(*texts: str) -> np.ndarray:
    vector = sum(axis(text) for text in texts)
    return vector / np.linalg.norm(vector)


def prototypes_of(topic: str) -> tuple[str, ...]:
    return TOPICS[topic][1]


@pytest.fixture(scope="module")
def bank() -> ChatterBank:
    return ChatterBank(encode)


def test_a_comment_near_two_prototypes_of_a_subject_is_matched_to_it(bank):
    first, second = prototypes_of("weather")[:2]
    match = bank.match(between(first, second))
    assert (match.topic, match.words) == ("weather", "the weather")
    assert match.similarity == pytest.approx(np.sqrt(0.5))
    assert match.closest in (first, second)
    assert match.reaction_similarity == pytest.approx(0.0)


def test_one_lucky_prototype_counts_half(bank):
    # The two closest prototypes are averaged: a single close one is not a clear fit.
    match = bank.match(axis(prototypes_of("pets")[0]))
    assert match.topic == "pets" and match.similarity == pytest.approx(0.5)
    assert match.closest == prototypes_of("pets")[0]


def test_the_closest_example_shown_is_the_best_fitting_prototype(bank):
    pets = prototypes_of("pets")
    vector = 0.8 * axis(pets[2]) + 0.6 * axis(pets[3])
    match = bank.match(vector)
    assert match.closest == pets[2] and match.similarity == pytest.approx(0.7)


def test_a_plain_reaction_is_measured_separately(bank):
    match = bank.match(between("Well said.", prototypes_of("food")[0]))
    assert match.reaction_similarity == pytest.approx(np.sqrt(0.5))
    assert match.topic == "food"


def test_an_article_about_a_subject_rules_it_out(bank):
    food = prototypes_of("food")
    article = np.stack([between(food[0], food[1])])
    assert bank.article_topics(article) == {"food"}
    match = bank.match(between(food[0], food[1]), article)
    assert match.topic != "food" and match.similarity == pytest.approx(0.0)


def test_an_article_about_one_sport_rules_out_every_sport(bank):
    cricket = prototypes_of("cricket")
    article = np.stack([between(cricket[0], cricket[1]), 0.5 * axis(prototypes_of("food")[3])])
    assert bank.article_topics(article) == SPORTS
    football = prototypes_of("football")
    assert bank.match(between(football[0], football[1]), article).topic not in SPORTS


def test_an_article_only_loosely_about_a_subject_rules_nothing_out(bank):
    travel = prototypes_of("travel")
    loose = between(travel[0], travel[1]) * (ARTICLE_TOPIC_SIMILARITY - 0.05) / np.sqrt(0.5)
    assert bank.article_topics(np.stack([loose])) == set()
    assert bank.article_topics(None) == set()
    assert bank.article_topics(np.zeros((0, SIZE), np.float32)) == set()


def test_when_the_article_covers_every_subject_there_is_no_match(bank):
    every = np.stack([between(*texts[:2]) for _words, texts in TOPICS.values()])
    match = bank.match(axis(prototypes_of("pets")[0]), every)
    assert (match.topic, match.words, match.similarity, match.closest) == ("", "", 0.0, "")
