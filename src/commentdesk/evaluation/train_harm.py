"""Training and evaluation of the harm model (``moderation/models/harm.py``).

    python -m commentdesk.evaluation.train_harm --data-dir ../shared/data --out weights-new

What it learns from (train splits only; the suites in ``evaluation/suites/`` never):

* ``violence``: the hand-written threats, polite threats, incitement and wishing-harm seeds
  (``seed_examples`` and ``harm_seeds``), DynaHate's "threatening" posts and the Civil Comments
  posts whose raters marked a threat span (Implicit Hate's "threatening" type also covers calls
  to deport or exclude, so that set only measures transfer: trained on, it taught the head that
  any mention of immigration is violent);
* ``sexual``: the hand-written sexual-harassment seeds (no public set here labels it);
* ``disability``: the hand-written seeds that mock people for a disability or illness (likewise);
* negatives for both: every other seed (insults, identity attacks, and the publishable traps:
  criticism, counter-speech, reported speech, factual violence, violent metaphors, talk about
  harassment), civil news comments (C3, UCC) and the non-threat rows of the sets above.

Seeds weigh more than a public row: they are few, and they are the cases the public sets lack.

Figures it prints and stores in ``harm.json`` (the violence head read through its harm-word gate,
as at inference):

* leave-one-source-out ROC-AUC of the violence head on each public set that labels threats
  (trained without that set, scored on its test rows), beside the same figure trained with it;
* the hold threshold of each head: the lowest level that holds at most ``--news-budget`` of the
  civil news comments (out-of-fold) and of bias_madlibs' neutral sentences that name a group,
  never below 0.5; and the share of civil news test comments held at it.
"""

from __future__ import annotations

import argparse
import json
import math
import sys
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import numpy as np

from commentdesk.evaluation import harm_seeds, seed_examples
from commentdesk.evaluation.datasets import default_data_dir
from commentdesk.evaluation.embedding_cache import default_cache_dir, embed_each_cached
from commentdesk.evaluation.labeled_sets import load_abuse_set
from commentdesk.evaluation.metrics import roc_auc, rounded
from commentdesk.moderation.models.harm import HEAD_CUES, HEADS, UNCUED_CEILING

# Seed groups of seed_examples and the harm heads each is positive for.
_SEED_HEADS = {
    "THREATS": ("violence",),
    "POLITE_THREATS": ("violence",),
    "INCITEMENT": ("violence",),
    "WISHING_HARM": ("violence",),
    "_SEXUAL_HARASSMENT": ("sexual",),
    "_DISABILITY_MOCKING": ("disability",),
}
_NEGATIVE_SEED_GROUPS = (
    "IDENTITY_ATTACKS",
    "HARD_NEGATIVES",
    "DEHUMANISATION",
    "INSULTS_AT_PEOPLE",
    "SHARP_CRITICISM",
    "SARCASM_AND_DISSENT",
    "COUNTER_SPEECH",
    "NEGATED",
    "REPORTED_SPEECH",
    "PROFANITY_AT_NO_ONE",
    "IDENTITY_NEUTRAL",
    "VIOLENCE_IN_NEWS",
)
# Public sets whose threat labels are measured (each left out in turn), and those trained on.
THREAT_SETS = ("dynahate", "implicit_hate", "toxic_spans")
TRAINED_THREAT_SETS = ("dynahate", "toxic_spans")
# A public row weighs this much (a seed SEED_WEIGHT): their threat labels are noisy.
PUBLIC_WEIGHT = 0.5
# Civil news comments: negatives, and the budget the thresholds are chosen against.
NEWS_SETS = ("c3", "ucc")
SEED_WEIGHT = 6.0
MAX_NEGATIVES_PER_SET = 3000
MIN_THRESHOLD = 0.5
# Largest share of civil news comments (and of neutral sentences naming a group) a head may hold.
DEFAULT_NEWS_BUDGET = 0.01


@dataclass
class Rows:
    texts: list[str] = field(default_factory=list)
    source: list[str] = field(default_factory=list)
    split: list[str] = field(default_factory=list)
    weight: list[float] = field(default_factory=list)
    targets: dict[str, list[float]] = field(default_factory=lambda: {head: [] for head in HEADS})

    def add(
        self,
        text: str,
        source: str,
        split: str,
        weight: float,
        positive_heads: tuple[str, ...],
        unknown_heads: tuple[str, ...] = (),
    ) -> None:
        self.texts.append(text)
        self.source.append(source)
        self.split.append(split)
        self.weight.append(weight)
        for head in HEADS:
            self.targets[head].append(np.nan if head in unknown_heads else float(head in positive_heads))

    def arrays(self) -> tuple[np.ndarray, np.ndarray, np.ndarray, dict[str, np.ndarray]]:
        return (
            np.array(self.source),
            np.array(self.split),
            np.array(self.weight, dtype=np.float64),
            {head: np.array(values, dtype=np.float64) for head, values in self.targets.items()},
        )


