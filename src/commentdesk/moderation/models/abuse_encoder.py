"""The abuse encoder: MiniLM layers fine-tuned for abuse, on top of the packaged lower ones.

The lower transformer layers (and always the word-piece embeddings) are the packaged
all-MiniLM-L6-v2, unchanged, and shared with the relevance model: one pass through them serves
both. From there the comment takes two roads: the packaged top layers give the sentence embedding
that relevance and near-duplicate checks use (so shipped relevance weights and cached article
passages stay valid), and a fine-tuned copy of those top layers with a multi-task head gives the
abuse logits. How many layers are fine-tuned is read from the saved branch itself: each costs one
extra layer per comment. The shipped branch tunes all six (a second whole pass after the
word-piece embeddings), which transfers best to sets never trained on; the recipe that tunes only
the top layer on cached states of the five below (``SHARED_LAYERS``) is what leave-one-source-out
evaluation of a dozen models can afford on a 2-core CPU.

This module needs PyTorch; it is used to train the branch and to export the two-road graph to
ONNX Runtime, which then runs it at inference.
"""

from __future__ import annotations

import copy
from pathlib import Path

import numpy as np

DEPTH = 6  # layers of all-MiniLM-L6-v2
# Packaged layers below the branch in the cached-states recipe (evaluation.trunk_cache).
SHARED_LAYERS = 5
# A stored weight matrix of at least this many numbers is kept as 8-bit integers with one scale
# per output row: six fine-tuned layers take 11 MB (uncompressed) instead of 21 at 16 bits; the rows'
# rounding (1/254 of each row's largest weight) is below what the run-time 8-bit graph rounds.
INT8_MIN_SIZE = 4096
SCALE_SUFFIX = ":scale"
# In a saved file, such a matrix may instead be kept as its difference from the packaged layer's
# weights rounded at the same row scales (`as_deltas`): fine-tuning moves most weights by less
# than a rounding step or two, so the differences are small and the file compresses to under half.
DELTA_SUFFIX = ":delta"
# Output 0 is P(abusive); the rest are the category heads, in this order.
HEADS = ("insult", "threat", "identity_attack", "obscenity", "dehumanisation", "incitement")
OUTPUTS = ("abusive",) + HEADS


def additive_mask(attention_mask, dtype):
    import torch

    return (1.0 - attention_mask[:, None, None, :].to(dtype)) * torch.finfo(dtype).min


def masked_mean(hidden, attention_mask):
    mask = attention_mask.unsqueeze(-1).to(hidden.dtype)
    return (hidden * mask).sum(1) / mask.sum(1).clamp(min=1e-9)


def _torch_module():
    import torch

    class AbuseBranch(torch.nn.Module):
        """Fine-tuned copies of the top layers, mean pooling and one linear layer of logits."""

        def __init__(self, top_layers, shared_layers: int, width: int = 384) -> None:
            super().__init__()
            self.layers = copy.deepcopy(top_layers)
            self.shared_layers = shared_layers  # packaged layers below the branch
            self.dropout = torch.nn.Dropout(0.1)
            self.head = torch.nn.Linear(width, len(OUTPUTS))

        def forward(self, hidden, attention_mask):
            extended = additive_mask(attention_mask, hidden.dtype)
            for layer in self.layers:
                hidden = layer(hidden, attention_mask=extended)
                hidden = hidden[0] if isinstance(hidden, tuple) else hidden
            pooled = torch.nn.functional.normalize(masked_mean(hidden, attention_mask), dim=1)
            return self.head(self.dropout(pooled))

    class TwoRoads(torch.nn.Module):
        """Shared lower layers, then (packaged embedding, abuse logits) in one graph."""

        def __init__(self, transformer, branch) -> None:
            super().__init__()
            self.transformer = transformer
            self.branch = branch

        def forward(self, input_ids, attention_mask, token_type_ids):
            out = self.transformer(
                input_ids=input_ids, attention_mask=attention_mask, token_type_ids=token_type_ids, output_hidden_states=True
            )
            embedding = torch.nn.functional.normalize(masked_mean(out.last_hidden_state, attention_mask), dim=1)
            # hidden_states[0] is the word-piece embeddings' output, [k] that of the k-th layer.
            return embedding, self.branch(out.hidden_states[self.branch.shared_layers], attention_mask)

    return AbuseBranch, TwoRoads


