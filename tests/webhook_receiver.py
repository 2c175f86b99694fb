"""A real webhook receiver on loopback for the tests and the webhook bench: records every request
and when it arrived, checks signatures, can take a while to answer, and can fail (answer 500) or
hold requests until the test lets them go."""

from __future__ import annotations

import json
import threading
import time
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from commentdesk.services import webhook_signature


@dataclass
class Received:
    event_id: str
    body: dict
    signed: bool
    answered: int
    attempt: int
    arrived_at: float  # wall-clock seconds, taken before any hold or delay


class Receiver:
    def __init__(self, secret: str = "", delay_s: float = 0.0) -> None:
        self.secret = secret
        self.delay_s = delay_s  # how long each answer takes, as a slow receiver's would
        self.requests: list[Received] = []
        self.failing = False
        self.hold = threading.Event()  # while set, requests wait for `release`
        self.release = threading.Event()
        self.held = threading.Event()  # a request is being held
        self._lock = threading.Lock()
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                raw = self.rfile.read(int(self.headers.get("Content-Length", "0")))
                arrived_at = time.time()
                signed = bool(receiver.secret) and webhook_signature.verify(
                    receiver.secret,
                    raw,
                    self.headers.get("Commentdesk-Timestamp", ""),
                    self.headers.get("Commentdesk-Signature", ""),
                )
                if receiver.hold.is_set():
                    receiver.held.set()
                    receiver.release.wait(60)
                time.sleep(receiver.delay_s)
                answer = 500 if receiver.failing else 204
                with receiver._lock:
                    receiver.requests.append(
                        Received(
                            self.headers.get("Commentdesk-Event-Id", ""),
                            json.loads(raw),
                            signed,
                            answer,
                            int(self.headers.get("Commentdesk-Attempt", "0")),
                            arrived_at,
                        )
                    )
                self.send_response(answer)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *_args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/hooks/commentdesk"
        self._thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self) -> Receiver:
        self._thread.start()
        return self

    def __exit__(self, *_exc) -> None:
        self.release.set()
        self.server.shutdown()
        self.server.server_close()

    def accepted(self) -> list[Received]:
        """Requests answered 2xx, in arrival order."""
        with self._lock:
            return [request for request in self.requests if request.answered < 300]

    def accepted_ids(self) -> set[str]:
        return {request.event_id for request in self.accepted()}

    def first_arrivals(self) -> dict[str, float]:
        """When each event id first arrived, whatever the answer."""
        with self._lock:
            requests = list(self.requests)
        first: dict[str, float] = {}
        for request in requests:
            first.setdefault(request.event_id, request.arrived_at)
        return first
