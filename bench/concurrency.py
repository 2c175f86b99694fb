"""Many readers (and writers) at once against a real `commentdesk serve`: answered, refused, or stuck?

Starts the server in a child process on a scratch database (SQLite unless --database-url is
given), seeds one site with articles and published comments, then keeps C requests in flight
for a while per scenario and prints requests per second, latency, what came back, and the CPU
time the server's processes (web workers, moderation process) spent per request.
Asserts nothing.

    .venv/bin/python bench/concurrency.py [--concurrency 64] [--seconds 10] [--scenarios thread,counts,lookup]
    .venv/bin/python bench/concurrency.py --scenarios post,mixed --models     # writes with full moderation
    .venv/bin/python bench/concurrency.py --scenarios post --models --phases  # where the posts' time went
    .venv/bin/python bench/concurrency.py --database-url postgresql+psycopg://postgres@127.0.0.1:5432/bench
    .venv/bin/python bench/concurrency.py --wrk       # reads loaded by wrk (apt install wrk), not Python

The Python client costs far more per request than the server's reads: beyond a few hundred reads
a second it is the limit, and the benchmark says so (client CPU per run). `--wrk` loads the read
scenarios with wrk instead, which measures the server; posts always use the Python client (they
need a fresh text each and their answers are read).

A PostgreSQL database given here is emptied first (all commentdesk tables are dropped).

With --phases the server logs each post's phases at debug level (services/posting.PostTiming)
and the benchmark prints their percentiles beside the client's: the flood count and the storing
each include the wait for SQLite's write lock, the models the wait for their turn.
"""

from __future__ import annotations

import argparse
import asyncio
import collections
import itertools
import os
import random
import re
import shutil
import statistics
import subprocess
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx
from process_cpu import cpu_spent, tree_cpu
from server import commentdesk_serve
from sqlalchemy import MetaData, insert

from commentdesk.services.sites import create_site
from commentdesk.store.db import make_engine, migrate, session_factory
from commentdesk.store.models import Article, Comment, Commenter

SITE = "bench"
ARTICLE_BODY = (
    "The city council voted on Tuesday to extend the tram line to the northern suburbs. "
    "The extension will cost 240 million and open in 2029, the transport department said. "
    "Residents of the northern districts have waited a decade for a direct connection to the centre."
)
ON_TOPIC = [
    "The tram extension is long overdue for the northern districts.",
    "240 million for a tram line seems a lot, but the buses are full every morning.",
    "Opening in 2029 is too late; the council should have started years ago.",
    "I live in the north and a direct tram to the centre would change my commute.",
]
# Parts of distinct on-topic comments: a burst of copies would be held as near-duplicates.
OPENERS = [
    "Honestly,",
    "As a resident,",
    "Frankly,",
    "In my view,",
    "Good news:",
    "Finally,",
    "Sadly,",
    "To be fair,",
    "From what I read,",
    "Speaking as a commuter,",
]
POINTS = [
    "the tram line should reach the northern suburbs before the new housing is finished",
    "the council waited a decade to extend the tram and the cost grew every year",
    "240 million is cheaper than widening the ring road again",
    "the buses from the north are packed every morning and a tram would carry twice as many",
    "opening the extension in 2029 leaves two more winters of traffic jams",
    "the transport department should publish the full cost estimate for the extension",
    "a direct tram to the centre would help shops in the northern districts",
    "the vote on Tuesday shows the council finally listens to the northern residents",
    "the construction works will close the main road for months and nobody planned detours",
    "the tram depot in the north will bring jobs to the area",
    "park and ride at the last stop would keep cars out of the centre",
    "the council should explain how the extension will be paid for",
    "the old tram line already runs late, so the extension needs more vehicles",
    "cyclists need a safe lane next to the new tracks",
    "the northern suburbs have waited longer than any other part of the city",
    "the price of 240 million will rise if the works start late",
    "the extension should have a stop at the hospital",
    "night trams to the north would help shift workers",
    "the consultation last year asked for exactly this route",
    "ticket prices must stay low or the new line will run empty",
    "the council could have built the extension for less ten years ago",
    "the tram will be faster than the bus only if it gets priority at junctions",
    "the plan ignores the villages just beyond the northern suburbs",
    "building in stages would let the first stops open before 2029",
]
CLOSERS = [
    "",
    " That is my view.",
    " Let us hope it opens on time.",
    " Well reported.",
    " We shall see.",
    " The council must keep its word.",
    " It is about time.",
    " Residents deserve better.",
    " Good.",
    " Thanks for the article.",
]


def on_topic_comment(number: int) -> str:
    """A distinct on-topic comment for post `number` (the same number gives the same text)."""
    pick = random.Random(number)
    first, second = pick.sample(POINTS, 2)
    return f"{pick.choice(OPENERS)} {first}, and {second}.{pick.choice(CLOSERS)}"


