"""Values an export should never hold, each skipped and counted in the summary rather than imported
as something it is not: unknown Disqus flags, dates out of range, Isso BLOBs and bytes that are not
UTF-8, Isso threads without a uri or on another host, and a thread id declared twice."""

from __future__ import annotations

import sqlite3

import pytest
from sqlalchemy import select

from commentdesk.store.models import Article

from . import test_disqus_edge_cases as disqus
from . import test_wordpress_edge_cases as wordpress
from .conftest import SITE
from .test_import_edge_cases import BASE, T0, isso


def articles(store) -> list[str]:
    with store.sessions() as session:
        return sorted(session.scalars(select(Article.url)))


# --- Disqus: flags and dates ----------------------------------------------------------------------


@pytest.mark.parametrize("flag", ["isDeleted", "isSpam", "isApproved"])
def test_a_disqus_flag_that_is_neither_true_nor_false_skips_the_post(store, tmp_path, capsys, flag):
    path = disqus.export(
        tmp_path,
        disqus.THREAD,
        disqus.post("1"),
        disqus.post("2", flags=f"<{flag}>maybe</{flag}>"),
        disqus.post("3", flags=f"<{flag}>false</{flag}>"),
    )
    out = disqus.run(store, capsys, path)
    assert "malformed post (unknown isDeleted, isSpam or isApproved): 1" in out and "skipped: 1" in out
    assert set(store.by_source()) == {"disqus:1", "disqus:3"}


@pytest.mark.parametrize(
    "created", ["9999-12-31T23:59:59Z", "0001-01-01T00:00:00Z", "0001-01-01T00:00:00+01:00", "1969-07-20T20:17:00Z"]
)
def test_a_disqus_date_out_of_range_skips_the_post_like_a_bad_date(store, tmp_path, capsys, created):
    path = disqus.export(tmp_path, disqus.THREAD, disqus.post("1"), disqus.post("2", created=created))
    out = disqus.run(store, capsys, path)
    assert "malformed post (bad createdAt): 1" in out
    assert set(store.by_source()) == {"disqus:1"}


def test_wordpress_dates_out_of_range_skip_the_comment(store, tmp_path, capsys):
    path = wordpress.export(
        tmp_path,
        wordpress.item(
            [
                wordpress.comment("1"),
                wordpress.comment("2", gmt="9999-01-01 00:00:00", local="9999-01-01 02:00:00"),
                wordpress.comment("3", gmt="0000-00-00 00:00:00", local="0001-01-01 00:00:00"),
            ]
        ),
    )
    out = wordpress.run(store, capsys, path)
    assert "malformed comment (bad comment_date): 2" in out
    assert set(store.by_source()) == {"wordpress:1"}


def test_isso_times_out_of_range_skip_the_comment(store, tmp_path, capsys):
    path = isso(
        tmp_path,
        [(1, "/a/", "A story")],
        [
            (1, 1, None, T0, 1, "Fine.", "Ana", None),
            (2, 1, None, 253402300800.0, 1, "Year 10000.", "Bo", None),  # past datetime's last year
            (3, 1, None, 32503680000.0, 1, "Year 3000.", "Cy", None),
            (4, 1, None, 0.0, 1, "1970, before any of these systems.", "Di", None),
        ],
    )
    assert store.run("import", "isso", path, "--site", SITE, "--base-url", BASE) == 0
    assert "malformed comment (bad created time): 3" in capsys.readouterr().out
    assert set(store.by_source()) == {"isso:1"}


# --- Isso: bytes, and where a thread's uri leads --------------------------------------------------


def test_isso_blobs_are_decoded_as_utf8_and_rows_that_are_not_utf8_are_skipped(store, tmp_path, capsys):
    path = isso(
        tmp_path,
        [(1, "/a/", "A story")],
        [
            (1, 1, None, T0, 1, b"hello", "Zoë".encode(), None),
            (2, 1, None, T0 + 1, 1, b"caf\xe9 latte", "Bo", None),  # Latin-1, not UTF-8
            (3, 1, None, T0 + 2, 1, "Fine.", b"\xff\xfe", None),
            (4, 1, None, T0 + 3, 1, "Fine too.", "Di", b"di@\xff.example"),
            (5, 1, None, T0 + 4, 1, "Still imported.", "Ed", None),
        ],
    )
    connection = sqlite3.connect(path)
    with connection:  # a TEXT value that is not UTF-8, which sqlite3 refuses to hand over as str
        connection.execute(
            "INSERT INTO comments (id, tid, created, mode, text, author) VALUES (6, 1, ?, 1, CAST(x'fffe41' AS TEXT), 'Fy')",
            (T0 + 5,),
        )
    connection.close()
    assert store.run("import", "isso", path, "--site", SITE, "--base-url", BASE) == 0
    out = capsys.readouterr().out
    assert "malformed comment (text, author or e-mail not UTF-8): 4" in out
    stored = store.by_source()
    assert set(stored) == {"isso:1", "isso:5"}
    assert (stored["isso:1"].text, stored["isso:1"].author_name) == ("hello", "Zoë")  # not "b'hello'"


