"""The protocol's figures and the stage it arrives in, the findings its checks return, and
its content hash."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from enum import StrEnum

from saylau.domain.contests import Contest
from saylau.domain.ids import ContestId, OptionId, StationId

MAX_COUNT = 10**9
"""Upper bound of any single count on a protocol. No station has a billion voters; the bound
keeps every sum over a million stations exact in 64-bit integers (10^9 * 10^6 < 2^63)."""

COUNT_FIELDS: tuple[str, ...] = (
    "registered",
    "ballots_received",
    "ballots_issued",
    "ballots_cancelled",
    "ballots_in_boxes",
    "invalid",
    "both_marked",
)


class Severity(StrEnum):
    ERROR = "error"
    """The protocol is rejected; the commission must fix and resend it."""
    WARNING = "warning"
    """The protocol is accepted and flagged for the superior commission to look at."""


@dataclass(frozen=True, slots=True)
class Finding:
    code: str
    """Stable identifier, e.g. 'boxes.sum_mismatch'. Never reused for another meaning."""
    severity: Severity
    field: str
    message: str
    numbers: tuple[tuple[str, int], ...] = ()
    """The figures the finding is about, named, e.g. (('ballots_in_boxes', 812), ...)."""
    expected: str = ""
    """What the field should hold, in words (e.g. '494 (invalid 10 + both-marked 4 + votes
    for the options 480)')."""
    actual: str = ""
    """What it holds, in words (e.g. '501')."""

    def as_dict(self) -> dict[str, object]:
        return {
            "code": self.code,
            "severity": self.severity.value,
            "field": self.field,
            "message": self.message,
            "numbers": dict(self.numbers),
            "expected": self.expected,
            "actual": self.actual,
        }


@dataclass(frozen=True, slots=True)
class ProtocolCounts:
    """The figures of one protocol. `votes` is sorted by option id (canonical order)."""

    registered: int
    ballots_received: int
    ballots_issued: int
    ballots_cancelled: int
    ballots_in_boxes: int
    invalid: int
    both_marked: int
    votes: tuple[tuple[OptionId, int], ...]

    @staticmethod
    def of(
        *,
        registered: int,
        ballots_received: int,
        ballots_issued: int,
        ballots_cancelled: int,
        ballots_in_boxes: int,
        invalid: int,
        votes: Mapping[OptionId, int] | Iterable[tuple[OptionId, int]],
        both_marked: int = 0,
    ) -> ProtocolCounts:
        pairs = votes.items() if isinstance(votes, Mapping) else votes
        return ProtocolCounts(
            registered=registered,
            ballots_received=ballots_received,
            ballots_issued=ballots_issued,
            ballots_cancelled=ballots_cancelled,
            ballots_in_boxes=ballots_in_boxes,
            invalid=invalid,
            both_marked=both_marked,
            votes=tuple(sorted(pairs)),
        )

    def vote(self, option: OptionId) -> int:
        for o, v in self.votes:
            if o == option:
                return v
        return 0

    @property
    def option_votes_total(self) -> int:
        return sum(v for _, v in self.votes)

    def as_dict(self) -> dict[str, object]:
        out: dict[str, object] = {f: getattr(self, f) for f in COUNT_FIELDS}
        out["votes"] = dict(self.votes)
        return out


@dataclass(frozen=True, slots=True)
class SubmittedProtocol:
    contest: ContestId
    station: StationId
    counts: ProtocolCounts

    def canonical(self) -> dict[str, object]:
        """The protocol's content as plain data (what identifies 'the same protocol')."""
        return {"contest": self.contest, "station": self.station, **self.counts.as_dict()}

    def content_hash(self) -> str:
        """SHA-256 of the canonical JSON of `canonical()` (sorted keys, no spaces, UTF-8).

        Identical content gives the identical hash, which is how a resubmission is known to be
        the same protocol (idempotent) rather than a conflicting one.
        """
        data = json.dumps(
            self.canonical(), sort_keys=True, separators=(",", ":"), ensure_ascii=False
        )
        return hashlib.sha256(data.encode("utf-8")).hexdigest()


@dataclass(frozen=True, slots=True)
class ProtocolCheckContext:
    contest: Contest
    station: StationId
    list_size: int
    """Voters on the station's list in the geography (the protocol may add additional lists)."""
    last_turnout: int | None = None
    """Ballots issued in the station's latest turnout report for this contest, if any."""


def canonical_json_fast(
    contest: str, station: str, counts: tuple[int, ...], votes: tuple[tuple[str, int], ...]
) -> str:
    """The same string `SubmittedProtocol.content_hash` hashes, built without a dict: bulk
    imports hash a million protocols. `counts` is in COUNT_FIELDS order, `votes` sorted by
    option. tests/property/test_protocol_batch.py holds it equal to the dict path."""
    reg, rec, iss, can, box, inv, both = counts
    d = json.dumps
    v = ",".join(f"{d(o, ensure_ascii=False)}:{n}" for o, n in votes)
    return (
        f'{{"ballots_cancelled":{can},"ballots_in_boxes":{box},"ballots_issued":{iss},'
        f'"ballots_received":{rec},"both_marked":{both},"contest":{d(contest, ensure_ascii=False)},'
        f'"invalid":{inv},"registered":{reg},"station":{d(station, ensure_ascii=False)},'
        f'"votes":{{{v}}}}}'
    )
