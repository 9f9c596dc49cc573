"""SQLite's writers wait for the write lock in the kernel (store.db.sqlite_writer_turn): a
second writer is blocked on the `<database>.writers` flock until the first one's transaction
has ended, instead of sleeping in SQLite's busy handler; a write inside a write does not wait
for itself; PostgreSQL and in-memory databases take no such lock."""

from __future__ import annotations

import fcntl
import os
import stat
import threading
import time
from pathlib import Path

import pytest
from sqlalchemy import text

from saylau.services.context import Saylau
from saylau.store import db


def test_a_second_writer_waits_for_the_first_and_then_writes(tmp_path: Path) -> None:
    app = Saylau.open(f"sqlite:///{tmp_path / 's.db'}")
    try:
        with app.write() as conn:
            conn.execute(text("CREATE TABLE t (n INTEGER)"))
        order: list[str] = []
        inside, release = threading.Event(), threading.Event()

        def first() -> None:
            with app.write() as conn:
                conn.execute(text("INSERT INTO t VALUES (1)"))
                order.append("first in")
                inside.set()
                assert release.wait(30)
                order.append("first out")

        def second() -> None:
            with app.write() as conn:
                order.append("second in")
                conn.execute(text("INSERT INTO t VALUES (2)"))

        a = threading.Thread(target=first)
        a.start()
        assert inside.wait(30)
        b = threading.Thread(target=second)
        b.start()
        # the first holds the writers' lock for its whole transaction: no one else gets it
        lock = tmp_path / "s.db.writers"
        fd = os.open(lock, os.O_RDWR)
        try:
            with pytest.raises(BlockingIOError):
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        finally:
            os.close(fd)
        time.sleep(0.3)
        assert order == ["first in"]  # the second is still waiting for it
        release.set()
        a.join(30)
        b.join(30)
        assert order == ["first in", "first out", "second in"]
        with app.read() as conn:
            assert sorted(n for (n,) in conn.execute(text("SELECT n FROM t"))) == [1, 2]
        assert stat.S_IMODE(os.stat(lock).st_mode) == db.PRIVATE
    finally:
        app.engine.dispose()


def test_a_write_inside_a_write_does_not_wait_for_itself(tmp_path: Path) -> None:
    app = Saylau.open(f"sqlite:///{tmp_path / 's.db'}")
    done = threading.Event()

    def nested() -> None:
        with db.sqlite_writer_turn(app.engine), db.sqlite_writer_turn(app.engine):
            done.set()

    try:
        t = threading.Thread(target=nested, daemon=True)
        t.start()
        assert done.wait(10), "a nested writer's turn waited for its own"
    finally:
        app.engine.dispose()


def test_which_databases_take_the_writers_lock(tmp_path: Path) -> None:
    assert db._writers_file(f"sqlite:///{tmp_path / 's.db'}") == tmp_path / "s.db.writers"
    assert db._writers_file("sqlite://") is None  # in memory: one connection, nothing to share
    assert db._writers_file("postgresql://postgres@127.0.0.1/x") is None  # its own locks
