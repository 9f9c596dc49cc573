"""One versioning rule: one slot, versions 1, 2, 3 ..., nothing overwritten (DESIGN habit 7).

A slot is what one submitter fills once and may then correct: a station's protocol for a
contest, one round of a Senate seat's joint session, an observer's copy of a protocol, a party's
member list. Whatever the content, a submission is judged against the slot's current version
by its content hash alone:

    the slot is empty       a first version: version 1 (a "correction" of nothing is refused:
                            `correction_without_original`)
    the same content        idempotent: nothing is stored, the current version is the answer
                            (whether or not it was sent as a correction)
    different content       refused as a conflict (`protocol_conflict`, 409) unless sent as a
                            correction; a correction names the version it corrects
                            (`correction_version_missing` otherwise) and that must be the
                            current one (`correction_stale`, 409: two corrections sent at once
                            never stack); it becomes version current + 1
    "corrects" without      refused (`corrects_without_correction`)
    "correction"

and a correction says why (`correction_reason_missing`), while a first version carries no
reason (`reason_without_correction`): `check_reason`. `judge` returns the verdict as a value
(for a caller that lists every refused row, as a CSV import does); `classify` raises it.
`content_hash` gives any content's hash the same way (SHA-256 of its canonical JSON).
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from saylau.domain.errors import Conflict, SaylauError, ValidationFailed

FIRST_VERSION = 1
"""The version an empty slot's first submission becomes (`Append.version`)."""


