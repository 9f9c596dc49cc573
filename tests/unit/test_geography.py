"""Geography.build and structural_problems: the tree, its indexes, every structural problem."""

from __future__ import annotations

import numpy as np
import pytest

from saylau.domain.errors import NotFound, ValidationFailed
from saylau.domain.geography import Geography, Unit, UnitKind, structural_problems
from saylau.domain.ids import UnitId
from saylau.domain.names import Names

COUNTRY, REGION, CITY = UnitKind.COUNTRY, UnitKind.REGION, UnitKind.CITY
DISTRICT, STATION = UnitKind.DISTRICT, UnitKind.STATION


def unit(
    uid: str,
    parent: str | None,
    kind: UnitKind,
    registered: int = 0,
    *,
    abroad: bool = False,
    code: str | None = None,
) -> Unit:
    return Unit(
        id=UnitId(uid),
        parent=UnitId(parent) if parent is not None else None,
        kind=kind,
        name=Names.same(uid),
        code=code,
        registered=registered,
        abroad=abroad,
    )


def small() -> list[Unit]:
    """KZ > (KZ-71 > (D1 > S1, S2), A > S3 abroad), KZ-11 > D2 > D3 > S4."""
    return [
        unit("KZ", None, COUNTRY),
        unit("KZ-71", "KZ", CITY, code="KZ-71"),
        unit("KZ-11", "KZ", REGION, code="KZ-11"),
        unit("D1", "KZ-71", DISTRICT),
        unit("A", "KZ-71", DISTRICT),
        unit("D2", "KZ-11", DISTRICT),
        unit("S1", "D1", STATION, 100),
        unit("S2", "D1", STATION, 250),
        unit("S3", "A", STATION, 40, abroad=True),
        unit("D3", "D2", DISTRICT),
        unit("S4", "D3", STATION, 0),
    ]


def found(units: list[Unit], lines: dict[int, int] | None = None) -> set[tuple[str, str]]:
    return {(p.unit, p.field) for p in structural_problems(units, lines=lines)}


# --- a valid tree ---------------------------------------------------------------------------


def test_a_valid_tree_has_no_problems() -> None:
    assert structural_problems(small()) == []


def test_build_orders_parents_first_breadth_first_keeping_sibling_order() -> None:
    geo = Geography.build(small())
    assert [u.id for u in geo.units] == [
        "KZ", "KZ-71", "KZ-11", "D1", "A", "D2", "S1", "S2", "S3", "D3", "S4",
    ]  # fmt: skip
    for i, u in enumerate(geo.units):
        p = int(geo.parent_index[i])
        if u.parent is None:
            assert p == -1
        else:
            assert geo.units[p].id == u.parent
            assert p < i


def test_build_accepts_children_before_their_parents() -> None:
    geo = Geography.build(reversed(small()))
    assert [u.id for u in geo.units] == [
        "KZ", "KZ-11", "KZ-71", "D2", "A", "D1", "D3", "S3", "S2", "S1", "S4",
    ]  # fmt: skip
    assert set(geo.units) == set(small())


def test_build_indexes_depth_top_level_and_stations() -> None:
    geo = Geography.build(small())
    depth = {u.id: int(geo.depth[geo.index[u.id]]) for u in geo.units}
    assert depth == {
        "KZ": 0, "KZ-71": 1, "KZ-11": 1, "D1": 2, "A": 2, "D2": 2,
        "S1": 3, "S2": 3, "S3": 3, "D3": 3, "S4": 4,
    }  # fmt: skip
    assert int(geo.top_level_index[geo.index[UnitId("KZ")]]) == -1
    assert geo.top_level_of(UnitId("KZ")) is None
    assert geo.top_level_of(UnitId("S4")) == geo.unit(UnitId("KZ-11"))
    assert geo.top_level_of(UnitId("S3")) == geo.unit(UnitId("KZ-71"))
    assert geo.top_level_of(UnitId("KZ-71")) == geo.unit(UnitId("KZ-71"))
    assert geo.station_ids() == ["S1", "S2", "S3", "S4"]
    assert geo.station_indices.dtype == np.int64
    assert [u.id for u in geo.top_level()] == ["KZ-71", "KZ-11"]
    assert geo.children[UnitId("D1")] == ("S1", "S2")
    assert geo.children[UnitId("S1")] == ()


def test_lookups_and_scopes() -> None:
    geo = Geography.build(small())
    assert UnitId("S3") in geo
    assert "nope" not in geo
    with pytest.raises(NotFound) as err:
        geo.unit(UnitId("nope"))
    assert err.value.details == {"unit": "nope"}
    assert [a.id for a in geo.ancestors(UnitId("S4"))] == ["D3", "D2", "KZ-11", "KZ"]
    assert geo.is_within(UnitId("S4"), UnitId("KZ-11"))
    assert geo.is_within(UnitId("KZ-11"), UnitId("KZ-11"))
    assert not geo.is_within(UnitId("S4"), UnitId("KZ-71"))
    assert [u.id for u in geo.descendant_stations(UnitId("KZ-71"))] == ["S1", "S2", "S3"]
    assert sum(u.registered for u in geo.descendant_stations(UnitId("KZ"))) == 390


def test_geographies_compare_and_hash_by_their_units() -> None:
    a, b = Geography.build(small()), Geography.build(small())
    assert a == b
    assert hash(a) == hash(b)
    changed = [u if u.id != "S1" else unit("S1", "D1", STATION, 101) for u in small()]
    assert a != Geography.build(changed)
    assert a != "not a geography"


# --- every structural problem ----------------------------------------------------------------


