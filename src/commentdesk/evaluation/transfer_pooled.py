"""A fair baseline for leave-one-source-out transfer: one cheap learner, two choices of training data.

    python -m commentdesk.evaluation.transfer_pooled --data-dir ../shared/data --out docs/evaluation

The leave-one-source-out figures of ``commentdesk eval --transfer`` compare a new recipe, trained
without each set, with the shipped model, which learned from five of those sets: on those five
the comparison flatters the shipped model. Here both sides are trained without each set in turn,
with the same learner (a logistic regression on the MiniLM sentence embedding plus one on hashed
n-grams of the normalised text, their logits added; every set weighs the same in total):

* *today's data*: the sets and seeds the default model ``abuse-2026.11.29-5`` learned from (C3,
  UCC, Kaggle insults, OLID, Davidson and its 102 seeds);
* *all data*: every labeled set here and every hand-written seed.

For a set today's data never held, the "trained without it" model is simply the one trained on all
of today's data. Each set contributes at most 3,000 training rows and 2,000 test rows (as in
``abuse_corpus``). Embeddings are cached under ``.cache/`` (about 15 minutes the first time on two
cores; the folds then take a few minutes in all).
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

import numpy as np
from tqdm import tqdm

from commentdesk.evaluation import seed_examples
from commentdesk.evaluation.abuse_corpus import select_rows
from commentdesk.evaluation.datasets import default_data_dir
from commentdesk.evaluation.embedding_cache import default_cache_dir, embed_each_cached
from commentdesk.evaluation.labeled_sets import load_abuse_set
from commentdesk.evaluation.metrics import known_roc_auc
from commentdesk.evaluation.train_abuse import fit_soft_logistic
from commentdesk.evaluation.transfer import FOLD_SETS

# The same folds as evaluation/transfer.py, so the two tables compare set by set.
SETS = FOLD_SETS
TODAYS_SETS = ("c3", "ucc", "kaggle_insults", "olid", "davidson")
TRAIN_ROWS, TEST_ROWS = 3000, 2000
SET_TOTAL_WEIGHT = 1000.0
SEED_WEIGHT = 3.0


def _todays_seeds() -> list[str]:
    return list(seed_examples.THREATS + seed_examples.IDENTITY_ATTACKS + seed_examples.HARD_NEGATIVES)


class Corpus:
    """Train and test rows of every set, with embeddings and lexical features."""

    def __init__(self, data_dir: Path, cache_file: Path | None) -> None:
        from commentdesk.moderation.models.abuse import LexicalFeaturizer, lexical_text

        self.rows: dict[str, dict] = {}
        for name in tqdm(SETS, desc="sets", unit="set", file=sys.stderr):
            data = load_abuse_set(name, data_dir)
            train, test = select_rows(data, "train", TRAIN_ROWS), select_rows(data, "test", TEST_ROWS)
            self.rows[name] = {
                "train_texts": [data.texts[i] for i in train],
                "train_y": data.targets()[train].astype(float),
                "test_texts": [data.texts[i] for i in test],
                "test_y": data.labels[test].astype(int),
            }
        seeds = seed_examples.labeled_seeds()
        self.seed_texts = [text for text, _label, _heads in seeds]
        self.seed_y = np.array([label for _text, label, _heads in seeds], dtype=float)
        texts = self.seed_texts + [t for n in SETS for t in self.rows[n]["train_texts"] + self.rows[n]["test_texts"]]
        vectors = embed_each_cached(texts, cache_file)
        featurizer = LexicalFeaturizer()
        lexical = featurizer.transform_normalised(
            [lexical_text(t) for t in tqdm(texts, desc="normalise", unit="text", file=sys.stderr, mininterval=5)]
        ).tocsr()
        at = len(self.seed_texts)
        self.seed_x, self.seed_l = vectors[:at], lexical[:at]
        for name in SETS:
            part = self.rows[name]
            a, b = len(part["train_texts"]), len(part["test_texts"])
            part["train_x"], part["train_l"] = vectors[at : at + a], lexical[at : at + a]
            part["test_x"], part["test_l"] = vectors[at + a : at + a + b], lexical[at + a : at + a + b]
            at += a + b


def fold_auc(corpus: Corpus, train_sets: tuple[str, ...], seed_rows: np.ndarray, held: str) -> float:
    return known_roc_auc(corpus.rows[held]["test_y"], fold_logits(corpus, train_sets, seed_rows, held))


def fold_logits(corpus: Corpus, train_sets: tuple[str, ...], seed_rows: np.ndarray, held: str) -> np.ndarray:
    """The learner trained on `train_sets` without `held`: its logits for the held-out test rows."""
    import scipy.sparse as sp

    use = [name for name in train_sets if name != held]
    weight = np.concatenate(
        [np.full(len(corpus.rows[n]["train_y"]), SET_TOTAL_WEIGHT / len(corpus.rows[n]["train_y"])) for n in use]
        + [np.full(len(seed_rows), SEED_WEIGHT)]
    )
    target = np.concatenate([corpus.rows[n]["train_y"] for n in use] + [corpus.seed_y[seed_rows]])
    x = np.vstack([corpus.rows[n]["train_x"] for n in use] + [corpus.seed_x[seed_rows]])
    lexical = sp.vstack([corpus.rows[n]["train_l"] for n in use] + [corpus.seed_l[seed_rows]]).tocsr()
    on_embedding = fit_soft_logistic(x, target, weight, C=0.5, max_iter=3000)
    on_words = fit_soft_logistic(lexical, target, weight, C=1.0, max_iter=3000)
    test = corpus.rows[held]
    return on_embedding.decision_function(test["test_x"]) + on_words.decision_function(test["test_l"])


def shipped_auc(corpus: Corpus, held: str) -> float:
    from commentdesk.moderation.models.abuse import AbuseModel

    test = corpus.rows[held]
    return known_roc_auc(test["test_y"], AbuseModel.load().probabilities(test["test_texts"], test["test_x"])[0])


def seed_rows(corpus: Corpus) -> tuple[np.ndarray, np.ndarray]:
    """(the seeds today's model learned from, every seed): rows of ``corpus.seed_texts``."""
    todays = set(_todays_seeds())
    return np.array([i for i, text in enumerate(corpus.seed_texts) if text in todays]), np.arange(len(corpus.seed_texts))


def run(data_dir: Path, cache_dir: Path) -> dict:
    corpus = Corpus(data_dir, cache_dir / "transfer-embeddings.npz")
    todays_seed_rows, all_seed_rows = seed_rows(corpus)
    folds = {}
    for held in tqdm(SETS, desc="leave-one-source-out", unit="fold", file=sys.stderr):
        folds[held] = {
            "todays_data": round(fold_auc(corpus, TODAYS_SETS, todays_seed_rows, held), 4),
            "all_data": round(fold_auc(corpus, SETS, all_seed_rows, held), 4),
            "shipped_model": round(shipped_auc(corpus, held), 4),
            "shipped_model_saw_it": held in TODAYS_SETS,
        }
    summary = {
        key: {
            "mean": round(float(np.mean([f[key] for f in folds.values()])), 4),
            "worst": round(float(np.min([f[key] for f in folds.values()])), 4),
        }
        for key in ("todays_data", "all_data", "shipped_model")
    }
    return {"folds": folds, "summary": summary, "train_rows_per_set": TRAIN_ROWS, "test_rows_per_set": TEST_ROWS}


def markdown(results: dict) -> str:
    lines = [
        "| held-out set | today's data, trained without it | all data, trained without it | shipped model |",
        "|---|---:|---:|---:|",
    ]
    for name, fold in results["folds"].items():
        note = " (learned from it)" if fold["shipped_model_saw_it"] else ""
        lines.append(f"| {name} | {fold['todays_data']:.3f} | {fold['all_data']:.3f} | {fold['shipped_model']:.3f}{note} |")
    s = results["summary"]
    lines.append(
        f"| **mean** (worst) | **{s['todays_data']['mean']:.3f}** ({s['todays_data']['worst']:.3f}) | "
        f"**{s['all_data']['mean']:.3f}** ({s['all_data']['worst']:.3f}) | "
        f"{s['shipped_model']['mean']:.3f} ({s['shipped_model']['worst']:.3f}) |"
    )
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Leave-one-source-out with one learner: today's training data vs all of it.")
    parser.add_argument(
        "--data-dir", type=Path, default=None, help="labeled sets (default: $COMMENTDESK_LABELED_DATA or ../shared/data)"
    )
    parser.add_argument("--out", type=Path, required=True, help="folder for transfer-pooled.json and .md")
    parser.add_argument(
        "--cache-dir", type=Path, default=None, help="embedding cache (default: $COMMENTDESK_CACHE_DIR or ./.cache)"
    )
    args = parser.parse_args(argv)
    data_dir = args.data_dir or default_data_dir()
    if not data_dir.is_dir():
        print(f"error: no labeled data at {data_dir}. Pass --data-dir.", file=sys.stderr)
        return 2
    results = run(data_dir, args.cache_dir or default_cache_dir())
    args.out.mkdir(parents=True, exist_ok=True)
    (args.out / "transfer-pooled.json").write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")
    table = markdown(results)
    (args.out / "transfer-pooled.md").write_text(
        "# Leave-one-source-out, one learner, two choices of training data\n\n"
        "Command: `python -m commentdesk.evaluation.transfer_pooled --data-dir ../shared/data --out docs/evaluation`"
        " (see the module's docstring for the learner).\n\n" + table,
        encoding="utf-8",
    )
    print(table)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
