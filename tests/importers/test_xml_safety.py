"""Hostile and large XML: refused before any entity is expanded; read in constant memory."""

import io
import tracemalloc

import pytest

from commentdesk.importers import disqus, wordpress
from commentdesk.importers.records import ImportFileError, SourceComment

from .conftest import FIXTURES, SITE


@pytest.mark.parametrize(
    "parser, name", [(disqus, "hostile_entities.xml"), (wordpress, "hostile_external.xml"), (disqus, "hostile_external.xml")]
)
def test_entity_bombs_and_external_entities_are_refused(parser, name):
    with open(FIXTURES / name, "rb") as source, pytest.raises(ImportFileError, match="refused"):
        list(parser.parse(source))


def test_an_internal_entity_without_expansion_games_is_refused_too():
    document = b'<?xml version="1.0"?><!DOCTYPE disqus [<!ENTITY x "y">]><disqus>&x;</disqus>'
    with pytest.raises(ImportFileError, match="refused"):
        list(disqus.parse(io.BytesIO(document)))


def test_hostile_file_through_the_command_changes_nothing(store, capsys):
    before = store.counts()
    assert store.run("import", "disqus", FIXTURES / "hostile_entities.xml", "--site", SITE) == 2
    assert store.run("import", "wordpress", FIXTURES / "hostile_external.xml", "--site", SITE) == 2
    err = capsys.readouterr().err
    assert err.count("refused") == 2 and "nothing was imported" in err
    assert store.counts() == before


def _large_disqus_export(posts: int) -> bytes:
    head = (
        b'<?xml version="1.0" encoding="utf-8"?>\n<disqus xmlns="http://disqus.com" '
        b'xmlns:dsq="http://disqus.com/disqus-internals">\n'
        b'<thread dsq:id="1"><link>https://news.example.com/a</link><title>A</title></thread>\n'
    )
    post = (
        '<post dsq:id="{n}"><message><![CDATA[<p>'
        + "A reasonably long comment about the article. " * 6
        + "</p>]]></message><createdAt>2024-05-02T09:15:00Z</createdAt><isDeleted>false</isDeleted>"
        "<isSpam>false</isSpam><author><email>reader{n}@example.com</email><name>Reader {n}</name></author>"
        '<thread dsq:id="1"/></post>\n'
    )
    return head + "".join(post.format(n=n) for n in range(posts)).encode() + b"</disqus>\n"


def test_large_exports_are_streamed_not_loaded_whole():
    document = _large_disqus_export(10_000)
    tracemalloc.start()
    try:
        seen = 0
        for record in disqus.parse(io.BytesIO(document)):
            seen += isinstance(record, SourceComment)
        _current, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert seen == 10_000
    # A parsed tree of this file would take several times its size; streaming stays far below it.
    assert peak < len(document) / 4, (peak, len(document))


_NESTING_HEAD = (
    b'<?xml version="1.0"?>\n<disqus xmlns="http://disqus.com" xmlns:dsq="http://disqus.com/disqus-internals">\n'
    b'<thread dsq:id="1"><link>https://news.example.com/a</link><title>A</title></thread>\n'
)


def _post_with(inside: bytes) -> bytes:
    return (
        b'<post dsq:id="5"><message>hi</message>\n'
        + inside
        + b'<createdAt>2024-05-02T09:15:00Z</createdAt><thread dsq:id="1"/></post>\n'
    )


def test_elements_nested_without_end_are_refused_naming_the_line_before_memory_grows():
    levels = 200_000
    document = _NESTING_HEAD + _post_with(b"<a>" * levels + b"</a>" * levels) + b"</disqus>\n"
    tracemalloc.start()
    try:
        with pytest.raises(ImportFileError, match=r"refused: <a> at line 5 is nested more than \d+ elements deep"):
            list(disqus.parse(io.BytesIO(document)))
        _current, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak < 5 * 1024 * 1024, peak