def test_an_isso_thread_without_a_uri_never_reaches_the_home_page(store, tmp_path, capsys):
    path = isso(
        tmp_path,
        [(1, None, "No uri"), (2, "  ", "Blank uri"), (3, "/a/", "A story")],
        [
            (1, 1, None, T0, 1, "Lost.", "Ana", None),
            (2, 2, None, T0, 1, "Lost too.", "Bo", None),
            (3, 3, None, T0, 1, "Kept.", "Cy", None),
        ],
    )
    assert store.run("import", "isso", path, "--site", SITE, "--base-url", BASE) == 0
    assert "thread without a uri: 2" in capsys.readouterr().out
    assert set(store.by_source()) == {"isso:3"}
    assert articles(store) == [f"{BASE}/a/"]


@pytest.mark.parametrize("uri", ["//evil.example/x", "https://evil.example/x", "http://evil.example", "javascript:alert(1)"])
def test_an_isso_uri_is_only_ever_a_page_of_the_base_urls_site(store, tmp_path, capsys, uri):
    path = isso(
        tmp_path,
        [(1, uri, "Elsewhere"), (2, "/a/", "A story")],
        [(1, 1, None, T0, 1, "Lost.", "Ana", None), (2, 2, None, T0, 1, "Kept.", "Bo", None)],
    )
    assert store.run("import", "isso", path, "--site", SITE, "--base-url", BASE) == 0
    out = capsys.readouterr().out
    assert "skipped: 1" in out
    assert set(store.by_source()) == {"isso:2"}
    assert all(url.startswith(f"{BASE}/") for url in articles(store))


def test_an_isso_thread_uri_on_the_base_urls_host_is_kept(store, tmp_path, capsys):
    path = isso(
        tmp_path,
        [(1, f"{BASE}/b/", "Absolute"), (2, "a/", "Relative")],
        [(1, 1, None, T0, 1, "One.", "Ana", None), (2, 2, None, T0, 1, "Two.", "Bo", None)],
    )
    assert store.run("import", "isso", path, "--site", SITE, "--base-url", BASE) == 0
    assert "skipped: 0" in capsys.readouterr().out
    assert articles(store) == [f"{BASE}/a/", f"{BASE}/b/"]


def test_an_isso_thread_whose_uri_is_not_utf8_skips_its_comments(store, tmp_path, capsys):
    path = isso(
        tmp_path,
        [(1, b"/caf\xe9/", "Latin-1"), (2, "/a/", "A story")],
        [(1, 1, None, T0, 1, "Lost.", "Ana", None), (2, 2, None, T0, 1, "Kept.", "Bo", None)],
    )
    assert store.run("import", "isso", path, "--site", SITE, "--base-url", BASE) == 0
    assert "thread whose uri or title is not UTF-8 text: 1" in capsys.readouterr().out
    assert set(store.by_source()) == {"isso:2"}


# --- a thread id declared twice -------------------------------------------------------------------

DUPLICATE_THREAD = "duplicate thread in the file (the first one kept): 1"


def test_a_disqus_thread_id_declared_twice_keeps_the_first_and_is_counted(store, tmp_path, capsys):
    second = disqus.THREAD.replace("2024/05/tunnel", "2024/05/other").replace("Harbour tunnel", "Other story")
    path = disqus.export(tmp_path, disqus.THREAD, second, disqus.post("1"))
    out = disqus.run(store, capsys, path)
    assert DUPLICATE_THREAD in out and "threads in file: 1;" in out
    assert articles(store) == ["https://news.example.com/2024/05/tunnel"]


def test_a_disqus_thread_repeated_after_its_comments_is_counted_too(store, tmp_path, capsys):
    path = disqus.export(tmp_path, disqus.THREAD, disqus.post("1"), disqus.THREAD, disqus.post("2"))
    out = disqus.run(store, capsys, path)
    assert DUPLICATE_THREAD in out and "comments imported: 2" in out
    assert len(articles(store)) == 1


def test_a_wordpress_post_id_declared_twice_keeps_the_first_and_joins_the_comments(store, tmp_path, capsys):
    path = wordpress.export(
        tmp_path,
        wordpress.item([wordpress.comment("1")]),
        wordpress.item([wordpress.comment("2")], link="https://news.example.com/2024/05/other/", title="Other"),
    )
    out = wordpress.run(store, capsys, path)
    assert DUPLICATE_THREAD in out and "comments imported: 2" in out
    assert articles(store) == ["https://news.example.com/2024/05/tunnel/"]
