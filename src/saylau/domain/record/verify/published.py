"""Published results: what the server publishes, and their comparison with the recomputation."""

from __future__ import annotations

import itertools
import json
import operator
from collections.abc import Mapping
from typing import Any

import numpy as np
import numpy.typing as npt

from saylau.domain.contests import ContestKind
from saylau.domain.protocols import COUNT_FIELDS
from saylau.domain.record.verify.core import Report, VerifiedElection, _fail
from saylau.domain.tally import BOOK_FIELDS, Tally

UNIT_FIGURES = ("stations_expected", "stations_reported", "registered", "ballots_issued",
                "ballots_in_boxes", "invalid", "both_marked")


def published_results(v: VerifiedElection) -> dict[str, Any]:
    """What the server publishes, in the shape `compare_published` reads (the exporter uses
    this with its own tallies; the verifier with the recomputed ones). A Senate seat has no
    polling station figures: its decision only (from its joint-session protocols)."""
    out: dict[str, Any] = {"election": v.election, "contests": {}}
    for c in v.contests:
        t = v.tallies[c.id]
        units = {}
        for u in v.geography.units if c.kind is not ContestKind.SENATE_SEAT else ():
            r = t.result(u.id)
            if r.stations_expected == 0:
                continue
            units[u.id] = {**{f: getattr(r, f) for f in UNIT_FIGURES}, "votes": dict(r.votes)}
        out["contests"][c.id] = {"units": units, "decision": v.decisions[c.id]}
    return out


def compare_published(v: VerifiedElection, published: Mapping[str, Any], report: Report) -> None:
    """Every figure of every unit and every decision the server published equal the
    recomputation; the first that is not is named. Each contest's units are compared as
    columns first (`_columns_agree`); a contest where that finds any doubt is compared unit
    by unit, figure by figure, which names the first difference."""
    theirs = published.get("contests", {})
    rows = 0
    for c in v.contests:
        cid = c.id
        if cid not in theirs:
            raise _fail(f"the published results have no contest {cid}", contest=cid)
        pub_units = theirs[cid].get("units", {})
        t = v.tallies[cid]
        at = np.zeros(0, dtype=np.int64) if c.kind is ContestKind.SENATE_SEAT else \
            np.flatnonzero(t.column(0) != 0)  # units with stations expected
        rows += len(at)
        if not _columns_agree(v, t, at, pub_units):
            mine = published_results(v)["contests"][cid]
            for unit, figures in mine["units"].items():
                pub = pub_units.get(unit)
                if pub is None:
                    raise _fail(f"{cid}: the published results have no unit {unit}", unit=unit)
                for f, value in figures.items():
                    if pub.get(f) != value:
                        raise _fail(
                            f"{cid}: unit {unit}: published {f} = {json.dumps(pub.get(f))}, "
                            f"but the record gives {json.dumps(value)}", contest=cid,
                            unit=unit, field=f, expected=value, actual=pub.get(f))
        decision = v.decisions[cid]
        if theirs[cid].get("decision") != decision:
            raise _fail(f"{cid}: the published decision {theirs[cid].get('decision')} differs "
                        f"from the law applied to the record: {decision}",
                        contest=cid, expected=decision, actual=theirs[cid].get("decision"))
    report.ok(f"published results: every figure of {rows:,} unit-contest rows and every "
              "decision equal the recomputation")


_COLUMN = {"stations_expected": 0, "stations_reported": 1,
           **{f: len(BOOK_FIELDS) + COUNT_FIELDS.index(f) for f in UNIT_FIGURES[2:]}}


def _columns_agree(v: VerifiedElection, t: Tally, at: npt.NDArray[np.int64],
                   pub_units: Mapping[str, Any]) -> bool:
    """Every unit of `at` published, each figure a plain integer equal to the tally's and
    its votes exactly the tally's options and figures: True; anything else (a missing unit,
    another type, a difference): False."""
    ids = list(v.geography.index)  # in the units' order (ids are unique)
    pubs: list[Any] = [pub_units.get(ids[i]) for i in at.tolist()]
    if not pubs:
        return True
    if set(map(type, pubs)) != {dict}:
        return False
    totals = t.totals[at]
    first = len(BOOK_FIELDS) + len(COUNT_FIELDS)
    try:
        votes: list[Any] = list(map(operator.itemgetter("votes"), pubs))
        if set(map(type, votes)) != {dict} or set(map(len, votes)) != {len(t.options)}:
            return False
        return (_same(_rows(pubs, UNIT_FIGURES), totals[:, [_COLUMN[f] for f in UNIT_FIGURES]])
                and _same(_rows(votes, t.options),
                          totals[:, [first + k for k in range(len(t.options))]]))
    except KeyError:  # a figure or an option missing
        return False


def _rows(dicts: list[dict[str, Any]], keys: tuple[str, ...]) -> list[tuple[Any, ...]]:
    """Each dict's values of `keys`, in that order (KeyError for one missing)."""
    if len(keys) == 1:
        return [(d[keys[0]],) for d in dicts]
    return list(map(operator.itemgetter(*keys), dicts))


def _same(rows: list[tuple[Any, ...]], columns: npt.NDArray[np.int64]) -> bool:
    """Every value a plain integer (not a bool, not a float) and the rows equal `columns`."""
    values = list(itertools.chain.from_iterable(rows))
    if values and set(map(type, values)) != {int}:
        return False
    try:
        got = np.fromiter(values, dtype=np.int64, count=len(values))
    except OverflowError:
        return False
    return bool(np.array_equal(got.reshape(columns.shape), columns))
