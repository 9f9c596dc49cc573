"""Seat allocation methods, as pure functions with exact fractions, explanations and ties.

Sources: docs/law.md §5.3-§5.4 and §6.1 (Majilis `kz-2022` and `kz-2007`: the Kazakh list
method is the largest-remainder method with quota = sum of the admitted parties' votes / seats:
the Hare quota on the admitted parties; equal remainders go to the list registered earlier); for
the `generic` ruleset (docs/law.md §15), the
textbook definitions of the methods (M. Gallagher, "Comparing Proportional Representation
Electoral Systems: Quotas, Thresholds, Paradoxes and Majorities", British Journal of Political
Science 22(4), 1992; M. Balinski and H. P. Young, "Fair Representation", 2nd ed., 2001).

One signature per rule family, looked up by name (`allocation_method`, `METHODS`):

- `largest_remainder(votes, seats, quota="hare"|"droop", *, tie_breaker=None)`:
  each party gets the integer part of votes / quota, then the seats left go one each to the
  largest fractional remainders, in descending order. If more seats are left than there are
  parties (possible only with the Droop quota and very few votes), every party takes one
  seat per full round and the rest go by remainders: "one each, in descending order, around
  again". Hare quota = votes / seats (exact fraction); Droop quota = floor(votes / (seats + 1))
  + 1 (an integer: H. R. Droop, 1881; the classic form, never awards more seats than there are).
- `dhondt(votes, seats, *, tie_breaker=None)`: highest quotients votes / 1, 2, 3, ...
- `sainte_lague(votes, seats, *, tie_breaker=None)`: highest quotients votes / 1, 3, 5, ...
- `threshold(votes, share, base=None)`: a party passes when votes >= share × base
  ("not less than": exactly at the threshold passes); `base` defaults to the sum of `votes`,
  and the caller states it (e.g. parties + "against all" under kz-2022).

Ties are values. When the last seat(s) fall inside a group of parties with the same remainder
(or quotient), the method returns a `Tie` (the parties and how many places they share).
Breaking it is a separate, visible step (`TieBreaker`): first the statute's rule, registration
order (the list registered earlier wins), which applies only when every tied party has one;
then, only if a seed was given, a `Lot` drawn from that recorded public seed. A tie neither can
break stays in `Allocation.ties` and its seats stay undecided (`Allocation.undecided`).

The lot (documented so that anyone can redo it with any SHA-256 tool):

    key(party) = SHA-256( seed bytes || 0x00 || UTF-8 bytes of the party's name )

with the seed given in hex and the name exactly as written in the input. The tied parties are
ranked by key, smallest first (hex strings compare like the numbers), and the first `places`
of them win. In Python::

    hashlib.sha256(bytes.fromhex(SEED) + b"\\x00" + NAME.encode("utf-8")).hexdigest()

No global random state is used: the same seed and names always give the same draw.
"""

from __future__ import annotations

from saylau.domain.explain import decimal_text  # importable from here, as it always was
from saylau.domain.law.allocation.divisors import (
    dhondt,
    sainte_lague,
)
from saylau.domain.law.allocation.methods import (
    METHODS,
    allocation_method,
)
from saylau.domain.law.allocation.names import (
    LOT_PROCEDURE,
    RULE_DHONDT,
    RULE_DROOP,
    RULE_HARE,
    RULE_SAINTE_LAGUE,
    RULE_THRESHOLD,
    RULE_TIE_LOT,
    RULE_TIE_OPEN,
    RULE_TIE_ORDER,
    Method,
    QuotaName,
    TieRule,
    fraction_json,
)
from saylau.domain.law.allocation.remainders import (
    QUOTAS,
    droop_quota,
    hare_quota,
    largest_remainder,
)
from saylau.domain.law.allocation.threshold import (
    ThresholdResult,
    threshold,
)
from saylau.domain.law.allocation.ties import (
    Lot,
    Tie,
    TieBreak,
    TieBreaker,
    tie_steps,
)
from saylau.domain.law.allocation.values import (
    Allocation,
    AllocationRow,
    AllocationRule,
)

__all__ = [
    "LOT_PROCEDURE",
    "METHODS",
    "QUOTAS",
    "RULE_DHONDT",
    "RULE_DROOP",
    "RULE_HARE",
    "RULE_SAINTE_LAGUE",
    "RULE_THRESHOLD",
    "RULE_TIE_LOT",
    "RULE_TIE_OPEN",
    "RULE_TIE_ORDER",
    "Allocation",
    "AllocationRow",
    "AllocationRule",
    "Lot",
    "Method",
    "QuotaName",
    "ThresholdResult",
    "Tie",
    "TieBreak",
    "TieBreaker",
    "TieRule",
    "allocation_method",
    "decimal_text",
    "dhondt",
    "droop_quota",
    "fraction_json",
    "hare_quota",
    "largest_remainder",
    "sainte_lague",
    "threshold",
    "tie_steps",
]
