"""SQLite writers take turns in the order they arrive, across threads and processes
(store/writer_turns.py): a writer that has waited is never overtaken by a newcomer."""

from __future__ import annotations

import sqlite3
import threading

import pytest
from sqlalchemy import text

from commentdesk.store.db import make_engine
from commentdesk.store.writer_turns import WriterTurns, turns_for
from waiting import wait_until


def _waiting(turns: WriterTurns) -> int:
    return len(turns._waiting)


def _writer(turns: WriterTurns, name: str, served: list[str]) -> threading.Thread:
    def write() -> None:
        turns.take(timeout_s=30)
        served.append(name)
        turns.give_back()

    thread = threading.Thread(target=write)
    thread.start()
    return thread


def test_waiting_writers_are_served_in_arrival_order_and_a_newcomer_queues_behind_them(tmp_path):
    turns = WriterTurns(str(tmp_path / "db-writers"))
    served: list[str] = []
    turns.take(timeout_s=1)
    threads = []
    for number, name in enumerate(["first", "second", "third"], 1):
        threads.append(_writer(turns, name, served))
        wait_until(lambda number=number: _waiting(turns) == number)
    turns.give_back()
    threads.append(_writer(turns, "newcomer", served))
    for thread in threads:
        thread.join(timeout=30)
    assert served[:3] == ["first", "second", "third"]
    assert sorted(served) == ["first", "newcomer", "second", "third"]


def test_a_writer_that_waits_too_long_is_told_the_database_is_locked_and_leaves_the_queue(tmp_path):
    turns = WriterTurns(str(tmp_path / "db-writers"))
    served: list[str] = []
    turns.take(timeout_s=1)
    with pytest.raises(sqlite3.OperationalError, match="database is locked"):
        turns.take(timeout_s=0.01)
    assert _waiting(turns) == 0
    later = _writer(turns, "later", served)
    wait_until(lambda: _waiting(turns) == 1)
    turns.give_back()
    later.join(timeout=30)
    assert served == ["later"]


def test_the_turn_excludes_writers_holding_the_lock_file_open_separately_as_another_process_does(tmp_path):
    path = str(tmp_path / "db-writers")
    here, elsewhere = WriterTurns(path), WriterTurns(path)  # two open files: the flock tells them apart
    served: list[str] = []
    here.take(timeout_s=1)
    other = _writer(elsewhere, "other process", served)
    other.join(timeout=0.2)
    assert other.is_alive() and served == []  # still waiting for the file lock
    here.give_back()
    other.join(timeout=30)
    assert served == ["other process"]


def test_without_a_usable_lock_file_the_threads_of_a_process_still_take_turns(tmp_path, caplog):
    turns = WriterTurns(str(tmp_path / "missing folder" / "db-writers"))
    served: list[str] = []
    turns.take(timeout_s=1)  # writes go on; only other processes are left to SQLite's busy handler
    assert "writers of other processes are not ordered" in caplog.text
    waiting = _writer(turns, "waiting", served)
    wait_until(lambda: _waiting(turns) == 1)
    turns.give_back()
    waiting.join(timeout=30)
    assert served == ["waiting"]


@pytest.fixture
def engine(tmp_path):
    engine = make_engine(f"sqlite:///{tmp_path / 'turns.sqlite3'}")
    with engine.begin() as connection:
        connection.execute(text("CREATE TABLE entries (id INTEGER PRIMARY KEY, name TEXT)"))
    yield engine
    engine.dispose()


def _insert_and_commit(engine, name: str) -> threading.Thread:
    def write() -> None:
        with engine.begin() as connection:
            connection.execute(text("INSERT INTO entries (name) VALUES (:name)"), {"name": name})

    thread = threading.Thread(target=write)
    thread.start()
    return thread


def test_write_transactions_commit_in_the_order_their_writers_arrived_and_readers_never_wait(engine, tmp_path):
    turns = turns_for(str(tmp_path / "turns.sqlite3"))
    holder = engine.connect()
    transaction = holder.begin()
    holder.execute(text("INSERT INTO entries (name) VALUES ('holder')"))  # holds the turn until it commits
    threads = []
    for number, name in enumerate(["first", "second", "third"], 1):
        threads.append(_insert_and_commit(engine, name))
        wait_until(lambda number=number: _waiting(turns) == number)
    with engine.connect() as reader:  # WAL: a reader sees the last commit without waiting
        assert reader.execute(text("SELECT count(*) FROM entries")).scalar() == 0
    transaction.commit()
    holder.close()
    for thread in threads:
        thread.join(timeout=30)
    with engine.connect() as reader:
        names = reader.execute(text("SELECT name FROM entries ORDER BY id")).scalars().all()
    assert names == ["holder", "first", "second", "third"]


def test_a_rolled_back_or_abandoned_transaction_gives_its_turn_back(engine):
    with engine.connect() as connection:
        connection.begin()
        connection.execute(text("INSERT INTO entries (name) VALUES ('undone')"))
        connection.rollback()
    abandoned = engine.connect()
    abandoned.begin()
    abandoned.execute(text("INSERT INTO entries (name) VALUES ('abandoned')"))
    abandoned.close()  # back to the pool, which rolls it back
    writer = _insert_and_commit(engine, "kept")
    writer.join(timeout=30)
    assert not writer.is_alive()
    with engine.connect() as reader:
        assert reader.execute(text("SELECT name FROM entries")).scalars().all() == ["kept"]
