"""Leave-one-source-out evaluation: how the abuse model does on a set it never learned from.

For each labeled set in ``FOLD_SETS`` a model is trained with the shipped recipe on every other
set (and the seeds), then scored on the held-out set's test rows. The mean and the worst of
those ROC-AUCs are the headline figures: they say how the model will do on a site whose
comments it has never seen, where in-distribution figures flatter it.

Each fold trains on at most ``FOLD_CAP`` rows per set so that a dozen folds fit in an evening
on a 2-core CPU; the shipped model learns from up to ``TRAIN_CAP`` rows per set, so these
figures, if anything, understate it. Results are written after every fold and a rerun resumes.
"""

from __future__ import annotations

import json
import time
from pathlib import Path

import numpy as np
from tqdm import tqdm

from commentdesk.evaluation.abuse_corpus import EVAL_ONLY_SETS, LABELED_SETS, Part, capped, load_parts, seeds_part
from commentdesk.evaluation.metrics import roc_auc

FOLD_SETS = (
    "c3",
    "ucc",
    "toxic_spans",
    "kaggle_insults",
    "cad",
    "wiki_context",
    "dynahate",
    "implicit_hate",
    "hatexplain",
    "toxigen",
    "olid",
    "davidson",
)
FOLD_CAP = 1000


def legacy_scores(part: Part, weights_dir: Path) -> np.ndarray:
    """P(abusive) from a model of the previous kind (lexical + linear heads on the embedding)."""
    from commentdesk.moderation.models.abuse import AbuseModel

    return AbuseModel.load(weights_dir).probabilities(part.texts, part.states.embedding)[0]


def run_transfer(
    data_dir: Path,
    out_path: Path,
    folds: tuple[str, ...] = FOLD_SETS,
    cap: int = FOLD_CAP,
    cache_dir: Path | None = None,
    sets: tuple[str, ...] = LABELED_SETS,
    loaded: tuple[dict[str, Part], dict[str, Part], Part] | None = None,
) -> dict:
    """``loaded``: (train parts, test parts, seeds) already in memory, to skip reading them again."""
    from commentdesk.evaluation.train_abuse_encoder import train_model

    results = json.loads(out_path.read_text()) if out_path.exists() else {"folds": {}}
    results.update({"fold_cap": cap, "sets": list(sets)})
    if loaded is None:
        loaded = (
            load_parts(sets, data_dir, "train", cache_dir),
            load_parts(tuple(dict.fromkeys(folds + EVAL_ONLY_SETS)), data_dir, "test", cache_dir),
            seeds_part(cache_dir),
        )
    train_parts, eval_parts, seeds = loaded
    train_parts = {name: part for name, part in train_parts.items() if name in sets}
    for held in tqdm(folds, desc="leave-one-source-out", unit="fold"):
        if held in results["folds"]:
            continue
        started = time.time()
        parts = [capped(p, cap) for name, p in train_parts.items() if name != held] + [seeds]
        trained = train_model(parts, desc=f"without {held}")
        target = eval_parts[held]
        fold = {
            "roc_auc": roc_auc(target.labels, trained.score_part(target)),
            # The branch's logit alone: what the lexical view and the stacker (fitted on news rows)
            # add or cost on a set they did not see.
            "roc_auc_branch": roc_auc(target.labels, trained.branch_logit(target)),
            "rows": len(target),
            "abusive": int(target.labels.sum()),
            "seconds": round(time.time() - started, 1),
        }
        for other in EVAL_ONLY_SETS:
            fold[f"roc_auc_{other}"] = roc_auc(eval_parts[other].labels, trained.score_part(eval_parts[other]))
        results["folds"][held] = fold
        _write(results, out_path)
    aucs = [f["roc_auc"] for f in results["folds"].values() if f.get("roc_auc") is not None]
    results["mean_roc_auc"] = float(np.mean(aucs)) if aucs else None
    results["worst_roc_auc"] = float(np.min(aucs)) if aucs else None
    _write(results, out_path)
    return results


