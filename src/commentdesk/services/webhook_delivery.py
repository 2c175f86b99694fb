"""The webhook deliverer: a background thread in every server process that POSTs due deliveries.

Deliveries are rows written with their event (services/events.py), so none is lost when a
receiver is down or a server stops. A deliverer claims due rows under a lease
(store/outbox.claim_due), makes one signed POST for each with a time limit, and records the
answer: 2xx is delivered; anything else is tried again later, with exponential backoff and
jitter, until `max_attempts` tries have failed, when the delivery is marked failed for a
moderator to see (and send again by hand). A server killed mid-delivery leaves its claims to
run out; any server then takes them again. That is at-least-once delivery: a receiver that
answered but whose answer never got recorded sees the event again, with the same event id.

No database connection is held during an HTTP call: the claim commits first, each result is
written in its own short transaction.
"""

from __future__ import annotations

import json
import logging
import socket
import threading
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta

import httpx
from sqlalchemy import event as sqlalchemy_event
from sqlalchemy.orm import Session, sessionmaker

from commentdesk import __version__
from commentdesk.services import events, webhook_signature
from commentdesk.services.background import BackgroundLoop, doubling, retry_delay_s
from commentdesk.store import outbox
from commentdesk.store.models import utcnow

log = logging.getLogger(__name__)

# Database connections the deliverer uses at once; the server's pool keeps room for them
# (config.BACKGROUND_CONNECTIONS).
DELIVERER_CONNECTIONS = 2
RETRY_MAX_S = 3600.0


def backoff_s(attempts: int, base_s: float, cap_s: float = RETRY_MAX_S) -> float:
    """Seconds before the next try after `attempts` failed ones: doubling from `base_s`, capped,
    with jitter (half to all of it) so that receivers coming back are not hit all at once."""
    return retry_delay_s(attempts, doubling(base_s, cap_s, attempts), jitter=(0.5, 1.0))


def request_body(payload: dict) -> bytes:
    return json.dumps(payload, ensure_ascii=False, separators=(",", ":")).encode()


