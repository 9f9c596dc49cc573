"""The list decision as plain JSON-able data."""

from __future__ import annotations

from typing import Any

from saylau.domain.explain import (
    DEFAULT_LANG,
    explanation_json,
    share_json,
)
from saylau.domain.law.allocation import (
    LOT_PROCEDURE,
    Tie,
    fraction_json,
)
from saylau.domain.law.parliament.kz2007 import CORRECTION_INDEX
from saylau.domain.law.parliament.values import ListDecision


def _tie_json(t: Tie) -> dict[str, Any]:
    return {"parties": list(t.parties), "places": t.places, "stage": t.stage,
            "value": fraction_json(t.value)}


def decision_json(d: ListDecision, lang: str = DEFAULT_LANG) -> dict[str, Any]:
    """The list decision as plain JSON-able data (`saylau allocate --json`).

    The explanation is rendered in `lang` (kk, ru or en); `steps` keeps each step's stable
    code and figures beside its text.
    """
    return {
        "kind": "party-list",
        "ruleset": d.ruleset.value,
        "body": d.body,
        "method": d.method.value,
        "method_verified": d.method_verified,
        "outcome": d.outcome.value,
        "seats_total": d.seats_total,
        "seats": d.seats,
        "undecided": d.undecided,
        "passed": list(d.passed),
        "admitted_by_guarantee": d.admitted_by_guarantee,
        "threshold": share_json(d.threshold),
        "threshold_base": {
            "reading": d.threshold_reading.value if d.threshold_reading else "parties",
            "votes": d.threshold_base,
            "parties": d.parties_votes,
            "against_all": d.against_all,
        },
        "minimum_votes": fraction_json(d.minimum_votes),
        "quota": fraction_json(d.quota) if d.quota is not None else None,
        "last_quotient": (
            fraction_json(d.allocation.last_quotient)
            if d.allocation is not None and d.allocation.last_quotient is not None else None
        ),
        "parties": [
            {
                "party": r.party,
                "votes": r.votes,
                "registration_order": r.registration_order,
                "share": share_json(r.share),
                "passed": r.passed,
                "admitted": r.admitted,
                "quotient": fraction_json(r.quotient) if r.quotient is not None else None,
                "whole": r.whole,
                "remainder": fraction_json(r.remainder) if r.remainder is not None else None,
                "seats": r.seats,
            }
            for r in d.rows
        ],
        "guarantee": (
            None if d.guarantee is None else {
                "leader": d.guarantee.leader,
                "runner_up": d.guarantee.runner_up,
                "quota": fraction_json(d.guarantee.quota),
                "correction_index": fraction_json(CORRECTION_INDEX),
                "runner_up_quotient": fraction_json(d.guarantee.runner_up_quotient),
                "corrected_quotient": fraction_json(d.guarantee.corrected_quotient),
                "leader_seats": d.guarantee.leader_seats,
                "runner_up_seats": d.guarantee.runner_up_seats,
                "minimum_applied": d.guarantee.minimum_applied,
                "unverified": d.guarantee.unverified,
            }
        ),
        "ties": [_tie_json(t) for t in d.ties],
        "tie_breaks": [
            {**_tie_json(b.tie), "rule": b.rule.value, "order": list(b.order),
             "winners": list(b.winners), "detail": b.detail}
            for b in d.tie_breaks
        ],
        "lot": (
            None if d.lot is None else {"seed": d.lot.seed_hex, "procedure": LOT_PROCEDURE}
        ),
        "readings": d.readings.as_dict(),
        "unverified": list(d.unverified),
        **explanation_json(d.explanation, lang),
    }
