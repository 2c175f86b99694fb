"""`commentdesk eval --suite`: the hand-written evaluation suites, judged by the full moderation policy.

Two suites ship in ``evaluation/suites/`` and are never used for training:

- ``functional.jsonl``: short comments in named functionalities (direct threats, dehumanisation,
  slurs, negated hate, counter-speech, sharp criticism, ...), each with the expected decision:
  ``publish`` or ``hold_or_reject``.
- ``offtopic.jsonl``: for each article, the chatter readers post (``hold`` expected) and on-topic
  comments from one-word reactions to arguments (``publish`` expected), some as replies.

Both refer to the articles in ``articles.json`` by key. Each comment goes through the same
``Scorer`` that ``commentdesk score`` uses, with the default policy, so the figures are those of
the whole product (models, word lists, threat rules, spam and relevance), not of one model.
"""

from __future__ import annotations

import json
import sys
from collections import Counter, defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
from tqdm import tqdm

from commentdesk.evaluation.jsonl import numbered_objects
from commentdesk.evaluation.metrics import roc_auc
from commentdesk.moderation import reasons

SUITES_DIR = Path(__file__).resolve().parent / "suites"
ARTICLES_FILE = SUITES_DIR / "articles.json"
FUNCTIONAL_FILE = SUITES_DIR / "functional.jsonl"
OFFTOPIC_FILE = SUITES_DIR / "offtopic.jsonl"

PUBLISH = "publish"
HOLD_OR_REJECT = "hold_or_reject"
HOLD = "hold"
FUNCTIONAL_EXPECTED = (PUBLISH, HOLD_OR_REJECT)
OFFTOPIC_EXPECTED = (PUBLISH, HOLD)
OFFTOPIC_KINDS = {"chatter": HOLD, "on_topic": PUBLISH}
SUITE_CHOICES = ("functional", "offtopic", "all")

# Reasons that say "this is abusive", whichever phase gave them. The abuse-only view of the
# functional suite counts only these, so that a comment held as off-topic is not credited as
# caught abuse, and a civil comment held as off-topic is not blamed on the abuse model.
ABUSE_REASON_CODES = reasons.ABUSE_CODES
OFF_TOPIC_REASON_CODES = reasons.OFF_TOPIC_CODES
MODEL_FAILURE_CODES = reasons.MODEL_FAILURE_CODES

# The bars the issue sets for the suites; drawn on the plots and flagged in the tables.
FUNCTIONALITY_TARGET = 0.70
CHATTER_HELD_TARGET = 0.80
ON_TOPIC_HELD_LIMIT = 0.05


class SuiteError(ValueError):
    """A suite file is missing, malformed or names an unknown article."""


@dataclass(frozen=True)
class SuiteCase:
    id: str
    suite: str  # "functional" or "offtopic"
    group: str  # the functionality, or "chatter" / "on_topic"
    expected: str
    article: str
    text: str
    parent: str | None = None
    chatter_kind: str | None = None
    demo_case: bool = False


@dataclass(frozen=True)
class Judged:
    case: SuiteCase
    decision: str
    reason_codes: tuple[str, ...]
    abuse: float
    relevance: float

    @property
    def published(self) -> bool:
        return self.decision == PUBLISH

    @property
    def flagged_as_abuse(self) -> bool:
        return any(code in ABUSE_REASON_CODES for code in self.reason_codes)

    @property
    def flagged_as_off_topic(self) -> bool:
        return any(code in OFF_TOPIC_REASON_CODES for code in self.reason_codes)

    @property
    def model_failed(self) -> bool:
        return any(code in MODEL_FAILURE_CODES for code in self.reason_codes)


# ---------------------------------------------------------------------------------------------
# Loading


def load_articles(path: Path = ARTICLES_FILE) -> dict[str, dict]:
    try:
        articles = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError) as error:
        raise SuiteError(f"{path}: {error}") from None
    if not isinstance(articles, dict):
        raise SuiteError(f"{path}: must be a JSON object of articles by key")
    for key, article in articles.items():
        if not isinstance(article, dict) or not all(
            isinstance(article.get(f), str) and article[f].strip() for f in ("title", "body")
        ):
            raise SuiteError(f"{path}: article {key!r} needs a non-empty 'title' and 'body'")
    return articles


