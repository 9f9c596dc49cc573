"""Render the views to HTML, in one language, with links for the live site or for a snapshot.

One Jinja environment per language (autoescaping every value; gettext from the language's
catalog). Links are an interface: the live site links to its routes, the static snapshot to
relative files, so the same templates serve both.
"""

from __future__ import annotations

import functools
import json
from collections.abc import Sequence
from dataclasses import dataclass
from fractions import Fraction
from typing import Any, Protocol
from urllib.parse import quote

from jinja2 import Environment, PackageLoader, select_autoescape
from markupsafe import Markup

from saylau.domain.contests import Contest, ContestKind, Option, OptionKind
from saylau.domain.explain import Step, share
from saylau.domain.geography import Unit, UnitKind
from saylau.domain.ids import OptionId
from saylau.domain.names import LANGUAGES
from saylau.domain.protocols import AcceptedProtocol, Finding
from saylau.domain.tally import UnitResult
from saylau.web import charts, hemicycle
from saylau.web.i18n import LANGUAGE_NAMES, N_, Tr, tr, translations
from saylau.web.maps import map_for
from saylau.web.views import ContestView, StationView, UnitView, leading_option

# --- links -----------------------------------------------------------------------------------


class Links(Protocol):
    """Where a page's links go."""

    @property
    def live_site(self) -> bool: ...

    def national(self) -> str: ...
    def unit(self, unit: Unit) -> str: ...
    def contest(self, contest_id: str) -> str: ...
    def static(self, path: str) -> str: ...
    def lang(self, lang: str) -> str: ...
    def elections(self) -> str | None: ...
    def snapshot_file(self, path: str) -> str | None: ...
    def open_data(self, what: str) -> str | None: ...


def q(part: str) -> str:
    return quote(part, safe="-_.~")


@dataclass(frozen=True)
class ServerLinks:
    """Links of the live site: absolute paths; the language is kept by a cookie."""

    election: str
    here: str
    """This page's path (for the language switch)."""
    live_site: bool = True

    def national(self) -> str:
        return f"/elections/{q(self.election)}" if self.election else "/"

    def unit(self, unit: Unit) -> str:
        if unit.parent is None:
            return self.national()
        return f"/elections/{q(self.election)}/units/{q(unit.id)}"

    def contest(self, contest_id: str) -> str:
        return f"/elections/{q(self.election)}/contests/{q(contest_id)}"

    def static(self, path: str) -> str:
        return f"/static/{path}"

    def lang(self, lang: str) -> str:
        return f"{self.here}?lang={lang}"

    def elections(self) -> str | None:
        return "/elections"

    def snapshot_file(self, path: str) -> str | None:
        return None

    def open_data(self, what: str) -> str | None:
        """The live API's open data of this election: csv, json, cdf or the record's head."""
        if not self.election:
            return None
        e = q(self.election)
        return {"csv": f"/api/elections/{e}/open-data/csv",
                "json": f"/api/elections/{e}/open-data/json",
                "cdf": f"/api/elections/{e}/cdf.json",
                "record": f"/api/elections/{e}/tree-head"}.get(what)


def file_name(ident: str) -> str:
    """An id as a file name (ids are plain in practice; anything else is percent-encoded)."""
    return q(ident)


@dataclass(frozen=True)
class StaticLinks:
    """Links of the static snapshot: relative to the page's own file, so the snapshot works
    from any directory of any static host. Pages live under `<lang>/`."""

    page: str
    """This page's path in the snapshot, e.g. 'kk/units/KZ-10.html'."""
    language: str
    live_site: bool = False

    def _rel(self, target: str) -> str:
        """`target` (a path from the snapshot's root) relative to this page."""
        return "../" * self.page.count("/") + quote(target, safe="/-_.~")

    def national(self) -> str:
        return self._rel(f"{self.language}/index.html")

    def unit(self, unit: Unit) -> str:
        if unit.parent is None:
            return self.national()
        return self._rel(f"{self.language}/units/{file_name(unit.id)}.html")

    def contest(self, contest_id: str) -> str:
        return self._rel(f"{self.language}/contests/{file_name(contest_id)}.html")

    def static(self, path: str) -> str:
        return self._rel(f"static/{path}")

    def lang(self, lang: str) -> str:
        _, _, rest = self.page.partition("/")
        return self._rel(f"{lang}/{rest}")

    def elections(self) -> str | None:
        return None

    def snapshot_file(self, path: str) -> str | None:
        """A file of the snapshot by its path from the snapshot's root."""
        return self._rel(path)

    def open_data(self, what: str) -> str | None:
        return None  # a snapshot carries its data under data/ (see snapshot_file)


