"""Run MiniLM with ONNX Runtime: the same float32 embeddings as PyTorch, about twice as fast on a CPU.

The packaged weights are exported to ONNX once (about a second) and kept in a cache folder keyed
by the weights' content, so every later start loads the exported file directly.
"""

from __future__ import annotations

import hashlib
import logging
import os
import tempfile
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import numpy as np

from commentdesk.moderation.slots import Slots

log = logging.getLogger(__name__)
OPSET = 17


def cache_dir() -> Path:
    """``$COMMENTDESK_MODEL_CACHE``, else the user's cache folder (see config.ModelRuntimeSettings)."""
    from commentdesk.config import ModelRuntimeSettings, checked

    return checked(ModelRuntimeSettings).resolved_model_cache()


def _weights_digest(model_dir: Path) -> str:
    digest = hashlib.sha256()
    for name in ("model.safetensors", "config.json", "tokenizer.json"):
        path = model_dir / name
        digest.update(name.encode())
        digest.update(str(path.stat().st_size).encode())
        with path.open("rb") as handle:
            digest.update(handle.read(1 << 20))  # the head of the file and its size identify a release
    return digest.hexdigest()[:16]


def export(sentence_model, target: Path) -> None:
    """Export the transformer with mean pooling and L2 normalisation folded into the graph."""
    import torch

    class Pooled(torch.nn.Module):
        def __init__(self, transformer):
            super().__init__()
            self.transformer = transformer

        def forward(self, input_ids, attention_mask, token_type_ids):
            hidden = self.transformer(
                input_ids=input_ids, attention_mask=attention_mask, token_type_ids=token_type_ids
            ).last_hidden_state
            mask = attention_mask.unsqueeze(-1).to(hidden.dtype)
            mean = (hidden * mask).sum(1) / mask.sum(1).clamp(min=1e-9)
            return torch.nn.functional.normalize(mean, dim=1)

    write_graph(sentence_model, Pooled(sentence_model[0].auto_model).eval(), ["embedding"], target)


def write_graph(sentence_model, module, output_names: list[str], target: Path) -> None:
    """Trace ``module`` (inputs: ids, mask, token types) to an ONNX file, written beside the
    target and renamed, so a half-written file is never loaded."""
    import torch

    sample = sentence_model.tokenizer(["an example", "a second, longer example sentence"], padding=True, return_tensors="pt")
    axes = {0: "batch", 1: "tokens"}
    target.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.NamedTemporaryFile(dir=target.parent, suffix=".onnx.tmp", delete=False) as handle:
        temporary = Path(handle.name)
    try:
        with torch.no_grad():
            torch.onnx.export(
                module,
                (sample["input_ids"], sample["attention_mask"], sample["token_type_ids"]),
                str(temporary),
                input_names=["input_ids", "attention_mask", "token_type_ids"],
                output_names=output_names,
                dynamic_axes={"input_ids": axes, "attention_mask": axes, "token_type_ids": axes},
                opset_version=OPSET,
                dynamo=False,
            )
        temporary.replace(target)
    finally:
        temporary.unlink(missing_ok=True)


# Names the 8-bit weights and how they were made: part of the quantised file's name and of the
# embedder's version (which keys the article passages stored in the database and the evaluation
# caches). A different quantisation takes a new tag, so an installation that holds an older file
# quantises again instead of loading it, and no stored vector of the old weights is compared with
# the new ones. "int8" was full-range signed weights; "int8r" is the reduced range (see below).
INT8_TAG = "int8r"


