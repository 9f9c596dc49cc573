"""`saylau serve --workers N`: the failed-authentication limit holds across worker processes
(issue 11, item 6; docs/operations.md, "Serving").

A real `saylau serve` with one and with two workers, on SQLite and PostgreSQL. Every attempt is
a fresh connection, so the kernel hands it to whichever worker accepts first; the test finds
that worker by the server side of the connection (/proc: the socket's inode among the
workers' open files), and goes on until both workers have answered. The limit's first 429
comes after exactly as many failures as with one worker, and a worker refuses with 429 although
it saw fewer failures itself than the limit: the count is shared (store/auth_failures.py).
"""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import sys
from pathlib import Path

import pytest

from saylau.services.context import Saylau
from saylau.store.auth_failures import DatabaseWindows, failures
from tests.integration.support import children, start_saylau, wait_ready

pytestmark = pytest.mark.skipif(not sys.platform.startswith("linux"),
                                reason="finds each connection's worker through /proc")

LIMIT = 4
TRIES = 400
"""At most this many attempts (each a fresh connection) to see both workers answer."""


def _socket_inode(server_port: int, client_port: int) -> str | None:
    """The inode of the server's end of the loopback connection from `client_port`."""
    for line in Path("/proc/net/tcp").read_text().splitlines()[1:]:
        fields = line.split()
        local, remote = fields[1], fields[2]
        if (int(local.split(":")[1], 16) == server_port
                and int(remote.split(":")[1], 16) == client_port):
            return fields[9]
    return None


def _owner(pids: list[int], inode: str) -> int | None:
    target = f"socket:[{inode}]"
    for pid in pids:
        try:
            fds = os.listdir(f"/proc/{pid}/fd")
        except OSError:
            continue
        for fd in fds:
            try:
                if os.readlink(f"/proc/{pid}/fd/{fd}") == target:
                    return pid
            except OSError:
                continue
    return None


def _attempt(port: int, server: int, one_process: bool) -> tuple[int, int | None]:
    """One failed authentication on a fresh connection: (status, the worker that answered)."""
    with socket.create_connection(("127.0.0.1", port), timeout=10) as s:
        s.sendall(b"GET /api/whoami HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                  b"Authorization: Bearer sl_guess\r\n\r\n")
        head = b""
        while b"\r\n" not in head:
            chunk = s.recv(4096)
            assert chunk, "the server closed the connection without an answer"
            head += chunk
        status = int(head.split(b" ", 2)[1])
        inode = _socket_inode(port, s.getsockname()[1])
        if inode is None:
            return status, None
        return status, _owner([server] if one_process else children(server), inode)


def _stop(proc: subprocess.Popen[bytes]) -> None:
    workers = children(proc.pid)  # the processes this test started, to leave none behind
    proc.send_signal(signal.SIGINT)  # the command stops its workers and exits
    try:
        proc.wait(timeout=20)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait(timeout=10)
        for pid in workers:  # none should be left; never leave one listening
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGKILL)


@pytest.mark.parametrize("workers", [1, 2])
def test_the_failed_authentication_limit_holds_across_workers(
    db_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, workers: int
) -> None:
    monkeypatch.setenv("SAYLAU_AUTH_FAILURES", f"{LIMIT}/minute")
    log = tmp_path / "server.log"
    base, proc = start_saylau(db_url, log, workers=workers)
    port = int(base.rsplit(":", 1)[1])
    answers: list[tuple[int, int | None]] = []
    try:
        wait_ready(base, proc, log)
        while len(answers) < TRIES and (
                len(answers) < 2 * LIMIT
                or len({w for _, w in answers[LIMIT:]}) < workers):
            answers.append(_attempt(port, proc.pid, one_process=workers == 1))
    finally:
        _stop(proc)
    statuses = [s for s, _ in answers]
    assert statuses == [401] * LIMIT + [429] * (len(answers) - LIMIT), statuses
    answered = {w for _, w in answers}
    assert None not in answered, "an answer's worker was not found"
    assert len(answered) == workers, (workers, answered)
    if workers > 1:
        # every worker refuses once the limit is reached, whatever share of the failures it
        # answered itself (counted per process, one that saw fewer would answer 401)
        assert {w for s, w in answers if s == 429} == answered


