"""What every page's template gets: the labels in the page's language, the helpers the
templates call, one Jinja environment per language (autoescaping every value, gettext from
the language's catalog), the charts' locale and the options' colours."""

from __future__ import annotations

import functools
import json
from dataclasses import dataclass
from fractions import Fraction
from typing import Any

from jinja2 import Environment, PackageLoader, select_autoescape
from markupsafe import Markup

from saylau.domain.contests import Contest, ContestKind, Option, OptionKind
from saylau.domain.explain import Step
from saylau.domain.geography import Unit, UnitKind
from saylau.domain.ids import OptionId
from saylau.domain.names import LANGUAGES
from saylau.domain.protocols import AcceptedProtocol, Finding
from saylau.web import charts
from saylau.web.i18n import LANGUAGE_NAMES, N_, Tr, tr, translations
from saylau.web.render.links import Links

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


def page_context(lang: str, links: Links, **kw: Any) -> dict[str, Any]:
    return {"links": links, "vega_locale": vega_locale(tr(lang)), **kw}


def colours(contest: Contest) -> dict[str, str]:
    """Each option's colour, and the chamber's other seats'."""
    out: dict[str, str] = {o.id: charts.option_colour(o, contest.options)
                           for o in contest.options}
    out.update({"independent": charts.NEUTRAL, "apk": charts.NEUTRAL,
                "appointed": charts.NEUTRAL, "vacant": "#4D4D4D", "pending": "#FFFFFF"})
    return out
