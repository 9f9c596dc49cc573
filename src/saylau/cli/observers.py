"""`saylau observers ...` (issue 12): missions, accreditation, deployment, and the discrepancy
and coverage report.

    saylau observers mission create CODE --name ... --organisation odihr
    saylau observers mission apply CODE NAME        (prints the badge)
    saylau observers mission accredit BADGE         (prints the observer's token, once)
    saylau observers mission refuse BADGE --reason ...
    saylau observers mission revoke BADGE --reason ...
    saylau observers mission deploy BADGE STATION
    saylau observers mission import CODE FILE.csv   (badge,station; all or nothing)
    saylau observers mission token CODE             (the mission head's token, once)
    saylau observers report [--contest C] [--json]

The command line acts as the central commission (role admin).
"""

from __future__ import annotations

import json
import sys
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
from saylau.domain.access import Principal, Role

observers_app = typer.Typer(
    help="Election observation: missions, accreditation, deployment, reports.",
    no_args_is_help=True)
mission_app = typer.Typer(help="Missions and their observers.", no_args_is_help=True)
observers_app.add_typer(mission_app, name="mission")

ElectionOption = Annotated[str | None, typer.Option(
    "--election", help="the election (default: the latest one)", show_default=False)]
CEC = Principal(CLI_ACTOR, Role.ADMIN)


def _election(s: Any, election: str | None) -> str:
    from saylau.services.elections import get_election

    return str(get_election(s, election).id)


@mission_app.command("create")
@reports_errors
def mission_create(
    code: Annotated[str, typer.Argument(metavar="CODE", help="short code, e.g. ODIHR")],
    name: Annotated[str, typer.Option(help="the mission's full name")],
    organisation: Annotated[str, typer.Option(
        help="odihr | cis | sco | ots | oic | other_international | party | association")],
    signed: Annotated[bool, typer.Option(
        "--signed-reports", help="its observers sign their reports")] = False,
    election: ElectionOption = None,
    database: DatabaseOption = None,
) -> None:
    """Create an observation mission (international or domestic)."""
    from saylau.services.observation import missions

    s = open_store(database)
    e = _election(s, election)
    m = missions.create_mission(s, e, code, name, organisation, signed_reports=signed,
                                by=CLI_ACTOR)
    out.print(f"mission {m.code} ({m.kind}, {m.organisation}) created in {e}", markup=False)


@mission_app.command("apply")
@reports_errors
def mission_apply(
    code: Annotated[str, typer.Argument(metavar="CODE", help="the mission")],
    name: Annotated[str, typer.Argument(metavar="NAME", help="the observer's full name")],
    key: Annotated[Path | None, typer.Option(
        "--key", metavar="FILE.pub", show_default=False,
        help="the observer's public key (hex), for a mission that requires signed reports")
    ] = None,
    election: ElectionOption = None,
    database: DatabaseOption = None,
) -> None:
    """Apply for the accreditation of one observer; prints the badge number."""
    from saylau.cli.common import read_hex
    from saylau.services.observation import missions

    s = open_store(database)
    sys.stdout.write(missions.apply(s, CEC, _election(s, election), code, name,
                                    public_key=None if key is None else read_hex(key)) + "\n")


@mission_app.command("accredit")
@reports_errors
def mission_accredit(
    badge: Annotated[str, typer.Argument(metavar="BADGE", help="e.g. ODIHR-0001")],
    election: ElectionOption = None,
    database: DatabaseOption = None,
) -> None:
    """Accredit an observer (before the deadline); prints their token, shown once."""
    from saylau.services.observation import missions

    s = open_store(database)
    _, token = missions.accredit(s, _election(s, election), badge, by=CLI_ACTOR)
    sys.stdout.write(token + "\n")


@mission_app.command("refuse")
@reports_errors
def mission_refuse(
    badge: Annotated[str, typer.Argument(metavar="BADGE", help="e.g. ODIHR-0001")],
    reason: Annotated[str, typer.Option(help="why the accreditation is refused")],
    election: ElectionOption = None,
    database: DatabaseOption = None,
) -> None:
    """Refuse an observer's accreditation, saying why."""
    from saylau.services.observation import missions

    s = open_store(database)
    st = missions.refuse(s, _election(s, election), badge, reason, by=CLI_ACTOR)
    out.print(f"{st.badge}: {st.status} ({st.reason})", markup=False)


