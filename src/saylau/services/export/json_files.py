"""The open data as JSON: one document per contest and level, the law's decision per contest,
and the index of an export (`election_json`); `open_data_files` gives every file of a CSV or
JSON export by name. Pure: snapshots in, text out (docs/open-data.md)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from saylau.domain.contests import Election
from saylau.domain.law.candidates import decision_json as candidate_json
from saylau.domain.law.parliament import decision_json as list_json
from saylau.domain.law.referendum import decision_json as referendum_json
from saylau.domain.lookup import unknown
from saylau.domain.observation.comparison import comparison_csv
from saylau.services.export.csv_files import (
    contests_csv,
    options_csv,
    sessions_csv,
    stations_csv,
    units_csv,
)
from saylau.services.export.figures import (
    FORMAT_VERSION,
    ContestSnapshot,
    JsonDict,
    contest_files,
    contest_summary,
    dumps,
    file_stem,
    option_summary,
    progress,
    session_records,
    station_records,
    unit_records,
)


def _header(s: ContestSnapshot, level: str) -> JsonDict:
    return {"format": "saylau-open-data", "format_version": FORMAT_VERSION, "level": level,
            "election": s.election.id, "contest": s.contest.id, "kind": s.contest.kind.value,
            "as_of": s.as_of, "options": [o.id for o in s.contest.options]}


def units_json(s: ContestSnapshot) -> JsonDict:
    return {**_header(s, "units"), "rows": unit_records(s)}


def stations_json(s: ContestSnapshot) -> JsonDict:
    return {**_header(s, "stations"), "rows": station_records(s)}


def sessions_json(s: ContestSnapshot) -> JsonDict:
    return {**_header(s, "sessions"), "rows": session_records(s)}


def decision_json(s: ContestSnapshot) -> JsonDict:
    """The law's decision on the snapshot's figures, as the API gives it, with its progress."""
    out: JsonDict = {"contest": s.contest.id, "as_of": s.as_of, **progress(s)}
    if s.referendum is not None:
        out["decision"] = referendum_json(s.referendum)
    elif s.list_seats is not None:
        out["decision"] = list_json(s.list_seats)
    elif s.candidates is not None:
        out["decision"] = candidate_json(s.candidates)
    else:
        out["decision"] = None
        out["state"] = "undecidable" if s.undecidable else "pending"
        out["reason"] = s.undecidable or "no results yet"
    return out


def election_json(election: Election, snaps: Sequence[ContestSnapshot]) -> JsonDict:
    """The index of a JSON export: the election, its contests, their options and files."""
    return {
        "format": "saylau-open-data", "format_version": FORMAT_VERSION,
        "election": {"id": election.id, "name": election.name.as_dict(),
                     "ruleset": election.ruleset.value, "date": election.date},
        "contests": [
            {**contest_summary(s),
             "options": [option_summary(o) for o in s.contest.options],
             "files": {**contest_files(s, "json"),
                       "decision": f"{file_stem(s.contest.id)}.decision.json"}}
            for s in snaps
        ],
    }


def open_data_files(
    election: Election, snaps: Sequence[ContestSnapshot], fmt: str,
    observation: Sequence[Mapping[str, Any]] = (),
) -> dict[str, str]:
    """Every file of a CSV or JSON export, {file name: text}, names as in docs/open-data.md;
    with `observation` (the comparison of observers' copies, issue 12, when there is any)
    also observation.json or observation.csv."""
    if fmt not in ("csv", "json"):
        raise unknown("format", ("csv", "json"), fmt, what="export format")
    files: dict[str, str] = {}
    if fmt == "csv":
        files["contests.csv"] = contests_csv(election, snaps)
        files["options.csv"] = options_csv(snaps)
    else:
        files["election.json"] = dumps(election_json(election, snaps))
    for s in snaps:
        names = contest_files(s, fmt)
        if fmt == "json":
            files[f"{file_stem(s.contest.id)}.decision.json"] = dumps(decision_json(s))
        for level, name in names.items():
            if fmt == "csv":
                build_csv = {"units": units_csv, "stations": stations_csv,
                             "sessions": sessions_csv}[level]
                files[name] = build_csv(s)
            else:
                build_json = {"units": units_json, "stations": stations_json,
                              "sessions": sessions_json}[level]
                files[name] = dumps(build_json(s))
    if observation:  # observation (issue 12)
        if fmt == "csv":
            files["observation.csv"] = comparison_csv(observation)
        else:
            files["observation.json"] = dumps({"election": election.id,
                                               "stations": list(observation)})
    return files
