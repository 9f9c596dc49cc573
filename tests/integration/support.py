"""Helpers of the integration tests: a client with one token per role, and valid protocols.

Everything goes through public entry points: the services build the country, the election and
the tokens; the API (FastAPI's TestClient on `create_app`) does the rest.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import uvicorn
from fastapi import FastAPI
from fastapi.testclient import TestClient

from saylau.services.context import Saylau
from saylau.services.tokens import create_token

ROLES = ("admin", "territorial", "precinct", "observer",
         "party", "ministry",  # parties wing (issue 13): a party scoped to PARTY_SCOPE
         "auditor")  # risk-limiting audits (issue 15)
"""The tokens each test api has, in the order they are issued."""
PARTY_SCOPE = "alpha"
"""The party whose token the matrix uses (parties wing)."""
TERRITORIAL_SCOPE = "KZ-71"
"""A top-level unit (Astana): the territorial commission's scope."""
PRECINCT_STATION = "KZ-71-D0-S0"
"""The precinct commission's own station (below KZ-71)."""
STATION_BELOW_TERRITORY = "KZ-71-D1-S0"
"""Another station below KZ-71: the territorial commission may write for it."""
STATION_ELSEWHERE = "KZ-75-D0-S0"
"""A station outside KZ-71 (Almaty)."""


def scope_of(role: str) -> str | None:
    return {"territorial": TERRITORIAL_SCOPE, "precinct": PRECINCT_STATION,
            "party": PARTY_SCOPE}.get(role)


def protocol(
    station: str, registered: int, *, issued: int | None = None, in_boxes: int | None = None,
    yes: int | None = None, invalid: int | None = None, both_marked: int | None = None,
    **extra: Any,
) -> dict[str, Any]:
    """A protocol that passes every check (no warning either) unless figures are overridden:
    the list as loaded, every ballot received accounted for, the boxes adding up."""
    issued = registered * 7 // 10 if issued is None else issued
    in_boxes = issued if in_boxes is None else in_boxes
    invalid = in_boxes // 50 if invalid is None else invalid
    both_marked = in_boxes // 100 if both_marked is None else both_marked
    valid = in_boxes - invalid - both_marked
    yes = valid * 3 // 4 if yes is None else yes
    body: dict[str, Any] = {
        "station": station, "registered": registered, "ballots_received": registered,
        "ballots_issued": issued, "ballots_cancelled": registered - issued,
        "ballots_in_boxes": in_boxes, "invalid": invalid, "both_marked": both_marked,
        "votes": {"yes": yes, "no": valid - yes},
    }
    body.update(extra)
    return body


@dataclass
class Api:
    """A client on the app, the store under it, the contest, and a token per role."""

    client: TestClient = field(repr=False)
    saylau: Saylau = field(repr=False)
    contest: str
    tokens: dict[str, str] = field(repr=False)

    def auth(self, role: str | None) -> dict[str, str]:
        return {} if role is None else {"Authorization": f"Bearer {self.tokens[role]}"}

    def registered(self, station: str) -> int:
        from saylau.domain.ids import UnitId

        return self.saylau.geography().unit(UnitId(station)).registered

    def protocol(self, station: str, **overrides: Any) -> dict[str, Any]:
        return protocol(station, self.registered(station), **overrides)

    def body(self, of: str, **fields: Any) -> dict[str, Any]:
        """A valid protocol of station `of` with some body fields replaced as they are."""
        return {**self.protocol(of), **fields}

    @property
    def protocols_url(self) -> str:
        return f"/api/contests/{self.contest}/protocols"

    def submit(self, body: dict[str, Any], role: str | None = "admin") -> Any:
        return self.client.post(self.protocols_url, json=body, headers=self.auth(role))

    def history(self, station: str, role: str = "admin") -> list[dict[str, Any]]:
        r = self.client.get(f"/api/contests/{self.contest}/stations/{station}/protocols",
                            headers=self.auth(role))
        assert r.status_code == 200, r.text
        out: list[dict[str, Any]] = r.json()
        return out

    def results(self, unit: str | None = None) -> dict[str, Any]:
        params = {} if unit is None else {"unit": unit}
        r = self.client.get(f"/api/contests/{self.contest}/results", params=params)
        assert r.status_code == 200, r.text
        out: dict[str, Any] = r.json()
        return out


def make_api(app: Saylau, contest: str) -> Api:
    tokens = {role: create_token(app, f"{role}-commission", role, scope_of(role))
              for role in ROLES}
    from saylau.api.app import create_app

    return Api(TestClient(create_app(app), raise_server_exceptions=False), app, contest, tokens)


def error_of(response: Any) -> dict[str, Any]:
    """The error envelope's inner object; fails when the body is not the envelope."""
    body = response.json()
    assert set(body) == {"error"}, body
    err: dict[str, Any] = body["error"]
    assert {"code", "message", "details"} <= set(err), err
    assert isinstance(err["message"], str)
    assert err["message"]
    return err


