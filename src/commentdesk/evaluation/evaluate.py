"""Evaluation of the shipped (or any) weights on the held-out parts of the labeled sets."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
from tqdm import tqdm

from commentdesk.evaluation.embedding_cache import embed_cached
from commentdesk.evaluation.labeled_sets import load_abuse_set
from commentdesk.evaluation.metrics import plot_curves, policy_metrics, roc_auc
from commentdesk.evaluation.perturb import PERTURBATIONS, perturb
from commentdesk.moderation.models.abuse import AbuseModel
from commentdesk.moderation.models.relevance import RelevanceModel

ABUSE_EVAL_SETS = ("c3", "ucc", "kaggle_insults", "olid", "wiki")
ROBUSTNESS_SETS = ("c3", "ucc", "kaggle_insults")
WORST = 15


@dataclass
class SetResult:
    name: str
    kind: str  # "abuse" | "fairness" | "robustness" | "relevance"
    metrics: dict
    plots: list[Path] = field(default_factory=list)
    mistakes: dict[str, list[tuple[float, str]]] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)


def _worst(texts, y, prob, k=WORST) -> dict[str, list[tuple[float, str]]]:
    """Abusive comments scored lowest (missed) and legitimate ones scored highest (flagged)."""
    y = np.asarray(y).astype(bool)
    missed = [i for i in np.argsort(prob) if y[i]][:k]
    flagged = [i for i in np.argsort(-prob) if not y[i]][:k]
    return {
        "abusive comments scored lowest (missed)": [(float(prob[i]), texts[i]) for i in missed],
        "legitimate comments scored highest (false alarms)": [(float(prob[i]), texts[i]) for i in flagged],
    }


def evaluate_abuse_set(model: AbuseModel, name: str, data_dir: Path, out_dir: Path, cache_dir: Path | None = None) -> SetResult:
    data = load_abuse_set(name, data_dir)
    emb = embed_cached(name, data.texts, cache_dir)
    test = data.split == "test"
    part, emb = data.subset(test), emb[test]
    prob, cats = model.probabilities(part.texts, emb)
    th = model.recommended_thresholds
    metrics = policy_metrics(part.labels, prob, th["hold"], th["reject"])
    per_category = {}
    for j, cat in enumerate(model.category_names):
        labels = part.categories.get(cat)
        if labels is None or np.all(np.isnan(labels)):
            continue
        known = ~np.isnan(labels)
        per_category[cat] = {"roc_auc": roc_auc(labels[known], cats[known, j]), "positives": int(np.nansum(labels))}
    metrics["categories"] = per_category
    split_note = {
        "c3": "20 % of articles held out (split by article_id)",
        "ucc": "test.csv (trained on val.csv)",
        "kaggle_insults": "test_with_solutions.csv",
        "olid": "20 % held out (by tweet id)",
        "wiki": "whole set, never trained on",
    }.get(name, "test split")
    plots = plot_curves({name: (part.labels, prob)}, out_dir, f"abuse-{name}", name)
    return SetResult(name, "abuse", metrics, plots, _worst(part.texts, part.labels, prob), [f"held-out part: {split_note}"])


BIAS_SAMPLE = 12_000


def evaluate_bias_madlibs(model: AbuseModel, data_dir: Path, cache_dir: Path | None = None) -> SetResult:
    data = load_abuse_set("bias_madlibs", data_dir)
    # A fixed sample of the 77k templates: the rates are stable to a few tenths of a percent.
    data = data.subset(np.random.default_rng(0).permutation(len(data)) < BIAS_SAMPLE)
    emb = embed_cached("bias_madlibs-sample", data.texts, cache_dir)
    prob, _ = model.probabilities(data.texts, emb)
    hold = model.recommended_thresholds["hold"]
    legit = data.labels == 0
    metrics = {
        "n": len(data),
        "roc_auc": roc_auc(data.labels, prob),
        "not_bad_held_share": float(np.mean(prob[legit] >= hold)),
        "bad_held_share": float(np.mean(prob[~legit] >= hold)),
        "hold_threshold": hold,
        "target_not_bad_held_share": 0.05,
    }
    return SetResult(
        "bias_madlibs",
        "fairness",
        metrics,
        mistakes=_worst(data.texts, data.labels, prob),
        notes=["synthetic identity-term templates; never trained on"],
    )


def evaluate_robustness(model: AbuseModel, data_dir: Path, cache_dir: Path | None = None) -> SetResult:
    """Catch rate of disguised abusive comments relative to the originals, at the hold threshold."""
    texts = []
    for name in ROBUSTNESS_SETS:
        data = load_abuse_set(name, data_dir)
        emb = embed_cached(name, data.texts, cache_dir)
        test = (data.split == "test") & (data.labels == 1)
        idx = np.flatnonzero(test)
        prob, _ = model.probabilities([data.texts[i] for i in idx], emb[idx])
        caught = idx[prob >= model.recommended_thresholds["hold"]]
        texts += [data.texts[i] for i in caught]
    hold = model.recommended_thresholds["hold"]
    metrics: dict[str, float | None] = {"originals_caught": len(texts), "hold_threshold": hold, "target_ratio": 0.9}
    mistakes = {}
    for kind in tqdm(PERTURBATIONS, desc="robustness", unit="rewrite"):
        rewritten = [perturb(t, kind) for t in texts]
        emb = embed_cached(f"robustness-{kind}", rewritten, cache_dir)
        prob, _ = model.probabilities(rewritten, emb)
        metrics[f"catch_ratio_{kind}"] = float(np.mean(prob >= hold)) if texts else None
        missed = np.argsort(prob)[:5]
        mistakes[f"{kind}: disguised comments scored lowest"] = [(float(prob[i]), rewritten[i]) for i in missed]
    return SetResult(
        "robustness",
        "robustness",
        metrics,
        mistakes=mistakes,
        notes=[
            f"abusive held-out comments of {', '.join(ROBUSTNESS_SETS)} that the "
            "model holds, with their abusive (or longest) words disguised"
        ],
    )


def _held_share(prob: np.ndarray, hold: float) -> float | None:
    """Share of pairs held; None when there are none (NaN would make metrics.json invalid)."""
    return float(np.mean(prob < hold)) if len(prob) else None


def evaluate_relevance(model: RelevanceModel, data_dir: Path, out_dir: Path, cache_dir: Path | None = None) -> list[SetResult]:
    from commentdesk.evaluation.train_relevance import collect_pairs

    prototypes = model._generic  # the shipped prototypes, not fresh ones
    results = []
    for corpus, pairs, feats in collect_pairs(data_dir, cache_dir, prototypes):
        test = pairs["split"] == "test"
        source_logits = np.array(
            [model.source_logit(src, sim, gen) for src, sim, gen in zip(pairs["source"], feats[:, 0], feats[:, 1], strict=True)]
        )
        z = model.combine(source_logits, corpus.comment_vecs[pairs["comment_index"]])
        prob = 1 / (1 + np.exp(-z))
        hold = model.recommended_thresholds["hold"]
        metrics: dict[str, float | None] = {"hold_threshold": hold}
        curves = {}
        for source in ("article", "thread", "parent"):
            sel = test & (pairs["source"] == source)
            if not sel.any():
                continue
            # own vs other context: own-thread comments count as on-topic whatever their label.
            own = pairs["kind"][sel] == "own"
            metrics[f"{source}_own_vs_other_roc_auc"] = roc_auc(own, prob[sel])
            curves[f"{source}: own vs other"] = (own.astype(int), prob[sel])
            real = sel & (pairs["kind"] == "own")
            metrics[f"{source}_real_labels_roc_auc"] = roc_auc(pairs["label"][real], prob[real])
            curves[f"{source}: real labels"] = (pairs["label"][real].astype(int), prob[real])
            on_topic = pairs["label"][real] == 1
            metrics[f"{source}_on_topic_held_share"] = _held_share(prob[real][on_topic], hold)
            metrics[f"{source}_off_topic_held_share"] = _held_share(prob[real][~on_topic], hold)
            metrics[f"{source}_other_context_held_share"] = _held_share(prob[sel & (pairs["kind"] == "other")], hold)
        plots = plot_curves(curves, out_dir, f"relevance-{corpus.name}", f"relevance {corpus.name}")
        own_test = test & (pairs["kind"] == "own") & (pairs["source"] != "parent")
        idx = np.flatnonzero(own_test)
        texts = [corpus.comment_texts[pairs["comment_index"][i]] for i in idx]
        # Mistakes: on-topic comments judged least relevant, and off-topic judged most.
        on_topic, p_on = pairs["label"][idx] == 1, prob[idx]
        order = np.argsort(p_on)
        mistakes = {
            "on-topic comments judged least relevant": [(float(p_on[i]), texts[i]) for i in order if on_topic[i]][:WORST],
            "off-topic comments judged most relevant": [(float(p_on[i]), texts[i]) for i in order[::-1] if not on_topic[i]][
                :WORST
            ],
        }
        note = (
            "SemEval-2015 CQA test split; the question is the article"
            if corpus.name == "semeval"
            else "C3 held-out articles; no article text, judged against the thread centroid and "
            "single other comments (stand-in for parents)"
        )
        results.append(SetResult(f"relevance-{corpus.name}", "relevance", metrics, plots, mistakes, [note]))
    return results
