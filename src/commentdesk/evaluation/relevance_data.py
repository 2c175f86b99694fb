"""Labeled comment/context pairs for fitting and evaluating the relevance model.

Each pair is a comment and one source it is judged against, with a label 1 = on-topic:

* ``article`` (SemEval questions stand in for articles): the comment against the passages of its
  own question (label from Good/Potential vs Bad/Dialogue) and against another question (0);
* ``thread`` (SemEval and C3): the comment against the centroid of the other comments of its own
  thread (label from the crowd/gold relevance) or of another thread (0);
* ``parent`` (C3 has no reply links): a comment against one other comment of the same article
  (its relevance label) or of another article (0), the closest available stand-in for replies.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from commentdesk.evaluation.datasets import Thread, load_c3, load_c3_threads, load_semeval
from commentdesk.evaluation.embedding_cache import embed_cached
from commentdesk.moderation.models.relevance import chunk_article


def _unit(v: np.ndarray) -> np.ndarray:
    return v / max(float(np.linalg.norm(v)), 1e-9)


@dataclass
class Pairs:
    source: list[str] = field(default_factory=list)
    similarity: list[float] = field(default_factory=list)
    comment_index: list[int] = field(default_factory=list)  # into the set's comment vectors
    label: list[float] = field(default_factory=list)
    kind: list[str] = field(default_factory=list)  # "own" | "other"
    split: list[str] = field(default_factory=list)
    dataset: list[str] = field(default_factory=list)

    def add(self, source, sim, index, label, kind, split, dataset):
        self.source.append(source)
        self.similarity.append(float(sim))
        self.comment_index.append(index)
        self.label.append(float(label))
        self.kind.append(kind)
        self.split.append(split)
        self.dataset.append(dataset)

    def arrays(self) -> dict[str, np.ndarray]:
        return {k: np.array(v) for k, v in self.__dict__.items()}


@dataclass
class RelevanceCorpus:
    name: str
    threads: list[Thread]
    comment_texts: list[str]
    comment_vecs: np.ndarray
    thread_of: np.ndarray  # thread index of each comment
    labels: np.ndarray  # relevance label per comment (NaN unknown)
    passages: list[list[str]]  # per thread (empty without article text)
    passage_vecs: list[np.ndarray]


def load_corpus(name: str, data_dir: Path, cache_dir: Path | None = None) -> RelevanceCorpus:
    threads = load_semeval(data_dir) if name == "semeval" else load_c3_threads(data_dir)
    texts, thread_of, labels = [], [], []
    for t_index, thread in enumerate(threads):
        texts += thread.comments
        thread_of += [t_index] * len(thread.comments)
        labels += thread.relevant
    if name == "c3":
        # Same comments as the C3 abuse set, in thread order: reuse those cached vectors.
        c3 = load_c3(data_dir)
        by_text = dict(zip(c3.texts, embed_cached("c3", c3.texts, cache_dir), strict=True))
        vecs = np.stack([by_text[t] for t in texts])
    else:
        vecs = embed_cached(f"{name}-comments", texts, cache_dir)
    passages = [chunk_article(t.title, t.body) if (t.title or t.body) else [] for t in threads]
    flat = [p for ps in passages for p in ps]
    flat_vecs = embed_cached(f"{name}-passages", flat, cache_dir) if flat else np.zeros((0, 384))
    per_thread, start = [], 0
    for ps in passages:
        per_thread.append(flat_vecs[start : start + len(ps)])
        start += len(ps)
    return RelevanceCorpus(name, threads, texts, vecs, np.array(thread_of), np.array(labels), passages, per_thread)


def build_pairs(corpus: RelevanceCorpus, seed: int = 0) -> Pairs:
    """Own-context and other-context pairs for every comment of the corpus."""
    rng = random.Random(seed)
    pairs = Pairs()
    members: dict[int, np.ndarray] = {}
    for t in range(len(corpus.threads)):
        members[t] = np.flatnonzero(corpus.thread_of == t)
    n_threads = len(corpus.threads)
    for i, vec in enumerate(corpus.comment_vecs):
        t = int(corpus.thread_of[i])
        split = corpus.threads[t].split
        label = corpus.labels[i]
        if np.isnan(label):
            continue
        other = rng.randrange(n_threads - 1)
        other = other + 1 if other >= t else other
        if len(corpus.passage_vecs[t]):
            pairs.add("article", np.max(corpus.passage_vecs[t] @ vec), i, label, "own", split, corpus.name)
            pairs.add("article", np.max(corpus.passage_vecs[other] @ vec), i, 0, "other", split, corpus.name)
        own_rest = members[t][members[t] != i]
        if len(own_rest) and len(members[other]):
            centroid = _unit(corpus.comment_vecs[own_rest].mean(axis=0))
            pairs.add("thread", centroid @ vec, i, label, "own", split, corpus.name)
            centroid = _unit(corpus.comment_vecs[members[other]].mean(axis=0))
            pairs.add("thread", centroid @ vec, i, 0, "other", split, corpus.name)
            if corpus.name == "c3":
                j = rng.choice(list(own_rest))
                pairs.add("parent", corpus.comment_vecs[j] @ vec, i, label, "own", split, corpus.name)
                j = rng.choice(list(members[other]))
                pairs.add("parent", corpus.comment_vecs[j] @ vec, i, 0, "other", split, corpus.name)
    return pairs
