"""`commentdesk eval --file`: the whole policy (models and rules together) on a labeled JSON-lines file.

Each line: {"article": {"title", "body"} or a key into --articles, "text", "parent" (optional),
"expect": "publish" | "not_published" (or "label": "ok" | "abusive" | "off_topic" | "spam"),
"category" (optional, for per-category figures)}. The comments are judged exactly as
`commentdesk score` judges them.
"""

from __future__ import annotations

import json
import sys
from collections import defaultdict
from pathlib import Path

import numpy as np
from tqdm import tqdm

from commentdesk.evaluation.evaluate import SetResult
from commentdesk.evaluation.jsonl import numbered_objects
from commentdesk.evaluation.metrics import plot_curves, roc_auc
from commentdesk.moderation.scorer import Scorer

ABUSIVE_CATEGORIES = {"abusive", "insult", "threat", "identity_attack", "obscene", "obscenity", "obfuscated"}


class LabeledFileError(ValueError):
    pass


def load_cases(path: Path, articles_path: Path | None) -> list[dict]:
    articles = json.loads(articles_path.read_text()) if articles_path else {}
    cases = []
    for number, case in numbered_objects(path, LabeledFileError):
        article = case.get("article")
        if isinstance(article, str):
            if article not in articles:
                raise LabeledFileError(f"{path}:{number}: article {article!r} is not in --articles")
            article = articles[article]
        if not isinstance(article, dict) or not isinstance(case.get("text"), str):
            raise LabeledFileError(f"{path}:{number}: needs 'article' and 'text'")
        label = case.get("label")
        expect = case.get("expect") or ("publish" if label == "ok" else "not_published" if label else None)
        if expect not in ("publish", "not_published"):
            raise LabeledFileError(f"{path}:{number}: needs 'expect' (publish | not_published) or 'label'")
        cases.append(
            {
                "article": article,
                "text": case["text"],
                "parent": case.get("parent"),
                "expect": expect,
                "category": case.get("category") or label or expect,
            }
        )
    return cases


def evaluate_policy_file(path: Path, articles_path: Path | None, out_dir: Path, scorer: Scorer | None = None) -> SetResult:
    cases = load_cases(path, articles_path)
    scorer = scorer or Scorer()
    scorer.models.load()
    rows = []
    for case in tqdm(cases, desc=f"policy on {path.name}", file=sys.stderr):
        decision = scorer.decide(case["article"].get("title", ""), case["article"].get("body", ""), case["text"], case["parent"])
        rows.append((case, decision))

    legit = [(c, d) for c, d in rows if c["expect"] == "publish"]
    bad = [(c, d) for c, d in rows if c["expect"] == "not_published"]
    per_category: dict[str, dict] = defaultdict(lambda: {"n": 0, "correct": 0})
    for case, decision in rows:
        published = decision.decision == "publish"
        entry = per_category[case["category"]]
        entry["n"] += 1
        entry["correct"] += int(published == (case["expect"] == "publish"))
    metrics = {
        "n": len(rows),
        "legitimate": len(legit),
        "should_not_publish": len(bad),
        "accuracy": _share(sum(1 for c, d in rows if (d.decision == "publish") == (c["expect"] == "publish")), len(rows)),
        "over_moderation": _share(sum(1 for _, d in legit if d.decision != "publish"), len(legit)),
        "under_moderation": _share(sum(1 for _, d in bad if d.decision == "publish"), len(bad)),
        "rejected_legitimate": _share(sum(1 for _, d in legit if d.decision == "reject"), len(legit)),
        "decisions": {kind: sum(1 for _, d in rows if d.decision == kind) for kind in ("publish", "hold", "reject")},
        "per_category": {
            name: {**entry, "share_correct": _share(entry["correct"], entry["n"])} for name, entry in sorted(per_category.items())
        },
    }
    curves = {}
    abusive = [(c, d) for c, d in rows if c["category"] in ABUSIVE_CATEGORIES]
    if abusive and legit:
        y = np.array([1] * len(abusive) + [0] * len(legit))
        score = np.array([d.scores.get("abuse", 0.0) for _, d in abusive + legit])
        metrics["abuse_roc_auc"] = roc_auc(y, score)
        curves["abuse score: abusive vs legitimate"] = (y, score)
    off_topic = [(c, d) for c, d in rows if c["category"] == "off_topic"]
    if off_topic and legit:
        y = np.array([1] * len(off_topic) + [0] * len(legit))
        score = np.array([1.0 - d.scores.get("relevance", 1.0) for _, d in off_topic + legit])
        metrics["relevance_roc_auc"] = roc_auc(y, score)
        curves["1 - relevance: off-topic vs legitimate"] = (y, score)
    plots = plot_curves(curves, out_dir, f"policy-{path.stem}", f"full policy on {path.name}") if curves else []
    mistakes = {
        "legitimate but not published": [
            (d.scores.get("abuse", 0.0), f"[{d.decision}: {', '.join(r.code for r in d.reasons)}] {c['text']}")
            for c, d in legit
            if d.decision != "publish"
        ],
        "should not publish but published": [
            (d.scores.get("abuse", 0.0), f"[{c['category']}] {c['text']}") for c, d in bad if d.decision == "publish"
        ],
    }
    return SetResult(
        name=f"policy:{path.name}",
        kind="policy",
        metrics=metrics,
        plots=plots,
        mistakes=mistakes,
        notes=["Every comment judged by the full pipeline (models, word lists, spam, threats), default policy."],
    )


def _share(part: int, whole: int) -> float | None:
    return round(part / whole, 4) if whole else None