def _common(path: Path, number: int, record: dict, articles: dict[str, dict], expected_values: tuple[str, ...]) -> dict:
    where = f"{path}:{number}"
    for field in ("id", "text", "article", "expected"):
        if not isinstance(record.get(field), str) or not record[field].strip():
            raise SuiteError(f"{where}: needs a non-empty string '{field}'")
    if record["article"] not in articles:
        raise SuiteError(f"{where}: article {record['article']!r} is not in the articles file")
    if record["expected"] not in expected_values:
        raise SuiteError(f"{where}: 'expected' must be one of {', '.join(expected_values)}")
    parent = record.get("parent")
    if parent is not None and (not isinstance(parent, str) or not parent.strip()):
        raise SuiteError(f"{where}: 'parent' must be a non-empty string when given")
    return {
        "id": record["id"],
        "expected": record["expected"],
        "article": record["article"],
        "text": record["text"],
        "parent": parent,
    }


def _functional_fields(where: str, record: dict, common: dict) -> dict:
    functionality = record.get("functionality")
    if not isinstance(functionality, str) or not functionality.strip():
        raise SuiteError(f"{where}: needs a 'functionality'")
    return {"group": functionality, "demo_case": bool(record.get("demo_case"))}


def _offtopic_fields(where: str, record: dict, common: dict) -> dict:
    kind = record.get("kind")
    if not isinstance(kind, str) or OFFTOPIC_KINDS.get(kind) != common["expected"]:
        raise SuiteError(f"{where}: 'kind' must be chatter (expected hold) or on_topic (expected publish)")
    return {"group": kind, "chatter_kind": record.get("chatter_kind")}


def _load_suite(
    suite: str,
    path: Path,
    articles: dict[str, dict] | None,
    expected_values: tuple[str, ...],
    own_fields: Callable[[str, dict, dict], dict],
) -> list[SuiteCase]:
    """The cases of one suite file: the fields every case has, then the suite's own (``own_fields``)."""
    articles = load_articles() if articles is None else articles
    cases = []
    for number, record in numbered_objects(path, SuiteError):
        common = _common(path, number, record, articles, expected_values)
        cases.append(SuiteCase(suite=suite, **common, **own_fields(f"{path}:{number}", record, common)))
    repeated = [case_id for case_id, count in Counter(case.id for case in cases).items() if count > 1]
    if repeated:
        raise SuiteError(f"{path}: repeated ids: {', '.join(sorted(repeated))}")
    return cases


def load_functional(path: Path = FUNCTIONAL_FILE, articles: dict[str, dict] | None = None) -> list[SuiteCase]:
    return _load_suite("functional", path, articles, FUNCTIONAL_EXPECTED, _functional_fields)


def load_offtopic(path: Path = OFFTOPIC_FILE, articles: dict[str, dict] | None = None) -> list[SuiteCase]:
    return _load_suite("offtopic", path, articles, OFFTOPIC_EXPECTED, _offtopic_fields)


# ---------------------------------------------------------------------------------------------
# Judging


def judge(cases: list[SuiteCase], articles: dict[str, dict], scorer, description: str = "suite") -> list[Judged]:
    """Each case through the full policy, in order, with a progress bar on stderr. The suite's
    articles stand for one site: a comment is also compared with the others."""
    scorer.models.load()
    if len(articles) > 1 and hasattr(scorer, "use_site_articles") and hasattr(scorer.models, "article_passages"):
        scorer.use_site_articles([(article["title"], article["body"]) for article in articles.values()])
    judged = []
    for case in tqdm(cases, desc=description, unit="comment", file=sys.stderr):
        article = articles[case.article]
        decision = scorer.decide(article["title"], article["body"], case.text, case.parent)
        judged.append(
            Judged(
                case=case,
                decision=decision.decision,
                reason_codes=tuple(reason.code for reason in decision.reasons),
                abuse=float(decision.scores.get("abuse", 0.0)),
                relevance=float(decision.scores.get("relevance", 1.0)),
            )
        )
    return judged


def _share(part: int, whole: int) -> float | None:
    return round(part / whole, 4) if whole else None


