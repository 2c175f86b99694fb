"""Which rows of each labeled set the fine-tuned abuse model learns from, and the token-state
store that keeps their encoder outputs: capped, deterministic, balanced, aligned."""

from __future__ import annotations

import numpy as np
import pytest

from commentdesk.evaluation.abuse_corpus import NEWS_SETS, Part, _heads, select_rows, split_calibration
from commentdesk.evaluation.datasets import AbuseSet
from commentdesk.evaluation.trunk_cache import TrunkStates
from commentdesk.moderation.models.abuse_encoder import HEADS


def abuse_set(n=100, positives=10, name="c3"):
    texts = [f"text {i}" if i % 17 else "   " for i in range(n)]
    labels = np.array([1 if i < positives else 0 for i in range(n)], np.int8)
    return AbuseSet(
        name,
        texts,
        labels,
        np.array([f"g{i % 7}" for i in range(n)]),
        np.array(["train"] * (n - 10) + ["test"] * 10),
        {"insult": labels.astype(np.float32)},
    )


def states(n, width=4):
    lengths = np.arange(1, n + 1)
    offsets = np.concatenate([[0], np.cumsum(lengths)]).astype(np.int64)
    hidden = (np.arange(offsets[-1] * width, dtype=np.float32) % 1000).reshape(-1, width).astype(np.float16)
    return TrunkStates(hidden, offsets, np.arange(n * 3, dtype=np.float32).reshape(n, 3))


def test_a_small_split_is_taken_whole_without_blank_texts():
    data = abuse_set()
    rows = select_rows(data, "test", cap=50)
    assert rows.tolist() == [i for i in range(90, 100) if i % 17]


def test_a_large_split_is_capped_with_positives_first_up_to_half():
    data = abuse_set(n=100, positives=10)
    rows = select_rows(data, "train", cap=20, seed=0)
    assert len(rows) == 20 and list(rows) == sorted(rows)
    assert int(data.labels[rows].sum()) == len([i for i in range(10) if i % 17])  # every positive fits in half the cap
    assert all(data.texts[i].strip() for i in rows)


def test_the_choice_is_the_same_every_time_and_differs_by_seed():
    data = abuse_set(n=300, positives=150)
    assert np.array_equal(select_rows(data, "train", 40, seed=3), select_rows(data, "train", 40, seed=3))
    assert not np.array_equal(select_rows(data, "train", 40, seed=3), select_rows(data, "train", 40, seed=4))
    assert int(data.labels[select_rows(data, "train", 40)].sum()) == 20


def test_heads_a_set_does_not_label_are_unknown():
    data = abuse_set(n=5, positives=2)
    heads = _heads(data, np.array([0, 3]))
    column = HEADS.index("insult") if "insult" in HEADS else None
    assert heads.shape == (2, len(HEADS))
    if column is not None:
        assert heads[:, column].tolist() == [1.0, 0.0]
    others = [j for j in range(len(HEADS)) if j != column]
    assert np.isnan(heads[:, others]).all()


def test_token_states_are_taken_and_joined_in_step_with_their_rows():
    store = states(4)
    assert len(store) == 4 and store.lengths().tolist() == [1, 2, 3, 4]
    part = store.take(np.array([3, 1]))
    assert part.lengths().tolist() == [4, 2]
    assert np.array_equal(part.hidden[:4], store.hidden[store.offsets[3] : store.offsets[4]])
    assert np.array_equal(part.embedding, store.embedding[[3, 1]])
    joined = TrunkStates.concat([store.take(np.array([0])), part])
    assert joined.lengths().tolist() == [1, 4, 2] and len(joined.embedding) == 3
    empty = store.take(np.array([], dtype=np.int64))
    assert len(empty) == 0 and empty.hidden.shape[1] == store.hidden.shape[1]


def test_a_batch_is_padded_with_a_mask():
    pytest.importorskip("torch")
    hidden, mask = states(3).batch(np.array([0, 2]), max_tokens=2)
    assert tuple(hidden.shape) == (2, 2, 4) and mask.tolist() == [[1, 0], [1, 1]]


def part_of(name, groups):
    n = len(groups)
    return Part(
        name,
        [f"t{i}" for i in range(n)],
        np.zeros(n, np.float32),
        np.zeros(n, np.int8),
        np.full((n, len(HEADS)), np.nan, np.float32),
        np.array(groups),
        states(n),
    )


def test_news_sets_hold_back_whole_groups_to_calibrate():
    groups = [f"article-{i // 3}" for i in range(300)]
    train, held = split_calibration(part_of("c3", groups))
    assert len(train) + len(held) == 300 and 0 < len(held) < len(train)
    assert not set(train.groups) & set(held.groups)  # an article is on one side only
    assert "c3" in NEWS_SETS


def test_other_sets_are_not_split():
    part = part_of("olid", ["g"] * 5)
    train, held = split_calibration(part)
    assert train is part and held is None


def _abusive_part(name: str, n: int) -> Part:
    labels = np.array([i % 2 for i in range(n)], np.int8)
    heads = np.full((n, len(HEADS)), np.nan, np.float32)
    heads[:, HEADS.index("insult")] = labels
    texts = [f"you are a stupid idiot number {i}" if y else f"the budget line {i} is fine" for i, y in enumerate(labels)]
    groups = np.array([f"{name}:{i}" for i in range(n)])
    return Part(name, texts, labels.astype(np.float32), labels, heads, groups, TrunkStates.placeholder(n))


def test_disguised_rows_are_abusive_training_rows_rewritten_with_every_evasion():
    from commentdesk.evaluation.abuse_corpus import disguised_part, split_calibration
    from commentdesk.evaluation.perturb import PERTURBATIONS

    parts = [_abusive_part("c3", 400), _abusive_part("olid", 40)]
    disguised = disguised_part(parts, per_kind=50)
    assert disguised.name == "disguised" and len(disguised) == 50 * len(PERTURBATIONS)
    assert set(disguised.labels) == {1} and np.all(disguised.heads[:, HEADS.index("insult")] == 1)
    originals = {text for part in parts for text in part.texts}
    assert not originals & set(disguised.texts)  # every row rewritten
    calibration = split_calibration(parts[0])[1]
    held_back = {f"disguised:{g}" for g in calibration.groups}
    assert not held_back & set(disguised.groups)  # no copy of a row that calibrates the stacker
    again = disguised_part(parts, per_kind=50)
    assert again.texts == disguised.texts
