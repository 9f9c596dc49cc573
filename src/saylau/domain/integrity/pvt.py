"""The quick count (parallel vote tabulation): a random sample of stations drawn from a seed
committed before voting ends, estimates of turnout and of each option's share with 95%
intervals as the sampled stations report, and their comparison with the official result.

The seed. The commission (or a mission) chooses a secret seed, publishes its SHA-256
commitment in the election's record before voting ends (`commit`), and reveals the seed after
the count: anyone checks `sha256(seed) == commitment` and redraws the same sample
(`draw_sample`), which depends on nothing else (no random-number library, no version).

The sample: stratified by top-level unit. Within a stratum, each station's key is
SHA-256(seed || 0x00 || station id) read as an integer; the n_h stations with the smallest keys
form the sample (a simple random sample without replacement, since the keys are uniform and
independent of everything about the stations).

The estimator: the combined ratio estimator over the strata (Cochran, Sampling Techniques,
3rd ed., 1977, section 6.11): for a share, R = sum_h (N_h / n_h) sum_i y_i / sum_h (N_h / n_h)
sum_i x_i with y the option's votes and x the valid votes (for turnout, y = ballots given and
x = registered), and its linearised variance sum_h N_h^2 (1 - n_h / N_h) s_eh^2 / n_h / X^2,
s_eh^2 the sample variance of e_i = y_i - R x_i in stratum h: the finite-population correction
(1 - n_h / N_h) included. The interval is R +- 1.96 sqrt(V) (a single unit's own
estimate, from few stations, uses Student's t with n_h - 1 degrees of freedom). Live: the
stations that have reported are taken as the sample (each stratum's n_h counts its reported
stations); a stratum with fewer than two reports has no variance of its own and its interval
is not given (`complete = False`) - a quick count is read when the sample is (nearly) in.

The planner: the sample size for a target margin of error e on a share, from the spread of
the station shares (sigma, from an earlier election or a default of 0.1) and of the station
sizes (their coefficient of variation cv): n0 = (1.96 / e)^2 (1 + cv^2) sigma^2, n = n0 / (1 +
n0 / N), allocated to the strata in proportion to their stations (at least `min_per_stratum`).

This module is a little longer than 400 lines because the quick count is one procedure
(frame, plan, sample, reports, estimate, comparison) whose parts are read together.

These are signals that warrant a look, not proof of fraud.
"""

from __future__ import annotations

import csv
import hashlib
import io
import math
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Protocol

import numpy as np
from scipy import stats

from saylau.domain.errors import ValidationFailed, field_error

Z95 = 1.959963984540054
HEX64 = re.compile(r"[0-9a-f]{64}")


def commit(seed: str) -> str:
    """The SHA-256 commitment to a seed (hex), published before voting ends."""
    return hashlib.sha256(seed.encode("utf-8")).hexdigest()


def check_commitment(seed: str, commitment: str) -> None:
    """Raise when the revealed seed does not match the published commitment."""
    actual = commit(seed)
    if actual != commitment.lower():
        raise ValidationFailed(
            "the revealed seed does not match the commitment published before voting ended",
            code="pvt_seed_mismatch",
            details=field_error("seed", f"sha256 = {commitment}", f"sha256 = {actual}",
                                "a different seed than the one committed"))


def station_key(seed: str, station: str) -> int:
    digest = hashlib.sha256(seed.encode("utf-8") + b"\x00" + station.encode("utf-8")).digest()
    return int.from_bytes(digest, "big")


@dataclass(frozen=True, slots=True)
class Frame:
    """The sampling frame: every station with its stratum (top-level unit) and voter list."""

    stations: tuple[str, ...]
    strata: tuple[str, ...]
    registered: tuple[int, ...]

    def __post_init__(self) -> None:
        if not (len(self.stations) == len(self.strata) == len(self.registered)):
            raise ValidationFailed("the frame's columns differ in length", code="pvt_frame",
                                   details=field_error("frame", "equal lengths",
                                                       [len(self.stations), len(self.strata),
                                                        len(self.registered)], "bad frame"))
        if len(set(self.stations)) != len(self.stations):
            raise ValidationFailed("a station appears twice in the frame", code="pvt_frame",
                                   details=field_error("stations", "distinct ids",
                                                       "duplicates", "bad frame"))

    def sizes(self) -> dict[str, int]:
        out: dict[str, int] = {}
        for s in self.strata:
            out[s] = out.get(s, 0) + 1
        return out


