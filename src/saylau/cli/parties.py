"""`saylau parties ...` (issue 13): `apply|import-members|import-barred|correct|decide|list|
conflicts|liquidate`.

`decide --rulesets kz-2007,kz-2022 LIST.csv` decides a list file side by side without a store;
`decide PARTY` decides an application in the store (recorded; `--no-record` to only look).
No command prints an IIN: rows are named by their line and the IIN's last four digits.
"""

from __future__ import annotations

import csv
import io
import json
import sys
from datetime import date
from pathlib import Path
from typing import Annotated, Any

import typer

from saylau.cli.common import (
    CLI_ACTOR,
    DatabaseOption,
    open_store,
    out,
    plain_table,
    reports_errors,
)
from saylau.domain.errors import ValidationFailed
from saylau.domain.names import Names
from saylau.domain.parties.rules import (
    BranchReading,
    InitiativeRegionsReading,
    Readings,
    RegistrationDecision,
)

parties_app = typer.Typer(
    help="Party registration: applications, member lists, decisions, the register.",
    no_args_is_help=True)

JsonOption = Annotated[bool, typer.Option("--json", help="print JSON")]
RulesetsOption = Annotated[str, typer.Option(
    "--rulesets", help="comma-separated rulesets to decide under, side by side")]
BranchesOption = Annotated[BranchReading, typer.Option(
    "--branches", help="where branches are needed (docs/law.md §10.1, UNVERIFIED)")]
InitiativeOption = Annotated[InitiativeRegionsReading, typer.Option(
    "--initiative-regions", help="the initiative group from two-thirds of the regions "
    "(docs/law.md §11.3)")]


def _date(text: str | None, field: str) -> date | None:
    if text is None or text == "":
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise ValidationFailed(f"{field}: {text!r} is not a date YYYY-MM-DD",
                               details={"field": field, "expected": "YYYY-MM-DD",
                                        "actual": text}) from None


def _regions(text: str) -> tuple[str, ...]:
    from saylau.services.parties.register import regions

    if text.strip().lower() == "all":
        return regions()
    return tuple(r.strip().upper() for r in text.split(",") if r.strip())


def _read(path: Path) -> bytes:
    try:
        return path.read_bytes()
    except OSError as exc:
        raise ValidationFailed(f"cannot read {path}: {exc.strerror}",
                               details={"field": "file", "expected": "a readable file",
                                        "actual": str(path)}) from None


@parties_app.command("apply")
@reports_errors
def apply_command(
    party: Annotated[str, typer.Argument(metavar="PARTY", help="the party's id")],
    name: Annotated[str, typer.Option(help="the party's name")],
    founders: Annotated[int, typer.Option(help="members of the initiative group")],
    ruleset: Annotated[str, typer.Option(help="kz-2007 | kz-2022 | kz-2026")] = "kz-2022",
    founder_regions: Annotated[str, typer.Option(
        help="regions the founders come from: 'all' or codes KZ-11,KZ-75,...")] = "all",
    formed: Annotated[str | None, typer.Option(
        help="date the initiative group was formed")] = None,
    congress: Annotated[str | None, typer.Option(help="date of the founding congress")] = None,
    submitted: Annotated[str | None, typer.Option(help="date of the application (today)")
                         ] = None,
    database: DatabaseOption = None,
) -> None:
    """Register a party's application (status: submitted)."""
    from saylau.services.parties.register import ApplicationIn, apply

    row = apply(open_store(database), ApplicationIn(
        party, Names.same(name), ruleset, founders, _regions(founder_regions),
        _date(formed, "formed"), _date(congress, "congress"), _date(submitted, "submitted")),
        CLI_ACTOR)
    out.print(f"{row.id}: submitted on {row.submitted_on} under {row.ruleset}", markup=False)


@parties_app.command("import-members")
@reports_errors
def import_members_command(
    party: Annotated[str, typer.Argument(metavar="PARTY", help="the party's id")],
    file: Annotated[Path, typer.Argument(metavar="FILE", help="CSV (UTF-8) or XLSX")],
    json_out: JsonOption = False,
    database: DatabaseOption = None,
) -> None:
    """Add a member list file to PARTY's list.

    Every row is checked and kept with its findings, or the file is refused whole."""
    from saylau.services.parties.register import import_members

    report = import_members(open_store(database), party, _read(file), file.name, CLI_ACTOR)
    if json_out:
        sys.stdout.write(json.dumps(report.as_dict(), ensure_ascii=False, indent=1) + "\n")
        return
    d = report.as_dict()
    out.print(f"{party}: {report.rows} rows imported (rows {report.first_row_no}.."
              f"{report.first_row_no + report.rows - 1})", markup=False)
    for code, n in d["findings_by_code"].items():
        out.print(f"  {code}: {n}", markup=False)
    for f in report.findings[:20]:
        out.print(f"  {f.message}", markup=False)
    if len(report.findings) > 20:
        out.print(f"  ... {len(report.findings) - 20} more (--json lists them all)")


