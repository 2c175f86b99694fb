"""How long the moderator workspace needs per comment when a queue is cleared by keyboard alone.

Starts the full service on a fresh database (SQLite in a temporary directory unless
--database-url is given), fills the held queue, signs in with headless Chromium through
Playwright and approves every comment with the `a` key. Prints, per comment:

  page    the key handler's own time until the next comment is in focus (synchronous JS)
  server  the decision request, from sent to answered (Playwright's network timing)
  total   key press until the server confirmed and the card left the list

and then the time per comment when the keys are pressed as fast as a person can repeat them
(no waiting between presses), which is what clearing a queue really costs.

    python bench/workspace_keyboard.py [--comments 50] [--database-url URL] [--chromium PATH]
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from datetime import timedelta
from pathlib import Path

from server import uvicorn_thread

PASSWORD = "benchmark password"
TEXTS = [
    "The council is run by idiots who never cycle anywhere.",
    "Four million euros for paint on a road? What a stupid waste of money.",
    "Visit my site cheap-watches.example for deals, message me on whatsapp.",
    "I like turtles and the weather was nice in Spain last summer.",
]


def seed(app, count: int, round_number: int) -> None:
    """`count` held comments with the reasons, evidence and scores real moderation gives."""
    from sqlalchemy import select

    from commentdesk.services import accounts
    from commentdesk.services.sites import create_site
    from commentdesk.store import repository as repo
    from commentdesk.store.models import Article, Comment, Site, utcnow

    with app.state.sessions() as session:
        site = session.scalar(select(Site).where(Site.slug == "bench"))
        if site is None:
            site, _key = create_site(session, "bench", "Benchmark Gazette")
            session.add(
                Article(
                    site_id=site.id,
                    url="https://bench.example/lanes",
                    title="Council approves cycle lanes",
                    body="The council voted to build cycle lanes on the harbour road for four million euros.",
                )
            )
            accounts.create_user(session, "bench", PASSWORD, "moderator")
            session.flush()
        article = session.scalar(select(Article).where(Article.site_id == site.id))
        now = utcnow()
        for number in range(count):
            text = TEXTS[number % len(TEXTS)]
            commenter = repo.commenter_for(session, site.id, f"bench-{round_number}-{number}", f"Reader {number}", None)
            word = "idiots" if "idiots" in text else "stupid" if "stupid" in text else None
            reasons = (
                [
                    {
                        "code": "suspect_word",
                        "message": "It contains words that a moderator checks before publishing.",
                        "evidence": [word],
                    }
                ]
                if word
                else [
                    {
                        "code": "off_topic",
                        "message": "It may be off-topic (relevance 0.08, threshold 0.20).",
                        "evidence": ["The council voted to build cycle lanes"],
                    }
                ]
            )
            comment = Comment(
                site_id=site.id,
                article_id=article.id,
                commenter_id=commenter.id,
                author_name=f"Reader {number}",
                text=text,
                html=f"<p>{text}</p>",
                status="pending",
                system_decision="hold",
                reasons=reasons,
                scores={"abuse": 0.55, "abuse_insult": 0.6, "relevance": 0.4, "similarity": 0.3, "spam": 0.1, "elapsed_ms": 9.0},
                model_versions={"abuse": "bench"},
                priority=1.0,
                created_at=now - timedelta(minutes=count - number),
            )
            repo.add_comment(
                session, comment, actor_reasons=reasons, scores=comment.scores, model_versions=comment.model_versions
            )
        session.commit()


# Capture-phase listener first, bubble-phase listener last: their difference is the time the
# workspace's own keydown handler took, up to the next comment being in focus.
TIMING_HOOK = """
window.__keyTimes = [];
window.addEventListener('keydown', () => { window.__keyStart = performance.now(); }, true);
window.addEventListener('keydown', () => { window.__keyTimes.push(performance.now() - window.__keyStart); }, false);
"""


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(fraction * (len(ordered) - 1))))]


def describe(name: str, values: list[float]) -> str:
    return f"  {name:<7} median {statistics.median(values):6.1f} ms   p95 {percentile(values, 0.95):6.1f} ms   (n={len(values)})"


def run(args) -> None:
    from playwright.sync_api import sync_playwright

    from commentdesk.app import create_app
    from commentdesk.config import Settings
    from commentdesk.moderation.pipeline import ModerationModels

    workdir = Path(tempfile.mkdtemp(prefix="workspace-bench-"))
    settings = Settings(data_dir=workdir, database_url=args.database_url or "", secret_key="bench-secret", load_models=False)
    app = create_app(settings, models=ModerationModels(enabled=False))
    count = args.comments
    with uvicorn_thread(app) as base:
        seed(app, count, 1)
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(
                executable_path=args.chromium, headless=True, args=["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage"]
            )
            page = browser.new_page()
            page.add_init_script(TIMING_HOOK)
            server_times: list[float] = []

            def on_finished(request) -> None:
                if request.url.endswith("/moderate/api/decisions"):
                    timing = request.timing
                    server_times.append(timing["responseStart"] - timing["requestStart"])

            page.on("requestfinished", on_finished)
            page.goto(f"{base}/moderate/login")
            page.fill("input[name=username]", "bench")
            page.fill("input[name=password]", PASSWORD)
            page.click("button[type=submit]")

            started = time.perf_counter()
            page.goto(f"{base}/moderate/queue/held")
            page.wait_for_selector("#workspace.ready", state="attached")
            load_ms = (time.perf_counter() - started) * 1000
            assert page.locator("#cards article.card").count() == count, "the queue did not show every comment"

            # One at a time: press, then wait for the server's confirmation.
            totals = []
            for remaining in range(count - 1, -1, -1):
                started = time.perf_counter()
                page.keyboard.press("a")
                page.wait_for_function(f"document.querySelectorAll('#cards article.card').length === {remaining}", polling="raf")
                totals.append((time.perf_counter() - started) * 1000)
            handler_times = page.evaluate("window.__keyTimes")
            page.wait_for_selector("#empty", state="visible")
            sequential_server = list(server_times)

            # As fast as keys repeat: every press at once, then wait for the queue to be empty.
            seed(app, count, 2)
            page.goto(f"{base}/moderate/queue/held")
            page.wait_for_selector("#workspace.ready", state="attached")
            started = time.perf_counter()
            for _ in range(count):
                page.keyboard.press("a")
            page.wait_for_function(
                "document.querySelectorAll('#cards article.card').length === 0", polling="raf", timeout=120_000
            )
            burst_ms = (time.perf_counter() - started) * 1000
            browser.close()
        print(f"workspace keyboard benchmark: {count} held comments, database {app.state.engine.url.get_backend_name()}")
        print(f"queue page with {count} cards, navigation to ready: {load_ms:.0f} ms")
        print("per comment, one key press at a time:")
        print(describe("page", handler_times))
        print(describe("server", sequential_server))
        print(describe("total", totals))
        print(
            f"keys pressed without waiting: {count} comments cleared in {burst_ms:.0f} ms = {burst_ms / count:.1f} ms per comment"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--comments", type=int, default=50)
    parser.add_argument("--database-url", default="", help="Default: SQLite in a temporary directory.")
    parser.add_argument("--chromium", default="/usr/bin/chromium", help="Chromium executable.")
    run(parser.parse_args())


if __name__ == "__main__":
    main()
