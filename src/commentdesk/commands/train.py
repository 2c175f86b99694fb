"""`commentdesk train`: new weights from the labeled sets and the moderators' decisions, installed only if better.

Progress goes to stderr (tqdm); the final summary is printed as JSON on stdout.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

from commentdesk.commands.evaluate import DATA_FIX, labeled_data
from commentdesk.input_errors import InputError, reports_input_errors, require_database, require_path

DECISIONS_FIX = "--decisions-from-db takes the URL of a commentdesk database, e.g. sqlite:///data/commentdesk.sqlite3."


def register(subparsers) -> None:
    tr = subparsers.add_parser("train", help="Retrain the moderation models from labeled data and moderators' decisions.")
    tr.add_argument(
        "--data-dir", type=Path, default=None, help="labeled data (default: $COMMENTDESK_LABELED_DATA or ../shared/data)"
    )
    tr.add_argument("--out", type=Path, default=None, help="new versioned weights folder (default: ./weights-<version>)")
    tr.add_argument(
        "--decisions-from-db",
        default=None,
        metavar="URL",
        help="also learn from the moderators' recorded decisions in this database "
        "(a SQLAlchemy URL, e.g. sqlite:///data/commentdesk.sqlite3)",
    )
    tr.add_argument("--site", default=None, help="with --decisions-from-db: only this site's decisions")
    tr.add_argument(
        "--install",
        action="store_true",
        help="make the new weights the active ones in --models-dir, only if they do better: "
        "on the moderators' decisions (new out-of-fold vs current) and no worse on the news sets",
    )
    tr.add_argument(
        "--models-dir",
        type=Path,
        default=None,
        help="installed weights (default: $COMMENTDESK_MODELS_DIR, else models/ in $COMMENTDESK_DATA_DIR or data)",
    )
    tr.add_argument("--cache-dir", type=Path, default=None, help="embedding cache (default: $COMMENTDESK_CACHE_DIR or ./.cache)")
    tr.add_argument(
        "--commercial",
        action="store_true",
        help="learn only from sets whose licences allow commercial use (CC0, MIT, Apache, CDLA-Permissive) "
        "and the project's own seeds",
    )
    tr.set_defaults(handler=run)


@reports_input_errors(DATA_FIX)
def run(args: argparse.Namespace) -> int:
    from commentdesk.config import settings_from
    from commentdesk.evaluation.abuse_corpus import LABELED_SETS
    from commentdesk.evaluation.labeled_sets import COMMERCIAL_SETS
    from commentdesk.evaluation.retraining import (
        abuse_examples,
        compare_with_current,
        describe_decisions,
        next_version,
        split_decisions,
    )
    from commentdesk.evaluation.train_abuse_encoder import train_shipped
    from commentdesk.evaluation.train_relevance import train_relevance
    from commentdesk.moderation.models.abuse import WEIGHTS_DIR
    from commentdesk.moderation.models.registry import active_weights_dir

    models_dir = args.models_dir or settings_from().resolved_models_dir()
    current_dir = active_weights_dir(models_dir) or WEIGHTS_DIR
    data_dir = require_path(labeled_data(args), "folder", "the labeled data folder", DATA_FIX)
    decisions = []
    if args.decisions_from_db:
        labels = _human_labels(require_database(args.decisions_from_db, DECISIONS_FIX), args.site)
        decisions = abuse_examples(labels)
        print(describe_decisions(labels), file=sys.stderr)
    abuse_version = next_version("abuse", current_dir / "abuse.json")
    relevance_version = next_version("relevance", current_dir / "relevance.json")
    out = args.out or Path(f"weights-{abuse_version.removeprefix('abuse-')}")
    if out.exists() and any(out.iterdir()):
        raise InputError(f"{out} is not empty. Choose another --out, or empty it.")
    sets = tuple(name for name in LABELED_SETS if name in COMMERCIAL_SETS) if args.commercial else LABELED_SETS
    learn, check = split_decisions(decisions)
    abuse_meta = train_shipped(data_dir, out, abuse_version, sets, cache_dir=args.cache_dir, site_examples=learn or None)
    relevance_meta = train_relevance(data_dir, out, version=relevance_version, cache_dir=args.cache_dir)
    harm_meta = _train_harm(data_dir, out, args)
    comparison = compare_with_current(current_dir, out, abuse_meta, check)
    summary: dict[str, Any] = {
        "weights": str(out),
        "current": str(current_dir),
        "comparison": comparison,
        "abuse": abuse_meta,
        "relevance": relevance_meta,
        "harm": harm_meta,
    }
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
    from commentdesk.evaluation.embedding_cache import default_cache_dir

    if args.commercial:
        note = (
            "not trained: its sets (DynaHate, C3, UCC) are not commercially usable; "
            "the installed set falls back to the shipped harm model, which is non-commercial too"
        )
        print(f"harm model {note}", file=sys.stderr)
        return {"trained": False, "note": note}
    meta = train_harm.train(data_dir, out, args.cache_dir or default_cache_dir(), train_harm.DEFAULT_NEWS_BUDGET, 1.0)
    return {"trained": True, "version": meta["version"], "thresholds": meta["recommended_thresholds"], "figures": meta["figures"]}


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
                    raise InputError(
                        f"no site {site_slug!r} in that database. Give --site the slug of one of its sites "
                        "(commentdesk sites list)."
                    )
                site_id = site.id
            return human_labels(session, site_id)
    except SQLAlchemyError as error:
        problem = " ".join(str(getattr(error, "orig", None) or error).split())
        raise InputError(f"cannot read moderators' decisions from {database_url}: {problem}. {DECISIONS_FIX}") from None
    finally:
        engine.dispose()
