"""Leave-one-source-out transfer of two abuse learners and of their sum.

The whole encoder fine-tuned (``transfer_full_encoder.py``) gains most on the hate-speech sets; the
linear learner of ``commentdesk.evaluation.transfer_pooled`` (logistic regressions on the frozen
sentence embedding and on hashed n-grams) does best on the news sets. They err differently, so
their sum may rank better than either. Per fold this script trains both without the held-out set,
exactly as their own scripts do (same rows, same seeds, same recipe), scores the held-out set's
test rows and reports each learner and fixed, untuned sums of their logits (1:1; no weight is
fitted on any held-out row):

* *six layers*: the fine-tuned encoder's "abusive" logit alone, and its stacked score;
* *linear, today's data* / *linear, all data*: the two learners of ``transfer_pooled``;
* *six + linear all*, *six + linear today's*, *stacked + linear all*: the sums.

Every fold's scores are kept (``--scores``, an .npz with the labels) so that other mixes can be
measured later without training again. Results are written after every fold; a rerun resumes.

    nice -n 19 .venv/bin/python bench/transfer_ensemble.py --data-dir ../shared/data \\
        --out bench/results/transfer-ensemble.json --scores bench/results/transfer-ensemble-scores.npz
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from pathlib import Path
from typing import Any

import numpy as np
from transfer_full_encoder import fold_parts, train_encoder

from commentdesk.evaluation import transfer_pooled
from commentdesk.evaluation.abuse_corpus import LABELED_SETS, load_parts, seeds_part
from commentdesk.evaluation.metrics import known_roc_auc
from commentdesk.evaluation.train_abuse_encoder import train_model
from commentdesk.evaluation.transfer import FOLD_CAP, FOLD_SETS

LEARNERS = ("six_layers", "six_layers_stacked", "linear_todays", "linear_all")
SUMS = {
    "six_plus_linear_all": ("six_layers", "linear_all"),
    "six_plus_linear_todays": ("six_layers", "linear_todays"),
    "stacked_plus_linear_all": ("six_layers_stacked", "linear_all"),
}


def _log(message: str) -> None:
    print(f"{time.strftime('%H:%M:%S')} {message}", flush=True)


def _logit(probability: np.ndarray) -> np.ndarray:
    p = np.clip(probability.astype(np.float64), 1e-6, 1 - 1e-6)
    return np.log(p / (1 - p))


def fold_scores(corpus, train_parts, seeds, test_part, held: str, cap: int, seed: int) -> dict[str, np.ndarray]:
    """Each learner's logits for `held`'s test rows, every learner trained without `held`."""
    todays_seeds, all_seeds = transfer_pooled.seed_rows(corpus)
    if list(corpus.rows[held]["test_texts"]) != list(test_part.texts):
        raise SystemExit(f"{held}: the two scripts' test rows differ; the sums would mix different comments")
    trained = train_model(
        fold_parts(train_parts, seeds, held, cap),
        1.0,
        desc=f"without {held}",
        branch_trainer=lambda parts, epochs, desc: train_encoder(parts, epochs, desc, seed=seed, log=_log),
    )
    logits = trained.scorer.part_logits(test_part)
    stacked = trained.model.probabilities_from_logits(test_part.texts, logits, trained.scorer.text_logits)[0]
    return {
        "six_layers": logits[:, 0].astype(np.float64),
        "six_layers_stacked": _logit(stacked),
        "linear_todays": transfer_pooled.fold_logits(corpus, transfer_pooled.TODAYS_SETS, todays_seeds, held),
        "linear_all": transfer_pooled.fold_logits(corpus, transfer_pooled.SETS, all_seeds, held),
    }


def fold_figures(labels: np.ndarray, scores: dict[str, np.ndarray]) -> dict[str, float]:
    figures = {name: known_roc_auc(labels, scores[name]) for name in LEARNERS}
    for name, (a, b) in SUMS.items():
        figures[name] = known_roc_auc(labels, scores[a] + scores[b])
    return {name: round(float(value), 4) for name, value in figures.items()}


def summary(folds: dict[str, dict]) -> dict[str, dict[str, float]]:
    return {
        name: {
            "mean": round(float(np.mean([f[name] for f in folds.values()])), 4),
            "worst": round(float(np.min([f[name] for f in folds.values()])), 4),
        }
        for name in (*LEARNERS, *SUMS)
    }


def _save_scores(path: Path, store: dict[str, np.ndarray]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_name(path.stem + ".tmp.npz")
    np.savez_compressed(temporary, **{key: value.astype(np.float32) for key, value in store.items()})
    temporary.replace(path)


COLUMNS = {
    "linear_todays": "linear, today's data",
    "linear_all": "linear, all data",
    "six_layers": "six layers, logit alone",
    "six_layers_stacked": "six layers, stacked",
    "six_plus_linear_todays": "six + linear today's",
    "six_plus_linear_all": "six + linear all",
    "stacked_plus_linear_all": "stacked + linear all",
}


def write_report(results: dict, out_dir: Path, command: str) -> Path:
    """transfer-ensemble.md (a table per held-out set) and transfer-ensemble.png (the same as bars)."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    folds = results["folds"]
    names = [name for name in FOLD_SETS if name in folds]
    lines = [
        "| held-out set | " + " | ".join(COLUMNS.values()) + " |",
        "|---|" + "---:|" * len(COLUMNS),
    ]
    for name in names:
        lines.append(f"| {name} | " + " | ".join(f"{folds[name][key]:.3f}" for key in COLUMNS) + " |")
    summary_row = results["summary"]
    lines.append(
        f"| **mean of {len(names)}** (worst) | "
        + " | ".join(f"**{summary_row[key]['mean']:.3f}** ({summary_row[key]['worst']:.3f})" for key in COLUMNS)
        + " |"
    )
    out_dir.mkdir(parents=True, exist_ok=True)
    table = out_dir / "transfer-ensemble-table.md"
    table.write_text(f"<!-- {command} -->\n" + "\n".join(lines) + "\n")
    fig, ax = plt.subplots(figsize=(10, 4.2))
    shown = ("linear_todays", "six_layers", "six_plus_linear_todays")
    x = np.arange(len(names))
    for k, key in enumerate(shown):
        ax.bar(x + (k - 1) * 0.27, [folds[n][key] for n in names], 0.27, label=COLUMNS[key])
    ax.set_xticks(x, names, rotation=30, ha="right")
    ax.set_ylim(0.5, 0.9)
    ax.set_ylabel("ROC-AUC, trained without the set")
    ax.set_title("Abuse, leave-one-source-out: two learners and their sum")
    ax.legend(loc="upper left", fontsize=8)
    fig.tight_layout()
    fig.savefig(out_dir / "transfer-ensemble.png", dpi=110)
    plt.close(fig)
    return table


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--data-dir", type=Path, default=Path("../shared/data"))
    parser.add_argument("--out", type=Path, default=Path("bench/results/transfer-ensemble.json"))
    parser.add_argument("--scores", type=Path, default=Path("bench/results/transfer-ensemble-scores.npz"))
    parser.add_argument("--cache-dir", type=Path, default=Path(".cache"), help="the linear learner's embedding cache")
    parser.add_argument("--folds", nargs="+", default=list(FOLD_SETS))
    parser.add_argument("--cap", type=int, default=FOLD_CAP)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--report", type=Path, help="only write the table and plot of --out's results into this folder")
    args = parser.parse_args(argv)
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    if args.report:
        print(
            write_report(
                json.loads(args.out.read_text()),
                args.report,
                " ".join(["bench/transfer_ensemble.py", *(sys.argv[1:] if argv is None else argv)]),
            )
        )
        return 0

    _log("linear learner's corpus (embeddings cached under --cache-dir)")
    corpus = transfer_pooled.Corpus(args.data_dir, args.cache_dir / "transfer-embeddings.npz")
    _log("encoder's sets")
    train_parts = load_parts(LABELED_SETS, args.data_dir, "train", with_states=False)
    seeds = seeds_part(with_states=False)
    test_parts = load_parts(tuple(args.folds), args.data_dir, "test", with_states=False)
    results: dict[str, Any] = json.loads(args.out.read_text()) if args.out.exists() else {"folds": {}}
    results.update({"fold_cap": args.cap, "seed": args.seed, "sums": {k: list(v) for k, v in SUMS.items()}})
    store: dict[str, np.ndarray] = dict(np.load(args.scores)) if args.scores.exists() else {}
    for held in args.folds:
        if held in results["folds"]:
            continue
        started = time.time()
        _log(f"fold without {held}")
        scores = fold_scores(corpus, train_parts, seeds, test_parts[held], held, args.cap, args.seed)
        labels = np.asarray(test_parts[held].labels)
        for name, values in scores.items():
            store[f"{held}/{name}"] = values
        store[f"{held}/labels"] = labels
        _save_scores(args.scores, store)
        results["folds"][held] = {**fold_figures(labels, scores), "rows": len(labels), "seconds": round(time.time() - started)}
        results["summary"] = summary(results["folds"])
        args.out.parent.mkdir(parents=True, exist_ok=True)
        args.out.write_text(json.dumps(results, indent=2) + "\n")
        _log(f"{held}: {results['folds'][held]}")
    for name, figures in results.get("summary", {}).items():
        _log(f"{name:26} mean {figures['mean']:.3f}  worst {figures['worst']:.3f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
