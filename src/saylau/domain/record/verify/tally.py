"""The verifier's third and fourth checks: every protocol version passes the protocol checks, the
tally from the current versions, and each contest's decision by the one `decide()`."""

from __future__ import annotations

import itertools
from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np

from saylau.domain.contests import (
    Contest,
    ContestKind,
    Option,
    OptionKind,
    ReferendumTerms,
)
from saylau.domain.decide import SessionRound, decide
from saylau.domain.districts import ElectoralDistrict
from saylau.domain.errors import SaylauError
from saylau.domain.geography import Geography
from saylau.domain.ids import ContestId, ElectionId, OptionId, StationId, UnitId
from saylau.domain.protocol_batch import batch_flags
from saylau.domain.protocols import (
    COUNT_FIELDS,
    ProtocolCheckContext,
    ProtocolCounts,
    errors_of,
    run_checks,
)
from saylau.domain.record.verify.core import _fail, _names
from saylau.domain.record.verify.protocols import Rows
from saylau.domain.rulesets import RulesetName
from saylau.domain.tally import BOOK_FIELDS, Tally, empty_table, tally


def _contest(election: str, c: Mapping[str, Any]) -> Contest:
    kind = ContestKind(c["kind"])
    d = c.get("district")
    return Contest(
        id=ContestId(c["contest"]), election=ElectionId(election), kind=kind,
        name=_names(c["name"]), area=UnitId(c["area"]),
        options=tuple(Option(OptionId(o["id"]), _names(o["name"]), OptionKind(o["kind"]),
                             o.get("registration_order"),
                             None if o.get("party") is None else OptionId(o["party"]))
                      for o in c["options"]),
        referendum=ReferendumTerms(_names(c["name"]), bool(c["constitutional"]))
        if kind is ContestKind.REFERENDUM else None,
        district=None if d is None else ElectoralDistrict(
            id=d["id"], number=int(d["number"]), name=_names(d["name"]), unit=UnitId(d["unit"]),
            stations=frozenset(StationId(UnitId(s)) for s in d["stations"])),
    )


def _check_and_tally(geo: Geography, contests: Sequence[Contest], rows: Rows
                     ) -> dict[str, Tally]:
    """Every station-contest pair of a contest the station votes in; every version through
    the protocol checks (vectorised: protocol_batch.batch_flags, then the scalar checks on
    flagged rows for the message), then each contest's tally from its current versions.
    Failures name the first pair (by its first leaf) or row (pairs in that order, each
    pair's versions in order), as checking them one by one would."""
    by_id = {c.id: c for c in contests}
    n = len(rows)
    order = rows.order
    pair_sorted = rows.pair[order]
    starts = np.flatnonzero(np.r_[True, pair_sorted[1:] != pair_sorted[:-1]]) if n else \
        np.zeros(0, dtype=np.int64)
    firsts = order[starts]  # a row of each pair, pairs in the order of their first leaves
    index = geo.index
    is_station = np.zeros(len(geo.units), dtype=bool)
    is_station[geo.station_indices] = True
    where = np.fromiter(map(index.get, rows.station, itertools.repeat(-1)),  # type: ignore[arg-type]
                        dtype=np.int64, count=n)
    contest_rows = {cid: np.flatnonzero(rows.contest_code == k)
                    for k, cid in enumerate(rows.contest_ids)}
    ok_pair = np.zeros(n, dtype=bool)  # per row: its pair's station votes in its contest
    for cid, at in contest_rows.items():
        contest = by_id.get(ContestId(cid))
        if contest is None:
            continue
        w = where[at]
        good = (w >= 0) & is_station[np.maximum(w, 0)]
        if not (contest.area == geo.root.id and contest.district is None):
            for j in np.flatnonzero(good).tolist():
                good[j] = contest.votes_at(geo, StationId(UnitId(rows.station[int(at[j])])))
        ok_pair[at] = good
    bad = np.flatnonzero(~ok_pair[firsts])
    if len(bad):
        r = int(firsts[bad[0]])
        first, contest_id, station = int(rows.leaf[r]), rows.contest[r], rows.station[r]
        if ContestId(contest_id) not in by_id:
            raise _fail(f"leaf {first}: protocol for unknown contest {contest_id}", leaf=first)
        raise _fail(f"leaf {first}: station {station} does not vote in {contest_id}",
                    leaf=first, station=station)
    out: dict[str, Tally] = {}
    registered = geo.registered
    names_code: dict[tuple[str, ...], int] = {}
    codes = np.fromiter((names_code.setdefault(t, len(names_code)) for t in rows.names),
                        dtype=np.int64, count=n)
    distinct = list(names_code)
    place = np.empty(n, dtype=np.int64)
    place[order] = np.arange(n)
    for c in contests:
        options = c.option_ids
        known = set(options)
        rs = contest_rows.get(c.id, np.zeros(0, dtype=np.int64))
        rs = rs[np.argsort(place[rs], kind="stable")]  # pairs by first leaf, then versions
        wrong = [k for k, t in enumerate(distinct) if set(t) != known]
        if wrong:
            off = np.flatnonzero(np.isin(codes[rs], wrong))
            if len(off):
                r = int(rs[off[0]])
                leaf_idx, sid = int(rows.leaf[r]), rows.station[r]
                raise _fail(f"leaf {leaf_idx}: the protocol of station {sid} gives options "
                            f"{sorted(rows.names[r])}, the contest has {sorted(known)}",
                            leaf=leaf_idx, station=sid)
        votes = np.zeros((len(rs), len(options)), dtype=np.int64)
        for k in np.unique(codes[rs]).tolist():
            sel = np.flatnonzero(codes[rs] == k)
            perm = [distinct[k].index(o) for o in options]
            votes[sel] = rows.votes[rs[sel]][:, perm]
        matrix = np.concatenate([rows.counts[rs], votes], axis=1)
        at = where[rs]
        flags = batch_flags(matrix, has_both_marked=c.has_both_marked,
                            list_sizes=registered[at])
        for bad_row in np.flatnonzero(flags.error).tolist():
            r = int(rs[bad_row])
            leaf_idx, i = int(rows.leaf[r]), int(at[bad_row])
            sid = StationId(geo.units[i].id)
            pc = ProtocolCounts.of(votes={OptionId(o): n for o, n in rows.votes_of(r).items()},
                                   **dict(zip(COUNT_FIELDS, rows.counts[r].tolist(),
                                              strict=True)))
            errors = errors_of(run_checks(ProtocolCheckContext(c, sid, int(registered[i])), pc))
            if errors:
                raise _fail(f"leaf {leaf_idx}: the protocol of station {sid} fails "
                            f"{errors[0].code}: {errors[0].message}", leaf=leaf_idx,
                            station=sid)
        table = empty_table(geo, c)
        current = rows.current[rs]
        if current.any():
            data = table.data
            data[at[current], 1] = 1
            data[at[current], len(BOOK_FIELDS):] = matrix[current]
        out[c.id] = tally(geo, table)
    return out


def decision_summary(contest: Contest, t: Tally, geo: Geography,
                     ruleset: RulesetName, rounds: Sequence[SessionRound] = (),
                     params: Mapping[str, str] | None = None) -> dict[str, Any]:
    """The figures of a contest's decision that published results must match: the one
    `decide()` of the core (a Senate seat's from its `rounds`; the generic ruleset's with the
    election's `params`), summarised
    (`Decision.summary`); {"error": message} for figures the law cannot decide on, as the
    server publishes them."""
    try:
        return decide(contest, t, geo, ruleset, rounds=rounds, params=params).summary()
    except SaylauError as exc:
        return {"error": exc.message}
