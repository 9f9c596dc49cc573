"""What the Observation pages show (issue 12): the missions and their counts, coverage and
incidents by unit, each contest's comparison of observers' copies with the official protocols,
one station's copies beside its official protocol, and the phone form's questions. Public:
counts, badges and figures only; no observer's name (docs/law.md §14)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from saylau.domain.contests import Contest
from saylau.domain.errors import NotFound
from saylau.domain.geography import Geography, Unit
from saylau.domain.ids import UnitId
from saylau.domain.observation.forms import Form
from saylau.domain.observation.missions import ObservationRules
from saylau.services.context import Saylau
from saylau.services.observation import compare, deployment, forms, missions
from saylau.web.i18n import N_
from saylau.web.views.election import ElectionInfo

CATEGORIES = (N_("ballot stuffing"), N_("multiple voting"), N_("pressure on voters"),
              N_("observer obstructed"), N_("protocol irregularity"), N_("other"))
"""The default incident form's categories, marked for the catalogs (a mission's own form's
categories are shown as they were defined)."""
FORM_TEXTS = (
    N_("Opening"), N_("Voting"), N_("Counting"), N_("Incident"),
    N_("The station opened on time"), N_("The ballot boxes were empty and sealed"),
    N_("Observers were admitted freely"), N_("Voters on the list"),
    N_("Ballots issued so far"), N_("The secrecy of the vote was respected"), N_("Queue"),
    N_("short"), N_("long"), N_("Observers could see the count"),
    N_("The protocol was posted for the public"), N_("Observers received a certified copy"),
    N_("Category"), N_("Severity"), N_("low"), N_("medium"), N_("high"),
    N_("What happened"))
"""The default forms' titles, questions and choices, marked for the catalogs (a form a
mission defines itself is shown in its own words)."""
STATUSES = {"matches": N_("matches"), "differs": N_("differs"),
            "official_missing": N_("official protocol missing"),
            "observer_missing": N_("no observer copy"), "conflict": N_("observers disagree")}


@dataclass(frozen=True)
class ContestComparison:
    contest: Contest
    summary: dict[str, int]
    stations: list[dict[str, Any]]
    """Only the stations that do not match (the matching ones are counted)."""


@dataclass(frozen=True)
class ObservationView:
    info: ElectionInfo
    rules: ObservationRules
    deadline: str
    missions: list[dict[str, Any]]
    coverage: list[dict[str, Any]]
    unit_names: dict[str, Any]
    incidents: dict[str, Any]
    comparisons: list[ContestComparison]
    stations: dict[str, Unit]
    """The units of the stations listed (for their links)."""
    geo: Geography
    """The election's geography (the coverage map's units)."""


def observation_view(app: Saylau, info: ElectionInfo) -> ObservationView:
    e = info.election.id
    r = missions.rules(app, e)
    geo = app.geography()
    comparisons = []
    for c in info.contests:
        rep = compare.comparison_report(app, c.id, only_problems=True)
        if sum(rep["summary"].values()):
            comparisons.append(ContestComparison(c, rep["summary"], rep["stations"]))
    listed = {s["station"] for cc in comparisons for s in cc.stations}
    return ObservationView(
        info, r, r.deadline(date.fromisoformat(info.election.date)).isoformat(),
        compare.missions_summary(app, e), deployment.coverage(app, e),
        {u.id: u.name for u in geo.top_level()}, compare.incidents_summary(app, e),
        comparisons, {s: geo.unit(UnitId(s)) for s in listed if s in geo}, geo)


@dataclass(frozen=True)
class StationCopies:
    contest: Contest
    comparison: dict[str, Any] | None
    versions: list[dict[str, Any]]


def station_copies(app: Saylau, info: ElectionInfo, station: str) -> list[StationCopies]:
    """Each contest's observer copies of the station (empty when there are none)."""
    out = []
    for c in info.contests:
        if not c.votes_at(app.geography(), UnitId(station)):  # type: ignore[arg-type]
            continue
        got = compare.station_copies(app, c.id, station)
        if got["versions"]:
            out.append(StationCopies(c, got["comparison"], got["versions"]))
    return out


def stations_with_copies(app: Saylau, info: ElectionInfo) -> frozenset[str]:
    """The stations any observer has sent a copy for, in any contest of the election (the
    static snapshot asks `station_copies` for these only)."""
    from saylau.store import observation as obs_store

    out: set[str] = set()
    with app.read() as conn:
        for c in info.contests:
            out.update(obs_store.current_copies(conn, c.id))
    return frozenset(out)


@dataclass(frozen=True)
class FormView:
    info: ElectionInfo
    forms: list[Form]
    contest: Contest
    fields: list[str]
    """The protocol copy's fields, in protocol order."""


def form_view(app: Saylau, info: ElectionInfo) -> FormView:
    rows = forms.forms(app, info.election.id)
    if not rows:
        raise NotFound(f"election {info.election.id} has no observation forms yet",
                       code="form_not_found")
    from saylau.domain.protocols.values import COUNT_FIELDS

    fields = [f for f in COUNT_FIELDS if f != "both_marked" or info.main.has_both_marked]
    fields += [f"votes.{o.id}" for o in info.main.options]
    return FormView(info, [r.form for r in rows], info.main, fields)
