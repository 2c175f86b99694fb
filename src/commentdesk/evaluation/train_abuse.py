"""Training of the abuse model from the labeled sets (train splits only; test splits stay unseen).

Recipe (see the module docstring of :mod:`commentdesk.moderation.models.abuse`):

1. lexical view: logistic regression on hashed n-grams of the normalised text, all sets pooled,
   news sets weighted up;
2. semantic view: logistic heads on the MiniLM embedding, one per label family (news, insults,
   offensive tweets);
3. stacker: logistic regression on the out-of-fold view logits of the *news* training comments,
   so that the final probability is calibrated for news comments and not flattered by in-fold fits;
4. category heads: logistic regressions on [embedding, view logits] for each category that some
   set labels.
"""

from __future__ import annotations

import json
import time
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import numpy as np
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import GroupKFold
from tqdm import tqdm

from commentdesk.evaluation.datasets import CATEGORIES, AbuseSet, load_abuse_set
from commentdesk.evaluation.embedding_cache import embed_cached
from commentdesk.moderation.models.abuse import AbuseModel, LexicalFeaturizer, LexicalSpec, normalise

# Relative weight of each set in the pooled fits: news comments are the target domain.
SET_WEIGHTS = {"c3": 3.0, "ucc": 3.0, "kaggle_insults": 1.0, "olid": 0.6, "davidson": 0.3}
NEWS_SETS = ("c3", "ucc")
# Semantic heads: which sets each one learns from.
EMBEDDING_HEADS = {
    "news": ("c3", "ucc"),
    "insults": ("kaggle_insults",),
    "offensive": ("olid", "davidson"),
}
LEXICAL_C = 4.0
EMBEDDING_C = 1.0
STACK_C = 1.0


@dataclass
class Pool:
    """Training comments from several sets, with their embeddings and normalised text."""

    texts: list[str]
    normalised: list[str]
    embeddings: np.ndarray
    labels: np.ndarray
    targets: np.ndarray  # graded training target in [0, 1]
    sets: np.ndarray
    groups: np.ndarray
    categories: dict[str, np.ndarray]

    def __len__(self) -> int:
        return len(self.texts)

    def take(self, idx: np.ndarray) -> "Pool":
        return Pool(
            texts=[self.texts[i] for i in idx],
            normalised=[self.normalised[i] for i in idx],
            embeddings=self.embeddings[idx],
            labels=self.labels[idx],
            targets=self.targets[idx],
            sets=self.sets[idx],
            groups=self.groups[idx],
            categories={k: v[idx] for k, v in self.categories.items()},
        )

    @property
    def weights(self) -> np.ndarray:
        return np.array([SET_WEIGHTS.get(s, 1.0) for s in self.sets], dtype=np.float64)


def set_with_embeddings(name: str, data_dir: Path, cache_dir: Path | None = None
                        ) -> tuple[AbuseSet, np.ndarray]:
    data = load_abuse_set(name, data_dir)
    return data, embed_cached(name, data.texts, cache_dir)


def build_pool(data_dir: Path, split: str = "train", set_names=tuple(SET_WEIGHTS),
               cache_dir: Path | None = None) -> Pool:
    texts, emb, labels, targets, sets, groups = [], [], [], [], [], []
    cats: dict[str, list[np.ndarray]] = {c: [] for c in CATEGORIES}
    for name in set_names:
        data, vectors = set_with_embeddings(name, data_dir, cache_dir)
        mask = data.split == split
        part = data.subset(mask)
        texts += part.texts
        emb.append(vectors[mask])
        labels.append(part.labels)
        targets.append(part.targets())
        sets += [name] * len(part)
        groups.append(np.array([f"{name}:{g}" for g in part.groups]))
        for c in CATEGORIES:
            cats[c].append(part.categories.get(c, np.full(len(part), np.nan, np.float32)))
    normalised = [normalise(t) for t in tqdm(texts, desc="normalise", unit="text")]
    return Pool(
        texts=texts,
        normalised=normalised,
        embeddings=np.vstack(emb),
        labels=np.concatenate(labels).astype(np.int8),
        targets=np.concatenate(targets).astype(np.float64),
        sets=np.array(sets),
        groups=np.concatenate(groups),
        categories={c: np.concatenate(v) for c, v in cats.items()},
    )


