"""What the verifier reports and raises, and the election it rebuilds."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from saylau.domain.contests import (
    Contest,
)
from saylau.domain.errors import SaylauError
from saylau.domain.geography import Geography
from saylau.domain.names import Names
from saylau.domain.rulesets import RulesetName
from saylau.domain.tally import Tally


class VerificationFailed(SaylauError):
    """The record does not check out: `message` names the first thing that does not match."""

    code = "verification_failed"


@dataclass
class Report:
    """What was checked, line by line, for the person running the verifier."""

    lines: list[str] = field(default_factory=list)

    def ok(self, text: str) -> None:
        self.lines.append(text)


@dataclass(frozen=True)
class VerifiedElection:
    election: str
    ruleset: RulesetName
    geography: Geography
    contests: tuple[Contest, ...]
    tallies: dict[str, Tally]
    decisions: dict[str, dict[str, Any]]
    """Each contest's decision as plain data (see `decision_summary`)."""
    record_types: Mapping[str, int] = field(default_factory=dict)
    """How many leaves of each record type the record holds."""


def _names(d: Mapping[str, Any]) -> Names:
    return Names(str(d["kk"]), str(d["ru"]), str(d["en"]))  # Names(kk, ru, en)


def _fail(message: str, **details: Any) -> VerificationFailed:
    return VerificationFailed(message, details=details)


MALFORMED = (KeyError, TypeError, ValueError, AttributeError, IndexError)
"""What reading a member that is missing or of the wrong type raises: a record whose bodies
pass the envelope's shape checks but lack what the verifier reads is malformed, not a crash."""


def _malformed(what: str, exc: Exception, **details: Any) -> VerificationFailed:
    return _fail(f"{what} is malformed: {type(exc).__name__} {exc}", **details)
