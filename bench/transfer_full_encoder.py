"""Leave-one-source-out transfer with the whole MiniLM encoder fine-tuned (all six layers).

The shipped abuse recipe fine-tunes only the top layer, on cached states of the five layers below
(see ``commentdesk.evaluation.transfer``). This experiment keeps everything else of a fold as it
is - the same training rows (at most ``FOLD_CAP`` per set, the seeds), the same held-back news
rows for the stacker, the same held-out test rows, set weights, heads, losses, learning rates,
batch plan and seed - and replaces only the encoder: a copy of the packaged transformer whose six
layers are all trained, reading the word pieces themselves (the word-piece, position and type
embeddings stay frozen). Training reads 64 word pieces of a comment, scoring 96 (what the cached
states of the shipped recipe hold), one epoch.

Each fold is scored twice: the encoder's "abusive" logit alone, and the shipped stacking (lexical
view, stacker, second reading of disguised words, category floors). Results are written after
every fold and a rerun skips the folds already in the file.

    nice -n 19 .venv/bin/python bench/transfer_full_encoder.py --data-dir ../shared/data \\
        --out bench/results/transfer-full-encoder.json --folds c3 ucc toxic_spans wiki_context olid

    # the same folds with another seed of the encoder (rows and held-out sets unchanged):
    nice -n 19 .venv/bin/python bench/transfer_full_encoder.py --data-dir ../shared/data --seed 1 \
        --out bench/results/transfer-full-encoder-seed1.json --folds c3

    # two passes over the rows instead of one:
    nice -n 19 .venv/bin/python bench/transfer_full_encoder.py --data-dir ../shared/data --epochs 2 \
        --out bench/results/transfer-full-encoder-2-epochs.json --folds c3 ucc

    # three times as many rows of each news and forum set (the other sets as before):
    nice -n 19 .venv/bin/python bench/transfer_full_encoder.py --data-dir ../shared/data --news-cap 3000 \
        --out bench/results/transfer-full-encoder-news3000.json --folds c3 ucc ...

    # the folds of one run against another's:
    .venv/bin/python bench/transfer_full_encoder.py --out bench/results/transfer-full-encoder-news3000.json \
        --compare bench/results/transfer-full-encoder.json

    # time one training pass over a slice of the first fold's rows (no scoring):
    nice -n 19 .venv/bin/python bench/transfer_full_encoder.py --data-dir ../shared/data --time-rows 640
"""

from __future__ import annotations

import argparse
import copy
import json
import os
import time
from pathlib import Path
from typing import Any

import numpy as np

from commentdesk.evaluation.abuse_corpus import LABELED_SETS, Part, capped, load_parts, seeds_part
from commentdesk.evaluation.metrics import roc_auc
from commentdesk.evaluation.train_abuse_encoder import (
    HEAD_LEARNING_RATE,
    HEAD_LOSS_WEIGHT,
    LEARNING_RATE,
    TRAIN_TOKENS,
    train_model,
    training_plan,
)
from commentdesk.evaluation.transfer import FOLD_CAP
from commentdesk.evaluation.trunk_cache import TRAIN_TOKENS as SCORE_TOKENS
from commentdesk.evaluation.trunk_cache import base_model
from commentdesk.moderation.models.abuse_encoder import OUTPUTS, masked_mean

FOLDS = ("c3", "ucc", "toxic_spans", "wiki_context", "olid")
THREADS = 2


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

    def __init__(self, encoder) -> None:
        self.encoder = encoder.eval()

    def all_logits(self, texts: list[str], batch: int = 64) -> np.ndarray:
        """The multi-task outputs, then the per-set residual logits when the encoder has them."""
        import torch

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

    def arrays(self) -> dict[str, np.ndarray]:
        return {}  # an experiment: nothing of the encoder is saved


# With --source-heads: the weight of the shared logit's own loss beside that of shared + residual.
SHARED_LOSS_WEIGHT = 0.5


