"""The ministry's decision on an application, the conflicts between lists, the register.

A decision re-runs the checks that depend on other rows at the moment it is taken (duplicates
within the list, one party per citizen against every registered or applying party, the barred
register under the ruleset), adds each row's own findings (kept with its version), counts the
valid members per region and applies domain/parties/rules.py: under the application's ruleset
(recorded as the next event) and, side by side, under any other ruleset asked for.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import Connection

from saylau.domain.errors import NotFound
from saylau.domain.ids import ActorId
from saylau.domain.parties.lifecycle import MEMBERSHIP_HOLDS, PartyStatus, step
from saylau.domain.parties.members import (
    CONFLICT_RULE,
    BarredCategory,
    ListHashes,
    cross_check,
    duplicates,
    standing,
)
from saylau.domain.parties.rules import (
    Application,
    Decision,
    Readings,
    RegistrationDecision,
    decide,
    rules_of,
)
from saylau.domain.protocols.values import Severity
from saylau.services import logs
from saylau.services.context import Saylau
from saylau.services.parties import record as party_record
from saylau.services.parties.register import regions, status_of
from saylau.store import parties as repo


@dataclass(frozen=True, slots=True)
class RowResult:
    row_no: int
    source_line: int
    last4: str
    region: str
    findings: tuple[dict[str, Any], ...]

    @property
    def valid(self) -> bool:
        return not any(f["severity"] == Severity.ERROR.value for f in self.findings)


@dataclass(frozen=True, slots=True)
class DecisionReport:
    party: str
    recorded: RegistrationDecision | None
    """The decision under the application's ruleset (None when only compared)."""
    decisions: tuple[RegistrationDecision, ...]
    """One per ruleset asked for, the application's first."""
    members_by_region: dict[str, dict[str, int]]
    """ruleset -> region -> valid members."""
    rows: tuple[RowResult, ...]
    """The application's ruleset's row results (the party's own rows: not public)."""

    def public(self) -> dict[str, Any]:
        """What anyone may see: the decisions and the counts, no row."""
        return {"party": self.party, "conflict_rule": CONFLICT_RULE,
                "decisions": [d.as_dict() for d in self.decisions],
                "members_by_region": self.members_by_region}


def _statuses(conn: Connection) -> dict[str, PartyStatus]:
    by: dict[str, list[repo.EventRow]] = {}
    for e in repo.events(conn):
        by.setdefault(e.party, []).append(e)
    return {p: status_of(es) for p, es in by.items()}


def _lists(conn: Connection, party: str, statuses: dict[str, PartyStatus]
           ) -> tuple[dict[str, ListHashes], list[repo.MemberRow]]:
    holding = [p for p, s in statuses.items() if s in MEMBERSHIP_HOLDS or p == party]
    current = repo.current_members(conn, holding)
    lists: dict[str, ListHashes] = {}
    own: list[repo.MemberRow] = []
    for p, rows in current.items():
        live = [(m, first) for m, first in rows if not m.withdrawn]
        lists[p] = ListHashes(tuple(m.row_no for m, _ in live),
                              tuple(m.iin_hash for m, _ in live),
                              tuple(first for _, first in live),
                              tuple(m.iin_last4 for m, _ in live))
        if p == party:
            own = [m for m, _ in live]
    lists.setdefault(party, ListHashes((), (), (), ()))
    return lists, own


def _rows(party: str, ruleset: str, lists: dict[str, ListHashes], own: list[repo.MemberRow],
          barred: dict[str, BarredCategory], stands: Any) -> list[RowResult]:
    mine = lists[party]
    found: dict[int, list[dict[str, Any]]] = {m.row_no: list(m.findings) for m in own}
    for f in duplicates(mine.lines, mine.hashes, mine.last4):
        found[f.line].append(f.as_dict())
    for f in cross_check(party, lists, barred, rules_of(ruleset).ruleset, stands):
        found[f.line].append(f.as_dict())
    return [RowResult(m.row_no, m.source_line, m.iin_last4, m.region, tuple(found[m.row_no]))
            for m in own]


