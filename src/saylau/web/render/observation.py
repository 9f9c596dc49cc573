"""The Observation pages in kk, ru and en (issue 12): the section's page, and the observers'
phone form. Every name and text is escaped by the templates (autoescape)."""

from __future__ import annotations

from saylau.web.render.helpers import environment, page_context
from saylau.web.render.links import Links, q
from saylau.web.views.observation import STATUSES, FormView, ObservationView


def observation_url(election: str) -> str:
    return f"/elections/{q(election)}/observation"


def render_observation(v: ObservationView, lang: str, links: Links) -> str:
    env = environment(lang)
    return env.get_template("observation.html").render(page_context(
        lang, links, v=v, statuses=STATUSES,
        form_url=observation_url(v.info.election.id) + "/report"))


def render_form(v: FormView, lang: str, links: Links) -> str:
    """The phone form (works at 360 px): the observer's token, the station, one checklist or
    the protocol copy; sent to the API by static/observe.js with the token as a bearer."""
    env = environment(lang)
    return env.get_template("observation_form.html").render(page_context(
        lang, links, v=v, api=f"/api/elections/{q(v.info.election.id)}/observation",
        copies_api=f"/api/contests/{q(v.contest.id)}/observation/copies"))
