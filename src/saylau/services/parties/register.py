"""Applications and the register: apply, import a member list, correct or withdraw a row,
import the barred register, decide, liquidate, read. Each public function owns its
transaction; the rules are domain/parties/, the rows store/parties.py.

IINs: a raw IIN is hashed (HMAC-SHA-256 under the register's key, store/parties_key.py) the
moment its file is read and never stored, logged or returned; only the hash and the last four
digits go on.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from saylau.data import load_kz_units
from saylau.domain.errors import Conflict, NotFound, ValidationFailed
from saylau.domain.ids import ActorId
from saylau.domain.names import Names
from saylau.domain.parties import privacy
from saylau.domain.parties.lifecycle import OPEN, PartyStatus, step
from saylau.domain.parties.member_file import MAX_ROWS, check_cells
from saylau.domain.parties.members import (
    BarredCategory,
    MemberColumns,
    RowFinding,
    check_list,
)
from saylau.domain.parties.rules import rules_of
from saylau.domain.versions import Head as VersionHead
from saylau.domain.versions import Submission, Unchanged, check_reason, classify, content_hash
from saylau.services import logs
from saylau.services.context import Saylau
from saylau.services.parties import record as party_record
from saylau.services.parties.member_files import read_member_file
from saylau.store import parties as repo
from saylau.store.parties_key import load_parties_key


def regions() -> tuple[str, ...]:
    """The country's top-level units' codes (data/kz_units.json; docs/law.md §13.1)."""
    return tuple(u["iso3166_2"] for u in load_kz_units()["units"])


def key_of(saylau: Saylau) -> bytes:
    cached = saylau.caches.get("parties-key")
    if isinstance(cached, bytes):
        return cached
    key = load_parties_key(saylau.engine)
    saylau.caches["parties-key"] = key
    return key


@dataclass(frozen=True, slots=True)
class ApplicationIn:
    id: str
    names: Names
    ruleset: str
    founders: int
    founder_regions: tuple[str, ...]
    initiative_formed: date | None
    congress_held: date | None
    submitted_on: date | None = None


def _bad(field: str, expected: str, actual: object, message: str) -> ValidationFailed:
    return ValidationFailed(message, details={"field": field, "expected": expected,
                                              "actual": actual})


def apply(saylau: Saylau, a: ApplicationIn, by: ActorId) -> repo.ApplicationRow:
    """A party's application, as `submitted`. The id is the party's for good: a second
    application with it is a Conflict."""
    rules_of(a.ruleset)
    known = set(regions())
    unknown = sorted(set(a.founder_regions) - known)
    if unknown:
        raise _bad("founder_regions", "region codes of docs/law.md §13.1", unknown,
                   f"founder regions {', '.join(unknown)} are not regions' codes")
    if a.founders < 0:
        raise _bad("founders", "0 or more", a.founders, "founders cannot be negative")
    now = saylau.clock()
    row = repo.ApplicationRow(
        a.id, (a.names.kk, a.names.ru, a.names.en), a.ruleset, a.founders,
        tuple(sorted(set(a.founder_regions))),
        None if a.initiative_formed is None else a.initiative_formed.isoformat(),
        None if a.congress_held is None else a.congress_held.isoformat(),
        (a.submitted_on or now.date()).isoformat(), by, now.isoformat())
    with saylau.write() as conn:
        if repo.application(conn, a.id) is not None:
            raise Conflict(f"party {a.id!r} has already applied", code="party_exists",
                           details={"field": "id", "expected": "a new party id",
                                    "actual": a.id})
        repo.insert_application(conn, row)
        repo.insert_event(conn, a.id, PartyStatus.SUBMITTED.value, by, now.isoformat())
        party_record.append_application(conn, saylau, row, by)
        logs.log_action(conn, saylau, logs.Action.PARTY_APPLIED, by, party=a.id,
                        ruleset=a.ruleset, founders=a.founders)
    return row


def status_of(events: Sequence[repo.EventRow]) -> PartyStatus:
    return PartyStatus(events[-1].status) if events else PartyStatus.SUBMITTED


def _open_application(conn: Any, party: str) -> tuple[repo.ApplicationRow, PartyStatus]:
    app = repo.application(conn, party)
    if app is None:
        raise NotFound(f"no party application {party!r}", code="party_not_found",
                       details={"field": "party", "actual": party})
    status = status_of(repo.events(conn, party))
    if status not in OPEN:
        raise Conflict(f"party {party!r} is {status.value}: its member list is closed",
                       code="party_closed", details={"field": "party", "expected": sorted(
                           s.value for s in OPEN), "actual": status.value})
    return app, status


def row_content(full_name: str, birth_date: str, iin_hash: str, region: str, joined: str,
                signature: bool, withdrawn: bool) -> dict[str, Any]:
    """What a row version's content hash covers (the keyed hash, never the IIN)."""
    return {"full_name": full_name, "birth_date": birth_date, "iin_hash": iin_hash,
            "region": region, "joined": joined, "signature": signature,
            "withdrawn": withdrawn}


