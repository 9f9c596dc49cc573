"""Drawing the audit's sample from a public seed, so that anyone redraws it from the seed and
the manifest alone.

Two published constructions, written here from their descriptions (no code copied):

- **Rivest's consistent sampler** (R. L. Rivest, "consistent_sampler", 2018, the sampler that
  VotingWorks' Arlo uses): every id gets a pseudo-random *ticket* in (0, 1) from SHA-256; the
  sample without replacement is the ids in increasing ticket order. The first ticket of `id`
  under `seed` is the decimal expansion of SHA-256(hex(SHA-256(str(seed))) + str(id)), read as
  an integer written with at least 64 decimal digits, the digits taken in reverse order (low
  digits first, because the high digits of a decimal conversion are biased) and put after "0.".
  Sampling with replacement puts a drawn id back with its next ticket, a larger fraction drawn
  from SHA-256 of the old ticket and a counter.
- **PPEB draws** (probability proportional to an error bound; Aslam, Popa and Rivest 2008,
  Stark 2009) for batch comparison: draw j (1, 2, ...) takes the uniform fraction u_j = the
  first ticket of the id "draw-j" under the seed, and picks the batch whose interval of the
  cumulative error bounds contains u_j. The same construction with the ballots as weights
  draws ballots uniformly with replacement for ballot polling.

Tickets compare as strings of digits, exactly as Rivest's sampler orders them; numpy does the
cumulative sums and the search (one million stations in well under a second).
"""

from __future__ import annotations

import hashlib
import heapq
from collections.abc import Iterator, Sequence
from dataclasses import dataclass

import numpy as np

from saylau.domain.errors import ValidationFailed, field_error


def sha256_hex(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def uniform_digits(text: str) -> str:
    """The digits of Rivest's `sha256_uniform`: the decimal value of SHA-256(text), at least 64
    digits, reversed (without the leading "0.")."""
    value = int.from_bytes(hashlib.sha256(text.encode("utf-8")).digest(), "big")
    return str(value).zfill(64)[::-1]


def first_ticket(item: str, seed: str) -> str:
    """The first (generation 1) ticket of `item` under `seed`, as the string "0.ddd..."."""
    return "0." + uniform_digits(sha256_hex(seed) + item)


def next_ticket(ticket: str) -> str:
    """A pseudo-random fraction larger than `ticket`: keep the leading 9s of its digits, replace
    the rest by the digits of SHA-256(ticket + ":" + i) for i = 1, 2, ... until larger."""
    padded = ticket + "0"
    first_non_nine = next(i for i in range(2, len(padded)) if padded[i] < "9")
    i = 0
    candidate = "0."
    while candidate <= padded:
        i += 1
        candidate = padded[:first_non_nine] + uniform_digits(f"{ticket}:{i}")
    return candidate


def tickets(items: Sequence[str], seed: str) -> list[str]:
    """The first tickets' digits (without "0.") of every item, in the items' order."""
    prefix = sha256_hex(seed)
    sha = hashlib.sha256
    out: list[str] = []
    append = out.append
    for item in items:
        value = int.from_bytes(sha((prefix + item).encode("utf-8")).digest(), "big")
        append(str(value).zfill(64)[::-1])
    return out


def sample_without_replacement(items: Sequence[str], seed: str, n: int) -> list[str]:
    """The `n` items with the smallest first tickets, smallest first: Rivest's consistent
    sample without replacement (a larger n extends a smaller one's sample)."""
    _check_distinct(items)
    keys = tickets(items, seed)
    order = heapq.nsmallest(n, range(len(items)), key=keys.__getitem__)
    return [items[i] for i in order]


@dataclass(frozen=True)
class Draw:
    ticket: str
    item: str
    generation: int


def sample_with_replacement(items: Sequence[str], seed: str, n: int) -> list[Draw]:
    """`n` draws with replacement: the smallest ticket is drawn and replaced by its next ticket
    (Rivest's consistent sampler with replacement)."""
    _check_distinct(items)
    if not items:
        return []
    heap = [(f"0.{t}", item, 1) for t, item in zip(tickets(items, seed), items, strict=True)]
    heapq.heapify(heap)
    out: list[Draw] = []
    for _ in range(n):
        ticket, item, generation = heap[0]
        out.append(Draw(ticket, item, generation))
        heapq.heapreplace(heap, (next_ticket(ticket), item, generation + 1))
    return out


def draw_fractions(seed: str, start: int, count: int) -> np.ndarray:
    """u_j for draws j = start + 1 .. start + count: the first ticket of "draw-j" under the seed,
    as a float in (0, 1) (its first 15 digits)."""
    prefix = sha256_hex(seed)
    out = np.empty(count, dtype=np.float64)
    for k in range(count):
        digits = uniform_digits(f"{prefix}draw-{start + k + 1}")
        out[k] = int(digits[:15]) / 1e15
    return out


def weighted_draws(weights: np.ndarray, seed: str, start: int, count: int) -> np.ndarray:
    """Indices of draws start+1 .. start+count with probability proportional to `weights`
    (PPEB when the weights are error bounds; uniform ballots when they are ballot counts)."""
    w = np.asarray(weights, dtype=np.float64)
    if w.ndim != 1 or w.size == 0 or np.any(w < 0) or not np.isfinite(w).all():
        raise ValidationFailed(
            "the sampling weights must be a non-empty list of finite non-negative numbers",
            details={"findings": [field_error("weights", "finite numbers >= 0", int(w.size),
                                              "bad sampling weights")]})
    total = float(w.sum())
    if total <= 0:
        raise ValidationFailed(
            "nothing to sample: every weight is zero",
            details={"findings": [field_error("weights", "a positive total", total,
                                              "every weight is zero")]})
    cumulative = np.cumsum(w) / total
    cumulative[-1] = 1.0
    u = draw_fractions(seed, start, count)
    return np.searchsorted(cumulative, u, side="right").astype(np.int64)


def iter_tickets(items: Sequence[str], seed: str) -> Iterator[tuple[str, str]]:
    """(item, ticket) for every item, for a published list of tickets."""
    for item, digits in zip(items, tickets(items, seed), strict=True):
        yield item, "0." + digits


def _check_distinct(items: Sequence[str]) -> None:
    if len(set(items)) != len(items):
        seen: set[str] = set()
        dupes = sorted({x for x in items if x in seen or seen.add(x)})  # type: ignore[func-returns-value]
        raise ValidationFailed(
            "the manifest names an item twice",
            details={"findings": [field_error("manifest", "distinct ids", dupes[:10],
                                              "duplicate ids in the manifest")]})
