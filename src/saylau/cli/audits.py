"""`saylau audit ...` (issue 15): risk-limiting audits,
`begin|plan|seed|sample|assign|enter|read|measure|conclude|report`.

The name `audit` was held for one release by the deprecated alias of `saylau admin-log`
(cli/admin_log.py): its `list` and `verify` still work here, hidden from the help, and say on
stderr that they are deprecated.
"""

from __future__ import annotations

import json
import sys
from typing import Annotated

import typer
from rich.console import Console

from saylau.cli.admin_log import DEPRECATION, admin_log_list, admin_log_verify
from saylau.cli.common import (
    CLI_ACTOR,
    DatabaseOption,
    err,
    open_store,
    plain_table,
    reports_errors,
)
from saylau.domain.errors import ValidationFailed, field_error

audit_app = typer.Typer(
    help="Risk-limiting audits: plan, seed, sample, hand counts, risk, report.",
    no_args_is_help=True)
out = Console(highlight=False, soft_wrap=True)

AuditArg = Annotated[str, typer.Argument(metavar="AUDIT", help="the audit's id (`audit begin`)")]
_DEPRECATED = {"list", "verify"}


@audit_app.callback()
def _group(ctx: typer.Context) -> None:
    """Risk-limiting audits: plan, seed, sample, hand counts, risk, report."""
    if ctx.invoked_subcommand in _DEPRECATED:
        err.print(f"warning: {DEPRECATION}", markup=False)


audit_app.command("list", hidden=True, help="Deprecated: `saylau admin-log list`.")(
    admin_log_list)
audit_app.command("verify", hidden=True, help="Deprecated: `saylau admin-log verify`.")(
    admin_log_verify)


@audit_app.command("begin")
@reports_errors
def audit_begin(
    contest: Annotated[str, typer.Argument(metavar="CONTEST", help="the contest's id")],
    risk_limit: Annotated[str, typer.Option(help="the risk limit, e.g. 0.05")] = "0.05",
    max_rounds: Annotated[int, typer.Option(
        help="rounds before a full hand count is required")] = 2,
    kind: Annotated[str, typer.Option(
        help="batch-comparison (stations as batches) or ballot-polling")] = "batch-comparison",
    method: Annotated[str | None, typer.Option(
        help="ballot polling's risk: minerva (default) or bravo")] = None,
    database: DatabaseOption = None,
) -> None:
    """Begin an audit of the contest's reported outcome: freezes the manifest, states the assertions, logs both."""  # noqa: E501
    from saylau.services import audits

    audit = audits.begin(open_store(database), contest, risk_limit=risk_limit,
                         max_rounds=max_rounds, by=CLI_ACTOR, kind=kind, method=method)
    sys.stdout.write(audit + "\n")


@audit_app.command("plan")
@reports_errors
def audit_plan(
    audit: AuditArg,
    error_rate: Annotated[float, typer.Option(
        help="share of draws assumed to show a discrepancy")] = 0.0,
    taint: Annotated[float, typer.Option(
        help="the size of each assumed discrepancy, a share of its station's bound")] = 0.0,
    database: DatabaseOption = None,
) -> None:
    """The draws for a 70%, 80% and 90% chance of finishing in one round."""
    from saylau.services import audits

    p = audits.plan(open_store(database), audit, error_rate=error_rate, taint=taint)
    table = plain_table("chance", "draws", "stations to count (expected)")
    for r in p.rows:
        table.add_row(f"{r.chance:.0%}", f"{r.draws:,}", f"{r.stations:,.1f}")
    out.print(table)
    bound = "" if p.total_bound is None else f"total error bound U = {p.total_bound:,.3f}; "
    out.print(f"risk limit {p.alpha}; {bound}{p.assumption}")


