"""`saylau publish`: the public site as static files (web/publish.py writes them); with
`--live`, every unit's results JSON kept up to date while protocols arrive (web/live.py)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from saylau.cli.common import DatabaseOption


def publish_command(
    election: Annotated[str | None, typer.Argument(
        metavar="ELECTION", show_default=False,
        help="election id (default: the only or latest election)")] = None,
    out: Annotated[Path, typer.Option(
        "--out", metavar="DIR",
        help="directory to write (replaced; with --live: written into, never emptied)")
    ] = Path("site"),
    workers: Annotated[int | None, typer.Option(
        min=1, max=64, show_default=False,
        help="processes rendering pages (default: the CPUs, at most 8)")] = None,
    live: Annotated[bool, typer.Option(
        "--live", help="follow the store: write every unit's results JSON under "
        "DIR/results/ and rewrite the changed units' every --every seconds, until "
        "interrupted (DIR is not replaced)")] = False,
    every: Annotated[float, typer.Option(
        min=0.01, max=3600, metavar="SECONDS",
        help="with --live: seconds between passes")] = 1.0,
    depth: Annotated[int | None, typer.Option(
        min=0, max=64, show_default=False,
        help="with --live: the first pass writes the units down to this many levels below "
        "each contest's area (0: the area alone; default: every unit); a deeper unit's file "
        "is written when its figures change")] = None,
    gzip: Annotated[bool, typer.Option(
        "--gzip", help="with --live: also write each file gzipped beside it (.json.gz, for "
        "nginx's gzip_static)")] = False,
    passes: Annotated[int | None, typer.Option(
        min=1, show_default=False,
        help="with --live: stop after this many passes (default: run until interrupted)")] = None,
    database: DatabaseOption = None,
) -> None:
    """Write the public site and its data as static files.

    Every page in kk, ru and en, with relative links.

    Serve DIR from any static host, or with `python -m http.server`.

    With --live: every unit's results JSON, kept current while protocols arrive.

    Each file holds the bytes of GET /api/contests/C/results?unit=U (docs/operations.md)."""
    if live:
        _live(election, out, every, depth, gzip, passes, database)
        return
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, TimeElapsedColumn
    from rich.progress import Progress as Bar

    from saylau.cli.common import announce, print_error
    from saylau.domain.errors import SaylauError
    from saylau.services.context import Saylau
    from saylau.web.publish import publish

    console = Console(highlight=False, soft_wrap=True)
    app = Saylau.open(announce(database))
    try:
        with Bar("[progress.description]{task.description}", BarColumn(),
                 MofNCompleteColumn(), TimeElapsedColumn(), console=console,
                 transient=True) as bar:
            task = bar.add_task("pages", total=None)

            def tick(done: int, total: int) -> None:
                if done % 50 == 0 or done == total:
                    bar.update(task, completed=done, total=total)

            snap = publish(app, out, election, progress=tick, workers=workers)
    except SaylauError as exc:
        print_error(exc)
        raise typer.Exit(2) from None
    finally:
        app.engine.dispose()
    m = snap.manifest
    console.print(f"published {m['election']} to {snap.out}: {snap.pages:,} pages, "
                  f"{snap.files:,} files in {snap.seconds:.1f} s; record "
                  f"{m['record']['version']} as of {m['built_at']}")
    if m["record_changed_during_build"]:
        console.print("[yellow]protocols arrived while the snapshot was built: the figures "
                      "are those of the record named in manifest.json; station pages may "
                      "show later versions[/yellow]")


def _live(election: str | None, out: Path, every: float, depth: int | None, gzip: bool,
          passes: int | None, database: str | None) -> None:
    import signal
    import threading

    from saylau.cli.common import announce, err, print_error
    from saylau.domain.errors import SaylauError
    from saylau.services.context import Saylau
    from saylau.web.live import LivePublisher, Pass

    app = Saylau.open(announce(database))
    stop = threading.Event()
    if threading.current_thread() is threading.main_thread():  # a service manager's stop
        signal.signal(signal.SIGTERM, lambda _sig, _frame: stop.set())

    def said(p: Pass) -> None:
        if p.files:
            err.print(f"{p.files:,} files ({p.changed:,} units changed, {p.backlog:,} not "
                      f"written yet) in {p.seconds:.2f} s", markup=False)

    try:
        publisher = LivePublisher(app, out, election, every=every, depth=depth, gzip=gzip)
        err.print(f"following the store: {publisher.out}/results/, a pass every {every:g} s",
                  markup=False)
        publisher.run(stop, passes=passes, on_pass=said)
    except SaylauError as exc:
        print_error(exc)
        raise typer.Exit(2) from None
    except KeyboardInterrupt:
        stop.set()
    finally:
        app.engine.dispose()
