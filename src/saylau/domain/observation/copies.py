"""An observer's copy of the protocol: the same fields and the same checks as the official
protocol (docs/law.md §4.2), so a copy with an arithmetic error is refused as the official one
would be (the observer copied it wrong, or the posted protocol is itself wrong: either way the
observer is told which check fails and may send it again, or as a text note with an incident)."""

from __future__ import annotations

from collections.abc import Mapping

from saylau.domain.errors import ValidationFailed, field_error
from saylau.domain.ids import OptionId
from saylau.domain.protocols import errors_of, run_checks
from saylau.domain.protocols.values import COUNT_FIELDS, ProtocolCheckContext, ProtocolCounts


def copy_counts(figures: Mapping[str, int], options: tuple[str, ...]) -> ProtocolCounts:
    """The copy's figures as counts; every count field must be there (both_marked may be left
    out: 0), and only the contest's options. Raises ValidationFailed naming every field."""
    found = []
    for f in COUNT_FIELDS:
        if f not in figures and f != "both_marked":
            found.append(field_error(f, "a whole number", None, f"the copy has no {f}"))
    for k, v in figures.items():
        known = k in COUNT_FIELDS or (k.startswith("votes.") and k[6:] in options)
        if not known:
            found.append(field_error(k, f"one of {', '.join(COUNT_FIELDS)} or votes.<option> "
                                     f"({', '.join(options)})", k, f"unknown field {k!r}"))
        elif isinstance(v, bool) or not isinstance(v, int):
            found.append(field_error(k, "a whole number", v, f"{k} must be a whole number"))
    if found:
        raise ValidationFailed(f"{len(found)} problem(s) in the protocol copy",
                               code="copy_invalid", details={"findings": found})
    return ProtocolCounts.of(
        registered=figures["registered"], ballots_received=figures["ballots_received"],
        ballots_issued=figures["ballots_issued"],
        ballots_cancelled=figures["ballots_cancelled"],
        ballots_in_boxes=figures["ballots_in_boxes"], invalid=figures["invalid"],
        both_marked=figures.get("both_marked", 0),
        votes={OptionId(k[6:]): v for k, v in figures.items() if k.startswith("votes.")})


def check_copy(ctx: ProtocolCheckContext, counts: ProtocolCounts) -> None:
    """Raise the protocol checks' errors (warnings are kept by the caller, not refused)."""
    errors = errors_of(run_checks(ctx, counts))
    if errors:
        raise ValidationFailed(
            f"the protocol copy fails {len(errors)} check(s) of docs/law.md §4.2",
            code="copy_checks_failed",
            details={"findings": [f.as_dict() for f in errors]})