class WebhookDeliverer(BackgroundLoop):
    thread_name = "webhook-deliverer"

    def __init__(
        self,
        sessions: sessionmaker[Session],
        *,
        timeout_s: float = 10.0,
        max_attempts: int = 12,
        retry_base_s: float = 10.0,
        poll_s: float = 1.0,
        threads: int = 8,
        lease_s: float | None = None,
        name: str | None = None,
    ) -> None:
        if timeout_s <= 0 or max_attempts < 1 or retry_base_s < 0 or threads < 1:
            raise ValueError("webhook timeout, attempts and threads must be positive")
        super().__init__(poll_s=poll_s, name=name)
        self.sessions = sessions
        self.timeout_s, self.max_attempts, self.retry_base_s = timeout_s, max_attempts, retry_base_s
        self.threads = threads
        # Longer than any one try can take (_TryDeadline ends each at the timeout), so a live
        # server never loses a claim mid-try: no renewal is needed.
        self.lease_s = lease_s if lease_s is not None else 4 * timeout_s + 10
        # Each try in flight ends within its timeout.
        self.stop_wait_s = timeout_s + 5
        self._database = threading.BoundedSemaphore(DELIVERER_CONNECTIONS)
        self._in_flight = 0
        self._workers: ThreadPoolExecutor | None = None
        self._client: httpx.Client | None = None
        # A commit that recorded an event wakes this process's deliverer at once.
        sqlalchemy_event.listen(sessions, "after_commit", self._after_commit)

    # --- running (services/background.py) -----------------------------------------------------

    def on_start(self) -> None:
        self._in_flight = 0
        self._client = httpx.Client(
            timeout=httpx.Timeout(self.timeout_s),
            follow_redirects=False,
            trust_env=False,
            # A new connection for every try, so that _TryDeadline holds the socket of each: a
            # receiver cannot answer once and then trickle its answers on a kept connection.
            limits=httpx.Limits(max_keepalive_connections=0),
            headers={"User-Agent": f"commentdesk-webhooks/{__version__}"},
        )
        self._workers = ThreadPoolExecutor(max_workers=self.threads, thread_name_prefix="webhook")

    def on_stop(self) -> None:
        """Let the tries in flight finish (each is bounded by the timeout); those not started are
        given back with the claims."""
        if self._workers is not None:
            self._workers.shutdown(wait=True, cancel_futures=True)
        if self._client is not None:
            self._client.close()
        self._workers = self._client = None

    def release_leases(self) -> None:
        with self._database, self.sessions() as session:
            outbox.release(session, self.name)

    def _after_commit(self, session: Session) -> None:
        if session.info.pop(events.RECORDED_FLAG, False):
            self.wake()

    def work_round(self) -> bool:
        workers = self._workers  # this loop's pool, even while stop() lets go of it
        if workers is None:
            return False
        with self._lock:
            room = self.threads - self._in_flight
        # Under load, claim for several free threads at once: one claim transaction per
        # delivery would cost as much as the deliveries themselves on SQLite.
        if room < max(1, self.threads // 2):
            return False
        with self._database, self.sessions() as session:
            claimed = outbox.claim_due(session, self.name, self.lease_s, room)
        for delivery in claimed:
            with self._lock:
                self._in_flight += 1
            workers.submit(self._deliver, delivery)
        return len(claimed) == room  # there may be more due right now

    # --- one try -------------------------------------------------------------------------------

    def _deliver(self, delivery: outbox.Claimed) -> None:
        try:
            status_code, error = self._post(delivery)
            with self._database, self.sessions() as session:
                if status_code is not None and 200 <= status_code < 300:
                    outbox.mark_delivered(session, delivery.delivery_id, self.name, status_code)
                    return
                attempts = delivery.attempts + 1
                retry_at = (
                    None
                    if attempts >= self.max_attempts
                    else utcnow() + timedelta(seconds=backoff_s(attempts, self.retry_base_s))
                )
                outbox.mark_failed_try(
                    session, delivery.delivery_id, self.name, status_code=status_code, error=error, next_attempt_at=retry_at
                )
        except Exception:
            log.exception(
                "webhook delivery %s: could not record the try; it is tried again when its lease runs out", delivery.delivery_id
            )
        finally:
            with self._lock:
                self._in_flight -= 1
            self.wake()  # a thread is free

    def _post(self, delivery: outbox.Claimed) -> tuple[int | None, str]:
        """One signed POST; (HTTP status or None, what went wrong). The answer's body is never read."""
        body = request_body(delivery.payload)
        headers = webhook_signature.headers(delivery.secret, delivery.event_id, body)
        headers["Commentdesk-Attempt"] = str(delivery.attempts + 1)
        client = self._client
        if client is None:
            return None, "the deliverer is stopping"
        deadline = _TryDeadline(self.timeout_s)
        try:
            with (
                deadline,
                client.stream(
                    "POST", delivery.url, content=body, headers=headers, extensions={"trace": deadline.trace}
                ) as response,
            ):
                code = response.status_code
        except httpx.TimeoutException:
            return None, f"no answer within {self.timeout_s:g} s"
        except (httpx.HTTPError, httpx.InvalidURL, ValueError) as error:
            # ValueError: a host name the resolver cannot take (an endpoint saved before such
            # names were refused); a failed try like any other, counted, so it ends as failed.
            if deadline.expired:
                return None, f"no answer within {self.timeout_s:g} s"
            return None, f"{type(error).__name__}: {error}" if str(error) else type(error).__name__
        if 200 <= code < 300:
            return code, ""
        return code, f"answered HTTP {code}"


class _TryDeadline:
    """Ends one try at the time limit, however slowly the receiver answers. httpx's timeout
    bounds each read on its own, so a receiver sending its answer a byte every few seconds
    would hold the try for hours, past its lease (another server would send it again) and past
    the server's stop. When the time is up, a timer shuts the try's socket down, which ends the
    read in progress with an error."""

    def __init__(self, seconds: float) -> None:
        self.expired = False
        self._socket: socket.socket | None = None
        self._lock = threading.Lock()
        self._timer = threading.Timer(seconds, self._expire)
        self._timer.daemon = True

    def __enter__(self) -> _TryDeadline:
        self._timer.start()
        return self

    def __exit__(self, *_exc: object) -> None:
        self._timer.cancel()

    def trace(self, name: str, info: dict) -> None:
        """httpcore's trace hook: note the socket of the try's connection as soon as it exists."""
        if name == "connection.connect_tcp.complete":
            with self._lock:
                self._socket = info["return_value"].get_extra_info("socket")
                if self.expired:
                    self._shut_down()

    def _expire(self) -> None:
        with self._lock:
            self.expired = True
            self._shut_down()

    def _shut_down(self) -> None:
        if self._socket is not None:
            try:
                self._socket.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass  # closed already
