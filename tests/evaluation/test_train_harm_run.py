"""Training the harm model end to end on small made-up sets and a stand-in embedder: which rows it
learns from (seeds, threat-labelled public sets, civil news), which public sets only measure
transfer, the thresholds it stores, and the command's refusals and output."""

from __future__ import annotations

import json

import numpy as np
import pytest
from tests.evaluation import fakes

from commentdesk.evaluation import harm_seeds, seed_examples, train_harm
from commentdesk.evaluation.datasets import CATEGORIES, AbuseSet
from commentdesk.moderation.models.harm import HEADS

THREATS = (
    "I will hurt you and your family",
    "someone should shoot him",
    "I am going to kill you tonight",
    "we will burn your house down",
    "you deserve to be beaten",
    "I will find you and hurt you",
)


def threat_set(name: str, n: int = 24) -> AbuseSet:
    """Every third comment a threat; the rest civil. Half the rows are test rows."""
    threat = np.array([1.0 if i % 3 == 0 else 0.0 for i in range(n)], np.float32)
    texts = [f"{THREATS[i % len(THREATS)]} ({name} {i})" if threat[i] else fakes.civil_text(i) + f" ({name})" for i in range(n)]
    categories = {c: np.full(n, np.nan, np.float32) for c in CATEGORIES}
    categories["threat"] = threat
    return AbuseSet(
        name,
        texts,
        threat.astype(np.int8),
        np.array([f"{name}{i}" for i in range(n)]),
        np.array(["train" if i % 2 == 0 else "test" for i in range(n)]),
        categories,
    )


def sets(name, data_dir):
    if name in train_harm.THREAT_SETS:
        return threat_set(name)
    if name == "bias_madlibs":
        texts = [f"{group} people are {word}" for group in ("gay", "muslim", "deaf", "old") for word in ("kind", "awful")]
        return AbuseSet(name, texts, np.array([0, 1] * 4, np.int8), np.array(texts), np.array(["test"] * 8))
    return fakes.abuse_set(name, 20)


def test_every_seed_is_a_training_row_positive_for_its_heads():
    rows = train_harm.Rows()
    train_harm.seed_rows(rows)
    source, split, weight, targets = rows.arrays()
    assert set(source) == {"seeds"} and set(split) == {"train"} and set(weight) == {train_harm.SEED_WEIGHT}
    at = {text: i for i, text in enumerate(rows.texts)}
    assert targets["violence"][at[seed_examples.THREATS[0]]] == 1.0
    assert targets["sexual"][at[seed_examples.THREATS[0]]] == 0.0
    assert all(targets[head][at[seed_examples.HARD_NEGATIVES[0]]] == 0.0 for head in HEADS)
    for _group, (texts, heads) in harm_seeds.HARM_SEED_GROUPS.items():
        assert all(targets[head][at[texts[0]]] == 1.0 for head in heads)
    assert not any(np.isnan(values).any() for values in targets.values())


def test_public_sets_teach_violence_only_and_keep_both_splits(tmp_path, monkeypatch):
    monkeypatch.setattr(train_harm, "load_abuse_set", sets)
    rows = train_harm.Rows()
    train_harm.public_rows(rows, tmp_path)
    source, split, weight, targets = rows.arrays()
    public = np.isin(source, train_harm.THREAT_SETS)
    assert set(weight[public]) == {train_harm.PUBLIC_WEIGHT}
    assert np.isnan(targets["sexual"][public]).all() and np.isnan(targets["disability"][public]).all()
    dynahate = source == "dynahate"
    assert int(targets["violence"][dynahate].sum()) == 8 and int(dynahate.sum()) == 24
    assert set(split[dynahate]) == {"train", "test"}
    news = np.isin(source, train_harm.NEWS_SETS)
    assert set(weight[news]) == {1.0} and (targets["violence"][news] == 0).all()
    # Only civil news comments are negatives: the abusive ones may well be threats.
    assert int(news.sum()) == 2 * int((fakes.abuse_set("c3", 20).labels == 0).sum())


def test_negatives_of_a_large_set_are_sampled_but_every_threat_is_kept(tmp_path, monkeypatch):
    monkeypatch.setattr(train_harm, "load_abuse_set", sets)
    monkeypatch.setattr(train_harm, "MAX_NEGATIVES_PER_SET", 3)
    rows = train_harm.Rows()
    train_harm.public_rows(rows, tmp_path)
    source, split, _weight, targets = rows.arrays()
    dynahate_train = (source == "dynahate") & (split == "train")
    assert int(targets["violence"][dynahate_train].sum()) == 4 and int(dynahate_train.sum()) == 4 + 3