@parties_app.command("import-barred")
@reports_errors
def import_barred_command(
    file: Annotated[Path, typer.Argument(metavar="FILE", help="CSV with columns iin,category")],
    withdraw: Annotated[bool, typer.Option(help="take these entries off the register")] = False,
    database: DatabaseOption = None,
) -> None:
    """Import the register of those barred from party membership (docs/law.md §11.2).

    The IINs are kept as keyed hashes only."""
    from saylau.domain.parties.member_file import decode
    from saylau.services.parties.register import import_barred

    rows = list(csv.DictReader(io.StringIO(decode(_read(file)))))
    if rows and not {"iin", "category"} <= set(rows[0]):
        raise ValidationFailed("the barred register needs the columns iin,category",
                               details={"field": "header", "expected": "iin,category",
                                        "actual": ",".join(rows[0])})
    n = import_barred(open_store(database), [(r["iin"], r["category"]) for r in rows],
                      CLI_ACTOR, withdraw=withdraw)
    out.print(f"{n} entries {'withdrawn from' if withdraw else 'added to'} the register")


@parties_app.command("correct")
@reports_errors
def correct_command(
    party: Annotated[str, typer.Argument(metavar="PARTY", help="the party's id")],
    row: Annotated[int, typer.Argument(metavar="ROW", help="the row number")],
    corrects: Annotated[int, typer.Option(help="the version corrected (the current one)")],
    reason: Annotated[str, typer.Option(help="why")],
    withdraw: Annotated[bool, typer.Option(help="withdraw the row")] = False,
    region: Annotated[str | None, typer.Option(help="the corrected region code")] = None,
    full_name: Annotated[str | None, typer.Option(help="the corrected full name")] = None,
    joined: Annotated[str | None, typer.Option(help="the corrected date of joining")] = None,
    iin_stdin: Annotated[bool, typer.Option(
        "--iin-stdin", help="read the corrected IIN from standard input (never an argument: "
        "arguments show in process lists and shell history)")] = False,
    database: DatabaseOption = None,
) -> None:
    """Correct or withdraw one row: a new version with its reason, nothing overwritten."""
    from saylau.services.parties.register import RowChange, change_row

    iin = sys.stdin.readline().strip() if iin_stdin else None
    m = change_row(open_store(database), party, RowChange(
        row, corrects, reason, withdraw, full_name=full_name, region=region, joined=joined,
        iin=iin), CLI_ACTOR)
    out.print(f"{party} row {m.row_no}: version {m.version}"
              + (" (withdrawn)" if m.withdrawn else "")
              + "".join(f"\n  {f['message']}" for f in m.findings), markup=False)


def _print_decisions(decisions: tuple[RegistrationDecision, ...]) -> None:
    t = plain_table("condition", *[d.ruleset.value for d in decisions])
    codes = list(dict.fromkeys(c.code for d in decisions for c in d.conditions))
    for code in codes:
        cells = []
        for d in decisions:
            c = next((c for c in d.conditions if c.code == code), None)
            cells.append("-" if c is None else f"{'ok' if c.passed else 'FAIL'} "
                         f"{c.actual} / {c.required}")
        t.add_row(code, *cells)
    t.add_row("decision", *[d.decision.value for d in decisions])
    out.print(t)
    for d in decisions:
        out.print("")
        for line in d.explanation():
            out.print(line, markup=False)


