"""`saylau`: the command line of the election commission and of anyone checking results.

Every command that touches the store takes `--database PATH|URL`, else $SAYLAU_DATABASE_URL,
else ./saylau.db (SQLite), and first says on stderr which store it opened (cli/common.py).
A SaylauError becomes a message on stderr naming the field, the expected and the actual
values (every bad row of a file, with its line) and exit code 2; never a traceback.
"""

from __future__ import annotations

import json
import re
import sys
from datetime import timedelta
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.progress import Progress
from rich.table import Table

from saylau.cli.allocate import allocate_command
from saylau.cli.common import (
    CLI_ACTOR,
    CONSTITUTIONAL_HELP,
    EXIT_ERROR,
    DatabaseOption,
    announce,
    err,
    open_store,
    out,
    plain_table,
    print_error,
    reports_errors,
)
from saylau.cli.decide import LangOption, decide_app
from saylau.cli.export import export_app
from saylau.cli.importers import import_app
from saylau.cli.record import keys_app, record_app, verify_command
from saylau.domain.contests import QUESTION_2022, ContestKind
from saylau.domain.errors import ValidationFailed
from saylau.domain.explain import percent
from saylau.domain.names import Lang, Names
from saylau.services.context import Saylau
from saylau.web.publish import publish_command

__all__ = ["EXIT_ERROR", "app", "main", "print_composition", "print_error"]

