"""Reads against a real `commentdesk serve`: thread first pages, counts, article look-ups, 304s.

Seeds a scratch database (SQLite unless --database-url is given) with threads of 10, 1,000 and
100,000 comments (a fifth of them replies) and 17 small articles, starts `commentdesk serve`
with the flags given after `--`, and drives each scenario with wrk at each concurrency. Prints
requests per second, latency percentiles, errors, and the memory of the whole server (every
worker and the moderation process: RSS, PSS and USS summed over the process tree). Asserts nothing.

    .venv/bin/python bench/read_paths.py                                  # default workers
    .venv/bin/python bench/read_paths.py --concurrency 1,64 -- --workers 1
    .venv/bin/python bench/read_paths.py --models -- --workers 2          # with the models loaded (memory)
    .venv/bin/python bench/read_paths.py --database-url postgresql+psycopg://postgres@127.0.0.1:5432/bench

Needs wrk (apt-get install wrk). A PostgreSQL database given here is emptied first.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import subprocess
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

from server import commentdesk_serve
from sqlalchemy import MetaData, insert, select, update

from commentdesk.services.sites import create_site
from commentdesk.store.db import make_engine, migrate, session_factory
from commentdesk.store.models import Article, Comment, Commenter

SITE = "bench"
BODY = (
    "The city council voted on Tuesday to extend the tram line to the northern suburbs. The extension will "
    "cost 240 million and open in 2029. Residents of the northern districts have waited a decade for it."
)
TEXTS = [
    "The tram extension is long overdue for the northern districts.",
    "240 million for a tram line seems a lot, but the buses are full every morning.",
    "Opening in 2029 is too late; the council should have started years ago.",
    "I live in the north and a direct tram to the centre would change my commute.",
]
THREADS = {"thread 10": 10, "thread 1k": 1_000, "thread 100k": 100_000}
SMALL_ARTICLES = 17


def seed(url: str) -> dict[str, int]:
    """Articles by name -> id; the big threads are written in bulk, counts kept exact."""
    engine = make_engine(url)
    if engine.dialect.name == "postgresql":
        metadata = MetaData()
        metadata.reflect(engine)
        metadata.drop_all(engine)
        with engine.begin() as connection:
            connection.exec_driver_sql("DROP TABLE IF EXISTS alembic_version")
    migrate(engine)
    ids: dict[str, int] = {}
    with session_factory(engine)() as session:
        site, _key = create_site(session, SITE, "Bench")
        commenter = Commenter(site_id=site.id, identity_hash="bench-reader", display_name="Reader")
        session.add(commenter)
        session.flush()
        names = list(THREADS) + [f"small {n}" for n in range(SMALL_ARTICLES)]
        for name in names:
            article = Article(
                site_id=site.id, url=f"https://bench.example/{name.replace(' ', '-')}", title=name.title(), body=BODY
            )
            session.add(article)
            session.flush()
            ids[name] = article.id
        next_id = (session.scalar(select(Comment.id).order_by(Comment.id.desc()).limit(1)) or 0) + 1
        start = datetime(2026, 1, 1, tzinfo=UTC)
        sizes = {**THREADS, **{f"small {n}": (n * 7) % 30 for n in range(SMALL_ARTICLES)}}
        for name, size in sizes.items():
            rows, roots, reply_counts = [], [], {}
            for number in range(size):
                text = TEXTS[number % len(TEXTS)]
                row = dict(
                    id=next_id,
                    site_id=site.id,
                    article_id=ids[name],
                    commenter_id=commenter.id,
                    author_name="Reader",
                    text=text,
                    html=f"<p>{text}</p>",
                    status="published",
                    created_at=start + timedelta(seconds=number),
                    updated_at=start,
                    scores={},
                    reasons=[],
                    model_versions={},
                    system_decision="publish",
                )
                if number % 5 == 4 and roots:  # a reply to one of the latest top-level comments
                    root = roots[-1 - (number % min(len(roots), 3))]
                    row.update(parent_id=root, root_id=root, depth=1)
                    reply_counts[root] = reply_counts.get(root, 0) + 1
                else:
                    row.update(parent_id=None, root_id=next_id, depth=0)
                    roots.append(next_id)
                rows.append(row)
                next_id += 1
            for chunk in range(0, len(rows), 5_000):
                session.execute(insert(Comment), rows[chunk : chunk + 5_000])
            for root, count in reply_counts.items():
                session.execute(update(Comment).where(Comment.id == root).values(reply_count=count))
            session.execute(update(Article).where(Article.id == ids[name]).values(published_count=size))
        session.commit()
    engine.dispose()
    return ids


def process_tree(root: int) -> list[int]:
    children: dict[int, list[int]] = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                parent = int(Path(f"/proc/{entry}/stat").read_text().rsplit(")", 1)[1].split()[1])
            except (OSError, IndexError, ValueError):
                continue
            children.setdefault(parent, []).append(int(entry))
    found, todo = [], [root]
    while todo:
        pid = todo.pop()
        found.append(pid)
        todo.extend(children.get(pid, []))
    return found


def memory_mib(root: int) -> dict[str, float]:
    """RSS, PSS and USS (private pages) summed over the server's processes."""
    totals = {"processes": 0, "rss": 0.0, "pss": 0.0, "uss": 0.0}
    for pid in process_tree(root):
        try:
            fields = dict(line.split(":", 1) for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines()[1:])
        except OSError:
            continue
        kib = {name: int(value.split()[0]) for name, value in fields.items()}
        totals["processes"] += 1
        totals["rss"] += kib.get("Rss", 0) / 1024
        totals["pss"] += kib.get("Pss", 0) / 1024
        totals["uss"] += (kib.get("Private_Clean", 0) + kib.get("Private_Dirty", 0)) / 1024
    return totals


