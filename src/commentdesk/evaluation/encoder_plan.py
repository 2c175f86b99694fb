"""What every encoder trained for the abuse model shares: the learning rates, the word pieces
read, and the plan of batches (rows of similar length, epoch after epoch). Used by the top-layer
trainer (:mod:`commentdesk.evaluation.train_abuse_encoder`) and the six-layer one
(:mod:`commentdesk.evaluation.train_full_encoder`).
"""

from __future__ import annotations

import math

import numpy as np

from commentdesk.evaluation.abuse_corpus import SET_WEIGHTS, Part

BATCH = 32
# Word pieces of a comment that training reads (scoring reads all that the cache holds).
TRAIN_TOKENS = 64
LEARNING_RATE = 6e-5
HEAD_LEARNING_RATE = 2e-3
HEAD_LOSS_WEIGHT = 0.5


def _batches(lengths: np.ndarray, rng: np.random.Generator) -> list[np.ndarray]:
    """Shuffled batches of rows of similar length (little padding)."""
    order = rng.permutation(len(lengths))
    chunk = BATCH * 50
    batches: list[np.ndarray] = []
    for start in range(0, len(order), chunk):
        piece = order[start : start + chunk]
        piece = piece[np.argsort(lengths[piece], kind="stable")]
        batches.extend(piece[i : i + BATCH] for i in range(0, len(piece), BATCH))
    rng.shuffle(batches)
    return batches


def training_plan(parts: list[Part], lengths: np.ndarray, epochs: float, seed: int):
    """(targets, head targets, row weights) as tensors, and the batches of row indices to train on,
    epoch after epoch: what every encoder trained on these parts shares."""
    import torch

    targets = torch.from_numpy(np.concatenate([p.targets for p in parts]).astype(np.float32))
    heads = torch.from_numpy(np.concatenate([p.heads for p in parts]).astype(np.float32))
    weights = torch.from_numpy(np.concatenate([np.full(len(p), SET_WEIGHTS.get(p.name, 1.0), np.float32) for p in parts]))
    rng = np.random.default_rng(seed)
    plan = []
    for epoch in range(math.ceil(epochs)):
        batches = _batches(lengths, rng)
        share = min(1.0, epochs - epoch)
        # At least one batch per started epoch: a fraction of one batch would leave nothing to train
        # (and an empty schedule divides by zero).
        plan.extend(batches[: max(1, int(len(batches) * share))])
    return targets, heads, weights, plan
