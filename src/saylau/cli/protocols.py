"""`saylau protocols ...`: protocols in bulk."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.progress import Progress

from saylau.cli.common import CLI_ACTOR, DatabaseOption, err, open_store, out, reports_errors

protocols_app = typer.Typer(help="Protocols in bulk.", no_args_is_help=True)


@protocols_app.command("import")
@reports_errors
def protocols_import(
    contest: Annotated[str, typer.Argument(metavar="CONTEST",
                                           help="contest id, e.g. ref-2022.referendum")],
    file: Annotated[Path, typer.Argument(exists=True, dir_okay=False, readable=True,
                                         metavar="FILE.csv", help="the protocols")],
    database: DatabaseOption = None,
) -> None:
    """Import protocols from CSV: all rows or none.

    The columns are described in docs/protocols-csv.md.

    Every refused row and every warning is printed: line, field, expected and actual value."""
    from saylau.cli.common import row_line
    from saylau.domain.access import Principal, Role
    from saylau.services.bulk import import_protocols

    s = open_store(database)
    with Progress(transient=True, console=err) as progress:
        progress.add_task(f"checking and storing {file.name}", total=None)
        rep = import_protocols(s, Principal(CLI_ACTOR, Role.ADMIN), contest, file.read_bytes())
    out.print(f"{rep.rows:,} rows: {rep.accepted:,} accepted ({rep.flagged:,} with warnings), "
              f"{rep.unchanged:,} unchanged")
    for w in rep.warnings:
        out.print(row_line(w, "warning"), markup=False)
