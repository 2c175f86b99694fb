"""The store of the shared encoder layers' token states: computed once per list of texts, read back
after that, each text's states kept in the caller's order and cut to its own length; and the
abuse corpus parts built on it. A stand-in tokenizer and graph (and a tiny random transformer for
the layer that is applied on reading) replace the packaged model."""

from __future__ import annotations

import numpy as np
import pytest
from tests.evaluation import fakes

from commentdesk.evaluation import abuse_corpus, seed_examples, trunk_cache
from commentdesk.evaluation.trunk_cache import TrunkStates
from commentdesk.moderation.models.abuse_encoder import HEADS

WIDTH = 384


class WordTokenizer:
    """One id per word (its length), padded with zeros, as NumPy arrays."""

    def __call__(self, texts, padding=True, truncation=True, max_length=None, return_tensors="np"):
        ids = [[len(w) for w in t.split()][:max_length] for t in texts]
        width = max(len(row) for row in ids)
        input_ids = np.array([row + [0] * (width - len(row)) for row in ids], np.int64)
        mask = np.array([[1] * len(row) + [0] * (width - len(row)) for row in ids], np.int64)
        return {"input_ids": input_ids, "attention_mask": mask, "token_type_ids": np.zeros_like(mask)}


class EchoGraph:
    """Token state = the token id in every coordinate; embedding = the batch position."""

    def __init__(self):
        self.batches = []

    def run(self, outputs, feed):
        ids = feed["input_ids"]
        self.batches.append(ids.shape)
        states = np.repeat(ids[:, :, None].astype(np.float32), WIDTH, axis=2)
        return states, np.repeat(ids.sum(1, keepdims=True).astype(np.float32), WIDTH, axis=1)


@pytest.fixture
def graph(monkeypatch):
    echo = EchoGraph()
    monkeypatch.setattr(trunk_cache, "base_model", lambda: (WordTokenizer(), None))
    monkeypatch.setattr(trunk_cache, "_trunk_session", lambda cache_dir: echo)
    return echo


def test_computed_states_are_in_the_callers_order_and_cut_to_each_text(graph, tmp_path):
    texts = ["a much longer comment here", "hi", "three word text"]
    states = trunk_cache.compute(texts, batch_size=2, cache_dir=tmp_path)
    assert states.lengths().tolist() == [5, 1, 3]
    assert states.hidden.dtype == np.float16 and states.hidden.shape == (9, WIDTH)
    assert states.hidden[:5, 0].tolist() == [1, 4, 6, 7, 4]  # word lengths of the first text
    assert states.hidden[5:6, 0].tolist() == [2]
    assert states.embedding[:, 0].tolist() == [22, 2, 13]
    # Sorted by length before batching: the two short texts share the first batch.
    assert graph.batches == [(2, 3), (1, 5)]


def test_training_reads_at_most_the_opening_word_pieces(graph, tmp_path):
    states = trunk_cache.compute(["w " * (trunk_cache.TRAIN_TOKENS + 20)], cache_dir=tmp_path)
    assert states.lengths().tolist() == [trunk_cache.TRAIN_TOKENS]


def test_no_texts_give_empty_states(graph, tmp_path):
    states = trunk_cache.compute([], cache_dir=tmp_path)
    assert len(states) == 0 and states.hidden.shape == (0, WIDTH)


@pytest.fixture
def counted(monkeypatch):
    """compute and advance replaced by counting stand-ins; advance adds one to every state."""
    calls = {"compute": 0, "advance": 0}

    def compute(texts, desc="", cache_dir=None, batch_size=64):
        calls["compute"] += 1
        lengths = np.array([len(t.split()) for t in texts])
        hidden = np.concatenate([np.full((n, 2), len(t), np.float16) for n, t in zip(lengths, texts, strict=True)])
        return TrunkStates(hidden, np.concatenate([[0], np.cumsum(lengths)]).astype(np.int64), fakes.embed(texts))

    def advance(states, batch_size=128):
        calls["advance"] += 1
        return TrunkStates(states.hidden + 1, states.offsets, states.embedding)

    monkeypatch.setattr(trunk_cache, "compute", compute)
    monkeypatch.setattr(trunk_cache, "advance", advance)
    return calls


def test_joining_states_after_an_empty_list_keeps_the_offsets_right():
    lengths = np.array([2, 3])
    states = TrunkStates(np.arange(10, dtype=np.float16).reshape(5, 2), np.array([0, 2, 5]), np.zeros((2, 4), np.float32))
    empty = states.take(np.array([], dtype=np.int64))
    joined = TrunkStates.concat([empty, states, empty])
    assert joined.offsets.tolist() == [0, 2, 5] and joined.lengths().tolist() == lengths.tolist()
    assert np.array_equal(joined.hidden, states.hidden) and len(joined.embedding) == 2


