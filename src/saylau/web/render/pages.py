"""The other pages: a polling station, a single contest, the list of elections, the
snapshot's language chooser, an error."""

from __future__ import annotations

from collections.abc import Sequence

from saylau.web.render.helpers import (
    colours,
    environment,
    page_context,
)
from saylau.web.render.links import Links
from saylau.web.views.contest import ContestView
from saylau.web.views.station import StationView


def render_station(v: StationView, lang: str, links: Links,
                   observation: Sequence[object] = ()) -> str:
    """A station's page: its protocols with their checks and versions, and its turnout
    reports as a table (no chart: ten thousand station pages stay light); the observers'
    copies beside the official protocol (`observation`: web/views/observation.StationCopies,
    issue 12)."""
    from saylau.web.views.observation import STATUSES

    env = environment(lang)
    return env.get_template("station.html").render(page_context(
        lang, links, v=v, charts=[], observation=observation, statuses=STATUSES))


def render_contest(v: ContestView, lang: str, links: Links) -> str:
    env = environment(lang)
    return env.get_template("contest.html").render(
        page_context(lang, links, v=v, charts=[], colours=colours(v.info.main)))


def render_elections(items: Sequence[tuple[str, str, str]], lang: str, links: Links) -> str:
    """The list of elections: (href, name, date)."""
    env = environment(lang)
    return env.get_template("elections.html").render(page_context(lang, links, items=items))


def render_chooser(items: Sequence[tuple[str, str]], title: str, links: Links) -> str:
    """The snapshot's front door: one link per language (remembered by the static script)."""
    env = environment("kk")
    return env.get_template("chooser.html").render(
        page_context("kk", links, items=items, title=title))


def render_error(status: int, message: str, lang: str, links: Links) -> str:
    env = environment(lang)
    return env.get_template("error.html").render(page_context(lang, links, status=status,
                                                      message=message))
