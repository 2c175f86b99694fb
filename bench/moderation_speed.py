"""Moderation speed and memory: one comment at a time, under concurrent posting, and over HTTP.

    .venv/bin/python bench/moderation_speed.py [--comments 300] [--threads 16] [--skip-http] [--remote]

Prints p50/p99 latency of the whole pipeline (models and rules) for one comment at a time,
throughput with many comments in flight (they share the embedding passes), the same
through the HTTP API (a real server on loopback, SQLite, commit included), and the process's
peak resident memory. With --remote the models run in a moderation process of their own, as
`commentdesk serve` runs them, and this process is a web worker that calls them over its socket
(the memory figure is then the worker's). Asserts nothing.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from server import moderation_process, uvicorn_thread
from tqdm import tqdm

os.environ.setdefault("HF_HUB_OFFLINE", "1")

from commentdesk.moderation.pipeline import ModerationModels, Pipeline  # noqa: E402
from commentdesk.moderation.policy import Policy  # noqa: E402
from commentdesk.moderation.types import Candidate  # noqa: E402

FIXTURES = Path(__file__).resolve().parent.parent / "tests" / "fixtures"


def load_cases() -> tuple[dict, list[dict]]:
    articles = json.loads((FIXTURES / "articles.json").read_text())
    cases = [json.loads(line) for line in (FIXTURES / "labeled_comments.jsonl").read_text().splitlines() if line.strip()]
    return articles, cases


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(share * (len(ordered) - 1))))]


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--comments", type=int, default=300)
    parser.add_argument("--threads", type=int, default=16)
    parser.add_argument("--skip-http", action="store_true")
    parser.add_argument("--remote", action="store_true", help="the models in a moderation process, as `serve` runs them")
    args = parser.parse_args()

    started = time.perf_counter()
    if args.remote:
        with moderation_process(timeout_ms=30_000) as (models, pid):
            print(f"moderation process ready in {time.perf_counter() - started:.1f} s", flush=True)
            measure(models, args, {"worker": own_cpu_s, "moderation process": lambda: process_cpu_s(pid)})
    else:
        models = ModerationModels(timeout_ms=30_000).load()
        print(f"models loaded in {time.perf_counter() - started:.1f} s; peak memory {peak_rss_mb():.0f} MB", flush=True)
        measure(models, args, {"this process": own_cpu_s})


def own_cpu_s() -> float:
    times = os.times()
    return times.user + times.system


def process_cpu_s(pid: int) -> float:
    """User and system CPU seconds of another process so far (Linux)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rpartition(")")[2].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def cpu_per_comment(cpu_s: dict[str, Callable[[], float]], before: dict[str, float], comments: int) -> str:
    spent = {name: (read() - before[name]) * 1000 / comments for name, read in cpu_s.items()}
    parts = [f"{ms:.1f} ms {name}" for name, ms in spent.items()]
    if len(parts) > 1:
        parts.append(f"{sum(spent.values()):.1f} ms in all")
    return "CPU a comment: " + ", ".join(parts)


