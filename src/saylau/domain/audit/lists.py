"""A party-list contest's audit: the seats the law gives the manifest's figures (the same
`decide_list_seats` the results use, docs/law.md §5, §15), and the assertions of Blom et al.
(assertions.party_list) for them: each party on its side of the threshold, then each pair of
admitted parties' last and next seats, for the Hare largest remainder (§5.3, §15.1) and
D'Hondt (§15.3). The allocations the assertions cannot express are refused with the reason:
the kz-2007 second-party guarantee, a tie broken by registration order or lot, and quota or
divisor methods other than those two."""

from __future__ import annotations

from collections.abc import Mapping
from fractions import Fraction
from typing import Any

from saylau.domain.audit.model import Manifest
from saylau.domain.contests import AGAINST_ALL, Contest, ContestKind, OptionKind
from saylau.domain.errors import RuleError
from saylau.domain.law.parliament import (
    LIST_RULES,
    ListDecision,
    ListReadings,
    PartyVotes,
    decide_list_seats,
)
from saylau.domain.law.parliament.readings import ThresholdBase
from saylau.domain.rulesets import RULESETS, RulesetName


def list_decision(m: Manifest, contest: Contest, ruleset: RulesetName,
                  params: Mapping[str, str] | None, totals: Mapping[str, int] | None = None
                  ) -> ListDecision:
    """The seats the law gives the contest's figures (the manifest's, or `totals`: category ->
    votes, e.g. a full hand count's), with the election's parameters under `generic`."""
    if contest.kind is not ContestKind.PARTY_LIST:
        raise RuleError(f"{contest.id} is not a party-list contest", code="audit_kind_unsupported")
    votes = dict(totals if totals is not None else m.totals())
    params = dict(params or {}) if RULESETS[ruleset].generic else {}
    parties = [PartyVotes(o.id, int(votes.get(str(o.id), 0)), o.registration_order)
               for o in contest.options if o.kind is OptionKind.CHOICE]
    against = votes.get(str(AGAINST_ALL)) if any(
        o.kind is OptionKind.AGAINST_ALL for o in contest.options) else None
    if not LIST_RULES[ruleset].against_all:
        against = None
    return decide_list_seats(
        parties, ruleset=ruleset, against_all=None if against is None else int(against),
        seats=int(params["seats"]) if "seats" in params else None,
        threshold_share=Fraction(params["threshold"]) / 100 if "threshold" in params else None,
        method=params.get("method"), readings=ListReadings())


def list_terms(d: ListDecision) -> dict[str, Any]:
    """What the assertions need from the decision: the parties, the threshold's base (with or
    without "against all"), the threshold, the seats and the method. Refuses what the linear
    assertions cannot audit."""
    if d.guarantee is not None:
        raise RuleError("the kz-2007 second-party guarantee decided these seats; its corrected "
                        "quotient has no linear assertion here: count by hand",
                        code="audit_kind_unsupported")
    if d.ties or d.tie_breaks:
        raise RuleError("a tie decided a seat (by registration order or lot): no sample can "
                        "confirm a tie; count by hand", code="audit_nothing")
    if d.method.value not in ("hare", "dhondt"):
        raise RuleError(f"the {d.method.value} method has no assertions here (Hare largest "
                        "remainder and D'Hondt only)", code="audit_kind_unsupported")
    parties = [r.party for r in d.rows]
    base = list(parties)
    if d.against_all is not None and d.threshold_reading is ThresholdBase.PARTIES_AND_AGAINST_ALL:
        base.append(str(AGAINST_ALL))
    return {"parties": parties, "base": base, "threshold": d.threshold,
            "seats": {r.party: r.seats for r in d.rows}, "method": d.method.value,
            "passed": list(d.passed)}
