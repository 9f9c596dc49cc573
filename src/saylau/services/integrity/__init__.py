"""Integrity analytics' use cases (issue 14): load an election's station figures (or a file
through saylau.importers) for the pure tests of domain/integrity/, store their fixed
parameters in the election's record before results come in, draw and follow the quick count's
sample. The routes are api/routes/integrity.py; the page web/views/ and web/render/ (an
integrity module each); the commands cli/integrity.py.

Parameters and the seed's commitment are refused once any protocol of the election is
stored: a test tuned after the results are known is worth nothing.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from saylau.domain.errors import Conflict, NotFound, ValidationFailed, field_error
from saylau.domain.integrity import pvt
from saylau.domain.integrity.figures import StationFigures
from saylau.domain.integrity.record import commitment_record, params_record
from saylau.domain.integrity.suite import IntegrityParams, official_of, run_all
from saylau.domain.protocols import COUNT_FIELDS
from saylau.domain.record.envelope import format_timestamp
from saylau.services.context import Saylau
from saylau.services.logs import append
from saylau.store import elections as election_store
from saylau.store import integrity as store
from saylau.store import protocols as protocol_store

_REGISTERED = COUNT_FIELDS.index("registered")
_ISSUED = COUNT_FIELDS.index("ballots_issued")
_IN_BOXES = COUNT_FIELDS.index("ballots_in_boxes")
_INVALID = COUNT_FIELDS.index("invalid")
_BOTH = COUNT_FIELDS.index("both_marked")


def _results_began(conn: Any, election: str) -> bool:
    return any(protocol_store.max_protocol_seq(conn, c.id) > 0
               for c in election_store.contests_of(conn, election))


def _exists(conn: Any, election: str) -> None:
    if not election_store.election_exists(conn, election):
        raise NotFound(f"no election {election}",
                       details=field_error("election", "an election's id", election,
                                           "no such election"))


def fix_params(app: Saylau, election: str, params: IntegrityParams, by: str = "cli") -> int:
    """Fix the tests' parameters in the election's record; returns the leaf's index."""
    at = format_timestamp(app.clock())
    with app.write() as conn:
        _exists(conn, election)
        if store.get_params(conn, election) is not None:
            raise Conflict(f"the integrity parameters of {election} are already fixed",
                           code="integrity_params_fixed", details={"election": election})
        if _results_began(conn, election):
            raise Conflict(f"results of {election} have begun: parameters must be fixed "
                           "before the first protocol", code="integrity_too_late",
                           details={"election": election})
        leaf = append(conn, election, params_record(election=election, params=params,
                                                    recorded_by=by, recorded_at=at))
        store.insert_params(conn, election, params.as_dict(), params.digest(), leaf, by, at)
    return leaf


def stored_params(app: Saylau, election: str) -> dict[str, Any] | None:
    with app.read() as conn:
        return store.get_params(conn, election)


def commit_seed(app: Saylau, election: str, commitment: str, margin: float, sigma: float,
                by: str = "cli") -> int:
    """Publish the quick count's seed commitment in the record, before results."""
    if not pvt.HEX64.fullmatch(commitment):
        raise ValidationFailed("the commitment must be a SHA-256 in lowercase hex",
                               code="pvt_commitment",
                               details=field_error("commitment", "64 hex digits", commitment,
                                                   "not a commitment"))
    at = format_timestamp(app.clock())
    with app.write() as conn:
        _exists(conn, election)
        if store.get_commitment(conn, election) is not None:
            raise Conflict(f"the quick count of {election} is already committed",
                           code="pvt_committed", details={"election": election})
        if _results_began(conn, election):
            raise Conflict(f"results of {election} have begun: the seed must be committed "
                           "before", code="integrity_too_late", details={"election": election})
        leaf = append(conn, election, commitment_record(
            election=election, commitment=commitment, margin=repr(margin), sigma=repr(sigma),
            recorded_by=by, recorded_at=at))
        store.insert_commitment(conn, election, commitment, repr(margin), repr(sigma), leaf,
                                by, at)
    return leaf


def station_figures(app: Saylau, contest_id: str) -> StationFigures:
    """The current protocols of a contest as station figures (units: the top-level unit and
    the station's parent)."""
    with app.read() as conn:
        contest = election_store.get_contest(conn, contest_id)
        if contest is None:
            raise NotFound(f"no contest {contest_id}",
                           details=field_error("contest", "a contest id", contest_id, ""))
        options = [o.id for o in contest.options]
        cols = protocol_store.protocol_columns_after(conn, contest_id, 0, options)
    if cols is None:
        raise ValidationFailed("a station id holds a line break", code="integrity_station")
    seq, stations, counts = cols
    latest: dict[str, int] = {}
    for k in np.argsort(seq):
        latest[stations[int(k)]] = int(k)
    idx = np.array(sorted(latest.values(), key=lambda k: stations[k]), dtype=np.int64)
    c = counts[idx] if len(idx) else np.zeros((0, counts.shape[1]), dtype=np.int64)
    geo = app.geography()
    ids = [stations[int(k)] for k in idx]
    top = []
    parent = []
    for s in ids:
        u = geo.top_level_of(s)  # type: ignore[arg-type]
        top.append(u.id if u is not None else "")
        p = geo.unit(s).parent  # type: ignore[arg-type]
        parent.append(p or "")
    votes = c[:, len(COUNT_FIELDS):]
    return StationFigures(
        stations=tuple(ids), registered=c[:, _REGISTERED], given=c[:, _ISSUED],
        in_boxes=c[:, _IN_BOXES], valid=c[:, _IN_BOXES] - c[:, _INVALID] - c[:, _BOTH],
        votes=votes, options=tuple(options), units=(tuple(top), tuple(parent)))


