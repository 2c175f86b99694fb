"""Hostile and awkward imports: nothing committed on failure or dry run, bounded memory whatever
the order of the file, and a gigantic single message skipped without being read into memory."""

from __future__ import annotations

import io
import tracemalloc
from datetime import UTC, datetime

import pytest

from commentdesk.importers import disqus
from commentdesk.importers.loader import Loader, import_records
from commentdesk.importers.records import APPROVED, ImportFileError, SkippedEntry, SourceComment
from commentdesk.importers.xmlstream import MAX_ELEMENT_CHARS
from commentdesk.store import repository as repo

from .conftest import FIXTURES, SECRET, SITE

EXPORT = FIXTURES / "disqus.xml"
TUNNEL = "https://news.example.com/2024/05/harbour-tunnel"
SCHOOL = "https://news.example.com/2024/05/school-budget"
HEAD = (
    b'<?xml version="1.0" encoding="utf-8"?>\n<disqus xmlns="http://disqus.com" xmlns:dsq="http://disqus.com/disqus-internals">\n'
)
START = datetime(2024, 5, 2, 9, 0, tzinfo=UTC)
THREAD = b'<thread dsq:id="1"><link>https://news.example.com/a</link><title>A</title></thread>\n'


def _post(n: int, message: str = "A reasonably long comment about the article. " * 6) -> str:
    return (
        f'<post dsq:id="{n}"><message><![CDATA[<p>{message}</p>]]></message><createdAt>2024-05-02T09:15:00Z</createdAt>'
        f"<isDeleted>false</isDeleted><isSpam>false</isSpam><author><email>reader{n}@example.com</email>"
        f'<name>Reader {n}</name></author><thread dsq:id="1"/></post>\n'
    )


def _register_articles(store) -> None:
    # With the articles already registered, the first write of an import is a commenter.
    with store.sessions() as session:
        site = repo.site_by_slug(session, SITE)
        for url in (TUNNEL, SCHOOL):
            repo.upsert_article(session, site, url, title="Registered by the CMS")
        session.commit()


def test_a_dry_run_commits_no_commenter(store):
    _register_articles(store)
    before = store.counts()
    assert store.run("import", "disqus", EXPORT, "--site", SITE, "--dry-run") == 0
    assert store.counts() == before


def test_a_failed_import_commits_no_commenter(store):
    _register_articles(store)
    before = store.counts()

    def broken_export():
        with open(EXPORT, "rb") as source:
            yield from disqus.parse(source)
        raise ImportFileError("the disk went away")

    with store.sessions() as session, pytest.raises(ImportFileError):
        import_records(session, repo.site_by_slug(session, SITE), broken_export(), secret=SECRET)
    assert store.counts() == before


def test_comments_listed_before_their_thread_wait_on_disk_not_in_memory(store):
    count, text = 400, "A long comment about the harbour tunnel and what it will cost. " * 320  # 20 kB each
    with store.sessions() as session:
        loader = Loader(session, repo.site_by_slug(session, SITE), SECRET)
        try:
            tracemalloc.start()
            try:
                for n in range(count):  # every comment first; their thread would come at the very end
                    loader.add(
                        SourceComment(
                            source_id=f"test:{n}",
                            thread_key="t1",
                            parent_id=None,
                            author_name=f"Reader {n}",
                            author_email=None,
                            text=f"{n}: {text}",
                            created_at=START,
                            state=APPROVED,
                        )
                    )
                _current, peak = tracemalloc.get_traced_memory()
            finally:
                tracemalloc.stop()
            assert loader.summary.imported_total == 0  # all of them wait (tests/importers/test_loader.py places them)
        finally:
            loader.close()
            session.rollback()
    # Holding the waiting comments in memory would take all of their 8 MB at once.
    assert peak < count * len(text) / 4, (peak, count * len(text))


def test_a_gigantic_message_is_skipped_without_being_read_into_memory():
    huge = 30 * 1024 * 1024
    document = HEAD + THREAD + _post(1).encode() + (_post(2, "x" * huge)).encode() + _post(3).encode() + b"</disqus>\n"
    tracemalloc.start()
    try:
        records = list(disqus.parse(io.BytesIO(document)))
        _current, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    skipped = [record for record in records if isinstance(record, SkippedEntry)]
    assert [record.source_id for record in skipped] == ["disqus:2"]
    assert str(MAX_ELEMENT_CHARS) in skipped[0].reason
    assert len(records) == 4  # the thread and the two ordinary posts are read as usual
    del document
    assert peak < 10 * 1024 * 1024, peak