@dataclass(frozen=True, slots=True)
class Plan:
    margin: float
    sigma: float
    cv: float
    total: int
    per_stratum: dict[str, int]
    n0: float

    def as_dict(self) -> dict[str, object]:
        return {"margin": self.margin, "sigma": self.sigma, "cv": self.cv,
                "total": self.total, "per_stratum": dict(self.per_stratum), "n0": self.n0}


def plan(frame: Frame, margin: float, *, sigma: float = 0.1, cv: float | None = None,
         min_per_stratum: int = 2) -> Plan:
    """The sample size for a 95% margin of error `margin` on a share (see the module doc)."""
    if not 0 < margin < 1:
        raise ValidationFailed("the margin of error must be between 0 and 1",
                               code="pvt_margin",
                               details=field_error("margin", "0 < margin < 1", margin,
                                                   "a share, e.g. 0.01 for one point"))
    reg = np.array(frame.registered, dtype=float)
    if cv is None:
        cv = float(reg.std() / reg.mean()) if len(reg) and reg.mean() > 0 else 0.0
    big_n = len(frame.stations)
    n0 = (Z95 / margin) ** 2 * (1 + cv * cv) * sigma * sigma
    n = min(big_n, math.ceil(n0 / (1 + n0 / big_n))) if big_n else 0
    sizes = frame.sizes()
    per = {h: min(nh, max(min_per_stratum, math.ceil(n * nh / big_n)))
           for h, nh in sizes.items()}
    return Plan(margin=margin, sigma=sigma, cv=cv, total=sum(per.values()), per_stratum=per,
                n0=n0)


def draw_sample(frame: Frame, seed: str, per_stratum: Mapping[str, int]) -> tuple[str, ...]:
    """The sample: in each stratum, the stations with the smallest SHA-256 keys."""
    by: dict[str, list[tuple[int, str]]] = {}
    for st, h in zip(frame.stations, frame.strata, strict=True):
        by.setdefault(h, []).append((station_key(seed, st), st))
    chosen: list[str] = []
    for h, keyed in by.items():
        keyed.sort()
        chosen.extend(st for _, st in keyed[: per_stratum.get(h, 0)])
    return tuple(sorted(chosen))


@dataclass(frozen=True, slots=True)
class StationReport:
    """One sampled station's figures, from wherever they come: a CSV, the observers' protocol
    copies (issue 12; `copies.reports_from_copies`), the official protocols."""

    station: str
    registered: int
    given: int
    valid: int
    votes: Mapping[str, int]


class ReportSource(Protocol):
    """Anything that yields station figures: `csv_reports`, or `copies.reports_from_copies`
    over the observers' protocol copies (one report per sampled station whose copies agree)."""

    def __iter__(self) -> Iterable[StationReport]: ...  # pragma: no cover


def csv_reports(data: bytes) -> list[StationReport]:
    """Station figures from a CSV: station, registered, given, valid, then one column per
    option. Every bad cell is reported (line, field, expected, actual)."""
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"), newline="")))
    if not rows:
        raise ValidationFailed("the CSV is empty", code="pvt_csv",
                               details=field_error("file", "a header", "nothing", "empty"))
    head = [h.strip() for h in rows[0]]
    need = ["station", "registered", "given", "valid"]
    if head[:4] != need or len(head) < 5:
        raise ValidationFailed("the CSV header must be station,registered,given,valid,<options>",
                               code="pvt_csv",
                               details=field_error("header", ",".join(need) + ",<options>",
                                                   ",".join(head), "bad header"))
    options = head[4:]
    out: list[StationReport] = []
    errors = []
    for line, row in enumerate(rows[1:], start=2):
        if not row:
            continue
        if len(row) != len(head):
            errors.append({**field_error("row", f"{len(head)} fields", len(row),
                                         "wrong number of fields"), "line": line})
            continue
        nums: list[int] = []
        for name, cell in zip(head[1:], row[1:], strict=True):
            c = cell.strip()
            if not (c.isascii() and c.isdigit()):
                errors.append({**field_error(name, "a whole number", c, "not a count"),
                               "line": line})
            else:
                nums.append(int(c))
        if len(nums) == len(head) - 1:
            out.append(StationReport(row[0].strip(), nums[0], nums[1], nums[2],
                                     dict(zip(options, nums[3:], strict=True))))
    if errors:
        raise ValidationFailed(f"{len(errors)} bad cell(s) in the quick-count CSV",
                               code="pvt_csv", details={"errors": errors})
    return out