def replace(units: list[Unit], uid: str, new: Unit) -> list[Unit]:
    return [new if u.id == uid else u for u in units]


@pytest.mark.parametrize(
    ("units", "expected"),
    [
        pytest.param(
            [*small(), unit("S9", "D404", STATION, 5)], {("S9", "parent")}, id="unknown parent"
        ),
        pytest.param([*small(), unit("S1", "D1", STATION, 7)], {("S1", "id")}, id="duplicate id"),
        pytest.param(
            replace(small(), "S2", unit("S2", "D1", STATION, -1)),
            {("S2", "registered")},
            id="negative count",
        ),
        pytest.param(
            [*small(), unit("S5", "S1", STATION, 5)], {("S5", "parent")}, id="station as parent"
        ),
        pytest.param(
            replace(small(), "D1", unit("D1", "KZ-71", DISTRICT, 10)),
            {("D1", "registered")},
            id="list on a district",
        ),
        pytest.param(
            replace(small(), "A", unit("A", "KZ-71", DISTRICT, abroad=True)),
            {("A", "abroad")},
            id="district abroad",
        ),
        pytest.param(
            [*small(), unit("D9", "KZ", DISTRICT)], {("D9", "kind")}, id="district under country"
        ),
        pytest.param(
            [*small(), unit("S9", "KZ", STATION, 3)], {("S9", "kind")}, id="station under country"
        ),
        pytest.param(
            [*small(), unit("R9", "D2", REGION, code="KZ-99")],
            {("R9", "kind")},
            id="region below a district",
        ),
        pytest.param(
            [*small(), unit("KZ2", "D2", COUNTRY)], {("KZ2", "kind")}, id="country with a parent"
        ),
        pytest.param(
            replace(small(), "KZ", unit("KZ", None, REGION, code="KZ-00")),
            {("KZ", "kind")},
            id="root not a country",
        ),
        pytest.param([*small(), unit("XX", None, COUNTRY)], {("XX", "parent")}, id="two roots"),
        pytest.param(
            replace(small(), "KZ", unit("KZ", "KZ-71", COUNTRY)),
            {
                ("", "parent"),  # no unit without a parent
                ("KZ", "kind"),  # a country with a parent
                ("KZ", "parent"),  # on the cycle KZ -> KZ-71 -> KZ
                ("KZ-71", "parent"),
                ("KZ-71", "kind"),  # top-level kinds, but KZ is no longer the root
                ("KZ-11", "kind"),
            },
            id="no root (country in a cycle)",
        ),
    ],
)
def test_each_structural_problem_is_found(
    units: list[Unit], expected: set[tuple[str, str]]
) -> None:
    assert found(units) == expected


def test_a_cycle_names_every_unit_on_it_and_not_the_units_hanging_from_it() -> None:
    units = [
        *small(),
        unit("C1", "C2", DISTRICT),
        unit("C2", "C3", DISTRICT),
        unit("C3", "C1", DISTRICT),
        unit("S7", "C1", STATION, 9),  # hangs from the cycle, is not on it
        unit("L", "L", DISTRICT),  # its own parent
    ]
    problems = structural_problems(units)
    assert {(p.unit, p.field) for p in problems} == {
        ("C1", "parent"),
        ("C2", "parent"),
        ("C3", "parent"),
        ("L", "parent"),
    }
    c1 = next(p for p in problems if p.unit == "C1")
    assert c1.actual == "C1 -> C2 -> C3 -> C1"
    assert "cycle" in c1.message
    assert next(p for p in problems if p.unit == "L").actual == "L -> L"


def test_problems_carry_lines_field_expected_actual_and_are_sorted_by_line() -> None:
    units = [*small(), unit("S9", "D404", STATION, -4), unit("S1", "D1", STATION, 1)]
    lines = {i: i + 2 for i in range(len(units))}  # header on line 1
    problems = structural_problems(units, lines=lines)
    assert [(p.line, p.unit, p.field) for p in problems] == [
        (13, "S9", "parent"),
        (13, "S9", "registered"),
        (14, "S1", "id"),
    ]
    negative = problems[1]
    assert (negative.expected, negative.actual) == ("a non-negative integer", "-4")
    assert "-4" in negative.message
    assert "line 8" in problems[2].message  # where S1 first appeared
    assert problems[0].as_dict() == {
        "line": 13,
        "unit": "S9",
        "field": "parent",
        "expected": "the id of a unit in the file",
        "actual": "D404",
        "message": "unit 'S9' names an unknown parent 'D404'",
    }


def test_two_roots_name_the_second_root_and_the_first() -> None:
    units = [*small(), unit("XX", None, COUNTRY)]
    (problem,) = structural_problems(units, lines={i: i + 2 for i in range(len(units))})
    assert problem.line == 13
    assert "'KZ' (line 2) is already the root" in problem.message


def test_build_refuses_a_bad_tree_listing_every_problem() -> None:
    units = [
        *small(),
        unit("S9", "D404", STATION, 5),
        unit("S1", "D1", STATION, 7),
        unit("S8", "D1", STATION, -2),
    ]
    with pytest.raises(ValidationFailed) as err:
        Geography.build(units)
    assert err.value.code == "geography_invalid"
    got = {(p["unit"], p["field"]) for p in err.value.details["problems"]}
    assert got == {("S9", "parent"), ("S1", "id"), ("S8", "registered")}
    assert "3 problem(s)" in err.value.message


def test_an_empty_geography_has_no_root() -> None:
    (problem,) = structural_problems([])
    assert (problem.field, problem.actual, problem.line) == ("parent", "0", None)