def _mistake(item: Judged) -> dict:
    row = {
        "id": item.case.id,
        "text": item.case.text,
        "decision": item.decision,
        "reasons": list(item.reason_codes),
        "abuse": round(item.abuse, 4),
        "relevance": round(item.relevance, 4),
    }
    if item.case.parent:
        row["parent"] = item.case.parent
    return row


def functional_report(judged: list[Judged]) -> dict:
    """Accuracy per functionality, under the full policy and under the abuse-only view.

    Full policy: a hold_or_reject case is right if it is not published, a publish case if it is.
    Abuse-only view: right if an abuse reason (model, word list or threat rule) was given exactly
    when the case is abusive; relevance and spam decisions are set aside.
    """
    groups: dict[str, list[Judged]] = defaultdict(list)
    for item in judged:
        groups[item.case.group].append(item)
    per_functionality: dict[str, dict[str, Any]] = {}
    for name, items in sorted(groups.items(), key=lambda pair: (pair[1][0].case.expected != HOLD_OR_REJECT, pair[0])):
        expected = items[0].case.expected
        abusive = expected == HOLD_OR_REJECT
        correct = sum(1 for item in items if item.published != abusive)
        abuse_view_right = sum(1 for item in items if item.flagged_as_abuse == abusive)
        per_functionality[name] = {
            "expected": expected,
            "n": len(items),
            "accuracy": _share(correct, len(items)),
            "abuse_view_accuracy": _share(abuse_view_right, len(items)),
            "decisions": dict(Counter(item.decision for item in items)),
            "mistakes": [_mistake(item) for item in items if item.published == abusive],
        }
    # Every functionality has cases, so neither share is None.
    accuracies: list[float] = [entry["accuracy"] for entry in per_functionality.values()]
    abuse_view: list[float] = [entry["abuse_view_accuracy"] for entry in per_functionality.values()]
    labels = np.array([item.case.expected == HOLD_OR_REJECT for item in judged], dtype=int)
    scores = np.array([item.abuse for item in judged])
    demo = [
        {
            "id": item.case.id,
            "text": item.case.text,
            "decision": item.decision,
            "reasons": list(item.reason_codes),
            "right": not item.published if item.case.expected == HOLD_OR_REJECT else item.published,
        }
        for item in judged
        if item.case.demo_case
    ]
    return {
        "n": len(judged),
        "functionalities": len(per_functionality),
        "accuracy": _share(sum(1 for item in judged if item.published == (item.case.expected == PUBLISH)), len(judged)),
        "abuse_view_accuracy": _share(
            sum(1 for item in judged if item.flagged_as_abuse == (item.case.expected == HOLD_OR_REJECT)), len(judged)
        ),
        "mean_functionality_accuracy": round(float(np.mean(accuracies)), 4) if accuracies else None,
        "worst_functionality_accuracy": min(accuracies) if accuracies else None,
        "mean_functionality_abuse_view_accuracy": round(float(np.mean(abuse_view)), 4) if abuse_view else None,
        "functionalities_below_target": sorted(
            name for name, entry in per_functionality.items() if entry["accuracy"] < FUNCTIONALITY_TARGET
        ),
        "abuse_roc_auc": roc_auc(labels, scores),
        "model_failures": sum(1 for item in judged if item.model_failed),
        "demo_cases": demo,
        "per_functionality": per_functionality,
    }


def _held_figures(items: list[Judged]) -> dict:
    return {
        "n": len(items),
        "held": _share(sum(1 for item in items if not item.published), len(items)),
        "held_as_off_topic": _share(sum(1 for item in items if item.flagged_as_off_topic), len(items)),
    }


