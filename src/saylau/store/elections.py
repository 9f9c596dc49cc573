"""Elections, their electoral districts and contests: rows to domain values and back. Never
commits (the service owns the transaction)."""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, insert, select, update

from saylau.domain.contests import (
    Contest,
    ContestKind,
    Election,
    Option,
    OptionKind,
    ReferendumTerms,
    Signatures,
)
from saylau.domain.districts import ElectoralDistrict
from saylau.domain.ids import ActorId, ContestId, ElectionId, OptionId, StationId, UnitId
from saylau.domain.rulesets import RulesetName
from saylau.store import tables as t
from saylau.store.geography import names_of


def insert_election(
    conn: Connection, e: Election, by: ActorId, at: datetime,
    params: Mapping[str, str] | None = None,
) -> None:
    conn.execute(
        insert(t.elections).values(
            id=e.id, name_kk=e.name.kk, name_ru=e.name.ru, name_en=e.name.en,
            ruleset=e.ruleset.value, date=e.date, created_by=by, created_at=at.isoformat(),
            params=json.dumps(dict(params), sort_keys=True) if params else None,
            signatures=e.signatures.value,
        )
    )


def insert_districts(conn: Connection, election: str, ds: Sequence[ElectoralDistrict]) -> None:
    if not ds:
        return
    conn.execute(insert(t.electoral_districts), [
        {"id": d.id, "election_id": election, "number": d.number, "name_kk": d.name.kk,
         "name_ru": d.name.ru, "name_en": d.name.en, "unit": d.unit} for d in ds
    ])
    conn.execute(insert(t.district_stations), [
        {"election_id": election, "district_id": d.id, "station_id": s}
        for d in ds for s in sorted(d.stations)
    ])


def load_districts(conn: Connection, election: str) -> list[ElectoralDistrict]:
    ed, dst = t.electoral_districts, t.district_stations
    members: dict[str, set[StationId]] = {}
    for did, sid in conn.execute(
        select(dst.c.district_id, dst.c.station_id).where(dst.c.election_id == election)
    ):
        members.setdefault(did, set()).add(StationId(UnitId(sid)))
    rows = conn.execute(
        select(ed).where(ed.c.election_id == election).order_by(ed.c.number)
    ).mappings()
    return [
        ElectoralDistrict(id=r["id"], number=int(r["number"]), name=names_of(r),
                          unit=UnitId(r["unit"]), stations=frozenset(members.get(r["id"], ())))
        for r in rows
    ]


def insert_contest(conn: Connection, c: Contest) -> None:
    conn.execute(
        insert(t.contests).values(
            id=c.id, election_id=c.election, kind=c.kind.value, name_kk=c.name.kk,
            name_ru=c.name.ru, name_en=c.name.en, area=c.area,
            constitutional=None if c.referendum is None else c.referendum.constitutional,
            district_id=None if c.district is None else c.district.id,
        )
    )
    conn.execute(
        insert(t.options),
        [
            {
                "contest_id": c.id, "id": o.id, "position": k, "kind": o.kind.value,
                "name_kk": o.name.kk, "name_ru": o.name.ru, "name_en": o.name.en,
                "registration_order": o.registration_order, "party": o.party,
                "list_names": json.dumps(list(o.list_names), ensure_ascii=False)
                if o.list_names else None,
            }
            for k, o in enumerate(c.options)
        ],
    )


def _election(r: Any) -> Election:
    return Election(
        id=ElectionId(r["id"]), name=names_of(r), ruleset=RulesetName(r["ruleset"]),
        date=r["date"], signatures=Signatures(r["signatures"]),
    )


def get_election(conn: Connection, election_id: str) -> Election | None:
    r = conn.execute(select(t.elections).where(t.elections.c.id == election_id)).mappings().first()
    return None if r is None else _election(r)


def list_elections(conn: Connection) -> list[Election]:
    rows = conn.execute(
        select(t.elections).order_by(t.elections.c.created_at, t.elections.c.id)
    ).mappings()
    return [_election(r) for r in rows]


def _contest(conn: Connection, r: Any) -> Contest:
    opts = conn.execute(
        select(t.options).where(t.options.c.contest_id == r["id"]).order_by(t.options.c.position)
    ).mappings()
    kind = ContestKind(r["kind"])
    name = names_of(r)
    return Contest(
        id=ContestId(r["id"]),
        election=ElectionId(r["election_id"]),
        kind=kind,
        name=name,
        area=UnitId(r["area"]),
        options=tuple(
            Option(OptionId(o["id"]), names_of(o), OptionKind(o["kind"]), o["registration_order"],
                   party=None if o["party"] is None else OptionId(o["party"]),
                   list_names=tuple(json.loads(o["list_names"])) if o["list_names"] else ())
            for o in opts
        ),
        referendum=ReferendumTerms(name, bool(r["constitutional"]))
        if kind is ContestKind.REFERENDUM
        else None,
        district=_district(conn, r["election_id"], r["district_id"]),
    )


def _district(conn: Connection, election: str, district_id: str | None) -> (
        ElectoralDistrict | None):
    if district_id is None:
        return None
    for d in load_districts(conn, election):
        if d.id == district_id:
            return d
    return None


def get_contest(conn: Connection, contest_id: str) -> Contest | None:
    r = conn.execute(select(t.contests).where(t.contests.c.id == contest_id)).mappings().first()
    return None if r is None else _contest(conn, r)


def contests_of(conn: Connection, election_id: str) -> list[Contest]:
    rows = conn.execute(
        select(t.contests).where(t.contests.c.election_id == election_id).order_by(t.contests.c.id)
    ).mappings().all()
    return [_contest(conn, r) for r in rows]


def election_exists(conn: Connection, election_id: str) -> bool:
    e = t.elections
    return conn.execute(select(e.c.id).where(e.c.id == election_id)).first() is not None


def election_ids(conn: Connection) -> list[str]:
    """Every election's id, in id order."""
    return [str(i) for i in conn.execute(select(t.elections.c.id).order_by(t.elections.c.id))
            .scalars()]


def election_params(conn: Connection, election_id: str) -> dict[str, str]:
    """The parameters an election was created with (the generic ruleset's seats, ...)."""
    e = t.elections
    raw = conn.execute(select(e.c.params).where(e.c.id == election_id)).scalar()
    if raw is None:
        return {}
    params: dict[str, str] = json.loads(raw)
    return params


def signatures_rule(conn: Connection, election_id: str) -> str | None:
    """The election's stored signatures policy ('required' | 'optional'), None when unset."""
    e = t.elections
    v = conn.execute(select(e.c.signatures).where(e.c.id == election_id)).scalar()
    return None if v is None else str(v)


def set_signatures_rule(conn: Connection, election_id: str, rule: str) -> None:
    e = t.elections
    conn.execute(update(e).where(e.c.id == election_id).values(signatures=rule))