@mission_app.command("revoke")
@reports_errors
def mission_revoke(
    badge: Annotated[str, typer.Argument(metavar="BADGE", help="e.g. ODIHR-0001")],
    reason: Annotated[str, typer.Option(help="why the accreditation is revoked")],
    election: ElectionOption = None,
    database: DatabaseOption = None,
) -> None:
    """Revoke an accreditation and the observer's token, saying why."""
    from saylau.services.observation import missions

    s = open_store(database)
    st = missions.revoke(s, _election(s, election), badge, reason, by=CLI_ACTOR)
    out.print(f"{st.badge}: {st.status} ({st.reason})", markup=False)


@mission_app.command("deploy")
@reports_errors
def mission_deploy(
    badge: Annotated[str, typer.Argument(metavar="BADGE", help="an accredited observer")],
    station: Annotated[str, typer.Argument(metavar="STATION", help="a station's id")],
    election: ElectionOption = None,
    database: DatabaseOption = None,
) -> None:
    """Deploy an accredited observer to a station."""
    from saylau.services.observation import deployment

    s = open_store(database)
    deployment.deploy(s, CEC, _election(s, election), badge, station)
    out.print(f"{badge} deployed to {station}", markup=False)


@mission_app.command("import")
@reports_errors
def mission_import(
    code: Annotated[str, typer.Argument(metavar="CODE", help="the mission")],
    file: Annotated[Path, typer.Argument(metavar="FILE.csv",
                                         help="columns badge,station; one row each")],
    election: ElectionOption = None,
    database: DatabaseOption = None,
) -> None:
    """Deploy from a CSV file: all rows or none (every bad row is named with its line)."""
    from saylau.services.observation import deployment

    s = open_store(database)
    n = deployment.import_csv(s, CEC, _election(s, election), code, file.read_bytes())
    out.print(f"{n} deployment(s) added for {code}", markup=False)


@mission_app.command("token")
@reports_errors
def mission_token(
    code: Annotated[str, typer.Argument(metavar="CODE", help="the mission")],
    election: ElectionOption = None,
    database: DatabaseOption = None,
) -> None:
    """Issue the mission head's token (role mission), shown once."""
    from saylau.services.observation import missions

    s = open_store(database)
    sys.stdout.write(missions.mission_token(s, _election(s, election), code, by=CLI_ACTOR)
                     + "\n")


@observers_app.command("report")
@reports_errors
def report(
    contest: Annotated[str | None, typer.Option(
        help="the contest (default: every contest of the election)", show_default=False)
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="print JSON instead of tables")
                       ] = False,
    problems: Annotated[bool, typer.Option(
        "--problems", help="list only the stations that do not match")] = False,
    election: ElectionOption = None,
    database: DatabaseOption = None,
) -> None:
    """The discrepancy and coverage report: missions, coverage, each station's comparison."""
    from saylau.services.elections import contests
    from saylau.services.observation import compare, deployment, missions

    s = open_store(database)
    e = _election(s, election)
    ids = [contest] if contest is not None else [c.id for c in contests(s, e)]
    doc: dict[str, Any] = {"election": e, "rules": missions.explain(s, e),
           "missions": compare.missions_summary(s, e),
           "coverage": deployment.coverage(s, e),
           "incidents": compare.incidents_summary(s, e),
           "comparison": [compare.comparison_report(s, c, only_problems=problems)
                          for c in ids]}
    if as_json:
        sys.stdout.write(json.dumps(doc, ensure_ascii=False, indent=2) + "\n")
        return
    for line in doc["rules"]:
        out.print(line, markup=False)
    t = plain_table("mission", "kind", "accredited", "applied", "refused", "revoked",
                    "stations")
    for m in doc["missions"]:
        t.add_row(m["code"], m["kind"], str(m["accredited"]), str(m["applied"]),
                  str(m["refused"]), str(m["revoked"]), str(m["stations_covered"]))
    out.print(t)
    t = plain_table("unit", "stations", "covered", "observers")
    for c in doc["coverage"]:
        t.add_row(c["unit"], str(c["stations"]), str(c["covered"]), str(c["observers"]))
    out.print(t)
    for rep in doc["comparison"]:
        out.print(f"contest {rep['contest']}: " + ", ".join(
            f"{k.replace('_', ' ')} {v}" for k, v in rep["summary"].items()), markup=False)
        t = plain_table("station", "status", "differences")
        for st in rep["stations"]:
            diffs = "; ".join(f"{d['field']}: official {d['official']}, observer "
                              f"{d['observer']}" for d in st["differences"])
            if st["status"] == "conflict":
                diffs = " | ".join(f"{'+'.join(g['observers'])}: " + (", ".join(
                    f"{d['field']} {d['observer']}" for d in g["differences"]) or "as official")
                    for g in st["copies"])
            t.add_row(st["station"], st["status"].replace("_", " "), diffs)
        out.print(t)
