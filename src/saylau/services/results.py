"""Results: every unit's tally and the law's decision, kept up to date incrementally.

`decision()` is the one service call every publisher takes a contest's decision from (the API,
the command line, the site, open data, the exported record): the domain's one `decide()` on the
cached tally (a Senate seat: on its joint-session protocols), cached per record, so they cannot
drift apart. `decide()` and services.parliament's and services.senate's decision functions are
views of it kept for their callers.

A per-contest cache holds the station table (one row per unit) and the watermark of the last
protocol version it has seen. A read brings it up to date by loading only the versions stored
since (a later version of a station replaces its row), then brings the tally up to date: a
few changed stations only touch their own rows and their ancestors' (domain.tally.retally:
a refresh after one protocol at a million stations is a matter of milliseconds), many are
summed again over the whole tree, vectorised (a fraction of a second); `max_age` lets a busy
server reuse a tally for a moment instead of bringing it up to date on every read. Every view
says which record it was computed from (`as_of`: the last protocol version's sequence number).
"""

from __future__ import annotations

import json
import operator
import threading
from dataclasses import dataclass, field

import numpy as np
import numpy.typing as npt

from saylau.domain import decide as domain_decide
from saylau.domain.contests import Contest, ContestKind
from saylau.domain.decide import Decision, Readings, SessionRound
from saylau.domain.errors import Unavailable
from saylau.domain.geography import Geography, Unit
from saylau.domain.ids import UnitId
from saylau.domain.law.parliament import ListReadings
from saylau.domain.law.referendum import (
    ReferendumDecision,
    ReferendumReadings,
)
from saylau.domain.protocols import COUNT_FIELDS
from saylau.domain.rulesets import RULESETS, RulesetName, ruleset_name
from saylau.domain.tally import (
    BOOK_FIELDS,
    StationTable,
    Tally,
    TurnoutPoint,
    TurnoutTally,
    UnitResult,
    empty_table,
    retally,
    tally,
    tally_turnout,
)
from saylau.services.context import Saylau
from saylau.services.elections import get_contest, get_election
from saylau.store import elections as election_store
from saylau.store import protocols as report_store
from saylau.store import senate as session_store
from saylau.store import snapshots

_DecisionKey = tuple[int, RulesetName, Readings, tuple[tuple[str, str], ...],
                     tuple[SessionRound, ...]]
"""A cached decision's inputs: the record it was computed from (the last protocol version's
sequence number), the ruleset, the readings, the parameters and a Senate seat's rounds."""


@dataclass
class _ContestCache:
    contest: Contest
    geo: Geography
    table: StationTable
    seq: int = 0
    tally: Tally | None = None
    refreshed: float = 0.0
    turnout_seq: int = -1
    turnout: TurnoutTally | None = None
    decisions: dict[_DecisionKey, Decision] = field(default_factory=dict)
    params: dict[str, str] | None = None
    """The election's parameters (the generic ruleset's seats, threshold, method), read once."""
    lock: threading.Lock = field(default_factory=threading.Lock)
    snapshot_seq: int = 0
    """The record the stored snapshot of the station table covers (store.snapshots)."""


SNAPSHOT_EVERY = 100_000
"""Protocol versions after which a refresh stores the contest's station table again, so that
a server starting later reads only what came after it (issue 16: the first results request
after a start at a million stations): about 0.3 s of writing a 100 MB table, at most once per
this many versions."""


@dataclass(frozen=True)
class ResultsView:
    contest: Contest
    unit: Unit
    result: UnitResult
    children: tuple[tuple[Unit, UnitResult], ...]
    turnout: tuple[TurnoutPoint, ...]
    decision: ReferendumDecision | None
    as_of: int
    """Sequence number of the last protocol version included."""
    turnout_as_of: int
    children_total: int = 0


def _cache(app: Saylau, contest_id: str) -> _ContestCache:
    geo = app.geography()
    key = f"results:{contest_id}"
    cache = app.caches.get(key)
    if not isinstance(cache, _ContestCache) or cache.geo is not geo:
        contest = get_contest(app, contest_id)
        table = empty_table(geo, contest)
        cache = _ContestCache(contest, geo, table)
        with app.read() as conn:
            snap = snapshots.read(conn, snapshots.results_name(contest_id))
        got = None if snap is None else snapshots.decode_table(snap.data)
        if snap is not None and got is not None and got[0] == table.options and (
                got[1].shape == table.data.shape
                and np.array_equal(got[1][:, 0], table.data[:, 0])):
            cache = _ContestCache(contest, geo, StationTable(table.options, got[1]),
                                  seq=snap.covers, snapshot_seq=snap.covers)
        app.caches[key] = cache
    return cache


