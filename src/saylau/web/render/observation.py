"""The Observation pages in kk, ru and en (issue 12): the section's page, and the observers'
phone form. Every name and text is escaped by the templates (autoescape)."""

from __future__ import annotations

from fractions import Fraction

from saylau.web import charts
from saylau.web.i18n import N_, Tr, tr
from saylau.web.maps import map_for
from saylau.web.render.helpers import Chart, environment, page_context
from saylau.web.render.links import Links, q
from saylau.web.views.mission_print import MissionPrintView
from saylau.web.views.observation import STATUSES, FormView, ObservationView

OBSERVER_STATUSES = {"applied": N_("Applied"), "refused": N_("Refused"),
                     "revoked": N_("Revoked"), "accredited": N_("Accredited")}


def observation_url(election: str) -> str:
    return f"/elections/{q(election)}/observation"


def render_observation(v: ObservationView, lang: str, links: Links) -> str:
    env = environment(lang)
    return env.get_template("observation.html").render(page_context(
        lang, links, v=v, statuses=STATUSES, coverage_map=coverage_chart(v, tr(lang), links),
        form_url=observation_url(v.info.election.id) + "/report"))


def coverage_chart(v: ObservationView, t: Tr, links: Links) -> Chart | None:
    """The coverage by top-level unit as a choropleth (the results' map component), when the
    geography has a packaged map; the table beside it gives the same figures."""
    shape = map_for(v.geo)
    if shape is None:
        return None
    rows = []
    units = {u.id: u for u in v.geo.top_level()}
    for c in v.coverage:
        u = units.get(c["unit"])
        if u is None or u.code is None:
            continue
        share = Fraction(c["covered"], c["stations"]) if c["stations"] else Fraction(0)
        label = t.gettext("%(pct)s (%(covered)s of %(stations)s stations)") % {
            "pct": t.pct(share), "covered": t.num(c["covered"]),
            "stations": t.num(c["stations"])}
        rows.append(charts.MapRow(u.code, t.name(u.name), links.unit(u),
                                  float(share) if c["stations"] else None, label))
    return Chart("map-coverage", charts.coverage_map(rows, links.static(f"geo/{shape}"), t),
                 t.gettext("Stations with an observer deployed, by top-level unit"))


def render_form(v: FormView, lang: str, links: Links) -> str:
    """The phone form (works at 360 px): the observer's token, the station, one checklist or
    the protocol copy; sent to the API by static/observe.js with the token as a bearer."""
    env = environment(lang)
    return env.get_template("observation_form.html").render(page_context(
        lang, links, v=v, api=f"/api/elections/{q(v.info.election.id)}/observation",
        copies_api=f"/api/contests/{q(v.contest.id)}/observation/copies"))


def mission_print_url(election: str, code: str) -> str:
    return f"{observation_url(election)}/missions/{q(code)}/print"


def render_mission_print(v: MissionPrintView, lang: str, links: Links) -> str:
    """The mission's printable page (its head's or the central commission's view)."""
    env = environment(lang)
    return env.get_template("mission_print.html").render(page_context(
        lang, links, v=v, statuses=STATUSES, status_names=OBSERVER_STATUSES))
