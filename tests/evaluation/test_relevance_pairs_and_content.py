"""The relevance training pairs built from a thread corpus, and the hand-written material the
project ships (demo articles, harm seeds): well formed, so a run never trips on them."""

from __future__ import annotations

import numpy as np
import pytest

from commentdesk.demo.content import ARTICLES, SITE
from commentdesk.evaluation import harm_seeds
from commentdesk.evaluation.datasets import Thread
from commentdesk.evaluation.relevance_data import Pairs, RelevanceCorpus, build_pairs


def unit(*values):
    vector = np.array(values, np.float32)
    return vector / np.linalg.norm(vector)


def corpus(name="semeval", labels=(1.0, 0.0, 1.0, np.nan), with_passages=True):
    threads = [
        Thread("t0", "Visa", "How long?", ["a", "b"], [1.0, 0.0], "train"),
        Thread("t1", "Cars", "Which car?", ["c", "d"], [1.0, np.nan], "test"),
    ]
    vecs = np.stack([unit(1, 0, 0), unit(0, 1, 0), unit(0, 0, 1), unit(1, 1, 0)])
    passages = [["Visa"], ["Cars"]] if with_passages else [[], []]
    passage_vecs = (
        [np.stack([unit(1, 0, 0)]), np.stack([unit(0, 0, 1)])] if with_passages else [np.zeros((0, 3)), np.zeros((0, 3))]
    )
    return RelevanceCorpus(
        name, threads, ["a", "b", "c", "d"], vecs, np.array([0, 0, 1, 1]), np.array(labels, dtype=float), passages, passage_vecs
    )


def test_each_labelled_comment_gets_an_own_and_an_other_pair_per_source():
    pairs = build_pairs(corpus()).arrays()
    # Three labelled comments (the fourth is NaN), article and thread sources, own and other each.
    assert len(pairs["source"]) == 12
    assert set(pairs["source"]) == {"article", "thread"} and set(pairs["kind"]) == {"own", "other"}
    assert 3 not in set(pairs["comment_index"])
    other = pairs["kind"] == "other"
    assert np.all(pairs["label"][other] == 0)


def test_own_article_pairs_carry_the_comments_label_and_similarity():
    pairs = build_pairs(corpus()).arrays()
    own_article = (pairs["source"] == "article") & (pairs["kind"] == "own")
    assert pairs["label"][own_article].tolist() == [1.0, 0.0, 1.0]
    assert pairs["similarity"][own_article][0] == pytest.approx(1.0)  # comment a equals the Visa passage
    assert pairs["split"][own_article].tolist() == ["train", "train", "test"]
    assert set(pairs["dataset"]) == {"semeval"}


def test_without_article_text_only_thread_pairs_are_made_and_c3_adds_parent_pairs():
    pairs = build_pairs(corpus(name="c3", with_passages=False)).arrays()
    assert "article" not in set(pairs["source"])
    assert set(pairs["source"]) == {"thread", "parent"}


def test_pairs_are_the_same_for_the_same_seed():
    first, second = build_pairs(corpus(name="c3"), seed=4).arrays(), build_pairs(corpus(name="c3"), seed=4).arrays()
    assert all(np.array_equal(first[key], second[key]) for key in first)


def test_pairs_collect_column_by_column():
    pairs = Pairs()
    pairs.add("article", np.float32(0.5), 3, 1, "own", "train", "x")
    arrays = pairs.arrays()
    assert arrays["similarity"].tolist() == [0.5] and arrays["comment_index"].tolist() == [3]
    assert isinstance(arrays["similarity"][0], np.floating)


def test_the_demo_has_a_site_and_articles_with_well_formed_threads():
    assert SITE["slug"] == "demo" and SITE["name"]
    assert len({article["url"] for article in ARTICLES}) == len(ARTICLES)
    assert len({article["key"] for article in ARTICLES}) == len(ARTICLES)
    for article in ARTICLES:
        assert article["title"] and article["body"] and article["url"].startswith("https://")
        keys = set()
        for key, author, text, minutes, parent in article["comments"]:
            assert key not in keys and author and text and minutes >= 0
            assert parent is None or parent in keys, f"{key} answers {parent}, which comes later or not at all"
            keys.add(key)


def test_demo_publication_dates_are_iso_dates():
    from datetime import datetime

    for article in ARTICLES:
        assert datetime.fromisoformat(article["published_at"])


def test_harm_seed_groups_name_known_heads_and_repeat_nothing():
    heads = {"violence", "sexual", "disability"}
    seen: set[str] = set()
    for name, (texts, group_heads) in harm_seeds.HARM_SEED_GROUPS.items():
        assert texts, name
        assert set(group_heads) <= heads, name
        for text in texts:
            assert text.strip() == text and len(text.split()) >= 3, text
            assert text not in seen, f"{text!r} is in two groups"
            seen.add(text)
    assert any(not group_heads for _texts, group_heads in harm_seeds.HARM_SEED_GROUPS.values())  # the look-alikes
