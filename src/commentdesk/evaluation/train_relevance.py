"""Fitting the relevance model's per-source calibrations (train splits only)."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import numpy as np
from sklearn.linear_model import LogisticRegression

from commentdesk.evaluation.relevance_data import build_pairs, load_corpus
from commentdesk.moderation.models.embedder import shared_embedder
from commentdesk.moderation.models.relevance import SOURCES, RelevanceModel

# Content-free reactions that readers post under any article; they are about the article even
# though they share no words with it.
GENERIC_REACTIONS = (
    "Great article.",
    "Good article, thanks.",
    "Well written piece.",
    "Thanks for writing this.",
    "Excellent reporting.",
    "Agreed.",
    "I agree.",
    "I agree completely.",
    "Totally agree.",
    "Well said.",
    "Exactly.",
    "So true.",
    "This.",
    "Spot on.",
    "Couldn't agree more.",
    "I disagree.",
    "Nonsense.",
    "Not true.",
    "What a joke.",
    "Ridiculous.",
    "Sad.",
    "Interesting.",
    "Very interesting read.",
    "Thank you for sharing.",
    "Good point.",
    "Well put.",
    "Bravo.",
    "Hear, hear.",
    "Shame.",
    "Unbelievable.",
    "About time.",
    "Finally!",
    "Wow.",
    "Sad but true.",
    "Great reporting, keep it up.",
)


def generic_prototypes() -> np.ndarray:
    return shared_embedder().encode(list(GENERIC_REACTIONS))


def pair_features(pairs: dict[str, np.ndarray], generic_sim: np.ndarray) -> np.ndarray:
    return np.column_stack([pairs["similarity"], generic_sim[pairs["comment_index"]]])


def collect_pairs(data_dir: Path, cache_dir: Path | None = None, prototypes=None):
    """All pairs of both corpora with the generic-reaction similarity of each comment."""
    prototypes = generic_prototypes() if prototypes is None else prototypes
    out = []
    for name in ("semeval", "c3"):
        corpus = load_corpus(name, data_dir, cache_dir)
        pairs = build_pairs(corpus).arrays()
        generic = (corpus.comment_vecs @ prototypes.T).max(axis=1)
        out.append((corpus, pairs, pair_features(pairs, generic)))
    return out


# Real relevance labels (own-context rows) weigh this much more than constructed other-context
# pairs when fitting the comment head: more weight helps real labels and hurts own-vs-other.
REAL_LABEL_WEIGHT = 3.0
HEAD_C = 0.1


def fit_comment_head(collected, calibration: dict) -> tuple[np.ndarray, float, float]:
    """Logistic fit of [best-source logit, comment vector] on all training pairs."""
    xs, ys, ws = [], [], []
    for corpus, pairs, feats in collected:
        train = pairs["split"] == "train"
        a = np.array([calibration[s][0] for s in pairs["source"]])
        g = np.array([calibration[s][1] for s in pairs["source"]])
        b = np.array([calibration[s][2] for s in pairs["source"]])
        logit = a * feats[:, 0] + g * feats[:, 1] + b
        vecs = corpus.comment_vecs[pairs["comment_index"]]
        xs.append(np.column_stack([logit, vecs])[train])
        ys.append(pairs["label"][train])
        ws.append(np.where(pairs["kind"] == "own", REAL_LABEL_WEIGHT, 1.0)[train])
    model = LogisticRegression(C=HEAD_C, max_iter=3000)
    model.fit(np.vstack(xs), np.concatenate(ys).astype(int), sample_weight=np.concatenate(ws))
    coef = model.coef_[0]
    return coef[1:], float(coef[0]), float(model.intercept_[0])


def choose_hold_threshold(prob_on_topic: np.ndarray, label: np.ndarray, max_false_hold: float = 0.05) -> float:
    """Highest threshold that holds at most ``max_false_hold`` of on-topic own-context pairs."""
    on_topic = np.sort(prob_on_topic[label == 1])
    return float(on_topic[int(np.floor(max_false_hold * len(on_topic)))])


def train_relevance(data_dir: Path, out_dir: Path, version: str | None = None, cache_dir: Path | None = None) -> dict:
    prototypes = generic_prototypes()
    collected = collect_pairs(data_dir, cache_dir, prototypes)
    calibration = {}
    for source in SOURCES:
        xs, ys = [], []
        for _, pairs, feats in collected:
            mask = (pairs["source"] == source) & (pairs["split"] == "train")
            xs.append(feats[mask])
            ys.append(pairs["label"][mask])
        x, y = np.vstack(xs), np.concatenate(ys)
        model = LogisticRegression(C=10.0, max_iter=2000).fit(x, y.astype(int))
        a, g = model.coef_[0]
        # Generic reactions may only pull a comment *towards* on-topic.
        calibration[source] = [float(a), float(max(g, 0.0)), float(model.intercept_[0])]
    head_w, alpha, bias = fit_comment_head(collected, calibration)
    version = version or f"relevance-{date.today():%Y.%m.%d}-1"
    meta = {
        "version": version,
        "calibration": calibration,
        "calibration_features": ["cosine similarity", "max cosine to generic reactions", "bias"],
        "generic_reactions": list(GENERIC_REACTIONS),
        "embedder": "all-MiniLM-L6-v2",
        "trained_on": {
            "semeval2015_cqa": "devel split (article + thread pairs)",
            "c3": "80 % of articles (thread + parent pairs)",
        },
        "combine": {"alpha": alpha, "bias": bias, "real_label_weight": REAL_LABEL_WEIGHT, "C": HEAD_C},
        "recommended_thresholds": {"hold": 0.2},
    }
    out_dir.mkdir(parents=True, exist_ok=True)
    np.savez_compressed(
        out_dir / "relevance.npz", generic_prototypes=prototypes.astype(np.float32), comment_head=head_w.astype(np.float32)
    )
    (out_dir / "relevance.json").write_text(json.dumps(meta, indent=2) + "\n", encoding="utf-8")
    # The hold threshold: at most 5 % of on-topic comments judged against their article (the
    # production case; SemEval train split) are held.
    model = RelevanceModel.load(out_dir)
    probs, labels = [], []
    for corpus, pairs, feats in collected:
        mask = (pairs["split"] == "train") & (pairs["kind"] == "own") & (pairs["source"] == "article")
        logits = [
            model.source_logit(src, sim, gen)
            for sim, gen, src in zip(feats[mask, 0], feats[mask, 1], pairs["source"][mask], strict=True)
        ]
        z = model.combine(np.array(logits), corpus.comment_vecs[pairs["comment_index"][mask]])
        probs += list(1 / (1 + np.exp(-z)))
        labels += list(pairs["label"][mask])
    hold = choose_hold_threshold(np.array(probs), np.array(labels))
    meta["recommended_thresholds"] = {"hold": round(hold, 3)}
    (out_dir / "relevance.json").write_text(json.dumps(meta, indent=2) + "\n", encoding="utf-8")
    return meta
