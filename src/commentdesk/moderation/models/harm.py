"""Harm model: does a comment threaten, wish or call for violence, or sexually harass someone?

The abuse model learns "abusive" from sets where threats and harassment are rare, and its words
are those of insults: a polite threat ("it would be a shame if something happened to your
family") has no abusive word in it. This model reads the *meaning* instead: one logistic head per
kind of harm on the MiniLM sentence embedding that the pipeline already computes, so it costs one
small matrix product per comment.

Heads (trained by :mod:`commentdesk.evaluation.train_harm`):

* ``violence``: threats of violence (blunt or polite), wishing death or harm on someone, calls
  for and incitement to violence against people or groups;
* ``sexual``: sexual harassment of a person (remarks on their body, propositions, degrading
  sexual comments).

The weights (``harm.json`` + ``harm.npz``, no pickles) ship with the package and are the same for
every abuse-model variant.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

import numpy as np

WEIGHTS_DIR = Path(__file__).resolve().parent / "weights"
HEADS = ("violence", "sexual")


class HarmLoadError(RuntimeError):
    """The harm weights are missing, corrupt or do not match the embedder."""


@dataclass(frozen=True)
class HarmScore:
    """P(kind of harm) per head, e.g. {"violence": 0.91, "sexual": 0.02}."""

    scores: dict[str, float]

    def strongest(self) -> tuple[str, float]:
        return max(self.scores.items(), key=lambda item: item[1])


class HarmModel:
    def __init__(self, meta: dict, weights: np.ndarray, bias: np.ndarray) -> None:
        heads = list(meta.get("heads", []))
        if weights.ndim != 2 or weights.shape[1] != len(heads) or bias.shape != (len(heads),):
            raise HarmLoadError("harm weights do not match the heads named in harm.json")
        self.meta = meta
        self.version: str = meta["version"]
        self.heads = heads
        self.recommended_thresholds: dict[str, float] = dict(meta.get("recommended_thresholds", {}))
        self._w = weights.astype(np.float32)
        self._b = bias.astype(np.float32)

    @classmethod
    def load(cls, weights_dir: Path | None = None) -> "HarmModel":
        folder = Path(weights_dir) if weights_dir else WEIGHTS_DIR
        try:
            meta = json.loads((folder / "harm.json").read_text(encoding="utf-8"))
            with np.load(folder / "harm.npz", allow_pickle=False) as arrays:
                weights, bias = arrays["w"], arrays["b"]
        except Exception as error:  # missing file, bad JSON, truncated npz, missing key
            raise HarmLoadError(f"cannot load the harm model from {folder}: {error}") from error
        return cls(meta, weights, bias)

    @property
    def dimensions(self) -> int:
        return int(self._w.shape[0])

    def probabilities(self, embeddings: np.ndarray) -> np.ndarray:
        """(n, heads) probabilities for (n, dimensions) sentence embeddings."""
        x = np.asarray(embeddings, dtype=np.float32).reshape(-1, self.dimensions)
        z = np.clip(x @ self._w + self._b, -40, 40)
        return 1.0 / (1.0 + np.exp(-z))

    def score(self, embedding: np.ndarray) -> HarmScore:
        row = self.probabilities(embedding)[0]
        return HarmScore({head: float(row[j]) for j, head in enumerate(self.heads)})
