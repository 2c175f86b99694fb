"""The embed script that publishers include (/static/embed.js), put together from its parts.

Publishers paste one classic script tag, so the script stays one file in one request. Its sources
are the parts under web/embed/, one job each: plain script fragments (not modules) that share one
closure. They are joined in the order of PARTS inside one function, which keeps their names off
the publisher's page; static_files.py serves the result like any other static file.

Order matters little, since function declarations are hoisted: the first part must come first
(it stops when the script's own tag cannot be found, and sets what later parts read as they
load), and the last must come last (it starts the comment section once everything is defined).
"""

from __future__ import annotations

import textwrap
from pathlib import Path

EMBED_DIR = Path(__file__).parent / "embed"
PARTS = (
    "page.js",  # the script's tag, the server it came from, the reader: runs first
    "i18n.js",
    "dom.js",
    "times.js",
    "storage.js",
    "api.js",
    "messages.js",
    "render.js",
    "thread.js",
    "forms.js",
    "actions.js",
    "start.js",  # starts the comment section: runs last
)
OPENING = '(function () {\n  "use strict";\n\n'
CLOSING = "})();\n"


def embed_script() -> bytes:
    """The served script: every part, in order, indented inside one strict-mode function."""
    parts = (textwrap.indent((EMBED_DIR / name).read_text(encoding="utf-8"), "  ") for name in PARTS)
    return (OPENING + "\n".join(parts) + CLOSING).encode()
