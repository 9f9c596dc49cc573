"""The building blocks of the NIST SP 1500-100 v2 ("CDF") election report: its @ids, its
three-language texts, count statuses, and the reporting units (the geography, the districts).
Pure (services.export.cdf puts the report together)."""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import UTC, datetime

from saylau.domain.contests import ContestKind
from saylau.domain.errors import ValidationFailed
from saylau.domain.geography import Geography, UnitKind
from saylau.domain.names import LANGUAGES, Names
from saylau.services.export.figures import ContestSnapshot, JsonDict

_NC = re.compile(r"[^A-Za-z0-9_.-]")


class Ids:
    """CDF @ids: a prefix per object type, then our id (characters outside A-Z a-z 0-9 _ . -
    replaced by _), made unique by a -2, -3 ... suffix when two would coincide."""

    def __init__(self) -> None:
        self._used: set[str] = set()
        self._given: dict[tuple[str, ...], str] = {}

    def __call__(self, kind: str, *parts: str) -> str:
        key = (kind, *parts)
        got = self._given.get(key)
        if got is None:
            base = "-".join([kind, *(_NC.sub("_", p) for p in parts)])
            got, n = base, 2
            while got in self._used:
                got, n = f"{base}-{n}", n + 1
            self._used.add(got)
            self._given[key] = got
        return got


def text_of(n: Names) -> JsonDict:
    """An InternationalizedText with a LanguageString for each of kk, ru, en that is given."""
    given = [(lang, getattr(n, lang)) for lang in LANGUAGES if getattr(n, lang)]
    return {"@type": "ElectionResults.InternationalizedText",
            "Text": [{"@type": "ElectionResults.LanguageString", "Language": lang,
                      "Content": text} for lang, text in (given or [("en", n.en)])]}


def status_of(reported: int, expected: int) -> str:
    if expected > 0 and reported >= expected:
        return "completed"
    return "in-process" if reported > 0 else "not-processed"


def count_status(kind: str, status: str) -> JsonDict:
    return {"@type": "ElectionResults.CountStatus", "Type": kind, "Status": status}


def generated_date(at: datetime) -> str:
    if at.tzinfo is None:
        raise ValidationFailed("the report's GeneratedDate needs a time zone",
                               details={"field": "generated", "expected": "an aware datetime",
                                        "actual": at.isoformat()})
    return at.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


_UNIT_TYPES = {UnitKind.COUNTRY: "country", UnitKind.REGION: "state", UnitKind.CITY: "state",
               UnitKind.STATION: "precinct"}

PASSAGE = {
    True: Names(
        kk="",
        ru="Решение принято, если за него проголосовало более половины граждан, принявших "
        "участие в голосовании, не менее чем в двух третях областей, городов республиканского "
        "значения и столицы; референдум состоялся, если в нём приняли участие более половины "
        "граждан, внесённых в списки.",
        en="Adopted if more than half of the participants vote yes in no fewer than two-thirds "
        "of the top-level units (regions, cities of republican significance and the capital); "
        "valid if more than half of the citizens on the voter lists take part.",
    ),
    False: Names(
        kk="",
        ru="Решение принято, если за него проголосовало более половины граждан, принявших "
        "участие в голосовании; референдум состоялся, если в нём приняли участие более "
        "половины граждан, внесённых в списки.",
        en="Adopted if more than half of the participants vote yes; valid if more than half "
        "of the citizens on the voter lists take part.",
    ),
}
"""The referendum's passage rule (docs/law.md §3.1, §3.5, §3.6), for BallotMeasureContest's
PassageThreshold. No Kazakh wording is given until a checked translation is available."""


def principal_contest(snaps: Sequence[ContestSnapshot]) -> ContestSnapshot | None:
    """The contest every voter of the country votes in (the referendum question, the party
    list, the presidency): its figures describe the reporting units themselves."""
    for s in snaps:
        if s.contest.area == s.geo.root.id and s.contest.kind in (
                ContestKind.REFERENDUM, ContestKind.PARTY_LIST, ContestKind.PRESIDENTIAL):
            return s
    return None


def reporting_units(geo: Geography, ids: Ids, principal: ContestSnapshot | None,
                     snaps: Sequence[ContestSnapshot]) -> list[JsonDict]:
    out: list[JsonDict] = []
    for i, u in enumerate(geo.units):
        ru: JsonDict = {"@id": ids("ru", u.id), "@type": "ElectionResults.ReportingUnit"}
        kind = _UNIT_TYPES.get(u.kind)
        if kind is None:  # districts: second-level units are counties, deeper ones 'other'
            kind = "county" if int(geo.depth[i]) == 2 else "other"
        ru["Type"] = kind
        if kind == "other":
            ru["OtherType"] = "district"
        ru["Name"] = text_of(u.name)
        kids = geo.children[u.id]
        if kids:
            ru["ComposingGpUnitIds"] = [ids("ru", k) for k in kids]
        if u.code:
            ru["ExternalIdentifier"] = [{"@type": "ElectionResults.ExternalIdentifier",
                                         "Type": "other", "OtherType": "iso-3166-2",
                                         "Value": u.code}]
        if principal is not None:
            r = principal.tally.result(u.id)
            if r.stations_expected > 0:
                ru["CountStatus"] = [count_status(
                    "total", status_of(r.stations_reported, r.stations_expected))]
                if not u.is_station:
                    ru["SubUnitsReported"] = r.stations_reported
                    ru["TotalSubUnits"] = r.stations_expected
                if r.stations_reported > 0:
                    ru["VotersRegistered"] = r.registered
                    ru["VotersParticipated"] = r.participants
        out.append(ru)
    seen: set[str] = set()
    for s in snaps:
        d = s.contest.district
        if d is None or d.id in seen:
            continue
        seen.add(d.id)
        out.append({
            "@id": ids("ed", d.id), "@type": "ElectionResults.ReportingUnit", "Type": "other",
            "OtherType": "single-member-district", "Name": text_of(d.name), "Number": str(d.number),
            "ComposingGpUnitIds": [ids("ru", st)
                                   for st in sorted(d.stations, key=lambda st: geo.index[st])],
            "CountStatus": [count_status("total", status_of(s.total.stations_reported,
                                                             s.total.stations_expected))],
            "SubUnitsReported": s.total.stations_reported,
            "TotalSubUnits": s.total.stations_expected,
        })
    return out
