"""Training of the abuse branch with all six MiniLM layers fine-tuned (the shipped recipe).

The branch of :mod:`commentdesk.evaluation.train_abuse_encoder` tuned only the top layer, on
cached states of the five below. Here the encoder is a trained copy of the whole packaged
transformer that reads the word pieces itself (the word-piece, position and type embeddings stay
frozen, so at run time it starts from the same embeddings as the packaged road): same batches,
losses, set weights, heads, learning rates and schedule. Leave-one-source-out, tuning all six
layers ranks sets never trained on better (mean ROC-AUC 0.724 against 0.698 stacked for one
layer; docs/evaluation/transfer-full-encoder.md). Training reads the first 64 word pieces of a
comment, scoring 96.

``source_heads`` (an experiment, bench/transfer_full_encoder.py) adds one residual "abusive"
logit per training set.
"""

from __future__ import annotations

import copy
import time
from collections.abc import Callable

import numpy as np
from tqdm import tqdm

from commentdesk.evaluation.abuse_corpus import Part
from commentdesk.evaluation.encoder_plan import (
    HEAD_LEARNING_RATE,
    HEAD_LOSS_WEIGHT,
    LEARNING_RATE,
    TRAIN_TOKENS,
    training_plan,
)
from commentdesk.evaluation.trunk_cache import TRAIN_TOKENS as SCORE_TOKENS
from commentdesk.evaluation.trunk_cache import base_model
from commentdesk.moderation.models.abuse_encoder import DEPTH, OUTPUTS, branch_arrays, masked_mean, new_branch

THREADS = 2
# With source heads: the weight of the shared logit's own loss beside that of shared + residual.
SHARED_LOSS_WEIGHT = 0.5


def _encoder_module():
    import torch

    class FullEncoder(torch.nn.Module):
        """The packaged transformer (a trained copy), mean pooling and the multi-task head."""

        def __init__(self, transformer, width: int = 384, sources: int = 0) -> None:
            super().__init__()
            self.transformer = copy.deepcopy(transformer)
            self.dropout = torch.nn.Dropout(0.1)
            self.head = torch.nn.Linear(width, len(OUTPUTS))
            # With `sources`: one residual "abusive" logit per training set, added to the shared one
            # for that set's rows only, so each set's own labelling habits have somewhere to go
            # other than the shared logit (which alone scores a set never seen).
            self.source_heads = torch.nn.Linear(width, sources) if sources else None
            for parameter in self.transformer.embeddings.parameters():
                parameter.requires_grad_(False)

        def layer_parameters(self) -> list:
            return [p for layer in self.transformer.encoder.layer for p in layer.parameters()]

        def forward(self, input_ids, attention_mask):
            hidden = self.transformer(
                input_ids=input_ids, attention_mask=attention_mask, token_type_ids=torch.zeros_like(input_ids)
            ).last_hidden_state
            pooled = self.dropout(torch.nn.functional.normalize(masked_mean(hidden, attention_mask), dim=1))
            if self.source_heads is None:
                return self.head(pooled)
            return torch.cat([self.head(pooled), self.source_heads(pooled)], dim=1)

    return FullEncoder


def word_pieces(texts: list[str]) -> list[list[int]]:
    tokenizer, _model = base_model()
    return tokenizer(list(texts), truncation=True, max_length=SCORE_TOKENS)["input_ids"]


def padded(pieces: list[list[int]], rows: np.ndarray, max_tokens: int | None = None):
    import torch

    cut = [pieces[r][:max_tokens] if max_tokens else pieces[r] for r in rows]
    width = max(len(c) for c in cut)
    ids = np.zeros((len(rows), width), np.int64)
    mask = np.zeros((len(rows), width), np.int64)
    for k, c in enumerate(cut):
        ids[k, : len(c)] = c
        mask[k, : len(c)] = 1
    return torch.from_numpy(ids), torch.from_numpy(mask)


