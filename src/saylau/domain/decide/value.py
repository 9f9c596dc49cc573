"""The one decision value: what `decide()` returns for every kind of contest.

A `Decision` says how far the contest is decided (`state`), what the law decided (`outcome`,
its kind's stable code), the figures it rests on (typed: the referendum's, the list seats' or
the candidates' decision of `domain/law/`, whichever the kind has), the stations it covers and
its explanation (steps with stable codes). `as_json(lang)` is its wire form for the API, the
site and open data; `summary()` the few figures a published record must match (docs/record.md).

States (`DecisionState`):

    pending      nothing to decide on yet: no station has reported (no joint-session protocol
                 of a Senate seat)
    provisional  decided on the figures so far; stations are still outstanding
    final        decided on every station's figures (every round's protocol)
    undecidable  the law cannot be applied to these figures (`reason` says why, e.g. no party
                 passed the threshold); not an error of the input
    none         the contest has no decision of its own (a referendum question put to part of
                 the country: the law decides a republican referendum over the whole country)
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from saylau.domain.contests import ContestKind
from saylau.domain.errors import RuleError
from saylau.domain.explain import DEFAULT_LANG, Step, explanation_json
from saylau.domain.ids import ContestId
from saylau.domain.law.candidates import CandidateDecision
from saylau.domain.law.candidates import decision_json as candidate_json
from saylau.domain.law.parliament import ListDecision, ListReadings
from saylau.domain.law.parliament import decision_json as list_json
from saylau.domain.law.referendum import ReferendumDecision, ReferendumReadings
from saylau.domain.law.referendum import decision_json as referendum_json
from saylau.domain.rulesets import RulesetName


class DecisionState(StrEnum):
    PENDING = "pending"
    PROVISIONAL = "provisional"
    FINAL = "final"
    UNDECIDABLE = "undecidable"
    NONE = "none"


@dataclass(frozen=True, slots=True)
class Readings:
    """The readings in force for the UNVERIFIED points of every kind of decision."""

    referendum: ReferendumReadings = field(default_factory=ReferendumReadings)
    lists: ListReadings = field(default_factory=ListReadings)

    @staticmethod
    def of(value: Readings | ReferendumReadings | ListReadings | None) -> Readings:
        """`value` as a `Readings` (one kind's readings given alone, the others default)."""
        if value is None:
            return Readings()
        if isinstance(value, ReferendumReadings):
            return Readings(referendum=value)
        if isinstance(value, ListReadings):
            return Readings(lists=value)
        return value


@dataclass(frozen=True, slots=True)
class SessionRound:
    """The current protocol of one round of a Senate seat's joint session (docs/law.md §8.2):
    the electors (deputies of the unit's maslikhats), those present, the invalid ballots and
    the votes per candidate."""

    round: int
    version: int
    electors: int
    electors_present: int
    invalid: int
    votes: tuple[tuple[str, int], ...]


@dataclass(frozen=True, slots=True)
class Reason:
    """Why the law cannot be applied to the figures: the `RuleError`'s code, message, details."""

    code: str
    message: str
    details: Mapping[str, Any] = field(default_factory=dict)

    def error(self) -> RuleError:
        return RuleError(self.message, code=self.code, details=self.details)


@dataclass(frozen=True, slots=True)
class Decision:
    contest: ContestId
    kind: ContestKind
    ruleset: RulesetName
    state: DecisionState
    outcome: str | None
    """The law's outcome, a stable code of the kind: a referendum's state (adopted,
    not_adopted, invalid, pending), the list seats' (allocated, tie), a candidate contest's
    (elected, runoff, repeat, tie, invalid); None when nothing was decided."""
    explanation: tuple[Step, ...]
    stations_reported: int | None = None
    """None for a Senate seat (no polling station votes on it)."""
    stations_expected: int | None = None
    referendum: ReferendumDecision | None = None
    list_seats: ListDecision | None = None
    candidates: CandidateDecision | None = None
    rounds: tuple[SessionRound, ...] = ()
    """A Senate seat's rounds, each at its current version (the latest decides)."""
    reason: Reason | None = None
    """Set when `state` is undecidable."""

    @property
    def decided(self) -> bool:
        """The law gave an outcome (provisional or final)."""
        return self.state in (DecisionState.PROVISIONAL, DecisionState.FINAL)

    @property
    def winner(self) -> str | None:
        return None if self.candidates is None else self.candidates.winner

    def not_decided_error(self) -> RuleError:
        """Why the decision has no figures of the law: the law's own reason (undecidable), or
        no polling station has reported yet."""
        if self.reason is not None:
            return self.reason.error()
        return RuleError(f"no polling station of {self.contest} has reported yet: there are "
                         "no votes to decide on", code="no_votes",
                         details={"contest": self.contest,
                                  "stations_reported": self.stations_reported,
                                  "stations_expected": self.stations_expected})

    def law_json(self, lang: str = DEFAULT_LANG) -> dict[str, Any] | None:
        """The kind's own decision as `domain/law/` writes it (with its explanation), or None."""
        if self.referendum is not None:
            return referendum_json(self.referendum, lang)
        if self.list_seats is not None:
            return list_json(self.list_seats, lang)
        if self.candidates is not None:
            return candidate_json(self.candidates, lang)
        return None

    def as_json(self, lang: str = DEFAULT_LANG) -> dict[str, Any]:
        """The decision on the wire: the stable codes (kind, state, outcome, each step's code
        and figures), the stations it covers, the kind's figures under `decision` (the law's
        JSON without its explanation, given once at the top), the explanation in `lang`."""
        # a candidate contest before its first protocol keeps the law's figures on no votes
        # (for the pages' lists) but claims nothing on the wire
        figures = None if self.state is DecisionState.PENDING and self.candidates is not None \
            and not self.rounds else self.law_json(lang)
        if figures is not None:
            figures = {k: v for k, v in figures.items()
                       if k not in ("lang", "explanation", "steps")}
        return {
            "contest": self.contest,
            "kind": self.kind.value,
            "ruleset": self.ruleset.value,
            "state": self.state.value,
            "outcome": self.outcome,
            "stations_reported": self.stations_reported,
            "stations_expected": self.stations_expected,
            "reason": None if self.reason is None else {
                "code": self.reason.code, "message": self.reason.message},
            "decision": figures,
            "rounds": [{"round": r.round, "version": r.version, "electors": r.electors,
                        "electors_present": r.electors_present, "invalid": r.invalid,
                        "votes": dict(r.votes)} for r in self.rounds],
            **explanation_json(self.explanation, lang),
        }

    def summary(self) -> dict[str, Any]:
        """The figures of the decision that published results must match (docs/record.md,
        `results.json`), as the verifier recomputes them. Raises the law's `RuleError` when
        the figures are undecidable (the publisher writes {"error": message} then)."""
        if self.reason is not None:
            raise self.reason.error()
        if self.referendum is not None:
            d = self.referendum
            return {"state": d.state.value, "valid": d.valid, "adopted": d.adopted,
                    "units_with_majority": d.units_with_majority}
        if self.state is DecisionState.NONE:
            return {}
        if self.state is DecisionState.PENDING:
            return {"state": "pending"}
        if self.list_seats is not None:
            return {"seats": dict(self.list_seats.seats)}
        if self.candidates is not None:
            return {"outcome": self.candidates.outcome.value, "winner": self.candidates.winner}
        return {}
