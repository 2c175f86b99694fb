"""``commentdesk eval`` and ``commentdesk train`` subcommands.

Progress goes to stderr (tqdm); the final summary is printed as JSON on stdout.
"""

from __future__ import annotations

import argparse
import json
import sys
from datetime import date
from pathlib import Path

import numpy as np

from commentdesk.evaluation.datasets import default_data_dir
from commentdesk.input_errors import InputError, require_database, require_dir, require_file, reports_input_errors

EVAL_SETS = ("c3", "ucc", "kaggle_insults", "olid", "wiki", "bias_madlibs", "robustness",
             "semeval", "all")
# What to do when a labeled set is missing or unreadable (printed after the one-line error).
DATA_FIX = ("Point --data-dir (or COMMENTDESK_LABELED_DATA) at the folder of labeled sets (c3/, ucc/, ...; "
            "the model card lists them).")
FILE_FIX = "--file takes a labeled JSON-lines file and --articles a JSON object of articles (format: commentdesk/evaluation/policy_eval.py)."
DECISIONS_FIX = "--decisions-from-db takes the URL of a commentdesk database, e.g. sqlite:///data/commentdesk.sqlite3."


def register(subparsers) -> None:
    ev = subparsers.add_parser("eval", help="Evaluate the moderation models on labeled data.")
    ev.add_argument("--set", dest="eval_set", choices=EVAL_SETS, default="all",
                    help="labeled set to evaluate (semeval = relevance on SemEval and C3)")
    ev.add_argument("--data-dir", type=Path, default=None,
                    help="labeled data (default: $COMMENTDESK_LABELED_DATA or ../shared/data)")
    ev.add_argument("--out", type=Path, default=Path("eval-report"),
                    help="folder for metrics.json, README.md, report.html and plots")
    ev.add_argument("--weights-dir", type=Path, default=None,
                    help="weights to evaluate (default: the shipped ones)")
    ev.add_argument("--cache-dir", type=Path, default=None,
                    help="embedding cache (default: ./.cache)")
    ev.add_argument("--file", type=Path, default=None,
                    help="instead of the data sets: run the full moderation policy on this labeled JSON-lines "
                         "file (see commentdesk/evaluation/policy_eval.py for the format)")
    ev.add_argument("--articles", type=Path, default=None,
                    help="with --file: a JSON object of articles that lines name by key")
    ev.add_argument("--transfer", action="store_true",
                    help="leave-one-source-out: train the abuse recipe without each labeled set in turn and score "
                         "it on that set (long: about ten minutes a set on two cores; resumes where it stopped)")
    ev.add_argument("--suite", choices=("functional", "offtopic", "all"), default=None,
                    help="instead of the data sets: the hand-written functional and off-topic suites, judged by the "
                         "full policy (see commentdesk/evaluation/suites.py)")
    ev.set_defaults(handler=run_eval, func=run_eval)

    tr = subparsers.add_parser("train", help="Retrain the moderation models from labeled data and moderators' decisions.")
    tr.add_argument("--data-dir", type=Path, default=None,
                    help="labeled data (default: $COMMENTDESK_LABELED_DATA or ../shared/data)")
    tr.add_argument("--out", type=Path, default=None,
                    help="new versioned weights folder (default: ./weights-<version>)")
    tr.add_argument("--decisions-from-db", default=None, metavar="URL",
                    help="also learn from the moderators' recorded decisions in this database "
                         "(a SQLAlchemy URL, e.g. sqlite:///data/commentdesk.sqlite3)")
    tr.add_argument("--site", default=None, help="with --decisions-from-db: only this site's decisions")
    tr.add_argument("--install", action="store_true",
                    help="make the new weights the active ones in --models-dir, only if they do better: "
                         "on the moderators' decisions (new out-of-fold vs current) and no worse on the news sets")
    tr.add_argument("--models-dir", type=Path, default=None,
                    help="installed weights (default: $COMMENTDESK_MODELS_DIR or data/models)")
    tr.add_argument("--cache-dir", type=Path, default=None)
    tr.add_argument("--commercial", action="store_true",
                    help="learn only from sets whose licences allow commercial use (CC0, MIT, Apache, CDLA-Permissive) "
                         "and the project's own seeds")
    tr.set_defaults(handler=run_train, func=run_train)