def quantised(path: Path) -> Path:
    """The 8-bit copy of an exported graph, made once beside it (about a second).

    Dynamic quantisation: the weights of the matrix products are stored as signed bytes, one scale
    per output channel, and activations are quantised on the fly to unsigned bytes. The weights use
    the reduced range (``reduce_range=True``: -64..64, 7 bits). ONNX Runtime multiplies unsigned by
    signed bytes with an instruction that adds two products in 16 bits; processors without VNNI
    (plain AVX2) saturate that sum when two large products meet, while VNNI processors add exactly,
    so full-range weights gave different scores, and borderline decisions, on different processors.
    With 7-bit weights a pair of products stays below 2 x 255 x 64 = 32,640 < 32,767: the integer
    sums are exact on every processor, and the vectors depend only on the input.

    On a 2-core AVX2 machine 8 bits encode a comment about 1.6 times faster than 32 bits; the
    vectors keep a cosine of about 0.99 with the 32-bit ones (tests/moderation/models/test_embedder.py
    holds it to 0.97), which moves the trained heads' scores little (the suites' figures are in
    the model card, weights/MODEL_CARD.md).
    """
    target = path.with_name(f"{path.stem}-{INT8_TAG}.onnx")
    if target.exists():
        return target
    from onnxruntime.quantization import QuantType, quantize_dynamic

    with tempfile.NamedTemporaryFile(dir=path.parent, suffix=".onnx.tmp", delete=False) as handle:
        temporary = Path(handle.name)
    try:
        quantize_dynamic(str(path), str(temporary), weight_type=QuantType.QInt8, per_channel=True, reduce_range=True)
        temporary.replace(target)
    finally:
        temporary.unlink(missing_ok=True)
    return target


def cpu_session(path: Path, threads: int | None):
    import onnxruntime

    options = onnxruntime.SessionOptions()
    options.intra_op_num_threads = threads or (os.cpu_count() or 1)
    options.inter_op_num_threads = 1
    # Idle pool threads that spin for work steal the cores the web workers need: with spinning,
    # 64 posters got 41 comments/s through, without it 52.
    options.add_session_config_entry("session.intra_op.allow_spinning", "0")
    options.graph_optimization_level = onnxruntime.GraphOptimizationLevel.ORT_ENABLE_ALL
    return onnxruntime.InferenceSession(str(path), options, providers=["CPUExecutionProvider"])


class OnnxEncoder:
    """Tokenise with the model's own tokenizer, run the exported graph, return unit vectors."""

    def __init__(self, sentence_model, model_dir: Path, max_tokens: int, threads: int | None = None, int8: bool = False) -> None:
        path = cache_dir() / f"minilm-{_weights_digest(model_dir)}-opset{OPSET}.onnx"
        if not path.exists():
            log.info("exporting the embedding model to %s", path)
            export(sentence_model, path)
        # Passes run side by side, one core each, rather than one pass spread over every core:
        # a comment is short, and splitting its few dozen tokens' work costs more in handing over
        # than it saves (one comment at a time through the server: p50 33 ms with two threads
        # per pass, 27 with one).
        self.session = cpu_session(quantised(path) if int8 else path, 1)
        cores = threads or os.cpu_count() or 1
        # At most one pass per core at once, whichever thread runs it: more would only share the
        # cores and slow every pass.
        self._cores = Slots(cores)
        self._passes = ThreadPoolExecutor(max_workers=cores, thread_name_prefix="minilm-pass")
        self.tokenizer = sentence_model.tokenizer
        self.max_tokens = max_tokens
        self.int8 = int8

    @property
    def one_text_per_pass(self) -> bool:
        """Every text gets a pass of its own (see `encode`): batching texts together buys nothing."""
        return self.int8

    def encode(self, texts: list[str], batch_size: int = 64) -> np.ndarray:
        if self.int8:
            # The 8-bit graph scales its activations by the largest value in the whole batch, so
            # a text's vector would depend on the texts beside it (a comment's decision on who
            # else posted at that moment). One text per pass keeps it the same every time; on a
            # CPU it costs nothing, as batching saves little with padding.
            batch_size = 1
        # Similar lengths in one batch: less padding to compute.
        order = np.argsort([len(text) for text in texts], kind="stable")
        batches = [order[start : start + batch_size] for start in range(0, len(texts), batch_size)]
        out = np.empty((len(texts), 384), dtype=np.float32)

        def run(chosen: np.ndarray) -> np.ndarray:
            tokens = self.tokenizer(
                [texts[i] for i in chosen], padding=True, truncation=True, max_length=self.max_tokens, return_tensors="np"
            )
            feed = {name: tokens[name].astype(np.int64) for name in ("input_ids", "attention_mask", "token_type_ids")}
            with self._cores:
                return self.session.run(None, feed)[0]

        if len(batches) == 1:
            # One pass (a comment): in the caller's own thread, no hand-over to another and back.
            out[batches[0]] = run(batches[0])
            return out
        # Several passes (an article's passages) run side by side on the pool's threads.
        for chosen, vectors in zip(batches, self._passes.map(run, batches), strict=True):
            out[chosen] = vectors
        return out


