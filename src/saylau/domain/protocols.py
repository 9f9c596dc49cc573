"""The polling-station protocol, its checks, and its stages.

A precinct commission reports, per contest (docs/law.md §4.1): voters on
the list (including additional lists), ballots received, ballots issued (at the station and by
the mobile box), ballots cancelled or unused, ballots found in the boxes (stationary + mobile),
invalid ballots, both-marked ballots (referendums only) and the votes for each option.

Stages are types: `SubmittedProtocol` is what arrived; `run_checks` returns every finding at
once; `accept` turns a protocol without errors into an `AcceptedProtocol` version (warnings
kept as flags). A later version of the same station and contest is a correction: it names the
version it supersedes and the reason. Nothing is overwritten.

The checks are small pure functions with one signature, `(ProtocolCheckContext, counts) ->
findings`; `PROTOCOL_CHECKS` lists them in the order they run. Each finding has a stable code.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from saylau.domain.contests import Contest
from saylau.domain.errors import ValidationFailed
from saylau.domain.ids import ActorId, ContestId, OptionId, StationId
from saylau.domain.limits import check_text
from saylau.domain.versions import (
    Append,
    Head,
    Refusal,
    Refused,
    Submission,
    Unchanged,
    VersionConflict,
    check_reason,
    judge,
)

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


ProtocolCheck = Callable[[ProtocolCheckContext, ProtocolCounts], Iterable[Finding]]


def _err(code: str, field: str, message: str, expected: str, actual: str, /,
         **numbers: int) -> Finding:
    return Finding(code, Severity.ERROR, field, message, tuple(numbers.items()), expected,
                   actual)


def _warn(code: str, field: str, message: str, expected: str, actual: str, /,
          **numbers: int) -> Finding:
    return Finding(code, Severity.WARNING, field, message, tuple(numbers.items()), expected,
                   actual)


def check_counts_in_range(ctx: ProtocolCheckContext, c: ProtocolCounts) -> Iterable[Finding]:
    """All counts are non-negative integers, bounded (docs/law.md §4.2, check 1)."""
    named = [(f, getattr(c, f)) for f in COUNT_FIELDS] + [(f"votes.{o}", v) for o, v in c.votes]
    for field, value in named:
        if isinstance(value, bool) or not isinstance(value, int):
            yield Finding(
                "count.not_integer", Severity.ERROR, field,
                f"{field} must be a whole number, got {value!r}",
                expected="a whole number", actual=repr(value),
            )
        elif value < 0:
            yield _err("count.negative", field, f"{field} is {value}; counts cannot be negative",
                       "0 or more", f"{value:,}", **{field: value})
        elif value > MAX_COUNT:
            yield _err("count.too_large", field,
                       f"{field} is {value:,}; no station count exceeds {MAX_COUNT:,}",
                       f"at most {MAX_COUNT:,}", f"{value:,}", **{field: value})


def check_options(ctx: ProtocolCheckContext, c: ProtocolCounts) -> Iterable[Finding]:
    """Votes are given for exactly the contest's options: unknown options are rejected, and
    every option must be reported (0 when it got no votes)."""
    known = set(ctx.contest.option_ids)
    given = [o for o, _ in c.votes]
    seen: set[OptionId] = set()
    for o in given:
        if o in seen:
            yield _err("option.duplicate", f"votes.{o}", f"option {o!r} is reported twice",
                       "each option once", f"{o} twice")
        seen.add(o)
        if o not in known:
            yield _err(
                "option.unknown", f"votes.{o}",
                f"option {o!r} is not on the ballot of contest {ctx.contest.id!r} "
                f"(expected: {', '.join(sorted(known))})",
                f"one of {', '.join(sorted(known))}", o,
            )
    for o in sorted(known - seen):
        yield _err("option.missing", f"votes.{o}",
                   f"no figure for option {o!r}; report 0 if it got no votes",
                   f"a figure for {o} (0 when it got no votes)", "no figure")


def check_both_marked(ctx: ProtocolCheckContext, c: ProtocolCounts) -> Iterable[Finding]:
    """Both-marked ballots exist only on referendum ballots (2022 amendment)."""
    if not ctx.contest.has_both_marked and c.both_marked != 0:
        yield _err(
            "both_marked.not_applicable", "both_marked",
            f"both_marked is {c.both_marked}, but a {ctx.contest.kind} ballot has no "
            "'both answers marked' category; count such ballots as invalid",
            f"0 (a {ctx.contest.kind} ballot has no such category)", f"{c.both_marked:,}",
            both_marked=c.both_marked,
        )


def check_boxes_sum(ctx: ProtocolCheckContext, c: ProtocolCounts) -> Iterable[Finding]:
    """Ballots found in the boxes = invalid + both-marked + the votes of every option."""
    total = c.invalid + c.both_marked + c.option_votes_total
    if c.ballots_in_boxes != total:
        yield _err(
            "boxes.sum_mismatch", "ballots_in_boxes",
            f"ballots found in the boxes ({c.ballots_in_boxes:,}) must equal invalid "
            f"({c.invalid:,}) + both-marked ({c.both_marked:,}) + votes for the options "
            f"({c.option_votes_total:,}) = {total:,}; the difference is "
            f"{c.ballots_in_boxes - total:+,}",
            f"{total:,} (invalid {c.invalid:,} + both-marked {c.both_marked:,} + votes for the "
            f"options {c.option_votes_total:,})", f"{c.ballots_in_boxes:,}",
            ballots_in_boxes=c.ballots_in_boxes, expected=total,
        )


def check_boxes_not_above_issued(ctx: ProtocolCheckContext, c: ProtocolCounts) -> Iterable[Finding]:
    """More ballots in the boxes than were handed out is an error."""
    if c.ballots_in_boxes > c.ballots_issued:
        yield _err(
            "boxes.exceed_issued", "ballots_in_boxes",
            f"{c.ballots_in_boxes:,} ballots were found in the boxes but only "
            f"{c.ballots_issued:,} were issued "
            f"({c.ballots_in_boxes - c.ballots_issued:,} too many)",
            f"at most {c.ballots_issued:,} (the ballots issued)", f"{c.ballots_in_boxes:,}",
            ballots_in_boxes=c.ballots_in_boxes, ballots_issued=c.ballots_issued,
        )


def check_ballots_accounted(ctx: ProtocolCheckContext, c: ProtocolCounts) -> Iterable[Finding]:
    """Ballots issued + cancelled = received: more is an error, fewer a warning."""
    used = c.ballots_issued + c.ballots_cancelled
    if used > c.ballots_received:
        yield _err(
            "ballots.exceed_received", "ballots_received",
            f"ballots issued ({c.ballots_issued:,}) + cancelled ({c.ballots_cancelled:,}) = "
            f"{used:,}, more than the {c.ballots_received:,} the commission received",
            f"at least {used:,} (issued {c.ballots_issued:,} + cancelled "
            f"{c.ballots_cancelled:,})", f"{c.ballots_received:,}",
            ballots_received=c.ballots_received, issued_plus_cancelled=used,
        )
    elif used < c.ballots_received:
        yield _warn(
            "ballots.unaccounted", "ballots_received",
            f"{c.ballots_received - used:,} ballots unaccounted for: received "
            f"{c.ballots_received:,}, issued {c.ballots_issued:,} + cancelled "
            f"{c.ballots_cancelled:,} = {used:,}",
            f"{used:,} (issued {c.ballots_issued:,} + cancelled {c.ballots_cancelled:,})",
            f"{c.ballots_received:,}",
            ballots_received=c.ballots_received, issued_plus_cancelled=used,
        )


def check_issued_not_above_list(ctx: ProtocolCheckContext, c: ProtocolCounts) -> Iterable[Finding]:
    """No more ballots issued than voters on the list."""
    if c.ballots_issued > c.registered:
        yield _err(
            "issued.exceed_registered", "ballots_issued",
            f"{c.ballots_issued:,} ballots were issued but only {c.registered:,} voters are on "
            "the list",
            f"at most {c.registered:,} (the voters on the list)", f"{c.ballots_issued:,}",
            ballots_issued=c.ballots_issued, registered=c.registered,
        )


def check_list_matches_geography(
    ctx: ProtocolCheckContext, c: ProtocolCounts
) -> Iterable[Finding]:
    """The protocol's list may differ from the loaded list (additional lists): flag it."""
    if c.registered != ctx.list_size:
        yield _warn(
            "registered.differs_from_list", "registered",
            f"the protocol reports {c.registered:,} voters on the list; the loaded voter list "
            f"of station {ctx.station} has {ctx.list_size:,} ({c.registered - ctx.list_size:+,})",
            f"{ctx.list_size:,} (the loaded voter list)", f"{c.registered:,}",
            registered=c.registered, list_size=ctx.list_size,
        )


