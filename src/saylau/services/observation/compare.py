"""The live comparison of observers' copies with the official protocols, and the mission's and
the public's summaries (missions and counts, incidents by category and unit).

The comparison is computed from the stored current versions at each request (never kept), so
it follows either side as soon as it arrives or is corrected. A contest is compared once any
copy of it exists: then every station with an official protocol or a copy has a status.
"""

from __future__ import annotations

from collections import Counter
from typing import Any

from saylau.domain.ids import UnitId
from saylau.domain.observation.comparison import StationComparison, compare, summary
from saylau.domain.observation.forms import FormKind
from saylau.domain.observation.missions import Status
from saylau.services.context import Saylau
from saylau.services.elections import contests, get_contest, get_election
from saylau.services.observation.forms import forms
from saylau.store import observation as obs_store


def station_comparisons(app: Saylau, contest_id: str, station: str | None = None
                        ) -> list[StationComparison]:
    contest = get_contest(app, contest_id)
    with app.read() as conn:
        copies = obs_store.current_copies(conn, contest.id, station)
        if not copies and station is None:
            return []
        official = obs_store.official_figures(conn, contest.id, station)
    out = []
    for s in sorted(set(copies) | set(official)):
        c = compare(s, official.get(s), ((b, f) for b, f, _ in copies.get(s, [])))
        if c is not None:
            out.append(c)
    return out


def comparison_report(app: Saylau, contest_id: str, *, only_problems: bool = False
                      ) -> dict[str, Any]:
    """The discrepancy report of a contest: counts per status and every station's comparison
    (only those that do not match, when asked)."""
    cs = station_comparisons(app, contest_id)
    shown = [c for c in cs if not only_problems or c.status.value != "matches"]
    return {"contest": contest_id, "summary": summary(cs),
            "stations": [c.as_dict() for c in shown]}


def station_copies(app: Saylau, contest_id: str, station: str) -> dict[str, Any]:
    """One station's drill-down: the comparison and every version of every copy."""
    cs = station_comparisons(app, contest_id, station)
    with app.read() as conn:
        versions = obs_store.copy_versions(conn, contest_id, station)
    return {"contest": contest_id, "station": station,
            "comparison": cs[0].as_dict() if cs else None,
            "versions": [{"badge": v["badge"], "version": v["version"],
                          "figures": v["figures"], "reason": v["reason"],
                          "photo": v["photo_hash"], "submitted_at": v["submitted_at"],
                          "leaf": v["leaf_idx"]} for v in versions]}


def missions_summary(app: Saylau, election: str) -> list[dict[str, Any]]:
    """Each mission with its counts: observers accredited, applied, refused, revoked,
    stations covered (no observer's name: the public view)."""
    get_election(app, election)
    with app.read() as conn:
        ms = obs_store.missions(conn, election)
        observers = obs_store.observers(conn, election)
        st = obs_store.statuses(conn, election)
        dep = obs_store.deployments(conn, election)
    out = []
    for m in ms:
        mine = [o.badge for o in observers if o.mission == m.code]
        counts = Counter(st[b][0].value for b in mine)
        stations = {s for b in mine if st[b][0] is Status.ACCREDITED for s in dep.get(b, ())}
        out.append({"code": m.code, "name": m.name, "organisation": m.organisation.value,
                    "kind": m.kind.value,
                    **{s.value: counts.get(s.value, 0) for s in Status},
                    "stations_covered": len(stations)})
    return out


def incidents_summary(app: Saylau, election: str) -> dict[str, Any]:
    """Incidents by category and by top-level unit (current versions; no observer names,
    no texts: the public view)."""
    geo = app.geography()
    incident_forms = {f.form.id: f.form for f in forms(app, election)
                      if f.form.kind is FormKind.INCIDENT}
    with app.read() as conn:
        rows = obs_store.reports(conn, election, kind="incident")
    by_category: Counter[str] = Counter()
    by_unit: Counter[str] = Counter()
    by_pair: Counter[tuple[str, str]] = Counter()
    for r in rows:
        form = incident_forms.get(r["form_id"])
        category = _category(form, r["answers"])
        s = r["station_id"]
        top = geo.top_level_of(UnitId(s)) if s in geo else None
        unit = top.id if top is not None else s
        by_category[category] += 1
        by_unit[unit] += 1
        by_pair[(category, unit)] += 1
    return {"total": len(rows), "by_category": dict(sorted(by_category.items())),
            "by_unit": dict(sorted(by_unit.items())),
            "by_category_and_unit": [{"category": c, "unit": u, "count": n}
                                     for (c, u), n in sorted(by_pair.items())]}


def _category(form: Any, answers: dict[str, Any]) -> str:
    if form is None:
        return "other"
    q = form.question("category")
    v = answers.get("category")
    if q is None or not isinstance(v, int) or not 1 <= v <= len(q.choices):
        return "other"
    return str(q.choices[v - 1])


def mission_reports(app: Saylau, election: str, mission: str) -> dict[str, Any]:
    """A mission's own reports and copies (its head's export: CSV/JSON by the caller)."""
    with app.read() as conn:
        badges = {o.badge for o in obs_store.observers(conn, election, mission)}
        rows = obs_store.reports(conn, election, badges=badges)
    copies: list[dict[str, Any]] = []
    for c in contests(app, election):
        with app.read() as conn:
            cur = obs_store.current_copies(conn, c.id)
        for station, cs in cur.items():
            copies.extend({"contest": c.id, "station": station, "badge": b, "version": v,
                           "figures": f} for b, f, v in cs if b in badges)
    return {"mission": mission, "observers": len(badges),
            "reports": [{"kind": r["kind"], "badge": r["badge"], "station": r["station_id"],
                         "slot": r["slot"], "form": r["form_id"], "version": r["version"],
                         "answers": r["answers"], "submitted_at": r["submitted_at"]}
                        for r in rows],
            "copies": copies}


def published_comparison(app: Saylau, election: str) -> list[dict[str, Any]]:
    """Every contest's comparison in the shape the record publishes (`observation.json`),
    what domain/observation/record.derive re-derives from the leaves."""
    out: list[dict[str, Any]] = []
    for c in sorted(contests(app, election), key=lambda c: c.id):
        out.extend({"contest": c.id, **x.as_dict()} for x in station_comparisons(app, c.id))
    return out


def version(app: Saylau, election: str) -> str:
    """A token that changes whenever the Observation pages can change (for their caches)."""
    with app.read() as conn:
        return ".".join(str(n) for n in obs_store.last_seqs(conn, election))


def official_figures(app: Saylau, contest_id: str) -> dict[str, dict[str, int]]:
    """Station -> the current official protocol's figures (counts and votes.<option>)."""
    with app.read() as conn:
        return obs_store.official_figures(conn, contest_id)


def mission_report_csv(report: dict[str, Any]) -> str:
    """A mission's reports and copies as CSV (UTF-8 with a byte-order mark, as open data):
    one row per report or copy; the answers and figures as JSON in one column."""
    import csv
    import io
    import json

    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(["kind", "badge", "station", "slot", "form", "contest", "version", "content",
                "submitted_at"])
    for r in report["reports"]:
        w.writerow([r["kind"], r["badge"], r["station"], r["slot"], r["form"], "",
                    r["version"], json.dumps(r["answers"], ensure_ascii=False, sort_keys=True),
                    r["submitted_at"]])
    for c in report["copies"]:
        w.writerow(["copy", c["badge"], c["station"], "copy", "", c["contest"], c["version"],
                    json.dumps(c["figures"], sort_keys=True), ""])
    return "\ufeff" + buf.getvalue()

