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

READINGS = (
    N_("branches are needed in every region (docs/law.md §10.1, UNVERIFIED after 2022; "
       "other reading: --branches two-thirds)"),
    N_("branches are needed in two-thirds of the regions (docs/law.md §10.1, UNVERIFIED; "
       "other reading: --branches every-region, the default)"),
    N_("the initiative group must come from two-thirds of the regions (docs/law.md §11.3; "
       "UNVERIFIED before 2022; other reading: --initiative-regions none)"),
    N_("the initiative group's regions are not checked (docs/law.md §11.3, UNVERIFIED; "
       "other reading: --initiative-regions apply, the default)"),
    N_("kz-2026: docs/law.md names no party rule of the 2026 Constitution; the figures since "
       "2022 apply (UNVERIFIED; no other reading offered)"),
)
"""The readings a decision prints (domain/parties/rules.Readings.lines), word for word: the
page shows each in the reader's language (tests/unit/test_parties_web_text.py holds this list
equal to every line the domain can print)."""
MISSING = (
    N_("the date the initiative group was formed"),
    N_("the date of the founding congress"),
    N_("a member list with at least one valid member"),
)
"""What an incomplete application lacks (domain/parties/rules.decide), word for word."""


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
