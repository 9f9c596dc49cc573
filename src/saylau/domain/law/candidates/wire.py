"""The candidate decision as plain JSON-able data."""

from __future__ import annotations

from typing import Any

from saylau.domain.explain import (
    DEFAULT_LANG,
    explanation_json,
    share,
    share_json,
)
from saylau.domain.law.candidates.values import CandidateDecision


def decision_json(d: CandidateDecision, lang: str = DEFAULT_LANG) -> dict[str, Any]:
    """The decision as plain JSON-able data (`saylau decide district|president|senate-seat`).

    The explanation is rendered in `lang` (kk, ru or en); `steps` keeps each step's stable
    code and figures beside its text.
    """
    return {
        "kind": d.kind.value,
        "ruleset": d.ruleset.value,
        "round": d.round,
        "outcome": d.outcome.value,
        "winner": d.winner,
        "runoff": list(d.runoff) if d.runoff is not None else None,
        "tie": (
            None if d.tie is None else {
                "candidates": list(d.tie.parties), "places": d.tie.places,
                "stage": d.tie.stage, "votes": int(d.tie.value),
            }
        ),
        "participants": d.participants,
        "against_all": d.against_all,
        "invalid": d.invalid,
        "electors": d.electors,
        "electors_present": d.electors_present,
        "turnout": (
            share_json(share(d.electors_present, d.electors))
            if d.electors is not None and d.electors_present is not None else None
        ),
        "shares": {
            s.name: {"votes": s.votes, **share_json(s.share)} for s in d.shares
        },
        "unverified": list(d.unverified),
        **explanation_json(d.explanation, lang),
    }
