"""The assertions an outcome rests on: linear statements about the paper ballots whose truth
together implies the reported outcome (the assertion-based approach of SHANGRLA, P. B. Stark,
"Sets of Half-Average Nulls Generate Risk-Limiting Audits", 2020, and, for party lists,
M. Blom, J. Budurushi, R. L. Rivest, P. B. Stark, P. J. Stuckey, V. Teague and D. Vukcevic,
"Assertion-based approaches to auditing complex elections, with application to party-list
proportional elections", E-Vote-ID 2021).

Each assertion says sum over stations of (w . counts_p + r * registered_p) > 0, with `w` one
weight per ballot category (an option, "both marked", "against all", invalid), restricted to a
top-level unit when `unit` is set. Where it can also be said as "the ballots of W are more than
a fraction f of the ballots of W and L", `polling` holds (W, L, f) for BRAVO.

The outcomes: a referendum (docs/law.md §3: majority of participants §3.5, validity by turnout
§3.1 where the paper can speak, the two-thirds of units §3.6 with only as many units as the
claim needs, chosen to minimise the work), the President (§9.1: a majority of those who took
part, or the runoff's two finalists), a district's plurality (§5.7) and a party list (§5.2
threshold sides, §5.3 and §15.1 Hare largest remainder, §15.3 D'Hondt).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np

from saylau.domain.audit.macro import error_bounds, prepare
from saylau.domain.audit.model import (
    Assertion,
    Manifest,
    Polling,
    margin,
    station_margins,
    weight_vector,
)
from saylau.domain.contests import YES, Contest, ContestKind, OptionKind
from saylau.domain.errors import RuleError, ValidationFailed, field_error
from saylau.domain.rulesets import RulesetName

__all__ = [
    "Assertion",
    "AssertionSet",
    "Manifest",
    "Polling",
    "choose_cheapest",
    "majority_of",
    "margin",
    "no_majority_of",
    "party_list",
    "plurality",
    "president",
    "referendum",
    "station_margins",
    "weight_vector",
]


# --- builders -------------------------------------------------------------------------------

def _uniform(categories: Sequence[str], value: float) -> dict[str, float]:
    return dict.fromkeys(categories, value)


def _pair(w: str, loser: str, key: str, claim: str, unit: str | None = None) -> Assertion:
    return Assertion(key, claim, {w: 1.0, loser: -1.0}, unit=unit,
                     polling=Polling((w,), (loser,), 0.5))


def majority_of(manifest: Manifest, option: str, key: str, claim: str,
                unit: str | None = None) -> Assertion:
    """`option` has more than half of all the ballots in the boxes (participants): 2 x option >
    participants, weights +1/2 for the option and -1/2 for every other category."""
    weights = _uniform(manifest.categories, -0.5)
    weights[option] = 0.5
    others = tuple(c for c in manifest.categories if c != option)
    return Assertion(key, claim, weights, unit=unit, polling=Polling((option,), others, 0.5))


def no_majority_of(manifest: Manifest, option: str, key: str, claim: str,
                   unit: str | None = None) -> Assertion:
    """`option` has at most half of the ballots: the others are at least as many."""
    weights = _uniform(manifest.categories, 0.5)
    weights[option] = -0.5
    others = tuple(c for c in manifest.categories if c != option)
    return Assertion(key, claim, weights, unit=unit, polling=Polling(others, (option,), 0.5))


@dataclass(frozen=True)
class AssertionSet:
    assertions: tuple[Assertion, ...]
    notes: tuple[str, ...] = field(default=())
    chosen_units: tuple[str, ...] = field(default=())


def referendum(manifest: Manifest, *, yes: str, units_needed: int | None,
               adopted: bool, valid: bool) -> AssertionSet:
    """A referendum (docs/law.md §3). `units_needed` is None for an ordinary question (§3.5),
    else the units the two-thirds rule needs (§3.6). The reported outcome is `valid` and
    `adopted`; the assertions are the ones that outcome needs."""
    notes: list[str] = []
    out: list[Assertion] = []
    if valid:
        out.append(Assertion(
            "turnout", "more than half of the registered voters took part (§3.1): the ballots "
            "in the boxes exceed half the voters on the lists",
            _uniform(manifest.categories, 1.0), registered_weight=-0.5))
    else:
        notes.append("reported not valid by turnout: the paper ballots cannot show ballots "
                     "that are not in the boxes, so the audit does not test turnout")
    chosen: tuple[str, ...] = ()
    if adopted:
        if units_needed is None:
            out.append(majority_of(manifest, yes, "majority",
                                   "yes has more than half of the participants (§3.5)"))
        unit_list = sorted(set(manifest.units))
        if units_needed is not None:
            winners = [u for u in unit_list if _share(manifest, yes, u) > 0.5]
            if len(winners) < units_needed:
                raise RuleError(f"reported adopted but only {len(winners)} units have a yes "
                                f"majority where {units_needed} are needed")
            cands = [majority_of(manifest, yes, f"unit:{u}",
                                 f"yes has more than half of the participants in {u} (§3.6)",
                                 unit=u) for u in winners]
            picked = choose_cheapest(manifest, out, cands, units_needed)
            chosen = tuple(a.unit or "" for a in picked)
            out.extend(picked)
            notes.append(f"two-thirds rule: {units_needed} of {len(unit_list)} units needed; "
                         f"audited {', '.join(chosen)} (the cheapest to confirm)")
    elif units_needed is None:
        out.append(no_majority_of(manifest, yes, "no-majority",
                                  "yes has at most half of the participants (§3.5)"))
    else:
        unit_list = sorted(set(manifest.units))
        losers = [u for u in unit_list if _share(manifest, yes, u) <= 0.5]
        need_fail = len(unit_list) - units_needed + 1
        if len(losers) < need_fail:
            raise RuleError(f"reported not adopted but {len(unit_list) - len(losers)} "
                            f"units have a yes majority and {units_needed} are needed")
        cands = [no_majority_of(manifest, yes, f"unit-no:{u}",
                                f"yes has at most half of the participants in {u} (§3.6)",
                                unit=u) for u in losers]
        picked = choose_cheapest(manifest, out, cands, need_fail)
        chosen = tuple(a.unit or "" for a in picked)
        out.extend(picked)
        notes.append(f"two-thirds rule: {need_fail} units without a yes majority suffice "
                     f"to confirm the rejection; audited {', '.join(chosen)}")
    return AssertionSet(tuple(out), tuple(notes), chosen)


def referendum_outcome(m: Manifest, yes: str, constitutional: bool, units_total: int
                       ) -> tuple[bool, bool, int | None]:
    """(valid, adopted, units needed or None) as the law decides them from the manifest's
    figures (docs/law.md §3.1, §3.5, §3.6, the default readings): what the audit checks."""
    from saylau.domain.law.referendum.rules import has_majority, is_valid, units_required

    participants = int(m.ballots.sum())
    valid = is_valid(participants, int(m.registered.sum()))
    if not constitutional:
        return valid, valid and has_majority(m.totals()[yes], participants), None
    needed = units_required(units_total)
    won = 0
    for u in sorted(set(m.units)):
        t = m.totals(u)
        won += has_majority(t[yes], sum(t.values()))
    return valid, valid and won >= needed, needed


def referendum_assertions(m: Manifest, yes: str, constitutional: bool, units_total: int
                          ) -> AssertionSet:
    """The assertions of a referendum's outcome as reported by the manifest's figures."""
    valid, adopted, needed = referendum_outcome(m, yes, constitutional, units_total)
    return referendum(m, yes=yes, units_needed=needed, adopted=adopted, valid=valid)


def _share(manifest: Manifest, option: str, unit: str) -> float:
    t = manifest.totals(unit)
    total = sum(t.values())
    return t[option] / total if total else 0.0


def choose_cheapest(manifest: Manifest, base: Sequence[Assertion],
                    candidates: Sequence[Assertion], k: int) -> list[Assertion]:
    """The k candidate assertions that add the least to the batch audit's total error bound
    (MACRO's U, which the sample size grows with) beyond the `base` assertions'."""
    n = len(manifest.stations)
    base_u = error_bounds(manifest, base) if base else np.zeros(n)
    costs = []
    if candidates:
        prep = prepare(manifest, candidates)
        for rows, bound in zip(prep.rows, prep.bounds, strict=True):
            before = base_u if rows is None else base_u[rows]
            costs.append(float(np.maximum(bound - before, 0.0).sum()))
    order = sorted(range(len(candidates)), key=lambda i: (float(costs[i]), candidates[i].key))
    return [candidates[i] for i in order[:k]]


def president(manifest: Manifest, *, candidates: Sequence[str]) -> AssertionSet:
    """The President (docs/law.md §9.1): the base is every participant (against all and invalid
    ballots count). A majority winner, or else the two finalists."""
    totals = manifest.totals()
    participants = sum(totals.values())
    ranked = sorted(candidates, key=lambda c: (-totals[c], c))
    top = ranked[0]
    if 2 * totals[top] > participants:
        return AssertionSet((majority_of(manifest, top, f"majority:{top}",
                                         f"{top} has more than half of the votes (§9.1)"),))
    if len(ranked) < 2 or totals[ranked[1]] == (totals[ranked[2]] if len(ranked) > 2 else -1):
        raise RuleError("the runoff's finalists are tied or missing: nothing to audit")
    finalists = ranked[:2]
    out = [no_majority_of(manifest, f, f"no-majority:{f}",
                          f"{f} has at most half of the votes (§9.1)") for f in finalists[:1]]
    for f in finalists:
        for c in ranked[2:]:
            out.append(_pair(f, c, f"finalist:{f}>{c}", f"{f} has more votes than {c} (§9.1)"))
    return AssertionSet(tuple(out), (f"runoff finalists: {finalists[0]}, {finalists[1]}",))


def plurality(manifest: Manifest, *, winner: str, others: Sequence[str]) -> AssertionSet:
    """A single-member district (docs/law.md §5.7): the winner has more votes than every other
    candidate and than "against all"."""
    return AssertionSet(tuple(_pair(winner, c, f"plurality:{winner}>{c}",
                                    f"{winner} has more votes than {c} (§5.7)")
                              for c in others if c != winner))


def party_list(manifest: Manifest, *, parties: Sequence[str], base: Sequence[str],
               threshold: float, seats: Mapping[str, int], method: str,
               passed: Sequence[str] | None = None) -> AssertionSet:
    """A party-list allocation (Blom et al. 2021): each party on its side of the threshold
    (docs/law.md §5.2, §15.5), then pairwise seat assertions among the parties that passed.

    D'Hondt (§15.3): for a party A with a seats and any B with b: votes_A / a > votes_B / (b+1).
    Hare largest remainder (§5.3, §15.1), with V the passed parties' votes and S the seats:
    votes_A / q - (a - 1) > votes_B / q - b with q = V / S, that is
    votes_A - votes_B - (a - 1 - b) x V / S > 0, linear in the votes.

    `passed`: the parties the law admitted (exactly, as fractions); if given, the float test
    here must agree with it.
    """
    if method not in ("hare", "dhondt"):
        raise ValidationFailed("unknown seat method", details={"findings": [
            field_error("method", "hare|dhondt", method, "unknown seat method")]})
    totals = manifest.totals()
    base_total = sum(totals[c] for c in base)
    out: list[Assertion] = []
    found = [p for p in parties if totals[p] >= threshold * base_total]
    if passed is not None and sorted(found) != sorted(passed):
        raise RuleError("the threshold's sides differ between the law's exact test and the "
                        "audit's (a party on the threshold to the vote): count by hand",
                        code="audit_nothing")
    passed = found
    for p in parties:
        rest = tuple(c for c in base if c != p)
        if p in passed:
            w = _uniform(base, -threshold)
            w[p] = 1.0 - threshold
            out.append(Assertion(f"threshold:{p}", f"{p} has at least {threshold:.0%} of the "
                                 "base (§5.2)", w, polling=Polling((p,), rest, threshold)))
        else:
            w = _uniform(base, threshold)
            w[p] = threshold - 1.0
            out.append(Assertion(f"below:{p}", f"{p} has less than {threshold:.0%} of the "
                                 "base (§5.2)", w, polling=Polling(rest, (p,), 1 - threshold)))
    total_seats = sum(seats.get(p, 0) for p in passed)
    for a in passed:
        sa = seats.get(a, 0)
        if sa == 0:
            continue
        for b in passed:
            if b == a:
                continue
            sb = seats.get(b, 0)
            claim = f"{a}'s last seat beats {b}'s next seat ({method})"
            if method == "dhondt":
                out.append(Assertion(f"seat:{a}>{b}", claim, {a: 1.0 / sa, b: -1.0 / (sb + 1)},
                                     polling=Polling((a,), (b,), sa / (sa + sb + 1))))
            else:
                k = sa - 1 - sb
                w = _uniform(passed, -k / total_seats)
                w[a] = 1.0 - k / total_seats
                w[b] = -1.0 - k / total_seats
                pol = Polling((a,), (b,), 0.5) if k == 0 else None
                out.append(Assertion(f"seat:{a}>{b}", claim, w, polling=pol))
    return AssertionSet(tuple(out), (f"parties that passed: {', '.join(passed)}",))


def contest_assertions(m: Manifest, contest: Contest, units_total: int,
                       ruleset: RulesetName | None = None,
                       params: Mapping[str, str] | None = None) -> AssertionSet:
    """The assertions of a contest's outcome as its figures report it: a referendum, the
    President, a single-member district, a party list (its seats decided by the law under
    `ruleset`, with the election's `params` under generic: domain/audit/lists.py)."""
    choices = [str(o.id) for o in contest.options if o.kind is OptionKind.CHOICE]
    others = [str(o.id) for o in contest.options if o.kind is not OptionKind.CHOICE]
    if contest.kind is ContestKind.REFERENDUM and contest.referendum is not None:
        return referendum_assertions(m, str(YES), contest.referendum.constitutional,
                                     units_total)
    if contest.kind is ContestKind.PRESIDENTIAL:
        return president(m, candidates=choices)
    if contest.kind is ContestKind.SINGLE_MEMBER:
        totals = m.totals()
        ranked = sorted(choices + others, key=lambda c: (-totals[c], c))
        if len(ranked) < 2 or totals[ranked[0]] == totals[ranked[1]] or ranked[0] in others:
            raise RuleError("the district has no sole winner (a tie, or against all first): "
                            "nothing to audit", code="audit_nothing")
        return plurality(m, winner=ranked[0], others=ranked[1:])
    if contest.kind is ContestKind.PARTY_LIST and ruleset is not None:
        from saylau.domain.audit.lists import list_decision, list_terms

        t = list_terms(list_decision(m, contest, ruleset, params))
        return party_list(m, parties=t["parties"], base=t["base"],
                          threshold=float(t["threshold"]), seats=t["seats"], method=t["method"],
                          passed=t["passed"])
    raise RuleError(f"the audit service does not audit {contest.kind.value} contests yet",
                    code="audit_kind_unsupported")