def test_neutral_group_sentences_are_the_non_abusive_madlibs(tmp_path, monkeypatch):
    monkeypatch.setattr(train_harm, "load_abuse_set", sets)
    neutral = train_harm.madlibs_neutral(tmp_path)
    assert neutral == ["gay people are kind", "muslim people are kind", "deaf people are kind", "old people are kind"]
    assert len(train_harm.madlibs_neutral(tmp_path, limit=2)) == 2


def test_sampling_is_fixed_and_sorted():
    picked = train_harm._sample(np.arange(100), 10, seed=3)
    assert (
        len(picked) == 10
        and picked.tolist() == sorted(picked)
        and np.array_equal(picked, train_harm._sample(np.arange(100), 10, 3))
    )
    assert train_harm._sample(np.arange(5), 10, seed=3).tolist() == [0, 1, 2, 3, 4]


@pytest.fixture(scope="module")
def trained(tmp_path_factory):
    """One whole training run, shared by the tests that read its results."""
    folder = tmp_path_factory.mktemp("harm")
    asked = []

    def embed_each(texts, cache_file):
        asked.append(cache_file)
        return fakes.embed(texts)

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(train_harm, "load_abuse_set", sets)
        patch.setattr(train_harm, "embed_each_cached", embed_each)
        meta = train_harm.train(folder, folder / "weights", folder / "cache", news_budget=0.05, c=1.0)
    assert asked == [folder / "cache" / "harm-embeddings.npz"]
    return folder / "weights", meta


def test_a_run_stores_one_head_per_harm_and_its_threshold(trained):
    out, meta = trained
    with np.load(out / "harm.npz") as arrays:
        assert arrays["w"].shape == (384, len(HEADS)) and arrays["b"].shape == (len(HEADS),)
    stored = json.loads((out / "harm.json").read_text())
    assert stored["heads"] == list(HEADS) and stored == meta
    assert all(train_harm.MIN_THRESHOLD <= level <= 0.99 for level in meta["recommended_thresholds"].values())


def test_a_run_trains_on_train_rows_of_the_trained_sets_only(trained):
    _out, meta = trained
    assert meta["trained_on"]["dynahate"] == 12 and meta["trained_on"]["toxic_spans"] == 12
    assert "implicit_hate" not in meta["trained_on"]  # it only measures transfer
    assert meta["trained_on"]["c3"] == int(
        ((fakes.abuse_set("c3", 20).split == "train") & (fakes.abuse_set("c3", 20).labels == 0)).sum()
    )


def test_a_run_reports_transfer_to_each_threat_set_and_the_held_shares(trained):
    _out, meta = trained
    figures = meta["figures"]
    assert set(figures["transfer_roc_auc"]) == set(train_harm.THREAT_SETS)
    assert set(figures["with_set_roc_auc"]) == set(train_harm.THREAT_SETS)
    values = list(figures["transfer_roc_auc"].values())
    assert figures["transfer_worst"] == min(values) and figures["transfer_mean"] == pytest.approx(np.mean(values), abs=1e-4)
    assert all(0.0 <= share <= 0.05 for share in figures["madlibs_held"].values())
    assert set(figures["seeds_oof_roc_auc"]) == set(HEADS)


def test_the_command_refuses_a_missing_data_folder(tmp_path, capsys):
    assert train_harm.main(["--data-dir", str(tmp_path / "none"), "--out", str(tmp_path / "w")]) == 2
    assert "no labeled data at" in capsys.readouterr().err


def test_the_command_passes_its_options_and_prints_the_figures(tmp_path, monkeypatch, capsys):
    called = {}

    def train(data_dir, out_dir, cache_dir, news_budget, c):
        called.update(data_dir=data_dir, out_dir=out_dir, cache_dir=cache_dir, news_budget=news_budget, c=c)
        return {"version": "harm-x", "recommended_thresholds": {"violence": 0.6}, "figures": {"transfer_mean": 0.8}}

    monkeypatch.setattr(train_harm, "train", train)
    code = train_harm.main(["--data-dir", str(tmp_path), "--out", str(tmp_path / "w"), "--news-budget", "0.02", "--c", "0.5"])
    assert code == 0
    assert called == {
        "data_dir": tmp_path,
        "out_dir": tmp_path / "w",
        "cache_dir": train_harm.default_cache_dir(),  # $COMMENTDESK_CACHE_DIR, else ./.cache
        "news_budget": 0.02,
        "c": 0.5,
    }
    printed = json.loads(capsys.readouterr().out)
    assert printed == {"version": "harm-x", "thresholds": {"violence": 0.6}, "transfer_mean": 0.8}