class EncoderScorer:
    """Logits of a trained full encoder for a part's texts or for loose texts."""

    def __init__(self, encoder, train_seconds: float = 0.0, batches: int = 0) -> None:
        self.encoder = encoder.eval()
        self.train_seconds, self.batches = train_seconds, batches

    def all_logits(self, texts: list[str], batch: int = 64) -> np.ndarray:
        """The multi-task outputs, then the per-set residual logits when the encoder has them."""
        import torch

        if not texts:
            return np.zeros((0, len(OUTPUTS)), np.float32)
        pieces = word_pieces(texts)
        sources = self.encoder.source_heads.out_features if self.encoder.source_heads is not None else 0
        out = np.zeros((len(texts), len(OUTPUTS) + sources), np.float32)
        order = np.argsort([len(p) for p in pieces], kind="stable")
        with torch.inference_mode():
            for start in range(0, len(order), batch):
                rows = order[start : start + batch]
                out[rows] = self.encoder(*padded(pieces, rows)).numpy()
        return out

    def text_logits(self, texts: list[str], batch: int = 64) -> np.ndarray:
        return self.all_logits(texts, batch)[:, : len(OUTPUTS)]

    def part_logits(self, part: Part) -> np.ndarray:
        return self.text_logits(part.texts)

    def branch(self):
        """The trained layers and head as the branch that runs beside the packaged road."""
        layers = self.encoder.transformer.encoder.layer
        branch = new_branch(self.encoder.transformer, tuned=len(layers))
        branch.layers.load_state_dict(layers.state_dict())
        branch.head.load_state_dict(self.encoder.head.state_dict())
        return branch.eval()

    def arrays(self) -> dict[str, np.ndarray]:
        """What the saved model keeps (see abuse_encoder.branch_arrays)."""
        return {f"branch.{k}": v for k, v in branch_arrays(self.branch()).items()}


def train_encoder(
    parts: list[Part],
    epochs: float = 1.0,
    desc: str = "encoder",
    seed: int = 0,
    log: Callable[[str], None] | None = None,
    source_heads: bool = False,
) -> EncoderScorer:
    """The branch's training loop (same batches, losses, weights and schedule), all layers.

    With `source_heads`, each row's "abusive" loss is taken on the shared logit plus its own set's
    residual logit, and (weighted SHARED_LOSS_WEIGHT) on the shared logit alone."""
    import torch

    torch.manual_seed(seed)
    _tokenizer, transformer = base_model()
    assert len(transformer.encoder.layer) == DEPTH
    torch.set_num_threads(THREADS)
    encoder = _encoder_module()(transformer, sources=len(parts) if source_heads else 0).train()
    pieces = word_pieces([t for p in parts for t in p.texts])
    lengths = np.array([len(p) for p in pieces], np.int64)
    targets, heads, weights, plan = training_plan(parts, lengths, epochs, seed)
    source = torch.from_numpy(np.concatenate([np.full(len(p), k, np.int64) for k, p in enumerate(parts)]))
    groups = [
        {"params": encoder.layer_parameters(), "lr": LEARNING_RATE},
        {"params": encoder.head.parameters(), "lr": HEAD_LEARNING_RATE},
    ]
    if encoder.source_heads is not None:
        groups.append({"params": encoder.source_heads.parameters(), "lr": HEAD_LEARNING_RATE})
    optimizer = torch.optim.AdamW(groups, weight_decay=0.01)
    warmup = max(1, len(plan) // 20)
    schedule = torch.optim.lr_scheduler.LambdaLR(
        optimizer, lambda step: min(1.0, (step + 1) / warmup) * max(0.0, (len(plan) - step) / len(plan))
    )
    trainable = [p for p in encoder.parameters() if p.requires_grad]
    bce = torch.nn.functional.binary_cross_entropy_with_logits
    started = time.time()
    progress = tqdm(plan, desc=desc, unit="batch", leave=False, disable=log is not None)
    for step, rows in enumerate(progress):
        outputs = encoder(*padded(pieces, rows, TRAIN_TOKENS))
        logits = outputs[:, : len(OUTPUTS)]
        w = weights[rows]
        loss = (bce(logits[:, 0], targets[rows], reduction="none") * w).sum()
        if encoder.source_heads is not None:
            own = logits[:, 0] + outputs[:, len(OUTPUTS) :].gather(1, source[rows][:, None])[:, 0]
            loss = (bce(own, targets[rows], reduction="none") * w).sum() + SHARED_LOSS_WEIGHT * loss
        known = ~torch.isnan(heads[rows])
        if known.any():
            head_loss = bce(logits[:, 1:], torch.nan_to_num(heads[rows]), reduction="none") * known * w[:, None]
            loss = loss + HEAD_LOSS_WEIGHT * head_loss.sum()
        loss = loss / w.sum()
        optimizer.zero_grad()
        loss.backward()
        torch.nn.utils.clip_grad_norm_(trainable, 1.0)
        optimizer.step()
        schedule.step()
        progress.set_postfix(loss=f"{loss.item():.3f}", refresh=False)
        if log and (step % 25 == 0 or step == len(plan) - 1):
            log(f"{desc}: batch {step + 1}/{len(plan)} loss {loss.item():.3f} {time.time() - started:.0f}s")
    return EncoderScorer(encoder, round(time.time() - started, 1), len(plan))


def train_full_branch(parts: list[Part], epochs: float, desc: str) -> EncoderScorer:
    """The shipped branch trainer (train_abuse_encoder.train_model's ``branch_trainer``)."""
    return train_encoder(parts, epochs, desc)
