"""Every problem of a list of units at once: structure (one root, parents, kinds, cycles) and
limits."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from saylau.domain.geography.units import TOP_LEVEL_KINDS, GeographyProblem, Unit, UnitKind
from saylau.domain.ids import UnitId
from saylau.domain.limits import (
    EXPECTED_ID,
    EXPECTED_TEXT,
    MAX_ID,
    MAX_TEXT,
    id_problem,
    text_problem,
)


def structural_problems(
    units: Sequence[Unit], lines: Mapping[int, int] | None = None
) -> list[GeographyProblem]:
    """Every structural problem of `units`, all at once (never the first only).

    Checks: exactly one root, and it is the country (kind `country` nowhere else); ids
    unique; every parent exists; no cycles (every unit on a cycle is named); stations are
    leaves with a non-negative voter list; non-stations have no list and are not abroad;
    the children of the root are exactly the top-level units (regions or cities), and
    regions and cities appear nowhere else. `lines` maps a unit's index in `units` to its
    input line, so problems name the line. Problems are sorted by line.
    """
    problems: list[GeographyProblem] = []
    add = problems.append

    def line_of(i: int) -> int | None:
        return None if lines is None else lines.get(i)


    def at(i: int) -> str:
        line = line_of(i)
        return f"line {line}" if line is not None else f"position {i + 1}"

    first_index: dict[UnitId, int] = {}
    for i, u in enumerate(units):
        if u.id in first_index:
            add(
                GeographyProblem(
                    u.id, "id", "a unique id", u.id,
                    f"duplicate unit id {u.id!r} (first at {at(first_index[u.id])})",
                    line_of(i),
                )
            )
        else:
            first_index[u.id] = i
    roots = [i for i, u in enumerate(units) if u.parent is None]
    if not roots:
        add(
            GeographyProblem(
                "", "parent", "exactly one unit without a parent (the country)", "0",
                "found no unit without a parent: the country is missing", None,
            )
        )
    for i in roots[1:]:
        r = roots[0]
        add(
            GeographyProblem(
                units[i].id, "parent", "exactly one unit without a parent (the country)",
                str(len(roots)),
                f"unit {units[i].id!r} has no parent, but {units[r].id!r} ({at(r)}) is "
                f"already the root; only the country has no parent",
                line_of(i),
            )
        )
    # With duplicate ids, the first unit of that id is the one parents refer to.
    by_id = {uid: units[i] for uid, i in first_index.items()}
    station, country = UnitKind.STATION, UnitKind.COUNTRY
    for i, u in enumerate(units):
        kind, parent_id = u.kind, u.parent
        parent = None if parent_id is None else by_id.get(parent_id)
        if (  # the common case: a station under a district, or a district under a unit
            parent is not None
            and parent.parent is not None
            and parent.kind is not station
            and (kind is station or kind is UnitKind.DISTRICT)
            and u.registered >= 0
            and (kind is station or (u.registered == 0 and not u.abroad))
        ):
            continue
        if parent_id is None and kind is not country:
            add(
                GeographyProblem(
                    u.id, "kind", "country (the unit without a parent)", str(kind),
                    f"unit {u.id!r} has no parent, so it must be the country, not a {kind}",
                    line_of(i),
                )
            )
        if parent_id is not None and kind is country:
            add(
                GeographyProblem(
                    u.id, "kind", "a kind other than country (only the root is the country)",
                    str(kind), f"unit {u.id!r} is a country but has parent {parent_id!r}",
                    line_of(i),
                )
            )
        if parent_id is not None and parent is None:
            add(
                GeographyProblem(
                    u.id, "parent", "the id of a unit in the file", parent_id,
                    f"unit {u.id!r} names an unknown parent {parent_id!r}", line_of(i),
                )
            )
        if u.registered < 0:
            add(
                GeographyProblem(
                    u.id, "registered", "a non-negative integer", str(u.registered),
                    f"unit {u.id!r} has a negative voter count {u.registered}", line_of(i),
                )
            )
        if kind is not station and u.registered != 0:
            add(
                GeographyProblem(
                    u.id, "registered", "0 (only stations have voter lists)",
                    str(u.registered), f"unit {u.id!r} is a {kind} but has a voter list",
                    line_of(i),
                )
            )
        if u.abroad and kind is not station:
            add(
                GeographyProblem(
                    u.id, "abroad", "false for units that are not stations", "true",
                    f"unit {u.id!r} is a {kind}; only stations can be abroad", line_of(i),
                )
            )
        if parent is None:
            continue
        if parent.kind is station:
            add(
                GeographyProblem(
                    u.id, "parent", "a unit that is not a station", parent.id,
                    f"unit {u.id!r} has station {parent.id!r} as its parent", line_of(i),
                )
            )
        under_root = parent.parent is None
        if under_root and kind not in TOP_LEVEL_KINDS:
            add(
                GeographyProblem(
                    u.id, "kind", "region or city (children of the country are top-level)",
                    str(kind), f"unit {u.id!r} sits directly under the country", line_of(i),
                )
            )
        if not under_root and kind in TOP_LEVEL_KINDS:
            add(
                GeographyProblem(
                    u.id, "kind", "district or station (below a top-level unit)", str(kind),
                    f"unit {u.id!r} is a {kind}, a top-level kind, but its parent "
                    f"{parent.id!r} is not the country",
                    line_of(i),
                )
            )
    # cycles: walk up from each unit; every unit found on a loop is reported once
    done: set[UnitId] = set()  # units whose chain of parents is known to end
    for u in units:
        if u.id in done:
            continue
        if u.parent is None or u.parent in done or u.parent not in by_id:
            done.add(u.id)
            continue
        path: list[UnitId] = []
        on_path: dict[UnitId, int] = {}
        cur: Unit | None = u
        loop_start: int | None = None
        while cur is not None and cur.id not in done:
            if cur.id in on_path:
                loop_start = on_path[cur.id]
                break
            on_path[cur.id] = len(path)
            path.append(cur.id)
            cur = by_id.get(cur.parent) if cur.parent is not None else None
        done.update(path)
        if loop_start is not None:
            loop = path[loop_start:]
            chain = " -> ".join([*loop, loop[0]])
            for uid in loop:
                add(
                    GeographyProblem(
                        uid, "parent", "a chain of parents that ends at the country", chain,
                        f"unit {uid!r} is part of a cycle of parents: {chain}",
                        line_of(first_index[uid]),
                    )
                )
    problems.sort(key=lambda p: (p.line if p.line is not None else -1, p.field))
    return problems


def limit_problems(
    units: Sequence[Unit], lines: Mapping[int, int] | None = None
) -> list[GeographyProblem]:
    """Ids and names that break saylau.domain.limits: an id of more than MAX_ID characters,
    with a '/' (a unit's pages could not be reached) or a control character; a name of more
    than MAX_TEXT characters, with a NUL or a lone surrogate. `lines` as for
    `structural_problems`. Checked where units enter (the CSV reader, the service that stores
    a geography), not by `Geography.build`, which also rebuilds a stored geography at every
    start. All units are checked at once first (a million in under a second); only when
    something is wrong, unit by unit for the messages."""
    ids = [u.id for u in units]
    all_names = [u.name for u in units]
    names = [n.kk for n in all_names] + [n.ru for n in all_names] + [n.en for n in all_names]
    joined_ids = " ".join(ids)
    joined_names = "\n".join(names)
    fine = (
        (not ids or (min(map(len, ids)) > 0 and max(map(len, ids)) <= MAX_ID))
        and "/" not in joined_ids and joined_ids.isprintable()
        and (not names or max(map(len, names)) <= MAX_TEXT)
        and text_problem(joined_names, len(joined_names)) is None
    )
    if fine:
        return []

    def line_of(i: int) -> int | None:
        return None if lines is None else lines.get(i)

    found: list[GeographyProblem] = []
    for i, u in enumerate(units):
        why = id_problem(u.id)
        if why is not None:
            found.append(GeographyProblem(u.id, "id", EXPECTED_ID, _shown(u.id),
                                          f"unit id {_shown(u.id)!r} {why}", line_of(i)))
        for lang, text in (("kk", u.name.kk), ("ru", u.name.ru), ("en", u.name.en)):
            why = text_problem(text)
            if why is not None:
                found.append(GeographyProblem(
                    u.id, f"name_{lang}", EXPECTED_TEXT, _shown(text),
                    f"the {lang} name of unit {_shown(u.id)!r} {why}", line_of(i)))
    return found


def _shown(text: str) -> str:
    return text if len(text) <= 60 else f"{text[:59]}… ({len(text):,} characters)"