def test_the_window_in_the_store_moves_with_the_clock(saylau: Saylau) -> None:
    """The storage alone, on the context's clock: the limit's places, the window's start, a
    place freed when its entry leaves the window, and the rows of passed windows deleted."""
    now = [1_000.0]
    windows = DatabaseWindows(read=saylau.read, write=saylau.write, now=lambda: now[0])
    assert windows.get_moving_window("k", 3, 60) == (1_000.0, 0)
    for k in range(3):
        now[0] = 1_000.0 + 10 * k
        assert windows.acquire_entry("k", 3, 60)
    assert not windows.acquire_entry("k", 3, 60)  # full: 1000, 1010, 1020 within 60 s
    assert windows.acquire_entry("other", 3, 60)  # another key has its own window
    assert windows.get_moving_window("k", 3, 60) == (1_000.0, 3)
    now[0] = 1_060.5  # the entry of 1000 has left the window
    assert windows.get_moving_window("k", 3, 60) == (1_010.0, 2)
    assert windows.acquire_entry("k", 3, 60)
    with saylau.read() as conn:
        kept = [(r["limit_key"], r["at_ms"]) for r in failures(conn)]
    assert kept == [("k", 1_010_000), ("k", 1_020_000), ("other", 1_020_000),
                    ("k", 1_060_500)]  # the row of 1000 is gone
    assert not windows.acquire_entry("k", 5, 60, amount=6)
    windows.clear("other")
    assert windows.get_moving_window("other", 3, 60)[1] == 0
    assert windows.check()


@pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)
def test_workers_die_with_a_killed_server(db_url: str, tmp_path: Path) -> None:
    """kill -9 of `saylau serve --workers 2` leaves no worker answering on its port (the
    kernel kills them with it: cli/serve.py); without that, uvicorn's workers outlive it."""
    import httpx

    from tests.integration.support import kill_9

    log = tmp_path / "server.log"
    base, proc = start_saylau(db_url, log, workers=2)
    try:
        wait_ready(base, proc, log)
        workers = children(proc.pid)
        assert len(workers) >= 2, workers
    except BaseException:
        _stop(proc)
        raise
    kill_9(proc)  # waits for the workers to be gone; fails naming any that is not
    with pytest.raises(httpx.TransportError):
        httpx.get(f"{base}/healthz", timeout=2)


def _listening(port: int) -> int:
    """How many sockets listen on 127.0.0.1:`port` (/proc/net/tcp, state 0A)."""
    return sum(1 for line in Path("/proc/net/tcp").read_text().splitlines()[1:]
               if int(line.split()[1].split(":")[1], 16) == port and line.split()[3] == "0A")


@pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)
def test_keep_alive_clients_are_spread_over_the_workers(db_url: str, tmp_path: Path) -> None:
    """Each worker listens on a socket of its own on the port (SO_REUSEPORT, cli/serve.py), so
    the kernel spreads connections opened at once over the workers. With one socket shared by
    the workers, one of them took all 8 keep-alive connections of a load test and the other
    none. 16 connections all landing on one of two workers by an even hash: about 1 in
    30,000."""
    import time

    log = tmp_path / "server.log"
    base, proc = start_saylau(db_url, log, workers=2)
    conns: list[socket.socket] = []
    try:
        wait_ready(base, proc, log)
        port = int(base.rsplit(":", 1)[1])
        deadline = time.monotonic() + 90
        while _listening(port) < 2:  # the second worker may still be starting
            assert time.monotonic() < deadline, f"{_listening(port)} socket(s) listen on {port}"
            time.sleep(0.2)
        conns = [socket.create_connection(("127.0.0.1", port), timeout=10) for _ in range(16)]
        for c in conns:  # a request on each: each connection is accepted and answered
            c.sendall(b"GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
            assert c.recv(4096).startswith(b"HTTP/1.1 200")
        owners = [_owner(children(proc.pid), inode) if (inode := _socket_inode(
            port, c.getsockname()[1])) is not None else None for c in conns]
        assert None not in owners, owners
        assert len(set(owners)) == 2, f"every connection went to one worker: {owners}"
    finally:
        for c in conns:
            c.close()
        _stop(proc)


@pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)
def test_a_killed_worker_is_replaced(db_url: str, tmp_path: Path) -> None:
    """kill -9 of one worker: the command starts another in its place and goes on serving."""
    import time

    import httpx

    log = tmp_path / "server.log"
    base, proc = start_saylau(db_url, log, workers=2)
    try:
        wait_ready(base, proc, log)
        workers = children(proc.pid)
        assert len(workers) == 2, workers
        os.kill(workers[0], signal.SIGKILL)
        deadline = time.monotonic() + 90
        while True:
            now = children(proc.pid)
            if len(now) == 2 and workers[0] not in now:
                break
            assert time.monotonic() < deadline, f"no worker replaced {workers[0]}: {now}"
            time.sleep(0.2)
        assert proc.poll() is None
        assert httpx.get(f"{base}/healthz", timeout=10).status_code == 200
        assert "exited with -9: replacing it" in log.read_text()
    finally:
        _stop(proc)