def _keep_snapshot(app: Saylau, contest_id: str, cache: _ContestCache) -> None:
    """Store the station table when SNAPSHOT_EVERY versions came since the last one (called
    with the cache's lock held: the table does not change while it is written). A store that
    cannot take the write now keeps the older snapshot: it is only a cache."""
    if cache.seq - cache.snapshot_seq < SNAPSHOT_EVERY:
        return
    data = snapshots.encode_table(cache.table.options, cache.table.data)
    try:
        with app.write() as conn:
            snapshots.write(conn, snapshots.results_name(contest_id), cache.seq, data)
    except Unavailable:
        return
    cache.snapshot_seq = cache.seq


def refresh(app: Saylau, contest_id: str, max_age: float = 0.0) -> tuple[Tally, _ContestCache]:
    """The contest's tally, brought up to date unless it is younger than `max_age` seconds."""
    cache = _cache(app, contest_id)
    with cache.lock:
        if cache.tally is not None and app.monotonic() - cache.refreshed < max_age:
            return cache.tally, cache
        geo, data = cache.geo, cache.table.data
        base = len(BOOK_FIELDS)
        opt_col = {o: base + len(COUNT_FIELDS) + k for k, o in enumerate(cache.table.options)}
        old: dict[int, npt.NDArray[np.int64]] = {}  # changed rows as they were (row path)
        changed = np.zeros(0, dtype=np.int64), data[:0]
        with app.read() as conn:
            columns = report_store.protocol_columns_after(conn, contest_id, cache.seq,
                                                        cache.table.options)
            if columns is not None:
                changed = _fill_columns(cache, *columns)
            else:  # option ids the columns query cannot name: one row at a time
                for row in report_store.protocol_rows_after(conn, contest_id, cache.seq):
                    seq, station, _version = row[0], row[1], row[2]
                    i = geo.index[station]
                    if i not in old:
                        old[i] = data[i].copy()
                    data[i, 1:] = 0
                    data[i, 1] = 1
                    data[i, 2] = geo.registered[i]
                    data[i, base : base + len(COUNT_FIELDS)] = row[3 : 3 + len(COUNT_FIELDS)]
                    for o, v in json.loads(row[3 + len(COUNT_FIELDS)]).items():
                        data[i, opt_col[o]] = v
                    cache.seq = int(seq)
            tseq = report_store.max_turnout_seq(conn, contest_id)
            reports = (report_store.all_turnout(conn, contest_id)
                       if tseq != cache.turnout_seq else None)
        if cache.tally is None:
            cache.tally = tally(geo, cache.table)
        else:
            if old:
                changed = (np.fromiter(old, dtype=np.int64, count=len(old)),
                           np.stack(list(old.values())))
            cache.tally = retally(cache.tally, cache.table, *changed)
        if reports is not None:  # expected stations: the tally's column 0 (never changes)
            cache.turnout = tally_turnout(geo, cache.contest, reports,
                                          expected=cache.tally.column(0))
            cache.turnout_seq = tseq
        _keep_snapshot(app, contest_id, cache)
        cache.refreshed = app.monotonic()
        return cache.tally, cache


def _fill_columns(
    cache: _ContestCache, seqs: npt.NDArray[np.int64], stations: list[str],
    counts: npt.NDArray[np.int64],
) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.int64]]:
    """Put new protocol versions into the station table, all at once: what the row-by-row
    path does (each station's row reset, marked reported, its list, counts and votes set; a
    later version replaces an earlier one), for a million rows in well under a second.
    Returns the changed rows' indices and the rows as they were before (none: nothing
    changed)."""
    if not stations:
        return np.zeros(0, dtype=np.int64), cache.table.data[:0].copy()
    geo, data = cache.geo, cache.table.data
    found = operator.itemgetter(*stations)(geo.index)
    idx = np.array([found] if len(stations) == 1 else found, dtype=np.int64)
    # the latest version of each station wins
    last = np.full(len(geo.units), -1, dtype=np.int64)
    np.maximum.at(last, idx, seqs)
    keep = seqs == last[idx]
    idx, counts = idx[keep], counts[keep]
    before = data[idx].copy()
    base = len(BOOK_FIELDS)
    data[idx, 1:] = 0
    data[idx, 1] = 1
    data[idx, 2] = geo.registered[idx]
    data[idx, base:] = counts
    cache.seq = int(seqs.max())
    return idx, before