@dataclass(frozen=True, slots=True)
class ImportReport:
    party: str
    rows: int
    first_row_no: int
    findings: tuple[RowFinding, ...] = field(default=())

    def as_dict(self) -> dict[str, Any]:
        by_code: dict[str, int] = {}
        for f in self.findings:
            by_code[f.code] = by_code.get(f.code, 0) + 1
        return {"party": self.party, "rows": self.rows, "first_row_no": self.first_row_no,
                "findings_by_code": dict(sorted(by_code.items())),
                "findings": [f.as_dict() for f in self.findings]}


def import_members(saylau: Saylau, party: str, data: bytes, filename: str, by: ActorId,
                   max_rows: int = MAX_ROWS) -> ImportReport:
    """A member list file added to the party's list: every row stored (version 1 of a new
    row number) with its own findings, or the whole file refused (nothing stored)."""
    cols = read_member_file(data, filename, max_rows)
    return import_columns(saylau, party, cols, by)


def import_columns(saylau: Saylau, party: str, cols: MemberColumns, by: ActorId
                   ) -> ImportReport:
    key = key_of(saylau)
    kid = privacy.key_id(key)
    iins = [i.strip() for i in cols.iins]
    hashes = privacy.hash_all(key, iins)
    now = saylau.clock().isoformat()
    with saylau.write() as conn:
        app, status = _open_application(conn, party)
        findings = check_list(cols, hashes, frozenset(regions()),
                              date.fromisoformat(app.submitted_on))
        by_line: dict[int, list[dict[str, Any]]] = {}
        for f in findings:
            if f.code != "iin.duplicate":  # found again at each decision (decisions.py)
                by_line.setdefault(f.line, []).append(f.as_dict())
        first = repo.next_row_no(conn, party)
        rows = []
        for i, line in enumerate(cols.lines):
            content = row_content(cols.full_names[i], cols.birth_dates[i], hashes[i],
                                  cols.regions[i], cols.joined[i], cols.signatures[i], False)
            rows.append(repo.MemberRow(
                party, first + i, 1, line, cols.full_names[i], cols.birth_dates[i],
                hashes[i], iins[i][-4:], kid, cols.regions[i], cols.joined[i],
                cols.signatures[i], False, tuple(by_line.get(line, ())),
                content_hash(content), None, by, now))
        repo.insert_members(conn, rows)
        repo.insert_event(conn, party, step(party, status, PartyStatus.CHECKING).value, by,
                          now, reason=f"member list: {len(rows)} rows from row {first}")
        party_record.append_list(conn, saylau, party, by,
                                 f"member list: {len(rows)} rows from row {first}")
        logs.log_action(conn, saylau, logs.Action.PARTY_MEMBERS_IMPORTED, by, party=party,
                        rows=len(rows), first_row=first)
    return ImportReport(party, len(rows), first, tuple(findings))


@dataclass(frozen=True, slots=True)
class RowChange:
    """A correction of one row (new values, the IIN given again) or its withdrawal."""

    row_no: int
    corrects: int
    reason: str
    withdraw: bool = False
    full_name: str | None = None
    birth_date: str | None = None
    iin: str | None = None
    region: str | None = None
    joined: str | None = None
    signature: bool | None = None


