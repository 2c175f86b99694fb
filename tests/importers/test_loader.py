"""The loader's ordering rules, on records built by hand."""

from datetime import UTC, datetime, timedelta

from commentdesk.importers.loader import import_records
from commentdesk.importers.records import APPROVED, SkippedEntry, SourceComment, SourceThread
from commentdesk.store import repository as repo

from .conftest import SECRET, SITE

START = datetime(2024, 5, 2, 9, 0, tzinfo=UTC)
THREAD = SourceThread(key="t1", url="https://news.example.com/story", title="Story")


def comment(source_id: str, parent: str | None = None, thread: str = "t1", minutes: int = 0) -> SourceComment:
    return SourceComment(
        source_id=f"test:{source_id}",
        thread_key=thread,
        parent_id=f"test:{parent}" if parent else None,
        author_name="Reader",
        author_email=None,
        text=f"Comment {source_id}",
        created_at=START + timedelta(minutes=minutes),
        state=APPROVED,
    )


def load(store, records):
    with store.sessions() as session:
        return import_records(session, repo.site_by_slug(session, SITE), records, secret=SECRET)


def test_replies_listed_before_a_whole_chain_of_parents(store):
    # d answers c answers b answers a, listed backwards; a answers a comment not in the file.
    summary = load(store, [THREAD, comment("d", "c"), comment("c", "b"), comment("b", "a"), comment("a", "gone")])
    c = store.by_source()
    assert summary.imported_total == 4 and summary.made_top_level == 1
    assert c["test:a"].parent_id is None
    assert [c[f"test:{x}"].depth for x in "abcd"] == [0, 1, 2, 3]
    assert {c[f"test:{x}"].root_id for x in "abcd"} == {c["test:a"].id}


def test_orphans_waiting_on_a_missing_parent_keep_their_own_replies(store):
    summary = load(store, [THREAD, comment("y", "x"), comment("x", "missing")])
    c = store.by_source()
    assert summary.made_top_level == 1
    assert (c["test:x"].parent_id, c["test:y"].parent_id) == (None, c["test:x"].id)


def test_replies_answering_each_other_in_a_loop_are_still_imported(store):
    summary = load(store, [THREAD, comment("p", "q"), comment("q", "p"), comment("self", "self")])
    c = store.by_source()
    assert summary.imported_total == 3 and summary.made_top_level == 2
    assert sum(1 for x in ("p", "q") if c[f"test:{x}"].parent_id is None) == 1


def test_comments_before_their_thread_and_of_unknown_threads(store):
    summary = load(
        store,
        [
            comment("early"),
            THREAD,
            comment("lost", thread="t9"),
            comment("answer", "lost"),
            comment("dup"),
            comment("dup"),
            SkippedEntry("malformed post (no dsq:id)"),
        ],
    )
    c = store.by_source()
    assert set(c) == {"test:early", "test:answer", "test:dup"}
    assert c["test:answer"].parent_id is None and summary.made_top_level == 1
    assert summary.skipped == {"thread not in the file": 1, "duplicate entry in the file": 1, "malformed post (no dsq:id)": 1}
