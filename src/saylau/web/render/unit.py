"""The page of a unit (the country included): its charts and maps, the chamber's hemicycle,
the table of its children."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from fractions import Fraction

from markupsafe import Markup

from saylau.domain.contests import ContestKind, Option
from saylau.domain.explain import share
from saylau.domain.geography import Unit
from saylau.domain.ids import OptionId
from saylau.domain.tally import UnitResult
from saylau.web import charts, hemicycle
from saylau.web.i18n import Tr, tr
from saylau.web.maps import map_for
from saylau.web.render.helpers import (
    Chart,
    Helpers,
    colours,
    environment,
    page_context,
)
from saylau.web.render.links import Links
from saylau.web.views.election import leading_option
from saylau.web.views.unit import UnitView


def unit_charts(v: UnitView, t: Tr, links: Links) -> list[Chart]:
    h = Helpers(t)
    out: list[Chart] = []
    if v.turnout:
        out.append(Chart("turnout-chart", charts.turnout_line(v.turnout, t),
                         t.gettext("Turnout through the day")))
    if v.is_root and v.children:
        shape = map_for(v.geo)
        if shape is not None:
            url = links.static(f"geo/{shape}")
            rows_turnout: list[charts.MapRow] = []
            rows_yes: list[charts.MapRow] = []
            rows_lead: list[charts.MapRow] = []
            leading = v.leading
            yes_no = [o for o in v.contest.options if o.id == "yes"]
            for u, r in v.children:
                if u.code is None:
                    continue
                name, href = t.name(u.name), links.unit(u)
                reported = r.stations_reported > 0
                rows_turnout.append(charts.MapRow(
                    u.code, name, href, float(r.turnout) if reported else None,
                    t.pct(r.turnout)))
                if yes_no:
                    s = r.vote_share(yes_no[0].id)
                    rows_yes.append(charts.MapRow(u.code, name, href,
                                                  float(s) if reported else None, t.pct(s)))
                lead = leading.get(u.id)
                rows_lead.append(charts.MapRow(
                    u.code, name, href, None, h.option(lead) if lead else "",
                    h.option(lead) if lead is not None else None))
            out.append(Chart("map-turnout", charts.turnout_map(rows_turnout, url, t),
                             t.gettext("Turnout by top-level unit"),
                             label=t.gettext("Turnout")))
            if yes_no:
                out.append(Chart("map-yes", charts.yes_map(rows_yes, url, t),
                                 t.gettext("Yes share by top-level unit"), hidden=True,
                                 label=t.gettext("Yes share")))
            else:
                cats = _categories(v.contest.options, h,
                                   {lead.id for lead in leading.values() if lead is not None})
                title = (t.gettext("Leading party") if v.contest.kind is ContestKind.PARTY_LIST
                         else t.gettext("Leading candidate"))
                out.append(Chart(
                    "map-leading", charts.category_map(
                        rows_lead, url, cats, title,
                        t.gettext("Map of the leading option by top-level unit; the table "
                                  "below gives the same figures."), t),
                    title + ": " + t.gettext("by top-level unit"), hidden=True, label=title))
            if v.districts:
                out.append(_district_map(v, t, h, url, links))
    if v.list_decision is not None:
        ld = v.list_decision
        names: dict[str, Option] = {o.id: o for o in v.contest.options}
        bars = [charts.ListBar(h.option(names[r.party]) if r.party in names else r.party,
                               r.share, t.pct(r.share), r.passed) for r in ld.rows]
        out.append(Chart("list-chart", charts.list_bars(bars, ld.threshold, t),
                         t.gettext("Party lists: share of the vote and the threshold")))
    return out


def _categories(options: Sequence[Option], h: Helpers, used: set[str]) -> list[tuple[str, str]]:
    return [(h.option(o), charts.option_colour(o, options)) for o in options
            if o.id in used]


def _district_map(v: UnitView, t: Tr, h: Helpers, url: str, links: Links) -> Chart:
    """Each top-level unit coloured by the party that won most of its districts."""
    parties = v.contest.options
    by_unit: dict[str, list[str]] = {}
    colours: dict[str, str] = {}
    for d in v.districts:
        if d.state != "elected" or d.winner is None:
            label = h.outcome(d.state)
            colours[label] = charts.EMPTY if d.state == "pending" else charts.NEUTRAL
        elif d.winner_party is not None:
            label = h.option(d.winner_party)
            colours[label] = charts.option_colour(d.winner_party, parties)
        else:
            label = t.gettext("Self-nominated")
            colours[label] = charts.NEUTRAL
        by_unit.setdefault(d.unit.id, []).append(label)
    rows: list[charts.MapRow] = []
    for u, _r in v.children:
        if u.code is None or u.id not in by_unit:
            continue
        labels = by_unit[u.id]
        top = max(labels, key=lambda x: (labels.count(x), -labels.index(x)))
        rows.append(charts.MapRow(u.code, t.name(u.name), links.unit(u), None,
                                  ", ".join(labels), top))
    used = {r.category for r in rows}
    cats = [(label, colour) for label, colour in colours.items() if label in used]
    title = t.gettext("District winners")
    return Chart("map-districts", charts.category_map(
        rows, url, cats, title,
        t.gettext("Map of the single-member district winners' parties by top-level unit; "
                  "the table of districts below names every winner."), t),
        title + ": " + t.gettext("by top-level unit"), hidden=True, label=title)


def hemicycle_svg(v: UnitView, t: Tr) -> Markup | None:
    ch = v.chamber
    if ch is None:
        return None
    h = Helpers(t)
    groups: list[hemicycle.SeatGroup] = []
    for key, party in _runs(ch.seats):
        n = sum(1 for k, _ in ch.seats if k == key)
        if key == "pending":
            groups.append(hemicycle.SeatGroup(h.seat_key(key, None), n, "#767676",
                                              outline=True))
        elif key == "vacant":
            groups.append(hemicycle.SeatGroup(h.seat_key(key, None), n, "#4D4D4D"))
        else:
            groups.append(hemicycle.SeatGroup(
                h.seat_key(key, party), n, charts.option_colour(party, v.contest.options)))
    title = t.gettext("%(chamber)s: %(filled)s of %(size)s seats filled") % {
        "chamber": h.chamber(ch.name), "filled": t.num(ch.filled), "size": t.num(ch.size)}
    desc = "; ".join(f"{g.label}: {t.num(g.seats)}" for g in groups)
    return Markup(hemicycle.svg(groups, title=title, description=desc,  # noqa: S704 - escaped
                                total_label=t.num(ch.size)))


def _runs(seats: Sequence[tuple[str, Option | None]]) -> list[tuple[str, Option | None]]:
    out: list[tuple[str, Option | None]] = []
    for key, party in seats:
        if not out or out[-1][0] != key:
            out.append((key, party))
    return out


@dataclass(frozen=True)
class UnitRow:
    unit: Unit
    result: UnitResult
    yes: Fraction
    no: Fraction
    leading: Option | None
    leading_share: Fraction


def unit_rows(v: UnitView) -> list[UnitRow]:
    """The table of the unit's children: turnout, the yes and no shares or the leading option
    and its share (of the participants; of the lists' and 'against all' votes for lists)."""
    out: list[UnitRow] = []
    party_list = v.contest.kind is ContestKind.PARTY_LIST
    for u, r in v.children:
        lead = leading_option(v.contest, r)
        if lead is None:
            lead_share = Fraction(0)
        elif party_list:
            lead_share = share(r.vote(lead.id), sum(x for _, x in r.votes))
        else:
            lead_share = r.vote_share(lead.id)
        out.append(UnitRow(u, r, r.vote_share(OptionId("yes")), r.vote_share(OptionId("no")),
                           lead, lead_share))
    return out


def render_unit(v: UnitView, lang: str, links: Links, *, fragment: bool = False,
                live_url: str | None = None) -> str:
    t = tr(lang)
    env = environment(lang)
    cs = unit_charts(v, t, links)
    yes_no = None
    if v.contest.kind is ContestKind.REFERENDUM:
        yes_no = (v.contest.option(OptionId("yes")), v.contest.option(OptionId("no")))
    majorities = {u.unit: u.majority for u in v.referendum.units} if v.referendum else {}
    ctx = page_context(lang, links, v=v, charts=cs, chart_by={c.id: c for c in cs},
               maps=[c for c in cs if c.id.startswith("map-")],
               hemicycle=hemicycle_svg(v, t), live_url=live_url, rows=unit_rows(v),
               yes_no=yes_no, majorities=majorities, colours=colours(v.contest))
    name = "_unit_live.html" if fragment else "unit.html"
    return env.get_template(name).render(ctx)
