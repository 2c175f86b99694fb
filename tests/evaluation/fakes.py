"""Stand-ins shared by the evaluation tests: an embedder that needs no model, and small labeled sets.

The embedder gives each word a fixed random direction and a text the normalised sum of its words,
so texts that share words are close and the training code has something real to learn from.
"""

from __future__ import annotations

import re
import zlib

import numpy as np

from commentdesk.evaluation.datasets import CATEGORIES, AbuseSet

WIDTH = 384


def word_vector(word: str) -> np.ndarray:
    return np.random.default_rng(zlib.crc32(word.encode("utf-8"))).normal(size=WIDTH).astype(np.float32)


def embed(texts: list[str]) -> np.ndarray:
    out = np.zeros((len(texts), WIDTH), dtype=np.float32)
    for i, text in enumerate(texts):
        for word in re.findall(r"\w+", text.lower()):
            out[i] += word_vector(word)
        norm = np.linalg.norm(out[i])
        out[i] = out[i] / norm if norm else out[i]
    return out


class WordEmbedder:
    """Quacks like the shared MiniLM embedder; remembers what it was asked to encode."""

    def __init__(self) -> None:
        self.encoded: list[str] = []

    def load(self) -> WordEmbedder:
        return self

    def encode(self, texts, batch_size=None) -> np.ndarray:
        self.encoded.extend(texts)
        return embed(list(texts))


def cached_embed(name, texts, cache_dir=None, batch_size=64):
    """Drop-in for ``embed_cached`` that never touches the disk."""
    return embed(list(texts))


INSULTS = ("idiot", "moron", "clown", "loser", "scum")
TOPICS = ("rates", "budget", "housing", "transit", "schools", "taxes", "parks", "energy")


def abusive_text(i: int) -> str:
    return f"you {INSULTS[i % len(INSULTS)]}, the {TOPICS[i % len(TOPICS)]} story is beyond a {INSULTS[(i + 2) % len(INSULTS)]} like you"


def civil_text(i: int) -> str:
    return f"the {TOPICS[i % len(TOPICS)]} plan number {i} deserves a careful look at the figures"


def abuse_set(name: str, n: int = 40, abusive_share: float = 0.5, test_share: float = 0.25, categories: bool = True) -> AbuseSet:
    """``n`` comments of a set called ``name``: abusive ones call someone names, civil ones do not.

    Rows are grouped in pairs (an article each); the last ``test_share`` of the groups is the test split."""
    n_abusive = int(round(n * abusive_share))
    labels = np.array([1] * n_abusive + [0] * (n - n_abusive), dtype=np.int8)
    order = np.random.default_rng(len(name)).permutation(n)
    labels = labels[order]
    texts = [f"{abusive_text(i) if labels[i] else civil_text(i)} ({name} {i})" for i in range(n)]
    groups = np.array([f"{name}-a{i // 2}" for i in range(n)])
    n_groups = (n + 1) // 2
    split = np.array(["test" if (i // 2) >= n_groups * (1 - test_share) else "train" for i in range(n)])
    cats = {}
    if categories:
        cats = {c: np.full(n, np.nan, np.float32) for c in CATEGORIES}
        cats["insult"] = labels.astype(np.float32)
    return AbuseSet(name=name, texts=texts, labels=labels, groups=groups, split=split, categories=cats)
