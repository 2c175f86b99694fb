"""The fine-tuned abuse model: P(abusive), category scores and the words that drove them.

Three signals are stacked by a logistic regression calibrated on held-back news comments:

* the *branch*: fine-tuned top MiniLM layers (:mod:`.abuse_encoder`) that read the comment
  after the shared lower layers, with one output for "abusive" and one per category; it runs
  inside the embedder's graph, so this class receives its logits;
* the *lexical view*: hashed character n-grams of the normalised text (see :mod:`.abuse`),
  which see through spaced, leet and look-alike spellings and name the words that mattered;
* whether a word was *disguised*. A comment with disguised words is read a second time by the
  branch with the disguise undone ("you are an id1ot" -> "you are an idiot"), and the stronger
  reading counts.

Threat, dehumanisation and incitement scores above their floors also raise P(abusive): those are
rare in the labeled news sets, so the stacker alone would under-weigh them.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import cached_property
from pathlib import Path

import numpy as np

from commentdesk.moderation.models.abuse import (
    _WORD_EDGE_PUNCT,
    AbuseScore,
    LexicalFeaturizer,
    WordReading,
    analyse,
    category_floors,
    evidence_words,
    is_disguised,
    lexical_spec,
    read_words,
    scores_with_evidence,
    token_spans,
)
from commentdesk.moderation.models.weights_io import ModelLoadError, load_weights

FORMAT = "finetuned-branch-1"
BRANCH_PREFIX = "branch."
Reencode = Callable[[list[str]], np.ndarray]


def _sigmoid(z: np.ndarray) -> np.ndarray:
    return 1.0 / (1.0 + np.exp(-np.clip(z, -40, 40)))


def undisguised(text: str, repairs: dict[str, str]) -> str:
    """The comment with each disguised word replaced by its plain spelling, the rest unchanged."""
    from commentdesk.moderation.models.abuse import normalise_token

    pieces, last = [], 0
    for start, end in token_spans(text):
        word = text[start:end]
        plain = repairs.get(normalise_token("".join(word.split())), None)
        if is_disguised(word) or plain:
            core = normalise_token("".join(word.split()))
            # Keep the punctuation around the word ("id1ot." -> "idiot.").
            stripped = word.strip(_WORD_EDGE_PUNCT)
            head = word[: len(word) - len(word.lstrip(_WORD_EDGE_PUNCT))] if stripped else ""
            tail = word[len(word.rstrip(_WORD_EDGE_PUNCT)) :] if stripped else ""
            pieces.append(text[last:start] + head + (plain or core) + tail)
        else:
            pieces.append(text[last:end])
        last = end
    pieces.append(text[last:])
    return "".join(pieces)


def stack_inputs(branch_logit: np.ndarray, lexical_logit: np.ndarray, disguised: np.ndarray) -> np.ndarray:
    disguised = np.asarray(disguised, dtype=np.float64)
    return np.column_stack([branch_logit, lexical_logit, disguised, disguised * lexical_logit])


class FineTunedAbuseModel:
    """Inference over the arrays saved by :mod:`commentdesk.evaluation.train_abuse_encoder`."""

    def __init__(self, meta: dict, arrays: dict[str, np.ndarray]) -> None:
        if meta.get("format") != FORMAT:
            raise ModelLoadError(f"abuse weights: expected format {FORMAT}, found {meta.get('format')}")
        self.meta, self.arrays = meta, arrays
        self.version: str = meta["version"]
        self.outputs: list[str] = list(meta["outputs"])
        self.category_names = self.outputs[1:]
        self.recommended_thresholds: dict[str, float] = meta["recommended_thresholds"]
        self.repairs: dict[str, str] = dict(meta.get("repairs", {}))
        self.evidence_min_weight: float = meta.get("evidence_min_weight", 0.5)
        self._lex_w = arrays["lexical_w"].astype(np.float32)
        self._lex_b = float(arrays["lexical_b"])
        self._stack_w = arrays["stack_w"].astype(np.float64)
        self._stack_b = float(arrays["stack_b"])
        self._floors = category_floors(meta, self.category_names)
        self.spec = lexical_spec(meta, self._lex_w)
        self._known_words: dict[str, float] = {}  # each word's evidence strength, kept between comments

    @classmethod
    def load(cls, weights_dir: Path) -> FineTunedAbuseModel:
        return load_weights(Path(weights_dir), "abuse", cls)

    @property
    def branch_state(self) -> dict[str, np.ndarray]:
        """The branch's parameters, for the embedder to build its two-road graph from."""
        return {key[len(BRANCH_PREFIX) :]: value for key, value in self.arrays.items() if key.startswith(BRANCH_PREFIX)}

    @cached_property
    def _featurizer(self) -> LexicalFeaturizer:
        return LexicalFeaturizer(self.spec)

    def read_words(self, texts: list[str]) -> WordReading:
        """What this model reads from the words alone (see `WordReading`)."""
        return read_words(texts, self.repairs, self._featurizer, self._lex_w, self._lex_b, self._evidence)

    def stack_and_heads(
        self, texts: list[str], logits: np.ndarray, reencode: Reencode | None, words: WordReading | None = None
    ) -> tuple[np.ndarray, np.ndarray]:
        """(stacker inputs, category probabilities) for comments whose branch logits are given."""
        analysed = words.analysed if words is not None else [analyse(t, self.repairs) for t in texts]
        logits = np.array(logits, dtype=np.float64).reshape(len(texts), len(self.outputs))
        disguised = np.array([a.disguised for a in analysed])
        rows = np.flatnonzero(disguised > 0)
        if reencode is not None and len(rows):
            plain = [undisguised(texts[i], self.repairs) for i in rows]
            changed = [k for k, i in enumerate(rows) if plain[k] != texts[i]]
            if changed:
                again = np.asarray(reencode([plain[k] for k in changed]), dtype=np.float64)
                logits[rows[changed]] = np.maximum(logits[rows[changed]], again)
        if words is not None:
            lexical = words.lexical
        else:
            lexical = self._featurizer.logits([" ".join(a.normalised) for a in analysed], self._lex_w, self._lex_b)
        return stack_inputs(logits[:, 0], lexical, disguised), _sigmoid(logits[:, 1:])

    def _finish(self, x: np.ndarray, heads: np.ndarray) -> np.ndarray:
        prob = _sigmoid(x @ self._stack_w + self._stack_b)
        for j, level in self._floors:
            prob = np.where(heads[:, j] >= level, np.maximum(prob, heads[:, j]), prob)
        return prob

    def probabilities_from_logits(
        self, texts: list[str], logits: np.ndarray, reencode: Reencode | None = None
    ) -> tuple[np.ndarray, np.ndarray]:
        """(P(abusive) (n,), category probabilities (n, len(category_names)))."""
        if not texts:
            return np.zeros(0), np.zeros((0, len(self.category_names)))
        x, heads = self.stack_and_heads(texts, logits, reencode)
        return self._finish(x, heads), heads

    def probabilities(self, texts: list[str], _embeddings=None) -> tuple[np.ndarray, np.ndarray]:
        """Like :meth:`probabilities_from_logits`, running the branch itself through the shared
        embedder (for evaluation code that holds texts and packaged embeddings only)."""
        from commentdesk.moderation.models.embedder import shared_embedder

        embedder = shared_embedder().load()
        embedder.attach_branch(self.branch_state)
        logits = embedder.encode_with_branch(list(texts))[1] if texts else np.zeros((0, len(self.outputs)))
        return self.probabilities_from_logits(list(texts), logits, embedder.encode_branch)

    def predict(
        self, texts: list[str], logits: np.ndarray, reencode: Reencode | None = None, words: WordReading | None = None
    ) -> list[AbuseScore]:
        """Scores with evidence; `words`: the texts' `read_words`, when it was done beforehand."""
        if not texts:
            return []
        words = words or self.read_words(texts)
        x, heads = self.stack_and_heads(texts, logits, reencode, words)
        return scores_with_evidence(self._finish(x, heads), heads, self.category_names, words.evidence)

    def _evidence(self, originals: list[str], normalised: list[str], limit: int = 5) -> list[str]:
        return evidence_words(
            self._featurizer, self._lex_w, self.evidence_min_weight, originals, normalised, limit, self._known_words
        )


def load_abuse_model(weights_dir: Path | None = None):
    """The abuse model stored in ``weights_dir`` (the shipped weights by default), of either kind:
    fine-tuned (this module) or the earlier linear one (:class:`.abuse.AbuseModel`)."""
    from commentdesk.moderation.models.abuse import WEIGHTS_DIR, AbuseModel

    def build(meta: dict, arrays: dict[str, np.ndarray]) -> FineTunedAbuseModel | AbuseModel:
        kind = FineTunedAbuseModel if meta.get("format") == FORMAT else AbuseModel
        return kind(meta, arrays)

    return load_weights(Path(weights_dir) if weights_dir else WEIGHTS_DIR, "abuse", build)
