"""How a web worker fares when the moderation process misbehaves: it goes away in the middle of a
call, answers with something unreadable or with another call's id, starts late, or loses a
worker. Every failure ends as a model failure (the comment held for a person), never a lost
comment or a worker stuck waiting."""

from __future__ import annotations

import gc
import io
import sys
import threading
import time
from multiprocessing.connection import Client, Listener
from pathlib import Path

import pytest

from commentdesk.moderation import pipeline, remote
from commentdesk.moderation.pipeline import Pipeline
from commentdesk.moderation.policy import Policy
from commentdesk.moderation.remote import ModerationUnavailable, RemoteModels
from commentdesk.moderation.types import HOLD, Candidate, ModelSignals

AUTHKEY = b"fedcba9876543210"


class FakeProcess:
    """A moderation process that answers each call with what `reply` says, on a listener of its own.

    `reply(call_id, name, args)` returns the object to send, or None to hang up instead."""

    def __init__(self, socket_path: str, reply) -> None:
        self.socket_path = socket_path
        self.reply = reply
        self.connections = 0
        self._listener = Listener(socket_path, family="AF_UNIX", authkey=AUTHKEY)
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self) -> None:
        while True:
            try:
                connection = self._listener.accept()
            except OSError:
                return
            self.connections += 1
            threading.Thread(target=self._serve, args=(connection,), daemon=True).start()

    def _serve(self, connection) -> None:
        while True:
            try:
                call_id, name, args, _kwargs = connection.recv()
            except (EOFError, OSError):
                return
            answer = self.reply(call_id, name, args)
            if answer is None:
                connection.close()
                return
            connection.send(answer)

    def close(self) -> None:
        self._listener.close()


def versions_or(reply):
    """Answer "versions" properly (loading asks for them) and anything else with `reply`."""

    def answer(call_id, name, args):
        if name == "versions":
            return call_id, ("ok", {"abuse": "fake@1"})
        return reply(call_id, name, args)

    return answer


@pytest.fixture
def socket_path(tmp_path_factory) -> str:
    return str(tmp_path_factory.mktemp("r") / "r.sock")


def comment() -> Candidate:
    return Candidate("A calm remark about the harbour", "Harbour", "The harbour reopens.")


def test_a_process_that_hangs_up_mid_call_fails_that_call_at_once_and_the_next_one_reconnects(socket_path):
    hang_up = {"next": True}

    def reply(call_id, name, args):
        if hang_up["next"]:
            hang_up["next"] = False
            return None
        return call_id, ("ok", f"{name} answered")

    process = FakeProcess(socket_path, versions_or(reply))
    models = RemoteModels(socket_path, AUTHKEY, timeout_ms=60_000).load()
    # A minute's budget: "went away" (not "no answer in time") means the loss was noticed at once.
    with pytest.raises(ModerationUnavailable, match="went away"):
        models.call("article_passages", "T", "B")
    assert models.call("article_passages", "T", "B") == "article_passages answered"
    assert process.connections == 2
    process.close()


def test_a_comment_whose_process_went_away_is_held_with_the_reason(socket_path):
    process = FakeProcess(socket_path, versions_or(lambda call_id, name, args: None))
    models = RemoteModels(socket_path, AUTHKEY, timeout_ms=60_000).load()
    found = models.signals(comment())
    assert found.failures == {"models": "error: the moderation process went away"}
    assert found.versions == {"abuse": "fake@1"}  # what was known before it went away
    decision = Pipeline(models).decide(comment(), found, Policy())
    assert decision.decision == HOLD
    assert [reason.code for reason in decision.reasons] == ["model_unavailable"]
    process.close()


def test_an_error_answer_is_a_model_failure_naming_the_error(socket_path):
    process = FakeProcess(
        socket_path, versions_or(lambda call_id, name, args: (call_id, ("error", "MemoryError: out of memory")))
    )
    models = RemoteModels(socket_path, AUTHKEY, timeout_ms=1000).load()
    assert models.signals(comment()).failures == {"models": "error: MemoryError: out of memory"}
    process.close()


