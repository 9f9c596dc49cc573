"""`saylau`: the command line of the election commission and of anyone checking results.

Every command that touches the store uses $SAYLAU_DATABASE_URL, else ./saylau.db (SQLite).
A SaylauError becomes a message on stderr naming the field, the expected and the actual
values (every bad row of a file, with its line) and exit code 2; never a traceback.
"""

from __future__ import annotations

import functools
import json
import re
import sys
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path
from typing import Annotated, Any, ParamSpec, TypeVar

import typer
from rich.console import Console
from rich.progress import Progress
from rich.table import Table

from saylau.cli.allocate import allocate_command
from saylau.cli.decide import LangOption, decide_app
from saylau.cli.export import export_app
from saylau.cli.importers import import_app
from saylau.cli.record import keys_app, record_app, verify_command
from saylau.domain.contests import QUESTION_2022, ContestKind
from saylau.domain.errors import SaylauError, ValidationFailed
from saylau.domain.explain import percent
from saylau.domain.ids import ActorId
from saylau.domain.names import Lang, Names
from saylau.services.context import Saylau
from saylau.web.publish import publish_command

P = ParamSpec("P")
R = TypeVar("R")

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

out = Console(highlight=False, soft_wrap=True)
err = Console(stderr=True, highlight=False, soft_wrap=True)
EXIT_ERROR = 2
CLI_ACTOR = ActorId("cli")


def reports_errors(fn: Callable[P, R]) -> Callable[P, R]:
    """Turn a SaylauError into a readable report and exit code 2."""

    @functools.wraps(fn)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
        try:
            return fn(*args, **kwargs)
        except SaylauError as exc:
            print_error(exc)
            raise typer.Exit(EXIT_ERROR) from None
        finally:
            _close_all()

    return wrapper


def print_error(exc: SaylauError) -> None:
    err.print(f"error ({exc.code}): {exc.message}", markup=False)
    rows: list[Any] = exc.details.get("rows") or exc.details.get("problems") or []
    for r in rows[:200]:
        where = f"line {r.get('line')}: " if r.get("line") is not None else ""
        err.print(f"  {where}{r.get('field')}: expected {r.get('expected')!s}, "
                  f"got {r.get('actual')!s}: {r.get('message')}", markup=False)
    if len(rows) > 200:
        err.print(f"  ... and {len(rows) - 200} more", markup=False)
    for f in exc.details.get("findings", []):
        label = f.get("severity") or f.get("field") or ""
        code = f.get("code") or f.get("expected") or ""
        err.print(f"  [{label}] {code}: {f.get('message')}", markup=False)
    other = {k: v for k, v in exc.details.items() if k not in ("rows", "problems", "findings")}
    if other:
        err.print(f"  details: {json.dumps(other, ensure_ascii=False, default=str)}",
                  markup=False)


_opened: list[Saylau] = []


def _open() -> Saylau:
    """The store for this command; its connections are closed when the command ends."""
    s = Saylau.open()
    _opened.append(s)
    return s


def _close_all() -> None:
    while _opened:
        _opened.pop().engine.dispose()


# --- init ----------------------------------------------------------------------------------


@app.command()
@reports_errors
def init() -> None:
    """Create the database (or bring its schema up to date)."""
    s = _open()
    out.print(f"database ready: {s.engine.url.render_as_string(hide_password=True)}")


# --- geography -----------------------------------------------------------------------------


@geography_app.command("import")
@reports_errors
def geography_import(
    file: Annotated[Path, typer.Argument(exists=True, dir_okay=False, readable=True)],
) -> None:
    """Import a geography CSV (columns: docs/geography-csv.md). All rows or none."""
    from saylau.domain.geography_csv import parse_geography_csv
    from saylau.services.geography import load_geography

    geo = parse_geography_csv(file.read_bytes())
    n = load_geography(_open(), geo, by=CLI_ACTOR)
    out.print(f"imported {n:,} units ({len(geo.station_indices):,} stations)")


@geography_app.command("export")
@reports_errors
def geography_export(
    out_file: Annotated[Path | None, typer.Option("--out", help="file (default: stdout)")] = None,
) -> None:
    """Export the loaded geography as CSV."""
    from saylau.domain.geography_csv import geography_to_csv

    text = geography_to_csv(_open().geography())
    if out_file is None:
        sys.stdout.write(text)
    else:
        out_file.write_text(text, encoding="utf-8")
        out.print(f"wrote {out_file}")