# --- labels ----------------------------------------------------------------------------------

UNIT_KINDS: dict[UnitKind, str] = {
    UnitKind.COUNTRY: N_("Country"),
    UnitKind.REGION: N_("Region"),
    UnitKind.CITY: N_("City"),
    UnitKind.DISTRICT: N_("District"),
    UnitKind.STATION: N_("Polling station"),
}
CHILDREN_OF: dict[UnitKind, str] = {
    UnitKind.COUNTRY: N_("Top-level units"),
    UnitKind.REGION: N_("Districts"),
    UnitKind.CITY: N_("Districts"),
    UnitKind.DISTRICT: N_("Polling stations and subdivisions"),
}
REFERENDUM_STATES: dict[str, str] = {
    "pending": N_("Not yet decided: protocols are still arriving"),
    "invalid": N_("Invalid: not more than half of the voters took part"),
    "not_adopted": N_("Not adopted"),
    "adopted": N_("Adopted"),
}
OUTCOMES: dict[str, str] = {
    "elected": N_("Elected"),
    "repeat": N_("Repeat election due"),
    "runoff": N_("Runoff"),
    "tie": N_("Tie"),
    "invalid": N_("Not valid"),
    "pending": N_("Awaiting protocols"),
}
SEAT_KEYS: dict[str, str] = {
    "independent": N_("Self-nominated"),
    "apk": N_("Assembly of the People of Kazakhstan"),
    "appointed": N_("Appointed"),
    "vacant": N_("Vacant: repeat election due"),
    "pending": N_("Awaiting protocols"),
}
CHAMBERS: dict[str, str] = {
    "Majilis": N_("Majilis"),
    "Kurultai": N_("Kurultai"),
}
COUNT_LABELS: dict[str, str] = {
    "registered": N_("Voters on the list"),
    "ballots_received": N_("Ballots received"),
    "ballots_issued": N_("Ballots issued"),
    "ballots_cancelled": N_("Ballots cancelled or unused"),
    "ballots_in_boxes": N_("Ballots found in the boxes"),
    "invalid": N_("Invalid ballots"),
    "both_marked": N_("Both answers marked"),
}
CHECK_LABELS: dict[str, str] = {
    "check_counts_in_range": N_("Every count is a whole number within range"),
    "check_options": N_("A figure for every option on the ballot, and for no other"),
    "check_both_marked": N_("'Both answers marked' only on referendum ballots"),
    "check_boxes_sum": N_("Ballots in the boxes = invalid + both marked + votes for the "
                          "options"),
    "check_boxes_not_above_issued": N_("No more ballots in the boxes than were issued"),
    "check_ballots_accounted": N_("Ballots issued + cancelled = ballots received"),
    "check_issued_not_above_list": N_("No more ballots issued than voters on the list"),
    "check_list_matches_geography": N_("Voters on the list = the loaded voter list"),
    "check_issued_not_below_turnout": N_("Ballots issued not below the last turnout report"),
}
FINDINGS: dict[str, str] = {
    "ballots.unaccounted": N_("%(n)s ballots unaccounted for: %(received)s received, "
                              "%(used)s issued or cancelled"),
    "registered.differs_from_list": N_("The protocol gives %(registered)s voters on the "
                                       "list; the loaded voter list has %(list_size)s"),
    "issued.below_turnout_report": N_("%(issued)s ballots issued, fewer than the %(last)s "
                                      "of the station's last turnout report"),
}
CONTEST_KINDS: dict[ContestKind, str] = {
    ContestKind.REFERENDUM: N_("Referendum"),
    ContestKind.PARTY_LIST: N_("Party lists"),
    ContestKind.SINGLE_MEMBER: N_("Single-member district"),
    ContestKind.PRESIDENTIAL: N_("Presidential election"),
    ContestKind.SENATE_SEAT: N_("Senate seat"),
}


