"""WordPress exports with odd entries: posts without an address, comments of other kinds or states,
dates WordPress leaves zero or garbled, and a file in another encoding than UTF-8."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import select

from commentdesk.store.models import Article

from .conftest import SITE

HEAD = (
    '<?xml version="1.0" encoding="{encoding}"?>\n<rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/" '
    'xmlns:wp="http://wordpress.org/export/1.2/"><channel><title>The Daily Example</title>\n'
)
TAIL = "</channel></rss>\n"


def comment(
    comment_id: str | None = "1",
    *,
    author: str = "Ana",
    text: str = "A comment.",
    approved: str = "1",
    kind: str = "comment",
    gmt: str = "2024-05-02 09:15:00",
    local: str = "2024-05-02 11:15:00",
    parent: str = "0",
) -> str:
    parts = [
        f"<wp:comment_id>{comment_id}</wp:comment_id>" if comment_id is not None else "",
        f"<wp:comment_author><![CDATA[{author}]]></wp:comment_author>",
        f"<wp:comment_date>{local}</wp:comment_date>",
        f"<wp:comment_date_gmt>{gmt}</wp:comment_date_gmt>",
        f"<wp:comment_content><![CDATA[{text}]]></wp:comment_content>",
        f"<wp:comment_approved>{approved}</wp:comment_approved>",
        f"<wp:comment_type>{kind}</wp:comment_type>",
        f"<wp:comment_parent>{parent}</wp:comment_parent>",
    ]
    return "<wp:comment>" + "".join(parts) + "</wp:comment>"


def item(
    comments: list[str],
    *,
    post_id: str | None = "41",
    link: str | None = "https://news.example.com/2024/05/tunnel/",
    title: str = "Harbour tunnel",
) -> str:
    parts = [
        f"<title>{title}</title>",
        f"<link>{link}</link>" if link is not None else "",
        f"<wp:post_id>{post_id}</wp:post_id>" if post_id is not None else "",
        "<content:encoded><![CDATA[<p>The council voted for the tunnel.</p>]]></content:encoded>",
        *comments,
    ]
    return "<item>" + "".join(parts) + "</item>\n"


def export(tmp_path, *items: str, encoding: str = "UTF-8"):
    path = tmp_path / "wordpress.xml"
    path.write_bytes((HEAD.format(encoding=encoding) + "".join(items) + TAIL).encode(encoding))
    return path


def run(store, capsys, path) -> str:
    assert store.run("import", "wordpress", path, "--site", SITE) == 0
    return capsys.readouterr().out


def test_a_post_with_comments_but_no_id_or_link_is_skipped_whole(store, tmp_path, capsys):
    path = export(tmp_path, item([comment("1"), comment("2")], post_id=None, link=None), item([comment("3")], post_id="42"))
    out = run(store, capsys, path)
    assert "malformed post (2 comments under a post with no id or link): 1" in out
    assert "threads in file: 1" in out and set(store.by_source()) == {"wordpress:3"}


def test_a_post_without_comments_creates_no_article(store, tmp_path, capsys):
    path = export(tmp_path, item([], post_id="40", link="https://news.example.com/about/"), item([comment("3")]))
    out = run(store, capsys, path)
    assert "threads in file: 1; articles created: 1" in out
    with store.sessions() as session:
        assert session.scalars(select(Article.url)).all() == ["https://news.example.com/2024/05/tunnel/"]


def test_entries_that_are_not_reader_comments_are_counted_by_kind(store, tmp_path, capsys):
    path = export(
        tmp_path,
        item(
            [
                comment("1"),
                comment(None),
                comment("3", kind="pingback"),
                comment("4", kind="trackback"),
                comment("5", kind="review"),
                comment("6", approved="maybe"),
            ]
        ),
    )
    out = run(store, capsys, path)
    assert "comments imported: 1 (published 1)" in out and "skipped: 5" in out
    for reason in (
        "malformed comment (no comment_id): 1",
        "pingback (not a reader comment): 1",
        "trackback (not a reader comment): 1",
        "comment type 'review': 1",
        "malformed comment (unknown comment_approved): 1",
    ):
        assert reason in out


def test_states_map_to_published_held_and_skipped(store, tmp_path, capsys):
    path = export(
        tmp_path,
        item(
            [
                comment("1", approved="1"),
                comment("2", approved="0"),
                comment("3", approved="spam"),
                comment("4", approved="trash"),
            ]
        ),
    )
    out = run(store, capsys, path)
    assert "comments imported: 2 (pending 1, published 1)" in out
    stored = store.by_source()
    assert (stored["wordpress:1"].status, stored["wordpress:2"].status) == ("published", "pending")
    assert set(stored) == {"wordpress:1", "wordpress:2"}


def test_a_zero_or_garbled_gmt_date_falls_back_to_the_local_one(store, tmp_path, capsys):
    path = export(
        tmp_path,
        item(
            [
                comment("1", gmt="0000-00-00 00:00:00", local="2019-03-04 05:06:07"),
                comment("2", gmt="the fourth of march", local="2019-03-04 05:06:08"),
                comment("3", gmt="0000-00-00 00:00:00", local="0000-00-00 00:00:00"),
                comment("4", gmt="", local="not a date either"),
            ]
        ),
    )
    out = run(store, capsys, path)
    assert "malformed comment (bad comment_date): 2" in out
    stored = store.by_source()
    assert stored["wordpress:1"].created_at == datetime(2019, 3, 4, 5, 6, 7, tzinfo=UTC)
    assert stored["wordpress:2"].created_at == datetime(2019, 3, 4, 5, 6, 8, tzinfo=UTC)


def test_a_reply_to_the_root_marker_is_top_level_and_replies_nest(store, tmp_path, capsys):
    path = export(tmp_path, item([comment("1", parent="0"), comment("2", parent="1"), comment("3", parent="2")]))
    run(store, capsys, path)
    stored = store.by_source()
    assert stored["wordpress:1"].parent_id is None
    assert (stored["wordpress:3"].parent_id, stored["wordpress:3"].depth, stored["wordpress:3"].root_id) == (
        stored["wordpress:2"].id,
        2,
        stored["wordpress:1"].id,
    )


def test_an_export_in_latin_1_keeps_its_accents(store, tmp_path, capsys):
    path = export(
        tmp_path,
        item([comment("1", author="José Müller", text="Très bien, ça marche.")], title="Café à l'opéra"),
        encoding="ISO-8859-1",
    )
    run(store, capsys, path)
    stored = store.by_source()["wordpress:1"]
    assert (stored.author_name, stored.text) == ("José Müller", "Très bien, ça marche.")
    with store.sessions() as session:
        assert session.scalars(select(Article.title)).one() == "Café à l'opéra"


def test_comment_html_becomes_plain_text_with_links_kept(store, tmp_path, capsys):
    html = '<p>See <a href="https://council.example/plan">the plan</a>.</p><script>alert(1)</script><p>Second<br>line</p>'
    run(store, capsys, export(tmp_path, item([comment("1", text=html)])))
    text = store.by_source()["wordpress:1"].text
    assert text == "See the plan (https://council.example/plan).\n\nSecond\nline"
    assert "alert" not in store.by_source()["wordpress:1"].html
