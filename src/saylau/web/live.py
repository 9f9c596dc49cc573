"""The results JSON of every unit as static files, kept up to date while protocols arrive
(`saylau publish --live DIR`, cli/publish.py; docs/operations.md, "Election night: reads").

A static server (nginx, any CDN) serves a file far faster than the app builds an answer
(docs/benchmarks.md, "reads"). The live publisher follows the store: every `every` seconds it
brings each contest's tally up to date (services.results.refresh: only the protocol versions
stored since) and rewrites only the files of the units whose figures changed: the stations
with new protocols and their ancestors, which the tally knows (domain.tally.Tally's overlay,
made by `retally`), or the units whose turnout series changed. Each file is written beside
its target and moved into place with os.replace, so a reader never sees half a file.

Each file holds the very bytes GET /api/contests/{contest}/results?unit={unit} answers at the
record it was written from (api/results_json.py builds both), `as_of`, `turnout_as_of` and the
signed `tree_head` naming that record. A unit whose figures did not change keeps its file:
its figures are those of now, while its record-wide fields (`as_of`, the tree head, a
referendum's nationwide `decision`) are those of the record it names; the national file (an
ancestor of every station) always has the latest.

Layout under DIR:

    results/<contest>/<unit>.json   every unit of the contest's area, the area's own included
                                     (the route without `unit` answers the area's); with
                                     `gzip`, <unit>.json.gz beside it
    live.json                        the election, each contest's record (`as_of`,
                                     `turnout_as_of`), units written, the time of the pass

The first pass writes every unit (or, with `depth`, the units down to that depth and every
deeper file an earlier run left), the nation and the regions first, a few seconds' worth per
pass behind the changed units of the pass (at a million stations every unit takes long:
docs/operations.md).
"""

from __future__ import annotations

import gzip
import json
import math
import os
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import numpy.typing as npt

from saylau.domain.contests import Contest, ContestKind
from saylau.domain.geography import Geography
from saylau.domain.ids import UnitId

if TYPE_CHECKING:
    from saylau.domain.tally import Tally, TurnoutTally
    from saylau.services.context import Saylau

Indices = npt.NDArray[np.int64]
GZIP_LEVEL = 6
"""zlib's default: most of the gain of 9 at a fraction of its time."""


def write_atomic(path: Path, data: bytes) -> None:
    """Write `path` so that a reader sees the old file or the new one, never a part: a
    temporary file in the same directory, then os.replace (atomic on POSIX)."""
    tmp = path.with_name(f".{path.name}.{os.getpid()}.{threading.get_ident()}.tmp")
    try:
        tmp.write_bytes(data)
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise


def area_units(geo: Geography, area: UnitId) -> Indices:
    """Indices of the units of `area` (itself included), shallowest first."""
    parent = geo.parent_index
    inside = np.zeros(len(geo.units), dtype=np.bool_)
    inside[geo.index[area]] = True
    for _ in range(int(geo.depth.max())):  # each step reaches one level further down
        inside |= (parent >= 0) & inside[np.maximum(parent, 0)]
    found = np.flatnonzero(inside)
    return found[np.argsort(geo.depth[found], kind="stable")].astype(np.int64)


def changed_units(before: Tally, after: Tally) -> Indices:
    """Units whose row differs between two tallies of one contest. `retally` makes a new row
    (a new array) for each changed station and each of its ancestors and shares the rest, so
    on a common base the changed units are the overlay rows that are not the same object; a
    tally summed again from scratch is compared row by row."""
    if after is before:
        return np.zeros(0, dtype=np.int64)
    if after.base is before.base:
        new = [u for u, row in after.overlay.items() if before.overlay.get(u) is not row]
        return np.array(sorted(new), dtype=np.int64)
    return np.flatnonzero((after.totals != before.totals).any(axis=1)).astype(np.int64)


def changed_turnout(before: TurnoutTally | None, after: TurnoutTally | None,
                    n: int) -> Indices | None:
    """Units whose turnout series changed; None when every unit's did (new report times)."""
    if after is before or after is None:
        return np.zeros(0, dtype=np.int64)
    if before is None or before.times != after.times:
        return None
    return np.flatnonzero((after.totals != before.totals).any(axis=(0, 2))).astype(np.int64)