# --------------------------------------------------------------------------- view models


@dataclass
class Views:
    lexical_w: np.ndarray
    lexical_b: float
    embedding_w: np.ndarray  # (384, heads)
    embedding_b: np.ndarray

    def logits(self, featurizer: LexicalFeaturizer, pool: Pool) -> np.ndarray:
        x = featurizer.transform_normalised(pool.normalised)
        lex = np.asarray(x @ self.lexical_w).ravel() + self.lexical_b
        emb = pool.embeddings @ self.embedding_w + self.embedding_b
        return np.column_stack([lex, emb])


def fit_soft_logistic(x, target: np.ndarray, weight: np.ndarray, **kwargs) -> LogisticRegression:
    """Logistic regression on targets in [0, 1]: a row with target t counts as a positive with
    weight t and a negative with weight 1 - t."""
    import scipy.sparse as sp

    soft = (target > 0) & (target < 1)
    pos = target >= 1
    rows = np.concatenate([np.flatnonzero(~soft), np.flatnonzero(soft), np.flatnonzero(soft)])
    y = np.concatenate([pos[~soft], np.ones(soft.sum(), bool), np.zeros(soft.sum(), bool)])
    w = np.concatenate([weight[~soft], (weight * target)[soft], (weight * (1 - target))[soft]])
    xs = x[rows] if sp.issparse(x) else np.asarray(x)[rows]
    return LogisticRegression(**kwargs).fit(xs, y.astype(int), sample_weight=w)


def fit_views(pool: Pool, featurizer: LexicalFeaturizer) -> Views:
    x = featurizer.transform_normalised(pool.normalised)
    lexical = fit_soft_logistic(x, pool.targets, pool.weights, C=LEXICAL_C, solver="liblinear",
                                max_iter=200)
    heads_w, heads_b = [], []
    for sets in EMBEDDING_HEADS.values():
        mask = np.isin(pool.sets, sets)
        head = fit_soft_logistic(pool.embeddings[mask], pool.targets[mask],
                                 np.ones(mask.sum()), C=EMBEDDING_C, max_iter=3000)
        heads_w.append(head.coef_[0])
        heads_b.append(head.intercept_[0])
    return Views(
        lexical_w=lexical.coef_[0].astype(np.float32),
        lexical_b=float(lexical.intercept_[0]),
        embedding_w=np.array(heads_w, dtype=np.float32).T,
        embedding_b=np.array(heads_b, dtype=np.float32),
    )


def out_of_fold_logits(pool: Pool, featurizer: LexicalFeaturizer, folds: int = 5) -> np.ndarray:
    """View logits for every pooled comment from models that never saw its group."""
    out = np.zeros((len(pool), 1 + len(EMBEDDING_HEADS)))
    splitter = GroupKFold(n_splits=folds)
    for train_idx, test_idx in tqdm(list(splitter.split(pool.texts, groups=pool.groups)),
                                    desc="out-of-fold", unit="fold"):
        views = fit_views(pool.take(train_idx), featurizer)
        out[test_idx] = views.logits(featurizer, pool.take(test_idx))
    return out


def fit_logistic(x: np.ndarray, y: np.ndarray, c: float, weight: np.ndarray | None = None):
    model = LogisticRegression(C=c, max_iter=5000)
    model.fit(x, y, sample_weight=weight)
    return model.coef_[0], float(model.intercept_[0])


def news_balance_weights(sets: np.ndarray) -> np.ndarray:
    """Each news set counts equally in the stacker, whatever its size."""
    w = np.ones(len(sets))
    for s in np.unique(sets):
        w[sets == s] = len(sets) / (len(np.unique(sets)) * np.sum(sets == s))
    return w