@dataclass(frozen=True, slots=True)
class Estimate:
    value: float
    low: float | None
    high: float | None
    se: float | None

    def covers(self, x: float) -> bool | None:
        if self.low is None or self.high is None:
            return None
        return self.low <= x <= self.high

    def as_dict(self) -> dict[str, float | None]:
        return {"value": self.value, "low": self.low, "high": self.high, "se": self.se}


@dataclass(frozen=True)
class QuickCount:
    reported: int
    sampled: int
    complete: bool
    """Every stratum has at least two reports (every interval is given)."""
    turnout: Estimate
    shares: dict[str, Estimate]
    by_stratum: dict[str, dict[str, Estimate]] = field(default_factory=dict)
    """Per stratum: 'turnout' and each option, from that stratum's reports alone."""

    def as_dict(self) -> dict[str, object]:
        return {"reported": self.reported, "sampled": self.sampled, "complete": self.complete,
                "turnout": self.turnout.as_dict(),
                "shares": {k: v.as_dict() for k, v in self.shares.items()},
                "by_stratum": {h: {k: v.as_dict() for k, v in d.items()}
                               for h, d in self.by_stratum.items()},
                "caveat": "These are signals that warrant a look, not proof of fraud."}


def ratio_estimate(ys: Sequence[np.ndarray], xs: Sequence[np.ndarray],
                   big_ns: Sequence[int]) -> Estimate:
    """The combined ratio estimator over strata (y, x per stratum; N_h stations in each)."""
    kept = [(y, x, nh) for y, x, nh in zip(ys, xs, big_ns, strict=True) if len(y)]
    weights = [nh / len(y) for y, _, nh in kept]
    ys = [y for y, _, _ in kept]
    xs = [x for _, x, _ in kept]
    y_hat = sum(w * float(y.sum()) for w, y in zip(weights, ys, strict=True))
    x_hat = sum(w * float(x.sum()) for w, x in zip(weights, xs, strict=True))
    if x_hat <= 0:
        return Estimate(float("nan"), None, None, None)
    r = y_hat / x_hat
    var = 0.0
    for y, x, w in zip(ys, xs, weights, strict=True):
        n = len(y)
        if n < 2:
            return Estimate(r, None, None, None)
        big = w * n
        e = y - r * x
        var += big * big * (1 - n / big) * float(e.var(ddof=1)) / n
    se = math.sqrt(max(var, 0.0)) / x_hat
    if se == 0.0:
        if all(w == 1.0 for w in weights):  # every station reported: the count itself
            return Estimate(r, r, r, 0.0)
        # every sampled station alike (an option nobody voted for): no spread to measure,
        # so no interval rather than a zero-width one
        return Estimate(r, None, None, None)
    # one stratum (a unit's own estimate, often from a handful of stations): Student's t
    # with n - 1 degrees of freedom instead of the normal quantile
    q = float(stats.t.isf(0.025, len(ys[0]) - 1)) if len(ys) == 1 else Z95
    return Estimate(r, r - q * se, r + q * se, se)