@audit_app.command("seed")
@reports_errors
def audit_seed(
    audit: AuditArg,
    dice: Annotated[str, typer.Option(help="the ten-sided dice as rolled, e.g. '3 1 4 1 5 ...'"
                                      " (at least 20)")],
    observer: Annotated[list[str], typer.Option(
        help="an observer's name (repeat for each)")],
    database: DatabaseOption = None,
) -> None:
    """The seed ceremony of the next round, logged before any sample is drawn."""
    from saylau.services import audits

    try:
        values = [int(x) for x in dice.replace(",", " ").split()]
    except ValueError:
        raise ValidationFailed("the dice are whole numbers 0 to 9", details={"findings": [
            field_error("dice", "digits separated by spaces", dice, "not digits")]}) from None
    r = audits.enter_seed(open_store(database), audit, values, observer, by=CLI_ACTOR)
    out.print(f"round {r}: seed {''.join(map(str, values))} logged, watched by "
              f"{', '.join(observer)}")


@audit_app.command("sample")
@reports_errors
def audit_sample(
    audit: AuditArg,
    draws: Annotated[int | None, typer.Option(help="the number of draws")] = None,
    chance: Annotated[float, typer.Option(
        help="without --draws: the plan's size for this chance (0.7, 0.8 or 0.9)")] = 0.9,
    database: DatabaseOption = None,
) -> None:
    """Draw the round's sample from its seed; print the retrieval lists per commission."""
    from saylau.services import audits

    app = open_store(database)
    if draws is None:
        rows = {r.chance: r.draws for r in audits.plan(app, audit).rows}
        if chance not in rows:
            raise ValidationFailed("chance must be 0.7, 0.8 or 0.9", details={"findings": [
                field_error("chance", "0.7|0.8|0.9", chance, "no such plan row")]})
        draws = rows[chance]
    stations = audits.draw(app, audit, draws, by=CLI_ACTOR)
    out.print(f"{len(stations):,} draws, {len(set(stations)):,} stations")
    for commission, listed in sorted(audits.report(app, audit).retrieval.items()):
        out.print(f"{commission}: {', '.join(listed)}")


@audit_app.command("assign")
@reports_errors
def audit_assign(
    audit: AuditArg,
    auditor: Annotated[str, typer.Argument(metavar="AUDITOR", help="the auditor token's name")],
    stations: Annotated[list[str] | None, typer.Argument(
        metavar="STATION...", help="stations to count (default: every station drawn)")] = None,
    every_station: Annotated[bool, typer.Option(
        "--every-station", help="every station of the manifest (a full hand count)")] = False,
    database: DatabaseOption = None,
) -> None:
    """Give stations of the audit to an auditor."""
    from saylau.services import audits

    app = open_store(database)
    if every_station:
        from saylau.services.audits.rounds import manifest_of
        from saylau.store import audits as store

        with app.read() as conn:
            row = store.get_audit(conn, audit)
        stations = list(manifest_of(row).stations) if row is not None else []
    chosen = stations or sorted({s for r in audits.report(app, audit).rounds
                                 for s in r.stations})
    audits.assign(app, audit, auditor, chosen, by=CLI_ACTOR)
    out.print(f"{auditor}: {len(chosen):,} station(s)")


@audit_app.command("enter")
@reports_errors
def audit_enter(
    audit: AuditArg,
    station: Annotated[str, typer.Argument(metavar="STATION", help="a drawn station")],
    auditor: Annotated[str, typer.Option(help="the auditor who counted")],
    counts: Annotated[str, typer.Option(
        help="the hand count: category=number,... (yes=..,no=..,both_marked=..,invalid=..)")],
    database: DatabaseOption = None,
) -> None:
    """Enter one auditor's hand count of a drawn station (two auditors enter each)."""
    from saylau.domain.access import Principal, Role
    from saylau.domain.ids import ActorId
    from saylau.services import audits

    parsed: dict[str, int] = {}
    for part in counts.split(","):
        name, _, value = part.partition("=")
        try:
            parsed[name.strip()] = int(value)
        except ValueError:
            raise ValidationFailed("counts are category=number pairs", details={"findings": [
                field_error(f"counts.{name.strip()}", "a whole number", value,
                            "not a number")]}) from None
    result = audits.enter_count(open_store(database), audit, station, parsed,
                                Principal(ActorId(auditor), Role.AUDITOR))
    out.print(f"{station}: {result}")