def offtopic_report(judged: list[Judged]) -> dict:
    """Per article: the share of chatter held, and the share of on-topic comments held.

    "Held" means not published (held or rejected, for any reason); "held as off-topic" counts
    only the comments the relevance check objected to.
    """
    by_article: dict[str, list[Judged]] = defaultdict(list)
    for item in judged:
        by_article[item.case.article].append(item)
    chatter = [item for item in judged if item.case.group == "chatter"]
    on_topic = [item for item in judged if item.case.group == "on_topic"]
    per_article: dict[str, dict[str, Any]] = {}
    for article, items in by_article.items():
        per_article[article] = {
            "chatter": _held_figures([item for item in items if item.case.group == "chatter"]),
            "on_topic": _held_figures([item for item in items if item.case.group == "on_topic"]),
            "mistakes": [_mistake(item) for item in items if item.published != (item.case.expected == PUBLISH)],
        }
    kinds: dict[str, list[Judged]] = defaultdict(list)
    for item in chatter:
        kinds[item.case.chatter_kind or "other"].append(item)
    replies = [item for item in judged if item.case.parent]
    labels = np.array([item.case.group == "chatter" for item in judged], dtype=int)
    off_topic_score = np.array([1.0 - item.relevance for item in judged])
    chatter_held = [entry["chatter"]["held"] for entry in per_article.values() if entry["chatter"]["n"]]
    on_topic_held = [entry["on_topic"]["held"] for entry in per_article.values() if entry["on_topic"]["n"]]
    return {
        "n": len(judged),
        "articles": len(per_article),
        "chatter": _held_figures(chatter),
        "on_topic": _held_figures(on_topic),
        "worst_article_chatter_held": min(chatter_held) if chatter_held else None,
        "worst_article_on_topic_held": max(on_topic_held) if on_topic_held else None,
        "replies": {
            "chatter": _held_figures([item for item in replies if item.case.group == "chatter"]),
            "on_topic": _held_figures([item for item in replies if item.case.group == "on_topic"]),
        },
        "short_on_topic": _held_figures([item for item in on_topic if len(item.case.text.split()) <= 3]),
        "relevance_roc_auc": roc_auc(labels, off_topic_score),
        "model_failures": sum(1 for item in judged if item.model_failed),
        "per_chatter_kind": {kind: _held_figures(items) for kind, items in sorted(kinds.items())},
        "per_article": per_article,
    }


# ---------------------------------------------------------------------------------------------
# Reports


def _pct(value: float | None) -> str:
    return "–" if value is None else f"{value * 100:.1f} %"


def _num(value: float | None) -> str:
    return "–" if value is None else f"{value:.3f}"