def train_encoder(
    parts: list[Part], epochs: float = 1.0, desc: str = "encoder", seed: int = 0, log=None, source_heads: bool = False
) -> EncoderScorer:
    """The shipped branch's training loop (same batches, losses, weights and schedule), all layers.

    With `source_heads`, each row's "abusive" loss is taken on the shared logit plus its own set's
    residual logit, and (weighted SHARED_LOSS_WEIGHT) on the shared logit alone."""
    import torch

    torch.manual_seed(seed)
    _tokenizer, transformer = base_model()
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
    for step, rows in enumerate(plan):
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
        if log and (step % 25 == 0 or step == len(plan) - 1):
            log(f"{desc}: batch {step + 1}/{len(plan)} loss {loss.item():.3f} {time.time() - started:.0f}s")
    scorer = EncoderScorer(encoder)
    scorer.train_seconds = round(time.time() - started, 1)  # type: ignore[attr-defined]
    scorer.batches = len(plan)  # type: ignore[attr-defined]
    return scorer


def _log(message: str) -> None:
    print(f"{time.strftime('%H:%M:%S')} {message}", flush=True)


def _write(results: dict, path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_suffix(".tmp")
    temporary.write_text(json.dumps(results, indent=2) + "\n")
    temporary.replace(path)


# News and forum comments (the target domain): the sets `--news-cap` lets a fold read more of.
NEWS_AND_FORUM = ("c3", "ucc", "toxic_spans", "kaggle_insults", "wiki_context")


def fold_parts(train_parts: dict[str, Part], seeds: Part, held: str, cap: int, news_cap: int | None = None) -> list[Part]:
    """The rows a fold trains on, as ``commentdesk.evaluation.transfer.run_transfer`` picks them
    (with `news_cap`, the news and forum sets are capped there instead of at `cap`)."""
    return [
        capped(p, news_cap if news_cap and name in NEWS_AND_FORUM else cap) for name, p in train_parts.items() if name != held
    ] + [seeds]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--data-dir", type=Path, default=Path("../shared/data"))
    parser.add_argument("--out", type=Path, default=Path("bench/results/transfer-full-encoder.json"))
    parser.add_argument("--folds", nargs="+", default=list(FOLDS))
    parser.add_argument("--cap", type=int, default=FOLD_CAP)
    parser.add_argument("--news-cap", type=int, default=0, help="rows per news and forum set (0: --cap, as the recorded runs)")
    parser.add_argument("--seed", type=int, default=0, help="the encoder's seed (initial head, dropout, batch order)")
    parser.add_argument("--epochs", type=float, default=1.0, help="passes over each fold's rows (1: the recorded runs)")
    parser.add_argument(
        "--source-heads",
        action="store_true",
        help="one residual logit per training set beside the shared one (scored: shared alone, shared + their mean)",
    )
    parser.add_argument("--time-rows", type=int, default=0, help="only time training on this many of the first fold's rows")
    parser.add_argument(
        "--compare", type=Path, help="only print a table of --out's folds against this earlier results file (no training)"
    )
    args = parser.parse_args(argv)
    if args.compare:
        print(comparison(json.loads(args.out.read_text()), json.loads(args.compare.read_text())))
        return 0
    os.environ.setdefault("HF_HUB_OFFLINE", "1")

    _log("loading sets")
    train_parts = load_parts(LABELED_SETS, args.data_dir, "train", with_states=False)
    seeds = seeds_part(with_states=False)
    if args.time_rows:
        parts = fold_parts(train_parts, seeds, args.folds[0], args.cap, args.news_cap)
        everything = Part(
            "all", *[_joined(parts, field) for field in ("texts", "targets", "labels", "heads", "groups", "states")]
        )
        rows = np.sort(np.random.default_rng(0).permutation(len(everything))[: args.time_rows])
        scorer = train_encoder([everything.take(rows)], log=_log, desc="timing", source_heads=args.source_heads)
        total = sum(len(p) for p in parts)
        per_row = scorer.train_seconds / args.time_rows  # type: ignore[attr-defined]
        _log(
            f"{args.time_rows} rows, {scorer.batches} batches: {scorer.train_seconds:.1f}s "  # type: ignore[attr-defined]
            f"({per_row * 1000:.0f} ms a row); one epoch over the fold's {total} rows ~ {per_row * total / 60:.1f} min"
        )
        return 0

    test_parts = load_parts(tuple(args.folds), args.data_dir, "test", with_states=False)
    results: dict[str, Any] = json.loads(args.out.read_text()) if args.out.exists() else {"folds": {}}
    results.update(
        {
            "fold_cap": args.cap,
            "news_cap": args.news_cap or args.cap,
            "encoder": "all six MiniLM layers fine-tuned",
            "train_tokens": TRAIN_TOKENS,
            "seed": args.seed,
            "epochs": args.epochs,
            "source_heads": args.source_heads,
        }
    )
    for held in args.folds:
        if held in results["folds"]:
            continue
        started = time.time()
        _log(f"fold without {held}")
        trained = train_model(
            fold_parts(train_parts, seeds, held, args.cap, args.news_cap),
            args.epochs,
            desc=f"without {held}",
            branch_trainer=lambda parts, epochs, desc: train_encoder(
                parts, epochs, desc, seed=args.seed, log=_log, source_heads=args.source_heads
            ),
        )
        target = test_parts[held]
        every = trained.scorer.all_logits(target.texts)
        logits = every[:, : len(OUTPUTS)]
        stacked = trained.model.probabilities_from_logits(target.texts, logits, trained.scorer.text_logits)[0]
        extra = {}
        if args.source_heads:
            residuals = every[:, len(OUTPUTS) :]
            extra["roc_auc_shared_plus_mean"] = roc_auc(target.labels, logits[:, 0] + residuals.mean(axis=1))
            extra["roc_auc_mean_of_sets"] = roc_auc(target.labels, (1 / (1 + np.exp(-(logits[:, :1] + residuals)))).mean(axis=1))
        results["folds"][held] = {
            "roc_auc_branch": roc_auc(target.labels, logits[:, 0]),
            "roc_auc_stacked": roc_auc(target.labels, stacked),
            **extra,
            "rows": len(target),
            "abusive": int(target.labels.sum()),
            "train_rows": sum(trained.model.meta["trained_on"].values()),
            "batches": trained.scorer.batches,
            "train_seconds": trained.scorer.train_seconds,
            "seconds": round(time.time() - started, 1),
        }
        _write(results, args.out)
        _log(f"{held}: {results['folds'][held]}")
    return 0


def comparison(results: dict, earlier: dict) -> str:
    """A Markdown table of the folds both runs have: each score, the earlier one and the change."""
    folds = [name for name in results["folds"] if name in earlier["folds"]]
    # A run with --source-heads also scored the shared logit plus the mean of the sets' residuals.
    residuals = bool(folds) and all("roc_auc_shared_plus_mean" in results["folds"][name] for name in folds)
    lines = [
        "| held-out set | logit alone | earlier | change | stacked | earlier | change |"
        + (" shared + mean residual |" if residuals else ""),
        "|---|---:|---:|---:|---:|---:|---:|" + ("---:|" if residuals else ""),
    ]
    sums = np.zeros(5 if residuals else 4)
    for name in folds:
        now, then = results["folds"][name], earlier["folds"][name]
        row = [now["roc_auc_branch"], then["roc_auc_branch"], now["roc_auc_stacked"], then["roc_auc_stacked"]]
        if residuals:
            row.append(now["roc_auc_shared_plus_mean"])
        sums += row
        lines.append(_comparison_row(name, row))
    if folds:
        lines.append(_comparison_row(f"**mean of the {len(folds)}**", list(sums / len(folds))))
    return "\n".join(lines)


def _comparison_row(name: str, row: list[float]) -> str:
    branch, branch_then, stacked, stacked_then, *more = row
    return (
        f"| {name} | {branch:.3f} | {branch_then:.3f} | {branch - branch_then:+.3f} "
        f"| {stacked:.3f} | {stacked_then:.3f} | {stacked - stacked_then:+.3f} |" + "".join(f" {value:.3f} |" for value in more)
    )


def _joined(parts: list[Part], field: str):
    from commentdesk.evaluation.trunk_cache import TrunkStates

    values = [getattr(p, field) for p in parts]
    if field == "texts":
        return [t for v in values for t in v]
    if field == "states":
        return TrunkStates.concat(values)
    return np.concatenate(values)


if __name__ == "__main__":
    raise SystemExit(main())
