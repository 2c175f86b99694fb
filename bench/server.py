"""The servers the benchmarks measure: `commentdesk serve` in a child process, or one app on a uvicorn thread.

Both listen on loopback only, are used as `with` blocks, and are stopped when the block ends, an
error included.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import uvicorn

START_WITHIN_S = 300  # loading the models (--models) takes most of this


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _answers(base: str) -> bool:
    try:
        with urllib.request.urlopen(base + "/openapi.json", timeout=2) as response:
            return response.status == 200
    except OSError:  # refused, reset or timed out: not serving yet
        return False


@contextmanager
def commentdesk_serve(database_url: str, data_dir: str, models: bool, extra: list[str]) -> Iterator[tuple[str, subprocess.Popen]]:
    """`commentdesk serve` with the flags in `extra`, answering HTTP; yields its base URL and process.

    Its errors go to server.log in `data_dir` (the end of it is shown if it fails to start); the
    access log, on by default as in production, is discarded.
    """
    port = _free_port()
    base = f"http://127.0.0.1:{port}"
    log_path = Path(data_dir, "server.log")
    command = [
        sys.executable,
        "-m",
        "commentdesk.cli",
        "serve",
        "--data-dir",
        data_dir,
        "--database-url",
        database_url,
        "--port",
        str(port),
        "--secret-key",
        "bench",
        "--load-models" if models else "--no-load-models",
        *extra,
    ]
    with open(log_path, "w") as log:  # the child keeps its own copy of the file
        server = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=log, env={**os.environ, "HF_HUB_OFFLINE": "1"})
    try:
        deadline = time.monotonic() + START_WITHIN_S
        while not _answers(base):
            if server.poll() is not None:
                raise SystemExit(f"server exited:\n{log_path.read_text()[-3000:]}")
            if time.monotonic() > deadline:
                raise SystemExit(f"server did not start within {START_WITHIN_S} s")
            time.sleep(0.3)
        yield base, server
    finally:
        server.terminate()
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:  # a server stuck on its requests does not stop gracefully
            server.kill()
            server.wait()


@contextmanager
def uvicorn_thread(app) -> Iterator[str]:
    """`app` served by uvicorn on a thread of this process (its lifespan run); yields the base URL."""
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=0, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    try:
        deadline = time.monotonic() + START_WITHIN_S
        while not server.started:
            if time.monotonic() > deadline or not thread.is_alive():
                raise SystemExit("the server did not start")
            time.sleep(0.05)
        yield f"http://127.0.0.1:{server.servers[0].sockets[0].getsockname()[1]}"
    finally:
        server.should_exit = True
        thread.join(timeout=10)


@contextmanager
def moderation_process(timeout_ms: int) -> Iterator[tuple[object, int]]:
    """The moderation process `commentdesk serve` starts, in a child process; yields a web
    worker's RemoteModels connected to it (loaded: the models answer) and the process id."""
    from commentdesk.moderation.remote import RemoteModels

    with tempfile.TemporaryDirectory(prefix="bench-") as runtime:  # short: Unix socket paths are limited
        socket_path = str(Path(runtime, "moderation.sock"))
        authkey = os.urandom(32)
        command = [
            sys.executable,
            "-m",
            "commentdesk.moderation.remote",
            "--socket",
            socket_path,
            "--timeout-ms",
            str(timeout_ms),
        ]
        process = subprocess.Popen(command, stdin=subprocess.PIPE, env={**os.environ, "HF_HUB_OFFLINE": "1"})
        try:
            assert process.stdin is not None  # stdin=PIPE
            process.stdin.write(authkey.hex().encode() + b"\n")
            process.stdin.close()
            yield RemoteModels(socket_path, authkey, timeout_ms, connect_within_s=START_WITHIN_S).load(), process.pid
        finally:
            process.terminate()
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