def names_field(err: dict[str, Any], field: str, value: Any = None) -> bool:
    """True when the error's details name `field` (and, when given, its value `value`):
    as {"field", "actual"}, as {field: value}, among request errors, rows or findings."""
    details = err.get("details") or {}
    candidates: list[dict[str, Any]] = [details]
    for key in ("errors", "rows", "findings"):
        candidates.extend(x for x in details.get(key, []) if isinstance(x, dict))
    for c in candidates:
        if c.get("field") == field and (value is None or _same(c.get("actual"), value)):
            return True
        numbers = c.get("numbers")
        if c.get("field") == field and isinstance(numbers, dict) and field in numbers and (
            _same(numbers[field], value)
        ):
            return True
        if field in c and (value is None or _same(c[field], value)):
            return True
    return False


def _same(actual: Any, value: Any) -> bool:
    if actual == value:
        return True
    # numbers beyond JSON's safe integers come back as strings
    return isinstance(value, int) and not isinstance(value, bool) and actual == str(value)


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


@contextmanager
def serving(app: FastAPI) -> Iterator[str]:
    """Serve `app` with a real uvicorn server in a thread; yields its base URL."""
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    server = uvicorn.Server(uvicorn.Config(app, log_level="warning", lifespan="off"))
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    try:
        for _ in range(500):
            if server.started:
                break
            threading.Event().wait(0.01)
        assert server.started, "uvicorn did not start"
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=10)
        sock.close()


# --- a real `saylau serve` in a subprocess ----------------------------------------------------


def start_saylau(
    db_url: str, log: Path, port: int | None = None, workers: int = 1
) -> tuple[str, subprocess.Popen[bytes]]:
    """Start `saylau serve` (the real CLI) in a subprocess on `db_url`'s store, on `port` (a
    free one by default), with `workers` processes, its output appended to `log`. Returns
    (base URL, process) at once, before the server answers: see `wait_ready`."""
    port = free_port() if port is None else port
    env = {**os.environ, "SAYLAU_DATABASE_URL": db_url}
    with log.open("ab") as out:
        proc = subprocess.Popen(
            [sys.executable, "-m", "saylau.cli.main", "serve", "--host", "127.0.0.1",
             "--port", str(port), *(["--workers", str(workers)] if workers > 1 else [])],
            env=env, stdout=out, stderr=subprocess.STDOUT,
        )
    return f"http://127.0.0.1:{port}", proc


def wait_ready(base: str, proc: subprocess.Popen[bytes], log: Path, timeout: float = 90) -> None:
    """Wait until the server at `base` answers /healthz; fails when it exits or is too slow.
    90 s: a server's start (imports, migrations) took over 30 s on a loaded 2-core machine."""
    deadline = time.monotonic() + timeout
    while True:
        assert proc.poll() is None, f"the server exited: {log.read_text()[-2000:]}"
        try:
            if httpx.get(f"{base}/healthz", timeout=1).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        assert time.monotonic() < deadline, f"the server did not start: {log.read_text()[-4000:]}"
        time.sleep(0.05)


def children(pid: int) -> list[int]:
    """The processes whose parent is `pid` (Linux: read from /proc; [] elsewhere)."""
    out = []
    if not Path("/proc").is_dir():
        return out
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            stat = Path(f"/proc/{entry}/stat").read_text()
        except OSError:
            continue
        # the command may hold spaces and parentheses: the fields after the last ')' are plain
        if int(stat.rpartition(")")[2].split()[1]) == pid:
            out.append(int(entry))
    return out


def _gone(pid: int) -> bool:
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return True
    return stat.rpartition(")")[2].split()[0] in ("Z", "X")  # a zombie serves nothing


def kill_9(proc: subprocess.Popen[bytes]) -> None:
    """SIGKILL of the server process: no shutdown, no flushing, requests in flight are cut.
    Its workers (`--workers N`) are not signalled here: the kernel kills them when it dies
    (cli/serve.py); this waits until they are gone and fails when one outlives it by 10 s (a
    worker left would go on writing behind the checks that follow)."""
    workers = children(proc.pid) if proc.poll() is None else []
    if proc.poll() is None:
        proc.kill()
    proc.wait(timeout=10)
    deadline = time.monotonic() + 10
    while left := [w for w in workers if not _gone(w)]:
        assert time.monotonic() < deadline, f"worker(s) {left} outlived the killed server"
        time.sleep(0.01)


@contextmanager
def saylau_serve(db_url: str, log: Path, port: int | None = None) -> Iterator[
        tuple[str, subprocess.Popen[bytes]]]:
    """`saylau serve` in a subprocess; yields (base URL, process) once it answers, and kills
    it (SIGKILL) when the block ends if it still runs."""
    base, proc = start_saylau(db_url, log, port)
    try:
        wait_ready(base, proc, log)
        yield base, proc
    finally:
        kill_9(proc)
