"""``commentdesk eval`` and ``commentdesk train`` subcommands.

Progress goes to stderr (tqdm); the final summary is printed as JSON on stdout.
"""

from __future__ import annotations

import argparse
import json
import shutil
import sys
from datetime import date
from pathlib import Path

import numpy as np

from commentdesk.evaluation.datasets import default_data_dir

EVAL_SETS = ("c3", "ucc", "kaggle_insults", "olid", "wiki", "bias_madlibs", "robustness",
             "semeval", "all")


def register(subparsers) -> None:
    ev = subparsers.add_parser("eval", help="evaluate the moderation models on labeled data")
    ev.add_argument("--set", dest="eval_set", choices=EVAL_SETS, default="all",
                    help="labeled set to evaluate (semeval = relevance on SemEval and C3)")
    ev.add_argument("--data-dir", type=Path, default=None,
                    help="labeled data (default: $COMMENTDESK_DATA_DIR or ../shared/data)")
    ev.add_argument("--out", type=Path, default=Path("eval-report"),
                    help="folder for metrics.json, README.md, report.html and plots")
    ev.add_argument("--weights-dir", type=Path, default=None,
                    help="weights to evaluate (default: the shipped ones)")
    ev.add_argument("--cache-dir", type=Path, default=None,
                    help="embedding cache (default: ./.cache)")
    ev.set_defaults(handler=run_eval, func=run_eval)

    tr = subparsers.add_parser("train", help="retrain the moderation models from labeled data")
    tr.add_argument("--data-dir", type=Path, default=None)
    tr.add_argument("--out", type=Path, default=None,
                    help="new versioned weights folder (default: ./weights-<version>)")
    tr.add_argument("--decisions-from-db", default=None, metavar="URL",
                    help="also learn from moderator decisions (not available yet)")
    tr.add_argument("--install", action="store_true",
                    help="replace the shipped weights if the new ones cross-validate better "
                         "on the news sets (mean ROC-AUC on C3 and UCC)")
    tr.add_argument("--cache-dir", type=Path, default=None)
    tr.set_defaults(handler=run_train, func=run_train)


def run_eval(args: argparse.Namespace) -> int:
    from commentdesk.evaluation import evaluate
    from commentdesk.evaluation.report import write_reports
    from commentdesk.moderation.models.abuse import AbuseModel
    from commentdesk.moderation.models.relevance import RelevanceModel

    data_dir = args.data_dir or default_data_dir()
    out = args.out
    results = []
    chosen = args.eval_set
    abuse = AbuseModel.load(args.weights_dir)
    abuse_sets = evaluate.ABUSE_EVAL_SETS if chosen == "all" else (
        (chosen,) if chosen in evaluate.ABUSE_EVAL_SETS else ())
    for name in abuse_sets:
        print(f"evaluating abuse on {name}", file=sys.stderr)
        results.append(evaluate.evaluate_abuse_set(abuse, name, data_dir, out, args.cache_dir))
    if chosen in ("bias_madlibs", "all"):
        results.append(evaluate.evaluate_bias_madlibs(abuse, data_dir, args.cache_dir))
    if chosen in ("robustness", "all"):
        results.append(evaluate.evaluate_robustness(abuse, data_dir, args.cache_dir))
    relevance = None
    if chosen in ("semeval", "all"):
        relevance = RelevanceModel.load(args.weights_dir)
        results += evaluate.evaluate_relevance(relevance, data_dir, out, args.cache_dir)
    header = {
        "command": f"commentdesk eval --set {chosen} --data-dir DATA --out {out}",
        "abuse model": abuse.version,
        "abuse thresholds": abuse.recommended_thresholds,
    }
    if relevance:
        header["relevance model"] = relevance.version
        header["relevance thresholds"] = relevance.recommended_thresholds
    paths = write_reports(results, out, header)
    print(json.dumps({"reports": {k: str(v) for k, v in paths.items()},
                      "results": {r.name: r.metrics for r in results}}, indent=2))
    return 0


def run_train(args: argparse.Namespace) -> int:
    from commentdesk.evaluation.train_abuse import train_abuse
    from commentdesk.evaluation.train_relevance import train_relevance
    from commentdesk.moderation.models.abuse import WEIGHTS_DIR, AbuseModel

    if args.decisions_from_db:
        print("--decisions-from-db is not supported yet; training on labeled files only",
              file=sys.stderr)
    data_dir = args.data_dir or default_data_dir()
    abuse_version = next_version("abuse", WEIGHTS_DIR / "abuse.json")
    relevance_version = next_version("relevance", WEIGHTS_DIR / "relevance.json")
    out = args.out or Path(f"weights-{abuse_version.removeprefix('abuse-')}")
    if out.exists() and any(out.iterdir()):
        print(f"{out} is not empty; choose another --out", file=sys.stderr)
        return 2
    abuse_meta = train_abuse(data_dir, out, version=abuse_version, cache_dir=args.cache_dir)
    relevance_meta = train_relevance(data_dir, out, version=relevance_version,
                                     cache_dir=args.cache_dir)
    summary = {"weights": str(out), "abuse": abuse_meta, "relevance": relevance_meta}
    if args.install:
        summary["installed"] = _install_if_better(out, abuse_meta, WEIGHTS_DIR, AbuseModel)
    print(json.dumps(summary, indent=2))
    return 0


def next_version(kind: str, shipped_meta: Path, today: date | None = None) -> str:
    """``<kind>-YYYY.MM.DD-N``: N counts up from the shipped version of the same day, so every
    model that ever decided a comment has its own version string."""
    stamp = f"{(today or date.today()):%Y.%m.%d}"
    try:
        current = json.loads(shipped_meta.read_text(encoding="utf-8")).get("version", "")
    except (OSError, ValueError):
        current = ""
    prefix = f"{kind}-{stamp}-"
    if current.startswith(prefix) and current[len(prefix):].isdigit():
        return f"{prefix}{int(current[len(prefix):]) + 1}"
    return f"{prefix}1"


def _install_if_better(new_dir: Path, new_meta: dict, shipped: Path, model_cls) -> bool:
    """Copy the new weights over the shipped ones if their mean cross-validated ROC-AUC on the
    news sets is higher (or the shipped weights cannot be loaded)."""
    try:
        current = model_cls.load(shipped).meta.get("cross_validated_roc_auc", {})
    except Exception:
        current = {}
    new = new_meta.get("cross_validated_roc_auc", {})
    news = ("c3", "ucc")
    better = np.mean([new.get(s, 0) for s in news]) > np.mean([current.get(s, 0) for s in news])
    if better:
        for name in ("abuse.json", "abuse.npz", "relevance.json", "relevance.npz"):
            shutil.copy2(new_dir / name, shipped / name)
    return better
