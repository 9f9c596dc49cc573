"""The chambers as the decisions fill them (docs/law.md §2, §5, §6, §7, §8.1).

A mixed chamber: the list seats the party-list decision gives (each filled from the party's
list in order, where the list is known), one seat per single-member district whose winner is
elected (a district where a repeat election is due, or a tie stands, is a vacancy) and, under
kz-2007, the 9 deputies of the Assembly of the People of Kazakhstan. The Senate: two senators
per top-level unit and the appointed ones (none under kz-2026). Every number comes from the
ruleset registry (`saylau.domain.rulesets`); the decisions from `saylau.domain.decide`.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from saylau.domain.contests import Contest
from saylau.domain.errors import RuleError
from saylau.domain.explain import Step, phrase, step
from saylau.domain.ids import OptionId
from saylau.domain.law.candidates import CandidateDecision, Outcome
from saylau.domain.law.parliament.values import ListDecision
from saylau.domain.rulesets import RULESETS, RulesetName

RULE_SENATE_COMPOSITION = "senate.composition"
RULE_SENATE_APPOINTED = "senate.appointed"


@dataclass(frozen=True, slots=True)
class Seat:
    source: str
    """'list', 'district', 'apk' or 'appointed'."""
    party: str | None
    """The party's option id, or None (an independent; an appointed or APK seat)."""
    district: str | None = None
    member: str | None = None
    """The district winner's option id; for list seats the list name when known."""


@dataclass(frozen=True, slots=True)
class DistrictResult:
    """A single-member district's contest, its decision, and whether every station is in."""

    contest: Contest
    decision: CandidateDecision
    complete: bool


@dataclass(frozen=True, slots=True)
class Composition:
    chamber: str
    ruleset: RulesetName
    size: int
    seats: tuple[Seat, ...]
    vacancies: tuple[str, ...]
    """Districts where a repeat election is due ("against all" first) or a tie stands."""
    pending: tuple[str, ...]
    """Districts (or 'list') still waiting for protocols."""
    list_decision: ListDecision
    district_decisions: Mapping[str, CandidateDecision] = field(default_factory=dict)

    def by_party(self) -> dict[str, dict[str, int]]:
        """Seats per party (or 'independent', 'apk', 'appointed'): list, district, other."""
        out: dict[str, dict[str, int]] = {}
        for s in self.seats:
            key = s.party or ("independent" if s.source == "district" else s.source)
            row = out.setdefault(key, {"list": 0, "district": 0, "other": 0, "total": 0})
            row[s.source if s.source in ("list", "district") else "other"] += 1
            row["total"] += 1
        return out


def compose_chamber(ruleset: RulesetName, list_contest: Contest, list_decision: ListDecision,
                    list_complete: bool, districts: Sequence[DistrictResult] = ()
                    ) -> Composition:
    """The chamber the decisions give: list seats, elected district winners, the APK's seats;
    vacancies where a district elected nobody; `pending` where figures are outstanding."""
    rs = RULESETS[ruleset]
    seats: list[Seat] = []
    for party, n in list_decision.seats.items():
        names = list_contest.option(OptionId(party)).list_names
        seats.extend(Seat("list", party, member=names[k] if k < len(names) else None)
                     for k in range(n))
    vacancies: list[str] = []
    pending: list[str] = [] if list_complete else ["list"]
    decisions: dict[str, CandidateDecision] = {}
    for r in districts:
        d, c = r.decision, r.contest
        if c.district is None:
            continue
        decisions[c.district.id] = d
        if not r.complete:
            pending.append(c.district.id)
            continue
        if d.outcome is Outcome.ELECTED and d.winner is not None:
            nominee = c.option(OptionId(d.winner)).party
            seats.append(Seat("district", nominee, district=c.district.id, member=d.winner))
        else:
            vacancies.append(c.district.id)
    seats.extend(Seat("apk", None) for _ in range(rs.chamber.apk))
    size = rs.chamber_size(list_decision.seats_total, len(districts))
    return Composition(rs.chamber.name, ruleset, size, tuple(seats), tuple(vacancies),
                       tuple(pending), list_decision, decisions)


@dataclass(frozen=True, slots=True)
class SenateComposition:
    ruleset: RulesetName
    elected: int
    appointed: int
    apk_recommended: int
    per_unit: tuple[tuple[str, int], ...]

    @property
    def size(self) -> int:
        return self.elected + self.appointed


def senate_composition(ruleset: RulesetName, top_level_units: Sequence[str]
                       ) -> SenateComposition:
    """The Senate: senators per top-level unit plus the appointed (docs/law.md §8.1); a
    `RuleError` under a ruleset without a Senate (kz-2026)."""
    senate = RULESETS[ruleset].senate
    if senate is None:
        raise RuleError("the Constitution of 2026 has a unicameral Kurultai: no Senate",
                        code="no_senate", details={"ruleset": ruleset.value})
    return SenateComposition(ruleset, senate.per_unit * len(top_level_units), senate.appointed,
                             senate.apk_recommended,
                             tuple((u, senate.per_unit) for u in top_level_units))


def senate_steps(s: SenateComposition) -> tuple[Step, ...]:
    """How the Senate's size adds up (docs/law.md §8.1), as explanation steps."""
    apk = phrase("senate.apk", n=s.apk_recommended) if s.apk_recommended else None
    return (
        step("senate.elected", RULE_SENATE_COMPOSITION, units=len(s.per_unit),
             elected=s.elected),
        step("senate.appointed", RULE_SENATE_APPOINTED, appointed=s.appointed, apk=apk),
        step("senate.total", RULE_SENATE_COMPOSITION, elected=s.elected, appointed=s.appointed,
             size=s.size),
    )
