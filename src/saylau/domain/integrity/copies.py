"""The quick count fed by the observers' protocol copies (issue 12 stores them, issue 14's
quick count reads them): a pure mapping from the sampled stations' current copies to the
quick count's `StationReport`s.

For each station of the sample, given every observer's current copy (flat figures, as
domain/observation/comparison.py keeps them: the protocol's counts and `votes.<option>`):

- no copy yet: the station is *missing* (not reported: the quick count says how many of the
  sample reported);
- the copies disagree with each other: a *conflict*; the station is left out, nothing is
  averaged or picked (the observation page shows the conflict; whoever sorts it out sends a
  corrected copy, which counts from then on);
- a copy lacks a figure the quick count needs: *incomplete*, left out, the field named;
- otherwise one report: registered, given = ballots issued, valid = in the boxes - invalid -
  both marked (as `services.integrity.station_figures` reads the official protocols, so both
  sides are measured alike), and each option's votes.

Copies of stations outside the sample are not used (counted as `outside`): the quick count's
margin of error holds only for the random sample drawn from the committed seed.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from saylau.domain.integrity.pvt import StationReport

NEEDED = ("registered", "ballots_issued", "ballots_in_boxes", "invalid")
"""The counts a copy must carry (both_marked is 0 when a ballot has no such category)."""


@dataclass(frozen=True, slots=True)
class CopyReports:
    reports: tuple[StationReport, ...]
    missing: tuple[str, ...]
    """Sampled stations without any observer's copy yet."""
    conflicts: tuple[str, ...]
    """Sampled stations whose observers' copies disagree with each other (left out)."""
    incomplete: tuple[tuple[str, str], ...]
    """(station, field): a sampled station's copy lacks a figure the estimate needs."""
    outside: int
    """Stations with copies that are not in the sample (not used)."""

    def as_dict(self) -> dict[str, Any]:
        return {"from_copies": len(self.reports), "missing": len(self.missing),
                "conflicts": list(self.conflicts),
                "incomplete": [{"station": s, "field": f} for s, f in self.incomplete],
                "outside_sample": self.outside}


def _report(station: str, figs: Mapping[str, int], options: Sequence[str]
            ) -> StationReport | str:
    """The station's report, or the first field the copy lacks."""
    for f in NEEDED:
        if f not in figs:
            return f
    for o in options:
        if f"votes.{o}" not in figs:
            return f"votes.{o}"
    valid = figs["ballots_in_boxes"] - figs["invalid"] - figs.get("both_marked", 0)
    return StationReport(station, int(figs["registered"]), int(figs["ballots_issued"]),
                         int(valid), {o: int(figs[f"votes.{o}"]) for o in options})


def reports_from_copies(sample: Sequence[str],
                        copies: Mapping[str, Sequence[Mapping[str, int]]],
                        options: Sequence[str]) -> CopyReports:
    """The quick count's reports from the sampled stations' current copies (one list of flat
    figures per station, one per observer). Pure: the same copies give the same reports,
    whatever order they arrived in."""
    drawn = set(sample)
    reports: list[StationReport] = []
    missing: list[str] = []
    conflicts: list[str] = []
    incomplete: list[tuple[str, str]] = []
    for s in sorted(drawn):
        cs = copies.get(s) or ()
        if not cs:
            missing.append(s)
            continue
        distinct = {tuple(sorted(c.items())) for c in cs}
        if len(distinct) > 1:
            conflicts.append(s)
            continue
        got = _report(s, cs[0], options)
        if isinstance(got, str):
            incomplete.append((s, got))
        else:
            reports.append(got)
    outside = sum(1 for s, cs in copies.items() if cs and s not in drawn)
    return CopyReports(tuple(reports), tuple(missing), tuple(conflicts), tuple(incomplete),
                       outside)