def test_a_record_with_endless_children_is_refused_naming_where_it_starts(monkeypatch):
    from commentdesk.importers import xmlstream

    monkeypatch.setattr(xmlstream, "MAX_RECORD_ELEMENTS", 1_000)
    document = _NESTING_HEAD + _post_with(b"<x/>\n" * 2_000) + b"</disqus>\n"
    with pytest.raises(ImportFileError, match="refused: the <post> that starts at line 4 holds more than 1000 elements"):
        list(disqus.parse(io.BytesIO(document)))


def test_a_deeply_nested_file_through_the_command_names_the_line_and_changes_nothing(store, tmp_path, capsys):
    path = tmp_path / "deep.xml"
    path.write_bytes(_NESTING_HEAD + _post_with(b"<a>" * 100 + b"</a>" * 100) + b"</disqus>\n")
    before = store.counts()
    assert store.run("import", "disqus", path, "--site", SITE) == 2
    err = capsys.readouterr().err
    assert "<a> at line 5 is nested more than" in err and "nothing was imported" in err
    assert store.counts() == before


def _wordpress_post_with_comments(count: int) -> bytes:
    head = (
        b'<?xml version="1.0" encoding="UTF-8"?>\n<rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/" '
        b'xmlns:wp="http://wordpress.org/export/1.2/"><channel><title>The Daily Example</title>\n'
        b"<item><title>Harbour tunnel</title><link>https://news.example.com/2024/05/tunnel/</link>"
        b"<wp:post_id>41</wp:post_id><content:encoded><![CDATA[<p>The council voted.</p>]]></content:encoded>\n"
    )
    comment = (
        "<wp:comment><wp:comment_id>{n}</wp:comment_id><wp:comment_author><![CDATA[Reader {n}]]></wp:comment_author>"
        "<wp:comment_author_email>reader{n}@example.com</wp:comment_author_email>"
        "<wp:comment_date_gmt>2024-05-02 09:15:00</wp:comment_date_gmt><wp:comment_content><![CDATA[<p>"
        + "A reasonably long comment about the tunnel and its cost. "
        * 6
        + "</p>]]></wp:comment_content><wp:comment_approved>1</wp:comment_approved><wp:comment_type>comment</wp:comment_type>"
        "<wp:comment_parent>0</wp:comment_parent></wp:comment>\n"
    )
    return head + "".join(comment.format(n=n) for n in range(count)).encode() + b"</item></channel></rss>\n"


def test_one_wordpress_post_with_many_comments_is_read_a_comment_at_a_time():
    document = _wordpress_post_with_comments(10_000)
    tracemalloc.start()
    try:
        seen = 0
        for record in wordpress.parse(io.BytesIO(document)):
            seen += isinstance(record, SourceComment)
        _current, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert seen == 10_000
    # The post built whole with its comments would take several times the file; one comment at a time stays far below.
    assert peak < len(document) / 10, (peak, len(document))


def test_a_wordpress_post_of_more_elements_than_a_record_may_hold_is_read_when_they_are_its_comments(monkeypatch):
    from commentdesk.importers import xmlstream

    # Each comment is bounded on its own; their number is not the post's size.
    monkeypatch.setattr(xmlstream, "MAX_RECORD_ELEMENTS", 100)
    records = list(wordpress.parse(io.BytesIO(_wordpress_post_with_comments(50))))
    assert sum(isinstance(record, SourceComment) for record in records) == 50


def test_one_wordpress_comment_of_endless_elements_is_still_refused(monkeypatch):
    from commentdesk.importers import xmlstream

    monkeypatch.setattr(xmlstream, "MAX_RECORD_ELEMENTS", 1_000)
    document = _wordpress_post_with_comments(1).replace(b"</wp:comment>", b"<x/>" * 2_000 + b"</wp:comment>")
    with pytest.raises(ImportFileError, match="refused: the <item> that starts at line 3 holds more than 1000 elements"):
        list(wordpress.parse(io.BytesIO(document)))