def content_hash(content: Mapping[str, Any]) -> str:
    """SHA-256 of `content`'s JSON with sorted keys, no spaces, UTF-8 (identical content,
    identical hash: how a resubmission is known to be the same)."""
    data = json.dumps(content, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(data.encode("utf-8")).hexdigest()


@dataclass(frozen=True, slots=True)
class Head:
    """The slot's current version."""

    version: int
    content_hash: str
    submitted_by: str | None = None
    submitted_at: str | None = None
    """ISO 8601, for the message of a stale correction."""


@dataclass(frozen=True, slots=True)
class Submission:
    """What was sent for the slot: its content's hash and whether it is a correction (of which
    version)."""

    content_hash: str
    correction: bool = False
    corrects: int | None = None


@dataclass(frozen=True, slots=True)
class Unchanged:
    """The content is the current version's: idempotent, nothing is stored."""

    head: Head


@dataclass(frozen=True, slots=True)
class Append:
    """The submission becomes `version`: the first (`previous` None) or a correction."""

    version: int
    previous: Head | None

    @property
    def is_correction(self) -> bool:
        return self.previous is not None


class Refusal(StrEnum):
    """Why a submission is refused (the stable codes of the error)."""

    CORRECTS_WITHOUT_CORRECTION = "corrects_without_correction"
    CORRECTION_WITHOUT_ORIGINAL = "correction_without_original"
    CONFLICT = "protocol_conflict"
    CORRECTION_VERSION_MISSING = "correction_version_missing"
    CORRECTION_STALE = "correction_stale"

    @property
    def is_conflict(self) -> bool:
        """The slot holds something else than the submission assumed: 409, and the
        submission is kept among the rejections (nothing sent is lost)."""
        return self in (Refusal.CONFLICT, Refusal.CORRECTION_STALE)


@dataclass(frozen=True, slots=True)
class Refused:
    """A submission the rule refuses, with the figures its message needs."""

    refusal: Refusal
    head: Head | None
    submission: Submission

    @property
    def code(self) -> str:
        return self.refusal.value

    def message(self, slot: str, what: str = "protocol") -> str:
        """The refusal in words; `slot` names the slot ("station KZ-1 for contest c", "round
        1 of senate-kz-11"), `what` the content ("protocol", "copy", "member list")."""
        h, s = self.head, self.submission
        if self.refusal is Refusal.CORRECTS_WITHOUT_CORRECTION:
            return (f"the submission names version {s.corrects} to correct but is not sent as "
                    "a correction; add \"correction\": true (and a reason), or leave out "
                    "\"corrects\"")
        if self.refusal is Refusal.CORRECTION_WITHOUT_ORIGINAL or h is None:
            return (f"{slot} has no accepted {what} to correct; send it as a first {what}")
        if self.refusal is Refusal.CONFLICT:
            return (f"{slot} already has {what} version {h.version} with different content; "
                    f"to change it, send a correction of version {h.version} with a reason")
        if self.refusal is Refusal.CORRECTION_VERSION_MISSING:
            return (f"a correction names the version it corrects: the current version of "
                    f"{slot} is {h.version}; send \"corrects\": {h.version}")
        by = "" if h.submitted_by is None else f" (submitted by {h.submitted_by}" + (
            f" at {h.submitted_at})" if h.submitted_at else ")")
        return (f"this correction of version {s.corrects} of {slot} is refused: the latest "
                f"version is {h.version}{by}; read it, and if it still needs correcting send "
                f"a correction of version {h.version}")

    def details(self) -> dict[str, Any]:
        """The field, expected and actual values; for a conflict also the current version and
        both hashes."""
        h, s = self.head, self.submission
        out: dict[str, Any]
        if self.refusal is Refusal.CORRECTS_WITHOUT_CORRECTION:
            out = {"field": "correction", "expected": True, "actual": False}
        elif self.refusal is Refusal.CORRECTION_WITHOUT_ORIGINAL:
            out = {"field": "correction", "expected": False, "actual": True}
        elif self.refusal is Refusal.CONFLICT:
            out = {"field": "correction", "expected": True, "actual": False}
        elif self.refusal is Refusal.CORRECTION_VERSION_MISSING:
            out = {"field": "corrects", "expected": None if h is None else h.version,
                   "actual": None}
        else:
            out = {"field": "corrects", "expected": None if h is None else h.version,
                   "actual": s.corrects, "corrects": s.corrects}
        if h is not None and self.refusal.is_conflict:
            out |= {"current_version": h.version, "current_hash": h.content_hash,
                    "submitted_hash": s.content_hash}
        return out

    def error(self, slot: str, what: str = "protocol",
              details: Mapping[str, Any] | None = None) -> SaylauError:
        """The error to raise: a `VersionConflict` (409) or a `ValidationFailed` (422)."""
        all_details = {**self.details(), **(details or {})}
        if self.refusal.is_conflict:
            return VersionConflict(self.message(slot, what), refused=self, details=all_details)
        return ValidationFailed(self.message(slot, what), code=self.code, details=all_details)


class VersionConflict(Conflict):
    """The slot holds something else than the submission assumed (`protocol_conflict`,
    `correction_stale`): 409. `refused` says which, with the versions."""

    def __init__(self, message: str, *, refused: Refused,
                 details: Mapping[str, Any] | None = None) -> None:
        super().__init__(message, code=refused.code, details=details)
        self.refused = refused


def judge(head: Head | None, submission: Submission) -> Unchanged | Append | Refused:  # noqa: PLR0911 (one return per case of the rule, in the module docstring's order)
    """The verdict on `submission` given the slot's current version `head` (None: empty).
    Pure and total: never raises."""
    s = submission
    if s.corrects is not None and not s.correction:
        return Refused(Refusal.CORRECTS_WITHOUT_CORRECTION, head, s)
    if head is not None and head.content_hash == s.content_hash:
        return Unchanged(head)
    if head is None:
        if s.correction:
            return Refused(Refusal.CORRECTION_WITHOUT_ORIGINAL, None, s)
        return Append(FIRST_VERSION, None)
    if not s.correction:
        return Refused(Refusal.CONFLICT, head, s)
    if s.corrects is None:
        return Refused(Refusal.CORRECTION_VERSION_MISSING, head, s)
    if s.corrects != head.version:
        return Refused(Refusal.CORRECTION_STALE, head, s)
    return Append(head.version + 1, head)


def classify(head: Head | None, submission: Submission, *, slot: str,
             what: str = "protocol") -> Unchanged | Append:
    """`judge`, raising the refusal (`VersionConflict` or `ValidationFailed`) in words that
    name the `slot` and `what` it holds."""
    verdict = judge(head, submission)
    if isinstance(verdict, Refused):
        raise verdict.error(slot, what)
    return verdict


def check_reason(is_correction: bool, reason: str | None, what: str = "protocol") -> str | None:
    """The reason to store with a version: a correction must say why
    (`correction_reason_missing`); a first version sent with a reason is refused rather than
    stored with the reason dropped (`reason_without_correction`): the submitter meant
    something by it, and may have meant to correct. An empty or blank reason is none.
    Returns the reason stripped (None for a first version)."""
    given = reason is not None and reason.strip() != ""
    if not is_correction:
        if given:
            raise ValidationFailed(
                "a reason explains a correction, but there is nothing to correct yet: send the "
                f"first {what} without a reason",
                code="reason_without_correction",
                details={"field": "reason", "expected": f"no reason on a first {what} (a "
                         "reason explains a correction)", "actual": reason},
            )
        return None
    if not given:
        raise ValidationFailed(
            "a correction must say why",
            code="correction_reason_missing",
            details={"field": "reason", "expected": "a non-empty reason", "actual": reason},
        )
    assert reason is not None
    return reason.strip()


@dataclass(frozen=True, slots=True)
class History:
    """A slot's versions, oldest first: what a store keeps, as a value (for tests and for a
    verifier that replays a record). `submit` never changes a stored version."""

    versions: tuple[tuple[str, str | None], ...] = field(default=())
    """(content hash, reason) of versions 1, 2, ...; the reason is None for version 1."""

    @property
    def head(self) -> Head | None:
        if not self.versions:
            return None
        return Head(len(self.versions), self.versions[-1][0])

    def submit(self, submission: Submission, reason: str | None = None
               ) -> tuple[History, Unchanged | Append]:
        """The history after `submission` (itself when nothing is stored) and the verdict;
        raises the refusal as `classify` does."""
        verdict = classify(self.head, submission, slot="the slot", what="version")
        if isinstance(verdict, Unchanged):
            return self, verdict
        kept = check_reason(verdict.is_correction, reason, "version")
        return History((*self.versions, (submission.content_hash, kept))), verdict