def _rounds(app: Saylau, contest_id: str) -> tuple[SessionRound, ...]:
    """A Senate seat's joint-session protocols, each round at its current version."""
    with app.read() as conn:
        stored = session_store.sessions(conn, contest_id)
    current = {s.round: s for s in stored}  # by round then version: the latest stays
    return tuple(SessionRound(s.round, s.version, s.electors, s.electors_present, s.invalid,
                              s.votes) for _, s in sorted(current.items()))


def _params(app: Saylau, cache: _ContestCache) -> dict[str, str]:
    if cache.params is None:
        with app.read() as conn:
            cache.params = election_store.election_params(conn, cache.contest.election)
    return cache.params


def decision_and_tally(
    app: Saylau, contest_id: str, *, ruleset: RulesetName | str | None = None,
    readings: Readings | ReferendumReadings | ListReadings | None = None,
    params: dict[str, str] | None = None, max_age: float = 0.0,
) -> tuple[Decision, Tally, int]:
    """`decision()`, with the tally it was taken from (open data publishes both as one)."""
    _t, cache = refresh(app, contest_id, max_age)
    c = cache.contest
    rs = ruleset_name(ruleset if ruleset is not None else get_election(app, c.election).ruleset)
    if params is None:
        params = _params(app, cache) if RULESETS[rs].generic else {}
    rounds = _rounds(app, contest_id) if c.kind is ContestKind.SENATE_SEAT else ()
    r = Readings.of(readings)
    with cache.lock:  # the tally and its sequence number as one pair
        t, seq = cache.tally, cache.seq
        key: _DecisionKey = (seq, rs, r, tuple(sorted(params.items())), rounds)
        d = cache.decisions.get(key)
    assert t is not None  # refresh always leaves a tally
    if d is None:
        d = domain_decide.decide(c, t, cache.geo, rs, readings=r, params=params, rounds=rounds)
        with cache.lock:
            cache.decisions = {k: v for k, v in cache.decisions.items() if k[0] == seq}
            cache.decisions[key] = d
    return d, t, seq


def decision(
    app: Saylau, contest_id: str, *, ruleset: RulesetName | str | None = None,
    readings: Readings | ReferendumReadings | ListReadings | None = None,
    params: dict[str, str] | None = None, max_age: float = 0.0,
) -> tuple[Decision, int]:
    """The law's decision on the contest, and the record sequence it was computed from: the
    one call every publisher makes (the domain's `decide()` on the current tally, cached).

    `ruleset` another ruleset than the election's (to compare); `readings` the readings of
    the UNVERIFIED points; `params` the generic ruleset's parameters (None: the election's;
    the exported record passes {} as its verifier has none, docs/record.md)."""
    d, _t, seq = decision_and_tally(app, contest_id, ruleset=ruleset, readings=readings,
                                    params=params, max_age=max_age)
    return d, seq


def decide(
    app: Saylau, contest_id: str, readings: ReferendumReadings | None = None, max_age: float = 0.0
) -> tuple[ReferendumDecision | None, int]:
    """The law's decision on the contest (None for a contest that is not a nationwide
    referendum), and the record sequence it was computed from: `decision()`'s referendum."""
    d, seq = decision(app, contest_id, readings=readings, max_age=max_age)
    return d.referendum, seq


def results(
    app: Saylau, contest_id: str, unit_id: str | None = None, *, max_age: float = 0.0,
    with_decision: bool = True, children_offset: int = 0, children_limit: int | None = None,
) -> ResultsView:
    """A unit's results and its children's (a page of them: `children_offset`,
    `children_limit`; a district of a million-station country has thousands)."""
    t, cache = refresh(app, contest_id, max_age)
    geo = cache.geo
    unit = geo.unit(UnitId(unit_id)) if unit_id is not None else geo.unit(cache.contest.area)
    kids = geo.children[unit.id]
    end = None if children_limit is None else children_offset + children_limit
    children = tuple((geo.unit(c), t.result(c)) for c in kids[children_offset:end])
    series = tuple(cache.turnout.series(unit.id)) if cache.turnout is not None else ()
    decision = None
    if with_decision:
        decision, _ = decide(app, contest_id, max_age=max_age)
    return ResultsView(
        contest=cache.contest, unit=unit, result=t.result(unit.id), children=children,
        turnout=series, decision=decision, as_of=cache.seq, turnout_as_of=cache.turnout_seq,
        children_total=len(kids),
    )


def all_unit_results(app: Saylau, contest_id: str) -> tuple[Geography, Tally]:
    t, cache = refresh(app, contest_id)
    return cache.geo, t


__all__ = ["ResultsView", "all_unit_results", "decide", "decision", "decision_and_tally",
           "refresh", "results"]