def _markdown(results: dict) -> str:
    lines = ["# Evaluation suites", "", f"- command: `{results['command']}`"]
    lines += [f"- {name} model: `{version}`" for name, version in sorted(results["model_versions"].items())]
    lines += ["- policy: the default policy, every comment judged by the full pipeline (as `commentdesk score`)", ""]
    functional = results.get("functional")
    if functional:
        lines += [
            "## Functional suite",
            "",
            f"{functional['n']} cases in {functional['functionalities']} functionalities. *Full policy*: a case expected "
            "`hold_or_reject` is right if it is not published, a `publish` case if it is published. *Abuse view*: right if "
            "an abuse reason (abuse model, word list or threat rule) was given exactly for the abusive cases.",
            "",
            f"- accuracy: {_pct(functional['accuracy'])} (abuse view {_pct(functional['abuse_view_accuracy'])})",
            f"- mean per functionality: {_pct(functional['mean_functionality_accuracy'])}, worst: "
            f"{_pct(functional['worst_functionality_accuracy'])}; below {FUNCTIONALITY_TARGET:.0%}: "
            f"{len(functional['functionalities_below_target'])} of {functional['functionalities']}",
            f"- abuse score ROC-AUC, abusive vs publish-expected cases: {_num(functional['abuse_roc_auc'])}",
            f"- model failures (timeouts, missing models): {functional['model_failures']}",
            "",
            "| functionality | expected | n | full policy | abuse view | published / held / rejected |",
            "|---|---|---:|---:|---:|---|",
        ]
        for name, entry in functional["per_functionality"].items():
            mark = " ✗" if entry["accuracy"] < FUNCTIONALITY_TARGET else ""
            counts = entry["decisions"]
            lines.append(
                f"| {name} | {entry['expected']} | {entry['n']} | {_pct(entry['accuracy'])}{mark} | "
                f"{_pct(entry['abuse_view_accuracy'])} | {counts.get('publish', 0)} / {counts.get('hold', 0)} / {counts.get('reject', 0)} |"
            )
        if functional["demo_cases"]:
            lines += ["", "The demo's violent and dehumanising comments under the Haqqani article:", ""]
            lines += [
                f"- {'right' if row['right'] else 'WRONG'}: {row['decision']} {row['reasons']} — {row['text']}"
                for row in functional["demo_cases"]
            ]
        lines += ["", "![functional suite](suites-functional.png)", ""]
    offtopic = results.get("offtopic")
    if offtopic:
        lines += [
            "## Off-topic suites",
            "",
            f"{offtopic['n']} comments under {offtopic['articles']} articles. *Held*: not published, for any reason; "
            f"*as off-topic*: the relevance check objected. Targets: at least {CHATTER_HELD_TARGET:.0%} of chatter held, "
            f"at most {ON_TOPIC_HELD_LIMIT:.0%} of on-topic comments held.",
            "",
            f"- chatter held: {_pct(offtopic['chatter']['held'])} (as off-topic {_pct(offtopic['chatter']['held_as_off_topic'])}); "
            f"worst article {_pct(offtopic['worst_article_chatter_held'])}",
            f"- on-topic held: {_pct(offtopic['on_topic']['held'])} (as off-topic {_pct(offtopic['on_topic']['held_as_off_topic'])}); "
            f"worst article {_pct(offtopic['worst_article_on_topic_held'])}",
            f"- short on-topic reactions (≤ 3 words) held: {_pct(offtopic['short_on_topic']['held'])} of {offtopic['short_on_topic']['n']}",
            f"- replies: chatter held {_pct(offtopic['replies']['chatter']['held'])} of {offtopic['replies']['chatter']['n']}, "
            f"on-topic held {_pct(offtopic['replies']['on_topic']['held'])} of {offtopic['replies']['on_topic']['n']}",
            f"- relevance ROC-AUC, chatter vs on-topic: {_num(offtopic['relevance_roc_auc'])}",
            f"- model failures (timeouts, missing models): {offtopic['model_failures']}",
            "",
            "| article | chatter n | chatter held | as off-topic | on-topic n | on-topic held | as off-topic |",
            "|---|---:|---:|---:|---:|---:|---:|",
        ]
        for article, entry in offtopic["per_article"].items():
            chatter, on_topic = entry["chatter"], entry["on_topic"]
            lines.append(
                f"| {article} | {chatter['n']} | {_pct(chatter['held'])} | {_pct(chatter['held_as_off_topic'])} | "
                f"{on_topic['n']} | {_pct(on_topic['held'])} | {_pct(on_topic['held_as_off_topic'])} |"
            )
        lines += ["", "| chatter kind | n | held | as off-topic |", "|---|---:|---:|---:|"]
        lines += [
            f"| {kind} | {entry['n']} | {_pct(entry['held'])} | {_pct(entry['held_as_off_topic'])} |"
            for kind, entry in offtopic["per_chatter_kind"].items()
        ]
        lines += ["", "![off-topic suites](suites-offtopic.png)", ""]
    lines += ["## Misjudged cases", "", "Every misjudged case, with its decision and reasons, is listed in `suites.json`.", ""]
    return "\n".join(lines)


