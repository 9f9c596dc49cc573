"""`saylau import ...`: load results published elsewhere through a documented column mapping.

    saylau import russia-2020 ru2020_constitutional_vote.csv [--on-bad-rows strict|skip|reject]
        [--id ru-2020] [--report REPORT.json] [--protocols-csv PROTOCOLS.csv] [--dry-run]
    saylau import russia-2011 ru2011_duma.csv [same options; --id ru-2011]
    saylau import russia-2012 ru2012_president.csv [same options; --id ru-2012]

The mapping is described in docs/importers.md. Every row that cannot be imported as it is gets
reported with its line, field, expected and actual values; `--on-bad-rows` chooses between
refusing the file (strict, the default: exit code 2, nothing stored), importing the rest
(skip) and importing the rest while recording the refused protocols as rejections (reject).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console

from saylau.cli.common import DatabaseOption, open_store, reports_errors
from saylau.importers import russia2020 as ru
from saylau.importers import russia_cec

import_app = typer.Typer(
    help="Import real results published elsewhere (mappings: docs/importers.md).",
    no_args_is_help=True,
    add_completion=False,
)

out = Console(highlight=False)
err = Console(stderr=True, highlight=False, soft_wrap=True)
SHOWN = 50


@import_app.command("russia-2020")
@reports_errors
def russia_2020(
    file: Annotated[Path, typer.Argument(exists=True, dir_okay=False, readable=True,
                                         metavar="FILE.csv",
                                         help="ru2020_constitutional_vote.csv")],
    on_bad_rows: Annotated[ru.OnBadRows, typer.Option(
        help="strict: refuse the file if any row is bad; skip: import the rest; reject: import "
        "the rest and record the refused protocols as rejections")] = ru.OnBadRows.STRICT,
    election_id: Annotated[str, typer.Option(
        "--id", "--election-id", help="id of the election to create")] = ru.ELECTION_ID,
    report: Annotated[Path | None, typer.Option(
        metavar="FILE", help="write every problem and note as JSON here")] = None,
    protocols_csv: Annotated[Path | None, typer.Option(
        metavar="FILE", help="write the importable protocols in saylau's protocol CSV format "
        "here")] = None,
    dry_run: Annotated[bool, typer.Option(
        "--dry-run", help="map and report only; store nothing")] = False,
    database: DatabaseOption = None,
) -> None:
    """Russia's nationwide vote on constitutional amendments of 1 July 2020.

    Loads its geography (regions, territorial commissions, stations), question and protocols."""
    _load("russia-2020", file, on_bad_rows, election_id, report, protocols_csv, dry_run,
          database)


def _file(name: str) -> Any:
    return typer.Argument(exists=True, dir_okay=False, readable=True, metavar="FILE.csv",
                          help=name)


BadRowsOption = Annotated[ru.OnBadRows, typer.Option(
    help="strict: refuse the file if any row is bad; skip: import the rest; reject: import the "
    "rest and record the refused protocols as rejections")]
ReportOption = Annotated[Path | None, typer.Option(
    metavar="FILE", help="write every problem and note as JSON here")]
ProtocolsOption = Annotated[Path | None, typer.Option(
    metavar="FILE", help="write the importable protocols in saylau's protocol CSV format here")]
DryRunOption = Annotated[bool, typer.Option("--dry-run", help="map and report only; store "
                                            "nothing")]


@import_app.command("russia-2011")
@reports_errors
def russia_2011(
    file: Annotated[Path, _file("ru2011_duma.csv")],
    on_bad_rows: BadRowsOption = ru.OnBadRows.STRICT,
    election_id: Annotated[str, typer.Option(
        "--id", "--election-id", help="id of the election to create")] = "ru-2011",
    report: ReportOption = None,
    protocols_csv: ProtocolsOption = None,
    dry_run: DryRunOption = False,
    database: DatabaseOption = None,
) -> None:
    """Russia's State Duma election of 4 December 2011 (party lists), ru2011_duma.csv.

    Loads its geography, the seven party lists (450 seats, 7%, Hare) and the protocols."""
    _load("russia-2011", file, on_bad_rows, election_id, report, protocols_csv, dry_run,
          database)


@import_app.command("russia-2012")
@reports_errors
def russia_2012(
    file: Annotated[Path, _file("ru2012_president.csv")],
    on_bad_rows: BadRowsOption = ru.OnBadRows.STRICT,
    election_id: Annotated[str, typer.Option(
        "--id", "--election-id", help="id of the election to create")] = "ru-2012",
    report: ReportOption = None,
    protocols_csv: ProtocolsOption = None,
    dry_run: DryRunOption = False,
    database: DatabaseOption = None,
) -> None:
    """Russia's presidential election of 4 March 2012, ru2012_president.csv.

    Loads its geography, the five candidates and the protocols."""
    _load("russia-2012", file, on_bad_rows, election_id, report, protocols_csv, dry_run,
          database)


def _load(kind: str, file: Path, on_bad_rows: ru.OnBadRows, election_id: str,
          report: Path | None, protocols_csv: Path | None, dry_run: bool,
          database: str | None) -> None:
    s = None if dry_run else open_store(database)
    if kind == "russia-2020":
        m = ru.map_file(file.read_bytes(), election_id=election_id)
    else:
        m = russia_cec.map_file(kind, file.read_bytes(), election_id=election_id)
    summary = m.report()
    out.print(
        f"{m.rows:,} rows: {summary['regions']} regions, {summary['districts']:,} "
        f"territorial commissions, {summary['stations']:,} stations; "
        f"{len(m.accepted):,} protocols pass every check, {len(m.bad_lines):,} rows are bad, "
        f"{len(m.notes):,} notes"
    )
    _show("bad row", [p.as_dict() for p in m.problems], err)
    _show("note", [p.as_dict() for p in m.notes], out)
    if report is not None:
        report.write_text(json.dumps(summary, ensure_ascii=False, indent=1) + "\n",
                          encoding="utf-8")
        out.print(f"wrote the report to {report}")
    if protocols_csv is not None:
        protocols_csv.write_bytes(m.protocols_csv())
        out.print(f"wrote {len(m.accepted):,} protocols to {protocols_csv} "
                  f"(`saylau protocols import {m.contest.id} {protocols_csv}`)")
    if s is None:
        return
    from saylau.services.imports import load_russia_2020, load_russia_cec

    if kind == "russia-2020":
        loaded = load_russia_2020(s, b"", on_bad_rows=on_bad_rows, election_id=election_id,
                                  mapping=m)
    else:
        loaded = load_russia_cec(s, kind, b"", on_bad_rows=on_bad_rows,
                                 election_id=election_id, mapping=m)
    out.print(
        f"loaded into contest {loaded.contest}: {loaded.accepted:,} protocols accepted "
        f"({loaded.flagged:,} with warnings), {len(m.bad_lines):,} bad rows left out"
        + (f", {loaded.rejections_recorded:,} recorded as rejections"
           if on_bad_rows is ru.OnBadRows.REJECT else "")
    )


def _show(what: str, rows: list[dict[str, object]], console: Console) -> None:
    for r in rows[:SHOWN]:
        console.print(f"  {what}: line {r['line']}: {r['field']} ({r['code']}): expected "
                      f"{r['expected']}, got {r['actual']!s}: {r['message']}", markup=False)
    if len(rows) > SHOWN:
        console.print(f"  ... and {len(rows) - SHOWN:,} more {what}s (--report FILE lists all)",
                      markup=False)