def fit_categories(pool: Pool, views: np.ndarray) -> tuple[np.ndarray, np.ndarray, list[str]]:
    """One logistic head per category on [embedding, view logits], on rows that label it."""
    x = np.hstack([pool.embeddings, views])
    ws, bs, names = [], [], []
    for name in CATEGORIES:
        y = pool.categories[name]
        known = ~np.isnan(y)
        if known.sum() < 50 or len(np.unique(y[known])) < 2:
            continue
        w, b = fit_logistic(x[known], y[known].astype(int), 0.5)
        ws.append(w)
        bs.append(b)
        names.append(name)
    return np.array(ws, dtype=np.float32).T, np.array(bs, dtype=np.float32), names


# --------------------------------------------------------------------------- thresholds


def choose_thresholds(prob: np.ndarray, y: np.ndarray, max_false_hold: float = 0.05,
                      reject_precision: float = 0.9) -> dict[str, float]:
    """hold: lowest threshold holding at most ``max_false_hold`` of legitimate comments;
    reject: lowest threshold whose precision reaches ``reject_precision`` (at least 0.9)."""
    legit = np.sort(prob[y == 0])
    hold = float(legit[int(np.ceil((1 - max_false_hold) * len(legit))) - 1])
    reject = 0.95
    for t in np.arange(0.5, 0.99, 0.01):
        flagged = prob >= t
        if flagged.sum() >= 10 and y[flagged].mean() >= reject_precision:
            reject = float(t)
            break
    return {"hold": round(max(hold, 0.05), 3), "reject": round(max(reject, 0.9, hold + 0.1), 3)}


# --------------------------------------------------------------------------- entry point


def train_abuse(data_dir: Path, out_dir: Path, version: str | None = None,
                cache_dir: Path | None = None) -> dict:
    started = time.time()
    spec = LexicalSpec()
    featurizer = LexicalFeaturizer(spec)
    pool = build_pool(data_dir, "train", cache_dir=cache_dir)
    oof = out_of_fold_logits(pool, featurizer)
    news = np.isin(pool.sets, NEWS_SETS)
    stack_w, stack_b = fit_logistic(oof[news], pool.labels[news], STACK_C,
                                    news_balance_weights(pool.sets[news]))
    oof_prob = 1 / (1 + np.exp(-(oof @ stack_w + stack_b)))
    thresholds = choose_thresholds(oof_prob[news], pool.labels[news])
    final = fit_views(pool, featurizer)
    cat_w, cat_b, cat_names = fit_categories(pool, oof)

    from sklearn.metrics import roc_auc_score

    cv = {s: float(roc_auc_score(pool.labels[pool.sets == s], oof_prob[pool.sets == s]))
          for s in np.unique(pool.sets)}
    version = version or f"abuse-{date.today():%Y.%m.%d}-1"
    meta = {
        "version": version,
        "recommended_thresholds": thresholds,
        "categories": cat_names,
        "lexical": {"n_features": spec.n_features, "char_ngrams": list(spec.char_ngrams),
                    "hashing": "sklearn HashingVectorizer murmurhash3, char_wb + words, binary, l2"},
        "embedding_heads": list(EMBEDDING_HEADS),
        "embedder": "all-MiniLM-L6-v2",
        "trained_on": {s: int(np.sum(pool.sets == s)) for s in SET_WEIGHTS},
        "set_weights": SET_WEIGHTS,
        "cross_validated_roc_auc": cv,
        "evidence_min_weight": 0.5,
    }
    out_dir.mkdir(parents=True, exist_ok=True)
    np.savez_compressed(
        out_dir / "abuse.npz",
        lexical_w=final.lexical_w.astype(np.float16),
        lexical_b=np.float32(final.lexical_b),
        embedding_w=final.embedding_w,
        embedding_b=final.embedding_b,
        stack_w=np.asarray(stack_w, np.float32),
        stack_b=np.float32(stack_b),
        category_w=cat_w,
        category_b=cat_b,
    )
    (out_dir / "abuse.json").write_text(json.dumps(meta, indent=2) + "\n", encoding="utf-8")
    AbuseModel.load(out_dir)  # fail now, not in production, if something is off
    meta["seconds"] = round(time.time() - started, 1)
    return meta
