"""Leave-one-source-out transfer with the whole MiniLM encoder fine-tuned (all six layers).

``commentdesk eval --transfer`` measures the recipe that fine-tunes only the top layer, on cached
states of the five layers below (``commentdesk.evaluation.transfer``), which a dozen folds can
afford. This script keeps everything else of a fold as it is - the same training rows (at most
``FOLD_CAP`` per set, the seeds), the same held-back news rows for the stacker, the same held-out
test rows, set weights, heads, losses, learning rates, batch plan and seed - and trains the
encoder of the shipped fine-tuned variant instead (``commentdesk.evaluation.train_full_encoder``):
a copy of the packaged transformer whose six layers are all trained, reading the word pieces
themselves (the word-piece, position and type embeddings stay frozen). Training reads 64 word
pieces of a comment, scoring 96, one epoch.

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

    # each fold also learning from identity words in ordinary sentences and disguised copies of its
    # abusive rows (the shipped recipe):
    nice -n 19 .venv/bin/python bench/transfer_full_encoder.py --data-dir ../shared/data --own-parts \
        --out bench/results/transfer-full-encoder-own-parts.json --folds c3 ucc ...

    # the folds of one run against another's:
    .venv/bin/python bench/transfer_full_encoder.py --out bench/results/transfer-full-encoder-news3000.json \
        --compare bench/results/transfer-full-encoder.json

    # time one training pass over a slice of the first fold's rows (no scoring):
    nice -n 19 .venv/bin/python bench/transfer_full_encoder.py --data-dir ../shared/data --time-rows 640
"""

from __future__ import annotations

import argparse
import json
import os
import time
from pathlib import Path
from typing import Any

import numpy as np

from commentdesk.evaluation.abuse_corpus import (
    LABELED_SETS,
    Part,
    capped,
    load_parts,
    seeds_part,
    with_own_parts,
)
from commentdesk.evaluation.encoder_plan import TRAIN_TOKENS
from commentdesk.evaluation.metrics import roc_auc
from commentdesk.evaluation.train_abuse_encoder import train_model
from commentdesk.evaluation.train_full_encoder import train_encoder
from commentdesk.evaluation.transfer import FOLD_CAP
from commentdesk.moderation.models.abuse_encoder import OUTPUTS

FOLDS = ("c3", "ucc", "toxic_spans", "wiki_context", "olid")


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
    parser.add_argument(
        "--own-parts",
        action="store_true",
        help="each fold also learns from the identity words in ordinary sentences and disguised copies of "
        "its abusive rows, as the shipped encoder does",
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
        per_row = scorer.train_seconds / args.time_rows
        _log(
            f"{args.time_rows} rows, {scorer.batches} batches: {scorer.train_seconds:.1f}s "
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
            "own_parts": args.own_parts,
        }
    )
    for held in args.folds:
        if held in results["folds"]:
            continue
        started = time.time()
        _log(f"fold without {held}")
        parts = fold_parts(train_parts, seeds, held, args.cap, args.news_cap)
        if args.own_parts:
            parts = with_own_parts(parts)
        trained = train_model(
            parts,
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
