"""`saylau publish`: the public site as static files (web/publish.py writes them)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from saylau.cli.common import DatabaseOption


def publish_command(
    election: Annotated[str | None, typer.Argument(
        metavar="ELECTION", show_default=False,
        help="election id (default: the only or latest election)")] = None,
    out: Annotated[Path, typer.Option("--out", metavar="DIR",
                                      help="directory to write (replaced)")] = Path("site"),
    workers: Annotated[int | None, typer.Option(
        min=1, max=64, show_default=False,
        help="processes rendering pages (default: the CPUs, at most 8)")] = None,
    database: DatabaseOption = None,
) -> None:
    """Write the public site and its data as static files.

    Every page in kk, ru and en, with relative links.

    Serve DIR from any static host, or with `python -m http.server`."""
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
