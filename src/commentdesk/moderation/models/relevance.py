"""Relevance model: how much a comment is about its article (or, for a reply, its parent).

The comment's MiniLM vector is compared with the article's passages (title + short overlapping
windows of sentences), the parent comment and the thread's centroid. Each available source has
its own logistic calibration of the cosine similarity; a comment is on-topic if it is on-topic
for *any* source (a reply that answers its parent is on-topic even if it never mentions the
article), so the final logit is the maximum of the per-source logits.

Short generic reactions ("Great article", "Agreed") carry almost no content and score low cosine
against everything; the similarity to a few shipped prototype reactions enters each calibration
so that they are not treated as wildly off-topic.

Finally a small linear "comment head" on the comment vector itself adds what the text alone says
about relevance (chit-chat, remarks about other commenters): ``logit = alpha * max_source_logit +
head . comment_vec + bias``. It is fitted with the similarity term dominant, so that a comment
posted under the wrong article still scores low.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from commentdesk.moderation.models.weights_io import ModelLoadError, load_weights

WEIGHTS_DIR = Path(__file__).resolve().parent / "weights"
SOURCES = ("article", "parent", "thread")
MAX_PASSAGE_WORDS = 80
MAX_PASSAGE_SENTENCES = 3
MAX_PASSAGES = 60

_SENTENCE_END = re.compile(r"(?<=[.!?…])[\"'”’)\]]*\s+(?=[\"'“‘(\[]?[A-Z0-9À-ÖØ-Þ])|\n{2,}")


@dataclass
class RelevanceScore:
    probability: float
    similarity: float
    closest_passage: str | None
    against: str


def split_sentences(text: str) -> list[str]:
    return [s.strip() for s in _SENTENCE_END.split(text or "") if s and s.strip()]


def chunk_article(title: str, body: str) -> list[str]:
    """Title, then windows of up to 3 sentences / 80 words overlapping by one sentence."""
    passages = [title.strip()] if title and title.strip() else []
    sentences = []
    for sentence in split_sentences(body):
        words = sentence.split()
        # A run-on "sentence" (lists, missing punctuation) is cut into 80-word pieces.
        for start in range(0, len(words), MAX_PASSAGE_WORDS):
            sentences.append(" ".join(words[start : start + MAX_PASSAGE_WORDS]))
    i = 0
    while i < len(sentences) and len(passages) < MAX_PASSAGES:
        window: list[str] = []
        window_words = 0
        j = i
        while j < len(sentences) and len(window) < MAX_PASSAGE_SENTENCES:
            n = len(sentences[j].split())
            if window and window_words + n > MAX_PASSAGE_WORDS:
                break
            window.append(sentences[j])
            window_words += n
            j += 1
        passages.append(" ".join(window))
        if j >= len(sentences):
            break
        i = max(i + 1, j - 1)  # overlap by one sentence
    return passages


def _unit(v: np.ndarray) -> np.ndarray:
    n = float(np.linalg.norm(v))
    return v / n if n > 0 else v


class RelevanceModel:
    def __init__(self, meta: dict, arrays: dict[str, np.ndarray]) -> None:
        self.meta = meta
        self.version: str = meta["version"]
        self.recommended_thresholds: dict[str, float] = meta["recommended_thresholds"]
        # Per source: logit = a * similarity + g * generic_similarity + b.
        self._calibration = {s: tuple(float(x) for x in meta["calibration"][s]) for s in SOURCES}
        self._generic = arrays["generic_prototypes"].astype(np.float32)
        self._head = arrays["comment_head"].astype(np.float32)
        self._alpha = float(meta["combine"]["alpha"])
        self._bias = float(meta["combine"]["bias"])
        if self._head.shape != (self._generic.shape[1],):
            raise ModelLoadError("relevance weights: comment head has the wrong size")

    @classmethod
    def load(cls, weights_dir: Path | None = None) -> RelevanceModel:
        return load_weights(Path(weights_dir) if weights_dir else WEIGHTS_DIR, "relevance", cls)

    def chunk_article(self, title: str, body: str) -> list[str]:
        return chunk_article(title, body)

    def generic_similarity(self, comment_vec: np.ndarray) -> float:
        return float(np.max(self._generic @ comment_vec)) if len(self._generic) else 0.0

    def source_logit(self, source: str, similarity: float, generic: float) -> float:
        a, g, b = self._calibration[source]
        return a * similarity + g * generic + b

    def combine(self, source_logit: float | np.ndarray, comment_vecs: np.ndarray) -> np.ndarray:
        """Final logit(s) from the best source logit and the comment head."""
        return self._alpha * np.asarray(source_logit) + np.asarray(comment_vecs) @ self._head + self._bias

    def score(
        self,
        comment_vec: np.ndarray,
        passages: list[str],
        passage_vecs: np.ndarray,
        parent_vec: np.ndarray | None = None,
        thread_vecs: np.ndarray | None = None,
    ) -> RelevanceScore:
        c = np.asarray(comment_vec, dtype=np.float32).ravel()
        generic = self.generic_similarity(c)
        # (logit, similarity, evidence text, source) for each available source.
        candidates: list[tuple[float, float, str | None, str]] = []
        if passage_vecs is not None and len(passage_vecs):
            sims = np.asarray(passage_vecs, dtype=np.float32) @ c
            k = int(np.argmax(sims))
            text = passages[k] if k < len(passages) else None
            candidates.append((self.source_logit("article", float(sims[k]), generic), float(sims[k]), text, "article"))
        if parent_vec is not None:
            sim = float(np.asarray(parent_vec, dtype=np.float32).ravel() @ c)
            candidates.append((self.source_logit("parent", sim, generic), sim, "parent comment", "parent"))
        if thread_vecs is not None and len(thread_vecs):
            centroid = _unit(np.asarray(thread_vecs, dtype=np.float32).mean(axis=0))
            sim = float(centroid @ c)
            candidates.append((self.source_logit("thread", sim, generic), sim, None, "thread"))
        if not candidates:
            # Nothing to compare with: no evidence either way.
            return RelevanceScore(probability=0.5, similarity=0.0, closest_passage=None, against="article")
        best, sim, text, source = max(candidates, key=lambda t: t[0])
        logit = float(self.combine(best, c))
        prob = 1.0 / (1.0 + np.exp(-np.clip(logit, -40, 40)))
        return RelevanceScore(probability=float(prob), similarity=sim, closest_passage=text, against=source)