def _application(a: repo.ApplicationRow, rows: Sequence[RowResult]) -> Application:
    counts: dict[str, int] = {}
    for r in rows:
        if r.valid:
            counts[r.region] = counts.get(r.region, 0) + 1
    return Application(
        a.id, None if a.initiative_formed is None else date.fromisoformat(a.initiative_formed),
        a.founders, frozenset(a.founder_regions),
        None if a.congress_held is None else date.fromisoformat(a.congress_held), counts)


def decide_party(saylau: Saylau, party: str, by: ActorId, *,
                 rulesets: Sequence[str] = (), readings: Readings | None = None,
                 record: bool = True) -> DecisionReport:
    """The decision on `party`'s application under its ruleset (recorded as the next event
    when `record`: registered or refused; an incomplete application stays where it is, with
    the decision noted) and under each of `rulesets` beside it."""
    readings = readings or Readings()
    for name in rulesets:
        rules_of(name)
    with saylau.write() as conn:
        app = repo.application(conn, party)
        if app is None:
            raise NotFound(f"no party application {party!r}", code="party_not_found",
                           details={"field": "party", "actual": party})
        statuses = _statuses(conn)
        lists, own = _lists(conn, party, statuses)
        barred = {h: BarredCategory(c) for h, c in repo.barred(conn).items()}
        stands = standing(lists)
        names = [app.ruleset, *[r for r in rulesets if r != app.ruleset]]
        decisions: list[RegistrationDecision] = []
        counts: dict[str, dict[str, int]] = {}
        first_rows: list[RowResult] = []
        for name in names:
            rows = _rows(party, name, lists, own, barred, stands)
            a = _application(app, rows)
            d = decide(a, name, regions(), readings)
            decisions.append(d)
            counts[name] = dict(sorted(a.members_by_region.items()))
            if not first_rows:
                first_rows = rows
        recorded = decisions[0]
        report = DecisionReport(party, recorded if record else None, tuple(decisions),
                                counts, tuple(first_rows))
        if record:
            current = statuses.get(party, PartyStatus.SUBMITTED)
            if recorded.decision is Decision.INCOMPLETE:
                to = current
            else:
                to = step(party, current, PartyStatus.REGISTERED
                          if recorded.decision is Decision.REGISTERED else PartyStatus.REFUSED)
            repo.insert_event(conn, party, to.value, by, saylau.clock().isoformat(),
                              decision=report.public(), reason=recorded.decision.value)
            party_record.append_decision(conn, saylau, party, to.value, readings, regions(),
                                         counts, decisions, by)
            logs.log_action(conn, saylau, logs.Action.PARTY_DECIDED, by, party=party,
                            ruleset=recorded.ruleset.value, decision=recorded.decision.value,
                            failed=[c.code for c in recorded.failed],
                            members_by_region=counts[recorded.ruleset.value])
    return report


def liquidate(saylau: Saylau, party: str, reason: str, by: ActorId) -> None:
    """A registered party liquidated by the ministry's decision (docs/law.md §10.2: its
    grounds are UNVERIFIED; the reason is recorded as given)."""
    if not reason.strip():
        from saylau.domain.errors import ValidationFailed

        raise ValidationFailed("a liquidation says why", code="reason_missing",
                               details={"field": "reason", "expected": "a reason",
                                        "actual": reason})
    with saylau.write() as conn:
        statuses = _statuses(conn)
        if party not in statuses:
            raise NotFound(f"no party application {party!r}", code="party_not_found",
                           details={"field": "party", "actual": party})
        to = step(party, statuses[party], PartyStatus.LIQUIDATED)
        repo.insert_event(conn, party, to.value, by, saylau.clock().isoformat(),
                          reason=reason.strip())
        party_record.append_liquidation(conn, saylau, party, reason.strip(), by)
        logs.log_action(conn, saylau, logs.Action.PARTY_LIQUIDATED, by, party=party,
                        reason=reason.strip())


