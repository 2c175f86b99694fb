"""Does a thread's first page cost the same with 10 comments as with 100,000?

Fills one article per size with published comments (a tenth of them replies), then times the
first page and a deep page through the storage interface. Prints a table; asserts nothing.

    .venv/bin/python bench/thread_page.py [--database-url URL] [--sizes 10,1000,100000]
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from datetime import UTC, datetime, timedelta

from sqlalchemy import insert, update
from tqdm import tqdm

from commentdesk.services.sites import create_site
from commentdesk.store import repository as repo
from commentdesk.store.db import make_engine, migrate, session_factory
from commentdesk.store.models import Article, Comment, Commenter


def fill(session, site_id: int, commenter_id: int, size: int) -> int:
    article = Article(
        site_id=site_id, url=f"https://bench.example/{size}", title=f"Thread of {size}", body="", published_count=size
    )
    session.add(article)
    session.flush()
    start = datetime(2026, 1, 1, tzinfo=UTC)
    roots = max(1, size - size // 10)
    rows = []
    for i in range(roots):
        rows.append(
            dict(
                id=None,
                site_id=site_id,
                article_id=article.id,
                parent_id=None,
                root_id=None,
                depth=0,
                commenter_id=commenter_id,
                author_name="Reader",
                text="text",
                html="<p>text</p>",
                status="published",
                created_at=start + timedelta(seconds=i),
                updated_at=start,
                scores={},
                reasons=[],
                model_versions={},
                system_decision="publish",
            )
        )
    batch = 5000
    for offset in tqdm(range(0, len(rows), batch), desc=f"roots for {size}", leave=False):
        for row in rows[offset : offset + batch]:
            row.pop("id")
        session.execute(insert(Comment), rows[offset : offset + batch])
    session.execute(update(Comment).where(Comment.article_id == article.id).values(root_id=Comment.id))
    first_root = session.query(Comment.id).filter(Comment.article_id == article.id).order_by(Comment.id.desc()).first()[0]
    replies = [
        dict(
            site_id=site_id,
            article_id=article.id,
            parent_id=first_root - (i % 50),
            root_id=first_root - (i % 50),
            depth=1,
            commenter_id=commenter_id,
            author_name="Replier",
            text="reply",
            html="<p>reply</p>",
            status="published",
            created_at=start + timedelta(days=1, seconds=i),
            updated_at=start,
            scores={},
            reasons=[],
            model_versions={},
            system_decision="publish",
        )
        for i in range(size - roots)
    ]
    for offset in range(0, len(replies), batch):
        session.execute(insert(Comment), replies[offset : offset + batch])
    per_root: dict[int, int] = {}
    for reply in replies:
        per_root[reply["root_id"]] = per_root.get(reply["root_id"], 0) + 1
    for root_id, count in per_root.items():
        session.execute(update(Comment).where(Comment.id == root_id).values(reply_count=count))
    session.commit()
    return article.id


def time_pages(sessions, article_id: int, repeats: int = 30) -> tuple[float, float, int]:
    first, deep = [], []
    with sessions() as session:
        page = repo.thread_page(session, article_id, None, 10)
        rows = len(page.roots) + sum(len(group) for group in page.replies.values())
        cursor = page.next_cursor
        for _ in range(20):  # walk a little way in for a "deep" cursor
            if not cursor:
                break
            cursor = repo.thread_page(session, article_id, cursor, 10).next_cursor
    for _ in range(repeats):
        with sessions() as session:
            started = time.perf_counter()
            repo.thread_page(session, article_id, None, 10)
            first.append((time.perf_counter() - started) * 1000)
            if cursor:
                started = time.perf_counter()
                repo.thread_page(session, article_id, cursor, 10)
                deep.append((time.perf_counter() - started) * 1000)
    return statistics.median(first), statistics.median(deep) if deep else float("nan"), rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", default="")
    parser.add_argument("--sizes", default="10,1000,100000")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as scratch:
        url = args.database_url or f"sqlite:///{scratch}/bench.sqlite3"
        engine = make_engine(url)
        migrate(engine)
        sessions = session_factory(engine)
        with sessions() as session:
            site, _key = create_site(session, f"bench-{int(time.time())}", "Bench")
            commenter = Commenter(site_id=site.id, identity_hash=f"bench-{time.time()}", display_name="Reader")
            session.add(commenter)
            session.commit()
            site_id, commenter_id = site.id, commenter.id
        print(f"database: {engine.dialect.name}")
        # A page holds 10 top-level comments and at most 50 replies under each: its cost follows
        # what it shows, never the size of the thread.
        print(f"{'comments':>10} {'rows on page 1':>15} {'first page ms':>14} {'page 20 ms':>11}")
        for size in (int(part) for part in args.sizes.split(",")):
            with sessions() as session:
                article_id = fill(session, site_id, commenter_id, size)
            first, deep, rows = time_pages(sessions, article_id)
            print(f"{size:>10} {rows:>15} {first:>14.2f} {deep:>11.2f}")
        engine.dispose()


if __name__ == "__main__":
    main()