@reports_input_errors(DATA_FIX)
def run_eval(args: argparse.Namespace) -> int:
    from commentdesk.evaluation import evaluate
    from commentdesk.evaluation.report import write_reports
    from commentdesk.moderation.models.abuse_finetuned import load_abuse_model
    from commentdesk.moderation.models.relevance import RelevanceModel

    if args.transfer:
        return run_transfer_eval(args)
    if args.suite:
        from commentdesk.evaluation.suites import run_command

        return run_command(args)
    if args.file:
        return run_policy_eval(args)
    data_dir = args.data_dir or default_data_dir()
    out = args.out
    results = []
    chosen = args.eval_set
    abuse = load_abuse_model(args.weights_dir)
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


def run_transfer_eval(args: argparse.Namespace) -> int:
    from commentdesk.evaluation import transfer

    data_dir = require_dir(args.data_dir or default_data_dir(), "the labeled data folder", DATA_FIX)
    results = transfer.run_transfer(data_dir, args.out / "transfer.json", cache_dir=args.cache_dir)
    previous = None
    if args.weights_dir:  # a model of the previous kind to compare with, on the same rows
        previous = transfer.baseline(data_dir, args.weights_dir, args.out / "transfer-previous.json", cache_dir=args.cache_dir)
    report = transfer.write_report(results, previous, args.out, f"commentdesk eval --transfer --out {args.out}")
    print(json.dumps({"report": str(report), "mean_roc_auc": results.get("mean_roc_auc"),
                      "worst_roc_auc": results.get("worst_roc_auc")}, indent=2))
    return 0


def run_policy_eval(args: argparse.Namespace) -> int:
    from commentdesk.evaluation.policy_eval import LabeledFileError, evaluate_policy_file
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
    require_file(args.file, "the labeled file", FILE_FIX)
    if args.articles:
        require_file(args.articles, "the articles file", FILE_FIX)
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


@reports_input_errors(DATA_FIX)
def run_train(args: argparse.Namespace) -> int:
    from commentdesk.config import settings_from
    from commentdesk.evaluation.abuse_corpus import LABELED_SETS
    from commentdesk.evaluation.hate_datasets import COMMERCIAL_SETS
    from commentdesk.evaluation.train_abuse_encoder import train_shipped
    from commentdesk.evaluation.train_relevance import train_relevance
    from commentdesk.moderation.models.abuse import WEIGHTS_DIR
    from commentdesk.moderation.models.registry import active_weights_dir

    models_dir = args.models_dir or settings_from().resolved_models_dir()
    current_dir = active_weights_dir(models_dir) or WEIGHTS_DIR
    data_dir = require_dir(args.data_dir or default_data_dir(), "the labeled data folder", DATA_FIX)
    decisions = []
    if args.decisions_from_db:
        labels = _human_labels(require_database(args.decisions_from_db, DECISIONS_FIX), args.site)
        decisions = abuse_examples(labels)
        print(describe_decisions(labels), file=sys.stderr)
    abuse_version = next_version("abuse", current_dir / "abuse.json")
    relevance_version = next_version("relevance", current_dir / "relevance.json")
    out = args.out or Path(f"weights-{abuse_version.removeprefix('abuse-')}")
    if out.exists() and any(out.iterdir()):
        print(f"{out} is not empty; choose another --out", file=sys.stderr)
        return 2
    sets = tuple(name for name in LABELED_SETS if name in COMMERCIAL_SETS) if args.commercial else LABELED_SETS
    learn, check = split_decisions(decisions)
    abuse_meta = train_shipped(data_dir, out, abuse_version, sets, cache_dir=args.cache_dir, site_examples=learn or None)
    relevance_meta = train_relevance(data_dir, out, version=relevance_version,
                                     cache_dir=args.cache_dir)
    harm_meta = _train_harm(data_dir, out, args)
    comparison = compare_with_current(current_dir, out, abuse_meta, check)
    summary = {"weights": str(out), "current": str(current_dir), "comparison": comparison,
               "abuse": abuse_meta, "relevance": relevance_meta, "harm": harm_meta}
    if args.install:
        summary["installed"] = False
        if comparison["better"]:
            from commentdesk.moderation.models.registry import install

            summary["installed"] = str(install(models_dir, out, abuse_version))
    print(json.dumps(summary, indent=2))
    return 0


