"""A minimal public HTML page with the national result (the full public site is later work)."""

from __future__ import annotations

from typing import Any

from jinja2 import Environment, PackageLoader, select_autoescape

from saylau.domain.contests import ContestKind
from saylau.domain.errors import NotFound
from saylau.domain.explain import percent
from saylau.services import elections as election_svc
from saylau.services import results as results_svc
from saylau.services.context import Saylau

_env = Environment(
    loader=PackageLoader("saylau.web", "templates"),
    autoescape=select_autoescape(["html"]),
)

STATE_LABELS = {
    "pending": "Not yet decidable: protocols still arriving",
    "invalid": "Invalid: turnout not above one half",
    "not_adopted": "Not adopted",
    "adopted": "Adopted",
}


def national_page(app: Saylau, max_age: float = 0.0) -> str:
    try:
        election = election_svc.get_election(app)
    except NotFound:
        return _env.get_template("national.html").render(
            election_name="saylau", question="", view=None
        )
    contest = election_svc.contests(app, election.id)[0]
    view = results_svc.results(app, contest.id, max_age=max_age)
    r = view.result
    options = [
        {"label": o.name.en, "votes": r.vote(o.id), "share": percent(r.vote_share(o.id))}
        for o in contest.options
    ]
    units: list[dict[str, Any]] = [
        {
            "name": u.name.en,
            "reported": f"{ur.stations_reported:,}/{ur.stations_expected:,}",
            "turnout": percent(ur.turnout),
            "shares": [percent(ur.vote_share(o.id)) for o in contest.options],
        }
        for u, ur in view.children
    ]
    decision = None
    if view.decision is not None:
        decision = {
            "state_label": STATE_LABELS.get(view.decision.state.value, view.decision.state.value),
            "explanation": [s.render() for s in view.decision.explanation],
        }
    chamber = None
    if contest.kind is ContestKind.PARTY_LIST:
        from saylau.services.parliament import composition

        comp = composition(app, election.id)
        chamber = {
            "title": f"{comp.chamber}: {len(comp.seats)} of {comp.size} seats",
            "rows": sorted(comp.by_party().items(), key=lambda kv: -kv[1]["total"]),
            "vacancies": ", ".join(comp.vacancies),
            "pending": len(comp.pending),
            "explanation": [s.render() for s in comp.list_decision.explanation],
        }
    points = [
        {"at": p.at.strftime("%H:%M"), "ballots_issued": p.ballots_issued,
         "turnout": percent(p.turnout),
         "stations": f"{p.stations_reporting:,}/{p.stations_expected:,}"}
        for p in view.turnout
    ]
    return _env.get_template("national.html").render(
        election_name=election.name.en, question=contest.name.en, view=view, r=r,
        turnout=percent(r.turnout), options=options, units=units, decision=decision,
        turnout_points=points, chamber=chamber,
    )