def _pairs(text: str, field: str) -> dict[str, str]:
    out_: dict[str, str] = {}
    for part in text.split(","):
        name, sep, value = part.partition("=")
        if not sep or not name.strip() or not value.strip():
            raise ValidationFailed(f"{field} are name=value pairs", details={"findings": [
                field_error(field, "name=value,...", part, "not a pair")]})
        out_[name.strip()] = value.strip()
    return out_


@audit_app.command("read")
@reports_errors
def audit_read(
    audit: AuditArg,
    station: Annotated[str, typer.Argument(metavar="STATION", help="a station with drawn "
                                           "ballots this round")],
    auditor: Annotated[str, typer.Option(help="the auditor who read them")],
    ballots: Annotated[str, typer.Option(
        help="each drawn ballot's place and category: place=category,... (17=yes,40=no)")],
    database: DatabaseOption = None,
) -> None:
    """Ballot polling: one auditor's readings of a station's ballots drawn this round."""
    from saylau.domain.access import Principal, Role
    from saylau.domain.ids import ActorId
    from saylau.services import audits

    result = audits.enter_readings(open_store(database), audit, station,
                                   _pairs(ballots, "ballots"),
                                   Principal(ActorId(auditor), Role.AUDITOR))
    out.print(f"{station}: {result}")


@audit_app.command("conclude")
@reports_errors
def audit_conclude(audit: AuditArg, database: DatabaseOption = None) -> None:
    """After an escalation and the full hand count: the outcome confirmed or overturned."""
    from saylau.services import audits

    o = audits.conclude(open_store(database), audit, by=CLI_ACTOR)
    out.print(f"full hand count of {o.stations:,} stations: {o.outcome} (reported "
              f"{json.dumps(o.reported, sort_keys=True)}, counted "
              f"{json.dumps(o.counted, sort_keys=True)})")


@audit_app.command("measure")
@reports_errors
def audit_measure(audit: AuditArg, database: DatabaseOption = None) -> None:
    """Measure the risk from the agreed hand counts and decide the round."""
    from saylau.services import audits

    m = audits.measure(open_store(database), audit, by=CLI_ACTOR)
    out.print(f"round {m.round}: risk {float(m.risk):.6f} after {m.draws:,} draws, "
              f"{m.discrepancies} discrepancy(ies): {m.decision}")


@audit_app.command("report")
@reports_errors
def audit_report(
    audit: Annotated[str | None, typer.Argument(
        metavar="[AUDIT]", help="an audit; without one, every audit")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="the whole report as JSON")] = False,
    database: DatabaseOption = None,
) -> None:
    """The audit: assertions, rounds, progress, discrepancies (expected vs audited), state."""
    from saylau.services import audits

    app = open_store(database)
    if audit is None:
        for aid, election, contest in audits.list_audits(app):
            out.print(f"{aid}  election {election}  contest {contest}")
        return
    r = audits.report(app, audit)
    if as_json:
        sys.stdout.write(json.dumps(r.as_json(), ensure_ascii=False, sort_keys=True) + "\n")
        return
    out.print(f"audit {r.id} of {r.contest}: {r.state}; risk limit {r.risk_limit}, risk "
              f"{r.risk or 'not measured'}")
    for a in r.assertions:
        out.print(f"  assertion {a['key']}: {a['claim']}")
    for n in r.notes:
        out.print(f"  note: {n}")
    for rd in r.rounds:
        out.print(f"  round {rd.round}: seed {rd.seed} (observers {', '.join(rd.observers)}); "
                  f"{len(rd.stations):,} draws; risk {rd.risk or '-'}; {rd.decision or '-'}")
    out.print(f"  hand counts: {r.agreed:,} of {r.distinct:,} stations agreed, "
              f"{len(r.disputed)} disputed, {len(r.pending)} pending")
    for d in r.discrepancies:
        diff = ", ".join(f"{k} {v:+d}" for k, v in d["difference"].items() if v)
        out.print(f"  discrepancy {d['station']}: {diff}")
    if r.full is not None:
        out.print(f"  full hand count: {r.full['agreed']:,} of {r.full['stations']:,} stations "
                  f"agreed; outcome {r.full['outcome'] or 'not concluded'}")
