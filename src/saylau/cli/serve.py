"""`saylau serve`: the API (OpenAPI at /docs) and the public results pages, in one process or
in several (`--workers N`, docs/operations.md, "Serving").

With several workers every process opens the same store and shares what must be shared
through it: the transparency log's turn and order (store/log.py), and the failed
authentications per client address that the rate limit counts (store/auth_failures.py).
Nothing is kept only in one process's memory except caches rebuilt from the store.
"""

from __future__ import annotations

import os
import sys
from typing import TYPE_CHECKING, Annotated

import typer

from saylau import settings
from saylau.cli.common import DatabaseOption, open_store, reports_errors

if TYPE_CHECKING:
    from fastapi import FastAPI

WORKER_HEALTHCHECK = 120
"""Seconds uvicorn's supervisor waits for a worker to answer its health check before it kills
and replaces it. Its default (5 s) is shorter than a worker's start on a loaded 2-core machine
(the imports alone): the supervisor then killed every worker before it could answer, again
and again, and the server never served (seen in the fault tests under load)."""

WORKER_APP = "saylau.cli.serve:worker_app"
"""What each worker process imports and calls to build its application (uvicorn's factory)."""


def worker_app() -> FastAPI:
    """One worker's application, on the store named by $SAYLAU_DATABASE_URL (which `serve`
    sets to the store it opened and migrated before starting the workers)."""
    from saylau.api.app import create_app
    from saylau.services.context import Saylau

    _die_with_parent()
    return create_app(Saylau.open(settings.database_url(), migrate=False))


def _die_with_parent() -> None:
    """Linux: have the kernel kill this worker when the `saylau serve` process that started
    it dies, kill -9 included (prctl PR_SET_PDEATHSIG). Without it uvicorn's workers outlive
    a killed server and go on answering on its socket, so a server that was stopped still
    writes, and a restart on the same port fails. No library offers the call, hence ctypes."""
    if not sys.platform.startswith("linux"):
        return
    import ctypes
    import multiprocessing
    import signal

    pr_set_pdeathsig = 1
    ctypes.CDLL(None, use_errno=True).prctl(pr_set_pdeathsig, int(signal.SIGKILL))
    parent = multiprocessing.parent_process()
    if parent is not None and os.getppid() != parent.pid:  # it died before the call above
        os._exit(1)


@reports_errors
def serve(
    host: Annotated[str, typer.Option(help="address to listen on")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="port to listen on")] = 8000,
    workers: Annotated[int, typer.Option(
        min=1, max=64, help="server processes (uvicorn workers); they share the log and the "
        "rate limit through the store")] = 1,
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
    uvicorn.run(WORKER_APP, factory=True, workers=workers, host=host, port=port,
                log_level="info", timeout_worker_healthcheck=WORKER_HEALTHCHECK, **proxies)
