"""Static files are compressed and cacheable; pages link to versioned URLs; the favicon exists."""

from __future__ import annotations

import gzip
import re

from commentdesk.web.static_files import PLAIN_CACHE_CONTROL, VERSIONED_CACHE_CONTROL


def test_the_embed_script_is_compressed_for_clients_that_accept_gzip(client):
    plain = client.get("/static/embed.js", headers={"Accept-Encoding": "identity"})
    packed = client.get("/static/embed.js", headers={"Accept-Encoding": "gzip, br"})
    assert plain.status_code == packed.status_code == 200
    assert plain.headers["content-type"].startswith("text/javascript")
    assert "content-encoding" not in plain.headers and packed.headers["content-encoding"] == "gzip"
    assert packed.headers["vary"] == "Accept-Encoding"
    assert int(packed.headers["content-length"]) < len(plain.content) / 2
    assert packed.content == plain.content  # the client decodes it


def test_the_plain_url_is_cached_briefly_and_revalidated(client):
    first = client.get("/static/commentdesk.css")
    assert first.headers["cache-control"] == PLAIN_CACHE_CONTROL and first.headers["etag"]
    again = client.get("/static/commentdesk.css", headers={"If-None-Match": first.headers["etag"]})
    assert again.status_code == 304 and again.content == b""


def test_pages_link_to_versioned_urls_that_are_cached_for_a_year(client):
    home = client.get("/")
    style = re.search(r'href="(/static/commentdesk\.css\?v=[0-9a-f]+)"', home.text)
    assert style, home.text[:800]
    versioned = client.get(style.group(1))
    assert versioned.status_code == 200 and versioned.headers["cache-control"] == VERSIONED_CACHE_CONTROL
    stale = client.get("/static/commentdesk.css?v=000000000000")  # an old release's link: still served, not kept long
    assert stale.status_code == 200 and stale.headers["cache-control"] == PLAIN_CACHE_CONTROL


def test_the_workspace_links_its_script_and_style_by_version(client):
    page = client.get("/moderate/login")
    assert re.search(r"/static/moderate/workspace\.css\?v=[0-9a-f]+", page.text)


def test_the_favicon_is_served(client):
    icon = client.get("/favicon.ico")
    assert icon.status_code == 200 and icon.headers["content-type"] == "image/vnd.microsoft.icon"
    assert icon.content[:4] == b"\x00\x00\x01\x00"  # an ICO file
    assert client.head("/favicon.ico").status_code == 200


def test_unknown_or_outside_paths_are_not_found(client):
    assert client.get("/static/nothing.js").status_code == 404
    assert client.get("/static/../app.py").status_code == 404
    assert client.get("/static/%2e%2e/app.py").status_code == 404
    assert client.post("/static/embed.js").status_code == 405


def test_the_compressed_body_is_exactly_the_file(client):
    raw = client.get("/static/embed.js", headers={"Accept-Encoding": "identity"}).content
    from commentdesk.web.static_files import static_files

    assert gzip.decompress(static_files().files["embed.js"].gzipped) == raw
