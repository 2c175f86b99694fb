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

import ipaddress
import json
import logging
import socket
import threading
import time
from collections import Counter
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
# With only a thread or two free (the others wait on slow receivers), how long after the last
# claim the next may be made: claims of one row each would cost more than the tries under load.
SMALL_CLAIM_GAP_S = 0.05
_DEFAULT_PORTS = {"http": 80, "https": 443}


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
        # Tries in flight per endpoint: the claim shares the threads out by it (outbox.shares).
        self._held: Counter[int] = Counter()
        self._claimed_at = 0.0
        self._workers: ThreadPoolExecutor | None = None
        self._client: httpx.Client | None = None
        # A commit that recorded an event wakes this process's deliverer at once.
        sqlalchemy_event.listen(sessions, "after_commit", self._after_commit)

    # --- running (services/background.py) -----------------------------------------------------

    def on_start(self) -> None:
        self._in_flight = 0
        self._held.clear()
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
            held = dict(self._held)
        # Under load, claim for several free threads at once: one claim transaction per
        # delivery would cost as much as the deliveries themselves on SQLite. A thread or two
        # free while the others wait on slow receivers is claimed for after a short pause, so
        # that other endpoints' deliveries never wait for those receivers.
        if room < 1 or (room < max(1, self.threads // 2) and time.monotonic() - self._claimed_at < SMALL_CLAIM_GAP_S):
            return False
        self._claimed_at = time.monotonic()
        with self._database, self.sessions() as session:
            claimed = outbox.claim_due(
                session,
                self.name,
                self.lease_s,
                room,
                held=held,
                share=max(1, self.threads // 2),
                most=max(1, self.threads - 1),
            )
        for delivery in claimed:
            with self._lock:
                self._in_flight += 1
                self._held[delivery.endpoint_id] += 1
            workers.submit(self._deliver, delivery)
        return len(claimed) == room  # there may be more due right now

    # --- one try -------------------------------------------------------------------------------

    def _deliver(self, delivery: outbox.Claimed) -> None:
        try:
            status_code, error = self._post(delivery)
            with self._database, self.sessions() as session:
                if status_code is not None and 200 <= status_code < 300:
                    outbox.mark_delivered(session, delivery.delivery_id, self.name, status_code, delivery.endpoint_id)
                    return
                attempts = delivery.attempts + 1
                retry_at = (
                    None
                    if attempts >= self.max_attempts
                    else utcnow() + timedelta(seconds=backoff_s(attempts, self.retry_base_s))
                )
                outbox.mark_failed_try(
                    session,
                    delivery.delivery_id,
                    self.name,
                    status_code=status_code,
                    error=error,
                    next_attempt_at=retry_at,
                    # A receiver that is down or asks for time: the endpoint's other deliveries
                    # wait as long, as they would fail too, each holding a thread and using up a
                    # try for nothing. A refusal of this one event (400, 500…) holds up no other.
                    endpoint_id=delivery.endpoint_id,
                    endpoint_backoff_until=retry_at if receiver_unavailable(status_code) else None,
                )
        except Exception:
            log.exception(
                "webhook delivery %s: could not record the try; it is tried again when its lease runs out", delivery.delivery_id
            )
        finally:
            with self._lock:
                self._in_flight -= 1
                if self._held[delivery.endpoint_id] > 1:
                    self._held[delivery.endpoint_id] -= 1
                else:
                    self._held.pop(delivery.endpoint_id, None)
            self.wake()  # a thread is free

    def _post(self, delivery: outbox.Claimed) -> tuple[int | None, str]:
        """One signed POST; (HTTP status or None, what went wrong). The answer's body is never read."""
        body = request_body(delivery.payload)
        headers = webhook_signature.headers(delivery.secret, delivery.event_id, body)
        headers["Commentdesk-Attempt"] = str(delivery.attempts + 1)
        client = self._client
        if client is None:
            return None, "the deliverer is stopping"
        late = f"no answer within {self.timeout_s:g} s"
        deadline = _TryDeadline(self.timeout_s)
        try:
            with deadline:
                url = httpx.URL(delivery.url)
                host = url.raw_host.decode("ascii")
                try:
                    # The name is looked up here, within the try's time, rather than by httpx:
                    # a resolver that hangs would hold the thread past the deadline, which only
                    # a connected socket can be made to give up.
                    addresses = _resolve_within(host, url.port or _DEFAULT_PORTS.get(url.scheme, 80), deadline.left_s())
                except TimeoutError:
                    return None, f"the host name was not resolved within {self.timeout_s:g} s"
                # The receiver still sees its own name: in the Host header, and in TLS (the name
                # its certificate is checked against).
                headers["Host"] = url.netloc.decode("ascii")
                extensions: dict = {"trace": deadline.trace}
                if url.scheme == "https":
                    extensions["sni_hostname"] = host
                for index, address in enumerate(addresses):
                    try:
                        with client.stream(
                            "POST", url.copy_with(host=address), content=body, headers=headers, extensions=extensions
                        ) as response:
                            code = response.status_code
                        break
                    except httpx.ConnectError:
                        # The next address of the name, as a connection by name would try it.
                        if index == len(addresses) - 1 or deadline.expired:
                            raise
        except httpx.TimeoutException:
            return None, late
        except (httpx.HTTPError, httpx.InvalidURL, OSError, ValueError) as error:
            # ValueError: a host name the resolver cannot take (an endpoint saved before such
            # names were refused); OSError: one it does not know. A failed try like any other,
            # counted, so it ends as failed.
            if deadline.expired:
                return None, late
            return None, f"{type(error).__name__}: {error}" if str(error) else type(error).__name__
        if 200 <= code < 300:
            return code, ""
        return code, f"answered HTTP {code}"


# Answers that speak for the receiver as a whole rather than for one event: too many requests,
# and a gateway or server saying it cannot serve now.
UNAVAILABLE_ANSWERS = frozenset({429, 502, 503, 504})


def receiver_unavailable(status_code: int | None) -> bool:
    """Whether a failed try says the receiver is down (no answer at all) or asks for time."""
    return status_code is None or status_code in UNAVAILABLE_ANSWERS


def resolve(host: str, port: int) -> list[str]:
    """The addresses of `host`, in the order the system's resolver gives them, each once."""
    found = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    return list(dict.fromkeys(str(info[4][0]) for info in found))


def _resolve_within(host: str, port: int, seconds: float) -> list[str]:
    """`resolve`, given up on after `seconds` (TimeoutError). The lookup runs on a thread of its
    own, which a resolver that never answers keeps: the delivery thread is free at the deadline."""
    try:
        ipaddress.ip_address(host.strip("[]"))
        return [host.strip("[]")]  # an address already: nothing to look up
    except ValueError:
        pass
    outcome: list = []
    done = threading.Event()

    def look_up() -> None:
        try:
            outcome.append(resolve(host, port))
        except BaseException as error:  # handed to the waiting try
            outcome.append(error)
        done.set()

    threading.Thread(target=look_up, name="webhook-resolve", daemon=True).start()
    if not done.wait(max(0.0, seconds)):
        raise TimeoutError(host)
    if isinstance(outcome[0], BaseException):
        raise outcome[0]
    if not outcome[0]:
        raise OSError(f"no address for {host}")
    return outcome[0]


class _TryDeadline:
    """Ends one try at the time limit, however slowly the receiver answers. httpx's timeout
    bounds each read on its own, so a receiver sending its answer a byte every few seconds
    would hold the try for hours, past its lease (another server would send it again) and past
    the server's stop. When the time is up, a timer shuts the try's socket down, which ends the
    read in progress with an error."""

    def __init__(self, seconds: float) -> None:
        self.expired = False
        self._ends_at = time.monotonic() + seconds
        self._socket: socket.socket | None = None
        self._lock = threading.Lock()
        self._timer = threading.Timer(seconds, self._expire)
        self._timer.daemon = True

    def __enter__(self) -> _TryDeadline:
        self._timer.start()
        return self

    def left_s(self) -> float:
        return max(0.0, self._ends_at - time.monotonic())

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