def seed_rows(rows: Rows) -> None:
    for name, heads in _SEED_HEADS.items():
        for text in getattr(seed_examples, name):
            rows.add(text, "seeds", "train", SEED_WEIGHT, heads)
    for name in _NEGATIVE_SEED_GROUPS:
        for text in getattr(seed_examples, name):
            rows.add(text, "seeds", "train", SEED_WEIGHT, ())
    for _group, (texts, group_heads) in harm_seeds.HARM_SEED_GROUPS.items():
        for text in texts:
            rows.add(text, "seeds", "train", SEED_WEIGHT, group_heads)


def _sample(indices: np.ndarray, cap: int, seed: int) -> np.ndarray:
    if len(indices) <= cap:
        return indices
    return np.sort(np.random.default_rng(seed).choice(indices, cap, replace=False))


def public_rows(rows: Rows, data_dir: Path) -> None:
    for name in THREAT_SETS:
        data = load_abuse_set(name, data_dir)
        threat = data.categories["threat"]
        for split in ("train", "test"):
            in_split = data.split == split
            positives = np.flatnonzero(in_split & (threat == 1))
            negatives = _sample(np.flatnonzero(in_split & (threat == 0)), MAX_NEGATIVES_PER_SET, seed=len(name))
            for i in np.concatenate([positives, negatives]):
                # The sets say nothing of sexual harassment or disability: those heads do not learn from them.
                rows.add(
                    data.texts[i], name, split, PUBLIC_WEIGHT, ("violence",) if threat[i] == 1 else (), ("sexual", "disability")
                )
    for name in NEWS_SETS:
        data = load_abuse_set(name, data_dir)
        for split in ("train", "test"):
            civil = _sample(np.flatnonzero((data.split == split) & (data.labels == 0)), MAX_NEGATIVES_PER_SET, seed=7)
            for i in civil:
                rows.add(data.texts[i], name, split, 1.0, ())


def madlibs_neutral(data_dir: Path, limit: int = 3000) -> list[str]:
    data = load_abuse_set("bias_madlibs", data_dir)
    chosen = _sample(np.flatnonzero(data.labels == 0), limit, seed=11)
    return [data.texts[i] for i in chosen]


# --------------------------------------------------------------------------- fitting


def fit_head(x: np.ndarray, y: np.ndarray, weight: np.ndarray, c: float = 1.0) -> tuple[np.ndarray, float]:
    """A logistic head on the rows that label it; positives and negatives weigh the same in total."""
    from sklearn.linear_model import LogisticRegression

    known = ~np.isnan(y)
    x, y, weight = x[known], y[known].astype(int), weight[known].copy()
    for value in (0, 1):
        weight[y == value] *= 0.5 * weight.sum() / max(weight[y == value].sum(), 1e-9)
    model = LogisticRegression(C=c, max_iter=2000)
    model.fit(x, y, sample_weight=weight)
    return model.coef_.ravel().astype(np.float32), float(model.intercept_[0])


def _sigmoid(z: np.ndarray) -> np.ndarray:
    return 1.0 / (1.0 + np.exp(-np.clip(z, -40, 40)))


def out_of_fold(x: np.ndarray, y: np.ndarray, weight: np.ndarray, folds: int = 5, c: float = 1.0) -> np.ndarray:
    """Each row scored by a head trained without its fold (NaN where the head is unknown)."""
    scores = np.full(len(y), np.nan)
    fold_of = np.arange(len(y)) % folds
    for k in range(folds):
        train = fold_of != k
        w, b = fit_head(x[train], y[train], weight[train], c)
        scores[~train] = _sigmoid(x[~train] @ w + b)
    return scores


def lowest_threshold(negative_scores: list[np.ndarray], budget: float) -> float:
    """The lowest level (>= MIN_THRESHOLD) at which each group of negatives is held at most `budget`."""
    level = MIN_THRESHOLD
    for scores in negative_scores:
        if len(scores):
            level = max(level, float(np.quantile(scores, 1.0 - budget)) + 1e-6)
    # Rounded up, so that the stored level never holds more than the budget.
    return min(math.ceil(level * 1000) / 1000, 0.99)


