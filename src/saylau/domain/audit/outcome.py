"""The outcome of a contest from a manifest's figures, as the law decides it, in the few words
an audit compares (issue 15): after an escalation the full hand count's figures give the
outcome again, and the reported outcome is confirmed when both are the same, else overturned.
Referendum (docs/law.md §3): valid and adopted. President (§9.1): the majority winner, or the
runoff's two finalists. A district (§5.7): the sole winner. A party list (§5, §15): the seats.
A tie, or a rule that refuses the figures, is said as such ("tie", or the error's code)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np

from saylau.domain.audit.assertions import referendum_outcome
from saylau.domain.audit.model import Manifest
from saylau.domain.contests import YES, Contest, ContestKind, OptionKind
from saylau.domain.errors import RuleError
from saylau.domain.rulesets import RulesetName

CONFIRMED = "confirmed"
OVERTURNED = "overturned"


def with_counts(m: Manifest, counts: np.ndarray) -> Manifest:
    return Manifest(m.stations, m.units, m.categories, counts, m.registered)


def outcome(  # noqa: PLR0911 - one return per kind of contest and per tie
        m: Manifest, contest: Contest, units_total: int, ruleset: RulesetName | None,
        params: Mapping[str, str] | None) -> dict[str, Any]:
    totals = m.totals()
    choices = [str(o.id) for o in contest.options if o.kind is OptionKind.CHOICE]
    if contest.kind is ContestKind.REFERENDUM and contest.referendum is not None:
        valid, adopted, _ = referendum_outcome(m, str(YES), contest.referendum.constitutional,
                                               units_total)
        return {"valid": valid, "adopted": adopted}
    if contest.kind is ContestKind.PARTY_LIST and ruleset is not None:
        from saylau.domain.audit.lists import list_decision

        try:
            d = list_decision(m, contest, ruleset, params)
        except RuleError as exc:
            return {"error": exc.code}
        if d.ties:
            return {"tie": True}
        return {"seats": dict(sorted(d.seats.items()))}
    ranked = sorted(totals, key=lambda c: (-totals[c], c))
    if contest.kind is ContestKind.PRESIDENTIAL:
        cands = sorted(choices, key=lambda c: (-totals[c], c))
        if 2 * totals[cands[0]] > sum(totals.values()):
            return {"winner": cands[0]}
        if len(cands) > 2 and totals[cands[1]] == totals[cands[2]]:
            return {"tie": True}
        return {"runoff": sorted(cands[:2])}
    if contest.kind is ContestKind.SINGLE_MEMBER:
        top = [c for c in ranked if c not in ("both_marked", "invalid")]
        if len(top) > 1 and totals[top[0]] == totals[top[1]]:
            return {"tie": True}
        return {"winner": top[0]}
    raise RuleError(f"no outcome of {contest.kind.value} contests here",
                    code="audit_kind_unsupported")


def full_body(*, audit: str, stations: int, totals: Mapping[str, int],
              reported: Mapping[str, Any], counted: Mapping[str, Any]) -> dict[str, Any]:
    return {"audit": audit, "stations": stations, "totals": dict(sorted(totals.items())),
            "reported": dict(reported), "counted": dict(counted),
            "outcome": CONFIRMED if dict(reported) == dict(counted) else OVERTURNED}
