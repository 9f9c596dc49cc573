"""The geography's snapshot (issue 16, the start at a million stations): written with the
geography, what a new process builds its geography from, and made again from the units'
rows when it is missing or its bytes do not match their hash."""

from __future__ import annotations

import pytest
from sqlalchemy import delete, select, update

from saylau.domain.geography.columns import _Units
from saylau.services.context import Saylau
from saylau.store import snapshots
from saylau.store import tables as t
from tests.conftest import small_country
from tests.integration.support import Api


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


def _totals(app: Saylau, contest: str) -> list[list[int]]:
    from saylau.services import results

    t, _cache = results.refresh(app, contest)
    return [list(map(int, r)) for r in t.totals]


def test_results_start_from_the_station_tables_snapshot_and_read_only_what_came_after(
        api: Api, monkeypatch: pytest.MonkeyPatch) -> None:
    from saylau.services import results

    monkeypatch.setattr(results, "SNAPSHOT_EVERY", 1)
    stations = [u.id for u in api.saylau.geography().stations()]
    for s in stations[:3]:
        assert api.submit(api.protocol(s)).status_code == 201
    api.results()  # the refresh that stores the table
    name = snapshots.results_name(api.contest)
    with api.saylau.read() as conn:
        snap = snapshots.read(conn, name)
    assert snap is not None and snap.covers > 0
    assert api.submit(api.protocol(stations[3])).status_code == 201  # after the snapshot
    monkeypatch.setattr(results, "SNAPSHOT_EVERY", 10**9)  # no newer snapshot from here on
    fresh = _fresh(api.saylau)
    _t, cache = results.refresh(fresh, api.contest)
    assert cache.snapshot_seq == snap.covers  # started from it ...
    assert cache.seq > snap.covers  # ... and read the protocol stored after it
    expected = _totals(_without_snapshots(api.saylau, api.contest), api.contest)
    assert _totals(fresh, api.contest) == expected
    assert cache.tally is not None and cache.tally.result(cache.contest.area).stations_reported == 4


def test_a_results_snapshot_that_does_not_fit_is_not_used(
        api: Api, monkeypatch: pytest.MonkeyPatch) -> None:
    import numpy as np

    from saylau.services import results

    stations = [u.id for u in api.saylau.geography().stations()]
    assert api.submit(api.protocol(stations[0])).status_code == 201
    expected = _totals(_without_snapshots(api.saylau, api.contest), api.contest)
    name = snapshots.results_name(api.contest)
    bad = [b"damaged", snapshots.encode_table(("yes",), np.zeros((2, 2), dtype=np.int64)),
           snapshots.encode_table(("yes", "no"), np.zeros((3, 12), dtype=np.int64))]
    for data in bad:  # not npz; other options; another geography's shape
        with api.saylau.engine.begin() as conn:
            snapshots.write(conn, name, 10**6, data)
        fresh = _fresh(api.saylau)
        _t, cache = results.refresh(fresh, api.contest)
        assert cache.snapshot_seq == 0
        assert _totals(fresh, api.contest) == expected


def _without_snapshots(app: Saylau, contest: str) -> Saylau:
    """A process whose results were read from the protocol rows alone (the results snapshots
    set aside while it reads, then put back)."""
    from saylau.services import results

    others = t.snapshots.c.name != snapshots.GEOGRAPHY
    with app.engine.begin() as conn:
        rows = conn.execute(select(t.snapshots).where(others)).all()
        conn.execute(delete(t.snapshots).where(others))
    fresh = _fresh(app)
    _t, cache = results.refresh(fresh, contest)
    assert cache.snapshot_seq == 0
    with app.engine.begin() as conn:
        conn.execute(delete(t.snapshots).where(others))
        for r in rows:
            snapshots.write(conn, r.name, r.covers, bytes(r.data))
    return fresh