app = typer.Typer(
    help="saylau: run referendums and elections by Kazakhstan's rules, and check them.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
app.add_typer(decide_app, name="decide")
app.add_typer(keys_app, name="keys")
app.add_typer(record_app, name="record")
app.command("verify")(verify_command)
app.command("allocate")(allocate_command)
app.command("publish")(publish_command)
geography_app = typer.Typer(help="Load, export or generate the electoral geography.",
                            no_args_is_help=True)
election_app = typer.Typer(help="Create elections.", no_args_is_help=True)
protocols_app = typer.Typer(help="Protocols in bulk.", no_args_is_help=True)
token_app = typer.Typer(help="API tokens.", no_args_is_help=True)
audit_app = typer.Typer(help="The audit log of administrative actions.", no_args_is_help=True)
app.add_typer(geography_app, name="geography")
app.add_typer(election_app, name="election")
app.add_typer(protocols_app, name="protocols")
app.add_typer(token_app, name="token")
app.add_typer(audit_app, name="audit")
app.add_typer(import_app, name="import")
app.add_typer(export_app, name="export")

# --- init ----------------------------------------------------------------------------------


@app.command()
@reports_errors
def init(database: DatabaseOption = None) -> None:
    """Create the database, or bring its schema up to date."""
    s = open_store(database)
    out.print(f"database ready: {s.engine.url.render_as_string(hide_password=True)}")


# --- geography -----------------------------------------------------------------------------


@geography_app.command("import")
@reports_errors
def geography_import(
    file: Annotated[Path, typer.Argument(exists=True, dir_okay=False, readable=True,
                                         metavar="FILE.csv", help="the geography CSV")],
    database: DatabaseOption = None,
) -> None:
    """Import a geography CSV: all rows or none.

    The columns are described in docs/geography-csv.md."""
    from saylau.domain.geography_csv import parse_geography_csv
    from saylau.services.geography import load_geography

    s = open_store(database)
    geo = parse_geography_csv(file.read_bytes())
    n = load_geography(s, geo, by=CLI_ACTOR)
    out.print(f"imported {n:,} units ({len(geo.station_indices):,} stations)")


@geography_app.command("export")
@reports_errors
def geography_export(
    out_file: Annotated[Path | None, typer.Option(
        "--out", metavar="FILE", help="the CSV file to write (default: stdout)")] = None,
    database: DatabaseOption = None,
) -> None:
    """Export the loaded geography as CSV."""
    from saylau.domain.geography_csv import geography_to_csv

    text = geography_to_csv(open_store(database).geography())
    if out_file is None:
        sys.stdout.write(text)
    else:
        out_file.write_text(text, encoding="utf-8")
        out.print(f"wrote {out_file}")


@geography_app.command("generate")
@reports_errors
def geography_generate(
    stations: Annotated[int, typer.Option(min=1, max=2_000_000,
                                          help="polling stations in all")] = 10_000,
    seed: Annotated[int, typer.Option(help="the same seed makes the same country")] = 2022,
    abroad: Annotated[int, typer.Option(min=0, help="stations abroad, under the capital")
                      ] = 70,
    as_of: Annotated[str | None, typer.Option(
        "--as-of", metavar="DATE", show_default=False,
        help="the top-level units of that day: 2022-06-05 gives the 17 of the 2022 "
        "referendum (default: the 20 in force since 8 June 2022)")] = None,
    out_file: Annotated[Path | None, typer.Option(
        "--out", metavar="FILE", help="write CSV here instead of loading it into the "
        "database")] = None,
    database: DatabaseOption = None,
) -> None:
    """Generate a synthetic Kazakhstan and load it.

    The same seed gives the same country."""
    from saylau.domain.geography_csv import geography_to_csv
    from saylau.services.geography import load_geography

    s = open_store(database) if out_file is None else None
    geo = generate_geography(stations, seed, abroad, as_of)
    if s is None:
        assert out_file is not None
        out_file.write_text(geography_to_csv(geo), encoding="utf-8")
        out.print(f"wrote {out_file}")
        return
    n = load_geography(s, geo, by=CLI_ACTOR)
    out.print(f"generated and loaded {n:,} units: {len(geo.top_level())} top-level units, "
              f"{len(geo.station_indices):,} stations, "
              f"{sum(u.registered for u in geo.stations()):,} voters")


def generate_geography(stations: int, seed: int, abroad: int, as_of: str | None = None) -> Any:
    from saylau.data import load_kz_units
    from saylau.domain.generator import generate_kazakhstan

    with Progress(transient=True, console=err) as progress:
        progress.add_task(f"generating {stations:,} stations", total=None)
        return generate_kazakhstan(load_kz_units(), stations=stations, seed=seed,
                                   abroad=abroad, as_of=as_of)


# --- elections -----------------------------------------------------------------------------


SignaturesOption = Annotated[str, typer.Option(
    help="required: every protocol signed by its commission's registered key; optional: "
    "unsigned protocols taken, except from a station whose own key is registered")]


@election_app.command("create")
@reports_errors
def election_create(
    election_id: Annotated[str, typer.Option("--id", help="a short id, e.g. ref-2022")],
    ruleset: Annotated[str, typer.Option(help="kz-2007, kz-2022, kz-2026 or generic")
                       ] = "kz-2022",
    date: Annotated[str, typer.Option(help="polling day, YYYY-MM-DD")] = "2022-06-05",
    name: Annotated[str, typer.Option(help="the election's name")] = "Republican referendum",
    question_kk: Annotated[str, typer.Option(
        help="the question in Kazakh", show_default="the 2022 question")] = QUESTION_2022.kk,
    question_ru: Annotated[str, typer.Option(
        help="the question in Russian", show_default="the 2022 question")] = QUESTION_2022.ru,
    question_en: Annotated[str, typer.Option(
        help="the question in English", show_default="the 2022 question")] = QUESTION_2022.en,
    constitutional: Annotated[bool, typer.Option(
        "--constitutional/--ordinary", help=CONSTITUTIONAL_HELP)] = True,
    signatures: SignaturesOption = "optional",
    database: DatabaseOption = None,
) -> None:
    """Create a referendum with one question over the whole country.

    By default the 5 June 2022 constitutional referendum (its date and question)."""
    from saylau.services.elections import create_referendum

    e, c = create_referendum(
        open_store(database), election_id=election_id, name=Names.same(name), ruleset_name=ruleset,
        date=date, question=Names(kk=question_kk, ru=question_ru, en=question_en),
        constitutional=constitutional, by=CLI_ACTOR, signatures=signatures,
    )
    out.print(f"created election {e.id} ({e.ruleset}, signatures {e.signatures}) with "
              f"contest {c.id}")


@election_app.command("create-parliament")
@reports_errors
def election_create_parliament(
    election_id: Annotated[str, typer.Option("--id", help="a short id, e.g. majilis-2023")],
    parties: Annotated[Path, typer.Option(
        exists=True, dir_okay=False,
        help="CSV: party,name_kk,name_ru,name_en,registration_order")],
    candidates: Annotated[Path | None, typer.Option(
        exists=True, dir_okay=False,
        help="CSV: district,candidate,name,party (district = its number; party empty when "
        "self-nominated)")] = None,
    ruleset: Annotated[str, typer.Option(help="kz-2007, kz-2022 or kz-2026")] = "kz-2022",
    date: Annotated[str, typer.Option(help="polling day, YYYY-MM-DD")] = "2023-03-19",
    name: Annotated[str, typer.Option(help="the election's name")] = "Majilis election",
    signatures: SignaturesOption = "optional",
    database: DatabaseOption = None,
) -> None:
    """Create a Majilis (kz-2007, kz-2022) or Kurultai (kz-2026) election.

    Under kz-2022 the 29 single-member districts are drawn over the geography."""
    import csv
    import io

    s = open_store(database)
    from saylau.domain.districts import draw_districts
    from saylau.domain.errors import ImportFailed
    from saylau.domain.limits import id_rows, text_rows
    from saylau.domain.protocol_csv import decode
    from saylau.services.parliament import (
        DISTRICTS,
        CandidateSpec,
        PartySpec,
        create_parliament,
    )

    def rows(path: Path, columns: tuple[str, ...]) -> list[tuple[int, dict[str, str]]]:
        reader = csv.DictReader(io.StringIO(decode(path.read_bytes())))
        missing = [c for c in columns if c not in (reader.fieldnames or [])]
        if missing:
            raise ImportFailed(f"{path.name}: missing columns {missing}", rows=[{
                "line": 1, "field": "header", "expected": ",".join(columns),
                "actual": ",".join(reader.fieldnames or []), "message": "header mismatch"}])
        return [(k + 2, r) for k, r in enumerate(reader)]

    bad: list[dict[str, object]] = []
    specs: list[PartySpec] = []
    for line, r in rows(parties, ("party", "name_kk", "name_ru", "name_en",
                                  "registration_order")):
        bad += [{"line": line, **row} for row in (
            id_rows("party", r["party"].strip())
            + [x for f in ("name_kk", "name_ru", "name_en") for x in text_rows(f, r[f])])]
        order = r["registration_order"].strip()
        if not order.isdigit():
            bad.append({"line": line, "field": "registration_order", "expected": "a number",
                        "actual": order, "message": "registration order must be a number"})
            continue
        specs.append(PartySpec(r["party"].strip(), Names(kk=r["name_kk"], ru=r["name_ru"],
                                                         en=r["name_en"]), int(order)))
    by_number: dict[str, list[CandidateSpec]] = {}
    if candidates is not None:
        for line, r in rows(candidates, ("district", "candidate", "name", "party")):
            bad += [{"line": line, **row} for row in (
                id_rows("candidate", r["candidate"].strip()) + text_rows("name", r["name"]))]
            by_number.setdefault(r["district"].strip(), []).append(CandidateSpec(
                r["candidate"].strip(), Names.same(r["name"]), r["party"].strip() or None))
    if bad:
        raise ImportFailed(f"{len(bad)} bad row(s) in {parties.name}"
                           + (f" or {candidates.name}" if candidates else ""), rows=bad)
    from saylau.domain.rulesets import ruleset as lookup

    n = DISTRICTS.get(lookup(ruleset).name, 0)
    districts = draw_districts(s.geography(), n) if n else ()
    e, made = create_parliament(
        s, election_id=election_id, name=Names.same(name), ruleset_name=ruleset, date=date,
        parties=specs, districts=districts,
        candidates={d.id: by_number.get(str(d.number), []) for d in districts},
        by=CLI_ACTOR, signatures=signatures,
    )
    out.print(f"created election {e.id} ({e.ruleset}): " + ", ".join(c.id for c in made[:3])
              + (f" and {len(made) - 3} more contests" if len(made) > 3 else ""))


# --- protocols -----------------------------------------------------------------------------


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


# --- results -------------------------------------------------------------------------------


@app.command()
@reports_errors
def results(
    contest: Annotated[str | None, typer.Argument(
        metavar="CONTEST", help="contest id (default: the latest election's first contest)",
        show_default=False)] = None,
    unit: Annotated[str | None, typer.Option(
        help="unit id (default: the contest's area)", show_default=False)] = None,
    as_json: Annotated[bool, typer.Option("--json", help="print JSON instead of tables")
                       ] = False,
    lang: LangOption = Lang.EN,
    database: DatabaseOption = None,
) -> None:
    """Results of a unit and its children, and the law's decision."""
    from saylau.api.schemas import TurnoutPointOut, UnitResultOut, decision_out
    from saylau.services import elections as es
    from saylau.services import results as rs

    s = open_store(database)
    if contest is None:
        latest = es.get_election(s)
        first = es.contests(s, latest.id)[0]
        if first.kind is ContestKind.PARTY_LIST:
            _parliament_results(s, latest.id, as_json, lang)
            return
        contest = first.id
    v = rs.results(s, contest, unit)
    if as_json:
        doc = {
            "contest": v.contest.id, "as_of": v.as_of,
            "result": UnitResultOut.of(v.unit, v.result).model_dump(),
            "children": [UnitResultOut.of(u, r).model_dump() for u, r in v.children],
            "turnout_during_day": [TurnoutPointOut.of(p).model_dump() for p in v.turnout],
            "decision": decision_out(v.decision, lang.value),
        }
        sys.stdout.write(json.dumps(doc, ensure_ascii=False, indent=2) + "\n")
        return
    r = v.result
    out.print(f"[bold]{v.contest.name.en}[/bold]", markup=True)
    if r.stations_reported == 0:
        # before the first protocol there is no tally to show, only the day's turnout reports
        out.print(f"{v.unit.name.en}: no protocol has arrived yet (0 of "
                  f"{r.stations_expected:,} stations)", markup=False)
        _print_turnout(v.turnout)
        if v.decision is not None or v.contest.kind in (ContestKind.PRESIDENTIAL,
                                                        ContestKind.SINGLE_MEMBER):
            out.print("[bold]decision: none yet; it waits for the first protocol[/bold]")
        return
    out.print(f"{v.unit.name.en}: {r.stations_reported:,} of {r.stations_expected:,} stations "
              f"reported; {r.participants:,} of the {r.registered:,} voters on their lists "
              f"took part (turnout {percent(r.turnout)}%)", markup=False)
    figures = [(o.name.en, f"{r.vote(o.id):,}", f"{percent(r.vote_share(o.id))}%")
               for o in v.contest.options]
    figures += [("both marked", f"{r.both_marked:,}", "")] if v.contest.has_both_marked else []
    figures += [("invalid", f"{r.invalid:,}", "")]
    if len(v.contest.options) > SHARE_COLUMNS:
        table = plain_table("", "votes", "share")
        for row in figures:
            table.add_row(*row)
        out.print(table)
    else:
        out.print("  " + "; ".join(f"{name} {n}" + (f" ({share})" if share else "")
                                   for name, n, share in figures), markup=False)
    if v.children:
        out.print(_units_table(v.contest, v.children))
    if v.contest.kind in (ContestKind.PRESIDENTIAL, ContestKind.SINGLE_MEMBER):
        from saylau.services.parliament import candidate_decision

        cd, progress = candidate_decision(s, v.contest.id)
        state = "final" if progress.complete else "provisional"
        out.print(f"[bold]decision ({state}): {cd.outcome.value}"
                  + (f", {cd.winner}" if cd.winner else "")
                  + (f", runoff {' and '.join(cd.runoff)}" if cd.runoff else "") + "[/bold]")
        for step in cd.explanation:
            out.print(f"  - {step.render(lang)}", markup=False)
    if v.decision is not None:
        out.print(f"[bold]decision: {v.decision.state.value}[/bold]")
        for step in v.decision.explanation:
            out.print(f"  - {step.render(lang)}", markup=False)


SHARE_COLUMNS = 3
"""Options shown as a column each (a referendum's yes and no); more get 'leading' and 'share'."""


def _units_table(contest: Any, rows: Any) -> Table:
    """The units below, narrow enough for 80 columns: reported stations, turnout and shares
    (the counts are in the line above for the unit itself, and in --json for every unit)."""
    many = len(contest.options) > SHARE_COLUMNS
    table = plain_table(collapse_padding=True)
    table.add_column("unit", overflow="fold", ratio=1)
    table.add_column("reported", justify="right", no_wrap=True)
    table.add_column("turnout", justify="right", no_wrap=True)
    if many:
        table.add_column("leading", overflow="fold", ratio=1)
        table.add_column("share", justify="right", no_wrap=True)
    else:
        for o in contest.options:
            table.add_column(o.name.en, justify="right", no_wrap=True)
    table.add_column("invalid", justify="right", no_wrap=True)
    for u, ur in rows:
        cells = [u.name.en, f"{ur.stations_reported:,}/{ur.stations_expected:,}",
                 f"{percent(ur.turnout)}%"]
        if many:
            best = max(contest.options, key=lambda o: ur.vote(o.id))
            cells += ([best.name.en, f"{percent(ur.vote_share(best.id))}%"]
                      if ur.vote(best.id) else ["-", ""])
        else:
            cells += [f"{percent(ur.vote_share(o.id))}%" for o in contest.options]
        cells.append(f"{ur.invalid:,}")
        table.add_row(*cells)
    return table


def _print_turnout(points: Any) -> None:
    """The turnout reports of the day, one line per report time."""
    if not points:
        out.print("no turnout report has arrived either")
        return
    table = plain_table(title="turnout through the day",
                  title_justify="left")
    for name in ("time", "ballots issued", "turnout", "stations reporting"):
        table.add_column(name, justify="right", no_wrap=True)
    for p in points:
        table.add_row(p.at.strftime("%H:%M"), f"{p.ballots_issued:,}",
                      f"{percent(p.turnout)}%",
                      f"{p.stations_reporting:,}/{p.stations_expected:,}")
    out.print(table)


def _parliament_results(s: Saylau, election_id: str, as_json: bool,
                        lang: Lang = Lang.EN) -> None:
    from saylau.services.parliament import composition, composition_json

    comp = composition(s, election_id)
    if as_json:
        sys.stdout.write(json.dumps(composition_json(comp, lang.value), ensure_ascii=False,
                                    indent=2) + "\n")
        return
    print_composition(comp, out, lang)


def print_composition(comp: Any, console: Console, lang: Lang = Lang.EN) -> None:
    """The chamber as a table: seats by party, list and district, then what is open."""
    by = comp.by_party()
    table = plain_table("party", "list seats", "district seats", "other", "total",
                  title=f"{comp.chamber} ({comp.ruleset}): {len(comp.seats)} of {comp.size} "
                  "seats filled")
    for party, row in sorted(by.items(), key=lambda kv: -kv[1]["total"]):
        table.add_row(party, str(row["list"]), str(row["district"]), str(row["other"]),
                      str(row["total"]))
    console.print(table)
    if comp.vacancies:
        console.print(f"vacant (repeat election or tie): {', '.join(comp.vacancies)}")
    if comp.pending:
        shown = ", ".join(comp.pending[:10]) + (" ..." if len(comp.pending) > 10 else "")
        console.print(f"provisional: still waiting for protocols in {shown}")
    for step in comp.list_decision.explanation:
        console.print(f"  - {step.render(lang)}", markup=False)


@app.command()
@reports_errors
def compare(
    rulesets: Annotated[str, typer.Option(help="comma-separated, e.g. kz-2007,kz-2022")],
    file: Annotated[Path | None, typer.Argument(
        exists=True, dir_okay=False, metavar="FILE.csv", show_default=False,
        help="party,votes,registration_order CSV (no database needed)")] = None,
    election: Annotated[str | None, typer.Option(
        help="an election in the store, instead of FILE.csv (default: the latest)",
        show_default=False)] = None,
    as_json: Annotated[bool, typer.Option("--json", help="print JSON instead of a table")
                       ] = False,
    lang: LangOption = Lang.EN,
    database: DatabaseOption = None,
) -> None:
    """Decide the same list votes under several rulesets and show the seats side by side."""
    from saylau.domain.law.parliament import ListDecision, decide_list_seats
    from saylau.domain.law.parliament import decision_json as list_json

    names = [r.strip() for r in rulesets.split(",") if r.strip()]
    decisions: dict[str, ListDecision] = {}
    if file is not None:
        from saylau.domain.law.allocation_csv import parse_party_csv
        from saylau.domain.protocol_csv import decode

        parsed = parse_party_csv(decode(file.read_bytes()))
        for name in names:
            against = parsed.against_all if name != "kz-2007" else None
            decisions[name] = decide_list_seats(parsed.parties, ruleset=name,
                                                against_all=against)
    else:
        from saylau.services.parliament import compare as compare_in_store

        decisions = compare_in_store(open_store(database), election, names)
    if as_json:
        sys.stdout.write(json.dumps({k: list_json(v, lang.value) for k, v in decisions.items()},
                                    ensure_ascii=False, indent=2) + "\n")
        return
    parties = sorted({p for d in decisions.values() for p in d.seats},
                     key=lambda p: -max(d.seats.get(p, 0) for d in decisions.values()))
    table = plain_table("party", *names)
    for p in parties:
        table.add_row(p, *[str(decisions[n].seats.get(p, 0)) for n in names])
    table.add_row("[bold]list seats[/bold]", *[str(decisions[n].seats_total) for n in names])
    out.print(table)
    for n in names:
        d = decisions[n]
        out.print(f"{n}: threshold {d.threshold * 100}% of {d.threshold_base:,}; "
                  f"passed: {', '.join(d.passed) or 'none'}")


# --- tokens --------------------------------------------------------------------------------


@token_app.command("create")
@reports_errors
def token_create(
    name: Annotated[str, typer.Argument(metavar="NAME", help="who holds it, e.g. 'TEC Astana'")],
    role: Annotated[str, typer.Option(help="admin | territorial | precinct | observer")],
    scope: Annotated[str | None, typer.Option(
        help="unit (territorial) or station (precinct)", show_default=False)] = None,
    ttl: Annotated[str, typer.Option(help="lifetime: minutes, hours or days (90m, 36h, 3d)")
                   ] = "3d",
    database: DatabaseOption = None,
) -> None:
    """Issue a bearer token: printed once, stored only as a hash.

    It expires after TTL and can be revoked at any time (`saylau token revoke`)."""
    from saylau.services.tokens import create_token

    sys.stdout.write(create_token(open_store(database), name, role, scope, ttl=_duration(ttl),
                                  by=CLI_ACTOR) + "\n")


def _duration(text: str) -> timedelta:
    m = re.fullmatch(r"(\d{1,6})([mhd])", text.strip())
    if m is None:
        raise ValidationFailed(f"not a duration: {text!r}",
                               details={"field": "ttl", "expected": "e.g. 90m, 36h or 3d",
                                        "actual": text})
    n, unit = int(m[1]), m[2]
    return timedelta(minutes=n) if unit == "m" else timedelta(hours=n) if unit == "h" \
        else timedelta(days=n)


@token_app.command("revoke")
@reports_errors
def token_revoke(
    name: Annotated[str, typer.Argument(metavar="NAME", help="as given to `token create`")],
    database: DatabaseOption = None,
) -> None:
    """Revoke every token issued to NAME."""
    from saylau.services.tokens import revoke_token

    s = open_store(database)
    out.print(f"revoked {revoke_token(s, name, by=CLI_ACTOR)} token(s) of {name}")


# --- the audit log ---------------------------------------------------------------------------


@audit_app.command("list")
@reports_errors
def audit_list(
    start: Annotated[int, typer.Option(help="first entry")] = 0,
    limit: Annotated[int, typer.Option(help="entries to show (at most 1000)")] = 100,
    database: DatabaseOption = None,
) -> None:
    """Show the audit log's entries, one JSON object per line."""
    from saylau.services.audit import entries

    for e in entries(open_store(database), start, limit):
        sys.stdout.write(json.dumps(e, ensure_ascii=False, sort_keys=True) + "\n")


@audit_app.command("verify")
@reports_errors
def audit_verify(database: DatabaseOption = None) -> None:
    """Check the audit log; exit 1 on a problem.

    Checks the leaf hashes, the canonical bytes, every signed tree head's root and signature.

    Checks each election action's leaf in that election's log."""
    from saylau.services.audit import tree_head, verify

    s = open_store(database)
    tree_head(s)  # sign the log as it stands, so every entry is covered by a checked head
    check = verify(s)
    for p in check.problems:
        err.print(f"problem: {p}", markup=False)
    out.print(f"audit log: {check.size:,} entries, latest signed head covers "
              f"{check.head_size:,}: " + ("verified" if check.ok else "NOT verified"))
    if not check.ok:
        raise typer.Exit(1)


# --- backup and restore (services/backup.py; docs/operations.md, "Backup") -----------------


@app.command()
@reports_errors
def backup(
    out_file: Annotated[Path, typer.Argument(
        metavar="OUT", help="the backup file to write (never overwritten)")],
    with_key: Annotated[bool, typer.Option(
        "--with-key", help="also copy the central commission's private signing key to "
        "OUT.central.pem (mode 0600); default: the key stays out of the backup")] = False,
    database: DatabaseOption = None,
) -> None:
    """Back up the database while it runs.

    Writes OUT and OUT.manifest.json (and, on request, a copy of the central key)."""
    from saylau.services.backup import backup as run_backup

    r = run_backup(announce(database), out_file, with_key=with_key)
    m = r.manifest
    out.print(f"backup of {m['source']} ({m['database']}, schema {m['schema_revision']}): "
              f"{r.path}, {m['bytes']:,} bytes, sha256 {m['sha256']}")
    for eid, e in m["elections"].items():
        head = e["tree_head"]
        out.print(f"  {eid}: {e['log_size']:,} log leaves; latest signed tree head "
                  + (f"size {head['size']:,} root {head['root']}" if head else "none"))
    out.print(f"manifest: {r.manifest_path}")
    if r.key_path is not None:
        out.print(f"central key copied to {r.key_path} (mode 0600): keep this backup as safe "
                  "as the key itself")
    else:
        out.print(f"the central key is NOT in this backup: keep a copy of "
                  f"{r.central_key_source} apart, offline (needed to sign new tree heads)")


@app.command()
@reports_errors
def restore(
    in_file: Annotated[Path, typer.Argument(
        metavar="IN", help="a backup file written by `saylau backup` (its manifest beside it)")],
    database: DatabaseOption = None,
) -> None:
    """Restore a backup into an empty database, then verify it.

    The target (--database, else $SAYLAU_DATABASE_URL, else ./saylau.db) must hold no table.

    Every election's record, its signatures and every table's row count are checked."""
    from saylau.services.backup import restore as run_restore

    r = run_restore(in_file, announce(database), progress=lambda line: out.print(f"ok: {line}",
                                                                    markup=False))
    if r.key_state == "missing":
        err.print(f"WARNING: no central key at {r.key_path}. Put the backed-up key there "
                  "before serving: without it saylau would make a new key, whose tree heads "
                  "no verifier of this record accepts.", markup=False)
    out.print(f"[bold green]restored into {r.target} and verified[/bold green]")


# --- serve and demo ------------------------------------------------------------------------


@app.command()
@reports_errors
def serve(
    host: Annotated[str, typer.Option(help="address to listen on")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="port to listen on")] = 8000,
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
    uvicorn.run(create_app(open_store(database)), host=host, port=port, log_level="info",
                **proxies)


@app.command()
@reports_errors
def demo(
    stations: Annotated[int, typer.Option(min=20, max=2_000_000,
                                          help="polling stations in all")] = 10_000,
    seed: Annotated[int, typer.Option(help="the same seed replays the same night")] = 2022,
    instant: Annotated[bool, typer.Option(
        "--instant", help="replay at full speed without serving, then exit")] = False,
    minutes: Annotated[float, typer.Option(help="length of the protocol phase")] = 3.0,
    host: Annotated[str, typer.Option(help="address to serve on")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="port to serve on")] = 8000,
    database: Annotated[str | None, typer.Option(
        "--database", metavar="PATH|URL", show_default=False,
        help="the store to fill (default: $SAYLAU_DATABASE_URL, else ./saylau.db, as every "
        "command); a SQLite file already there is kept aside as FILE.<time>.previous, "
        "another database must be empty")] = None,
    election: Annotated[str, typer.Option(
        help="referendum (5 June 2022, on the 17 top-level units of that day) or majilis "
        "(kz-2022: lists and 29 districts, on today's 20 units)")] = "referendum",
) -> None:
    """An election night through the real API, with commission tokens.

    Generates the country, creates the election, replays turnout reports and protocols.

    Then `saylau results` (like every other command) in the same folder reads that night."""
    from saylau.services.demo import DemoOptions, run_demo

    if election not in ("referendum", "majilis"):
        raise typer.BadParameter(f"expected referendum or majilis, got {election!r}",
                                 param_hint="--election")
    announce(database)
    run_demo(DemoOptions(stations=stations, seed=seed, instant=instant, minutes=minutes,
                         host=host, port=port, database=database, election=election), out)


def main() -> None:
    app()


if __name__ == "__main__":
    main()