def _plot_functional(functional: dict, path: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    names = list(functional["per_functionality"])
    entries = [functional["per_functionality"][name] for name in names]
    y = np.arange(len(names))
    fig, ax = plt.subplots(figsize=(9, 0.28 * len(names) + 1.5), dpi=80)
    ax.barh(y - 0.2, [e["accuracy"] for e in entries], height=0.4, label="full policy")
    ax.barh(y + 0.2, [e["abuse_view_accuracy"] for e in entries], height=0.4, label="abuse view", alpha=0.7)
    ax.axvline(FUNCTIONALITY_TARGET, color="grey", ls="--", lw=0.8)
    ax.set_yticks(
        y,
        [f"{name} ({'publish' if e['expected'] == PUBLISH else 'hold'})" for name, e in zip(names, entries, strict=True)],
        fontsize=7,
    )
    ax.invert_yaxis()
    ax.set(xlim=(0, 1), xlabel="share judged right", title="Functional suite: accuracy per functionality")
    ax.legend(fontsize=7, loc="lower right")
    ax.grid(axis="x", alpha=0.3)
    fig.tight_layout()
    fig.savefig(path)
    plt.close(fig)


def _plot_offtopic(offtopic: dict, path: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    articles = list(offtopic["per_article"])
    x = np.arange(len(articles))
    chatter = [offtopic["per_article"][a]["chatter"]["held"] or 0.0 for a in articles]
    on_topic = [offtopic["per_article"][a]["on_topic"]["held"] or 0.0 for a in articles]
    fig, ax = plt.subplots(figsize=(8, 4), dpi=80)
    ax.bar(x - 0.2, chatter, width=0.4, label="chatter held (want ≥ 80 %)")
    ax.bar(x + 0.2, on_topic, width=0.4, label="on-topic held (want ≤ 5 %)")
    ax.axhline(CHATTER_HELD_TARGET, color="C0", ls="--", lw=0.8)
    ax.axhline(ON_TOPIC_HELD_LIMIT, color="C1", ls="--", lw=0.8)
    ax.set_xticks(x, articles, fontsize=8)
    ax.set(ylim=(0, 1), ylabel="share not published", title="Off-topic suites: held share per article")
    ax.legend(fontsize=7, loc="upper right")
    ax.grid(axis="y", alpha=0.3)
    fig.tight_layout()
    fig.savefig(path)
    plt.close(fig)


def run_suites(which: str, out_dir: Path, scorer, command: str | None = None) -> dict:
    """Judge the chosen shipped suites and write suites.json, suites.md and the plots into out_dir."""
    if which not in SUITE_CHOICES:
        raise SuiteError(f"unknown suite {which!r}; choose one of {', '.join(SUITE_CHOICES)}")
    articles = load_articles()
    return evaluate_suites(
        out_dir,
        scorer,
        articles,
        functional=load_functional(articles=articles) if which in ("functional", "all") else None,
        offtopic=load_offtopic(articles=articles) if which in ("offtopic", "all") else None,
        command=command or f"commentdesk eval --suite {which} --out {out_dir}",
    )


def evaluate_suites(
    out_dir: Path,
    scorer,
    articles: dict[str, dict],
    functional: list[SuiteCase] | None = None,
    offtopic: list[SuiteCase] | None = None,
    command: str = "",
) -> dict:
    """Judge the given cases and write the reports; returns their paths and the results."""
    results: dict = {"command": command}
    plots = {}
    out_dir.mkdir(parents=True, exist_ok=True)
    if functional:
        results["functional"] = functional_report(judge(functional, articles, scorer, "functional suite"))
        plots["functional"] = out_dir / "suites-functional.png"
        _plot_functional(results["functional"], plots["functional"])
    if offtopic:
        results["offtopic"] = offtopic_report(judge(offtopic, articles, scorer, "off-topic suites"))
        plots["offtopic"] = out_dir / "suites-offtopic.png"
        _plot_offtopic(results["offtopic"], plots["offtopic"])
    results["model_versions"] = dict(scorer.models.versions)
    json_path, markdown_path = out_dir / "suites.json", out_dir / "suites.md"
    json_path.write_text(json.dumps(results, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    markdown_path.write_text(_markdown(results), encoding="utf-8")
    return {"json": json_path, "markdown": markdown_path, **plots, "results": results}


def summary(results: dict) -> dict:
    """The headline figures, for the command's JSON on stdout."""
    found = {}
    if "functional" in results:
        functional = results["functional"]
        found["functional"] = {
            key: functional[key]
            for key in (
                "n",
                "accuracy",
                "abuse_view_accuracy",
                "mean_functionality_accuracy",
                "worst_functionality_accuracy",
                "functionalities_below_target",
                "abuse_roc_auc",
                "model_failures",
            )
        }
        found["functional"]["per_functionality"] = {
            name: {"accuracy": entry["accuracy"], "abuse_view_accuracy": entry["abuse_view_accuracy"]}
            for name, entry in functional["per_functionality"].items()
        }
    if "offtopic" in results:
        offtopic = results["offtopic"]
        found["offtopic"] = {
            key: offtopic[key]
            for key in (
                "n",
                "chatter",
                "on_topic",
                "worst_article_chatter_held",
                "worst_article_on_topic_held",
                "relevance_roc_auc",
                "model_failures",
            )
        }
        found["offtopic"]["per_article"] = {
            article: {"chatter_held": entry["chatter"]["held"], "on_topic_held": entry["on_topic"]["held"]}
            for article, entry in offtopic["per_article"].items()
        }
    return found
