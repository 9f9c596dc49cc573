"""The results JSON of a unit as GET /api/contests/{id}/results answers it, with its ETag.

One builder for the route and for the live static snapshot (web/live.py, `saylau publish
--live`), so that a file nginx serves holds the very bytes the app would answer for the same
unit at the same record.

The ETag names what the answer is made of: the contest, the unit, the page of children, the
last protocol version and turnout report it counts (`as_of`, `turnout_as_of`) and the signed
tree head it carries. A reader sending it back in If-None-Match gets a 304 while none of these
changed, without the answer being built; a 200 is built once per record and query and kept
(the latest answer per query: a flood of readers of the national results shares it).
"""

from __future__ import annotations

import math
import threading
from dataclasses import dataclass, replace
from typing import Any, TypeVar

from fastapi import Response

from saylau.api.schemas.results import ResultsOut, UnitResultOut, decision_out
from saylau.domain.geography import Unit
from saylau.domain.ids import UnitId
from saylau.domain.law.referendum import ReferendumDecision
from saylau.domain.record.merkle import TreeHead
from saylau.domain.tally import UnitResult
from saylau.domain.versions import content_hash
from saylau.services import record as record_svc
from saylau.services import results as results_svc
from saylau.services.context import Saylau

CHILDREN_LIMIT = 500
"""The route's default page of children (the live snapshot writes that page)."""
KEPT_ANSWERS = 4096
"""Queries whose latest answer is kept; past that the kept answers are dropped at once (a
query not asked again since costs only its rebuild)."""
CACHE_KEY = "api:results-json"
DECISION_KEY = "api:results-json:decision"
ROWS_KEY = "api:results-json:rows"
KEPT_ROWS = 200_000
"""Wire rows kept (a few hundred bytes each); past that they are dropped at once."""

_Query = tuple[str, str, int, int]


@dataclass(frozen=True)
class ResultsJson:
    body: bytes
    etag: str
    as_of: int
    turnout_as_of: int


def results_etag(contest_id: str, unit: str | None, children_offset: int,
                 children_limit: int, as_of: int, turnout_as_of: int, head: TreeHead) -> str:
    """The ETag of a results answer: a hash of everything the answer is made of."""
    parts = [contest_id, unit or "", children_offset, children_limit, as_of, turnout_as_of,
             head.size, head.root, head.timestamp]
    return '"' + content_hash({"results": parts})[:32] + '"'


class _DecisionJson:
    """The wire form of the latest referendum decision: every unit's answer carries the
    nationwide decision, and its explanation takes milliseconds to render, the same for
    every unit of one record (decisions are immutable and cached per record by
    services.results: the object itself is the key)."""

    def __init__(self) -> None:
        self.last: tuple[ReferendumDecision, dict[str, Any] | None] | None = None
        self.lock = threading.Lock()

    def of(self, d: ReferendumDecision | None) -> dict[str, Any] | None:
        if d is None:
            return None
        with self.lock:
            last = self.last
        if last is not None and last[0] is d:
            return last[1]
        made = decision_out(d)
        with self.lock:
            self.last = (d, made)
        return made


class _Rows:
    """Each unit's wire row by its figures: a district's answer lists hundreds of children,
    and a new protocol changes one of them; the others' rows are reused instead of made
    again (their shares are exact fractions rendered as text, the costly part)."""

    def __init__(self) -> None:
        self.items: dict[UnitResult, UnitResultOut] = {}
        self.lock = threading.Lock()

    def of(self, u: Unit, r: UnitResult) -> UnitResultOut:
        with self.lock:
            got = self.items.get(r)  # a UnitResult names its unit: the key is whole
        if got is None:
            got = UnitResultOut.of(u, r)
            with self.lock:
                if len(self.items) >= KEPT_ROWS:
                    self.items.clear()
                self.items[r] = got
        return got


_T = TypeVar("_T")


