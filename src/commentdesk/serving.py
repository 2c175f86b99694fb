"""`commentdesk serve`: web workers on every core and one moderation process, in one command.

    commentdesk serve               one worker per CPU core
      ├── moderation process        the models, loaded once (moderation/remote.py)
      └── web worker × N            uvicorn, each with its own database pool and read cache

The supervisor (the process the command starts) prepares everything once: the instance secret,
the schema migration, the imports of the web application. It then forks the workers, which
share those imported modules' memory with it, and starts the moderation process with a clean
interpreter (ONNX Runtime and PyTorch thread pools do not survive a fork). Objects that live as
long as a process are frozen out of the garbage collector, so a full collection walks only what
a request made and never pauses a read for long.

Each worker listens on the same port with SO_REUSEPORT, so the kernel spreads connections evenly
over them. A worker or moderation process that dies is started again. SIGINT or SIGTERM stops
the workers gracefully (requests in flight are answered), then the moderation process; a second
signal stops everything at once. The children stop by themselves if the supervisor is killed.
"""

from __future__ import annotations

import gc
import logging
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field

from commentdesk import __version__
from commentdesk.config import Settings

log = logging.getLogger("commentdesk.serving")

# Workers finish the requests in flight within this, then are stopped hard.
GRACEFUL_STOP_S = 20
# A child that dies this soon after starting, this many times in a row, stops the server: it
# would only die again (the database is unreachable, the port was taken...).
EARLY_DEATH_S = 10
EARLY_DEATHS_ALLOWED = 5
POLL_S = 0.2