@parties_app.command("decide")
@reports_errors
def decide_command(
    target: Annotated[str, typer.Argument(metavar="PARTY|LIST", help="a party in the store, "
                                          "or a member list file (CSV/XLSX) to decide alone")],
    rulesets: RulesetsOption = "",
    record: Annotated[bool, typer.Option(help="record the decision (a party in the store)")
                      ] = True,
    founders: Annotated[int, typer.Option(help="(a file) members of the initiative group")
                        ] = 0,
    founder_regions: Annotated[str, typer.Option(help="(a file) 'all' or codes")] = "all",
    formed: Annotated[str | None, typer.Option(help="(a file) the initiative group's date")
                      ] = None,
    congress: Annotated[str | None, typer.Option(help="(a file) the congress's date")] = None,
    submitted: Annotated[str | None, typer.Option(help="(a file) the application's date")
                         ] = None,
    branches: BranchesOption = BranchReading.EVERY_REGION,
    initiative_regions: InitiativeOption = InitiativeRegionsReading.APPLY,
    json_out: JsonOption = False,
    database: DatabaseOption = None,
) -> None:
    """Decide an application, or compare a list file under several rulesets side by side."""
    names = tuple(r.strip() for r in rulesets.split(",") if r.strip())
    readings = Readings(branches, initiative_regions)
    path = Path(target)
    if path.suffix.lower() in (".csv", ".xlsx") or path.is_file():
        from saylau.services.parties.compare import NOT_CHECKED, decide_file

        cmp = decide_file(
            _read(path), path.name, names or ("kz-2022",), party=path.stem, founders=founders,
            founder_regions=None if founder_regions == "all" else _regions(founder_regions),
            initiative_formed=_date(formed, "formed"), congress_held=_date(congress,
                                                                           "congress"),
            submitted_on=_date(submitted, "submitted") or date.today(), readings=readings)
        if json_out:
            sys.stdout.write(json.dumps(cmp.as_dict(), ensure_ascii=False, indent=1) + "\n")
            return
        out.print(f"{path.name}: {cmp.rows} rows, {sum(cmp.members_by_region.values())} valid; "
                  f"{len(cmp.findings)} finding(s)", markup=False)
        _print_decisions(cmp.decisions)
        out.print(f"note: {NOT_CHECKED}", markup=False)
        return
    from saylau.services.parties.decisions import decide_party

    report = decide_party(open_store(database), target, CLI_ACTOR, rulesets=names,
                          readings=readings, record=record)
    if json_out:
        body: dict[str, Any] = {**report.public(), "rows_with_findings": [
            {"row_no": r.row_no, "line": r.source_line, "iin_last4": r.last4,
             "findings": list(r.findings)} for r in report.rows if r.findings]}
        sys.stdout.write(json.dumps(body, ensure_ascii=False, indent=1) + "\n")
        return
    bad = [r for r in report.rows if not r.valid]
    out.print(f"{target}: {len(report.rows)} current rows, {len(bad)} with errors", markup=False)
    _print_decisions(report.decisions)
    if report.recorded is not None:
        out.print(f"recorded: {report.recorded.decision.value}", markup=False)


@parties_app.command("list")
@reports_errors
def list_command(json_out: JsonOption = False, database: DatabaseOption = None) -> None:
    """The register: every application, its status and its valid members."""
    from saylau.services.parties.decisions import register

    entries = register(open_store(database))
    if json_out:
        sys.stdout.write(json.dumps([e.as_dict() for e in entries], ensure_ascii=False,
                                    indent=1) + "\n")
        return
    t = plain_table("party", "name", "ruleset", "status", "valid members")
    for e in entries:
        members = "-"
        if e.decision is not None:
            members = f"{sum(e.decision['members_by_region'][e.ruleset].values()):,}"
        t.add_row(e.id, e.names[2], e.ruleset, e.status, members)
    out.print(t)


@parties_app.command("conflicts")
@reports_errors
def conflicts_command(
    party: Annotated[str | None, typer.Option(help="only this party's conflicts")] = None,
    json_out: JsonOption = False,
    database: DatabaseOption = None,
) -> None:
    """People listed by more than one registered or applying party.

    The membership received first stands; both parties see the conflict."""
    from saylau.services.parties.decisions import conflicts

    found = conflicts(open_store(database), party)
    if json_out:
        sys.stdout.write(json.dumps([c.as_dict() for c in found], indent=1) + "\n")
        return
    t = plain_table("IIN", "stands", "listed by (party row)")
    for c in found:
        t.add_row("…" + c.last4, c.stands, ", ".join(f"{p} {r}" for p, r in c.rows))
    out.print(t)
    out.print(f"{len(found)} conflict(s)")


@parties_app.command("liquidate")
@reports_errors
def liquidate_command(
    party: Annotated[str, typer.Argument(metavar="PARTY", help="the party's id")],
    reason: Annotated[str, typer.Option(help="the ministry's decision, why")],
    database: DatabaseOption = None,
) -> None:
    """Record a registered party's liquidation (docs/law.md §10.2)."""
    from saylau.services.parties.decisions import liquidate

    liquidate(open_store(database), party, reason, CLI_ACTOR)
    out.print(f"{party}: liquidated", markup=False)