def new_branch(transformer, tuned: int = DEPTH - SHARED_LAYERS):
    """A branch initialised from the packaged top ``tuned`` layers (the start of training)."""
    AbuseBranch, _ = _torch_module()
    layers = transformer.encoder.layer
    return AbuseBranch(layers[len(layers) - tuned :], shared_layers=len(layers) - tuned)


def tuned_layers(arrays: dict[str, np.ndarray]) -> int:
    """How many layers a saved branch holds (its parameters are named ``layers.<k>.…``)."""
    return len({name.split(".")[1] for name in arrays if name.startswith("layers.")})


def branch_arrays(branch) -> dict[str, np.ndarray]:
    """The branch's parameters as stored: large matrices as int8 rows with a float16 scale each
    (``<name>:scale``), the rest as float16."""
    arrays: dict[str, np.ndarray] = {}
    for name, tensor in branch.state_dict().items():
        values = tensor.detach().cpu().numpy().astype(np.float32)
        if values.ndim == 2 and values.size >= INT8_MIN_SIZE:
            scale = np.maximum(np.abs(values).max(axis=1, keepdims=True), 1e-12) / 127.0
            scale = scale.astype(np.float16).astype(np.float32)
            arrays[name] = np.clip(np.rint(values / scale), -127, 127).astype(np.int8)
            arrays[name + SCALE_SUFFIX] = scale.astype(np.float16)
        else:
            arrays[name] = values.astype(np.float16)
    return arrays


def _rounded(values, scale: np.ndarray) -> np.ndarray:
    """`values` as the int8 rows `branch_arrays` stores at these row scales (int16: no wrapping yet)."""
    scale = np.asarray(scale, dtype=np.float32)
    return np.clip(np.rint(np.asarray(values, dtype=np.float32) / scale), -127, 127).astype(np.int16)


def as_deltas(arrays: dict[str, np.ndarray], packaged: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
    """`branch_arrays` for saving: each int8 matrix whose packaged counterpart (`packaged`, the
    untuned branch's parameters) has its shape becomes ``<name>:delta``, the difference of the
    two roundings wrapped into int8 (the stored rows lie in -127..127, so the wrap undoes itself)."""
    out: dict[str, np.ndarray] = {}
    for name, values in arrays.items():
        base = packaged.get(name)
        if values.dtype != np.int8 or base is None or np.shape(base) != values.shape:
            out[name] = values
            continue
        difference = values.astype(np.int16) - _rounded(base, arrays[name + SCALE_SUFFIX])
        out[name + DELTA_SUFFIX] = difference.astype(np.int8)  # wraps modulo 256
    return out


def stored_values(arrays: dict[str, np.ndarray], name: str, packaged=None) -> np.ndarray:
    """A parameter as float32, whichever way `branch_arrays` or `as_deltas` stored it (a delta
    needs the packaged parameter it was taken from)."""
    scale = arrays.get(name + SCALE_SUFFIX)
    delta = arrays.get(name + DELTA_SUFFIX)
    if delta is not None:
        if packaged is None:
            raise ValueError(f"{name} is stored as a difference from the packaged weights, which were not given")
        scale = arrays[name + SCALE_SUFFIX]  # a delta is always stored with its row scales
        rows = (_rounded(packaged, scale) + delta.astype(np.int16)).astype(np.int8)  # wraps back into -127..127
        return rows.astype(np.float32) * np.asarray(scale, dtype=np.float32)
    values = np.asarray(arrays[name], dtype=np.float32)
    return values * np.asarray(scale, dtype=np.float32) if scale is not None else values


def packaged_state(transformer, tuned: int) -> dict[str, np.ndarray]:
    """The untuned branch's parameters (the packaged top `tuned` layers): what deltas are taken from."""
    return {name: tensor.numpy() for name, tensor in new_branch(transformer, tuned).state_dict().items()}


def load_branch(transformer, arrays: dict[str, np.ndarray]):
    import torch

    branch = new_branch(transformer, tuned_layers(arrays))
    packaged = {name: tensor.numpy() for name, tensor in branch.state_dict().items()}
    state = {name: torch.from_numpy(stored_values(arrays, name, packaged[name])) for name in packaged}
    branch.load_state_dict(state)
    return branch.eval()


def two_roads(transformer, branch):
    _, TwoRoads = _torch_module()
    return TwoRoads(transformer, branch).eval()


def read_arrays(path: Path) -> dict[str, np.ndarray]:
    with np.load(path, allow_pickle=False) as npz:
        return {key: npz[key] for key in npz.files}
