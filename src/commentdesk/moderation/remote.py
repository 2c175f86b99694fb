"""The moderation models in a process of their own, shared by every web worker of one server.

`commentdesk serve --workers N` starts one moderation process; it loads the models once and
answers the web workers over a Unix socket in a private directory (multiprocessing.connection,
with an authentication key). So N workers cost the models' memory once, a web worker holds no
PyTorch or ONNX Runtime at all, and the models' half a million objects never pause a request
for garbage collection. Comments from every worker share the same embedding passes, a few at a
time (see ModerationModels.signals_then), each in the thread that took its call.

`RemoteModels` stands in for `ModerationModels` in a web worker: the same `load`, `versions`
and `signals`, and any other public method is forwarded by name. Each worker keeps one
connection; requests carry an id and answers come back as each comment's models finish.
When the moderation process cannot be reached the answer is a model failure, so the comment
is stored and held for a person, as with a model that fails in-process.

Run by the server as `python -m commentdesk.moderation.remote --socket PATH ...` with the
authentication key on standard input.
"""

from __future__ import annotations

import argparse
import gc
import itertools
import logging
import os
import sys
import threading
import time
from concurrent.futures import Future, ThreadPoolExecutor
from concurrent.futures import TimeoutError as FutureTimeout
from dataclasses import replace
from multiprocessing import AuthenticationError
from multiprocessing.connection import Client, Connection, Listener
from multiprocessing.reduction import ForkingPickler
from pathlib import Path

import numpy as np

from commentdesk.moderation.types import Candidate, ModelSignals

log = logging.getLogger(__name__)

# Calls the moderation process takes up at once, over all workers; a comment's models run in its
# call's thread when the models give it a turn (a few at a time), so this is a bound on threads,
# not on cores.
MAX_CONCURRENT_CALLS = 128
# A worker gives up on an answer this long after the models' own budget (the process is stuck or gone).
ANSWER_GRACE_S = 10.0


# --- the moderation process -------------------------------------------------------------------


def serve_models(socket_path: str, authkey: bytes, models, loaded_in_s: float | None = None) -> None:
    """Answer web workers' calls on `models` until the process is stopped."""
    # The models' objects live as long as the process: keep the collector from walking them.
    gc.collect()
    gc.freeze()
    calls = ThreadPoolExecutor(max_workers=MAX_CONCURRENT_CALLS, thread_name_prefix="moderation-call")
    with Listener(socket_path, family="AF_UNIX", authkey=authkey) as listener:
        if loaded_in_s is not None:
            print(f"moderation process {os.getpid()}: models ready in {loaded_in_s:.1f} s", file=sys.stderr, flush=True)
        while True:
            try:
                connection = listener.accept()
            except (OSError, EOFError, AuthenticationError):  # a client that failed the handshake
                log.warning("a connection to the moderation process was refused", exc_info=True)
                continue
            threading.Thread(
                target=_serve_connection, args=(connection, models, calls), daemon=True, name="moderation-connection"
            ).start()


def _serve_connection(connection: Connection, models, calls: ThreadPoolExecutor) -> None:
    send_lock = threading.Lock()

    def send(call_id: int, reply: tuple[str, object]) -> None:
        try:
            with send_lock:
                connection.send((call_id, reply))
        except (OSError, ValueError):
            pass  # the worker went away; it holds the comment itself

    def answer(call_id: int, name: str, args: tuple, kwargs: dict) -> None:
        given = (args[0] if args else kwargs.get("candidate")) if name == "signals" else None
        if name == "signals" and hasattr(models, "signals_then"):
            # The comment's models run in this thread, and its answer leaves when they are done
            # or when their budget runs out, whichever comes first.
            try:
                models.signals_then(*args, **kwargs, answer=lambda signals: send(call_id, ("ok", _without_given(signals, given))))
            except Exception as error:  # arguments that are not a comment
                send(call_id, ("error", f"{type(error).__name__}: {error}"))
            return
        try:
            reply = ("ok", _without_given(_invoke(models, name, args, kwargs), given))
        except Exception as error:  # the caller decides what a failure means
            reply = ("error", f"{type(error).__name__}: {error}")
        send(call_id, reply)

    while True:
        try:
            call_id, name, args, kwargs = connection.recv()
        except (EOFError, OSError):
            connection.close()
            return
        calls.submit(answer, call_id, name, args, kwargs)


def _without_given(signals, candidate):
    """A comment's signals without the article passages its caller sent (it has them, and for a
    long article they are most of the bytes both ways): `RemoteModels.signals` puts them back."""
    if (
        isinstance(signals, ModelSignals)
        and isinstance(candidate, Candidate)
        and candidate.passages is not None
        and candidate.passage_vectors is not None
    ):
        return replace(signals, passages=None, passage_vectors=None)
    return signals


def _invoke(models, name: str, args: tuple, kwargs: dict):
    if name.startswith("_"):
        raise AttributeError(f"{name} is not offered by the moderation process")
    attribute = getattr(models, name)
    if callable(attribute):
        return attribute(*args, **kwargs)
    if args or kwargs:
        raise TypeError(f"{name} is not callable")
    return attribute


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="The moderation process of `commentdesk serve` (started by it).")
    parser.add_argument("--socket", required=True)
    parser.add_argument("--timeout-ms", type=int, required=True)
    parser.add_argument("--models-dir", type=Path, default=None)
    parser.add_argument("--variant", default="default")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s", stream=sys.stderr)
    authkey = bytes.fromhex(sys.stdin.readline().strip())
    from commentdesk.moderation.pipeline import ModerationModels

    started = time.monotonic()
    models = ModerationModels(timeout_ms=args.timeout_ms, models_dir=args.models_dir, variant=args.variant).load()
    serve_models(args.socket, authkey, models, time.monotonic() - started)
    return 0


