"""Metrics and plots for scored labeled sets."""

from __future__ import annotations

from pathlib import Path

import numpy as np
from sklearn.metrics import average_precision_score, precision_recall_curve, roc_auc_score, roc_curve


def roc_auc(y: np.ndarray, score: np.ndarray) -> float | None:
    y = np.asarray(y)
    if len(np.unique(y)) < 2:
        return None
    return float(roc_auc_score(y, score))


def rounded(value: float | None, digits: int = 4) -> float | None:
    """A figure for a report, rounded; None (a set with one class only) stays None."""
    return None if value is None else round(value, digits)


def known_roc_auc(y: np.ndarray, score: np.ndarray) -> float:
    """ROC AUC of a set that must hold both classes (a test split built to have both)."""
    value = roc_auc(y, score)
    if value is None:
        raise ValueError("ROC AUC needs both classes in the labels")
    return value


def policy_metrics(y: np.ndarray, prob: np.ndarray, hold: float, reject: float) -> dict:
    """What the policy does to a labeled set: y = 1 abusive (or off-topic), prob = P(positive).

    over-moderation: share of legitimate comments held or rejected;
    under-moderation: share of abusive comments published.
    """
    y = np.asarray(y).astype(bool)
    flagged = prob >= hold
    rejected = prob >= reject
    legit, bad = ~y, y

    def share(mask, of):
        return float(mask[of].mean()) if of.any() else None

    def precision(mask):
        return float(y[mask].mean()) if mask.any() else None

    return {
        "n": int(len(y)),
        "positives": int(y.sum()),
        "roc_auc": roc_auc(y, prob),
        "average_precision": float(average_precision_score(y, prob)) if 0 < y.sum() < len(y) else None,
        "hold_threshold": hold,
        "reject_threshold": reject,
        "precision_at_hold": precision(flagged),
        "recall_at_hold": share(flagged, bad),
        "precision_at_reject": precision(rejected),
        "recall_at_reject": share(rejected, bad),
        "over_moderation": share(flagged, legit),
        "wrongly_rejected": share(rejected, legit),
        "under_moderation": share(~flagged, bad),
    }


def plot_curves(curves: dict[str, tuple[np.ndarray, np.ndarray]], out_dir: Path, stem: str, title: str) -> list[Path]:
    """ROC and precision-recall curves, one line per named (labels, scores) pair."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    out_dir.mkdir(parents=True, exist_ok=True)
    paths = []
    fig, (ax_roc, ax_pr) = plt.subplots(1, 2, figsize=(10, 4.2), dpi=80)
    for name, (y, s) in curves.items():
        if len(np.unique(y)) < 2:
            continue
        fpr, tpr, _ = roc_curve(y, s)
        ax_roc.plot(fpr, tpr, label=f"{name} (AUC {roc_auc_score(y, s):.3f})")
        prec, rec, _ = precision_recall_curve(y, s)
        ax_pr.plot(rec, prec, label=f"{name} (AP {average_precision_score(y, s):.3f})")
    ax_roc.plot([0, 1], [0, 1], color="grey", lw=0.5, ls="--")
    ax_roc.set(xlabel="false positive rate", ylabel="true positive rate", title=f"ROC — {title}")
    ax_pr.set(xlabel="recall", ylabel="precision", title=f"Precision–recall — {title}")
    for ax in (ax_roc, ax_pr):
        ax.legend(fontsize=7, loc="lower right" if ax is ax_roc else "upper right")
        ax.grid(alpha=0.3)
    fig.tight_layout()
    path = out_dir / f"{stem}.png"
    fig.savefig(path)
    plt.close(fig)
    paths.append(path)
    return paths
