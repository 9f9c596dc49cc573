"""`saylau decide ...`: decide a contest from figures in a file, without a store.

    saylau decide referendum --ruleset kz-2022 [--ordinary] FILE.csv --json
    saylau decide district --ruleset kz-2022 FILE.csv --json
    saylau decide president --ruleset kz-2022 [--round 2] FILE.csv --json
    saylau decide senate-seat --ruleset kz-2022 --electors N --electors-present M FILE.csv --json

Candidate files have the header `candidate,votes`; a row `AGAINST_ALL` carries the "against
all" votes and a row `INVALID` the invalid ballots (see saylau.domain.law.allocation_csv).

A bad file never prints a traceback: the problems go to stderr, each with its line, field,
expected and actual value, and the command exits with code 2.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Annotated, Any, NoReturn

import typer
from rich.console import Console
from rich.table import Table

from saylau.cli.common import CONSTITUTIONAL_HELP
from saylau.domain.contests import AGAINST_ALL
from saylau.domain.errors import ImportFailed, SaylauError, ValidationFailed
from saylau.domain.explain import grouped, percent
from saylau.domain.law.allocation_csv import CandidateCsv, parse_candidate_csv
from saylau.domain.law.candidates import (
    CandidateDecision,
    decide_district,
    decide_president,
    decide_senate_seat,
)
from saylau.domain.law.candidates import decision_json as candidates_json
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
from saylau.domain.names import Lang
from saylau.domain.rulesets import RulesetName

EXIT_BAD_INPUT = 2


LangOption = Annotated[Lang, typer.Option(
    "--lang", help="Language of the explanation: kk (Kazakh), ru (Russian) or en (English); "
                   "the JSON keeps each step's code and figures beside its text.")]


decide_app = typer.Typer(
    help="Decide a contest from figures in a file (no store needed).",
    no_args_is_help=True,
    add_completion=False,
)


def fail_input(source: str, problems: list[dict[str, Any]], summary: str) -> NoReturn:
    """Print `summary` and every problem (line, field, expected, actual) to stderr; exit 2."""
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


def _print_decision(d: ReferendumDecision, lang: Lang = Lang.EN) -> None:
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
        out.print(f"  - {step.render(lang)}", markup=False)


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
            help=CONSTITUTIONAL_HELP,
        ),
    ] = True,
    participants: Annotated[
        ParticipantsReading,
        typer.Option(
            "--participants", help="Who counts as a participant (UNVERIFIED; docs/law.md §3.2)."
        ),
    ] = ParticipantsReading.BALLOTS_IN_BOXES,
    two_thirds: Annotated[
        TwoThirdsReading,
        typer.Option(
            "--two-thirds",
            help="How two-thirds of the units is counted (UNVERIFIED; docs/law.md §3.6).",
        ),
    ] = TwoThirdsReading.EXACT,
    national_majority: Annotated[
        NationalMajorityReading,
        typer.Option(
            "--national-majority",
            help="Whether constitutional amendments also need a national majority "
            "(UNVERIFIED; docs/law.md §3.6).",
        ),
    ] = NationalMajorityReading.NOT_REQUIRED,
    as_json: Annotated[bool, typer.Option("--json", help="Print the decision as JSON.")] = False,
    lang: LangOption = Lang.EN,
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
        fail_input(
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
        fail_input(source, exc.rows, f"the file was refused: {exc.message}")
    try:
        decision = decide_referendum(
            parsed.units,
            constitutional=constitutional,
            readings=readings,
            ruleset=RulesetName(ruleset).value,
        )
    except ValidationFailed as exc:
        findings = list(exc.details.get("findings", []))
        fail_input(source, _with_lines(findings, parsed), exc.message)
    except SaylauError as exc:
        fail_input(source, [], exc.message)
    if as_json:
        typer.echo(json.dumps(decision_json(decision, lang.value), ensure_ascii=False, indent=2))
    else:
        _print_decision(decision, lang)


# --- candidate contests ---------------------------------------------------------------------


def fail_error(source: str, exc: SaylauError, lines: Callable[[str], int | None] | None = None,
               ) -> NoReturn:
    """Report a domain error (its findings, or its field/expected/actual) and exit 2."""
    findings: list[dict[str, Any]] = [dict(f) for f in exc.details.get("findings", [])]
    if not findings and "field" in exc.details:
        findings = [{**exc.details, "message": exc.message}]
    if lines is not None:
        for f in findings:
            name = AGAINST_ALL if f.get("field") == "against_all" else str(f.get("actual", ""))
            line = lines(name)
            if line is not None:
                f["line"] = line
    fail_input(source, findings, exc.message)


def read_input(file: Path) -> bytes:
    """The file's bytes, or a report on stderr and exit 2."""
    try:
        return file.read_bytes()
    except OSError as exc:
        fail_input(
            str(file),
            [{"field": "file", "expected": "a readable CSV file",
              "actual": exc.strerror or type(exc).__name__, "message": "cannot read the file"}],
            "cannot read the file",
        )


