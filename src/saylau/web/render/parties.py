"""The party register's pages in kk, ru and en (issue 13): the register, and one party's
decision beside the other rulesets with its valid members per region."""

from __future__ import annotations

from collections.abc import Sequence

from saylau.services.parties.decisions import RegisterEntry
from saylau.web import charts
from saylau.web.i18n import N_, tr
from saylau.web.maps import MAP_FILES
from saylau.web.render.helpers import Chart, environment, page_context
from saylau.web.render.links import Links
from saylau.web.views.parties import PartyView

STATUSES = {
    "submitted": N_("application submitted"),
    "checking": N_("member list being checked"),
    "registered": N_("party registered"),
    "refused": N_("registration refused"),
    "liquidated": N_("party liquidated"),
}
DECISIONS = {
    "registered": N_("would be registered"),
    "refused": N_("would be refused"),
    "incomplete": N_("application incomplete"),
}
CONDITIONS = {
    "initiative_group.size": N_("Founders in the initiative group"),
    "initiative_group.regions": N_("Regions the founders come from"),
    "congress.deadline": N_("Founding congress held by"),
    "members.total": N_("Valid members in total"),
    "members.per_branch": N_("Regional branches with enough members"),
}


def render_register(entries: Sequence[RegisterEntry], lang: str, links: Links) -> str:
    env = environment(lang)
    rows = []
    for e in entries:
        members = None
        if e.decision is not None:
            members = sum(e.decision["members_by_region"].get(e.ruleset, {}).values())
        rows.append((e, members))
    return env.get_template("parties.html").render(page_context(
        lang, links, rows=rows, statuses=STATUSES))


def members_map(v: PartyView, lang: str, links: Links) -> Chart | None:
    """The valid members per region under the party's own ruleset, on the map of today's 20
    units (the table beside it gives the same figures)."""
    if not v.rulesets:
        return None
    t = tr(lang)
    rows = [charts.MapRow(code, t.name(names), "", float(counts[0]), t.num(counts[0]))
            for code, names, counts in v.regions]
    spec = charts._map(  # the site's map, its colour a count instead of a share
        rows, links.static(f"geo/{MAP_FILES[0]}"),
        t.gettext("Map of the valid members by region; the table below gives the same "
                  "figures."),
        {"field": "value", "type": "quantitative", "title": t.gettext("Valid members"),
         "scale": {"scheme": "blues"}, "legend": {"orient": "bottom", "gradientLength": 220}},
        t.gettext("Valid members"), t)
    return Chart("map-members", spec, t.gettext("Valid members per region"))


def render_party(v: PartyView, lang: str, links: Links) -> str:
    env = environment(lang)
    return env.get_template("party.html").render(page_context(
        lang, links, v=v, statuses=STATUSES, decisions=DECISIONS, conditions=CONDITIONS,
        members_map=members_map(v, lang, links)))