@geography_app.command("generate")
@reports_errors
def geography_generate(
    stations: Annotated[int, typer.Option(min=1, max=2_000_000)] = 10_000,
    seed: int = 2022,
    abroad: Annotated[int, typer.Option(min=0)] = 70,
    out_file: Annotated[Path | None, typer.Option(
        "--out", help="write CSV here instead of loading it into the database")] = None,
) -> None:
    """Generate a synthetic Kazakhstan (same seed, same country) and load it."""
    from saylau.domain.geography_csv import geography_to_csv
    from saylau.services.geography import load_geography

    geo = generate_geography(stations, seed, abroad)
    if out_file is not None:
        out_file.write_text(geography_to_csv(geo), encoding="utf-8")
        out.print(f"wrote {out_file}")
        return
    n = load_geography(_open(), geo, by=CLI_ACTOR)
    out.print(f"generated and loaded {n:,} units: {len(geo.station_indices):,} stations, "
              f"{sum(u.registered for u in geo.stations()):,} voters")


def generate_geography(stations: int, seed: int, abroad: int) -> Any:
    from saylau.data import load_kz_units
    from saylau.domain.generator import generate_kazakhstan
    from saylau.domain.geography import Geography

    with Progress(transient=True, console=err) as progress:
        progress.add_task(f"generating {stations:,} stations", total=None)
        made = generate_kazakhstan(load_kz_units(), stations=stations, seed=seed, abroad=abroad)
        return made if isinstance(made, Geography) else Geography.build(made)


# --- elections -----------------------------------------------------------------------------


SignaturesOption = Annotated[str, typer.Option(
    help="required: every protocol signed by its commission's registered key; optional: "
    "unsigned protocols taken, except from a station whose own key is registered")]


@election_app.command("create")
@reports_errors
def election_create(
    election_id: Annotated[str, typer.Option("--id", help="a short id, e.g. ref-2022")],
    ruleset: str = "kz-2022",
    date: str = "2022-06-05",
    name: str = "Republican referendum",
    question_kk: str = QUESTION_2022.kk,
    question_ru: str = QUESTION_2022.ru,
    question_en: str = QUESTION_2022.en,
    constitutional: Annotated[bool, typer.Option(
        "--constitutional/--ordinary", help="constitutional question (two-thirds of units)")
    ] = True,
    signatures: SignaturesOption = "optional",
) -> None:
    """Create a referendum with one question over the whole country."""
    from saylau.services.elections import create_referendum

    e, c = create_referendum(
        _open(), election_id=election_id, name=Names.same(name), ruleset_name=ruleset,
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
    ruleset: str = "kz-2022",
    date: str = "2023-03-19",
    name: str = "Majilis election",
    signatures: SignaturesOption = "optional",
) -> None:
    """Create a Majilis (kz-2007, kz-2022) or Kurultai (kz-2026) election; under kz-2022 the
    29 single-member districts are drawn over the geography."""
    import csv
    import io

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
    s = _open()
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
    contest: str,
    file: Annotated[Path, typer.Argument(exists=True, dir_okay=False, readable=True)],
) -> None:
    """Import protocols from CSV (columns: docs/protocols-csv.md). All rows or none."""
    from saylau.domain.access import Principal, Role
    from saylau.services.bulk import import_protocols

    with Progress(transient=True, console=err) as progress:
        progress.add_task(f"checking and storing {file.name}", total=None)
        rep = import_protocols(_open(), Principal(CLI_ACTOR, Role.ADMIN), contest,
                               file.read_bytes())
    out.print(f"{rep.rows:,} rows: {rep.accepted:,} accepted ({rep.flagged:,} with warnings), "
              f"{rep.unchanged:,} unchanged")


# --- results -------------------------------------------------------------------------------