def run_election(app: Saylau, election: str, *, contest: str | None = None,
                 calibrate_tests: bool = True) -> dict[str, Any]:
    """Every test on a stored contest's current protocols, with the parameters fixed in the
    record (or the defaults, said so); the run is stored."""
    with app.read() as conn:
        _exists(conn, election)
        contests = election_store.contests_of(conn, election)
        fixed = store.get_params(conn, election)
    if not contests:
        raise NotFound(f"election {election} has no contest")
    cid = contest or contests[0].id
    params = IntegrityParams.from_dict(fixed["params"]) if fixed else IntegrityParams()
    figs = station_figures(app, cid)
    if len(figs) == 0:
        raise ValidationFailed(f"no protocol of {cid} yet", code="integrity_no_results",
                               details=field_error("contest", "a contest with protocols", cid,
                                                   "nothing to test"))
    result = run_all(figs, params, calibrate_tests=calibrate_tests)
    result["params_source"] = (f"fixed in the record, leaf {fixed['leaf']}" if fixed
                               else "defaults: not fixed in the record before results")
    result["contest"] = cid
    result["official"] = official_of(figs)
    with app.read() as conn:
        committed = store.get_commitment(conn, election)
    if committed is not None and committed["seed"] is not None:
        result["quick_count"] = quick_count(app, election, cid)
    at = format_timestamp(app.clock())
    with app.write() as conn:
        result["run"] = store.insert_run(conn, election, cid, params.digest(), result, at)
    return result


def latest_run(app: Saylau, election: str) -> dict[str, Any] | None:
    with app.read() as conn:
        return store.latest_run(conn, election)


# --- the quick count on a stored election ----------------------------------------------------


def _frame(app: Saylau) -> pvt.Frame:
    geo = app.geography()
    stations, strata, registered = [], [], []
    for s in geo.stations():
        top = geo.top_level_of(s.id)
        stations.append(s.id)
        strata.append(top.id if top is not None else "")
        registered.append(s.registered)
    return pvt.Frame(tuple(stations), tuple(strata), tuple(registered))


def _committed(app: Saylau, election: str) -> dict[str, Any]:
    with app.read() as conn:
        _exists(conn, election)
        c = store.get_commitment(conn, election)
    if c is None:
        raise NotFound(f"no quick count committed for {election}",
                       details=field_error("election", "a committed quick count", election,
                                           "commit the seed first"))
    return c


def sample(app: Saylau, election: str, seed: str) -> tuple[str, ...]:
    """The sample the seed draws (checked against the commitment): anyone can redraw it."""
    c = _committed(app, election)
    pvt.check_commitment(seed, c["commitment"])
    plan = pvt.plan(_frame(app), float(c["margin"]), sigma=float(c["sigma"]))
    return pvt.draw_sample(_frame(app), seed, plan.per_stratum)


def reveal_seed(app: Saylau, election: str, seed: str) -> tuple[str, ...]:
    """Reveal the seed after the count (checked against the commitment); returns the sample."""
    drawn = sample(app, election, seed)
    at = format_timestamp(app.clock())
    with app.write() as conn:
        store.reveal_seed(conn, election, seed, at)
    return drawn


def add_reports(app: Saylau, election: str, reports: list[pvt.StationReport], *,
                source: str = "csv", by: str = "cli") -> int:
    """Store sampled stations' figures (a CSV, observers' protocol copies, ...); a station
    outside the sample is refused. Earlier reports of a station stay stored; the latest
    counts."""
    c = _committed(app, election)
    if c["seed"] is None:
        raise Conflict("reveal the seed first: the sample is not known before",
                       code="pvt_seed_hidden", details={"election": election})
    in_sample = set(sample(app, election, c["seed"]))
    bad = [r.station for r in reports if r.station not in in_sample]
    if bad:
        raise ValidationFailed(f"{len(bad)} report(s) of stations outside the sample",
                               code="pvt_not_sampled",
                               details=field_error("station", "a sampled station",
                                                   ", ".join(bad[:10]), "not sampled"))
    at = format_timestamp(app.clock())
    rows = [{"station_id": r.station, "source": source, "registered": r.registered,
             "given": r.given, "valid": r.valid, "votes": dict(r.votes)} for r in reports]
    with app.write() as conn:
        store.insert_reports(conn, election, rows, by, at)
    return len(rows)


def quick_count(app: Saylau, election: str, contest: str | None = None,
                ) -> dict[str, Any] | None:
    """The quick count from the stored reports, compared with the official figures of the
    contest's current protocols; None before the seed is revealed."""
    c = _committed(app, election)
    if c["seed"] is None:
        return None
    drawn = sample(app, election, c["seed"])
    with app.read() as conn:
        rows = store.latest_reports(conn, election)
        contests = election_store.contests_of(conn, election)
    cid = contest or contests[0].id
    figs = station_figures(app, cid)
    reports = [pvt.StationReport(r["station_id"], int(r["registered"]), int(r["given"]),
                                 int(r["valid"]), r["votes"]) for r in rows]
    qc = pvt.estimate(_frame(app), drawn, reports, list(figs.options))
    comparison = [x.as_dict() for x in pvt.compare(qc, official_of(figs))]
    return {"commitment": c["commitment"], "seed": c["seed"], **qc.as_dict(),
            "comparison": comparison}
