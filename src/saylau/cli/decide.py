"""`saylau decide ...`: decide a contest from figures in a file, without a store.

    saylau decide referendum --ruleset kz-2022 --constitutional FILE.csv --json

A bad file never prints a traceback: the problems go to stderr, each with its line, field,
expected and actual value, and the command exits with code 2.
"""

from __future__ import annotations

import json
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any, NoReturn

import typer
from rich.console import Console
from rich.table import Table

from saylau.domain.errors import ImportFailed, SaylauError, ValidationFailed
from saylau.domain.explain import grouped, percent
from saylau.domain.law.referendum import (
    NationalMajorityReading,
    ParticipantsReading,
    ReferendumDecision,
    ReferendumReadings,
    TwoThirdsReading,
    decide_referendum,
    decision_json,
)
from saylau.domain.law.referendum_csv import ReferendumCsv, decode_csv, parse_referendum_csv

EXIT_BAD_INPUT = 2


class RulesetName(StrEnum):
    """The rulesets a referendum can be bound to (`REFERENDUM_RULESETS` in the domain)."""

    KZ_2007 = "kz-2007"
    KZ_2022 = "kz-2022"
    KZ_2026 = "kz-2026"
    GENERIC = "generic"


decide_app = typer.Typer(
    help="Decide a contest from figures in a file (no store needed).",
    no_args_is_help=True,
    add_completion=False,
)


def _fail(source: str, problems: list[dict[str, Any]], summary: str) -> NoReturn:
    err = Console(stderr=True, highlight=False, soft_wrap=True)
    err.print(f"error: {source}: {summary}", markup=False)
    for p in problems:
        where = f"line {p['line']}, " if p.get("line") is not None else ""
        unit = f"unit {p['unit']}, " if p.get("unit") else ""
        err.print(
            f"  {where}{unit}field {p.get('field')}: expected {p.get('expected')}, "
            f"got {p.get('actual')} ({p.get('message')})",
            markup=False,
        )
    raise typer.Exit(code=EXIT_BAD_INPUT)


def _with_lines(findings: list[dict[str, Any]], parsed: ReferendumCsv) -> list[dict[str, Any]]:
    return [{**f, "line": parsed.line_of(str(f.get("unit", "")))} for f in findings]


def _print_decision(d: ReferendumDecision) -> None:
    out = Console(highlight=False, soft_wrap=True)
    question = "constitutional amendments" if d.constitutional else "ordinary question"
    table = Table(title=f"Referendum ({question}), ruleset {d.ruleset}")
    table.add_column("unit")
    table.add_column("registered", justify="right")
    table.add_column("participants", justify="right")
    table.add_column("yes", justify="right")
    table.add_column("yes %", justify="right")
    table.add_column("majority")
    for r in d.units:
        table.add_row(
            r.name,
            grouped(r.registered),
            grouped(r.participants),
            grouped(r.yes),
            percent(r.share),
            ("yes" if r.majority else "no") + ("" if r.complete else " (provisional)"),
        )
    table.add_section()
    table.add_row(
        "total",
        grouped(d.registered),
        grouped(d.participants),
        grouped(d.yes),
        percent(d.yes_share),
        f"{d.units_with_majority} of {d.units_total}",
    )
    out.print(table)
    state = d.state.value.replace("_", " ").upper()
    out.print(
        f"Decision: {state}  turnout {percent(d.turnout)}%  yes {percent(d.yes_share)}%"
        + (f"  units needed {d.units_required}" if d.units_required is not None else ""),
        markup=False,
    )
    out.print("Explanation:", markup=False)
    for step in d.explanation:
        out.print(f"  - {step.render()}", markup=False)


@decide_app.command("referendum")
def referendum(
    *,
    file: Annotated[
        Path,
        typer.Argument(
            help="CSV, one row per top-level unit: "
            "unit,registered,ballots_issued,ballots_in_boxes,yes,no,both_marked,invalid",
            dir_okay=False,
            metavar="FILE.csv",
        ),
    ],
    ruleset: Annotated[
        RulesetName,
        typer.Option(
            "--ruleset",
            help="Ruleset the referendum is bound to (the referendum rules are identical "
            "under kz-2007, kz-2022 and kz-2026).",
        ),
    ],
    constitutional: Annotated[
        bool,
        typer.Option(
            "--constitutional/--ordinary",
            help="Constitutional amendments (two-thirds of the top-level units) or an "
            "ordinary question (national majority).",
        ),
    ] = False,
    participants: Annotated[
        ParticipantsReading,
        typer.Option(
            "--participants", help="Who counts as a participant (UNVERIFIED; LAW.md Referendums 2)."
        ),
    ] = ParticipantsReading.BALLOTS_IN_BOXES,
    two_thirds: Annotated[
        TwoThirdsReading,
        typer.Option(
            "--two-thirds",
            help="How two-thirds of the units is counted (UNVERIFIED; LAW.md Referendums 6).",
        ),
    ] = TwoThirdsReading.EXACT,
    national_majority: Annotated[
        NationalMajorityReading,
        typer.Option(
            "--national-majority",
            help="Whether constitutional amendments also need a national majority "
            "(UNVERIFIED; LAW.md Referendums 6).",
        ),
    ] = NationalMajorityReading.NOT_REQUIRED,
    as_json: Annotated[bool, typer.Option("--json", help="Print the decision as JSON.")] = False,
) -> None:
    """Decide a referendum from per-unit figures, with its explanation."""
    source = str(file)
    readings = ReferendumReadings(
        participants=ParticipantsReading(participants),
        two_thirds=TwoThirdsReading(two_thirds),
        national_majority=NationalMajorityReading(national_majority),
    )
    try:
        data = file.read_bytes()
    except OSError as exc:
        _fail(
            source,
            [
                {
                    "field": "file",
                    "expected": "a readable CSV file",
                    "actual": exc.strerror or type(exc).__name__,
                    "message": "cannot read the file",
                }
            ],
            "cannot read the file",
        )
    try:
        parsed = parse_referendum_csv(decode_csv(data), readings=readings)
    except ImportFailed as exc:
        _fail(source, exc.rows, f"the file was refused: {exc.message}")
    try:
        decision = decide_referendum(
            parsed.units,
            constitutional=constitutional,
            readings=readings,
            ruleset=RulesetName(ruleset).value,
        )
    except ValidationFailed as exc:
        findings = list(exc.details.get("findings", []))
        _fail(source, _with_lines(findings, parsed), exc.message)
    except SaylauError as exc:
        _fail(source, [], exc.message)
    if as_json:
        typer.echo(json.dumps(decision_json(decision), ensure_ascii=False, indent=2))
    else:
        _print_decision(decision)