@app.command()
@reports_errors
def results(
    contest: Annotated[str | None, typer.Argument(help="contest id (default: the latest)")] = None,
    unit: Annotated[str | None, typer.Option(help="unit id (default: the contest's area)")] = None,
    as_json: Annotated[bool, typer.Option("--json")] = False,
    lang: LangOption = Lang.EN,
) -> None:
    """Results of a unit and its children, and the law's decision."""
    from saylau.api.schemas import TurnoutPointOut, UnitResultOut, decision_out
    from saylau.services import elections as es
    from saylau.services import results as rs

    s = _open()
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
    out.print(f"[bold]{v.contest.name.en}[/bold]  {v.unit.name.en}: "
              f"{r.stations_reported:,} of {r.stations_expected:,} stations reported; "
              f"turnout {percent(r.turnout)}%")
    table = Table("unit", "reported", "registered", "participants", "turnout",
                  *[o.name.en for o in v.contest.options], "both", "invalid")
    for u, ur in ((v.unit, r), *v.children):
        table.add_row(
            u.name.en, f"{ur.stations_reported:,}/{ur.stations_expected:,}",
            f"{ur.registered:,}", f"{ur.participants:,}", f"{percent(ur.turnout)}%",
            *[f"{ur.vote(o.id):,} ({percent(ur.vote_share(o.id))}%)" for o in v.contest.options],
            f"{ur.both_marked:,}", f"{ur.invalid:,}",
        )
    out.print(table)
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
    table = Table("party", "list seats", "district seats", "other", "total",
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
        exists=True, dir_okay=False, help="party,votes,registration_order CSV (no database)"
    )] = None,
    election: Annotated[str | None, typer.Option(help="an election in the store")] = None,
    as_json: Annotated[bool, typer.Option("--json")] = False,
    lang: LangOption = Lang.EN,
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

        decisions = compare_in_store(_open(), election, names)
    if as_json:
        sys.stdout.write(json.dumps({k: list_json(v, lang.value) for k, v in decisions.items()},
                                    ensure_ascii=False, indent=2) + "\n")
        return
    parties = sorted({p for d in decisions.values() for p in d.seats},
                     key=lambda p: -max(d.seats.get(p, 0) for d in decisions.values()))
    table = Table("party", *names)
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
    name: str,
    role: Annotated[str, typer.Option(help="admin | territorial | precinct | observer")],
    scope: Annotated[str | None, typer.Option(
        help="unit (territorial) or station (precinct)")] = None,
    ttl: Annotated[str, typer.Option(help="lifetime: minutes, hours or days (90m, 36h, 3d)")
                   ] = "3d",
) -> None:
    """Issue a bearer token; it is printed once and stored only as a hash. It expires after
    TTL and can be revoked at any time (`saylau token revoke`)."""
    from saylau.services.tokens import create_token

    sys.stdout.write(create_token(_open(), name, role, scope, ttl=_duration(ttl),
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
def token_revoke(name: str) -> None:
    """Revoke every token issued to NAME."""
    from saylau.services.tokens import revoke_token

    out.print(f"revoked {revoke_token(_open(), name, by=CLI_ACTOR)} token(s) of {name}")


# --- the audit log ---------------------------------------------------------------------------


@audit_app.command("list")
@reports_errors
def audit_list(
    start: Annotated[int, typer.Option(help="first entry")] = 0,
    limit: Annotated[int, typer.Option(help="entries to show (at most 1000)")] = 100,
) -> None:
    """Show the audit log's entries, one JSON object per line."""
    from saylau.services.audit import entries

    for e in entries(_open(), start, limit):
        sys.stdout.write(json.dumps(e, ensure_ascii=False, sort_keys=True) + "\n")


@audit_app.command("verify")
@reports_errors
def audit_verify() -> None:
    """Check the audit log: leaf hashes, canonical bytes, every signed tree head's root and
    signature, and each election action's leaf in that election's log. Exit 1 on a problem."""
    from saylau.services.audit import tree_head, verify

    s = _open()
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
) -> None:
    """Back up the database while it runs: OUT, OUT.manifest.json (and the key on request)."""
    from saylau.services.backup import backup as run_backup

    r = run_backup(None, out_file, with_key=with_key)
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
) -> None:
    """Restore a backup into an EMPTY database ($SAYLAU_DATABASE_URL or ./saylau.db), then
    verify every election's record, its signatures and every table's row count."""
    from saylau.services.backup import restore as run_restore

    r = run_restore(in_file, None, progress=lambda line: out.print(f"ok: {line}",
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
    host: str = "127.0.0.1", port: int = 8000,
    trusted_proxies: Annotated[str, typer.Option(
        envvar="SAYLAU_TRUSTED_PROXIES",
        help="reverse proxies whose X-Forwarded-For names the client (comma-separated IPs "
        "or networks); default none: the client is the connection's peer")] = "",
) -> None:
    """Serve the API (OpenAPI at /docs) and the results page."""
    import uvicorn

    from saylau.api.app import create_app
    from saylau.api.proxies import trusted_proxies as checked
    from saylau.api.proxies import uvicorn_proxy_options

    proxies = uvicorn_proxy_options(checked(trusted_proxies))
    uvicorn.run(create_app(_open()), host=host, port=port, log_level="info", **proxies)


@app.command()
@reports_errors
def demo(
    stations: Annotated[int, typer.Option(min=20, max=2_000_000)] = 10_000,
    seed: int = 2022,
    instant: Annotated[bool, typer.Option(
        help="replay at full speed without serving, then exit")] = False,
    minutes: Annotated[float, typer.Option(help="length of the protocol phase")] = 3.0,
    host: str = "127.0.0.1",
    port: int = 8000,
    database: Annotated[Path, typer.Option(help="SQLite file to create")] = Path("saylau-demo.db"),
    election: Annotated[str, typer.Option(
        help="referendum (5 June 2022) or majilis (kz-2022: lists + 29 districts)")
    ] = "referendum",
) -> None:
    """An election night: generate the country, create the 2022 constitutional referendum,
    then replay turnout reports and protocols through the real API with commission tokens."""
    from saylau.services.demo import DemoOptions, run_demo

    if election not in ("referendum", "majilis"):
        raise typer.BadParameter(f"expected referendum or majilis, got {election!r}",
                                 param_hint="--election")
    run_demo(DemoOptions(stations=stations, seed=seed, instant=instant, minutes=minutes,
                         host=host, port=port, database=database, election=election), out)


def main() -> None:
    app()


if __name__ == "__main__":
    main()