def seed(url: str, articles: int, comments: int) -> list[int]:
    engine = make_engine(url)
    if engine.dialect.name == "postgresql":
        metadata = MetaData()
        metadata.reflect(engine)
        metadata.drop_all(engine)
    migrate(engine)
    ids = []
    with session_factory(engine)() as session:
        # All posts come from one address: the flood limits at their highest allowed values.
        site, _key = create_site(
            session,
            SITE,
            "Bench",
            policy={"refuse_per_minute_address": 100_000, "flood_per_minute_commenter": 1000, "flood_per_minute_address": 10_000},
        )
        commenter = Commenter(site_id=site.id, identity_hash="bench-reader", display_name="Reader")
        session.add(commenter)
        session.flush()
        start = datetime(2026, 1, 1, tzinfo=UTC)
        for number in range(articles):
            article = Article(
                site_id=site.id,
                url=f"https://bench.example/{number}",
                title=f"Tram line extension {number}",
                body=ARTICLE_BODY,
                published_count=comments if number == 0 else 0,
            )
            session.add(article)
            session.flush()
            ids.append(article.id)
        session.execute(
            insert(Comment),
            [
                dict(
                    site_id=site.id,
                    article_id=ids[0],
                    parent_id=None,
                    root_id=None,
                    depth=0,
                    commenter_id=commenter.id,
                    author_name="Reader",
                    text=ON_TOPIC[i % len(ON_TOPIC)],
                    html=f"<p>{ON_TOPIC[i % len(ON_TOPIC)]}</p>",
                    status="published",
                    created_at=start + timedelta(seconds=i),
                    updated_at=start,
                    scores={},
                    reasons=[],
                    model_versions={},
                    system_decision="publish",
                )
                for i in range(comments)
            ],
        )
        session.commit()
    engine.dispose()
    return ids


class Tally:
    def __init__(self) -> None:
        self.latencies: list[float] = []
        self.outcomes: collections.Counter[str] = collections.Counter()
        # Posts: what the reader was told, and the reasons given (model_timeout, model_unavailable: a model).
        self.posts: collections.Counter[str] = collections.Counter()

    def add(self, outcome: str, seconds: float) -> None:
        self.outcomes[outcome] += 1
        if outcome.startswith("2"):
            self.latencies.append(seconds * 1000)


# Post numbers run on across runs: a commenter posting the same text twice is a duplicate.
POST_NUMBERS = itertools.count(1)


def requests_for(scenario: str, ids: list[int]):
    """Yields (method, path, json body) forever for one scenario."""
    counts = "/api/v1/counts?ids=" + ",".join(str(i) for i in ids[:20])
    reads = {
        "thread": ("GET", f"/api/v1/articles/{ids[0]}/comments", None),
        "counts": ("GET", counts, None),
        "lookup": ("GET", f"/api/v1/articles/lookup?site={SITE}&url=https://bench.example/0", None),
    }
    while True:
        number = next(POST_NUMBERS)
        write = (
            "POST",
            f"/api/v1/articles/{ids[0]}/comments",
            {"author_name": f"Poster {number % 500}", "text": on_topic_comment(number)},
        )
        if scenario == "post":
            yield write
        elif scenario == "mixed":  # one write for every four reads
            yield write if number % 5 == 0 else reads[("thread", "counts", "lookup", "thread")[number % 4]]
        else:
            yield reads[scenario]


async def drive(
    base: str, scenario: str, ids: list[int], concurrency: int, seconds: float, timeout: float
) -> tuple[Tally, float]:
    tally = Tally()
    # Idle connections are dropped before the server's keep-alive timeout (5 s) closes them.
    limits = httpx.Limits(max_connections=concurrency, max_keepalive_connections=concurrency, keepalive_expiry=3)
    source = requests_for(scenario, ids)
    async with httpx.AsyncClient(base_url=base, limits=limits, timeout=timeout) as client:
        stop_at = time.monotonic() + seconds

        async def worker() -> None:
            while time.monotonic() < stop_at:
                method, path, body = next(source)
                started = time.perf_counter()
                try:
                    try:
                        response = await client.request(method, path, json=body)
                    except (httpx.RemoteProtocolError, httpx.ReadError):
                        if method != "GET":
                            raise
                        # A kept-alive connection the server closed as it was reused: a browser
                        # sends an idempotent request again, and so does this client.
                        tally.outcomes["GET sent again after a closed keep-alive connection"] += 1
                        response = await client.request(method, path, json=body)
                    outcome = str(response.status_code)
                    if method == "POST" and response.status_code in (200, 201):
                        posted = response.json()
                        tally.posts[posted["outcome"]] += 1
                        for reason in posted.get("reasons", []):
                            tally.posts["reason " + reason["code"]] += 1
                    if response.status_code == 503 and "retry-after" not in response.headers:
                        outcome = "503 without Retry-After"
                except httpx.TimeoutException:
                    outcome = "no answer (client timeout)"
                except httpx.HTTPError as error:
                    outcome = type(error).__name__
                tally.add(outcome, time.perf_counter() - started)

        began = time.monotonic()
        await asyncio.gather(*(worker() for _ in range(concurrency)))
        return tally, time.monotonic() - began


