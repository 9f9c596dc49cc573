"""`saylau results` and `saylau compare`: a unit's results with the law's decision, and the
same list votes under several rulesets."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.table import Table

from saylau.cli.common import DatabaseOption, open_store, out, plain_table, reports_errors
from saylau.cli.decide import LangOption
from saylau.domain.contests import ContestKind
from saylau.domain.explain import percent
from saylau.domain.names import Lang
from saylau.services.context import Saylau


def _decision_json(s: Saylau, contest: str, lang: Lang) -> dict[str, Any] | None:
    """The contest's decision as the API's GET /api/contests/{id}/decision gives it (the one
    decision call, services.results.decision), or None when it has none yet (a list before
    its first protocol, figures the law cannot decide on, a question put to part of the
    country)."""
    from saylau.api.schemas.results import decision_wire
    from saylau.domain.errors import SaylauError
    from saylau.services import results as rs

    d, seq = rs.decision(s, contest)
    try:
        return decision_wire(d, lang.value, seq)
    except SaylauError:
        return None


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
    from saylau.api.schemas import TurnoutPointOut, UnitResultOut
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
            "decision": _decision_json(s, v.contest.id, lang),
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
        from saylau.domain.rulesets import ruleset

        for name in names:  # "against all" where the ruleset's ballot has it (not kz-2007)
            against = parsed.against_all if ruleset(name).list_against_all else None
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