def wrk(url: str, concurrency: int, seconds: float, headers: dict[str, str]) -> dict:
    threads = max(1, min(concurrency, 2))
    command = [
        "wrk",
        "--latency",
        "-t",
        str(threads),
        "-c",
        str(concurrency),
        "-d",
        f"{max(1, round(seconds))}s",
        "--timeout",
        "10s",
    ]
    for name, value in headers.items():
        command += ["-H", f"{name}: {value}"]
    output = subprocess.run(command + [url], capture_output=True, text=True, check=True).stdout
    unit = {"us": 0.001, "ms": 1.0, "s": 1000.0}

    def latency(label: str) -> float:
        match = re.search(rf"^\s+{label}%\s+([\d.]+)(us|ms|s)\s*$", output, re.M)
        return float(match.group(1)) * unit[match.group(2)] if match else float("nan")

    errors = 0
    if match := re.search(r"Non-2xx or 3xx responses: (\d+)", output):
        errors += int(match.group(1))
    if match := re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", output):
        errors += sum(int(group) for group in match.groups())
    rate = re.search(r"Requests/sec:\s+([\d.]+)", output)
    return {"rps": float(rate.group(1)) if rate else 0.0, "p50": latency("50"), "p99": latency("99"), "errors": errors}


def etag_of(url: str) -> str:
    import urllib.request

    with urllib.request.urlopen(url) as response:
        return response.headers["ETag"]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", default="", help="default: a scratch SQLite file")
    parser.add_argument("--concurrency", default="1,64", help="comma-separated, e.g. 1,16,64")
    parser.add_argument("--seconds", type=float, default=10.0, help="measured seconds per run (after 2 s of warm-up)")
    parser.add_argument(
        "--scenarios",
        default="thread 10,thread 1k,thread 100k,counts x20,lookup,thread 10 (304)",
        help="comma-separated scenario names",
    )
    parser.add_argument("--models", action="store_true", help="load the moderation models (to see the whole server's memory)")
    parser.add_argument("server_args", nargs="*", help="extra `commentdesk serve` flags, after --")
    args = parser.parse_args()
    if shutil.which("wrk") is None:
        raise SystemExit("wrk is not installed (apt-get install wrk)")
    with tempfile.TemporaryDirectory() as scratch:
        url = args.database_url or f"sqlite:///{scratch}/bench.sqlite3"
        began = time.monotonic()
        ids = seed(url)
        print(f"seeded {sum(THREADS.values()):,} comments in {time.monotonic() - began:.0f} s", flush=True)
        smalls = [ids[name] for name in ids if name.startswith("small")]
        paths = {name: f"/api/v1/articles/{ids[name]}/comments" for name in THREADS}
        paths["counts x20"] = "/api/v1/counts?ids=" + ",".join(str(i) for i in [ids[n] for n in THREADS] + smalls)
        paths["lookup"] = f"/api/v1/articles/lookup?site={SITE}&url=https%3A%2F%2Fbench.example%2Fthread-10"
        paths["thread 10 (304)"] = paths["thread 10"]
        with commentdesk_serve(url, scratch, args.models, args.server_args) as (base, server):
            time.sleep(2)
            print(
                f"server: commentdesk serve {' '.join(args.server_args)}; database {url.split(':')[0]}; "
                f"models {'loaded' if args.models else 'off'}; {os.cpu_count()} cores; {args.seconds:.0f} s per run"
            )
            memory = memory_mib(server.pid)
            print(
                f"memory at rest: {memory['processes']} processes, RSS {memory['rss']:.0f} MiB, "
                f"PSS {memory['pss']:.0f} MiB, USS {memory['uss']:.0f} MiB"
            )
            print(f"{'scenario':<18} {'c':>4} {'req/s':>9} {'p50 ms':>8} {'p99 ms':>8} {'p99/p50':>8} {'errors':>7}")
            for scenario in (name.strip() for name in args.scenarios.split(",")):
                headers = {"If-None-Match": etag_of(base + paths[scenario])} if scenario.endswith("(304)") else {}
                for concurrency in (int(c) for c in args.concurrency.split(",")):
                    wrk(base + paths[scenario], concurrency, 2, headers)  # warm-up, not counted
                    result = wrk(base + paths[scenario], concurrency, args.seconds, headers)
                    print(
                        f"{scenario:<18} {concurrency:>4} {result['rps']:>9.0f} {result['p50']:>8.2f} {result['p99']:>8.2f} "
                        f"{result['p99'] / result['p50']:>8.1f} {result['errors']:>7}",
                        flush=True,
                    )
            memory = memory_mib(server.pid)
            print(
                f"memory after the runs: {memory['processes']} processes, RSS {memory['rss']:.0f} MiB, "
                f"PSS {memory['pss']:.0f} MiB, USS {memory['uss']:.0f} MiB"
            )


if __name__ == "__main__":
    main()