# --- in a web worker --------------------------------------------------------------------------


class ModerationUnavailable(RuntimeError):
    pass


class RemoteModels:
    """`ModerationModels` for a web worker: every call goes to the server's moderation process."""

    def __init__(self, socket_path: str, authkey: bytes, timeout_ms: int, connect_within_s: float = 300.0) -> None:
        self.socket_path, self.authkey = socket_path, authkey
        self.timeout_s = timeout_ms / 1000
        self.enabled = True
        self.connect_within_s = connect_within_s
        self._versions: dict[str, str] = {}
        self._connection: Connection | None = None
        self._pending: dict[int, tuple[Connection, Future]] = {}
        self._ids = itertools.count(1)
        self._lock = threading.Lock()  # connecting, and the table of pending calls
        self._send_lock = threading.Lock()

    # The interface the pipeline and the poster use.

    def load(self) -> RemoteModels:
        """Wait until the moderation process answers (it loads the models first)."""
        deadline = time.monotonic() + self.connect_within_s
        while True:
            try:
                self._versions = dict(self.call("versions"))
                return self
            except ModerationUnavailable:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.2)

    @property
    def versions(self) -> dict[str, str]:
        return self._versions

    def signals(self, candidate: Candidate) -> ModelSignals:
        if candidate.site_articles is not None:
            # Megabytes the models never read: the rules compare with them in this process.
            candidate = replace(candidate, site_articles=None)
        try:
            signals = self.call("signals", candidate, wait_s=self.timeout_s + ANSWER_GRACE_S)
        except ModerationUnavailable as error:
            log.warning("moderation process: %s", error)
            return ModelSignals(failures={"models": f"error: {error}"}, versions=self._versions)
        if signals.passages is None and candidate.passages is not None:
            # Sent, not computed: the answer leaves them out (see `_without_given`).
            signals.passages, signals.passage_vectors = candidate.passages, candidate.passage_vectors
        return signals

    def article_passages(self, title: str, body: str) -> tuple[list[str], np.ndarray]:
        """An article's passages and their vectors, embedded by the moderation process (a newly
        registered article's, for the site's bank); ModerationUnavailable when it cannot answer."""
        passages, vectors = self.call("article_passages", title, body)
        return passages, vectors

    def __getattr__(self, name: str):
        if name.startswith("_"):
            raise AttributeError(name)
        return lambda *args, **kwargs: self.call(name, *args, **kwargs)

    # The connection.

    def call(self, name: str, *args, wait_s: float | None = None, **kwargs):
        future: Future = Future()
        connection = self._connect()
        with self._lock:
            call_id = next(self._ids)
        try:
            # Pickled before the call is registered as waiting (`send` would pickle it later): an
            # argument that cannot be pickled is the caller's mistake, not a broken connection.
            message = ForkingPickler.dumps((call_id, name, args, kwargs))
        except Exception as error:
            raise TypeError(f"the arguments of {name!r} cannot be sent to the moderation process: {error}") from error
        with self._lock:
            self._pending[call_id] = (connection, future)
        try:
            with self._send_lock:
                connection.send_bytes(message)
        except (OSError, ValueError) as error:
            self._drop(connection, f"the moderation process went away ({error})")
        try:
            status, value = future.result(timeout=wait_s if wait_s is not None else self.timeout_s + ANSWER_GRACE_S)
        except FutureTimeout:
            with self._lock:
                self._pending.pop(call_id, None)
            raise ModerationUnavailable("no answer from the moderation process in time") from None
        if status != "ok":
            raise ModerationUnavailable(value)
        return value

    def _connect(self) -> Connection:
        with self._lock:
            if self._connection is not None:
                return self._connection
            try:
                connection = Client(self.socket_path, family="AF_UNIX", authkey=self.authkey)
            except (OSError, EOFError, AuthenticationError) as error:
                raise ModerationUnavailable(f"the moderation process is not reachable ({error})") from None
            self._connection = connection
            threading.Thread(target=self._receive, args=(connection,), daemon=True, name="moderation-answers").start()
            return connection

    def _receive(self, connection: Connection) -> None:
        while True:
            try:
                call_id, reply = connection.recv()
            except (EOFError, OSError):
                self._drop(connection, "the moderation process went away")
                return
            except Exception:  # a reply that is not a (call id, reply) pair: the stream cannot be trusted
                log.warning("unreadable answer from the moderation process", exc_info=True)
                self._drop(connection, "the moderation process sent an unreadable answer")
                return
            with self._lock:
                _connection, future = self._pending.pop(call_id, (None, None))
            if future is not None:
                future.set_result(reply)

    def _drop(self, connection: Connection, reason: str) -> None:
        """Forget a broken connection; every call waiting on it fails now (the next call reconnects)."""
        with self._lock:
            if self._connection is connection:
                self._connection = None
            waiting = [call_id for call_id, (on, _future) in self._pending.items() if on is connection]
            futures = [self._pending.pop(call_id)[1] for call_id in waiting]
        for future in futures:
            if not future.done():
                future.set_result(("error", reason))
        try:
            connection.close()
        except OSError:
            pass


if __name__ == "__main__":
    sys.exit(main())
