"""Observers' reports and protocol copies as leaves of the election's log, and the comparison
re-derived from the leaves alone (what `saylau verify` does with an exported record).

Bodies (encoding version 1 of docs/record.md; observers appear by badge only, never by name)::

    observer-copy    {"election", "contest", "station", "badge", "mission", "version",
                      "figures": {"registered": n, ..., "votes.<option>": n},
                      "reason": null | text, "photo": null | sha256}
    observer-report  {"election", "kind": "checklist" | "incident", "station", "badge",
                      "mission", "slot", "form", "form_version", "version",
                      "answers": {question: true | false | n | text},
                      "reason": null | text, "photo": null | sha256}

`derive` replays protocol and observer-copy leaves in log order: each slot's versions must
run 1, 2, 3 ... (a correction with a reason), and the comparison is computed from the current
versions exactly as the live one is (domain/observation/comparison.py).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from saylau.domain.errors import ValidationFailed, field_error
from saylau.domain.observation.comparison import StationComparison, compare, figures_from_dict
from saylau.domain.record.envelope import Record, RecordType, Signature, make_record, signing_bytes
from saylau.domain.record.envelope.types import HEX_HASH
from saylau.domain.record.signing import key_id, verify

COPY_MEMBERS = frozenset({"election", "contest", "station", "badge", "mission", "version",
                          "figures", "reason", "photo"})
REPORT_MEMBERS = frozenset({"election", "kind", "station", "badge", "mission", "slot", "form",
                            "form_version", "version", "answers", "reason", "photo"})


def _problems(body: Mapping[str, Any], members: frozenset[str]) -> list[dict[str, Any]]:
    out = []
    if set(body) != members:
        out.append(field_error("body", ", ".join(sorted(members)), sorted(body),
                               "the body's members are not the expected ones"))
    v = body.get("version")
    if isinstance(v, bool) or not isinstance(v, int) or v < 1:
        out.append(field_error("body.version", "1 or more", v, "bad version"))
    elif v > 1 and not body.get("reason"):
        out.append(field_error("body.reason", "a reason for a correction", None,
                               "a correction says why"))
    photo = body.get("photo")
    if photo is not None and not (isinstance(photo, str) and HEX_HASH.fullmatch(photo)):
        out.append(field_error("body.photo", "a SHA-256 in hex or null", photo, "bad photo"))
    return out


def copy_record(*, election: str, contest: str, station: str, badge: str, mission: str,
                version: int, figures: Mapping[str, int], reason: str | None,
                photo: str | None, recorded_by: str, recorded_at: str,
                signature: Signature | None = None) -> Record:
    body = {"election": election, "contest": contest, "station": station, "badge": badge,
            "mission": mission, "version": version, "figures": dict(figures),
            "reason": reason, "photo": photo}
    problems = _problems(body, COPY_MEMBERS)
    if problems:
        raise ValidationFailed("the observer-copy record is malformed", code="record.invalid",
                               details={"findings": problems})
    return make_record(RecordType.OBSERVER_COPY, body, recorded_at=recorded_at,
                       recorded_by=recorded_by, signature=signature)


def report_record(*, election: str, kind: str, station: str, badge: str, mission: str,
                  slot: str, form: str, form_version: int, version: int,
                  answers: Mapping[str, Any], reason: str | None, photo: str | None,
                  recorded_by: str, recorded_at: str, signature: Signature | None = None
                  ) -> Record:
    body = {"election": election, "kind": kind, "station": station, "badge": badge,
            "mission": mission, "slot": slot, "form": form, "form_version": form_version,
            "version": version, "answers": dict(answers), "reason": reason, "photo": photo}
    problems = _problems(body, REPORT_MEMBERS)
    if problems:
        raise ValidationFailed("the observer-report record is malformed",
                               code="record.invalid", details={"findings": problems})
    return make_record(RecordType.OBSERVER_REPORT, body, recorded_at=recorded_at,
                       recorded_by=recorded_by, signature=signature)


def check_signature(record: Mapping[str, Any], signature: Signature | None,
                    public_key_hex: str | None, *, required: bool) -> None:
    """An observer's signature over the record's type and body (docs/record.md: the canonical
    bytes of {v, type, body}) by the key given at their application: required where the
    mission requires signed reports, checked whenever one is sent."""
    badge = str(record["body"].get("badge"))
    if signature is None:
        if required:
            raise ValidationFailed(
                f"the mission of {badge} requires signed reports; this one is unsigned",
                code="signature_missing",
                details={"field": "signature", "expected": "{key, value} by the observer's "
                         "key", "actual": None})
        return
    if public_key_hex is None:
        raise ValidationFailed(f"observer {badge} gave no public key at application: a "
                               "signature cannot be checked", code="signature_unknown_key",
                               details={"field": "signature.key", "expected": None,
                                        "actual": signature.key})
    public = bytes.fromhex(public_key_hex)
    if signature.key != key_id(public):
        raise ValidationFailed(f"key {signature.key} is not observer {badge}'s",
                               code="signature_unknown_key",
                               details={"field": "signature.key", "expected": key_id(public),
                                        "actual": signature.key})
    if not verify(public, signing_bytes(str(record["type"]), record["body"]), signature.value):
        raise ValidationFailed(
            f"the signature does not verify over this {record['type']} record of {badge} "
            "(sign the canonical bytes of {v, type, body}, docs/record.md)",
            code="signature_invalid",
            details={"field": "signature.value", "expected": "a valid Ed25519 signature",
                     "actual": signature.value.hex()})


class DerivationFailed(ValidationFailed):
    """The leaves do not give a comparison: a version out of order, a malformed body."""

    code = "observation_record_invalid"


@dataclass
class Derived:
    """What the leaves give: the comparison per (contest, station), and counts."""

    comparisons: dict[tuple[str, str], StationComparison] = field(default_factory=dict)
    copies: int = 0
    reports: int = 0

    def as_json(self) -> list[dict[str, Any]]:
        """The comparison as published (`observation.json` of an exported record)."""
        return [{"contest": contest, **c.as_dict()}
                for (contest, _), c in sorted(self.comparisons.items())]


def derive(records: Iterable[tuple[int, Mapping[str, Any]]]) -> Derived:
    """Re-derive the comparison from (leaf index, record) pairs in log order."""
    official: dict[tuple[str, str], dict[str, int]] = {}
    official_v: dict[tuple[str, str], int] = {}
    copies: dict[tuple[str, str], dict[str, dict[str, int]]] = {}
    copy_v: dict[tuple[str, str, str], int] = {}
    report_v: dict[tuple[str, str, str], int] = {}
    out = Derived()
    for idx, r in records:
        type_, body = r.get("type"), r.get("body") or {}
        if type_ == RecordType.PROTOCOL:
            key = (str(body["contest"]), str(body["station"]))
            official_v[key] = int(body["version"])
            official[key] = figures_from_dict({**body["counts"], "votes": body["votes"]})
        elif type_ == RecordType.OBSERVER_COPY:
            _check_version(idx, body, COPY_MEMBERS, copy_v,
                           (str(body.get("contest")), str(body.get("station")),
                            str(body.get("badge"))))
            key = (str(body["contest"]), str(body["station"]))
            copies.setdefault(key, {})[str(body["badge"])] = {
                str(k): int(v) for k, v in body["figures"].items()}
            out.copies += 1
        elif type_ == RecordType.OBSERVER_REPORT:
            _check_version(idx, body, REPORT_MEMBERS, report_v,
                           (str(body.get("badge")), str(body.get("station")),
                            str(body.get("slot"))))
            out.reports += 1
    for key in sorted(set(copies) | {k for k in official if k[0] in {c for c, _ in copies}}):
        c = compare(key[1], official.get(key), copies.get(key, {}).items())
        if c is not None:
            out.comparisons[key] = c
    return out


def _check_version(idx: int, body: Mapping[str, Any], members: frozenset[str],
                   seen: dict[tuple[str, str, str], int], slot: tuple[str, str, str]) -> None:
    problems = _problems(body, members)
    if problems:
        raise DerivationFailed(f"leaf {idx}: {problems[0]['message']}",
                               details={"leaf": idx, "findings": problems})
    want = seen.get(slot, 0) + 1
    if int(body["version"]) != want:
        raise DerivationFailed(
            f"leaf {idx}: version {body['version']} of {'/'.join(slot)}, expected {want}",
            details={"leaf": idx, "field": "version", "expected": want,
                     "actual": body["version"]})
    seen[slot] = want


def verify_published(leaves: Iterable[bytes], published: object) -> list[str]:
    """Re-derive the comparison from the record's leaves and hold it equal to the published
    one (`observation.json`; None when the record publishes none); returns the report's
    lines, raises VerificationFailed naming the first station that differs."""
    import json

    from saylau.domain.record.verify.core import VerificationFailed

    def parsed() -> Iterable[tuple[int, Mapping[str, Any]]]:
        for idx, data in enumerate(leaves):
            if b'"observer-' in data or b'"protocol"' in data:
                yield idx, json.loads(data)

    try:
        derived = derive(parsed())
    except DerivationFailed as exc:
        raise VerificationFailed(exc.message, details=exc.details) from None
    except (KeyError, TypeError, ValueError) as exc:
        raise VerificationFailed(f"an observer leaf is malformed: {exc!r}") from None
    mine = derived.as_json()
    lines = [f"{derived.copies:,} observer cop(ies) and {derived.reports:,} observer "
             f"report(s): every slot's versions in order, every correction with a reason",
             f"observer copies compared with the official protocols at {len(mine):,} "
             "station(s), re-derived from the leaves"]
    if published is None:
        return lines
    if not isinstance(published, list):
        raise VerificationFailed("observation.json is not an array of stations")
    theirs = {(str(s.get("contest")), str(s.get("station"))): s for s in published
              if isinstance(s, Mapping)}
    ours = {(s["contest"], s["station"]): s for s in mine}
    for key in sorted(set(theirs) | set(ours)):
        if theirs.get(key) != ours.get(key):
            a, b = ours.get(key), theirs.get(key)
            raise VerificationFailed(
                f"the published comparison of station {key[1]} ({key[0]}) is "
                f"{None if b is None else b.get('status')!r}, the record gives "
                f"{None if a is None else a.get('status')!r}",
                details={"station": key[1], "contest": key[0], "expected": a, "actual": b})
    lines.append(f"the published comparison (observation.json, {len(theirs):,} station(s)) "
                 "equals the one re-derived")
    return lines