def _kept(s: Saylau, key: str, kind: type[_T]) -> _T:
    """The store context's one `kind` object under `key`, made on first use."""
    got = s.caches.get(key)
    if not isinstance(got, kind):
        got = s.caches.setdefault(key, kind())
    assert isinstance(got, kind)
    return got


def results_json(s: Saylau, contest_id: str, unit: str | None, *, children_offset: int = 0,
                 children_limit: int = CHILDREN_LIMIT, max_age: float = 0.0,
                 head: TreeHead | None = None,
                 decision: tuple[ReferendumDecision | None] | None = None) -> ResultsJson:
    """The answer of GET /api/contests/{contest_id}/results?unit=... as bytes, with its ETag
    (`head`: the election's latest signed tree head, `decision`: (the contest's decision,)
    at the same record, when the caller has them: one writing many units at one record)."""
    v = results_svc.results(s, contest_id, unit, max_age=max_age, with_decision=decision is None,
                            children_offset=children_offset, children_limit=children_limit)
    if head is None:
        head = record_svc.tree_head(s, v.contest.election)
    out = ResultsOut.of(replace(v, decision=None, children=()), head.as_json(),
                        children_offset)
    rows = _kept(s, ROWS_KEY, _Rows)
    out.children = [rows.of(u, r) for u, r in v.children]
    out.decision = _kept(s, DECISION_KEY, _DecisionJson).of(
        v.decision if decision is None else decision[0])
    body = out.model_dump_json().encode()
    tag = results_etag(contest_id, unit, children_offset, children_limit, v.as_of,
                       v.turnout_as_of, head)
    return ResultsJson(body, tag, v.as_of, v.turnout_as_of)


def matches(if_none_match: str | None, tag: str) -> bool:
    """Whether an If-None-Match header names `tag` (RFC 9110 13.1.2: weak comparison, `*`)."""
    if not if_none_match:
        return False
    for item in if_none_match.split(","):
        got = item.strip()
        if got == "*" or got.removeprefix("W/") == tag:
            return True
    return False


class _Answers:
    """The latest answer per query (contest, unit, offset, limit)."""

    def __init__(self) -> None:
        self.items: dict[_Query, ResultsJson] = {}
        self.lock = threading.Lock()

    def get(self, key: _Query) -> ResultsJson | None:
        with self.lock:
            return self.items.get(key)

    def put(self, key: _Query, made: ResultsJson) -> None:
        with self.lock:
            if len(self.items) >= KEPT_ANSWERS:
                self.items.clear()
            self.items[key] = made


def results_response(s: Saylau, contest_id: str, unit: str | None, children_offset: int,
                     children_limit: int, if_none_match: str | None,
                     max_age: float) -> Response:
    """The route's answer: 304 when the reader has the current one, else the JSON (kept)."""
    _t, cache = results_svc.refresh(s, contest_id, max_age)
    if unit is not None:
        s.geography().unit(UnitId(unit))  # an unknown unit is a 404, never a 304
    head = record_svc.tree_head(s, cache.contest.election)
    tag = results_etag(contest_id, unit, children_offset, children_limit, cache.seq,
                       cache.turnout_seq, head)
    headers = {"ETag": tag, "Cache-Control": "no-cache"}
    if matches(if_none_match, tag):
        return Response(status_code=304, headers=headers)
    key = (contest_id, unit or "", children_offset, children_limit)
    answers = _kept(s, CACHE_KEY, _Answers)
    made = answers.get(key)
    if made is None or made.etag != tag:
        # the tally was just brought up to date: the answer is built from it as it is
        made = results_json(s, contest_id, unit, children_offset=children_offset,
                            children_limit=children_limit, max_age=math.inf, head=head)
        answers.put(key, made)
    headers["ETag"] = made.etag  # the answer's own (a newer record may have come meanwhile)
    if matches(if_none_match, made.etag):
        return Response(status_code=304, headers=headers)
    return Response(made.body, media_type="application/json", headers=headers)


__all__ = ["CHILDREN_LIMIT", "ResultsJson", "matches", "results_etag", "results_json",
           "results_response"]