def default_workers() -> int:
    """One per core this process may run on."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # not Linux
        return max(1, os.cpu_count() or 1)


@dataclass
class _Child:
    pid: int
    started: float = field(default_factory=time.monotonic)


class Supervisor:
    def __init__(self, settings: Settings, workers: int) -> None:
        if workers < 1:
            raise ValueError("--workers must be at least 1")
        self.settings, self.worker_count = settings, workers
        self.workers: list[_Child | None] = [None] * workers
        self.moderation: subprocess.Popen | None = None
        self.moderation_started = 0.0
        self.runtime_dir: str | None = None
        self.authkey = b""
        self.stop_requests = 0
        self.early_deaths = 0

    # --- running -------------------------------------------------------------------------------

    def run(self) -> int:
        self._prepare()
        previous = {sig: signal.signal(sig, self._on_stop_signal) for sig in (signal.SIGINT, signal.SIGTERM)}
        try:
            if self.settings.load_models:
                self._start_moderation()
            for index in range(self.worker_count):
                self._start_worker(index)
            print(
                f"commentdesk {__version__} serving on http://{self.settings.host}:{self.settings.port} "
                f"with {self.worker_count} worker{'s' if self.worker_count > 1 else ''}"
                + (f" and a moderation process ({self.moderation.pid})" if self.moderation else " (models off)"),
                file=sys.stderr,
                flush=True,
            )
            failed = self._watch()
        finally:
            self._stop_all()
            for sig, handler in previous.items():
                signal.signal(sig, handler)
            if self.runtime_dir:
                shutil.rmtree(self.runtime_dir, ignore_errors=True)
        return 1 if failed else 0

    def _prepare(self) -> None:
        from commentdesk.store.db import make_engine, migrate

        settings = self.settings
        settings.resolved_secret()  # made once here, not raced for by the workers
        engine = make_engine(settings.resolved_database_url())
        try:
            migrate(engine)
        finally:
            engine.dispose()  # no connection may cross the fork
        _check_port_free(settings.host, settings.port)
        self.runtime_dir = tempfile.mkdtemp(prefix="commentdesk-")  # mode 0700: only this user reaches the socket
        self.authkey = os.urandom(32)
        # Everything a worker imports is imported once here, then shared copy-on-write; frozen,
        # the collector never touches (and so never copies) those pages.
        import commentdesk.app  # noqa: F401
        import commentdesk.web.moderate  # noqa: F401
        import commentdesk.web.reader  # noqa: F401

        gc.collect()
        gc.freeze()

    def _watch(self) -> bool:
        """Restart children that die until asked to stop; True if the server had to give up."""
        while not self.stop_requests:
            for index, child in enumerate(self.workers):
                if child is None:
                    continue
                status = _exited(child.pid)
                if status is None:
                    continue
                if self.stop_requests:
                    break
                log.warning("web worker %s exited (%s); starting it again", child.pid, _describe(status))
                if self._died_early(child.started):
                    return True
                self._start_worker(index)
            if self.moderation is not None and self.moderation.poll() is not None and not self.stop_requests:
                log.warning(
                    "the moderation process exited (%s); starting it again", _describe(self.moderation.returncode, raw=False)
                )
                if self._died_early(self.moderation_started):
                    return True
                self._start_moderation()
            time.sleep(POLL_S)
        return False

    def _died_early(self, started: float) -> bool:
        if time.monotonic() - started < EARLY_DEATH_S:
            self.early_deaths += 1
        else:
            self.early_deaths = 0
        if self.early_deaths >= EARLY_DEATHS_ALLOWED:
            log.error("processes keep dying right after they start; stopping (see the errors above)")
            return True
        return False

    def _on_stop_signal(self, signum, _frame) -> None:
        self.stop_requests += 1
        if self.stop_requests > 1:  # asked twice: do not wait for anything
            for pid in self._live_pids():
                _signal(pid, signal.SIGKILL)

    # --- children --------------------------------------------------------------------------

    def _socket_path(self) -> str:
        if self.runtime_dir is None:
            raise RuntimeError("the runtime folder is made when the supervisor starts")
        return os.path.join(self.runtime_dir, "moderation.sock")

    def _start_moderation(self) -> None:
        settings = self.settings
        command = [
            sys.executable,
            "-m",
            "commentdesk.moderation.remote",
            "--socket",
            self._socket_path(),
            "--timeout-ms",
            str(settings.model_timeout_ms),
            "--models-dir",
            str(settings.resolved_models_dir()),
            "--variant",
            settings.model_variant,
        ]
        if os.path.exists(self._socket_path()):
            os.unlink(self._socket_path())
        self.moderation = subprocess.Popen(command, stdin=subprocess.PIPE, preexec_fn=_die_with_parent)
        stdin = self.moderation.stdin
        assert stdin is not None  # stdin=PIPE
        stdin.write(self.authkey.hex().encode() + b"\n")
        stdin.close()
        self.moderation_started = time.monotonic()

    def _start_worker(self, index: int) -> None:
        pid = os.fork()
        if pid == 0:
            status = 1
            try:
                _die_with_parent()
                socket_path = self._socket_path() if self.settings.load_models else None
                # Only the first worker (and its replacements) looks for articles to embed at start.
                status = _run_worker(self.settings, socket_path, self.authkey, sweep_passages=index == 0)
            except BaseException:  # anything escaping here must not run the supervisor's code
                log.exception("web worker failed")
            finally:
                sys.stdout.flush()
                sys.stderr.flush()
                os._exit(status)
        self.workers[index] = _Child(pid)

    def _live_pids(self) -> list[int]:
        pids = [child.pid for child in self.workers if child is not None]
        if self.moderation is not None and self.moderation.poll() is None:
            pids.append(self.moderation.pid)
        return pids

    def _stop_all(self) -> None:
        workers = [child.pid for child in self.workers if child is not None]
        for pid in workers:
            _signal(pid, signal.SIGTERM)  # uvicorn: stop accepting, answer what is in flight
        deadline = time.monotonic() + GRACEFUL_STOP_S + 5
        while workers and time.monotonic() < deadline:
            workers = [pid for pid in workers if _exited(pid) is None]
            time.sleep(0.05)
        for pid in workers:
            _signal(pid, signal.SIGKILL)
            _exited(pid, block=True)
        self.workers = [None] * self.worker_count
        if self.moderation is not None and self.moderation.poll() is None:
            self.moderation.terminate()
            try:
                self.moderation.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.moderation.kill()
                self.moderation.wait()


def _run_worker(settings: Settings, socket_path: str | None, authkey: bytes, *, sweep_passages: bool) -> int:
    """One web worker: its own app, engine and cache; the models through the moderation process.
    `sweep_passages`: whether it queues, as it starts, the recent articles without current
    passages (the first worker does, for all of them)."""
    import uvicorn

    from commentdesk.app import create_app
    from commentdesk.moderation.remote import RemoteModels

    # uvicorn installs its own handlers for a graceful stop; the supervisor's must not run here.
    signal.signal(signal.SIGINT, signal.SIG_DFL)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    models = RemoteModels(socket_path, authkey, settings.model_timeout_ms) if socket_path else None
    app = create_app(settings, models=models, sweep_passages=sweep_passages)
    listener = _listening_socket(settings.host, settings.port)
    config = uvicorn.Config(
        app,
        host=settings.host,
        port=settings.port,
        log_level="info",
        access_log=settings.access_log,
        timeout_graceful_shutdown=GRACEFUL_STOP_S,
        **proxy_options(settings),
    )
    server = uvicorn.Server(config)
    gc.collect()
    gc.freeze()
    server.run(sockets=[listener])
    return 0 if server.started else 3


def _listening_socket(host: str, port: int) -> socket.socket:
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    if hasattr(socket, "SO_REUSEPORT"):
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEPORT, 1)
    sock.bind((host, port))
    sock.listen(2048)
    sock.set_inheritable(True)
    return sock


def _check_port_free(host: str, port: int) -> None:
    """Fail at once, in words, when another program listens on the port (SO_REUSEPORT would
    otherwise let the workers share it with that program)."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    with socket.socket(family, socket.SOCK_STREAM) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind((host, port))
        except OSError as error:
            raise SystemExit(f"error: cannot listen on {host}:{port}: {error.strerror or error}") from None


