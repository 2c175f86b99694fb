"""Choosing what `commentdesk train` learns from and whether its new weights replace the current ones.

The moderators' decisions are split into ones to learn from and ones held back; the new model is
compared with the current one on those and on the news sets' held-out figures.
"""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path
from typing import Any

import numpy as np

# The abuse model learns from approvals (fine) and rejections as abusive; the other labels are
# judged elsewhere, so they are counted and explained rather than used.
ABUSE_LABELS = ("abusive", "ok")
UNUSED_LABELS = {
    "off_topic": "off-topic rejections (they say nothing about abuse, and the relevance model learns from "
    "labeled threads, not from site decisions)",
    "spam": "spam rejections (spam is judged by the spam rules, which learn nothing)",
}


def abuse_examples(labels: list[dict]) -> list[tuple[str, int, str]]:
    """(text, 1 abusive / 0 fine, article) for each decision the abuse model learns from."""
    return [
        (row["text"], 1 if row["label"] == "abusive" else 0, row["article_title"])
        for row in labels
        if row["label"] in ABUSE_LABELS
    ]


def describe_decisions(labels: list[dict]) -> str:
    """Which of the moderators' decisions are used, and why the others are not, in one paragraph."""
    counts = {label: sum(1 for row in labels if row["label"] == label) for label in ("ok", "abusive", *UNUSED_LABELS)}
    used = counts["ok"] + counts["abusive"]
    lines = [
        f"{len(labels)} moderator decisions found; the abuse model learns from {used}: "
        f"{counts['abusive']} rejected as abusive, {counts['ok']} approved."
    ]
    for label, why in UNUSED_LABELS.items():
        if counts[label]:
            lines.append(f"not used: {counts[label]} {why}.")
    lines.append('Rejections for "other" and undone decisions are not training data.')
    return "\n".join(lines)


def split_decisions(decisions: list[tuple[str, int, str]]) -> tuple[list, list]:
    """(decisions to learn from, decisions held back to compare the new model with the current one),
    by article, about one in five held back."""
    from commentdesk.evaluation.datasets import stable_fraction

    held = [stable_fraction("decisions:" + group) < 0.2 for _t, _l, group in decisions]
    return ([d for d, h in zip(decisions, held, strict=True) if not h], [d for d, h in zip(decisions, held, strict=True) if h])


def news_figures(meta: dict) -> dict[str, float | None]:
    held_out = meta.get("held_out_roc_auc")
    if held_out:
        return {name: entry.get("roc_auc") for name, entry in held_out.items()}
    return dict(meta.get("cross_validated_roc_auc", {}))


def compare_with_current(current_dir: Path, new_dir: Path, new_meta: dict, held_back: list[tuple[str, int, str]]) -> dict:
    """Held-out figures of the new model next to the current one's.

    On the news sets each figure is the model's own held-out one (the current model's as stored
    with it). On the moderators' held-back decisions neither model learned from them. The new
    model is better if it does better on those decisions (when there are both kinds) and no worse
    than 0.005 on the news sets.
    """
    from commentdesk.evaluation.metrics import roc_auc
    from commentdesk.moderation.models.abuse_finetuned import load_abuse_model

    try:
        current_model = load_abuse_model(current_dir)
        current = news_figures(current_model.meta)
    except Exception:
        current_model, current = None, {}
    new = news_figures(new_meta)
    news = {s: {"current": current.get(s), "new": new.get(s)} for s in ("c3", "ucc") if s in new}
    news_ok = all((v["new"] or 0) >= (v["current"] or 0) - 0.005 for v in news.values())
    result: dict[str, Any] = {"news_sets": news, "decisions": None}
    if held_back and len({label for _t, label, _g in held_back}) == 2:
        texts = [text for text, _l, _g in held_back]
        labels = np.array([label for _t, label, _g in held_back])

        def scores(model) -> np.ndarray | None:
            if model is None:
                return None
            if hasattr(model, "branch_state"):
                return model.probabilities(texts)[0]
            from commentdesk.moderation.models.embedder import shared_embedder

            return model.probabilities(texts, shared_embedder().encode(texts))[0]

        now, new_scores = scores(current_model), scores(load_abuse_model(new_dir))
        result["decisions"] = {
            "held_back": len(held_back),
            "current": None if now is None else roc_auc(labels, now),
            "new": None if new_scores is None else roc_auc(labels, new_scores),
        }
        decisions_ok = (result["decisions"]["new"] or 0) > (result["decisions"]["current"] or 0)
        result["better"] = bool(news_ok and decisions_ok)
    else:
        mean = lambda d: np.mean([v or 0 for v in d])  # noqa: E731
        result["better"] = bool(news_ok and mean(x["new"] for x in news.values()) > mean(x["current"] for x in news.values()))
    return result


def next_version(kind: str, shipped_meta: Path, today: date | None = None) -> str:
    """``<kind>-YYYY.MM.DD-N``: N counts up from the shipped version of the same day, so every
    model that ever decided a comment has its own version string."""
    stamp = f"{(today or date.today()):%Y.%m.%d}"
    try:
        current = json.loads(shipped_meta.read_text(encoding="utf-8")).get("version", "")
    except (OSError, ValueError):
        current = ""
    prefix = f"{kind}-{stamp}-"
    if current.startswith(prefix) and current[len(prefix) :].isdigit():
        return f"{prefix}{int(current[len(prefix) :]) + 1}"
    return f"{prefix}1"
