"""Create elections and their contests."""

from __future__ import annotations

import datetime
import re
from collections.abc import Mapping, Sequence

from sqlalchemy.exc import IntegrityError

from saylau.domain.contests import (
    Contest,
    ContestKind,
    Election,
    OptionKind,
    referendum_contest,
    signatures_policy,
)
from saylau.domain.districts import ElectoralDistrict
from saylau.domain.errors import Conflict, NotFound, ValidationFailed
from saylau.domain.ids import ActorId, ContestId, ElectionId
from saylau.domain.limits import MAX_ID, id_rows, refuse, text_rows
from saylau.domain.names import Names
from saylau.domain.rulesets import ruleset
from saylau.services import logs
from saylau.services.context import Saylau
from saylau.services.election_log import log_election
from saylau.store import elections as election_store

_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$")
_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def check_id(value: str, field: str) -> None:
    if not _ID.fullmatch(value):
        raise ValidationFailed(
            f"{field} {value!r} is not a valid id",
            details={"field": field, "expected": "1-64 of A-Z a-z 0-9 _ . -", "actual": value},
        )


def _check_date(value: str) -> None:
    """Election day is a real calendar date, YYYY-MM-DD (2024-13-45 is refused)."""
    try:
        ok = bool(_DATE.fullmatch(value)) and bool(datetime.date.fromisoformat(value))
    except ValueError:
        ok = False
    if not ok:
        raise ValidationFailed(
            f"date {value!r} is not a calendar date",
            details={"field": "date", "expected": "YYYY-MM-DD, a real date", "actual": value},
        )


def create_referendum(
    app: Saylau,
    *,
    election_id: str,
    name: Names,
    ruleset_name: str,
    date: str,
    question: Names,
    constitutional: bool,
    by: ActorId,
    signatures: str = "optional",
) -> tuple[Election, Contest]:
    """A referendum election with its one question, over the whole country. `signatures`:
    'required' refuses protocols without the commission's signature; 'optional' accepts them
    and the record says which are unsigned."""
    check_id(election_id, "election_id")
    contest_id = f"{election_id}.referendum"
    _check_date(date)
    rs = ruleset(ruleset_name)
    geo = app.geography()
    election = Election(ElectionId(election_id), name, rs.name, date,
                        signatures_policy(signatures))
    contest = referendum_contest(
        ContestId(contest_id), election.id, question,
        constitutional=constitutional, area=geo.root.id,
    )
    store_election(app, election, [contest], by=by)
    return election, contest


def store_election(
    app: Saylau, election: Election, contests: Sequence[Contest], *, by: ActorId,
    districts: Sequence[ElectoralDistrict] = (), params: Mapping[str, str] | None = None,
) -> None:
    """Store a new election with its districts and contests, and begin its log, in one
    transaction; an election of that id already there is a Conflict (checked, and caught again
    when a concurrent request created it in between, on PostgreSQL)."""
    check_texts(election, contests)
    exists = Conflict(f"election {election.id!r} already exists", code="election_exists",
                      details={"election": election.id})
    try:
        with app.write() as conn:
            if election_store.get_election(conn, election.id) is not None:
                raise exists
            election_store.insert_election(conn, election, by, app.clock(), params=params)
            election_store.insert_districts(conn, election.id, districts)
            for contest in contests:
                election_store.insert_contest(conn, contest)
            log_election(app, conn, election, contests, by=by,
                         signatures=election.signatures.value, params=params)
            logs.log_action(conn, app, logs.Action.ELECTION_CREATED, by,
                            election=election.id, ruleset=election.ruleset.value,
                            leaf=logs.log_size(conn, election.id) - 1)
    except IntegrityError:
        raise exists from None


def check_texts(election: Election, contests: Sequence[Contest]) -> None:
    """Every id, name and text of a new election within saylau.domain.limits, whichever entry
    it came through (API, CLI, services), every problem at once: the election's id and the
    ids made from it (a contest's id is the election's id and a suffix, and must fit the
    store's 64 characters), its date, its name, a referendum's question, each party's and
    candidate's id and name, each name on a party's list."""
    _check_date(election.date)
    rows: list[dict[str, object]] = []
    for c in contests:
        if len(c.id) > MAX_ID:
            room = MAX_ID - (len(c.id) - len(election.id))
            rows.append({"field": "election_id", "expected": f"at most {room} characters "
                         f"(its contest id {c.id[:40]}... must fit in {MAX_ID})",
                         "actual": election.id,
                         "message": f"election_id {election.id!r} is too long: its contest id "
                         f"would have {len(c.id)} characters, more than {MAX_ID}"})
            break
    for lang, text in election.name.as_dict().items():
        rows += text_rows(f"name.{lang}", text)
    for c in contests:
        if c.referendum is not None:
            for lang, text in c.referendum.question.as_dict().items():
                rows += text_rows(f"question.{lang}", text)
        what = "parties" if c.kind is ContestKind.PARTY_LIST else "candidates"
        for o in c.options:
            if o.kind is OptionKind.AGAINST_ALL or c.kind is ContestKind.REFERENDUM:
                continue
            rows += id_rows(f"{what}.id", o.id)
            for lang, text in o.name.as_dict().items():
                rows += text_rows(f"{what}.{o.id[:MAX_ID]}.name.{lang}", text)
            for k, text in enumerate(o.list_names):
                rows += text_rows(f"{what}.{o.id[:MAX_ID]}.list_names.{k}", text)
    refuse(f"election {election.id!r} cannot be created", rows)


def get_election(app: Saylau, election_id: str | None = None) -> Election:
    """The named election, or the only/latest one when no name is given."""
    with app.read() as conn:
        if election_id is not None:
            e = election_store.get_election(conn, election_id)
            if e is None:
                raise NotFound(f"no election {election_id!r}", details={"election": election_id})
            return e
        all_ = election_store.list_elections(conn)
    if not all_:
        raise NotFound("no election has been created yet", code="no_election")
    return all_[-1]


def list_elections(app: Saylau) -> list[Election]:
    with app.read() as conn:
        return election_store.list_elections(conn)


def contests(app: Saylau, election_id: str) -> list[Contest]:
    get_election(app, election_id)
    with app.read() as conn:
        return election_store.contests_of(conn, election_id)


def get_contest(app: Saylau, contest_id: str) -> Contest:
    """The contest (cached per process: a contest never changes once created)."""
    key = f"contest:{contest_id}"
    cached = app.caches.get(key)
    if isinstance(cached, Contest):
        return cached
    with app.read() as conn:
        c = election_store.get_contest(conn, contest_id)
    if c is not None:
        app.caches[key] = c
    if c is None:
        raise NotFound(f"no contest {contest_id!r}", details={"contest": contest_id})
    return c
