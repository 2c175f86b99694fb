"""The abuse encoder: the top layers of MiniLM, fine-tuned for abuse, on the shared lower layers.

The first ``SHARED_LAYERS`` transformer layers are the packaged all-MiniLM-L6-v2, unchanged, and
shared with the relevance model: one pass through them serves both. From there the comment takes
two roads: the packaged top layers give the sentence embedding that relevance and near-duplicate
checks use (so shipped relevance weights and cached article passages stay valid), and a
fine-tuned copy of those top layers with a multi-task head gives the abuse logits. The extra cost
is ``6 - SHARED_LAYERS`` layer(s) per comment: on a 2-core CPU one fine-tuned layer is what
leave-one-source-out training of a dozen models can afford, and it carries most of the gain.

This module needs PyTorch; it is used to train the branch and to export the two-road graph to
ONNX Runtime, which then runs it at inference.
"""

from __future__ import annotations

import copy
from pathlib import Path

import numpy as np

SHARED_LAYERS = 5
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

        def __init__(self, top_layers, width: int = 384) -> None:
            super().__init__()
            self.layers = copy.deepcopy(top_layers)
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
            return embedding, self.branch(out.hidden_states[SHARED_LAYERS], attention_mask)

    return AbuseBranch, TwoRoads


def new_branch(transformer):
    """A branch initialised from the packaged top layers (the starting point of training)."""
    AbuseBranch, _ = _torch_module()
    return AbuseBranch(transformer.encoder.layer[SHARED_LAYERS:])


def branch_arrays(branch) -> dict[str, np.ndarray]:
    """The branch's parameters as float16 arrays (what is shipped in ``abuse_encoder.npz``)."""
    return {name: tensor.detach().cpu().numpy().astype(np.float16) for name, tensor in branch.state_dict().items()}


def load_branch(transformer, arrays: dict[str, np.ndarray]):
    import torch

    branch = new_branch(transformer)
    state = {name: torch.from_numpy(np.asarray(arrays[name], dtype=np.float32)) for name in branch.state_dict()}
    branch.load_state_dict(state)
    return branch.eval()


def two_roads(transformer, branch):
    _, TwoRoads = _torch_module()
    return TwoRoads(transformer, branch).eval()


def read_arrays(path: Path) -> dict[str, np.ndarray]:
    with np.load(path, allow_pickle=False) as npz:
        return {key: npz[key] for key in npz.files}
