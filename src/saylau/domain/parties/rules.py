"""The conditions to register a political party under kz-2007, kz-2022 and kz-2026, and the
decision: `registered`, `refused` (every failed condition with its numbers) or `incomplete`
(docs/law.md §10, §11.3).

| condition (docs/law.md)                         | kz-2007     | kz-2022 / kz-2026 |
|-------------------------------------------------|-------------|-------------------|
| founders in the initiative group (§10, §11.3)   | 1,000       | 700               |
| ... from two-thirds of the regions (§11.3)      | yes         | yes               |
| founding congress within, of the group (§11.3)  | 2 months    | 3 months          |
| members in total (§10)                          | 20,000      | 5,000             |
| members in each regional branch (§10)           | 600         | 200               |
| branches: every region (§10.1, default)         | yes         | yes               |
| branches registered within (§11.3; printed)     | 6 months    | 1 year            |

UNVERIFIED points, each a parameter whose reading every explanation prints:
- `BranchReading` (§10.1): branches in every region (default), or in two-thirds of them.
- `Kz2026Reading`: docs/law.md states no party rule of the 2026 Constitution; kz-2026 applies
  the "since 2022" column (the only reading offered; printed).
- `InitiativeRegionsReading` (§11.3): the two-thirds rule of the initiative group is the
  current text; saylau applies it under kz-2007 too (`apply`, default) or not (`none`).
- the member list's required fields (§10.2): `ListFields` in members.py.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, timedelta
from enum import StrEnum
from typing import Any

from saylau.domain.errors import ValidationFailed
from saylau.domain.rulesets import RulesetName


class BranchReading(StrEnum):
    """Where branches are needed (docs/law.md §10.1; UNVERIFIED after 2022)."""

    EVERY_REGION = "every-region"
    """A branch with the minimum of members in every region, city of republican significance
    and the capital (the rule before 2022; the Minister of Justice's statements and
    Respublica's 20 branches after it; default)."""
    TWO_THIRDS = "two-thirds"
    """Branches with the minimum in at least two-thirds of the regions (the initiative group's
    rule of Art. 6, read as the branches' rule too)."""


class InitiativeRegionsReading(StrEnum):
    """Whether the initiative group must come from two-thirds of the regions under kz-2007 too
    (docs/law.md §11.3 quotes the current text only; UNVERIFIED for the older one)."""

    APPLY = "apply"
    NONE = "none"


class Decision(StrEnum):
    REGISTERED = "registered"
    REFUSED = "refused"
    INCOMPLETE = "incomplete"


@dataclass(frozen=True, slots=True)
class PartyRules:
    """One ruleset's figures for registering a party."""

    ruleset: RulesetName
    founders: int
    members_total: int
    members_per_branch: int
    congress_months: int
    branches_months: int
    cite: str = "docs/law.md §10, §11.3"


PARTY_RULES: Mapping[RulesetName, PartyRules] = {
    RulesetName.KZ_2007: PartyRules(RulesetName.KZ_2007, 1000, 20000, 600, 2, 6),
    RulesetName.KZ_2022: PartyRules(RulesetName.KZ_2022, 700, 5000, 200, 3, 12),
    RulesetName.KZ_2026: PartyRules(RulesetName.KZ_2026, 700, 5000, 200, 3, 12),
}


def rules_of(name: str) -> PartyRules:
    known = {r.value: r for r in PARTY_RULES}
    if name in known:
        return PARTY_RULES[known[name]]
    raise ValidationFailed(
        f"no party registration rules for ruleset {name!r}; choose one of "
        + ", ".join(r.value for r in PARTY_RULES),
        code="parties.unknown_ruleset",
        details={"field": "ruleset", "expected": [r.value for r in PARTY_RULES],
                 "actual": name})


@dataclass(frozen=True, slots=True)
class Readings:
    branches: BranchReading = BranchReading.EVERY_REGION
    initiative_regions: InitiativeRegionsReading = InitiativeRegionsReading.APPLY

    def lines(self, ruleset: RulesetName) -> list[str]:
        """The readings in force, in words, naming the other choice (printed with every
        decision)."""
        b = ("branches are needed in every region (docs/law.md §10.1, UNVERIFIED after 2022; "
             "other reading: --branches two-thirds)"
             if self.branches is BranchReading.EVERY_REGION else
             "branches are needed in two-thirds of the regions (docs/law.md §10.1, UNVERIFIED; "
             "other reading: --branches every-region, the default)")
        i = ("the initiative group must come from two-thirds of the regions (docs/law.md "
             "§11.3; UNVERIFIED before 2022; other reading: --initiative-regions none)"
             if self.initiative_regions is InitiativeRegionsReading.APPLY else
             "the initiative group's regions are not checked (docs/law.md §11.3, UNVERIFIED; "
             "other reading: --initiative-regions apply, the default)")
        out = [b, i]
        if ruleset is RulesetName.KZ_2026:
            out.append("kz-2026: docs/law.md names no party rule of the 2026 Constitution; the "
                       "figures since 2022 apply (UNVERIFIED; no other reading offered)")
        return out


@dataclass(frozen=True, slots=True)
class Application:
    """What the ministry decides on, as figures: the application and the counts of its valid
    members per region (the member list after its rows were checked, members.py)."""

    party: str
    initiative_formed: date | None
    founders: int
    founder_regions: frozenset[str]
    congress_held: date | None
    members_by_region: Mapping[str, int] = field(default_factory=dict)
    """Valid members (every row check passed) per region code."""


@dataclass(frozen=True, slots=True)
class Condition:
    code: str
    passed: bool
    required: int | str
    actual: int | str
    text: str
    cite: str
    details: tuple[tuple[str, Any], ...] = ()

    def as_dict(self) -> dict[str, Any]:
        return {"code": self.code, "passed": self.passed, "required": self.required,
                "actual": self.actual, "text": self.text, "cite": self.cite,
                "details": dict(self.details)}


@dataclass(frozen=True, slots=True)
class RegistrationDecision:
    party: str
    ruleset: RulesetName
    decision: Decision
    conditions: tuple[Condition, ...]
    missing: tuple[str, ...]
    """What an incomplete application lacks (empty otherwise)."""
    readings: tuple[str, ...]

    @property
    def failed(self) -> tuple[Condition, ...]:
        return tuple(c for c in self.conditions if not c.passed)

    def explanation(self) -> list[str]:
        head = f"{self.party} under {self.ruleset.value}: {self.decision.value}"
        lines = [head]
        lines += [f"missing: {m}" for m in self.missing]
        lines += [("  ok   " if c.passed else "  FAIL ") + f"{c.text} ({c.cite})"
                  for c in self.conditions]
        lines += [f"reading: {r}" for r in self.readings]
        return lines

    def as_dict(self) -> dict[str, Any]:
        return {"party": self.party, "ruleset": self.ruleset.value,
                "decision": self.decision.value,
                "conditions": [c.as_dict() for c in self.conditions],
                "failed": [c.code for c in self.failed], "missing": list(self.missing),
                "readings": list(self.readings), "explanation": self.explanation()}


def add_months(d: date, months: int) -> date:
    """The same day `months` later (the last day of that month when it has fewer days)."""
    m = d.month - 1 + months
    year, month = d.year + m // 12, m % 12 + 1
    following = date(year + month // 12, month % 12 + 1, 1)
    last_day = (following - timedelta(days=1)).day
    return date(year, month, min(d.day, last_day))


def two_thirds_of(n: int) -> int:
    """The least whole number k with 3k >= 2n (exact: 14 of 20)."""
    return -(-2 * n // 3)


def _founders(a: Application, r: PartyRules) -> Condition:
    ok = a.founders >= r.founders
    return Condition(
        "initiative_group.size", ok, r.founders, a.founders,
        f"the initiative group has {a.founders:,} founders; {r.ruleset.value} requires at "
        f"least {r.founders:,}", "docs/law.md §10, §11.3")


def _founder_regions(a: Application, regions: tuple[str, ...]) -> Condition:
    need = two_thirds_of(len(regions))
    have = len(a.founder_regions & set(regions))
    return Condition(
        "initiative_group.regions", have >= need, need, have,
        f"the founders come from {have} of the {len(regions)} regions; two-thirds is {need}",
        "docs/law.md §11.3")


def _congress(a: Application, r: PartyRules) -> Condition:
    assert a.initiative_formed is not None and a.congress_held is not None
    deadline = add_months(a.initiative_formed, r.congress_months)
    ok = a.initiative_formed <= a.congress_held <= deadline
    return Condition(
        "congress.deadline", ok, deadline.isoformat(), a.congress_held.isoformat(),
        f"the founding congress was held on {a.congress_held.isoformat()}; under "
        f"{r.ruleset.value} it must be held within {r.congress_months} months of the "
        f"initiative group's formation on {a.initiative_formed.isoformat()}, that is by "
        f"{deadline.isoformat()}", "docs/law.md §11.3")


def _total(a: Application, r: PartyRules) -> Condition:
    total = sum(a.members_by_region.values())
    return Condition(
        "members.total", total >= r.members_total, r.members_total, total,
        f"{total:,} valid members; {r.ruleset.value} requires at least {r.members_total:,}",
        "docs/law.md §10")


def _branches(a: Application, r: PartyRules, regions: tuple[str, ...],
              reading: BranchReading) -> Condition:
    counts = {reg: a.members_by_region.get(reg, 0) for reg in regions}
    short = {reg: n for reg, n in counts.items() if n < r.members_per_branch}
    enough = len(regions) - len(short)
    need = len(regions) if reading is BranchReading.EVERY_REGION else two_thirds_of(
        len(regions))
    ok = enough >= need
    listed = ", ".join(f"{reg} {n:,}" for reg, n in sorted(short.items()))
    where = "every region" if reading is BranchReading.EVERY_REGION else "two-thirds of regions"
    return Condition(
        "members.per_branch", ok, need, enough,
        f"{enough} of {len(regions)} regional branches have at least "
        f"{r.members_per_branch:,} valid members; {r.ruleset.value} requires {where} "
        f"({need})" + (f"; short: {listed}" if short else ""),
        "docs/law.md §10, §10.1",
        (("minimum", r.members_per_branch), ("short", dict(sorted(short.items())))))


def decide(a: Application, ruleset: str, regions: tuple[str, ...],
           readings: Readings = Readings()) -> RegistrationDecision:
    """The ministry's decision on `a` under `ruleset`, every condition checked at once.
    `regions`: the codes of the country's top-level units (the project's
    data/kz_units.json, docs/law.md §13.1). Incomplete when the initiative group's date, the
    congress's date or any member is missing: nothing can be decided then."""
    r = rules_of(ruleset)
    lines = tuple(readings.lines(r.ruleset))
    missing = []
    if a.initiative_formed is None:
        missing.append("the date the initiative group was formed")
    if a.congress_held is None:
        missing.append("the date of the founding congress")
    if not a.members_by_region:
        missing.append("a member list with at least one valid member")
    if missing:
        return RegistrationDecision(a.party, r.ruleset, Decision.INCOMPLETE, (),
                                    tuple(missing), lines)
    conds = [_founders(a, r)]
    if readings.initiative_regions is InitiativeRegionsReading.APPLY:
        conds.append(_founder_regions(a, regions))
    conds += [_congress(a, r), _total(a, r),
              _branches(a, r, regions, readings.branches)]
    verdict = Decision.REGISTERED if all(c.passed for c in conds) else Decision.REFUSED
    return RegistrationDecision(a.party, r.ruleset, verdict, tuple(conds), (), lines)


def compare(a: Application, rulesets: tuple[str, ...], regions: tuple[str, ...],
            readings: Readings = Readings()) -> list[RegistrationDecision]:
    """The same application decided under each ruleset, side by side."""
    return [decide(a, name, regions, readings) for name in rulesets]
