"""Writes evaluation results as metrics.json, a Markdown summary and an HTML report."""

from __future__ import annotations

import html
import json
from pathlib import Path

from commentdesk.evaluation.evaluate import SetResult


def _fmt(value) -> str:
    if value is None:
        return "–"
    if isinstance(value, float):
        return f"{value:.3f}"
    return str(value)


def _flat(metrics: dict) -> list[tuple[str, object]]:
    rows = []
    for key, value in metrics.items():
        if isinstance(value, dict):
            for sub, v in value.items():
                if isinstance(v, dict):
                    rows += [(f"{key}.{sub}.{k}", x) for k, x in v.items()]
                else:
                    rows.append((f"{key}.{sub}", v))
        else:
            rows.append((key, value))
    return rows


# The reports that say how the models do on what they never learned from, when they sit beside
# this one: those are the figures to read first; the per-set figures below are in-distribution.
HEADLINE_REPORTS = (
    ("transfer.md", "leave-one-source-out: each set scored by a model trained without it"),
    ("transfer-pooled.md", "leave-one-source-out with one learner: today's training data against all of it"),
    ("relevance-transfer.md", "relevance on SemEval-2016, a set the relevance model never learned from"),
    ("suites-after/suites.md", "functional and off-topic suites (hand-written, never trained on), default variant"),
    ("suites-finetuned/suites.md", "the same suites, fine-tuned variant"),
)


def _headline_links(out_dir: Path) -> list[str]:
    found = [(name, words) for name, words in HEADLINE_REPORTS if (out_dir / name).exists()]
    if not found:
        return []
    lines = ["## Read first: figures on data the models never learned from", ""]
    lines += [f"- [{name}]({name}): {words}" for name, words in found]
    return lines + ["", "The sections below are held-out parts of the sets the models learned from: they flatter them.", ""]


def write_reports(results: list[SetResult], out_dir: Path, header: dict) -> dict[str, Path]:
    out_dir.mkdir(parents=True, exist_ok=True)
    payload = {"header": header, "results": {r.name: r.metrics for r in results}}
    json_path = out_dir / "metrics.json"
    json_path.write_text(json.dumps(payload, indent=2) + "\n", encoding="utf-8")

    md = ["# Moderation model evaluation", ""]
    md += [f"- {k}: `{v}`" for k, v in header.items()] + [""]
    md += _headline_links(out_dir)
    for r in results:
        md += [f"## {r.name} ({r.kind})", ""] + [f"_{n}_" for n in r.notes] + [""]
        md += ["| metric | value |", "|---|---|"]
        md += [f"| {k} | {_fmt(v)} |" for k, v in _flat(r.metrics)]
        md += [""] + [f"![{p.stem}]({p.name})" for p in r.plots] + [""]
    md_path = out_dir / "README.md"
    md_path.write_text("\n".join(md) + "\n", encoding="utf-8")

    esc = html.escape
    parts = [
        "<!doctype html><html lang='en'><meta charset='utf-8'>",
        "<title>commentdesk model evaluation</title>",
        "<style>body{font:14px/1.4 system-ui,sans-serif;max-width:1100px;margin:2em auto;"
        "padding:0 1em}table{border-collapse:collapse}td,th{border:1px solid #ccc;"
        "padding:2px 8px;text-align:left}td.s{white-space:nowrap}img{max-width:100%}"
        "details{margin:.5em 0}</style>",
        "<h1>commentdesk model evaluation</h1><ul>",
    ]
    parts += [f"<li>{esc(k)}: <code>{esc(str(v))}</code></li>" for k, v in header.items()]
    parts.append("</ul>")
    for r in results:
        parts.append(f"<h2 id='{esc(r.name)}'>{esc(r.name)} <small>({esc(r.kind)})</small></h2>")
        parts += [f"<p><em>{esc(n)}</em></p>" for n in r.notes]
        parts.append("<table><tr><th>metric</th><th>value</th></tr>")
        parts += [f"<tr><td>{esc(k)}</td><td>{esc(_fmt(v))}</td></tr>" for k, v in _flat(r.metrics)]
        parts.append("</table>")
        parts += [f"<p><img src='{esc(p.name)}' alt='{esc(p.stem)}'></p>" for p in r.plots]
        for title, rows in r.mistakes.items():
            parts.append(f"<details><summary>{esc(title)} ({len(rows)})</summary><table>")
            parts += [f"<tr><td class='s'>{score:.3f}</td><td>{esc(text[:600])}</td></tr>" for score, text in rows]
            parts.append("</table></details>")
    html_path = out_dir / "report.html"
    html_path.write_text("\n".join(parts) + "\n</html>\n", encoding="utf-8")
    return {"json": json_path, "markdown": md_path, "html": html_path}
