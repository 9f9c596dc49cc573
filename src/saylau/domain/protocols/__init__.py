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

from saylau.domain.protocols.checks import (
    PROTOCOL_CHECKS,
    ProtocolCheck,
    check_ballots_accounted,
    check_both_marked,
    check_boxes_not_above_issued,
    check_boxes_sum,
    check_counts_in_range,
    check_issued_not_above_list,
    check_issued_not_below_turnout,
    check_list_matches_geography,
    check_options,
    errors_of,
    rejected,
    run_checks,
    warnings_of,
)
from saylau.domain.protocols.stages import (
    AcceptedProtocol,
    NewVersion,
    SameAsCurrent,
    SlotTaken,
    accept,
    classify_submission,
    reject_reason_without_correction,
)
from saylau.domain.protocols.values import (
    COUNT_FIELDS,
    MAX_COUNT,
    Finding,
    ProtocolCheckContext,
    ProtocolCounts,
    Severity,
    SubmittedProtocol,
    canonical_json_fast,
)

__all__ = [
    "COUNT_FIELDS",
    "MAX_COUNT",
    "PROTOCOL_CHECKS",
    "AcceptedProtocol",
    "Finding",
    "NewVersion",
    "ProtocolCheck",
    "ProtocolCheckContext",
    "ProtocolCounts",
    "SameAsCurrent",
    "Severity",
    "SlotTaken",
    "SubmittedProtocol",
    "accept",
    "canonical_json_fast",
    "check_ballots_accounted",
    "check_both_marked",
    "check_boxes_not_above_issued",
    "check_boxes_sum",
    "check_counts_in_range",
    "check_issued_not_above_list",
    "check_issued_not_below_turnout",
    "check_list_matches_geography",
    "check_options",
    "classify_submission",
    "errors_of",
    "reject_reason_without_correction",
    "rejected",
    "run_checks",
    "warnings_of",
]
