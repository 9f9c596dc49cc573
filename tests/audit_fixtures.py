"""Synthetic manifests for the audits' tests and benchmark (numpy, seeded)."""

from __future__ import annotations

import numpy as np

from saylau.domain.audit.assertions import Manifest

CATEGORIES = ("yes", "no", "both_marked", "invalid")


def referendum_manifest(stations: int = 340, units: int = 17, yes_share: float = 0.6,
                        seed: int = 7, unit_shares: list[float] | None = None) -> Manifest:
    rng = np.random.default_rng(seed)
    unit_of = np.arange(stations) % units
    shares = np.asarray(unit_shares if unit_shares is not None
                        else [yes_share] * units)[unit_of]
    registered = rng.integers(800, 1500, size=stations)
    ballots = (registered * rng.uniform(0.55, 0.8, size=stations)).astype(np.int64)
    invalid = rng.binomial(ballots, 0.02)
    both = rng.binomial(ballots - invalid, 0.01)
    rest = ballots - invalid - both
    yes = rng.binomial(rest, shares)
    counts = np.column_stack([yes, rest - yes, both, invalid]).astype(np.int64)
    return Manifest(tuple(f"S{i:06d}" for i in range(stations)),
                    tuple(f"U{u:02d}" for u in unit_of), CATEGORIES, counts,
                    registered.astype(np.int64))


def shift_votes(m: Manifest, stations: np.ndarray, k: int, src: str = "no",
                dst: str = "yes") -> np.ndarray:
    """Counts with k votes moved from `src` to `dst` in the given stations (as many as there
    are)."""
    out = m.counts.copy()
    a, b = m.column(src), m.column(dst)
    moved = np.minimum(out[stations, a], k)
    out[stations, a] -= moved
    out[stations, b] += moved
    return out
