"""`saylau serve`: the API (OpenAPI at /docs) and the public results pages, in one process or
in several (`--workers N`, docs/operations.md, "Serving").

With several workers every process opens the same store and shares what must be shared
through it: the transparency log's turn and order (store/log.py), and the failed
authentications per client address that the rate limit counts (store/auth_failures.py).
Nothing is kept only in one process's memory except caches rebuilt from the store.
"""

from __future__ import annotations

import os
import socket
import sys
from typing import TYPE_CHECKING, Annotated, Any

import typer

from saylau import settings
from saylau.cli.common import DatabaseOption, open_store, reports_errors

if TYPE_CHECKING:
    from fastapi import FastAPI

WORKER_APP = "saylau.cli.serve:worker_app"
"""What each worker process imports and calls to build its application (uvicorn's factory)."""


def worker_app() -> FastAPI:
    """One worker's application, on the store named by $SAYLAU_DATABASE_URL (which `serve`
    sets to the store it opened and migrated before starting the workers)."""
    from saylau.api.app import create_app
    from saylau.services.context import Saylau

    return create_app(Saylau.open(settings.database_url(), migrate=False))


RESTART_PAUSE = 1.0
"""Seconds the supervisor waits before replacing a worker that died within `QUICK_DEATH`
seconds of its start (a worker that cannot start is not restarted in a tight loop)."""
QUICK_DEATH = 5.0
STOP_GRACE = 30.0
"""Seconds stopped workers get to finish their requests before they are killed."""


def _listening_socket(host: str, port: int, *, listen: bool) -> socket.socket:
    """A TCP socket bound to (host, port) with SO_REUSEPORT: every worker binds its own, and
    the kernel spreads new connections evenly over the listening ones (by a hash of the
    connection's addresses). With one socket shared by all workers, as uvicorn's own
    supervisor does, the worker that happened to be in accept() took every connection a
    client opened at once: with 8 keep-alive clients one worker served all 8 and the other
    none (seen with ss -tnp; docs/benchmarks.md, "Live submissions")."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    try:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEPORT, 1)
        sock.bind((host, port))
        if listen:
            sock.listen(2048)
    except BaseException:
        sock.close()
        raise
    return sock


def _worker_main(args: str) -> None:
    """One worker process (`python -c`, started by `_supervise`): its own listening socket
    (SO_REUSEPORT) and a uvicorn server on it, serving `worker_app`. `args` is JSON: host,
    port, uvicorn's proxy options, and the supervisor's pid (a worker whose supervisor died
    before the kernel was told to kill it with it exits at once)."""
    import json

    import uvicorn

    a = json.loads(args)
    if os.getppid() != a["parent"]:
        os._exit(1)
    # bound, not yet listening: uvicorn listens once the application is built, so no
    # connection waits in the queue of a worker that is still starting (or fails to start)
    sock = _listening_socket(a["host"], a["port"], listen=False)
    config = uvicorn.Config(WORKER_APP, factory=True, host=a["host"], port=a["port"],
                            log_level="info", **a["proxies"])
    uvicorn.Server(config).run(sockets=[sock])


def _supervise(workers: int, host: str, port: int, proxies: dict[str, Any]) -> None:
    """Run `workers` worker processes until SIGINT or SIGTERM; replace any that dies.

    Why by hand: uvicorn's supervisor shares one listening socket between its workers (see
    `_listening_socket`) and offers no per-worker socket; this loop only starts, watches and
    stops processes, each worker being a plain uvicorn server. The address is held (bound,
    not listening: the kernel hands connections to listening sockets only) for as long as
    the command runs, so a port already taken fails here, at once, with the OS's error."""
    import json
    import logging
    import signal
    import subprocess
    import threading
    import time

    log = logging.getLogger("uvicorn.error")
    held = _listening_socket(host, port, listen=False)
    stop = threading.Event()
    for sig in (signal.SIGINT, signal.SIGTERM):
        signal.signal(sig, lambda *_: stop.set())
    args = json.dumps({"host": host, "port": port, "proxies": proxies, "parent": os.getpid()})
    code = f"from saylau.cli.serve import _worker_main; _worker_main({args!r})"
    linux = sys.platform.startswith("linux")

    def start() -> tuple[subprocess.Popen[bytes], float]:
        proc = subprocess.Popen(  # noqa: S603 - this interpreter, fixed code, JSON arguments
            [sys.executable, "-c", code],
            preexec_fn=_kill_me_with_parent if linux else None)  # noqa: PLW1509 - no threads yet
        log.info("started worker process [%s]", proc.pid)
        return proc, time.monotonic()

    procs = [start() for _ in range(workers)]
    log.info("serving on http://%s:%d with %d workers (SO_REUSEPORT)", host, port, workers)
    try:
        while not stop.wait(0.5):
            for k, (proc, started) in enumerate(procs):
                if proc.poll() is None:
                    continue
                log.warning("worker process [%s] exited with %s: replacing it", proc.pid,
                            proc.returncode)
                if time.monotonic() - started < QUICK_DEATH and stop.wait(RESTART_PAUSE):
                    break
                procs[k] = start()
    finally:
        for proc, _ in procs:
            if proc.poll() is None:
                proc.terminate()  # SIGTERM: uvicorn finishes the requests in flight
        deadline = time.monotonic() + STOP_GRACE
        for proc, _ in procs:
            try:
                proc.wait(max(0.0, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()
        held.close()


def _kill_me_with_parent() -> None:
    """Linux: have the kernel kill this process when its parent dies, kill -9 included (prctl
    PR_SET_PDEATHSIG). Run in each worker between fork and exec (`subprocess.Popen`'s
    preexec_fn), so it holds from the worker's first instruction, before its imports (a
    worker killed with its server while still importing, under load, once outlived it by
    more than 10 s when the call came after them). The setting survives exec. No library
    offers the call, hence ctypes."""
    import ctypes
    import signal

    pr_set_pdeathsig = 1
    ctypes.CDLL(None, use_errno=True).prctl(pr_set_pdeathsig, int(signal.SIGKILL))


@reports_errors
def serve(
    host: Annotated[str, typer.Option(help="address to listen on")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="port to listen on")] = 8000,
    workers: Annotated[int, typer.Option(
        min=1, max=64, help="server processes, each a uvicorn server on its own socket of the "
        "same port (SO_REUSEPORT); they share the log and the rate limit through the "
        "store")] = 1,
    trusted_proxies: Annotated[str, typer.Option(
        envvar="SAYLAU_TRUSTED_PROXIES",
        help="reverse proxies whose X-Forwarded-For names the client (comma-separated IPs "
        "or networks); default none: the client is the connection's peer")] = "",
    database: DatabaseOption = None,
) -> None:
    """Serve the API (OpenAPI at /docs) and the public results pages."""
    import uvicorn

    from saylau.api.app import create_app
    from saylau.api.proxies import trusted_proxies as checked
    from saylau.api.proxies import uvicorn_proxy_options

    proxies = uvicorn_proxy_options(checked(trusted_proxies))
    if workers == 1:
        uvicorn.run(create_app(open_store(database)), host=host, port=port, log_level="info",
                    **proxies)
        return
    store = open_store(database)  # announced and migrated once, before any worker starts
    url = store.engine.url.render_as_string(hide_password=False)
    store.engine.dispose()
    settings.pass_on_database_url(url)  # the workers' store: the one announced above
    _supervise(workers, host, port, proxies)