@dataclass
class _Contest:
    contest: Contest
    first: Indices
    """The units the first pass writes, shallowest first."""
    in_area: npt.NDArray[np.bool_]
    """The units of the contest's area (by index in the geography): the units with files."""
    waiting: npt.NDArray[np.bool_]
    """Units of `first` not written yet: a change to one of them waits for its turn."""
    tally: Tally | None = None
    turnout: TurnoutTally | None = None
    as_of: int = 0
    turnout_as_of: int = -1
    backlog: int = 0
    """Units of `first` before this position have been written once."""
    written: int = 0


@dataclass(frozen=True)
class Pass:
    """What one pass did."""

    files: int
    """Files written (the changed units' and the backlog's)."""
    changed: int
    """Units whose figures changed since the previous pass."""
    backlog: int
    """Units not yet written once (the first pass still under way)."""
    seconds: float


@dataclass
class LivePublisher:
    """Keeps DIR/results/<contest>/<unit>.json equal to the app's results route (see the
    module's notes). `publish_once` makes one pass; `run` makes one every `every` seconds
    until `stop` is set."""

    app: Saylau
    out: Path
    election_id: str | None = None
    every: float = 1.0
    backlog_seconds: float = 0.5
    """Time a pass may spend on units never written yet, after the changed ones."""
    gzip: bool = False
    """Also write each file gzipped beside it (<unit>.json.gz, for nginx's gzip_static): a
    district's answer lists 500 stations, some 320 KB that gzip makes about a tenth."""
    depth: int | None = None
    """The first pass writes the units down to this many levels below each contest's area
    (0: the area alone; None: every unit). A deeper unit's file is written when its
    figures change (a station when its protocol comes), so a static server can serve the
    files it has and hand the rest to the app."""
    _contests: dict[str, _Contest] = field(default_factory=dict)
    _election: str = ""

    def __post_init__(self) -> None:
        from saylau.web import views

        if not (self.every > 0 and math.isfinite(self.every)):
            from saylau.domain.errors import ValidationFailed

            raise ValidationFailed(
                f"the interval between passes must be a positive number of seconds, got "
                f"{self.every!r}", details={"field": "every", "expected": "a positive number "
                                            "of seconds", "actual": self.every})
        info = views.election_info(self.app, self.election_id)
        self._election = info.election.id
        geo = self.app.geography()
        self.out = self.out.resolve()
        for c in info.contests:
            if c.kind is ContestKind.SENATE_SEAT:  # no unit results: its joint sessions
                continue
            area = area_units(geo, c.area)
            in_area = np.zeros(len(geo.units), dtype=np.bool_)
            in_area[area] = True
            first = area
            if self.depth is not None:
                top = int(geo.depth[geo.index[c.area]])
                first = area[geo.depth[area] <= top + self.depth]
                # the deeper files an earlier run left: rewritten too, as protocols may have
                # come while no publisher ran
                left = self._files_of(geo, c.id)
                left = left[in_area[left] & (geo.depth[left] > top + self.depth)]
                first = np.concatenate([first, np.unique(left)])
            waiting = np.zeros(len(geo.units), dtype=np.bool_)
            waiting[first] = True
            self._contests[c.id] = _Contest(c, first, in_area, waiting)

    def _files_of(self, geo: Geography, contest_id: str) -> Indices:
        """Indices of the units that have a file in the contest's directory."""
        from urllib.parse import unquote

        from saylau.web.render import file_name

        folder = self.out / "results" / file_name(contest_id)
        if not folder.is_dir():
            return np.zeros(0, dtype=np.int64)
        found = (geo.index.get(UnitId(unquote(e.name[:-5]))) for e in os.scandir(folder)
                 if e.name.endswith(".json") and not e.name.startswith("."))
        return np.array([i for i in found if i is not None], dtype=np.int64)

    def path(self, contest_id: str, unit_id: str) -> Path:
        from saylau.web.render import file_name

        return self.out / "results" / file_name(contest_id) / f"{file_name(unit_id)}.json"

    def publish_once(self) -> Pass:
        """Bring every contest's tally up to date and write the files of the units that
        changed, then of the units not yet written (for up to `backlog_seconds`)."""
        from saylau.api.results_json import results_json
        from saylau.services import record as record_svc
        from saylau.services import results as results_svc

        start = self.app.monotonic()
        geo = self.app.geography()
        n = len(geo.units)
        files = changed = 0
        todo: list[tuple[_Contest, Indices]] = []
        for cid, st in self._contests.items():
            t, cache = results_svc.refresh(self.app, cid)
            turnout = cache.turnout
            if st.tally is None:
                units = np.zeros(0, dtype=np.int64)
            else:
                units = changed_units(st.tally, t)
                moved = changed_turnout(st.turnout, turnout, n)
                if moved is None:  # new report times: every unit's series, again
                    st.backlog = 0
                    st.waiting[st.first] = True
                    moved = np.flatnonzero(st.in_area & ~st.waiting)
                units = np.union1d(units, moved)
                # the first pass writes its units when their turn comes, current by then;
                # a unit outside the area has no file
                units = units[st.in_area[units] & ~st.waiting[units]]
            st.tally, st.turnout = t, turnout
            st.as_of, st.turnout_as_of = cache.seq, cache.turnout_seq
            changed += int(units.size)
            todo.append((st, units))
        head = record_svc.tree_head(self.app, self._election)
        # the decision every unit's file carries, at the record just brought up to date
        decisions = {st.contest.id: (results_svc.decide(self.app, st.contest.id,
                                                        max_age=math.inf)[0],)
                     for st, _u in todo}

        def write(st: _Contest, i: int) -> None:
            unit = geo.units[i].id
            made = results_json(self.app, st.contest.id, unit, max_age=math.inf, head=head,
                                decision=decisions[st.contest.id])
            target = self.path(st.contest.id, unit)
            if not target.parent.is_dir():
                target.parent.mkdir(parents=True, exist_ok=True)
            write_atomic(target, made.body)
            if self.gzip:  # what nginx's gzip_static sends a reader accepting gzip
                write_atomic(target.with_name(target.name + ".gz"),
                             gzip.compress(made.body, GZIP_LEVEL, mtime=0))
            st.waiting[i] = False
            st.written += 1

        for st, units in todo:
            for i in units.tolist():
                write(st, i)
                files += 1
        deadline = self.app.monotonic() + self.backlog_seconds
        for st, _units in todo:
            while st.backlog < st.first.size and self.app.monotonic() < deadline:
                for i in st.first[st.backlog:st.backlog + 64].tolist():
                    write(st, i)
                    files += 1
                st.backlog = min(st.backlog + 64, int(st.first.size))
        left = sum(int(st.first.size) - st.backlog for st in self._contests.values())
        if files:
            self._manifest(head.as_json(), left)
        return Pass(files, changed, left, self.app.monotonic() - start)

    def _manifest(self, head: dict[str, Any], left: int) -> None:
        manifest = {
            "generator": "saylau publish --live",
            "election": self._election,
            "updated_at": self.app.clock().isoformat(),
            "every": self.every,
            "tree_head": head,
            "units_not_yet_written": left,
            "contests": {cid: {"as_of": st.as_of, "turnout_as_of": st.turnout_as_of,
                               "units": int(np.count_nonzero(st.in_area)),
                               "first_pass": int(st.first.size), "written": st.written}
                         for cid, st in self._contests.items()},
        }
        self.out.mkdir(parents=True, exist_ok=True)
        write_atomic(self.out / "live.json",
                     json.dumps(manifest, ensure_ascii=False, indent=1).encode())

    def run(self, stop: threading.Event, *, passes: int | None = None,
            on_pass: Callable[[Pass], None] | None = None) -> int:
        """A pass every `every` seconds (the next one starts `every` after the last began,
        at once when a pass took longer) until `stop` is set or `passes` were made. Returns
        the passes made."""
        made = 0
        while not stop.is_set() and (passes is None or made < passes):
            began = self.app.monotonic()
            done = self.publish_once()
            made += 1
            if on_pass is not None:
                on_pass(done)
            if passes is not None and made >= passes:
                break
            stop.wait(max(0.0, self.every - (self.app.monotonic() - began)))
        return made


__all__ = ["LivePublisher", "Pass", "area_units", "changed_turnout", "changed_units",
           "write_atomic"]
