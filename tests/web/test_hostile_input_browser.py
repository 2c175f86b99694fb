"""Hostile comment texts and names, published and shown in a real browser: none runs a script,
adds an element with an event handler, or links to a javascript: address."""

from __future__ import annotations

import httpx
import pytest
from tests.web.conftest import ARTICLE, approve

from commentdesk.services.sites import create_site

pytestmark = pytest.mark.browser

HOSTILE = [
    "<script>window.__pwned = 1</script>",
    '<img src=x onerror="window.__pwned = 2">',
    '<svg onload="window.__pwned = 3"></svg>',
    "[click me](javascript:window.__pwned=4)",
    "[click](JaVaScRiPt:window.__pwned=5)",
    '<a href="javascript:window.__pwned=6">link</a>',
    '![x](x" onerror="window.__pwned=7)',
    '<iframe src="javascript:window.__pwned=8"></iframe>',
    '"><script>window.__pwned=9</script>',
    '<details open ontoggle="window.__pwned=10">x</details>',
    '<math><mtext><table><mglyph><style><img src=x onerror="window.__pwned=11">',
    '<a href="&#106;avascript:window.__pwned=12">entity</a>',
    "`<script>window.__pwned=13</script>`",
    '<body onload="window.__pwned=14">',
    "<style>@import 'javascript:window.__pwned=15';</style>",
    '\u202egnp.exe <b onmouseover="window.__pwned=16">x</b>',
    "[a](data:text/html;base64,PHNjcmlwdD53aW5kb3cuX19wd25lZD0xNzwvc2NyaXB0Pg==)",
    '<form action="javascript:window.__pwned=18"><button>go</button></form>',
    '<input autofocus onfocus="window.__pwned=19">',
    '<object data="javascript:window.__pwned=20"></object>',
]


def test_hostile_comments_run_no_script_in_the_browser(live_server, page):
    with live_server.app.state.sessions() as session:
        _site, key = create_site(
            session,
            "news",
            "The Daily Example",
            policy={
                "flood_per_minute_commenter": 1000,
                "flood_per_minute_address": 1000,
                "refuse_per_minute_address": 1000,
                "duplicate_window_minutes": 0,
                "page_size": 100,
            },
        )
        session.commit()
    with httpx.Client(base_url=live_server.url, headers={"Authorization": f"Bearer {key}"}, timeout=60) as api:
        article_id = api.put("/api/v1/articles", json={**ARTICLE, "url": "https://news.example/hostile"}).json()["id"]
        for number, text in enumerate(HOSTILE):
            response = api.post(
                f"/api/v1/articles/{article_id}/comments",
                json={"author_name": f"<img src=x onerror=window.__pwned={100 + number}>", "text": text},
            )
            assert response.status_code == 201, response.text
            approve(live_server.app, response.json()["comment"]["id"])
    dialogs: list[str] = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    page.goto(f"{live_server.url}/articles/{article_id}")
    page.wait_for_selector("text=COMMENTS")
    page.mouse.move(200, 400)
    found = page.evaluate("""() => {
        const section = document.querySelector('#comments') || document.body;
        const handlers = [...section.querySelectorAll('*')].filter(el => [...el.attributes].some(a => a.name.startsWith('on')));
        const links = [...section.querySelectorAll('[href],[src],[action],[data]')]
            .map(el => el.getAttribute('href') || el.getAttribute('src') || el.getAttribute('action') || el.getAttribute('data') || '')
            .filter(value => /^\\s*(javascript|data):/i.test(value));
        return {pwned: window.__pwned || null, handlers: handlers.length, links, scripts: [...document.querySelectorAll('.cd-body')]
            .reduce((count, body) => count + body.querySelectorAll('script, iframe, object, embed, svg, math, form, input, style').length, 0),
        bodies: document.querySelectorAll('.cd-body').length};
    }""")
    assert found == {"pwned": None, "handlers": 0, "links": [], "scripts": 0, "bodies": len(HOSTILE)}
    assert dialogs == []
