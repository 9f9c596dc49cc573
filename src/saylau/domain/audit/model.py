"""The audit's values: the manifest of stations (batches) with their reported counts, and an
assertion, a linear statement about the paper ballots (see assertions.py for the outcomes'
assertions and their sources)."""

from __future__ import annotations

import functools
from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np

from saylau.domain.errors import ValidationFailed, field_error


@dataclass(frozen=True)
class Polling:
    winners: tuple[str, ...]
    losers: tuple[str, ...]
    fraction: float


@dataclass(frozen=True)
class Assertion:
    key: str
    claim: str
    weights: Mapping[str, float]
    registered_weight: float = 0.0
    unit: str | None = None
    polling: Polling | None = None


@dataclass(frozen=True)
class Manifest:
    """The stations (batches) of one contest with their reported counts, in a fixed order."""

    stations: tuple[str, ...]
    units: tuple[str, ...]
    categories: tuple[str, ...]
    counts: np.ndarray  # int64, stations x categories: the protocols' figures
    registered: np.ndarray  # int64, per station

    def __post_init__(self) -> None:
        n, k = len(self.stations), len(self.categories)
        findings = []
        if self.counts.shape != (n, k):
            findings.append(field_error("counts", f"shape ({n}, {k})", list(self.counts.shape),
                                        "one row per station, one column per category"))
        if len(self.units) != n or self.registered.shape != (n,):
            findings.append(field_error("units", f"{n} entries", len(self.units),
                                        "one unit and one registered figure per station"))
        if self.counts.size and int(self.counts.min()) < 0:
            findings.append(field_error("counts", ">= 0", int(self.counts.min()),
                                        "a negative count"))
        if findings:
            raise ValidationFailed("the audit manifest is malformed",
                                   details={"findings": findings})

    @property
    def ballots(self) -> np.ndarray:
        return np.asarray(self.counts.sum(axis=1), dtype=np.int64)

    def column(self, category: str) -> int:
        return self.categories.index(category)

    def totals(self, unit: str | None = None) -> dict[str, int]:
        rows = self.counts if unit is None else self.counts[self.unit_mask(unit)]
        return {c: int(v) for c, v in zip(self.categories, rows.sum(axis=0), strict=True)}

    @functools.cached_property
    def index(self) -> dict[str, int]:
        """Each station's row (built once)."""
        return {s: i for i, s in enumerate(self.stations)}

    @functools.cached_property
    def _unit_codes(self) -> tuple[dict[str, int], np.ndarray]:
        """Each unit's number and every station's unit number (built once: a million
        stations' masks are then integer comparisons)."""
        index: dict[str, int] = {}
        codes = np.fromiter((index.setdefault(u, len(index)) for u in self.units),
                            dtype=np.int32, count=len(self.units))
        return index, codes

    def unit_mask(self, unit: str) -> np.ndarray:
        index, codes = self._unit_codes
        if unit not in index:
            return np.zeros(len(self.stations), dtype=bool)
        return np.asarray(codes == index[unit], dtype=bool)


def weight_vector(manifest: Manifest, a: Assertion) -> np.ndarray:
    unknown = sorted(set(a.weights) - set(manifest.categories))
    if unknown:
        raise ValidationFailed(
            f"assertion {a.key} names categories not on the ballot",
            details={"findings": [field_error("weights", str(list(manifest.categories)),
                                              unknown, "unknown category")]})
    return np.asarray([float(a.weights.get(c, 0.0)) for c in manifest.categories])


def station_margins(manifest: Manifest, a: Assertion, counts: np.ndarray | None = None
                    ) -> np.ndarray:
    """Each station's contribution to the assertion's margin (0 outside its unit)."""
    rows = manifest.counts if counts is None else counts
    m = rows @ weight_vector(manifest, a) + a.registered_weight * manifest.registered
    if a.unit is not None:
        m = np.where(manifest.unit_mask(a.unit), m, 0.0)
    return np.asarray(m, dtype=np.float64)


def margin(manifest: Manifest, a: Assertion) -> float:
    return float(station_margins(manifest, a).sum())