def change_row(saylau: Saylau, party: str, change: RowChange, by: ActorId) -> repo.MemberRow:
    """A row corrected or withdrawn as a new version (domain/versions.py's rule: it names the
    version it corrects, says why; the same content again changes nothing)."""
    check_cells(full_name=change.full_name, birth_date=change.birth_date, iin=change.iin,
                region=change.region, joined=change.joined)
    key = key_of(saylau)
    now = saylau.clock().isoformat()
    with saylau.write() as conn:
        app, _ = _open_application(conn, party)
        versions = repo.member_versions(conn, party, change.row_no)
        if not versions:
            raise NotFound(f"party {party!r} has no row {change.row_no}",
                           code="party_row_not_found",
                           details={"field": "row_no", "actual": change.row_no})
        cur = versions[-1]
        iin = None if change.iin is None else change.iin.strip()
        iin_hash = cur.iin_hash if iin is None else privacy.iin_hash(key, iin)
        name = cur.full_name if change.full_name is None else change.full_name
        born = cur.birth_date if change.birth_date is None else change.birth_date
        region = cur.region if change.region is None else change.region.strip().upper()
        joined = cur.joined if change.joined is None else change.joined
        signed = cur.signature if change.signature is None else change.signature
        h = content_hash(row_content(name, born, iin_hash, region, joined, signed,
                                     change.withdraw))
        verdict = classify(VersionHead(cur.version, cur.content_hash, cur.submitted_by,
                                       cur.submitted_at),
                           Submission(h, correction=True, corrects=change.corrects),
                           slot=f"row {change.row_no} of party {party}", what="member row")
        if isinstance(verdict, Unchanged):
            return cur
        reason = check_reason(True, change.reason, "member row")
        cols = MemberColumns((cur.source_line,), (name,), (born,), (iin or "",), (region,),
                             (joined,), (signed,))
        found = [f.as_dict() for f in own_findings(cols, [iin_hash], app.submitted_on)
                 if iin is not None or f.field != "iin"]
        if iin is None:  # the IIN is unchanged: so are its findings
            found += [f for f in cur.findings if f["field"] == "iin"]
        row = repo.MemberRow(
            party, change.row_no, cur.version + 1, cur.source_line, name, born, iin_hash,
            cur.iin_last4 if iin is None else iin[-4:], privacy.key_id(key), region, joined,
            signed, change.withdraw, tuple(found), h, reason, by, now)
        repo.insert_members(conn, [row])
        party_record.append_list(
            conn, saylau, party, by, f"row {change.row_no} "
            + ("withdrawn" if change.withdraw else f"corrected to version {row.version}"))
    return row


def own_findings(cols: MemberColumns, hashes: Sequence[str], submitted_on: str
                 ) -> list[RowFinding]:
    """A row's findings that stay with its version: all but the duplicates, which depend on
    the list's other rows and are found again at every decision (decisions.py)."""
    return [f for f in check_list(cols, hashes, frozenset(regions()),
                                  date.fromisoformat(submitted_on))
            if f.code != "iin.duplicate"]


def import_barred(saylau: Saylau, entries: Sequence[tuple[str, str]], by: ActorId,
                  withdraw: bool = False) -> int:
    """The central commission's register of those barred from party membership (IIN,
    category; docs/law.md §11.2), added (or withdrawn) line by line; every IIN must be valid
    and every category known, or nothing is stored."""
    from saylau.domain.parties.iin import problem, shown

    key = key_of(saylau)
    kid = privacy.key_id(key)
    cats = {c.value for c in BarredCategory}
    bad = []
    for n, (iin, cat) in enumerate(entries, start=1):
        if problem(iin.strip()) is not None:
            bad.append({"line": n, "field": "iin", "expected": "a valid IIN",
                        "actual": shown(iin.strip()), "message": f"entry {n}: not a valid IIN"})
        if cat not in cats:
            bad.append({"line": n, "field": "category", "expected": sorted(cats),
                        "actual": cat, "message": f"entry {n}: unknown category {cat!r}"})
    if bad:
        from saylau.domain.parties.member_file import refuse

        raise refuse(f"{len(bad)} problem(s) in the barred register; nothing was stored", bad)
    now = saylau.clock().isoformat()
    rows = [repo.BarredRow(privacy.iin_hash(key, iin.strip()), iin.strip()[-4:], kid, cat,
                           withdraw, by, now) for iin, cat in entries]
    with saylau.write() as conn:
        repo.insert_barred(conn, rows)
        logs.log_action(conn, saylau, logs.Action.PARTY_BARRED_IMPORTED, by,
                        entries=len(rows), withdrawn=withdraw)
    return len(rows)
