"""`saylau export ...`: publish an election's results as open data (docs/open-data.md).

    saylau export csv  [ELECTION] --out DIR     one CSV file per contest and level, plus
                                                contests.csv and options.csv
    saylau export json [ELECTION] --out DIR     one JSON file per contest and level, plus
                                                election.json and a decision file per contest
    saylau export cdf  [ELECTION] --out FILE    the NIST SP 1500-100 v2 election report

ELECTION defaults to the only (or the latest) election. An unknown election, like any
SaylauError, is reported on stderr with exit code 2.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from pathlib import Path
from typing import Annotated, ParamSpec, TypeVar

import typer
from rich.console import Console

from saylau.domain.errors import NotFound, SaylauError
from saylau.services.context import Saylau

P = ParamSpec("P")
R = TypeVar("R")

export_app = typer.Typer(
    help="Publish results as open data: CSV, JSON, or NIST SP 1500-100 v2 (CDF) JSON.",
    no_args_is_help=True,
    add_completion=False,
)

out = Console(highlight=False, soft_wrap=True)

ElectionArg = Annotated[str | None, typer.Argument(
    help="election id (default: the only or latest election)", show_default=False)]


def _reports_errors(fn: Callable[P, R]) -> Callable[P, R]:
    """A SaylauError becomes the same report as every other command's, and exit code 2."""

    @functools.wraps(fn)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
        from saylau.cli.main import EXIT_ERROR, print_error

        try:
            return fn(*args, **kwargs)
        except SaylauError as exc:
            print_error(exc)
            raise typer.Exit(EXIT_ERROR) from None

    return wrapper


def _election_id(s: Saylau, election: str | None) -> str:
    """The election to export; an unknown one is refused naming those that exist."""
    from saylau.services.elections import get_election, list_elections

    if election is None:
        return get_election(s).id
    known = [e.id for e in list_elections(s)]
    if election not in known:
        raise NotFound(
            f"no election {election!r}; "
            + (f"elections: {', '.join(known)}" if known else "no election exists yet"),
            code="election_unknown", details={"election": election, "known": known},
        )
    return election


def _write_directory(election: str | None, out_dir: Path, fmt: str) -> None:
    from saylau.services.export import election_snapshots, open_data_files

    s = Saylau.open()
    try:
        e, snaps = election_snapshots(s, _election_id(s, election))
    finally:
        s.engine.dispose()
    files = open_data_files(e, snaps, fmt)
    out_dir.mkdir(parents=True, exist_ok=True)
    for name, text in files.items():
        # newline="": the CSV text already ends its rows with CRLF (RFC 4180)
        with (out_dir / name).open("w", encoding="utf-8", newline="") as f:
            f.write(text)
    out.print(f"wrote {len(files)} {fmt.upper()} files of election {e.id} to {out_dir}")


@export_app.command("csv")
@_reports_errors
def export_csv(
    out_dir: Annotated[Path, typer.Option("--out", file_okay=False,
                                          help="directory to write (created if missing)")],
    election: ElectionArg = None,
) -> None:
    """One CSV file per contest and level (UTF-8 with a byte-order mark)."""
    _write_directory(election, out_dir, "csv")


@export_app.command("json")
@_reports_errors
def export_json(
    out_dir: Annotated[Path, typer.Option("--out", file_okay=False,
                                          help="directory to write (created if missing)")],
    election: ElectionArg = None,
) -> None:
    """One JSON file per contest and level, an index (election.json) and the decisions."""
    _write_directory(election, out_dir, "json")


@export_app.command("cdf")
@_reports_errors
def export_cdf(
    out_file: Annotated[Path, typer.Option("--out", dir_okay=False,
                                           help="the .json file to write")],
    election: ElectionArg = None,
    test: Annotated[bool, typer.Option(
        "--test", help="mark the report as a test (IsTest), e.g. for demo data")] = False,
) -> None:
    """The NIST SP 1500-100 v2 election report (JSON), precinct level."""
    from saylau.services.export import cdf_json, cdf_report, election_snapshots

    s = Saylau.open()
    try:
        e, snaps = election_snapshots(s, _election_id(s, election))
        now = s.clock()
    finally:
        s.engine.dispose()
    text = cdf_json(cdf_report(e, snaps, now, is_test=test))
    if out_file.parent != Path():
        out_file.parent.mkdir(parents=True, exist_ok=True)
    out_file.write_text(text, encoding="utf-8")
    out.print(f"wrote the CDF report of election {e.id} to {out_file}")
