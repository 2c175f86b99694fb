"""Static files (embed script, style sheets, favicon): compressed once, cached by browsers.

Every file under web/static, and the embed script put together from its parts (embed_script.py),
is read when the server starts, hashed, and gzip-compressed once when that makes it smaller, so
a request costs a dictionary look-up. Pages link to versioned
URLs (`static_url("embed.js")` gives `/static/embed.js?v=<hash>`), which browsers may keep for a
year: a new release changes the hash and so the URL. The plain URL that publishers paste into
their pages (`/static/embed.js`) is cached for a short while and then revalidated with its
ETag, so a new release reaches their readers within minutes, at the cost of a 304.
"""

from __future__ import annotations

import gzip
import hashlib
import mimetypes
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from starlette.requests import Request
from starlette.responses import Response
from starlette.types import Receive, Scope, Send

from commentdesk.services.read_cache import etag_matches
from commentdesk.web.embed_script import embed_script

STATIC_DIR = Path(__file__).parent / "static"
VERSIONED_CACHE_CONTROL = "public, max-age=31536000, immutable"
PLAIN_CACHE_CONTROL = "public, max-age=600"
COMPRESSIBLE = {
    "text/css",
    "text/javascript",
    "application/javascript",
    "image/svg+xml",
    "application/json",
    "image/vnd.microsoft.icon",
    "image/x-icon",
    "text/plain",
}


@dataclass(frozen=True)
class _File:
    body: bytes
    gzipped: bytes | None
    media_type: str
    version: str

    @property
    def etag(self) -> str:
        return f'"{self.version}"'


def _prepared(name: str, body: bytes) -> _File:
    media_type = mimetypes.guess_type(name)[0] or "application/octet-stream"
    if name.endswith(".js"):
        media_type = "text/javascript"
    packed = gzip.compress(body, compresslevel=9, mtime=0) if media_type in COMPRESSIBLE else None
    return _File(
        body,
        packed if packed is not None and len(packed) < len(body) else None,
        media_type + ("; charset=utf-8" if media_type.startswith("text/") else ""),
        hashlib.sha256(body).hexdigest()[:12],
    )


def _load(directory: Path) -> dict[str, _File]:
    files = {}
    for path in sorted(directory.rglob("*")):
        if not path.is_file() or path.name.startswith("."):
            continue
        files[path.relative_to(directory).as_posix()] = _prepared(path.name, path.read_bytes())
    return files


class StaticFiles:
    """An ASGI app for GET and HEAD of the files under one directory (nothing outside it can be named)."""

    def __init__(self, directory: Path = STATIC_DIR, built: Mapping[str, bytes] | None = None) -> None:
        """The files under directory, and built ones ({name: body}, made when the server starts)."""
        self.files = _load(directory) | {name: _prepared(name, body) for name, body in (built or {}).items()}

    def url(self, name: str) -> str:
        found = self.files.get(name)
        if found is None:
            raise KeyError(f"no static file {name!r}")
        return f"/static/{name}?v={found.version}"

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        path, root = scope["path"], scope.get("root_path", "")
        name = (path[len(root) :] if root and path.startswith(root) else path).lstrip("/")
        response = self.response(Request(scope), self.files.get(name))
        await response(scope, receive, send)

    def response(self, request: Request, found: _File | None) -> Response:
        if request.method not in ("GET", "HEAD"):
            return Response("Method Not Allowed", status_code=405, headers={"Allow": "GET, HEAD"})
        if found is None:
            return Response("Not Found", status_code=404, media_type="text/plain")
        versioned = request.query_params.get("v") == found.version
        headers = {
            "ETag": found.etag,
            "Vary": "Accept-Encoding",
            "Cache-Control": VERSIONED_CACHE_CONTROL if versioned else PLAIN_CACHE_CONTROL,
        }
        if etag_matches(request.headers.get("if-none-match", ""), found.etag):
            return Response(status_code=304, headers=headers)
        body = found.body
        if found.gzipped is not None and "gzip" in request.headers.get("accept-encoding", "").lower():
            body = found.gzipped
            headers["Content-Encoding"] = "gzip"
        headers["Content-Length"] = str(len(body))
        return Response(b"" if request.method == "HEAD" else body, media_type=found.media_type, headers=headers)


_shared: StaticFiles | None = None


def static_files() -> StaticFiles:
    """The package's static files, read once per process."""
    global _shared
    if _shared is None:
        _shared = StaticFiles(STATIC_DIR, built={"embed.js": embed_script()})
    return _shared


def static_url(name: str) -> str:
    """The versioned URL of a static file, for templates."""
    return static_files().url(name)


def install(app) -> None:
    """Serve /static/... and /favicon.ico (browsers ask for it on every site)."""
    files = static_files()
    app.mount("/static", files, name="static")

    async def favicon(request: Request) -> Response:
        return files.response(request, files.files.get("favicon.ico"))

    app.add_route("/favicon.ico", favicon, methods=["GET", "HEAD"], include_in_schema=False)
