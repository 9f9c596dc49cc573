"""Synthetic member lists for the demo, the tests and the benchmark: realistic rows with a
chosen share of bad ones (wrong check digits, duplicates within the list, members of another
party, barred officials, unknown regions). Seeded: the same seed gives the same list. The IINs
are random digits completed with their check digit (docs/law.md §12.2); they are nobody's.
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from dataclasses import dataclass

from saylau.domain.parties.iin import complete
from saylau.domain.parties.members import MemberColumns

_GIVEN = ("Aigerim", "Nurlan", "Dana", "Yerlan", "Madina", "Askar", "Saule", "Daniyar",
          "Aruzhan", "Bauyrzhan", "Gulnara", "Timur", "Zhanna", "Arman", "Aliya", "Serik")
_FAMILY = ("Abenov", "Serikova", "Nurpeisov", "Tokayeva", "Zhakupov", "Omarova", "Kassymov",
           "Akhmetova", "Ibrayev", "Suleimenova", "Bekov", "Utegenova")


@dataclass(frozen=True, slots=True)
class BadShares:
    """The share (0..1) of rows of each kind of fault; the rest are good rows."""

    check_digit: float = 0.0
    duplicate: float = 0.0
    other_party: float = 0.0
    barred: float = 0.0
    unknown_region: float = 0.0


def random_iin(rng: random.Random) -> str:
    """A random valid IIN (eleven random digits and their check digit)."""
    while True:
        got = complete("".join(rng.choice("0123456789") for _ in range(11)))
        if got is not None:
            return got


def wrong_check_digit(iin: str) -> str:
    """The same first eleven digits with another last digit: never valid."""
    return iin[:11] + str((int(iin[11]) + 1) % 10)


def member_list(seed: int, size: int, regions: Sequence[str], *,
                shares: BadShares = BadShares(), per_region: Sequence[int] | None = None,
                other_party: Sequence[str] = (), barred: Sequence[str] = (),
                joined: str = "2022-10-01") -> MemberColumns:
    """`size` rows spread over `regions` (evenly, or `per_region[k]` rows in regions[k] when
    given, their sum then the size), faults at the chosen shares. `other_party` and `barred`:
    IINs to draw the cross-party and barred rows from."""
    rng = random.Random(seed)  # noqa: S311 (synthetic data, seeded: no secret)
    if per_region is not None:
        region_of = [r for r, n in zip(regions, per_region, strict=True) for _ in range(n)]
    else:
        region_of = [regions[i % len(regions)] for i in range(size)]
    size = len(region_of)
    iins: list[str] = []
    out_regions: list[str] = []
    for i in range(size):
        x = rng.random()
        iin = random_iin(rng)
        region = region_of[i]
        edge = shares.check_digit
        if x < edge:
            iin = wrong_check_digit(iin)
        elif x < (edge := edge + shares.duplicate) and iins:
            iin = iins[rng.randrange(len(iins))]
        elif x < (edge := edge + shares.other_party) and other_party:
            iin = other_party[rng.randrange(len(other_party))]
        elif x < (edge := edge + shares.barred) and barred:
            iin = barred[rng.randrange(len(barred))]
        elif x < edge + shares.unknown_region:
            region = "KZ-00"
        iins.append(iin)
        out_regions.append(region)
    names = tuple(f"{rng.choice(_FAMILY)} {rng.choice(_GIVEN)}" for _ in range(size))
    births = tuple(f"{rng.randint(1940, 2005)}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}"
                   for _ in range(size))
    return MemberColumns(
        lines=tuple(range(2, size + 2)), full_names=names, birth_dates=births,
        iins=tuple(iins), regions=tuple(out_regions), joined=(joined,) * size,
        signatures=(True,) * size)


def to_csv(cols: MemberColumns) -> str:
    """The list as the CSV file a party would send (the import's columns, header first)."""
    lines = ["full_name,birth_date,iin,region,joined,signature"]
    lines += [f"{cols.full_names[i]},{cols.birth_dates[i]},{cols.iins[i]},{cols.regions[i]},"
              f"{cols.joined[i]},{'yes' if cols.signatures[i] else 'no'}"
              for i in range(len(cols))]
    return "\n".join(lines) + "\n"
