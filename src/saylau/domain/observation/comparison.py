"""An observer's copy of a station's protocol held against the official protocol, field by
field (docs/law.md §14.3: observers receive certified copies of the protocol; the copy is what
saylau compares).

A protocol's figures are compared flat: the counts of domain/protocols (`registered`,
`ballots_issued`, ...) and each option's votes as `votes.<option>`. For one station, given the
official protocol's current version (or none) and every observer's current copy (one per
observer; each observer's slot is versioned by domain/versions.py):

    official_missing   copies, no official protocol yet
    observer_missing   an official protocol, no copy yet
    matches            the copies all agree, and with the official protocol, field for field
    differs            the copies all agree, and differ from the official protocol: each
                       field with both numbers (a field one side lacks has None on that side)
    conflict           two observers' copies disagree with each other: every distinct copy is
                       kept with its observers and its own differences from the official one
                       (nothing is overwritten or averaged)

A station with neither side has no comparison (`compare` returns None). The result is a pure
function of its inputs, independent of the order the copies arrive in (a property test holds
it), so the verifier re-derives it from the exported record.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from saylau.domain.protocols.values import COUNT_FIELDS, ProtocolCounts

Figures = Mapping[str, int]


class Status(StrEnum):
    MATCHES = "matches"
    DIFFERS = "differs"
    OFFICIAL_MISSING = "official_missing"
    OBSERVER_MISSING = "observer_missing"
    CONFLICT = "conflict"


def figures(counts: ProtocolCounts) -> dict[str, int]:
    """A protocol's counts as flat figures."""
    out = {f: int(getattr(counts, f)) for f in COUNT_FIELDS}
    out.update({f"votes.{o}": int(v) for o, v in counts.votes})
    return out


def figures_from_dict(d: Mapping[str, Any]) -> dict[str, int]:
    """Flat figures from a protocol's plain data (`ProtocolCounts.as_dict`, a record's body)."""
    out = {f: int(d[f]) for f in COUNT_FIELDS if f in d}
    votes = d.get("votes") or {}
    out.update({f"votes.{o}": int(v) for o, v in dict(votes).items()})
    return out


_RANK = {f: (k, "") for k, f in enumerate(COUNT_FIELDS)}


def _order(field: str) -> tuple[int, str]:
    """Protocol order: the counts as on the protocol, then the votes by option id."""
    return _RANK.get(field) or (len(COUNT_FIELDS), field)


def in_protocol_order(figs: Mapping[str, int]) -> dict[str, int]:
    """The figures in protocol order (how they are stored and shown; comparisons and
    equality never depend on the order)."""
    return {k: figs[k] for k in sorted(figs, key=_order)}


@dataclass(frozen=True, slots=True)
class FieldDiff:
    field: str
    official: int | None
    observer: int | None

    def as_dict(self) -> dict[str, Any]:
        return {"field": self.field, "official": self.official, "observer": self.observer}


def diff(official: Figures, observer: Figures) -> tuple[FieldDiff, ...]:
    """Every field whose figures differ (or that one side lacks), in protocol order."""
    fields = sorted(set(official) | set(observer), key=_order)
    return tuple(FieldDiff(f, official.get(f), observer.get(f)) for f in fields
                 if official.get(f) != observer.get(f))


@dataclass(frozen=True, slots=True)
class CopyGroup:
    """One distinct copy's figures, the observers (badges) who sent it, its differences from
    the official protocol (empty when it matches, or when there is no official one)."""

    figures: Mapping[str, int]
    observers: tuple[str, ...]
    differences: tuple[FieldDiff, ...]

    def as_dict(self) -> dict[str, Any]:
        return {"figures": dict(self.figures),
                "observers": list(self.observers),
                "differences": [d.as_dict() for d in self.differences]}


@dataclass(frozen=True, slots=True)
class StationComparison:
    station: str
    status: Status
    official: Mapping[str, int] | None
    groups: tuple[CopyGroup, ...]
    """The distinct copies, largest group first, then by their figures: one unless conflict."""

    @property
    def differences(self) -> tuple[FieldDiff, ...]:
        """For `differs`: the fields and both numbers (the one group's)."""
        return self.groups[0].differences if self.status is Status.DIFFERS else ()

    def as_dict(self) -> dict[str, Any]:
        return {"station": self.station, "status": self.status.value,
                "official": None if self.official is None else dict(self.official),
                "copies": [g.as_dict() for g in self.groups],
                "differences": [d.as_dict() for d in self.differences]}


def _key(figs: Figures) -> tuple[tuple[str, int], ...]:
    return tuple(sorted(figs.items()))


def compare(station: str, official: Figures | None,
            copies: Iterable[tuple[str, Figures]]) -> StationComparison | None:
    """The station's comparison; `copies` are (observer badge, figures), one per observer
    (their current versions). None when there is neither side."""
    copies = list(copies)
    if official is None and not copies:
        return None
    if copies and all(f == copies[0][1] for _, f in copies[1:]):  # one distinct copy
        figs = copies[0][1]
        same = official is not None and figs == official
        group = CopyGroup(figs, tuple(sorted(b for b, _ in copies)),
                          () if official is None or same else diff(official, figs))
        status = Status.OFFICIAL_MISSING if official is None else \
            Status.MATCHES if same else Status.DIFFERS
        return StationComparison(station, status, official, (group,))
    by_content: dict[tuple[tuple[str, int], ...], list[str]] = {}
    for badge, figs in copies:
        by_content.setdefault(_key(figs), []).append(badge)
    groups = tuple(sorted(
        (CopyGroup(dict(k), tuple(sorted(badges)),
                   () if official is None else diff(official, dict(k)))
         for k, badges in by_content.items()),
        key=lambda g: (-len(g.observers), _key(g.figures))))
    status = Status.CONFLICT if groups else Status.OBSERVER_MISSING
    return StationComparison(station, status, official, groups)


def summary(comparisons: Iterable[StationComparison]) -> dict[str, int]:
    """How many stations are in each status (every status named, zeros included)."""
    out = {s.value: 0 for s in Status}
    for c in comparisons:
        out[c.status.value] += 1
    return out


def comparison_csv(stations: Sequence[Mapping[str, Any]]) -> str:
    """The published comparison as CSV (open data, UTF-8 with a byte-order mark): one row
    per difference (field, official, observer and the observers who sent that copy), one row
    with an empty field for a station without any."""
    import csv
    import io

    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\r\n")
    w.writerow(["contest", "station", "status", "field", "official", "observer",
                "observers"])
    for s in stations:
        rows = [(d, g["observers"]) for g in s["copies"] for d in g["differences"]]
        if not rows:
            observers = ";".join(b for g in s["copies"] for b in g["observers"])
            w.writerow([s["contest"], s["station"], s["status"], "", "", "", observers])
        for d, observers in rows:
            w.writerow([s["contest"], s["station"], s["status"], d["field"],
                        "" if d["official"] is None else d["official"],
                        "" if d["observer"] is None else d["observer"],
                        ";".join(observers)])
    return "\ufeff" + buf.getvalue()
