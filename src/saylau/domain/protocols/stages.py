"""Accepted versions of a station's protocol: the versioning rule of `saylau.domain.versions`
applied to protocols (idempotent, conflict, corrections naming their version, reasons)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from saylau.domain.ids import ActorId, ContestId, StationId
from saylau.domain.limits import check_text
from saylau.domain.protocols.checks import errors_of, rejected, warnings_of
from saylau.domain.protocols.values import Finding, ProtocolCounts, Severity, SubmittedProtocol
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