def train(data_dir: Path, out_dir: Path, cache_dir: Path | None, news_budget: float, c: float) -> dict:
    rows = Rows()
    seed_rows(rows)
    public_rows(rows, data_dir)
    source, split, weight, targets = rows.arrays()
    print(f"harm: {len(rows.texts)} rows ({int((source == 'seeds').sum())} seeds)", file=sys.stderr)
    madlibs = madlibs_neutral(data_dir)
    cache = cache_dir / "harm-embeddings.npz" if cache_dir else None
    x = embed_each_cached(rows.texts + madlibs, cache)
    x_madlibs, x = x[len(rows.texts) :], x[: len(rows.texts)]
    is_train = split == "train"
    # The violence and sexual heads are read through their word gates at inference: choose and
    # report them so.
    cued = {head: np.array([test(text) for text in rows.texts]) for head, test in HEAD_CUES.items()}
    cued_madlibs = {head: np.array([test(text) for text in madlibs]) for head, test in HEAD_CUES.items()}

    def cue_flags(rows_picked: np.ndarray) -> dict[str, np.ndarray]:
        return {head: flags[rows_picked] for head, flags in cued.items()}

    def gate(head: str, scores: np.ndarray, rows_cued: dict[str, np.ndarray]) -> np.ndarray:
        if head not in rows_cued:
            return scores
        return np.where(rows_cued[head], scores, np.minimum(scores, UNCUED_CEILING))

    usable = is_train & np.isin(source, ("seeds",) + TRAINED_THREAT_SETS + NEWS_SETS)

    figures: dict = {"transfer_roc_auc": {}, "with_set_roc_auc": {}, "news_test_held": {}, "madlibs_held": {}}
    # Leave-one-source-out for the violence head: the number to improve.
    y = targets["violence"]
    for name in THREAT_SETS:
        test = (source == name) & ~is_train
        without = usable & (source != name)
        w, b = fit_head(x[without], y[without], weight[without], c)
        figures["transfer_roc_auc"][name] = rounded(
            roc_auc(y[test], gate("violence", _sigmoid(x[test] @ w + b), cue_flags(test)))
        )
    w_heads, b_heads, thresholds = [], [], {}
    news_train = usable & np.isin(source, NEWS_SETS)
    news_test = ~is_train & np.isin(source, NEWS_SETS)
    for head in HEADS:
        y = targets[head]
        oof = out_of_fold(x[usable], y[usable], weight[usable], c=c)
        w, b = fit_head(x[usable], y[usable], weight[usable], c)
        w_heads.append(w)
        b_heads.append(b)
        oof = gate(head, oof, cue_flags(usable))
        madlibs_scores = gate(head, _sigmoid(x_madlibs @ w + b), cued_madlibs)
        thresholds[head] = lowest_threshold([oof[news_train[usable]], madlibs_scores], news_budget)
        test_scores = gate(head, _sigmoid(x[news_test] @ w + b), cue_flags(news_test))
        figures["news_test_held"][head] = round(float(np.mean(test_scores >= thresholds[head])), 4)
        figures["madlibs_held"][head] = round(float(np.mean(madlibs_scores >= thresholds[head])), 4)
        seeds = source[usable] == "seeds"
        figures.setdefault("seeds_oof_roc_auc", {})[head] = rounded(roc_auc(y[usable][seeds], oof[seeds]))
        if head == "violence":
            for name in THREAT_SETS:
                test = (source == name) & ~is_train
                figures["with_set_roc_auc"][name] = rounded(
                    roc_auc(y[test], gate(head, _sigmoid(x[test] @ w + b), cue_flags(test)))
                )
    transfer = [value for value in figures["transfer_roc_auc"].values() if value is not None]
    figures["transfer_mean"] = round(float(np.mean(transfer)), 4)
    figures["transfer_worst"] = round(float(np.min(transfer)), 4)

    meta = {
        "version": f"harm-{date.today():%Y.%m.%d}-1",
        "embedder": "all-MiniLM-L6-v2",
        "heads": list(HEADS),
        "recommended_thresholds": thresholds,
        "trained_on": {name: int(((source == name) & usable).sum()) for name in ("seeds",) + TRAINED_THREAT_SETS + NEWS_SETS},
        "public_weight": PUBLIC_WEIGHT,
        "seed_weight": SEED_WEIGHT,
        "regularisation_c": c,
        "news_budget": news_budget,
        "figures": figures,
    }
    out_dir.mkdir(parents=True, exist_ok=True)
    np.savez(
        out_dir / "harm.npz",
        w=np.stack(w_heads, axis=1).astype(np.float16).astype(np.float32),
        b=np.array(b_heads, dtype=np.float32),
    )
    (out_dir / "harm.json").write_text(json.dumps(meta, indent=2) + "\n", encoding="utf-8")
    return meta


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Train the harm model (violence, sexual harassment heads).")
    parser.add_argument(
        "--data-dir", type=Path, default=None, help="labeled sets (default: $COMMENTDESK_LABELED_DATA or ../shared/data)"
    )
    parser.add_argument("--out", type=Path, required=True, help="folder for harm.json and harm.npz")
    parser.add_argument(
        "--cache-dir", type=Path, default=None, help="embedding cache (default: $COMMENTDESK_CACHE_DIR or ./.cache)"
    )
    parser.add_argument(
        "--news-budget",
        type=float,
        default=DEFAULT_NEWS_BUDGET,
        help="largest share of civil news comments and neutral group sentences a head may hold",
    )
    parser.add_argument("--c", type=float, default=1.0, help="inverse regularisation strength of each head")
    args = parser.parse_args(argv)
    data_dir = args.data_dir or default_data_dir()
    if not data_dir.is_dir():
        print(f"error: no labeled data at {data_dir}. Pass --data-dir.", file=sys.stderr)
        return 2
    meta = train(data_dir, args.out, args.cache_dir or default_cache_dir(), args.news_budget, args.c)
    json.dump({"version": meta["version"], "thresholds": meta["recommended_thresholds"], **meta["figures"]}, sys.stdout, indent=2)
    print()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
