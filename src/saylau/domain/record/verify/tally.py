"""The verifier's third and fourth checks: every protocol version passes the protocol checks, the
tally from the current versions, and each contest's decision by the one `decide()`."""

from __future__ import annotations

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


def _check_and_tally(
    geo: Geography, contests: Sequence[Contest],
    versions: Mapping[tuple[str, str], list[tuple[int, tuple[int, ...], dict[str, int]]]],
) -> dict[str, Tally]:
    """Every version through the protocol checks (vectorised: protocol_batch.batch_flags,
    then the scalar checks on flagged rows for the message), then each contest's tally from
    its current versions."""
    by_id = {c.id: c for c in contests}
    rows: dict[str, list[tuple[int, int, tuple[int, ...], dict[str, int], bool]]] = {
        c.id: [] for c in contests}
    for (contest_id, station), history in versions.items():
        contest = by_id.get(ContestId(contest_id))
        first = history[0][0]
        if contest is None:
            raise _fail(f"leaf {first}: protocol for unknown contest {contest_id}", leaf=first)
        i = geo.index.get(UnitId(station))
        if i is None or not geo.units[i].is_station or not (
                (contest.area == geo.root.id and contest.district is None)
                or contest.votes_at(geo, StationId(UnitId(station)))):
            raise _fail(f"leaf {first}: station {station} does not vote in {contest_id}",
                        leaf=first, station=station)
        for k, (leaf_idx, counts, votes) in enumerate(history):
            rows[contest.id].append((leaf_idx, i, counts, votes, k == len(history) - 1))
    out: dict[str, Tally] = {}
    registered = np.fromiter((u.registered for u in geo.units), dtype=np.int64,
                             count=len(geo.units))
    for c in contests:
        options = c.option_ids
        known = set(options)
        rs = rows[c.id]
        for leaf_idx, i, _counts, votes, _cur in rs:
            if set(votes) != known:
                raise _fail(f"leaf {leaf_idx}: the protocol of station {geo.units[i].id} gives "
                            f"options {sorted(votes)}, the contest has {sorted(known)}",
                            leaf=leaf_idx, station=geo.units[i].id)
        width = len(COUNT_FIELDS) + len(options)
        matrix = np.array([(*cs, *(v[o] for o in options)) for _l, _i, cs, v, _c in rs],
                          dtype=np.int64).reshape(len(rs), width)
        where = np.array([i for _l, i, _c, _v, _cur in rs], dtype=np.int64)
        flags = batch_flags(matrix, has_both_marked=c.has_both_marked,
                            list_sizes=registered[where])
        for bad in np.flatnonzero(flags.error).tolist():
            leaf_idx, i, counts, votes, _cur = rs[bad]
            sid = StationId(geo.units[i].id)
            pc = ProtocolCounts.of(votes={OptionId(o): n for o, n in votes.items()},
                                   **dict(zip(COUNT_FIELDS, counts, strict=True)))
            errors = errors_of(run_checks(ProtocolCheckContext(c, sid, int(registered[i])), pc))
            if errors:
                raise _fail(f"leaf {leaf_idx}: the protocol of station {sid} fails "
                            f"{errors[0].code}: {errors[0].message}", leaf=leaf_idx,
                            station=sid)
        table = empty_table(geo, c)
        current = np.array([r[4] for r in rs], dtype=bool)
        if current.any():
            at = where[current]
            data = table.data
            data[at, 1] = 1
            data[at, len(BOOK_FIELDS):] = matrix[current]
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
