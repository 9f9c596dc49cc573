"""The party register in the verifiable record: its leaves and their re-derivation.

The register has a transparency log of its own (the id "@parties", which no election can
have: the register is national, not an election's), appended in the same transaction as the
register's rows and covered by tree heads the central commission signs. Four leaf types:

    party-application   an application: names, ruleset, founders and their regions, dates
    party-list          a version of a party's member list, as counts only: live rows in
                        total and per region, rows with findings of their own per code, and
                        the SHA-256 of the sorted keyed hashes of the live rows (a commitment
                        to the list that names nobody: a keyed hash cannot be tested against
                        a guessed IIN without the register's key)
    party-decision      the ministry's decision: the list version it was taken on, the valid
                        members per region it counted, the readings, the regions, the decision
                        and its explanation under the application's ruleset and any ruleset
                        compared beside it, and the status it led to
    party-liquidation   a registered party liquidated, with the reason given

No raw IIN, and no keyed hash of a single person, is ever in a leaf.

`verify_register` re-derives every decision from the leaves: the application's figures and
the counted members go through domain/parties/rules.decide again and must give the recorded
decision, explanation and all; each status must follow the lifecycle (lifecycle.py); a
decision must name the party's latest list version and count no more members in a region
than that list has rows there. The first leaf that does not fit is named.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from saylau.domain.errors import SaylauError
from saylau.domain.parties.lifecycle import PartyStatus, step
from saylau.domain.parties.rules import (
    Application,
    BranchReading,
    Decision,
    InitiativeRegionsReading,
    Readings,
    RegistrationDecision,
    decide,
)
from saylau.domain.record.canonical import canonical_bytes, parse_canonical
from saylau.domain.record.envelope import (
    Record,
    RecordType,
    make_record,
    record_shape_problems,
)
from saylau.domain.record.merkle import Frontier, TreeHead, leaf_hash
from saylau.domain.record.signing import key_id, verify_tree_head
from saylau.domain.record.verify.core import MALFORMED, Report, VerificationFailed

PARTY_LOG = "@parties"
"""The register's log id (store.log): "@" is in no election's id."""

APPLICATION = RecordType.PARTY_APPLICATION.value
LIST = RecordType.PARTY_LIST.value
DECISION = RecordType.PARTY_DECISION.value
LIQUIDATION = RecordType.PARTY_LIQUIDATION.value
TYPES = (APPLICATION, LIST, DECISION, LIQUIDATION)


def list_digest(hashes: Iterable[str]) -> str:
    """SHA-256 of the sorted keyed hashes joined by newlines: one list's commitment."""
    return hashlib.sha256("\n".join(sorted(hashes)).encode("ascii")).hexdigest()


def application_record(body: Mapping[str, Any], *, at: str, by: str) -> Record:
    return make_record(APPLICATION, body, recorded_at=at, recorded_by=by)


def list_record(party: str, version: int, regions: Sequence[str], hashes: Sequence[str],
                findings_by_code: Mapping[str, int], rows_with_findings: int, *, at: str,
                by: str, reason: str) -> Record:
    """Version `version` of `party`'s list: its live rows' regions and keyed hashes, counted
    and committed to; the keyed hashes themselves are not in the leaf."""
    by_region: dict[str, int] = {}
    for r in regions:
        by_region[r] = by_region.get(r, 0) + 1
    body = {"party": party, "version": version, "rows": len(hashes),
            "rows_by_region": dict(sorted(by_region.items())),
            "rows_with_findings": rows_with_findings,
            "findings_by_code": dict(sorted(findings_by_code.items())),
            "digest": list_digest(hashes), "reason": reason}
    return make_record(LIST, body, recorded_at=at, recorded_by=by)


def decision_record(party: str, list_version: int, status: str, readings: Readings,
                    regions: Sequence[str], members_by_region: Mapping[str, Mapping[str, int]],
                    decisions: Sequence[RegistrationDecision], *, at: str, by: str) -> Record:
    """The decision under decisions[0]'s ruleset (the application's) and the others beside it,
    with the figures they were taken on (`members_by_region`: ruleset -> region -> valid
    members; a ruleset that bars fewer officials counts more)."""
    body = {"party": party, "list_version": list_version, "status": status,
            "readings": {"branches": readings.branches.value,
                         "initiative_regions": readings.initiative_regions.value},
            "regions": list(regions),
            "members_by_region": {k: dict(sorted(v.items()))
                                  for k, v in sorted(members_by_region.items())},
            "decisions": [d.as_dict() for d in decisions]}
    return make_record(DECISION, body, recorded_at=at, recorded_by=by)


def liquidation_record(party: str, reason: str, *, at: str, by: str) -> Record:
    return make_record(LIQUIDATION, {"party": party, "reason": reason}, recorded_at=at,
                       recorded_by=by)


# --- the verifier --------------------------------------------------------------------------