READ_SCENARIOS = ("thread", "counts", "lookup")
# wrk's summary: the rate, latency percentiles (with their unit) and answers other than 2xx/3xx.
_WRK_RATE = re.compile(r"Requests/sec:\s+([\d.]+)")
_WRK_PERCENTILE = re.compile(r"^\s+(50|90|99)%\s+([\d.]+)(us|ms|s)\s*$", re.MULTILINE)
_WRK_TOTAL = re.compile(r"(\d+) requests in ([\d.]+)(ms|s|m)")
_WRK_NON_2XX = re.compile(r"Non-2xx or 3xx responses: (\d+)")
_WRK_SOCKET_ERRORS = re.compile(r"Socket errors: (.+)")
_TO_MS = {"us": 0.001, "ms": 1.0, "s": 1000.0}


def drive_wrk(base: str, scenario: str, ids: list[int], concurrency: int, seconds: float, timeout: float) -> int:
    """One read scenario under wrk (two threads, `concurrency` connections); prints its row and
    returns how many requests were sent."""
    _method, path, _body = next(requests_for(scenario, ids))
    command = ["wrk", "-t2", f"-c{concurrency}", f"-d{seconds:.0f}s", f"--timeout={timeout:.0f}s", "--latency", base + path]
    output = subprocess.run(command, capture_output=True, text=True, check=True).stdout
    rate = float(_WRK_RATE.search(output).group(1))  # type: ignore[union-attr]
    latency = {int(p): float(v) * _TO_MS[unit] for p, v, unit in _WRK_PERCENTILE.findall(output)}
    total = _WRK_TOTAL.search(output)
    non_2xx = _WRK_NON_2XX.search(output)
    errors = _WRK_SOCKET_ERRORS.search(output)
    others = ", ".join(
        part
        for part in (f"non-2xx: {non_2xx.group(1)}" if non_2xx else "", f"socket errors: {errors.group(1)}" if errors else "")
        if part
    )
    answered = int(total.group(1)) - (int(non_2xx.group(1)) if non_2xx else 0) if total else 0
    print(
        f"{scenario:>8} {concurrency:>4} {rate:>9.1f} {latency.get(50, float('nan')):>8.1f} {latency.get(90, float('nan')):>8.1f} "
        f"{latency.get(99, float('nan')):>8.1f} {answered:>7}   {others or 'none'}   (wrk)",
        flush=True,
    )
    return int(total.group(1)) if total else 0


def percentile(ordered: list[float], fraction: float) -> float:
    return ordered[min(len(ordered) - 1, int(len(ordered) * fraction))] if ordered else float("nan")


def report(scenario: str, concurrency: int, tally: Tally, elapsed: float, cpu: dict[str, float]) -> None:
    answered = len(tally.latencies)
    latencies = sorted(tally.latencies)
    p50, p90, p99 = (percentile(latencies, fraction) for fraction in (0.5, 0.9, 0.99))
    others = ", ".join(f"{name}: {count}" for name, count in sorted(tally.outcomes.items()) if not name.startswith("2")) or "none"
    print(
        f"{scenario:>8} {concurrency:>4} {answered / elapsed:>9.1f} {p50:>8.1f} {p90:>8.1f} {p99:>8.1f} {answered:>7}   {others}",
        flush=True,
    )
    if tally.posts:
        print(" " * 14 + "posts: " + ", ".join(f"{name} {count}" for name, count in sorted(tally.posts.items())), flush=True)
    report_cpu(sum(tally.outcomes.values()), cpu)


def report_cpu(sent: int, cpu: dict[str, float]) -> None:
    # Per request sent, whatever the answer: robust to other load on the machine, unlike the rates.
    sent = sent or 1
    print(
        " " * 14
        + f"server CPU ms per request: {sum(cpu.values()) * 1000 / sent:.1f} (web workers {cpu['web'] * 1000 / sent:.1f}, "
        + f"moderation process {cpu['moderation'] * 1000 / sent:.1f}, supervisor {cpu['supervisor'] * 1000 / sent:.1f})",
        flush=True,
    )


