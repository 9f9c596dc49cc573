"""`saylau export ...`: publish an election's results as open data (docs/open-data.md).

    saylau export csv  [ELECTION] --out DIR     one CSV file per contest and level, plus
                                                contests.csv and options.csv
    saylau export json [ELECTION] --out DIR     one JSON file per contest and level, plus
                                                election.json and a decision file per contest
    saylau export cdf  [ELECTION] --out DIR     the NIST SP 1500-100 v2 election report,
                                                DIR/{election}.cdf.json

Every export writes into a directory: created when missing, used as it is when it exists (files
of the same name in it are replaced); `open-data` and `open-data/` are the same directory.
ELECTION defaults to the only (or the latest) election. An unknown election, like any
SaylauError, is reported on stderr with exit code 2, and nothing is written.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from saylau.cli.common import DatabaseOption, open_store, out, reports_errors
from saylau.domain.errors import ValidationFailed
from saylau.services.context import Saylau

export_app = typer.Typer(
    help="Publish results as open data: CSV, JSON, or NIST SP 1500-100 v2 (CDF) JSON.",
    no_args_is_help=True,
    add_completion=False,
)

ElectionArg = Annotated[str | None, typer.Argument(
    metavar="ELECTION", help="election id (default: the only or latest election)",
    show_default=False)]
OutDir = Annotated[Path, typer.Option(
    "--out", metavar="DIR", help="directory to write into (created when missing)")]


def _election_id(s: Saylau, election: str | None) -> str:
    """The election to export; an unknown one is refused naming those that exist."""
    from saylau.domain.lookup import missing
    from saylau.services.elections import get_election, list_elections

    if election is None:
        return get_election(s).id
    known = [e.id for e in list_elections(s)]
    if election not in known:
        raise missing("election", known, election, code="election_unknown", message=(
            f"no election {election!r}; "
            + (f"elections: {', '.join(known)}" if known else "no election exists yet")))
    return election


def _directory(out_dir: Path) -> Path:
    """`out_dir`, made when missing; a file there is refused (nothing is written)."""
    if out_dir.exists() and not out_dir.is_dir():
        raise ValidationFailed(
            f"--out {out_dir} is a file; every export writes into a directory",
            code="export_target", details={"field": "out", "expected": "a directory",
                                           "actual": f"the file {out_dir}"})
    out_dir.mkdir(parents=True, exist_ok=True)
    return out_dir


def _write_directory(s: Saylau, election: str | None, out_dir: Path, fmt: str) -> None:
    from saylau.services.export import election_snapshots, open_data_files
    from saylau.services.observation.compare import published_comparison

    e, snaps = election_snapshots(s, _election_id(s, election))
    files = open_data_files(e, snaps, fmt, published_comparison(s, e.id))
    _directory(out_dir)
    for name, text in files.items():
        # newline="": the CSV text already ends its rows with CRLF (RFC 4180)
        with (out_dir / name).open("w", encoding="utf-8", newline="") as f:
            f.write(text)
    out.print(f"wrote {len(files)} {fmt.upper()} files of election {e.id} to {out_dir}")


@export_app.command("csv")
@reports_errors
def export_csv(
    out_dir: OutDir,
    election: ElectionArg = None,
    database: DatabaseOption = None,
) -> None:
    """One CSV file per contest and level (UTF-8 with a byte-order mark)."""
    _write_directory(open_store(database), election, out_dir, "csv")


@export_app.command("json")
@reports_errors
def export_json(
    out_dir: OutDir,
    election: ElectionArg = None,
    database: DatabaseOption = None,
) -> None:
    """One JSON file per contest and level, an index (election.json) and the decisions."""
    _write_directory(open_store(database), election, out_dir, "json")


@export_app.command("cdf")
@reports_errors
def export_cdf(
    out_dir: OutDir,
    election: ElectionArg = None,
    test: Annotated[bool, typer.Option(
        "--test", help="mark the report as a test (IsTest), e.g. for demo data")] = False,
    database: DatabaseOption = None,
) -> None:
    """The NIST SP 1500-100 v2 election report (JSON), precinct level.

    Written to DIR/{election}.cdf.json."""
    from saylau.services.export import cdf_json, cdf_report, election_snapshots, file_stem

    s = open_store(database)
    e, snaps = election_snapshots(s, _election_id(s, election))
    text = cdf_json(cdf_report(e, snaps, s.clock(), is_test=test))
    path = _directory(out_dir) / f"{file_stem(e.id)}.cdf.json"
    path.write_text(text, encoding="utf-8")
    out.print(f"wrote the CDF report of election {e.id} to {path}")