def _fail(message: str, **details: Any) -> VerificationFailed:
    return VerificationFailed(message, details=details)


@dataclass
class _Party:
    application: dict[str, Any]
    status: PartyStatus = PartyStatus.SUBMITTED
    lists: list[dict[str, Any]] = field(default_factory=list)
    decision: dict[str, Any] | None = None


@dataclass(frozen=True, slots=True)
class VerifiedRegister:
    statuses: dict[str, str]
    decisions: dict[str, dict[str, Any]]
    """Party -> its latest decision's body, as re-derived."""


def _date(v: Any) -> date | None:
    return None if v is None else date.fromisoformat(str(v))


def _rederive(idx: int, p: _Party, body: Mapping[str, Any]) -> list[RegistrationDecision]:
    a = p.application
    latest = len(p.lists)
    if body["list_version"] != latest:
        raise _fail(f"leaf {idx}: the decision on {a['party']} names list version "
                    f"{body['list_version']}, but the party's latest is {latest}", leaf=idx)
    have = p.lists[-1]["rows_by_region"] if p.lists else {}
    counted: dict[str, dict[str, int]] = {}
    for ruleset, by_region in body["members_by_region"].items():
        counted[ruleset] = {str(k): int(v) for k, v in by_region.items()}
        for reg, n in counted[ruleset].items():
            if n < 0 or n > int(have.get(reg, 0)):
                raise _fail(f"leaf {idx}: the decision on {a['party']} counts {n} valid "
                            f"members in {reg} under {ruleset}, but list version {latest} has "
                            f"{have.get(reg, 0)} rows there", leaf=idx, region=reg)
    readings = Readings(BranchReading(body["readings"]["branches"]),
                        InitiativeRegionsReading(body["readings"]["initiative_regions"]))
    regions = tuple(str(r) for r in body["regions"])
    recorded = body["decisions"]
    if not recorded or recorded[0]["ruleset"] != a["ruleset"]:
        raise _fail(f"leaf {idx}: the decision on {a['party']} is not first under its "
                    f"application's ruleset {a['ruleset']}", leaf=idx)
    out = []
    for k, d in enumerate(recorded):
        app = Application(a["party"], _date(a["initiative_formed"]), int(a["founders"]),
                          frozenset(a["founder_regions"]), _date(a["congress_held"]),
                          counted.get(str(d["ruleset"]), {}))
        again = decide(app, str(d["ruleset"]), regions, readings)
        if canonical_bytes(again.as_dict()) != canonical_bytes(d):
            if again.decision.value != d.get("decision"):
                raise _fail(f"leaf {idx}: the decision on {a['party']} under {d['ruleset']} "
                            f"is recorded as {d.get('decision')!r} but the law gives "
                            f"{again.decision.value!r} from the leaves' figures", leaf=idx,
                            decision=k)
            raise _fail(f"leaf {idx}: the decision on {a['party']} under {d['ruleset']} is "
                        f"{again.decision.value!r}, as the law gives, but its conditions or "
                        "explanation are not what the leaves' figures give", leaf=idx,
                        decision=k)
        out.append(again)
    return out


def _read(idx: int, record: Mapping[str, Any], parties: dict[str, _Party]) -> None:
    type_, body = record["type"], record["body"]
    party = str(body["party"])
    p = parties.get(party)
    if type_ == APPLICATION:
        if p is not None:
            raise _fail(f"leaf {idx}: a second application of {party}", leaf=idx)
        parties[party] = _Party(dict(body))
        return
    if p is None:
        raise _fail(f"leaf {idx}: a {type_} of {party}, which never applied", leaf=idx)
    try:
        if type_ == LIST:
            if body["version"] != len(p.lists) + 1:
                raise _fail(f"leaf {idx}: list version {body['version']} of {party}, "
                            f"expected {len(p.lists) + 1}", leaf=idx)
            if sum(body["rows_by_region"].values()) != body["rows"]:
                raise _fail(f"leaf {idx}: list version {body['version']} of {party} has "
                            f"{body['rows']} rows but its regions add up to "
                            f"{sum(body['rows_by_region'].values())}", leaf=idx)
            if p.status not in (PartyStatus.SUBMITTED, PartyStatus.CHECKING):
                raise _fail(f"leaf {idx}: a list version of {party}, which is "
                            f"{p.status.value}", leaf=idx)
            p.lists.append(dict(body))
            p.status = PartyStatus.CHECKING
        elif type_ == DECISION:
            again = _rederive(idx, p, body)
            want = p.status if again[0].decision is Decision.INCOMPLETE else (
                PartyStatus.REGISTERED if again[0].decision is Decision.REGISTERED
                else PartyStatus.REFUSED)
            if want is not p.status:
                step(party, p.status, want)
            if body["status"] != want.value:
                raise _fail(f"leaf {idx}: {party} is recorded as {body['status']} after its "
                            f"decision, which makes it {want.value}", leaf=idx)
            p.status, p.decision = want, dict(body)
        elif type_ == LIQUIDATION:
            p.status = step(party, p.status, PartyStatus.LIQUIDATED)
        else:
            raise _fail(f"leaf {idx}: {type_!r} is not a leaf of the party register", leaf=idx)
    except SaylauError as exc:
        if isinstance(exc, VerificationFailed):
            raise
        raise _fail(f"leaf {idx}: {exc.message}", leaf=idx) from None