def baseline(
    data_dir: Path, weights_dir: Path, out_path: Path, folds: tuple[str, ...] = FOLD_SETS, cache_dir: Path | None = None
) -> dict:
    """A previous model's figures on the same rows (for the sets it learned from, in-distribution)."""
    eval_parts = load_parts(tuple(dict.fromkeys(folds + EVAL_ONLY_SETS)), data_dir, "test", cache_dir)
    out = {name: roc_auc(part.labels, legacy_scores(part, weights_dir)) for name, part in eval_parts.items()}
    _write(out, out_path)
    return out


def _write(results: dict, path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_suffix(".tmp")
    temporary.write_text(json.dumps(results, indent=2) + "\n")
    temporary.replace(path)


def write_report(results: dict, previous: dict | None, out_dir: Path, command: str) -> Path:
    """transfer.md and transfer.png: per held-out set, the new recipe beside the previous model."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    folds = results.get("folds", {})
    names = [name for name in FOLD_SETS if name in folds]
    lines = [
        "# Leave-one-source-out transfer",
        "",
        f"- command: `{command}`",
        f"- each fold: the shipped recipe trained on every other set (at most {results.get('fold_cap')} rows "
        "per set) and the seeds, scored on the held-out set's test rows",
        "",
    ]
    if previous:
        lines.append(
            "The previous model's column is its figure on the same rows; for the sets it learned from "
            "(c3, ucc, kaggle_insults, olid, davidson) that is an in-distribution figure, which flatters it."
        )
        lines.append("")
    # Folds measured before the branch's own figure was recorded have none: the column is shown
    # only when every fold has it.
    with_branch = bool(names) and all(folds[n].get("roc_auc_branch") is not None for n in names)
    branch_head, branch_rule = (" branch logit alone |", "---:|") if with_branch else ("", "")
    lines += [
        f"| held-out set | rows | abusive | ROC-AUC, trained without it |{branch_head} previous model |",
        f"|---|---:|---:|---:|{branch_rule}---:|",
    ]
    for name in names:
        fold = folds[name]
        old = (previous or {}).get(name)
        branch = f" {fold['roc_auc_branch']:.3f} |" if with_branch else ""
        lines.append(
            f"| {name} | {fold['rows']} | {fold['abusive']} | {fold['roc_auc']:.3f} |{branch} {'' if old is None else f'{old:.3f}'} |"
        )
    aucs = [folds[n]["roc_auc"] for n in names]
    if aucs:
        old_aucs = [(previous or {}).get(n) for n in names]
        lines += ["", f"- mean: **{np.mean(aucs):.3f}**, worst: **{np.min(aucs):.3f}** ({names[int(np.argmin(aucs))]})"]
        if with_branch:
            branch_aucs = [folds[n]["roc_auc_branch"] for n in names]
            lines.append(f"- the branch's logit alone: mean {np.mean(branch_aucs):.3f}, worst {np.min(branch_aucs):.3f}")
        known_old = [v for v in old_aucs if v is not None]
        if previous and len(known_old) == len(old_aucs):
            lines.append(f"- previous model on the same sets: mean {np.mean(known_old):.3f}, worst {np.min(known_old):.3f}")
    out_dir.mkdir(parents=True, exist_ok=True)
    (out_dir / "transfer.md").write_text("\n".join(lines) + "\n")
    if names:
        fig, ax = plt.subplots(figsize=(9, 4))
        x = np.arange(len(names))
        ax.bar(x - 0.2, aucs, 0.4, label="trained without the set")
        if previous:
            ax.bar(x + 0.2, [(previous or {}).get(n) or 0 for n in names], 0.4, label="previous model")
        ax.set_xticks(x, names, rotation=30, ha="right")
        ax.set_ylim(0.4, 1.0)
        ax.set_ylabel("ROC-AUC")
        ax.set_title("Abuse: leave-one-source-out transfer")
        ax.legend(loc="lower right")
        fig.tight_layout()
        fig.savefig(out_dir / "transfer.png", dpi=110)
        plt.close(fig)
    return out_dir / "transfer.md"
