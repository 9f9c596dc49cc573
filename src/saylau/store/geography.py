"""The geography's repository: units as rows and back. Never commits (the service owns the
transaction)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import Connection, func, insert, select

from saylau.domain.geography import Unit, UnitKind
from saylau.domain.ids import UnitId
from saylau.domain.names import Names
from saylau.store import tables as t


def names_of(row: Any, prefix: str = "name") -> Names:
    """A row's three names (`name_kk`, `name_ru`, `name_en`) as one value."""
    return Names(kk=row[f"{prefix}_kk"], ru=row[f"{prefix}_ru"], en=row[f"{prefix}_en"])


def unit_count(conn: Connection) -> int:
    """How many units are loaded: the last position + 1 (positions are 0..n-1, written in
    one transaction), read from the position's unique index instead of counting a million
    rows."""
    last = conn.execute(select(func.max(t.units.c.position))).scalar_one()
    return 0 if last is None else int(last) + 1


def load_units(conn: Connection) -> list[Unit]:
    rows = conn.execute(select(t.units).order_by(t.units.c.position)).mappings()
    return [
        Unit(
            id=UnitId(r["id"]),
            parent=None if r["parent"] is None else UnitId(r["parent"]),
            kind=UnitKind(r["kind"]),
            name=names_of(r),
            code=r["code"],
            registered=int(r["registered"]),
            abroad=bool(r["abroad"]),
        )
        for r in rows
    ]


def insert_units(conn: Connection, units: Sequence[Unit], batch: int = 50_000) -> None:
    for start in range(0, len(units), batch):
        conn.execute(
            insert(t.units),
            [
                {
                    "position": start + k,
                    "id": u.id,
                    "parent": u.parent,
                    "kind": u.kind.value,
                    "name_kk": u.name.kk,
                    "name_ru": u.name.ru,
                    "name_en": u.name.en,
                    "code": u.code,
                    "registered": u.registered,
                    "abroad": u.abroad,
                }
                for k, u in enumerate(units[start : start + batch])
            ],
        )