def test_states_are_computed_once_and_then_read_from_disk(counted, tmp_path):
    texts = ["one two", "three"]
    first = trunk_cache.trunk_states("demo", texts, tmp_path)
    again = trunk_cache.trunk_states("demo", texts, tmp_path)
    assert counted == {"compute": 1, "advance": 1}
    assert np.array_equal(first.hidden, again.hidden) and np.array_equal(first.offsets, again.offsets)
    assert first.hidden[:, 0].tolist() == [8, 8, 6]  # advanced once, not once per read
    assert (tmp_path / ".gitignore").exists()
    stored = sorted(p.name for p in (tmp_path / "trunk").iterdir())
    assert len(stored) == 2 and stored[0].endswith(f"-after{trunk_cache.SHARED_LAYERS}.npz")


def test_other_texts_under_the_same_name_are_computed_afresh(counted, tmp_path):
    trunk_cache.trunk_states("demo", ["one"], tmp_path)
    trunk_cache.trunk_states("demo", ["two"], tmp_path)
    assert counted["compute"] == 2


def test_reading_more_word_pieces_makes_the_stored_states_stale(counted, tmp_path, monkeypatch):
    trunk_cache.trunk_states("demo", ["one two"], tmp_path)
    monkeypatch.setattr(trunk_cache, "TRAIN_TOKENS", trunk_cache.TRAIN_TOKENS + 32)
    trunk_cache.trunk_states("demo", ["one two"], tmp_path)
    assert counted["compute"] == 2 and len(list((tmp_path / "trunk").glob("*.npz"))) == 4


def test_stored_states_before_the_extra_layer_are_not_computed_again(counted, tmp_path):
    trunk_cache.trunk_states("demo", ["alpha beta"], tmp_path)
    for advanced in (tmp_path / "trunk").glob("*-after*.npz"):
        advanced.unlink()
    states = trunk_cache.trunk_states("demo", ["alpha beta"], tmp_path)
    assert counted == {"compute": 1, "advance": 2}
    assert states.hidden[:, 0].tolist() == [11, 11]


def test_when_no_layer_is_left_to_apply_only_the_stored_states_are_kept(counted, tmp_path, monkeypatch):
    monkeypatch.setattr(trunk_cache, "advance", lambda states, batch_size=128: states)
    trunk_cache.trunk_states("demo", ["x"], tmp_path)
    (stored,) = (tmp_path / "trunk").iterdir()
    assert stored.suffix == ".npz" and "after" not in stored.name


