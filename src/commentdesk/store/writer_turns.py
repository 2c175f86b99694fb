"""SQLite writers served in the order they arrive, across threads and processes.

SQLite lets one transaction write at a time. A writer that finds the lock taken waits in SQLite's
busy handler, which sleeps between tries, longer and longer (up to 100 ms a sleep): under a
steady stream of writers, a newcomer that asks while the lock happens to be free takes it at
once, while one that has waited long asks seldom and keeps losing. With 64 readers posting, half
the posts waited under 70 ms for the lock and one in a hundred waited about 5 s.

Here a connection takes a writer's turn before the statement that opens its write transaction
and gives it back when that transaction ends (commit, rollback, close). Within a process a freed
turn goes straight to the thread that has waited longest; between processes (the web workers of
`serve`, a command run beside the server) an exclusive flock on a file beside the database holds
the turn, and the kernel wakes a waiting process the moment it is given back instead of letting
it sleep. So SQLite's own lock is free whenever a writer asks for it, and writers pass it on
without a gap. Readers take no turn: in WAL mode they never wait for a writer.
"""

from __future__ import annotations

import fcntl
import logging
import os
import sqlite3
import threading
import time
from collections import deque

# First words of the statements that take SQLite's write lock (the driver opens its implicit
# transaction before INSERT, UPDATE, DELETE and REPLACE; the schema statements write too).
_WRITING = ("INSERT", "UPDATE", "DELETE", "REPLACE", "CREATE", "DROP", "ALTER")
LOCK_FILE_SUFFIX = "-writers"
_UNAVAILABLE = -1  # the lock file could not be opened

log = logging.getLogger(__name__)


class WriterTurns:
    """One database's writer turns in this process: `take` waits for one, `give_back` passes it on."""

    def __init__(self, lock_path: str) -> None:
        self.lock_path = lock_path
        self._lock = threading.Lock()
        self._taken = False
        self._waiting: deque[threading.Lock] = deque()  # each held until its thread is given the turn
        self._file: int | None = None

    def take(self, timeout_s: float) -> None:
        """Wait for the turn; raise sqlite3.OperationalError ("database is locked", as SQLite's
        own busy timeout does) when it has not come within `timeout_s`."""
        with self._lock:
            if not self._taken:
                self._taken = True
                turn = None
            else:
                turn = threading.Lock()
                turn.acquire()
                self._waiting.append(turn)
        if turn is not None and not turn.acquire(timeout=timeout_s):
            with self._lock:
                handed_over = turn not in self._waiting
                if not handed_over:
                    self._waiting.remove(turn)
            if not handed_over:
                raise sqlite3.OperationalError("database is locked")
            # The turn was handed over as the wait ran out: take it.
        try:
            self._lock_file()
        except BaseException:
            self._pass_on()
            raise

    def give_back(self) -> None:
        try:
            self._unlock_file()
        finally:
            self._pass_on()

    def _pass_on(self) -> None:
        with self._lock:
            if self._waiting:
                self._waiting.popleft().release()  # the turn stays taken, now by that thread
            else:
                self._taken = False

    def _lock_file(self) -> None:
        # Only the thread holding this process's turn gets here, so no two threads of one process
        # wait on the file together (a flock is shared by everything using the same open file).
        # The other processes' holders give the turn back when their short transaction ends.
        if self._file is None:
            try:
                # Read access is enough for a flock; the file stays empty.
                self._file = os.open(self.lock_path, os.O_RDONLY | os.O_CREAT, 0o644)
            except OSError as error:
                # Another user's file, a read-only folder: the processes then meet in SQLite's
                # busy handler, as before, and this process's threads still take turns.
                log.warning("cannot open %s (%s); writers of other processes are not ordered", self.lock_path, error)
                self._file = _UNAVAILABLE
        if self._file != _UNAVAILABLE:
            fcntl.flock(self._file, fcntl.LOCK_EX)

    def _unlock_file(self) -> None:
        if self._file is not None and self._file != _UNAVAILABLE:
            fcntl.flock(self._file, fcntl.LOCK_UN)


_turns: dict[str, WriterTurns] = {}
_turns_lock = threading.Lock()


def turns_for(database_path: str) -> WriterTurns:
    """The turns of the SQLite database at `database_path`, shared by every engine of this process."""
    lock_path = os.path.realpath(database_path) + LOCK_FILE_SUFFIX
    with _turns_lock:
        turns = _turns.get(lock_path)
        if turns is None:
            turns = _turns[lock_path] = WriterTurns(lock_path)
        return turns


def _forget_after_fork() -> None:
    # A forked child (a web worker) takes its turns itself: its parent's open lock files and
    # waiting threads are not its own.
    global _turns_lock
    for turns in _turns.values():
        if turns._file is not None and turns._file != _UNAVAILABLE:
            os.close(turns._file)
    _turns.clear()
    _turns_lock = threading.Lock()


os.register_at_fork(after_in_child=_forget_after_fork)


class TurnTakingConnection(sqlite3.Connection):
    """A sqlite3 connection that holds a writer's turn from its first write to the end of the
    transaction. `writer_turns` and `turn_timeout_s` are set right after connecting (store/db.py)."""

    writer_turns: WriterTurns | None = None
    turn_timeout_s: float = 10.0
    _holds_turn = False
    # The current (or last) write transaction's turn, for the debug timing of posts: how long its
    # first write waited for the turn, and when (time.perf_counter) it got it.
    turn_wait_s = 0.0
    turn_taken_at = 0.0

    def cursor(self, factory=None):
        return super().cursor(factory or TurnTakingCursor)

    # The driver's shortcuts run their statement without the cursor's methods: through them here.
    def execute(self, sql, parameters=(), /):
        return self.cursor().execute(sql, parameters)

    def executemany(self, sql, seq_of_parameters, /):
        return self.cursor().executemany(sql, seq_of_parameters)

    def before_statement(self, sql: str) -> None:
        if not self._holds_turn and self.writer_turns is not None and sql.lstrip()[:7].upper().startswith(_WRITING):
            asked = time.perf_counter()
            self.writer_turns.take(self.turn_timeout_s)
            self.turn_taken_at = time.perf_counter()
            self.turn_wait_s = self.turn_taken_at - asked
            self._holds_turn = True

    def held_turn(self) -> tuple[float, float] | None:
        """(seconds waited for the turn, time.perf_counter when taken) of the open write
        transaction; None when it holds no turn (nothing written yet)."""
        return (self.turn_wait_s, self.turn_taken_at) if self._holds_turn else None

    def after_statement(self) -> None:
        """A statement that leaves no transaction open (autocommit, or one that failed to begin)
        gives the turn back at once."""
        if self._holds_turn and not self.in_transaction:
            self._give_back()

    def commit(self) -> None:
        try:
            super().commit()
        finally:
            self.after_statement()

    def rollback(self) -> None:
        try:
            super().rollback()
        finally:
            self.after_statement()

    def close(self) -> None:
        try:
            super().close()
        finally:
            if self._holds_turn:
                self._give_back()

    def _give_back(self) -> None:
        self._holds_turn = False
        if self.writer_turns is not None:
            self.writer_turns.give_back()


class TurnTakingCursor(sqlite3.Cursor):
    def execute(self, sql, parameters=(), /):
        self.connection.before_statement(sql)
        try:
            return super().execute(sql, parameters)
        finally:
            self.connection.after_statement()

    def executemany(self, sql, seq_of_parameters, /):
        self.connection.before_statement(sql)
        try:
            return super().executemany(sql, seq_of_parameters)
        finally:
            self.connection.after_statement()
