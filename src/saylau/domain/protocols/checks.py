"""The protocol checks (docs/law.md §4.2): small pure functions with one signature, run all at
once, each finding with a stable code and the numbers in its message."""

from __future__ import annotations

from collections.abc import Callable, Iterable

from saylau.domain.errors import ValidationFailed
from saylau.domain.ids import OptionId
from saylau.domain.protocols.values import (
    COUNT_FIELDS,
    MAX_COUNT,
    Finding,
    ProtocolCheckContext,
    ProtocolCounts,
    Severity,
    SubmittedProtocol,
)

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