def report_client(cores: float) -> None:
    """How busy this benchmark's own client was: near one core, the rates are the client's limit."""
    limit = "; the client is the limit here, not the server (reads: --wrk)" if cores > 0.85 else ""
    print(" " * 14 + f"client CPU: {cores * 100:.0f} % of one core{limit}", flush=True)


# services/posting.PostTiming's debug line.
# On SQLite the storing's wait for the write lock and its hold of it (first write to commit) too.
PHASES = re.compile(
    r"post phases ms: flood count ([\d.]+), models ([\d.]+), store ([\d.]+)"
    r"(?: \(lock wait ([\d.]+), lock held ([\d.]+)\))?, all ([\d.]+)"
)


def report_phases(log_lines: list[str], tally: Tally) -> None:
    """Percentiles of each phase of the posts (server side) and of the whole request (client side)."""
    matches = [match for line in log_lines if (match := PHASES.search(line))]
    if not matches:
        return
    print(" " * 14 + f"{'phase (ms)':<28} {'mean':>7} {'p50':>7} {'p90':>7} {'p99':>7} {'max':>7}", flush=True)
    names = (
        "flood count (write lock)",
        "models (their turn)",
        "store (write lock)",
        "  store: lock wait",
        "  store: lock held",
        "post, server side",
    )
    phases = []
    for number, name in enumerate(names, 1):
        values = [float(match.group(number)) for match in matches if match.group(number) is not None]
        if values:  # no lock figures on PostgreSQL
            phases.append((name, values))
    for name, values in [*phases, ("request, client side", tally.latencies)]:
        ordered = sorted(values)
        print(
            " " * 14
            + f"{name:<28} {statistics.fmean(ordered):>7.0f} "
            + " ".join(f"{percentile(ordered, fraction):>7.0f}" for fraction in (0.5, 0.9, 0.99))
            + f" {ordered[-1]:>7.0f}",
            flush=True,
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", default="", help="default: a scratch SQLite file")
    parser.add_argument("--scenarios", default="thread,counts,lookup", help="thread, counts, lookup, post, mixed")
    parser.add_argument("--concurrency", default="64", help="comma-separated, e.g. 16,64,256")
    parser.add_argument("--seconds", type=float, default=10.0)
    parser.add_argument("--timeout", type=float, default=30.0, help="seconds a client waits for one answer")
    parser.add_argument("--comments", type=int, default=200, help="published comments in the read thread")
    parser.add_argument("--models", action="store_true", help="load the moderation models (needed for realistic writes)")
    parser.add_argument("--phases", action="store_true", help="print where the posts' time went (server-side debug log)")
    parser.add_argument("--wrk", action="store_true", help="load the read scenarios with wrk (must be installed)")
    parser.add_argument("server_args", nargs="*", help="extra `commentdesk serve` flags, after --")
    args = parser.parse_args()
    if args.wrk and shutil.which("wrk") is None:
        parser.error("--wrk needs wrk on the PATH (Debian: apt-get install wrk)")
    server_args = [*args.server_args, *(["--log-level", "debug"] if args.phases else [])]
    with tempfile.TemporaryDirectory() as scratch:
        url = args.database_url or f"sqlite:///{scratch}/bench.sqlite3"
        ids = seed(url, articles=20, comments=args.comments)
        server_log = Path(scratch, "server.log")
        with commentdesk_serve(url, scratch, args.models, server_args) as (base, server):
            print(
                f"database: {url.split(':')[0]}, models: {'on' if args.models else 'off'}, {args.seconds:.0f} s per run, cores: {os.cpu_count()}"
            )
            print(
                f"{'scenario':>8} {'c':>4} {'answered/s':>9} {'p50 ms':>8} {'p90 ms':>8} {'p99 ms':>8} {'2xx':>7}   other answers"
            )
            for scenario in args.scenarios.split(","):
                for concurrency in (int(c) for c in args.concurrency.split(",")):
                    logged = server_log.stat().st_size
                    before = tree_cpu(server.pid)
                    if args.wrk and scenario in READ_SCENARIOS:
                        sent = drive_wrk(base, scenario, ids, concurrency, args.seconds, args.timeout)
                        report_cpu(sent, cpu_spent(before, tree_cpu(server.pid)))
                        continue
                    client_before = time.process_time()
                    tally, elapsed = asyncio.run(drive(base, scenario, ids, concurrency, args.seconds, args.timeout))
                    report(scenario, concurrency, tally, elapsed, cpu_spent(before, tree_cpu(server.pid)))
                    report_client((time.process_time() - client_before) / elapsed)
                    if args.phases:
                        with server_log.open() as log:
                            log.seek(logged)
                            report_phases(log.readlines(), tally)


if __name__ == "__main__":
    main()
