"""Disqus exports with damaged entries: threads and posts without their ids, posts of no thread,
odd dates and flags, authors known only by their username."""

from __future__ import annotations

from datetime import UTC, datetime

from .conftest import SITE

HEAD = (
    '<?xml version="1.0" encoding="utf-8"?>\n<disqus xmlns="http://disqus.com" xmlns:dsq="http://disqus.com/disqus-internals">\n'
)
THREAD = (
    '<thread dsq:id="1001"><link>https://news.example.com/2024/05/tunnel</link><title>Harbour tunnel</title>'
    "<createdAt>2024-05-02T08:00:00Z</createdAt></thread>\n"
)


def post(
    post_id: str | None = "1",
    *,
    thread: str | None = "1001",
    created: str = "2024-05-02T09:15:00Z",
    parent: str | None = None,
    author: str = "<name>Ana</name>",
    flags: str = "",
    message: str = "<p>A comment.</p>",
) -> str:
    parts = [
        f"<message><![CDATA[{message}]]></message>",
        f"<createdAt>{created}</createdAt>",
        f"<author>{author}</author>" if author is not None else "",
        flags,
        f'<thread dsq:id="{thread}"/>' if thread is not None else "",
        f'<parent dsq:id="{parent}"/>' if parent is not None else "",
    ]
    opening = f'<post dsq:id="{post_id}">' if post_id is not None else "<post>"
    return opening + "".join(parts) + "</post>\n"


def export(tmp_path, *entries: str):
    path = tmp_path / "disqus.xml"
    path.write_text(HEAD + "".join(entries) + "</disqus>\n", encoding="utf-8")
    return path


def run(store, capsys, path) -> str:
    assert store.run("import", "disqus", path, "--site", SITE) == 0
    return capsys.readouterr().out


def test_entries_without_their_ids_are_skipped_with_the_reason(store, tmp_path, capsys):
    out = run(
        store,
        capsys,
        export(
            tmp_path,
            "<thread><link>https://news.example.com/x</link></thread>\n",
            THREAD,
            post("1"),
            post(None),
            post("3", thread=None),
            post("4", created="last week"),
        ),
    )
    assert "comments imported: 1 (published 1)" in out and "skipped: 4" in out
    for reason in (
        "malformed thread (no dsq:id): 1",
        "malformed post (no dsq:id): 1",
        "malformed post (no thread): 1",
        "malformed post (bad createdAt): 1",
    ):
        assert reason in out
    assert set(store.by_source()) == {"disqus:1"}


def test_flags_decide_the_state_and_older_exports_without_them_are_published(store, tmp_path, capsys):
    out = run(
        store,
        capsys,
        export(
            tmp_path,
            THREAD,
            post("1"),
            post("2", flags="<isApproved>false</isApproved>"),
            post("3", flags="<isApproved>0</isApproved><isSpam>1</isSpam>"),
            post("4", flags="<isDeleted>TRUE</isDeleted><isApproved>true</isApproved>"),
            post("5", flags="<isApproved></isApproved>"),
            post("6", flags="<isApproved>perhaps</isApproved>"),
        ),
    )
    assert "comments imported: 3 (pending 1, published 2)" in out
    assert "malformed post (unknown isDeleted, isSpam or isApproved): 1" in out
    stored = store.by_source()
    assert {key: comment.status for key, comment in stored.items()} == {
        "disqus:1": "published",
        "disqus:2": "pending",
        "disqus:5": "published",
    }


def test_an_author_known_only_by_username_or_not_at_all(store, tmp_path, capsys):
    run(
        store,
        capsys,
        export(
            tmp_path,
            THREAD,
            post("1", author="<username>harbour_fan</username>"),
            post("2", author="<email>x@example.org</email>"),
            post("3", author=None),
        ),
    )
    stored = store.by_source()
    assert stored["disqus:1"].author_name == "harbour_fan"
    assert stored["disqus:2"].author_name == "Anonymous" and stored["disqus:2"].email_hash
    assert stored["disqus:3"].author_name == "Anonymous" and stored["disqus:3"].email_hash is None


def test_times_with_offsets_are_stored_in_utc(store, tmp_path, capsys):
    run(
        store,
        capsys,
        export(tmp_path, THREAD, post("1", created="2024-05-02T11:15:00+02:00"), post("2", created="2024-05-02 09:16:00")),
    )
    stored = store.by_source()
    assert stored["disqus:1"].created_at == datetime(2024, 5, 2, 9, 15, tzinfo=UTC)
    assert stored["disqus:2"].created_at == datetime(2024, 5, 2, 9, 16, tzinfo=UTC)


def test_a_post_of_a_thread_the_file_never_declares_is_skipped(store, tmp_path, capsys):
    out = run(store, capsys, export(tmp_path, THREAD, post("1", thread="9999"), post("2")))
    assert "comments imported: 1" in out and "skipped: 1" in out
    assert set(store.by_source()) == {"disqus:2"}


def test_the_same_post_twice_in_one_file_is_stored_once(store, tmp_path, capsys):
    out = run(store, capsys, export(tmp_path, THREAD, post("1"), post("1", message="<p>Another text.</p>")))
    assert "comments imported: 1" in out and "duplicate entry in the file: 1" in out
    assert store.by_source()["disqus:1"].text == "A comment."
