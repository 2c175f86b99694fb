"""Webhook delivery delay and outbox backlog, against a receiver on loopback.

Writes events the way the services do (each in its own transaction, with its delivery row),
while a deliverer (services/webhook_delivery.py, as `serve` runs it) sends them to a threaded
HTTP receiver that takes --receiver-ms per request. Two phases:

    steady: --rate events per second for --seconds; delay from each event's commit to its arrival
    burst:  --burst events written as fast as --writers threads can; the largest backlog and how
            long the deliverer takes to drain it

Prints p50/p95/max delay and the backlog (pending deliveries, sampled every 50 ms). Asserts nothing.

    .venv/bin/python bench/webhooks.py [--rate 50] [--seconds 10] [--burst 2000] [--writers 4] [--receiver-ms 20]
    .venv/bin/python bench/webhooks.py --database-url postgresql+psycopg://postgres@127.0.0.1:5432/bench
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from commentdesk.services import events, webhooks
from commentdesk.services.sites import create_site
from commentdesk.services.webhook_delivery import WebhookDeliverer
from commentdesk.store import outbox
from commentdesk.store.db import make_engine, migrate, session_factory
from commentdesk.store.models import Article, Comment, Commenter, Site

# The receiver is the tests' own, so the bench measures against the same server the tests trust.
sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))
from webhook_receiver import Receiver  # noqa: E402


def setup(sessions, url: str) -> tuple[int, int]:
    with sessions() as session:
        site, _key = create_site(session, f"bench-{int(time.time() * 1000)}", "Bench")
        article = Article(site_id=site.id, url=f"https://bench.example/{site.slug}", title="Bench article", body="Text.")
        commenter = Commenter(site_id=site.id, identity_hash=site.slug, display_name="Reader")
        session.add_all([article, commenter])
        session.flush()
        comment = Comment(
            site_id=site.id,
            article_id=article.id,
            commenter_id=commenter.id,
            author_name="Reader",
            text="A comment",
            html="<p>A comment</p>",
            status="published",
            system_decision="publish",
        )
        session.add(comment)
        session.commit()
        webhooks.create(session, session.get(Site, site.id), url, [])
        return comment.id, site.id


def write_event(sessions, comment_id: int, committed: dict[str, float]) -> None:
    with sessions() as session:
        event = events.record(session, events.COMMENT_REPORTED, comment=session.get(Comment, comment_id), actor="reader")
        session.commit()
        committed[event.event_id] = time.time()


class BacklogSampler:
    def __init__(self, sessions) -> None:
        self.sessions, self.samples, self._stop = sessions, [], threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()

    def _run(self) -> None:
        while not self._stop.is_set():
            with self.sessions() as session:
                self.samples.append(outbox.backlog(session))
            time.sleep(0.05)

    def stop(self) -> list[int]:
        self._stop.set()
        self._thread.join()
        return self.samples


def wait_delivered(receiver: Receiver, committed: dict[str, float], within_s: float = 300) -> float:
    started = time.monotonic()
    while not set(committed) <= set(receiver.first_arrivals()) and time.monotonic() - started < within_s:
        time.sleep(0.01)
    return time.monotonic() - started


def delays_ms(receiver: Receiver, committed: dict[str, float]) -> list[float]:
    arrived = receiver.first_arrivals()
    return sorted(max(0.0, (arrived[event_id] - when) * 1000) for event_id, when in committed.items() if event_id in arrived)


def describe(delays: list[float]) -> str:
    if not delays:
        return "nothing arrived"
    p95 = delays[min(len(delays) - 1, int(len(delays) * 0.95))]
    return f"p50 {statistics.median(delays):.0f} ms, p95 {p95:.0f} ms, max {delays[-1]:.0f} ms"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", default="")
    parser.add_argument("--rate", type=float, default=50.0, help="events per second in the steady phase")
    parser.add_argument("--seconds", type=float, default=10.0)
    parser.add_argument("--burst", type=int, default=2000)
    parser.add_argument("--writers", type=int, default=4, help="threads writing events in the burst")
    parser.add_argument("--receiver-ms", type=float, default=20.0)
    parser.add_argument("--threads", type=int, default=8, help="deliverer threads (as in serve)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as scratch, Receiver(delay_s=args.receiver_ms / 1000) as receiver:
        engine = make_engine(args.database_url or f"sqlite:///{scratch}/bench.sqlite3")
        migrate(engine)
        sessions = session_factory(engine)
        comment_id, _site_id = setup(sessions, receiver.url)
        deliverer = WebhookDeliverer(sessions, threads=args.threads).start()
        print(
            f"database: {engine.dialect.name}; receiver answers in {args.receiver_ms:g} ms; "
            f"{args.threads} deliverer threads, one process"
        )

        committed: dict[str, float] = {}
        sampler = BacklogSampler(sessions)
        started = time.monotonic()
        for n in range(int(args.rate * args.seconds)):
            pause = started + n / args.rate - time.monotonic()
            if pause > 0:
                time.sleep(pause)
            write_event(sessions, comment_id, committed)
        wait_delivered(receiver, committed)
        backlog = sampler.stop()
        print(
            f"steady, {args.rate:g} events/s for {args.seconds:g} s: delay {describe(delays_ms(receiver, committed))}; "
            f"backlog max {max(backlog)}, median {statistics.median(backlog):.0f}"
        )

        committed = {}
        sampler = BacklogSampler(sessions)
        started = time.monotonic()
        with ThreadPoolExecutor(max_workers=args.writers) as writers:
            for _ in range(args.burst):
                writers.submit(write_event, sessions, comment_id, committed)
        written_s = time.monotonic() - started
        drain_s = wait_delivered(receiver, committed)
        backlog = sampler.stop()
        print(
            f"burst of {args.burst} events by {args.writers} writers in {written_s:.1f} s ({args.burst / written_s:.0f}/s): "
            f"backlog max {max(backlog)}, drained {drain_s:.1f} s after the last write "
            f"({args.burst / (written_s + drain_s):.0f} deliveries/s); delay {describe(delays_ms(receiver, committed))}"
        )
        deliverer.stop()
        engine.dispose()


if __name__ == "__main__":
    main()
