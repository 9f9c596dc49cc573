"""The geography's snapshot (issue 16, the start at a million stations): written with the
geography, what a new process builds its geography from, and made again from the units'
rows when it is missing or its bytes do not match their hash."""

from __future__ import annotations

from sqlalchemy import delete, select, update

from saylau.domain.geography.columns import _Units
from saylau.services.context import Saylau
from saylau.store import snapshots
from saylau.store import tables as t
from tests.conftest import small_country


def _fresh(app: Saylau) -> Saylau:
    """Another process on the same store: nothing cached."""
    return Saylau(app.engine)


def _stored(app: Saylau) -> tuple[int, str] | None:
    with app.read() as conn:
        row = conn.execute(select(t.snapshots.c.covers, t.snapshots.c.sha256)
                           .where(t.snapshots.c.name == snapshots.GEOGRAPHY)).first()
    return None if row is None else (int(row.covers), row.sha256)


def test_the_geography_is_loaded_with_its_snapshot_and_built_from_it(
        referendum: tuple[Saylau, str]) -> None:
    app, _ = referendum
    stored = _stored(app)
    assert stored is not None and stored[0] == len(small_country().units)
    geo = _fresh(app).geography()
    assert isinstance(geo.units, _Units)  # made from the snapshot, not from the rows
    assert geo == small_country()
    assert list(geo.units) == list(small_country().units)


def test_a_missing_or_damaged_snapshot_is_made_again_from_the_rows(
        referendum: tuple[Saylau, str]) -> None:
    app, _ = referendum
    good = _stored(app)
    with app.engine.begin() as conn:
        conn.execute(update(t.snapshots).values(data=b"not what was hashed"))
    geo = _fresh(app).geography()
    assert isinstance(geo.units, tuple)  # built from the rows: the damaged bytes not used
    assert geo == small_country()
    assert _stored(app) == good  # and written again, the same bytes
    with app.engine.begin() as conn:  # bytes of another format, their hash right
        snapshots.write(conn, snapshots.GEOGRAPHY, good[0] if good else 0, b"PK old layout")
    assert isinstance(_fresh(app).geography().units, tuple)
    assert _stored(app) == good
    with app.engine.begin() as conn:
        conn.execute(delete(t.snapshots))
    assert _fresh(app).geography() == small_country()
    assert _stored(app) == good
    assert isinstance(_fresh(app).geography().units, _Units)