def verify_register(leaves: Iterable[bytes], tree_heads: Sequence[TreeHead],
                    central_public_key: bytes,
                    published: Sequence[Mapping[str, Any]] | None = None
                    ) -> tuple[Report, VerifiedRegister]:
    """Check the register's exported log: the heads signed by the central key, every head's
    Merkle root recomputed, every leaf well-formed, every decision re-derived; then, when
    given, the published register (statuses and decisions) compared with the re-derived one.
    Raises VerificationFailed naming the first leaf that does not fit."""
    report = Report()
    central = key_id(central_public_key)
    heads = sorted(tree_heads, key=lambda h: h.size)
    for h in heads:
        if not verify_tree_head(h, central_public_key):
            raise _fail(f"the tree head of size {h.size} is not signed by the central "
                        f"commission's key {central}", tree_head=h.size)
    at = {h.size: h for h in heads}
    frontier = Frontier()
    parties: dict[str, _Party] = {}
    counts: dict[str, int] = {}
    first: VerificationFailed | None = None
    size = 0
    for idx, data in enumerate(leaves):
        size = idx + 1
        frontier = frontier.extend([leaf_hash(data)])
        if size in at and frontier.root().hex() != at[size].root:
            raise _fail(f"the root of the first {size} leaves is {frontier.root().hex()}, not "
                        f"the signed tree head's {at[size].root}: the log was changed",
                        tree_head=size)
        if first is not None:
            continue
        try:
            record = parse_canonical(data)
            problems = record_shape_problems(record)
            if problems:
                raise _fail(f"leaf {idx} is not a well-formed record: "
                            f"{problems[0]['message']}", leaf=idx)
            counts[record["type"]] = counts.get(record["type"], 0) + 1
            _read(idx, record, parties)
        except VerificationFailed as exc:
            first = exc
        except SaylauError as exc:
            first = _fail(f"leaf {idx} is not canonical JSON: {exc.message}", leaf=idx)
        except MALFORMED as exc:
            first = _fail(f"leaf {idx} is malformed: {type(exc).__name__} {exc}", leaf=idx)
    if heads and heads[-1].size > size:
        raise _fail(f"the latest tree head covers {heads[-1].size} leaves but the record has "
                    f"only {size}: leaves were dropped", tree_head=heads[-1].size)
    if heads and heads[-1].size < size:
        raise _fail(f"the record has {size} leaves but its latest signed tree head covers "
                    f"{heads[-1].size}", tree_head=heads[-1].size)
    if first is not None:
        raise first
    report.ok(f"{len(heads)} tree head(s) signed by the central commission's key {central}; "
              f"the Merkle root of each recomputed from the {size:,} leaves and equal")
    report.ok("records: " + ", ".join(f"{n:,} {t}" for t, n in sorted(counts.items())))
    decided = {p: x.decision for p, x in parties.items() if x.decision is not None}
    report.ok(f"{len(decided)} decision(s) re-derived by the law from the applications and the "
              "members counted; every status follows the lifecycle")
    v = VerifiedRegister({p: x.status.value for p, x in sorted(parties.items())},
                         dict(sorted(decided.items())))
    if published is not None:
        _compare(v, published)
        report.ok(f"the published register ({len(published)} parties) equals the record's")
    return report, v


def _compare(v: VerifiedRegister, published: Sequence[Mapping[str, Any]]) -> None:
    shown = {str(e["id"]): e for e in published}
    if set(shown) != set(v.statuses):
        raise _fail("the published register lists "
                    f"{sorted(set(shown) ^ set(v.statuses))} differently from the record")
    for party, status in v.statuses.items():
        e = shown[party]
        if e["status"] != status:
            raise _fail(f"the published register says {party} is {e['status']}; the record "
                        f"makes it {status}", party=party)
        d = v.decisions.get(party)
        want = None if d is None else [x["decision"] for x in d["decisions"]]
        got = None if e.get("decision") is None else [
            x["decision"] for x in e["decision"]["decisions"]]
        if want != got:
            raise _fail(f"the published register gives {party} the decision(s) {got}; the "
                        f"record's are {want}", party=party)


__all__ = ["APPLICATION", "DECISION", "LIQUIDATION", "LIST", "PARTY_LOG", "TYPES",
           "VerifiedRegister", "application_record", "decision_record", "liquidation_record",
           "list_digest", "list_record", "verify_register"]