def measure(models, args, cpu_s: dict[str, Callable[[], float]]) -> None:
    """Prints, beside the wall-clock figures, the CPU time spent per comment by every process
    doing the work: on a busy shared machine it moves less than the wall clock."""
    articles, cases = load_cases()
    pipeline, policy = Pipeline(models), Policy()
    # Article passages are cached per article in production: compute them once here too.
    passages = {key: models.article_passages(a["title"], a["body"]) for key, a in articles.items()}

    def candidate(i: int) -> Candidate:
        case = cases[i % len(cases)]
        article = articles[case["article"]]
        chunks, vectors = passages[case["article"]]
        return Candidate(
            text=case["text"],
            article_title=article["title"],
            article_body=article["body"],
            passages=chunks,
            passage_vectors=vectors,
        )

    for i in range(20):  # warm-up
        pipeline.moderate(candidate(i), policy)

    latencies = []
    cpu_before = {name: read() for name, read in cpu_s.items()}
    for i in tqdm(range(args.comments), desc="one at a time", file=sys.stderr):
        begin = time.perf_counter()
        pipeline.moderate(candidate(i), policy)
        latencies.append((time.perf_counter() - begin) * 1000)
    print(
        f"one at a time: p50 {statistics.median(latencies):.1f} ms, p99 {percentile(latencies, 0.99):.1f} ms, "
        f"{1000 / statistics.mean(latencies):.0f} comments/s; {cpu_per_comment(cpu_s, cpu_before, len(latencies))}"
    )

    begin, cpu_before = time.perf_counter(), {name: read() for name, read in cpu_s.items()}
    with ThreadPoolExecutor(args.threads) as pool:
        concurrent = list(
            tqdm(
                pool.map(lambda i: _timed(pipeline, candidate(i), policy), range(args.comments * 2)),
                total=args.comments * 2,
                desc=f"{args.threads} in flight",
                file=sys.stderr,
            )
        )
    elapsed = time.perf_counter() - begin
    print(
        f"{args.threads} in flight: {len(concurrent) / elapsed:.0f} comments/s, p50 {statistics.median(concurrent):.1f} ms, "
        f"p99 {percentile(concurrent, 0.99):.1f} ms; {cpu_per_comment(cpu_s, cpu_before, len(concurrent))}"
    )

    if not args.skip_http:
        http_bench(models, articles, cases, args)
    print(f"peak resident memory: {peak_rss_mb():.0f} MB")


def _timed(pipeline, candidate, policy) -> float:
    begin = time.perf_counter()
    pipeline.moderate(candidate, policy)
    return (time.perf_counter() - begin) * 1000


def http_bench(models, articles, cases, args) -> None:
    import httpx

    from commentdesk.app import create_app
    from commentdesk.config import Settings
    from commentdesk.services.sites import create_site

    with tempfile.TemporaryDirectory() as scratch:
        app = create_app(Settings(data_dir=Path(scratch)), models=models)
        with uvicorn_thread(app) as base:
            with app.state.sessions() as session:
                _site, key = create_site(
                    session,
                    "bench",
                    "Bench",
                    policy={
                        "flood_per_minute_commenter": 1000,
                        "flood_per_minute_address": 10_000,
                        "refuse_per_minute_address": 100_000,
                        "duplicate_window_minutes": 0,
                    },
                )
                session.commit()
            ids = {}
            with httpx.Client(base_url=base, timeout=60) as client:
                for name, article in articles.items():
                    body = {"url": f"https://bench.example/{name}", "title": article["title"], "body": article["body"]}
                    ids[name] = client.put("/api/v1/articles", json=body, headers={"Authorization": f"Bearer {key}"}).json()["id"]

                def post(i: int) -> float:
                    case = cases[i % len(cases)]
                    begin = time.perf_counter()
                    response = client.post(
                        f"/api/v1/articles/{ids[case['article']]}/comments",
                        json={"author_name": f"Reader {i}", "text": f"{case['text']} ({i})"},
                    )
                    assert response.status_code == 201, response.text
                    return (time.perf_counter() - begin) * 1000

                for i in range(10):
                    post(i)
                sequential = [post(i) for i in tqdm(range(args.comments), desc="HTTP one at a time", file=sys.stderr)]
                print(
                    f"HTTP POST one at a time: p50 {statistics.median(sequential):.1f} ms, p99 {percentile(sequential, 0.99):.1f} ms"
                )
                begin = time.perf_counter()
                with ThreadPoolExecutor(args.threads) as pool:
                    together = list(
                        tqdm(pool.map(post, range(args.comments)), total=args.comments, desc="HTTP concurrent", file=sys.stderr)
                    )
                elapsed = time.perf_counter() - begin
                print(
                    f"HTTP POST, {args.threads} clients: {len(together) / elapsed:.0f} comments/s, p50 {statistics.median(together):.1f} ms, "
                    f"p99 {percentile(together, 0.99):.1f} ms"
                )


if __name__ == "__main__":
    main()
