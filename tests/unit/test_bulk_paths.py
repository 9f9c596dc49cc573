"""The bulk import's column-at-once paths equal the one-protocol paths they replace.

`canonical_hashes` = `SubmittedProtocol.content_hash`, `votes_json` = `repository.votes_json`,
the clean-file parser = the row-by-row parser, and the bulk import reports bad stations exactly
as before (its fast path is only taken when every row is fine)."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from saylau.domain.access import Principal, Role
from saylau.domain.contests import NO, YES, referendum_contest
from saylau.domain.errors import ImportFailed
from saylau.domain.ids import ActorId, ContestId, ElectionId, OptionId, StationId, UnitId
from saylau.domain.names import Names
from saylau.domain.protocol_batch import canonical_hashes, votes_json
from saylau.domain.protocol_csv import _parse_rows, parse_protocols_csv
from saylau.domain.protocols import COUNT_FIELDS, ProtocolCounts, SubmittedProtocol
from saylau.services import results as results_svc
from saylau.services.context import Saylau
from saylau.services.protocols import submit_protocol
from saylau.store import protocols as repository

ODD_IDS = ['KZ-71-S1', 'a"b', "back\\slash", "Қазақ-№1", "tab\there", "100%", "", "\x7f", "nl\n"]
ids = st.one_of(st.sampled_from(ODD_IDS), st.text(max_size=12))
count = st.integers(min_value=0, max_value=10**9)


@settings(max_examples=60, deadline=None)
@given(
    contest=ids,
    options=st.lists(ids, min_size=0, max_size=4, unique=True),
    rows=st.lists(st.tuples(ids, st.lists(count, min_size=11, max_size=11)), max_size=6),
)
def test_canonical_hashes_equal_the_one_protocol_hash(
    contest: str, options: list[str], rows: list[tuple[str, list[int]]]
) -> None:
    width = len(COUNT_FIELDS) + len(options)
    counts = np.array([c[:width] for _, c in rows], dtype=np.int64).reshape(len(rows), width)
    stations = [s for s, _ in rows]
    opts = tuple(OptionId(o) for o in options)
    got = canonical_hashes(contest, stations, opts, counts)
    protocols = [_counts(opts, [int(x) for x in counts[k]]) for k in range(len(rows))]
    assert got == [
        SubmittedProtocol(ContestId(contest), StationId(UnitId(s)), pc).content_hash()
        for s, pc in zip(stations, protocols, strict=True)
    ]
    assert votes_json(opts, counts) == [repository.votes_json(pc) for pc in protocols]


def _counts(options: tuple[OptionId, ...], c: list[int]) -> ProtocolCounts:
    reg, rec, iss, can, box, inv, both, *votes = c
    return ProtocolCounts.of(
        registered=reg, ballots_received=rec, ballots_issued=iss, ballots_cancelled=can,
        ballots_in_boxes=box, invalid=inv, both_marked=both,
        votes=list(zip(options, votes, strict=True)),
    )


REFERENDUM = referendum_contest(ContestId("r"), ElectionId("e"), Names.same("q"),
                                constitutional=True, area=UnitId("KZ"))
HEADER = "station,registered,ballots_received,ballots_issued,ballots_cancelled,ballots_in_boxes," \
    "invalid,both_marked,yes,no"


@settings(max_examples=80, deadline=None)
@given(
    rows=st.lists(st.tuples(st.from_regex(r"[A-Z0-9-]{1,10}", fullmatch=True),
                            st.lists(count, min_size=9, max_size=9)), max_size=8),
    end=st.sampled_from(["\n", "\r\n"]),  # LF: the plain path; CRLF: through csv
    last=st.booleans(),
)
def test_the_clean_file_parsers_equal_the_row_parser(
    rows: list[tuple[str, list[int]]], end: str, last: bool
) -> None:
    text = end.join([HEADER, *(",".join([s, *map(str, c)]) for s, c in rows)]) + (
        end if last else "")
    fast = parse_protocols_csv(text.encode(), REFERENDUM)
    records = [line.split(",") for line in text.splitlines()[1:]]
    slow = _parse_rows(records, 10, 0, [*COUNT_FIELDS, "yes", "no"], list(range(1, 10)),
                       REFERENDUM.option_ids, 2_000_000)
    assert fast.stations == slow.stations
    assert (fast.lines == slow.lines).all()
    assert (fast.counts == slow.counts).all() and fast.counts.shape == slow.counts.shape


@pytest.mark.parametrize(
    ("body", "rows"),
    [
        ("S1,10,5,5,0,5,0,0,3,2\n\nS2,1e3,5,5,0,5,0,0,3,2\n",
         [(4, "registered")]),
        ("S1,10,5,5,0,5,0,0,3,x\nS2,10,5,5\n",
         [(2, "no"), (3, "row")]),
        ("S1,0000000000001,5,5,0,5,0,0,3,2\n ,1,1,1,0,1,0,0,1,0\n",
         [(2, "registered"), (3, "station")]),
        ("S1,10,5,5,0,5,0,0,3,2\nS2,10,5,5\n", [(3, "row")]),
        ("S1,10,5,5,0,5,0,0,3,2,7\nS2,10,5,5,0,5,0,0,3\n", [(2, "row"), (3, "row")]),
        ("S1,10,5,5,0,5,0,0,3,2\nS2\n", [(3, "row")]),
        ("S1,10,5,5,0,5,0,0,3,2\nS2,10,5,5,0,5,0,0,3,2", []),
    ],
)
def test_files_with_bad_values_still_get_every_line_reported(
    body: str, rows: list[tuple[int, str]]
) -> None:
    if not rows:  # no newline at the end: fine
        assert len(parse_protocols_csv((HEADER + "\n" + body).encode(), REFERENDUM).stations) == 2
        return
    with pytest.raises(ImportFailed) as exc:
        parse_protocols_csv((HEADER + "\n" + body).encode(), REFERENDUM)
    assert [(r["line"], r["field"]) for r in exc.value.rows] == rows


def test_spaces_around_values_are_still_read() -> None:
    cols = parse_protocols_csv((HEADER + "\n S1 ,10,5,5,0,5,0, 0 ,3,2\r\n").encode(), REFERENDUM)
    assert cols.stations == ["S1"] and cols.counts[0, 0] == 10


# --- the results cache: loading many versions at once = one by one ---------------------------


def _protocol(registered: int, k: int) -> ProtocolCounts:
    issued = registered // 2 + k
    return ProtocolCounts.of(
        registered=registered, ballots_received=issued + 5, ballots_issued=issued,
        ballots_cancelled=5, ballots_in_boxes=issued, invalid=k, both_marked=1,
        votes={YES: issued - k - 1 - k, NO: k},
    )


def test_the_results_cache_loads_columns_as_it_loads_rows(
    referendum: tuple[Saylau, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    app, contest = referendum
    admin = Principal(ActorId("admin"), Role.ADMIN)
    stations = list(app.geography().stations())
    for k, s in enumerate(stations[:8]):
        submit_protocol(app, admin, contest, s.id, _protocol(s.registered, k))
    first = results_svc.all_unit_results(app, contest)[1].totals.copy()  # columns, cold
    for k, s in enumerate(stations[:3]):  # corrections: later versions replace earlier ones
        submit_protocol(app, admin, contest, s.id, _protocol(s.registered, k + 20),
                        correction=True, corrects=1, reason="recount")
    submit_protocol(app, admin, contest, stations[0].id, _protocol(stations[0].registered, 40),
                    correction=True, corrects=2, reason="second recount")
    submit_protocol(app, admin, contest, stations[9].id, _protocol(stations[9].registered, 3))
    fast = results_svc.all_unit_results(app, contest)[1].totals  # columns, incremental

    monkeypatch.setattr(repository, "protocol_columns_after", lambda *_a, **_k: None)
    rows_app = Saylau(app.engine)  # fresh caches: every version one by one
    slow = results_svc.all_unit_results(rows_app, contest)[1].totals
    assert (fast == slow).all()
    assert not (first == slow).all()
    root = app.geography().root.id
    assert results_svc.results(app, contest, root).as_of == results_svc.results(
        rows_app, contest, root).as_of


def test_a_district_contest_takes_only_the_district_stations(saylau: Saylau) -> None:
    """A single-member contest's stations are its district's (`Contest.votes_at`), not every
    station of the unit the district lies in: the bulk import agrees with one-by-one submission."""
    from saylau.data import load_kz_units
    from saylau.domain.districts import draw_districts
    from saylau.domain.generator import generate_kazakhstan
    from saylau.services import parliament as ps
    from saylau.services.bulk import import_protocols
    from saylau.services.elections import get_contest
    from saylau.services.geography import load_geography

    geo = generate_kazakhstan(load_kz_units(), stations=200, seed=11, abroad=3)
    load_geography(saylau, geo)
    districts = draw_districts(geo, 29)
    parties = [ps.PartySpec("P1", Names.same("P1"), 1, ("a",))]
    cands = {d.id: [ps.CandidateSpec(f"{d.id}-A", Names.same("A"), "P1")] for d in districts}
    _, made = ps.create_parliament(
        saylau, election_id="m", name=Names.same("Majilis"), ruleset_name="kz-2022",
        date="2023-03-19", parties=parties, districts=districts, candidates=cands,
        by=ActorId("cec"))
    contest = next(c for c in made if c.district is not None
                   and any(not c.votes_at(geo, StationId(s.id))
                           for s in geo.descendant_stations(c.area)))
    inside = [s for s in geo.descendant_stations(contest.area)
              if contest.votes_at(geo, StationId(s.id))]
    outside = next(s for s in geo.descendant_stations(contest.area)
                   if not contest.votes_at(geo, StationId(s.id)))
    opts = [o.id for o in get_contest(saylau, contest.id).options]
    header = ",".join(["station", "registered", "ballots_received", "ballots_issued",
                       "ballots_cancelled", "ballots_in_boxes", "invalid", *opts])

    def line(s: Any) -> str:
        votes = [10] + [0] * (len(opts) - 1)
        return ",".join(map(str, [s.id, s.registered, 20, 20, 0, 13, 3, *votes]))

    admin = Principal(ActorId("cec"), Role.ADMIN)
    bad = "\n".join([header, line(inside[0]), line(outside)]) + "\n"
    with pytest.raises(ImportFailed) as exc:
        import_protocols(saylau, admin, contest.id, bad.encode())
    assert [(r["line"], r["field"], r["actual"]) for r in exc.value.rows] == [
        (3, "station", outside.id)]
    good = "\n".join([header, *(line(s) for s in inside)]) + "\n"
    assert import_protocols(saylau, admin, contest.id, good.encode()).accepted == len(inside)