def check_issued_not_below_turnout(
    ctx: ProtocolCheckContext, c: ProtocolCounts
) -> Iterable[Finding]:
    """The final count of ballots issued should not be below the last turnout report."""
    if ctx.last_turnout is not None and c.ballots_issued < ctx.last_turnout:
        yield _warn(
            "issued.below_turnout_report", "ballots_issued",
            f"the protocol reports {c.ballots_issued:,} ballots issued, fewer than the "
            f"{ctx.last_turnout:,} of the station's last turnout report",
            f"at least {ctx.last_turnout:,} (the last turnout report)", f"{c.ballots_issued:,}",
            ballots_issued=c.ballots_issued, last_turnout=ctx.last_turnout,
        )


PROTOCOL_CHECKS: tuple[ProtocolCheck, ...] = (
    check_counts_in_range,
    check_options,
    check_both_marked,
    check_boxes_sum,
    check_boxes_not_above_issued,
    check_ballots_accounted,
    check_issued_not_above_list,
    check_list_matches_geography,
    check_issued_not_below_turnout,
)


def run_checks(ctx: ProtocolCheckContext, counts: ProtocolCounts) -> tuple[Finding, ...]:
    """Every check, every finding: never stops at the first (DESIGN.md habit 5)."""
    return tuple(f for check in PROTOCOL_CHECKS for f in check(ctx, counts))


