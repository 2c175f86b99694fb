"""`commentdesk eval`: the moderation models on labeled data, the full policy on a labeled file, or the suites.

Progress goes to stderr (tqdm); the final summary is printed as JSON on stdout.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from commentdesk.input_errors import InputError, reports_input_errors, require_path

EVAL_SETS = ("c3", "ucc", "kaggle_insults", "olid", "wiki", "bias_madlibs", "robustness", "semeval", "all")
# What to do when a labeled set is missing or unreadable (printed after the one-line error).
DATA_FIX = (
    "Point --data-dir (or COMMENTDESK_LABELED_DATA) at the folder of labeled sets (c3/, ucc/, ...; the model card lists them)."
)
FILE_FIX = "--file takes a labeled JSON-lines file and --articles a JSON object of articles (format: commentdesk/evaluation/policy_eval.py)."


def labeled_data(args: argparse.Namespace) -> Path:
    """--data-dir, else COMMENTDESK_LABELED_DATA, else ../shared/data."""
    from commentdesk.evaluation.datasets import default_data_dir

    return args.data_dir or default_data_dir()


def register(subparsers) -> None:
    ev = subparsers.add_parser("eval", help="Evaluate the moderation models on labeled data.")
    ev.add_argument(
        "--set",
        dest="eval_set",
        choices=EVAL_SETS,
        default="all",
        help="labeled set to evaluate (semeval = relevance on SemEval and C3; default: all)",
    )
    ev.add_argument(
        "--data-dir", type=Path, default=None, help="labeled data (default: $COMMENTDESK_LABELED_DATA or ../shared/data)"
    )
    ev.add_argument(
        "--out",
        type=Path,
        default=Path("eval-report"),
        help="folder for metrics.json, README.md, report.html and plots (default: ./eval-report)",
    )
    ev.add_argument("--weights-dir", type=Path, default=None, help="weights to evaluate (default: the shipped ones)")
    ev.add_argument("--cache-dir", type=Path, default=None, help="embedding cache (default: $COMMENTDESK_CACHE_DIR or ./.cache)")
    ev.add_argument(
        "--file",
        type=Path,
        default=None,
        help="instead of the data sets: run the full moderation policy on this labeled JSON-lines "
        "file (see commentdesk/evaluation/policy_eval.py for the format)",
    )
    ev.add_argument("--articles", type=Path, default=None, help="with --file: a JSON object of articles that lines name by key")
    ev.add_argument(
        "--transfer",
        action="store_true",
        help="leave-one-source-out: train the abuse recipe without each labeled set in turn and score "
        "it on that set (long: about ten minutes a set on two cores; resumes where it stopped)",
    )
    ev.add_argument(
        "--suite",
        choices=("functional", "offtopic", "all"),
        default=None,
        help="instead of the data sets: the hand-written functional and off-topic suites, judged by the "
        "full policy (see commentdesk/evaluation/suites.py)",
    )
    ev.set_defaults(handler=run)


@reports_input_errors(DATA_FIX)
def run(args: argparse.Namespace) -> int:
    from commentdesk.evaluation import evaluate
    from commentdesk.evaluation.report import write_reports
    from commentdesk.moderation.models.abuse_finetuned import load_abuse_model
    from commentdesk.moderation.models.relevance import RelevanceModel

    if args.transfer:
        return run_transfer_eval(args)
    if args.suite:
        return run_suites(args)
    if args.file:
        return run_policy_eval(args)
    data_dir = labeled_data(args)
    out = args.out
    results = []
    chosen = args.eval_set
    abuse = load_abuse_model(args.weights_dir)
    abuse_sets = evaluate.ABUSE_EVAL_SETS if chosen == "all" else ((chosen,) if chosen in evaluate.ABUSE_EVAL_SETS else ())
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
    print(
        json.dumps({"reports": {k: str(v) for k, v in paths.items()}, "results": {r.name: r.metrics for r in results}}, indent=2)
    )
    return 0


def run_transfer_eval(args: argparse.Namespace) -> int:
    from commentdesk.evaluation import transfer

    data_dir = require_path(labeled_data(args), "folder", "the labeled data folder", DATA_FIX)
    results = transfer.run_transfer(data_dir, args.out / "transfer.json", cache_dir=args.cache_dir)
    previous = None
    if args.weights_dir:  # a model of the previous kind to compare with, on the same rows
        previous = transfer.baseline(data_dir, args.weights_dir, args.out / "transfer-previous.json", cache_dir=args.cache_dir)
    report = transfer.write_report(results, previous, args.out, f"commentdesk eval --transfer --out {args.out}")
    print(
        json.dumps(
            {"report": str(report), "mean_roc_auc": results.get("mean_roc_auc"), "worst_roc_auc": results.get("worst_roc_auc")},
            indent=2,
        )
    )
    return 0


def run_policy_eval(args: argparse.Namespace) -> int:
    from commentdesk.evaluation.policy_eval import (
        LabeledFileError,
        evaluate_policy_file,
    )
    from commentdesk.evaluation.report import write_reports
    from commentdesk.moderation.pipeline import ModerationModels
    from commentdesk.moderation.scorer import Scorer

    models = ModerationModels(timeout_ms=30_000)
    if args.weights_dir:
        from commentdesk.moderation.models.abuse_finetuned import load_abuse_model
        from commentdesk.moderation.models.embedder import shared_embedder
        from commentdesk.moderation.models.relevance import RelevanceModel

        models.embedder, models._loaded = shared_embedder().load(), True
        models.abuse, models.relevance = load_abuse_model(args.weights_dir), RelevanceModel.load(args.weights_dir)
        if hasattr(models.abuse, "branch_state"):
            models.embedder.attach_branch(models.abuse.branch_state)
    require_path(args.file, "file", "the labeled file", FILE_FIX)
    if args.articles:
        require_path(args.articles, "file", "the articles file", FILE_FIX)
    try:
        result = evaluate_policy_file(args.file, args.articles, args.out, Scorer(models=models))
    except LabeledFileError as error:
        raise InputError(f"{error}. {FILE_FIX}") from None
    except json.JSONDecodeError as error:  # the labeled file's own lines are checked one by one above
        raise InputError(f"{args.articles} is not valid JSON (line {error.lineno}: {error.msg}). {FILE_FIX}") from None
    header = {"command": f"commentdesk eval --file {args.file.name}", **models.versions}
    paths = write_reports([result], args.out, header)
    print(json.dumps({"reports": {k: str(v) for k, v in paths.items()}, "results": {result.name: result.metrics}}, indent=2))
    return 0


def run_suites(args: argparse.Namespace) -> int:
    """`commentdesk eval --suite NAME`: the installed models under the default policy."""
    from commentdesk.evaluation.suites import SuiteError, summary
    from commentdesk.evaluation.suites import run_suites as judge_suites
    from commentdesk.moderation.pipeline import ModerationModels
    from commentdesk.moderation.scorer import Scorer

    if args.file or args.weights_dir:
        print(
            "error: --suite judges the installed models with the full policy; it cannot be combined with --file or --weights-dir",
            file=sys.stderr,
        )
        return 2
    # A generous budget: on a busy machine a timed-out comment would be held and miscounted.
    scorer = Scorer(models=ModerationModels(timeout_ms=120_000))
    try:
        written = judge_suites(args.suite, args.out, scorer, command=f"commentdesk eval --suite {args.suite} --out {args.out}")
    except (SuiteError, OSError) as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    reports = {name: str(path) for name, path in written.items() if name != "results"}
    print(json.dumps({"reports": reports, "results": summary(written["results"])}, indent=2, ensure_ascii=False))
    return 0