def _train_harm(data_dir: Path, out: Path, args: argparse.Namespace) -> dict:
    """The harm heads, beside the abuse and relevance weights. Their public sets (DynaHate, C3,
    UCC) do not allow commercial use, so a commercial set keeps the shipped harm model's place
    empty and says so."""
    from commentdesk.evaluation import train_harm

    if args.commercial:
        note = ("not trained: its sets (DynaHate, C3, UCC) are not commercially usable; "
                "the installed set falls back to the shipped harm model, which is non-commercial too")
        print(f"harm model {note}", file=sys.stderr)
        return {"trained": False, "note": note}
    meta = train_harm.train(data_dir, out, args.cache_dir or Path(".cache"), train_harm.DEFAULT_NEWS_BUDGET, 1.0)
    return {"trained": True, "version": meta["version"], "thresholds": meta["recommended_thresholds"],
            "figures": meta["figures"]}


def _human_labels(database_url: str, site_slug: str | None) -> list[dict]:
    """The standing decisions of the moderators in that database (see services.training_data)."""
    from sqlalchemy.exc import SQLAlchemyError

    from commentdesk.services.training_data import human_labels
    from commentdesk.store import repository as repo
    from commentdesk.store.db import make_engine, session_factory

    engine = make_engine(database_url)
    try:
        with session_factory(engine)() as session:
            site_id = None
            if site_slug:
                site = repo.site_by_slug(session, site_slug)
                if site is None:
                    raise InputError(f"no site {site_slug!r} in that database. Give --site the slug of one of its sites "
                                     "(commentdesk sites list).")
                site_id = site.id
            return human_labels(session, site_id)
    except SQLAlchemyError as error:
        problem = " ".join(str(getattr(error, "orig", None) or error).split())
        raise InputError(f"cannot read moderators' decisions from {database_url}: {problem}. {DECISIONS_FIX}") from None
    finally:
        engine.dispose()


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
    return [(row["text"], 1 if row["label"] == "abusive" else 0, row["article_title"])
            for row in labels if row["label"] in ABUSE_LABELS]


def describe_decisions(labels: list[dict]) -> str:
    """Which of the moderators' decisions are used, and why the others are not, in one paragraph."""
    counts = {label: sum(1 for row in labels if row["label"] == label) for label in ("ok", "abusive", *UNUSED_LABELS)}
    used = counts["ok"] + counts["abusive"]
    lines = [f"{len(labels)} moderator decisions found; the abuse model learns from {used}: "
             f"{counts['abusive']} rejected as abusive, {counts['ok']} approved."]
    for label, why in UNUSED_LABELS.items():
        if counts[label]:
            lines.append(f"not used: {counts[label]} {why}.")
    lines.append("Rejections for \"other\" and undone decisions are not training data.")
    return "\n".join(lines)


def split_decisions(decisions: list[tuple[str, int, str]]) -> tuple[list, list]:
    """(decisions to learn from, decisions held back to compare the new model with the current one),
    by article, about one in five held back."""
    from commentdesk.evaluation.datasets import stable_fraction

    held = [stable_fraction("decisions:" + group) < 0.2 for _t, _l, group in decisions]
    return ([d for d, h in zip(decisions, held) if not h], [d for d, h in zip(decisions, held) if h])


def _news_figures(meta: dict) -> dict[str, float | None]:
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
        current = _news_figures(current_model.meta)
    except Exception:
        current_model, current = None, {}
    new = _news_figures(new_meta)
    news = {s: {"current": current.get(s), "new": new.get(s)} for s in ("c3", "ucc") if s in new}
    news_ok = all((v["new"] or 0) >= (v["current"] or 0) - 0.005 for v in news.values())
    result = {"news_sets": news, "decisions": None}
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

        now = scores(current_model)
        result["decisions"] = {"held_back": len(held_back), "current": None if now is None else roc_auc(labels, now),
                               "new": roc_auc(labels, scores(load_abuse_model(new_dir)))}
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
    if current.startswith(prefix) and current[len(prefix):].isdigit():
        return f"{prefix}{int(current[len(prefix):]) + 1}"
    return f"{prefix}1"