def estimate(frame: Frame, sample: Sequence[str], reports: Iterable[StationReport],
             options: Sequence[str]) -> QuickCount:
    """The quick count from the sampled stations that have reported so far. A report of a
    station outside the sample is refused (it would bias the estimate)."""
    strata = dict(zip(frame.stations, frame.strata, strict=True))
    sizes = frame.sizes()
    in_sample = set(sample)
    got: dict[str, StationReport] = {}
    for r in reports:
        if r.station not in in_sample:
            raise ValidationFailed(
                f"station {r.station} is not in the quick count's sample",
                code="pvt_not_sampled",
                details=field_error("station", "a sampled station", r.station,
                                    "reports outside the sample would bias the estimate"))
        got[r.station] = r
    order = list(sizes)
    per: dict[str, list[StationReport]] = {h: [] for h in order}
    for st, r in got.items():
        per[strata[st]].append(r)

    def cols(h: str, field_name: str) -> np.ndarray:
        return np.array([getattr(r, field_name) for r in per[h]], dtype=float)

    def votes(h: str, o: str) -> np.ndarray:
        return np.array([r.votes.get(o, 0) for r in per[h]], dtype=float)

    big = [sizes[h] for h in order]
    turnout = ratio_estimate([cols(h, "given") for h in order],
                             [cols(h, "registered") for h in order], big)
    shares = {o: ratio_estimate([votes(h, o) for h in order], [cols(h, "valid") for h in order],
                                big) for o in options}
    by_stratum: dict[str, dict[str, Estimate]] = {}
    for h in order:
        if not per[h]:
            continue
        d = {"turnout": ratio_estimate([cols(h, "given")], [cols(h, "registered")],
                                       [sizes[h]])}
        for o in options:
            d[o] = ratio_estimate([votes(h, o)], [cols(h, "valid")], [sizes[h]])
        by_stratum[h] = d
    complete = all(len(per[h]) >= 2 for h in order if sizes[h] >= 2)
    return QuickCount(reported=len(got), sampled=len(in_sample), complete=complete,
                      turnout=turnout, shares=shares, by_stratum=by_stratum)


@dataclass(frozen=True, slots=True)
class Comparison:
    """One figure: the official one against the quick count's interval."""

    unit: str
    figure: str
    official: float
    estimate: Estimate
    outside: bool | None
    """True: the official figure lies outside the 95% interval (a signal); None: no
    interval yet."""

    def as_dict(self) -> dict[str, object]:
        c = self.estimate.covers(self.official)
        return {"unit": self.unit, "figure": self.figure, "official": self.official,
                "estimate": self.estimate.as_dict(),
                "outside": None if c is None else not c}


def compare(qc: QuickCount, official: Mapping[str, Mapping[str, float]]) -> list[Comparison]:
    """Official figures ({unit: {'turnout' or option: share}}; the national one under the
    key '') against the quick count's intervals."""
    out: list[Comparison] = []
    for unit, figs in official.items():
        ests = ({"turnout": qc.turnout, **qc.shares} if unit == ""
                else qc.by_stratum.get(unit, {}))
        for name, value in figs.items():
            est = ests.get(name)
            if est is None:
                continue
            c = est.covers(value)
            out.append(Comparison(unit, name, float(value), est,
                                  None if c is None else not c))
    return out


def frame_csv(data: bytes) -> Frame:
    """A sampling frame from a CSV: station,stratum,registered."""
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"), newline="")))
    if not rows or [h.strip() for h in rows[0]] != ["station", "stratum", "registered"]:
        raise ValidationFailed("the frame CSV's header must be station,stratum,registered",
                               code="pvt_csv",
                               details=field_error("header", "station,stratum,registered",
                                                   ",".join(rows[0]) if rows else "",
                                                   "bad header"))
    errors = []
    st: list[str] = []
    hs: list[str] = []
    regs: list[int] = []
    for line, row in enumerate(rows[1:], start=2):
        if not row:
            continue
        if len(row) != 3 or not (row[2].strip().isascii() and row[2].strip().isdigit()):
            errors.append({**field_error("registered", "a whole number",
                                         row[2] if len(row) > 2 else "", "bad row"),
                           "line": line})
            continue
        st.append(row[0].strip())
        hs.append(row[1].strip())
        regs.append(int(row[2]))
    if errors:
        raise ValidationFailed(f"{len(errors)} bad row(s) in the frame CSV", code="pvt_csv",
                               details={"errors": errors})
    return Frame(tuple(st), tuple(hs), tuple(regs))


# --- the quick count on station figures (real files, simulations, the demo) -----------------


def frame_of(stations: Sequence[str], strata: Sequence[str], registered: Sequence[int],
             ) -> Frame:
    return Frame(tuple(stations), tuple(strata), tuple(int(r) for r in registered))


def reports_of(stations: Sequence[str], registered: Sequence[int], given: Sequence[int],
               valid: Sequence[int], votes: Mapping[str, Sequence[int]],
               chosen: Iterable[str]) -> list[StationReport]:
    """The reports of the `chosen` stations, from full station columns."""
    index = {s: k for k, s in enumerate(stations)}
    out = []
    for s in chosen:
        k = index[s]
        out.append(StationReport(s, int(registered[k]), int(given[k]), int(valid[k]),
                                 {o: int(v[k]) for o, v in votes.items()}))
    return out