def errors_of(findings: Iterable[Finding]) -> tuple[Finding, ...]:
    return tuple(f for f in findings if f.severity is Severity.ERROR)


def warnings_of(findings: Iterable[Finding]) -> tuple[Finding, ...]:
    return tuple(f for f in findings if f.severity is Severity.WARNING)


def rejected(protocol: SubmittedProtocol, findings: Iterable[Finding]) -> ValidationFailed:
    """The error a protocol with error findings gets: every finding, errors and warnings."""
    fs = tuple(findings)
    errs = errors_of(fs)
    return ValidationFailed(
        f"protocol of station {protocol.station} for contest {protocol.contest} rejected: "
        f"{len(errs)} error(s): " + "; ".join(f.message for f in errs),
        code="protocol_rejected",
        details={
            "station": protocol.station,
            "contest": protocol.contest,
            "findings": [f.as_dict() for f in fs],
        },
    )


@dataclass(frozen=True, slots=True)
class AcceptedProtocol:
    """One accepted version of a station's protocol for a contest. Never changed later."""

    contest: ContestId
    station: StationId
    version: int
    """1 for the first accepted protocol, +1 for each correction."""
    counts: ProtocolCounts
    content_hash: str
    warnings: tuple[Finding, ...]
    submitted_by: ActorId
    submitted_at: datetime
    reason: str | None = None
    """Why this version corrects the previous one (None for version 1)."""

    @property
    def is_correction(self) -> bool:
        return self.version > 1


