"""One way to decide a contest: `decide(contest, tally, geo, ruleset, ...)` -> `Decision`.

The API, the site, open data, the CLI and the verifier all take a contest's decision from here,
so they cannot drift apart: `kinds.DECIDERS` registers one decider per contest kind (referendum,
party list, single-member district, president, Senate seat), and `value.Decision` is the one
value they all return (state, outcome, the kind's figures as typed fields, the explanation, a
JSON form with stable codes, and the summary a published record must match).
"""

from saylau.domain.decide.kinds import DECIDERS, Decider, Inputs, decide, decider
from saylau.domain.decide.value import (
    Decision,
    DecisionState,
    Readings,
    Reason,
    SessionRound,
)

__all__ = [
    "DECIDERS",
    "Decider",
    "Decision",
    "DecisionState",
    "Inputs",
    "Readings",
    "Reason",
    "SessionRound",
    "decide",
    "decider",
]