# --- reading -----------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class RegisterEntry:
    id: str
    names: tuple[str, str, str]
    ruleset: str
    status: str
    submitted_on: str
    decision: dict[str, Any] | None
    """The latest recorded decision's public part (decisions, counts), if any."""

    def as_dict(self) -> dict[str, Any]:
        return {"id": self.id, "name": dict(zip(("kk", "ru", "en"), self.names, strict=True)),
                "ruleset": self.ruleset, "status": self.status,
                "submitted_on": self.submitted_on, "decision": self.decision}


def register(saylau: Saylau) -> list[RegisterEntry]:
    """Every application with its status and its latest decision (public: no row)."""
    with saylau.read() as conn:
        apps = repo.applications(conn)
        evs = repo.events(conn)
    by: dict[str, list[repo.EventRow]] = {}
    for e in evs:
        by.setdefault(e.party, []).append(e)
    out = []
    for a in apps:
        es = by.get(a.id, [])
        decided = [e.decision for e in es if e.decision is not None]
        out.append(RegisterEntry(a.id, a.names, a.ruleset, status_of(es).value,
                                 a.submitted_on, decided[-1] if decided else None))
    return out


def registered_parties(saylau: Saylau) -> tuple[set[str], bool]:
    """The ids of the parties registered now, and whether the register holds any application
    at all (a store that never used it accepts any party; services/elections says so)."""
    entries = register(saylau)
    return {e.id for e in entries if e.status == PartyStatus.REGISTERED.value}, bool(entries)


def party_rows(saylau: Saylau, party: str) -> list[dict[str, Any]]:
    """A party's rows, every version, with their findings (the party's own view: names, last
    four digits of IINs, never an IIN)."""
    with saylau.read() as conn:
        if repo.application(conn, party) is None:
            raise NotFound(f"no party application {party!r}", code="party_not_found",
                           details={"field": "party", "actual": party})
        versions = repo.member_versions(conn, party)
    return [{"row_no": m.row_no, "version": m.version, "source_line": m.source_line,
             "full_name": m.full_name, "birth_date": m.birth_date, "iin_last4": m.iin_last4,
             "region": m.region, "joined": m.joined, "signature": m.signature,
             "withdrawn": m.withdrawn, "findings": list(m.findings), "reason": m.reason,
             "submitted_by": m.submitted_by, "submitted_at": m.submitted_at}
            for m in versions]


@dataclass(frozen=True, slots=True)
class ConflictEntry:
    last4: str
    stands: str
    """The party whose membership stands (received first)."""
    rows: tuple[tuple[str, int], ...]
    """(party, row number) of every current row listing the person."""

    def as_dict(self) -> dict[str, Any]:
        return {"iin_last4": self.last4, "stands": self.stands,
                "rows": [{"party": p, "row_no": r} for p, r in self.rows],
                "rule": CONFLICT_RULE}


def conflicts(saylau: Saylau, party: str | None = None) -> list[ConflictEntry]:
    """People listed by more than one registered or applying party (of `party`'s, if given):
    both sides see each conflict."""
    with saylau.read() as conn:
        statuses = _statuses(conn)
        lists, _ = _lists(conn, party or "", statuses)
    lists = {p: v for p, v in lists.items() if v.hashes}
    stands = standing(lists)
    parties = sorted(lists)
    where: dict[str, list[tuple[str, int, str, int]]] = {}
    for p in parties:
        lh = lists[p]
        for i, h in enumerate(lh.hashes):
            where.setdefault(h, []).append((p, lh.lines[i], lh.last4[i], int(stands[p][i])))
    out = []
    for seen in where.values():
        owners = {p for p, *_ in seen}
        if len(owners) < 2 or (party is not None and party not in owners):
            continue
        out.append(ConflictEntry(seen[0][2], parties[seen[0][3]],
                                 tuple((p, r) for p, r, *_ in seen)))
    return sorted(out, key=lambda c: c.rows)