def test_an_unreadable_answer_fails_the_waiting_calls_and_the_worker_reconnects(socket_path):
    garbled = {"next": True}

    def reply(call_id, name, args):
        if garbled["next"]:
            garbled["next"] = False
            return "not a (call id, reply) pair"
        return call_id, ("ok", ModelSignals(versions={"abuse": "fake@1"}))

    process = FakeProcess(socket_path, versions_or(reply))
    models = RemoteModels(socket_path, AUTHKEY, timeout_ms=60_000).load()
    found = models.signals(comment())
    assert found.failures == {"models": "error: the moderation process sent an unreadable answer"}
    assert models.signals(comment()).failures == {}  # a fresh connection, answered properly
    assert process.connections == 2
    process.close()


def test_an_answer_for_an_unknown_call_is_ignored(socket_path):
    def reply(call_id, name, args):
        return call_id, ("ok", args[0] * 2)

    def with_stray(call_id, name, args):
        if name == "double":
            # A stray answer first (a call this worker gave up on long ago), then the real one.
            return [(call_id + 1000, ("ok", "stray")), reply(call_id, name, args)]
        return versions_or(reply)(call_id, name, args)

    class StrayProcess(FakeProcess):
        def _serve(self, connection) -> None:
            while True:
                try:
                    call_id, name, args, _kwargs = connection.recv()
                except (EOFError, OSError):
                    return
                answer = self.reply(call_id, name, args)
                for message in answer if isinstance(answer, list) else [answer]:
                    connection.send(message)

    process = StrayProcess(socket_path, with_stray)
    models = RemoteModels(socket_path, AUTHKEY, timeout_ms=1000).load()
    assert models.double(21) == 42
    assert models.double(5) == 10
    process.close()


def test_loading_waits_for_a_process_that_starts_late(socket_path):
    result: dict = {}

    def load():
        result["models"] = RemoteModels(socket_path, AUTHKEY, timeout_ms=1000, connect_within_s=30).load()

    loader = threading.Thread(target=load)
    loader.start()
    time.sleep(0.5)
    assert loader.is_alive()  # still waiting: nothing listens yet
    process = FakeProcess(socket_path, versions_or(lambda call_id, name, args: None))
    loader.join(timeout=20)
    assert result["models"].versions == {"abuse": "fake@1"}
    process.close()


class Served:
    versions = {"abuse": "served@2"}

    def slow(self, seconds: float) -> str:
        time.sleep(seconds)
        return "done"


def test_the_process_keeps_serving_after_a_worker_leaves_before_its_answer(socket_path):
    threading.Thread(target=remote.serve_models, args=(socket_path, AUTHKEY, Served()), daemon=True).start()
    deadline = time.monotonic() + 10
    while not Path(socket_path).exists() and time.monotonic() < deadline:
        time.sleep(0.02)
    gc.unfreeze()  # serve_models freezes the collector for its process; this is the test run's
    leaving = Client(socket_path, family="AF_UNIX", authkey=AUTHKEY)
    leaving.send((1, "slow", (0.2,), {}))
    leaving.close()
    time.sleep(0.4)  # the answer to the worker that left could not be sent
    assert RemoteModels(socket_path, AUTHKEY, timeout_ms=1000).load().call("slow", 0.0) == "done"


def test_the_process_entry_point_reads_its_key_and_serves_the_loaded_models(monkeypatch, tmp_path):
    served: dict = {}

    class LoadedModels:
        def __init__(self, timeout_ms, models_dir, variant) -> None:
            served.update(timeout_ms=timeout_ms, models_dir=models_dir, variant=variant)

        def load(self):
            return self

    def serve(socket_path, authkey, models, loaded_in_s):
        served.update(socket=socket_path, authkey=authkey, models=models, loaded_in_s=loaded_in_s)

    monkeypatch.setattr(pipeline, "ModerationModels", LoadedModels)
    monkeypatch.setattr(remote, "serve_models", serve)
    monkeypatch.setattr(sys, "stdin", io.StringIO(AUTHKEY.hex() + "\n"))
    code = remote.main(["--socket", "s.sock", "--timeout-ms", "1500", "--models-dir", str(tmp_path), "--variant", "finetuned"])
    assert code == 0
    assert served["authkey"] == AUTHKEY and served["socket"] == "s.sock"
    assert (served["timeout_ms"], served["models_dir"], served["variant"]) == (1500, tmp_path, "finetuned")
    assert isinstance(served["models"], LoadedModels) and served["loaded_in_s"] >= 0