def _arrays_digest(arrays: dict[str, np.ndarray]) -> str:
    digest = hashlib.sha256()
    for name in sorted(arrays):
        digest.update(name.encode())
        digest.update(np.ascontiguousarray(arrays[name]).tobytes())
    return digest.hexdigest()[:16]


def export_two_roads(sentence_model, branch_state: dict[str, np.ndarray], target: Path) -> None:
    """Export the packaged model plus the fine-tuned abuse branch as one graph with two outputs."""
    from commentdesk.moderation.models.abuse_encoder import load_branch, two_roads

    transformer = sentence_model[0].auto_model
    module = two_roads(transformer, load_branch(transformer, branch_state))
    write_graph(sentence_model, module, ["embedding", "abuse_logits"], target)


class OnnxTwoRoads(OnnxEncoder):
    """Like OnnxEncoder, but each text also gets the abuse branch's logits from the same pass.

    With ``int8`` both roads run with 8-bit weights, one text per pass (as OnnxEncoder): the
    packaged road then gives the same vectors as the 8-bit encoder, so article passages encoded
    without the branch still match."""

    def __init__(
        self,
        sentence_model,
        model_dir: Path,
        branch_state: dict[str, np.ndarray],
        max_tokens: int,
        threads: int | None = None,
        int8: bool = False,
    ) -> None:
        path = cache_dir() / f"minilm-{_weights_digest(model_dir)}-abuse-{_arrays_digest(branch_state)}-opset{OPSET}.onnx"
        if not path.exists():
            log.info("exporting the embedding model with the abuse branch to %s", path)
            export_two_roads(sentence_model, branch_state, path)
        self.session = cpu_session(quantised(path) if int8 else path, 1 if int8 else threads)
        self.tokenizer = sentence_model.tokenizer
        self.max_tokens = max_tokens
        self.int8 = int8
        # 8-bit: passes of one core each, at most one per core at once (see OnnxEncoder).
        self._cores = Slots(threads or os.cpu_count() or 1)

    def encode_both(self, texts: list[str], batch_size: int = 64) -> tuple[np.ndarray, np.ndarray]:
        if self.int8:
            batch_size = 1  # a text's scores must not depend on the texts beside it (see OnnxEncoder.encode)
        order = np.argsort([len(text) for text in texts], kind="stable")
        vectors = np.empty((len(texts), 384), dtype=np.float32)
        logits = None
        for start in range(0, len(texts), batch_size):
            chosen = order[start : start + batch_size]
            tokens = self.tokenizer(
                [texts[i] for i in chosen], padding=True, truncation=True, max_length=self.max_tokens, return_tensors="np"
            )
            feed = {name: tokens[name].astype(np.int64) for name in ("input_ids", "attention_mask", "token_type_ids")}
            with self._cores:
                embedding, branch = self.session.run(None, feed)
            if logits is None:
                logits = np.empty((len(texts), branch.shape[1]), dtype=np.float32)
            vectors[chosen], logits[chosen] = embedding, branch
        return vectors, (logits if logits is not None else np.zeros((0, 0), np.float32))