def _die_with_parent() -> None:
    """Linux: receive SIGTERM when the supervisor dies, so no worker outlives it holding the port."""
    if not sys.platform.startswith("linux"):
        return
    import ctypes

    try:
        ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG
    except (OSError, AttributeError):
        pass


def _signal(pid: int, signum: int) -> None:
    try:
        os.kill(pid, signum)
    except ProcessLookupError:
        pass


def _exited(pid: int, block: bool = False) -> int | None:
    """The wait status of a child that has exited (reaping it), or None while it runs."""
    try:
        done, status = os.waitpid(pid, 0 if block else os.WNOHANG)
    except ChildProcessError:
        return 0
    return status if done else None


def _describe(status: int, raw: bool = True) -> str:
    if not raw:
        return f"status {status}" if status >= 0 else f"signal {-status}"
    if os.WIFSIGNALED(status):
        return f"signal {os.WTERMSIG(status)}"
    return f"status {os.WEXITSTATUS(status)}"


def proxy_options(settings: Settings) -> dict:
    """Behind a reverse proxy, take the reader's address from X-Forwarded-For (flood limits,
    reports) only when it comes from a proxy the operator named."""
    if not settings.forwarded_allow_ips:
        return {"proxy_headers": False}
    return {"proxy_headers": True, "forwarded_allow_ips": settings.forwarded_allow_ips}


def use_log_level(settings: Settings) -> None:
    """commentdesk's own messages from --log-level on; processes forked after this keep it."""
    logging.getLogger("commentdesk").setLevel(settings.log_level.upper())


def serve(settings: Settings) -> int:
    if settings.workers < 0:
        print("error: --workers is a number of processes (0: one per CPU core)", file=sys.stderr)
        return 2
    use_log_level(settings)
    return Supervisor(settings, settings.workers or default_workers()).run()