def test_fresh_states_are_computed_and_advanced_without_touching_the_cache(counted, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    states = trunk_cache.fresh_states(["a b c"])
    assert states.hidden[:, 0].tolist() == [6, 6, 6] and counted == {"compute": 1, "advance": 1}
    assert not (tmp_path / "trunk").exists()


@pytest.fixture
def tiny_transformer(monkeypatch):
    transformers = pytest.importorskip("transformers")
    import torch

    torch.manual_seed(0)
    config = transformers.BertConfig(
        vocab_size=30, hidden_size=8, num_hidden_layers=trunk_cache.SHARED_LAYERS + 1, num_attention_heads=2, intermediate_size=16
    )
    model = transformers.BertModel(config).eval()
    monkeypatch.setattr(trunk_cache, "base_model", lambda: (None, model))
    return model


def test_the_extra_shared_layers_see_each_text_alone_whatever_it_is_batched_with(tiny_transformer):
    rng = np.random.default_rng(0)
    lengths = np.array([3, 1, 5, 2])
    offsets = np.concatenate([[0], np.cumsum(lengths)]).astype(np.int64)
    states = TrunkStates(rng.normal(size=(offsets[-1], 8)).astype(np.float16), offsets, np.zeros((4, 8), np.float32))
    together = trunk_cache.advance(states, batch_size=4)
    alone = [trunk_cache.advance(states.take(np.array([i]))) for i in range(4)]
    assert np.array_equal(together.offsets, offsets)
    for i in range(4):
        assert np.allclose(
            together.hidden[offsets[i] : offsets[i + 1]].astype(np.float32), alone[i].hidden.astype(np.float32), atol=2e-3
        )
    assert not np.allclose(together.hidden.astype(np.float32), states.hidden.astype(np.float32))


# --------------------------------------------------------------------------- corpus parts


@pytest.fixture
def named_states(monkeypatch):
    asked = []

    def states(name, texts, cache_dir=None):
        asked.append((name, len(texts)))
        return TrunkStates(np.zeros((len(texts), 2), np.float16), np.arange(len(texts) + 1, dtype=np.int64), fakes.embed(texts))

    monkeypatch.setattr(abuse_corpus, "trunk_states", states)
    return asked


def test_a_set_part_holds_the_chosen_rows_with_their_targets_heads_and_states(named_states, tmp_path, monkeypatch):
    data = fakes.abuse_set("ucc", 40)
    data.soft_labels = np.where(data.labels == 1, 0.8, 0.1).astype(np.float32)
    monkeypatch.setattr(abuse_corpus, "load_abuse_set", lambda name, data_dir: data)
    part = abuse_corpus.set_part("ucc", tmp_path, "test")
    test_rows = np.flatnonzero(data.split == "test")
    assert part.texts == [data.texts[i] for i in test_rows] and named_states == [("ucc-test", len(test_rows))]
    assert part.targets.tolist() == pytest.approx(data.soft_labels[test_rows].tolist())
    assert part.labels.dtype == np.int8 and part.labels.tolist() == data.labels[test_rows].tolist()
    assert part.heads[:, HEADS.index("insult")].tolist() == data.labels[test_rows].tolist()
    assert np.isnan(part.heads[:, HEADS.index("threat")]).all()
    assert part.groups.tolist() == data.groups[test_rows].tolist()


def test_training_parts_are_capped_at_the_training_cap(named_states, tmp_path, monkeypatch):
    monkeypatch.setattr(abuse_corpus, "TRAIN_CAP", 8)
    monkeypatch.setattr(abuse_corpus, "load_abuse_set", lambda name, data_dir: fakes.abuse_set(name, 40))
    parts = abuse_corpus.load_parts(("c3", "olid"), tmp_path, "train")
    assert list(parts) == ["c3", "olid"] and [len(p) for p in parts.values()] == [8, 8]
    assert named_states == [("c3-train", 8), ("olid-train", 8)]


def test_hand_labelled_examples_become_a_part_with_their_own_groups(named_states):
    examples = [("you are scum", 1, {"insult": 1.0}), ("fair enough", 0, {}), ("I will find you", 1, {"threat": 1.0})]
    part = abuse_corpus.labeled_part("site", examples)
    assert part.labels.tolist() == [1, 0, 1] and part.targets.tolist() == [1.0, 0.0, 1.0]
    assert part.groups.tolist() == ["site:0", "site:1", "site:2"]
    assert part.heads[0, HEADS.index("insult")] == 1.0 and np.isnan(part.heads[1]).all()
    assert part.heads[2, HEADS.index("threat")] == 1.0 and named_states == [("site", 3)]


def test_uncached_examples_are_encoded_fresh(named_states, monkeypatch):
    encoded = []

    def fresh(texts, desc=""):
        encoded.append(desc)
        return TrunkStates(np.zeros((len(texts), 2), np.float16), np.arange(len(texts) + 1, dtype=np.int64), fakes.embed(texts))

    monkeypatch.setattr(trunk_cache, "fresh_states", fresh)
    part = abuse_corpus.labeled_part("site", [("ok", 0, {})], cache=False)
    assert len(part) == 1 and encoded == ["site"] and named_states == []


def test_no_examples_give_an_empty_part(named_states):
    part = abuse_corpus.labeled_part("site", [])
    assert len(part) == 0 and part.heads.shape == (0, len(HEADS))


def test_the_seeds_part_holds_every_hand_written_seed(named_states):
    part = abuse_corpus.seeds_part()
    seeds = seed_examples.labeled_seeds()
    assert part.name == "seeds" and len(part) == len(seeds)
    assert part.labels.tolist() == [label for _t, label, _h in seeds]


def test_parts_can_be_loaded_without_states_and_still_be_split_and_joined(named_states, tmp_path, monkeypatch):
    monkeypatch.setattr(abuse_corpus, "TRAIN_CAP", 8)
    monkeypatch.setattr(abuse_corpus, "load_abuse_set", lambda name, data_dir: fakes.abuse_set(name, 40))
    parts = abuse_corpus.load_parts(("c3", "olid"), tmp_path, "train", with_states=False)
    seeds = abuse_corpus.labeled_part("seeds", [("you are scum", 1, {}), ("fair", 0, {})], with_states=False)
    assert named_states == [] and [len(p.states) for p in parts.values()] == [8, 8] and len(seeds.states) == 2
    half = parts["c3"].take(np.arange(4))
    joined = TrunkStates.concat([half.states, seeds.states])
    assert len(joined) == 6 and joined.lengths().tolist() == [0] * 6 and len(half.texts) == 4