@dataclass(frozen=True)
class Helpers:
    """Functions the templates call, bound to a language."""

    t: Tr

    def _(self, message: str) -> str:
        return self.t.gettext(message)

    def unit_kind(self, unit: Unit) -> str:
        return self._(UNIT_KINDS[unit.kind])

    def children_title(self, unit: Unit) -> str:
        return self._(CHILDREN_OF.get(unit.kind, N_("Subdivisions")))

    def referendum_state(self, state: str) -> str:
        return self._(REFERENDUM_STATES.get(state, state))

    def outcome(self, state: str) -> str:
        return self._(OUTCOMES.get(state, state))

    def chamber(self, name: str) -> str:
        return self._(CHAMBERS.get(name, name))

    def seat_key(self, key: str, party: Option | None) -> str:
        if party is not None:
            return self.option(party)
        return self._(SEAT_KEYS.get(key, key))

    def option(self, o: Option) -> str:
        if o.kind is OptionKind.AGAINST_ALL:
            return self._("Against all")
        return self.t.name(o.name)

    def count(self, field: str) -> str:
        return self._(COUNT_LABELS.get(field, field))

    def field(self, field: str, contest: Contest) -> str:
        if field.startswith("votes."):
            oid = field.removeprefix("votes.")
            for o in contest.options:
                if o.id == oid:
                    return self._("Votes: %(option)s") % {"option": self.option(o)}
            return field
        return self.count(field)

    def check(self, name: str) -> str:
        return self._(CHECK_LABELS.get(name, name))

    def finding(self, f: Finding) -> str:
        template = FINDINGS.get(f.code)
        n = dict(f.numbers)
        t = self.t
        if template is None:
            return f.message
        if f.code == "ballots.unaccounted":
            received, used = n.get("ballots_received", 0), n.get("issued_plus_cancelled", 0)
            return self._(template) % {"n": t.num(received - used), "received": t.num(received),
                                       "used": t.num(used)}
        if f.code == "registered.differs_from_list":
            return self._(template) % {"registered": t.num(n.get("registered", 0)),
                                       "list_size": t.num(n.get("list_size", 0))}
        return self._(template) % {"issued": t.num(n.get("ballots_issued", 0)),
                                   "last": t.num(n.get("last_turnout", 0))}

    def value(self, p: AcceptedProtocol, field: str) -> int:
        """A figure of a protocol version by its field name ('ballots_issued', 'votes.yes')."""
        if field.startswith("votes."):
            return p.counts.vote(OptionId(field.removeprefix("votes.")))
        value = getattr(p.counts, field)
        assert isinstance(value, int)
        return value

    def votes_needed(self, minimum: Fraction) -> str:
        """The least whole number of votes reaching `minimum` (16,380.2 -> 16,381)."""
        return self.t.num(-(-minimum.numerator // minimum.denominator))

    def legal_pct(self, share_: Fraction) -> str:
        """A percentage set by law, with decimals only where it has them (5%, 3.5%)."""
        return self.t.pct(share_, charts.compact_places(share_))

    def contest_kind(self, c: Contest) -> str:
        return self._(CONTEST_KINDS[c.kind])

    def step_text(self, s: Step) -> str:
        """A step of a decision's explanation in the page's language (its figures as given)."""
        return s.text_in(self.t.lang)

    def step_rule(self, s: Step) -> str:
        """The rule the step cites, in the page's language: article and docs/law.md section."""
        return s.rule_in(self.t.lang)


# --- environments ----------------------------------------------------------------------------


@functools.cache
def environment(lang: str) -> Environment:
    env = Environment(
        loader=PackageLoader("saylau.web", "templates"),
        autoescape=select_autoescape(["html"], default=True),
        extensions=["jinja2.ext.i18n"],
        trim_blocks=True,
        lstrip_blocks=True,
        auto_reload=False,
    )
    env.install_gettext_translations(translations(lang), newstyle=True)  # type: ignore[attr-defined]
    t = tr(lang)
    env.globals.update(t=t, h=Helpers(t), LANGUAGES=LANGUAGES, LANGUAGE_NAMES=LANGUAGE_NAMES,
                       lang=lang)
    env.filters["spec"] = _spec_json
    return env


def _spec_json(spec: dict[str, Any]) -> Markup:
    """A chart's spec inside <script type="application/json">: '<', '>' and '&' escaped so
    no value can close the element."""
    text = json.dumps(spec, ensure_ascii=False, separators=(",", ":"))
    text = text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
    return Markup(text)  # noqa: S704 - escaped above for a JSON data block


@dataclass(frozen=True)
class Chart:
    id: str
    spec: dict[str, Any]
    caption: str
    hidden: bool = False
    label: str = ""
    """The map's name on its tab (maps only)."""


def vega_locale(t: Tr) -> dict[str, Any]:
    """d3-format's locale for the charts' axes, from the language's CLDR symbols."""
    symbols = t.locale.number_symbols
    latn: Any = symbols.get("latn", symbols) if hasattr(symbols, "get") else symbols
    decimal = str(latn.get("decimal", "."))
    group = str(latn.get("group", ","))
    return {"decimal": decimal, "thousands": group, "grouping": [3],
            "currency": ["", "\u00a0₸"], "percent": "%" if t.lang != "ru" else "\u00a0%"}


# --- pages -----------------------------------------------------------------------------------


def _ctx(lang: str, links: Links, **kw: Any) -> dict[str, Any]:
    return {"links": links, "vega_locale": vega_locale(tr(lang)), **kw}


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


def colours(contest: Contest) -> dict[str, str]:
    """Each option's colour, and the chamber's other seats'."""
    out: dict[str, str] = {o.id: charts.option_colour(o, contest.options)
                           for o in contest.options}
    out.update({"independent": charts.NEUTRAL, "apk": charts.NEUTRAL,
                "appointed": charts.NEUTRAL, "vacant": "#4D4D4D", "pending": "#FFFFFF"})
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
    ctx = _ctx(lang, links, v=v, charts=cs, chart_by={c.id: c for c in cs},
               maps=[c for c in cs if c.id.startswith("map-")],
               hemicycle=hemicycle_svg(v, t), live_url=live_url, rows=unit_rows(v),
               yes_no=yes_no, majorities=majorities, colours=colours(v.contest))
    name = "_unit_live.html" if fragment else "unit.html"
    return env.get_template(name).render(ctx)


def render_station(v: StationView, lang: str, links: Links) -> str:
    """A station's page: its protocols with their checks and versions, and its turnout
    reports as a table (no chart: ten thousand station pages stay light)."""
    env = environment(lang)
    return env.get_template("station.html").render(_ctx(lang, links, v=v, charts=[]))


def render_contest(v: ContestView, lang: str, links: Links) -> str:
    env = environment(lang)
    return env.get_template("contest.html").render(
        _ctx(lang, links, v=v, charts=[], colours=colours(v.info.main)))


def render_elections(items: Sequence[tuple[str, str, str]], lang: str, links: Links) -> str:
    """The list of elections: (href, name, date)."""
    env = environment(lang)
    return env.get_template("elections.html").render(_ctx(lang, links, items=items))


def render_chooser(items: Sequence[tuple[str, str]], title: str, links: Links) -> str:
    """The snapshot's front door: one link per language (remembered by the static script)."""
    env = environment("kk")
    return env.get_template("chooser.html").render(
        _ctx("kk", links, items=items, title=title))


def render_error(status: int, message: str, lang: str, links: Links) -> str:
    env = environment(lang)
    return env.get_template("error.html").render(_ctx(lang, links, status=status,
                                                      message=message))