def accept(
    protocol: SubmittedProtocol,
    findings: tuple[Finding, ...],
    *,
    previous: AcceptedProtocol | None,
    by: ActorId,
    at: datetime,
    reason: str | None,
) -> AcceptedProtocol:
    """Accept `protocol` as the next version. Raises ValidationFailed when a finding is an
    error, when a correction comes without a reason, or a first version with one (refused,
    not dropped: `reject_reason_without_correction`)."""
    if errors_of(findings):
        raise rejected(protocol, findings)
    check_text("reason", reason)
    kept = check_reason(previous is not None, reason)
    return AcceptedProtocol(
        contest=protocol.contest,
        station=protocol.station,
        version=1 if previous is None else previous.version + 1,
        counts=protocol.counts,
        content_hash=protocol.content_hash(),
        warnings=warnings_of(findings),
        submitted_by=by,
        submitted_at=at,
        reason=kept,
    )


def reject_reason_without_correction(is_correction: bool, reason: str | None) -> None:
    """A reason explains a correction. A first version sent with one is refused rather than
    stored with the reason dropped (`saylau.domain.versions.check_reason`)."""
    if not is_correction:
        check_reason(False, reason)


@dataclass(frozen=True, slots=True)
class SameAsCurrent:
    """The protocol is identical to the current version: idempotent, nothing new is stored."""

    current: AcceptedProtocol


@dataclass(frozen=True, slots=True)
class NewVersion:
    """The protocol becomes a new version (the first, or a correction of `previous`)."""

    previous: AcceptedProtocol | None


class SlotTaken(VersionConflict):
    """A submission refused because its station's slot holds something else than it assumed:
    different figures sent as a first protocol (`protocol_conflict`), or a correction of a
    version that is no longer the latest (`correction_stale`). 409; the submission is kept
    among the rejections with `finding` (nothing sent is lost)."""

    def __init__(self, message: str, *, refused: Refused, finding: Finding,
                 details: dict[str, object]) -> None:
        super().__init__(message, refused=refused, details=details)
        self.finding = finding


def _head(current: AcceptedProtocol) -> Head:
    return Head(current.version, current.content_hash, current.submitted_by,
                current.submitted_at.isoformat())


def classify_submission(
    protocol: SubmittedProtocol,
    current: AcceptedProtocol | None,
    *,
    correction: bool,
    corrects: int | None = None,
) -> SameAsCurrent | NewVersion:
    """What a submission means given the station's current accepted version: the one
    versioning rule of `saylau.domain.versions` (DESIGN habit 7).

    The identical protocol again is idempotent (a correction resent after it was taken too);
    a different one for the same station and contest is a conflict unless it is sent as a
    correction; a correction of nothing is an error. A correction names the version it
    corrects (`corrects`): a correction of any other version than the current one is refused
    (`correction_stale`), so two corrections sent at once never stack: one is taken, the other
    is told what it missed.
    """
    submitted = protocol.content_hash()
    verdict = judge(None if current is None else _head(current),
                    Submission(submitted, correction, corrects))
    if isinstance(verdict, Unchanged):
        assert current is not None
        return SameAsCurrent(current)
    if isinstance(verdict, Append):
        return NewVersion(current)
    slot = f"station {protocol.station} for contest {protocol.contest}"
    where = {"station": protocol.station, "contest": protocol.contest}
    if not verdict.refusal.is_conflict:
        raise verdict.error(slot)
    assert current is not None
    if verdict.refusal is Refusal.CONFLICT:
        finding = Finding("protocol.conflict", Severity.ERROR, "correction",
                          f"different figures from the accepted version {current.version}, "
                          "not sent as a correction", (("current_version", current.version),))
    else:
        assert corrects is not None  # a stale correction names the version it corrects
        finding = Finding("correction.stale", Severity.ERROR, "corrects",
                          f"corrects version {corrects}, but the latest is version "
                          f"{current.version}",
                          (("corrects", corrects), ("current_version", current.version)))
    raise SlotTaken(verdict.message(slot), refused=verdict, finding=finding,
                    details={**where, **verdict.details()})


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