def _read_candidates(file: Path) -> CandidateCsv:
    data = read_input(file)
    try:
        return parse_candidate_csv(decode_csv(data))
    except ImportFailed as exc:
        fail_input(str(file), exc.rows, f"the file was refused: {exc.message}")


def _print_candidates(d: CandidateDecision, lang: Lang = Lang.EN) -> None:
    out = Console(highlight=False, soft_wrap=True)
    title = {"district": "Single-member district", "president": "President",
             "senate-seat": "Senate seat"}[d.kind.value]
    table = Table(title=f"{title}, ruleset {d.ruleset.value}, round {d.round}")
    table.add_column("candidate")
    table.add_column("votes", justify="right")
    table.add_column("%", justify="right")
    for s in d.shares:
        table.add_row("against all" if s.against_all else s.name, grouped(s.votes),
                      percent(s.share))
    table.add_section()
    table.add_row("took part", grouped(d.participants), "")
    out.print(table)
    detail = ""
    if d.winner is not None:
        detail = f": {d.winner}"
    elif d.runoff is not None:
        detail = f": {d.runoff[0]} and {d.runoff[1]}"
    elif d.tie is not None:
        detail = f": {', '.join(d.tie.parties)} for {d.tie.places} place(s)"
    out.print(f"Decision: {d.outcome.value.upper()}{detail}", markup=False)
    out.print("Explanation:", markup=False)
    for step in d.explanation:
        out.print(f"  - {step.render(lang)}", markup=False)


def _emit(d: CandidateDecision, as_json: bool, lang: Lang = Lang.EN) -> None:
    if as_json:
        typer.echo(json.dumps(candidates_json(d, lang.value), ensure_ascii=False, indent=2))
    else:
        _print_candidates(d, lang)


CandidateFile = Annotated[
    Path,
    typer.Argument(help="CSV with the header candidate,votes (rows AGAINST_ALL and INVALID "
                        "optional)", dir_okay=False, metavar="FILE.csv"),
]
RulesetOption = Annotated[RulesetName, typer.Option("--ruleset", help="Ruleset the contest is "
                                                                      "bound to.")]
JsonOption = Annotated[bool, typer.Option("--json", help="Print the decision as JSON.")]
RoundOption = Annotated[int, typer.Option("--round", help="1 (first round) or 2 (the runoff "
                                                          "between the top two).")]


@decide_app.command("district")
def district(*, file: CandidateFile, ruleset: RulesetOption, as_json: JsonOption = False,
             lang: LangOption = Lang.EN) -> None:
    """A single-member district: the most votes wins; 'against all' first means a repeat."""
    parsed = _read_candidates(file)
    try:
        decision = decide_district(parsed.candidates, ruleset=ruleset,
                                   against_all=parsed.against_all, invalid=parsed.invalid)
    except SaylauError as exc:
        fail_error(str(file), exc, parsed.line_of)
    _emit(decision, as_json, lang)


@decide_app.command("president")
def president(
    *, file: CandidateFile, ruleset: RulesetOption, round_: RoundOption = 1,
    as_json: JsonOption = False, lang: LangOption = Lang.EN,
) -> None:
    """The President: more than half of the participants' votes, else a runoff of the top two."""
    parsed = _read_candidates(file)
    try:
        decision = decide_president(parsed.candidates, ruleset=ruleset,
                                    against_all=parsed.against_all, invalid=parsed.invalid,
                                    round=round_)
    except SaylauError as exc:
        fail_error(str(file), exc, parsed.line_of)
    _emit(decision, as_json, lang)


@decide_app.command("senate-seat")
def senate_seat(
    *,
    file: CandidateFile,
    ruleset: RulesetOption,
    electors: Annotated[int, typer.Option("--electors", help="Deputies of the unit's "
                                                             "maslikhats entitled to vote.")],
    electors_present: Annotated[int, typer.Option("--electors-present",
                                                  help="Electors who took part.")],
    round_: RoundOption = 1,
    as_json: JsonOption = False,
    lang: LangOption = Lang.EN,
) -> None:
    """A Senate seat: valid with more than half of the electors; more than half of their votes."""
    parsed = _read_candidates(file)
    try:
        decision = decide_senate_seat(parsed.candidates, ruleset=ruleset, electors=electors,
                                      electors_present=electors_present, invalid=parsed.invalid,
                                      against_all=parsed.against_all, round=round_)
    except SaylauError as exc:
        fail_error(str(file), exc, parsed.line_of)
    _emit(decision, as_json, lang)
