"""The whole election as a NIST SP 1500-100 v2 ("CDF") JSON election report, precinct level:
its contests, selections, vote and ballot counts, parties and candidates. The mapping of every
figure is in docs/open-data.md; the report validates against the official JSON schema. Pure:
snapshots and the GeneratedDate in, a JSON document out (no clock is read)."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from datetime import datetime

from saylau import __version__
from saylau.domain.contests import ContestKind, Election, Option, OptionKind
from saylau.domain.errors import ValidationFailed
from saylau.domain.geography import Unit
from saylau.domain.ids import OptionId
from saylau.domain.law.candidates import CandidateDecision, Outcome
from saylau.domain.names import Names
from saylau.domain.rulesets import RULESETS
from saylau.domain.tally import UnitResult
from saylau.services.export.cdf_parts import (
    PASSAGE,
    Ids,
    count_status,
    generated_date,
    principal_contest,
    reporting_units,
    status_of,
    text_of,
)
from saylau.services.export.figures import ContestSnapshot, JsonDict, dumps, unit_indices

ISSUER = "Central Election Commission of the Republic of Kazakhstan"
ISSUER_ABBREVIATION = "CEC"


def _reported_units(s: ContestSnapshot) -> Iterator[tuple[Unit, UnitResult]]:
    """The contest's units (stations included) with at least one reported station."""
    for i in unit_indices(s, stations=None, reported=True):
        u = s.geo.units[i]
        yield u, s.tally.result(u.id)


def _district_gpu(s: ContestSnapshot, ids: Ids) -> str:
    d = s.contest.district
    return ids("ed", d.id) if d is not None else ids("ru", s.contest.area)


def _vote_counts(s: ContestSnapshot, ids: Ids, option: OptionId,
                 units: Sequence[tuple[Unit, UnitResult]]) -> list[JsonDict]:
    out = [{"@type": "ElectionResults.VoteCounts", "GpUnitId": ids("ru", u.id),
            "Type": "total", "Count": r.vote(option)} for u, r in units]
    if s.contest.district is not None and s.has_results:  # the district's own total
        out.insert(0, {"@type": "ElectionResults.VoteCounts", "GpUnitId": _district_gpu(s, ids),
                       "Type": "total", "Count": s.total.vote(option)})
    return out


def _against_all(s: ContestSnapshot, ids: Ids, o: Option, order: int,
                 counts: list[JsonDict]) -> JsonDict:
    """"Against all": the one CDF selection that carries its own (three-language) name."""
    return {"@id": ids("sel", s.contest.id, o.id),
            "@type": "ElectionResults.BallotMeasureSelection", "Selection": text_of(o.name),
            "SequenceOrder": order, "VoteCounts": counts}


def _contest_common(s: ContestSnapshot, ids: Ids, order: int, cdf_type: str) -> JsonDict:
    r = s.total
    status = [count_status("total", status_of(r.stations_reported, r.stations_expected))]
    return {
        "@id": ids("contest", s.contest.id), "@type": cdf_type,
        "ElectionDistrictId": _district_gpu(s, ids),
        "Name": s.contest.name.en or s.contest.id, "BallotTitle": text_of(s.contest.name),
        "SequenceOrder": order, "CountStatus": status,
        "SubUnitsReported": r.stations_reported, "TotalSubUnits": r.stations_expected,
    }


def _other_counts(s: ContestSnapshot, ids: Ids,
                  units: Sequence[tuple[Unit, UnitResult]]) -> list[JsonDict]:
    """Both-marked referendum ballots: overvotes (valid ballots that count for neither)."""
    return [{"@type": "ElectionResults.OtherCounts", "GpUnitId": ids("ru", u.id),
             "Overvotes": r.both_marked} for u, r in units]


def _post_status(d: CandidateDecision | None, final: bool, option: str) -> str | None:
    if d is None or not final:
        return None
    if d.outcome is Outcome.ELECTED:
        return "winner" if d.winner == option else "defeated"
    if d.outcome is Outcome.RUNOFF and d.runoff is not None:
        return "advanced-to-runoff" if option in d.runoff else "defeated"
    if d.outcome is Outcome.REPEAT:
        return "defeated"
    return None  # a tie or an invalid vote: nobody's status is settled by the count


def _senate_counts(s: ContestSnapshot, ids: Ids, option: str) -> list[JsonDict]:
    gpu = ids("ru", s.contest.area)
    return [{"@type": "ElectionResults.VoteCounts", "GpUnitId": gpu, "Type": "total",
             "Round": r.round, "Count": dict(r.votes).get(option, 0)}
            for r in s.sessions if option in dict(r.votes)]


_CONTEST_TYPES = {
    ContestKind.REFERENDUM: "ElectionResults.BallotMeasureContest",
    ContestKind.PARTY_LIST: "ElectionResults.PartyContest",
    ContestKind.SINGLE_MEMBER: "ElectionResults.CandidateContest",
    ContestKind.PRESIDENTIAL: "ElectionResults.CandidateContest",
    ContestKind.SENATE_SEAT: "ElectionResults.CandidateContest",
}


def _contest(s: ContestSnapshot, ids: Ids, order: int, candidates: list[JsonDict]
             ) -> JsonDict:
    c = s.contest
    units = list(_reported_units(s)) if c.kind is not ContestKind.SENATE_SEAT else []
    out = _contest_common(s, ids, order, _CONTEST_TYPES[c.kind])
    selections: list[JsonDict] = []
    if c.kind is ContestKind.REFERENDUM:
        assert c.referendum is not None
        out["Type"] = "referendum"
        out["FullText"] = text_of(c.referendum.question)
        out["PassageThreshold"] = text_of(PASSAGE[c.referendum.constitutional])
        if c.referendum.constitutional:
            out["VoteVariation"] = "other"
            out["OtherVoteVariation"] = "majority-in-two-thirds-of-top-level-units"
        else:
            out["VoteVariation"] = "majority"
        for k, o in enumerate(c.options, 1):
            selections.append({"@id": ids("sel", c.id, o.id),
                               "@type": "ElectionResults.BallotMeasureSelection",
                               "Selection": text_of(o.name), "SequenceOrder": k,
                               "VoteCounts": _vote_counts(s, ids, o.id, units)})
        if units:
            out["OtherCounts"] = _other_counts(s, ids, units)
    elif c.kind is ContestKind.PARTY_LIST:
        out["VoteVariation"] = "proportional"
        d = s.list_seats
        seats = d.seats if d is not None else {}
        for k, o in enumerate(c.options, 1):
            counts = _vote_counts(s, ids, o.id, units)
            if o.kind is OptionKind.AGAINST_ALL:
                selections.append(_against_all(s, ids, o, k, counts))
                continue
            if d is not None:
                counts.append({"@type": "ElectionResults.VoteCounts",
                               "GpUnitId": _district_gpu(s, ids), "Type": "seats",
                               "Count": seats.get(o.id, 0)})
            selections.append({"@id": ids("sel", c.id, o.id),
                               "@type": "ElectionResults.PartySelection",
                               "PartyIds": [ids("party", o.id)], "SequenceOrder": k,
                               "VoteCounts": counts})
        if d is not None:
            final = s.complete and d.undecided == 0
            out["CountStatus"].append(count_status("seats",
                                                    "completed" if final else "in-process"))
    else:
        out["VotesAllowed"] = 1
        out["NumberElected"] = 1
        if c.kind is ContestKind.SINGLE_MEMBER:
            out["VoteVariation"] = "plurality"
        else:  # the presidency and a Senate seat: a majority, else the top two go to round 2
            out["VoteVariation"] = "majority"
            out["NumberRunoff"] = 2
        senate = c.kind is ContestKind.SENATE_SEAT
        if senate:
            r1 = [r for r in s.sessions if r.round == 1]
            out["CountStatus"] = [count_status("total", "completed" if s.complete else (
                "in-process" if r1 else "not-processed"))]
            del out["SubUnitsReported"], out["TotalSubUnits"]
        for k, o in enumerate(c.options, 1):
            counts = (_senate_counts(s, ids, o.id) if senate
                      else _vote_counts(s, ids, o.id, units))
            if o.kind is OptionKind.AGAINST_ALL:
                selections.append(_against_all(s, ids, o, k, counts))
                continue
            cand: JsonDict = {"@id": ids("cand", c.id, o.id),
                              "@type": "ElectionResults.Candidate", "BallotName": text_of(o.name)}
            if o.party is not None:
                cand["PartyId"] = ids("party", o.party)
            status = _post_status(s.candidates, s.complete, o.id)
            if status is not None:
                cand["PostElectionStatus"] = status
            candidates.append(cand)
            selections.append({"@id": ids("sel", c.id, o.id),
                               "@type": "ElectionResults.CandidateSelection",
                               "CandidateIds": [cand["@id"]], "SequenceOrder": k,
                               "VoteCounts": counts})
    out["ContestSelection"] = selections
    return out


def _ballot_counts(s: ContestSnapshot, ids: Ids, principal: bool) -> list[JsonDict]:
    """Ballots found in the boxes and invalid ones, per unit, for the contest's ballot paper:
    `total` for the principal contest, `other` naming the contest for the others."""
    kind: JsonDict = ({"Type": "total"} if principal else
                      {"Type": "other", "OtherType": f"ballot:{ids('contest', s.contest.id)}"})
    if s.contest.kind is ContestKind.SENATE_SEAT:
        gpu = ids("ru", s.contest.area)
        return [{"@type": "ElectionResults.BallotCounts", "GpUnitId": gpu, **kind,
                 "Round": r.round, "BallotsCast": sum(v for _, v in r.votes) + r.invalid,
                 "BallotsRejected": r.invalid} for r in s.sessions]
    out = [{"@type": "ElectionResults.BallotCounts", "GpUnitId": ids("ru", u.id), **kind,
            "BallotsCast": r.ballots_in_boxes, "BallotsRejected": r.invalid}
           for u, r in _reported_units(s)]
    if s.contest.district is not None and s.has_results:
        out.insert(0, {"@type": "ElectionResults.BallotCounts", "GpUnitId": _district_gpu(s, ids),
                       **kind, "BallotsCast": s.total.ballots_in_boxes,
                       "BallotsRejected": s.total.invalid})
    return out


def _parties(snaps: Sequence[ContestSnapshot], ids: Ids) -> list[JsonDict]:
    names: dict[str, Names] = {}
    for s in snaps:
        if s.contest.kind is ContestKind.PARTY_LIST:
            for o in s.contest.options:
                if o.kind is OptionKind.CHOICE:
                    names.setdefault(o.id, o.name)
    for s in snaps:  # candidates' parties with no list in this election: named by their id
        for o in s.contest.options:
            if o.party is not None:
                names.setdefault(o.party, Names.same(o.party))
    return [{"@id": ids("party", p), "@type": "ElectionResults.Party", "Name": text_of(n)}
            for p, n in names.items()]


def _election_type(election: Election, snaps: Sequence[ContestSnapshot]) -> JsonDict:
    kinds = {s.contest.kind for s in snaps}
    if kinds == {ContestKind.REFERENDUM}:
        return {"Type": "other", "OtherType": "referendum"}
    if kinds == {ContestKind.SENATE_SEAT}:
        return {"Type": "other", "OtherType": "indirect"}
    return {"Type": "general"}


def _report_status(snaps: Sequence[ContestSnapshot]) -> str:
    if snaps and all(s.complete for s in snaps):
        return "unofficial-complete"
    if any(s.has_results for s in snaps):
        return "unofficial-partial"
    return "pre-election"


def cdf_report(
    election: Election, snaps: Sequence[ContestSnapshot], generated: datetime, *,
    is_test: bool = False,
) -> JsonDict:
    """The election as a NIST SP 1500-100 v2 ElectionReport (JSON), precinct level.

    `generated` (an aware datetime) becomes GeneratedDate. The mapping of every figure is in
    docs/open-data.md; the report validates against the official JSON schema."""
    if not snaps:
        raise ValidationFailed(f"election {election.id!r} has no contests to report",
                               details={"field": "contests", "expected": "at least one",
                                        "actual": 0})
    geo = snaps[0].geo
    ids = Ids()
    principal = principal_contest(snaps)
    gp_units = reporting_units(geo, ids, principal, snaps)
    parties = _parties(snaps, ids)
    candidates: list[JsonDict] = []
    contests_out = [_contest(s, ids, k, candidates) for k, s in enumerate(snaps, 1)]
    ballots = [b for s in snaps for b in _ballot_counts(s, ids, s is principal)]
    complete = all(s.complete for s in snaps)
    any_results = any(s.has_results for s in snaps)
    election_out: JsonDict = {
        "@type": "ElectionResults.Election", "Name": text_of(election.name),
        "StartDate": election.date, "EndDate": election.date,
        **_election_type(election, snaps),
        "ElectionScopeId": ids("ru", geo.root.id),
        "CountStatus": [count_status("total", "completed" if complete else (
            "in-process" if any_results else "not-processed"))],
        "Contest": contests_out,
    }
    if candidates:
        election_out["Candidate"] = candidates
    if ballots:
        election_out["BallotCounts"] = ballots
    as_of = ", ".join(f"{s.contest.id} as of protocol record {s.as_of}" for s in snaps)
    report: JsonDict = {
        "@type": "ElectionResults.ElectionReport",
        "Format": "precinct-level",
        "GeneratedDate": generated_date(generated),
        "Issuer": ISSUER,
        "IssuerAbbreviation": ISSUER_ABBREVIATION,
        "VendorApplicationId": f"saylau {__version__}",
        "SequenceStart": 1,
        "SequenceEnd": 1,
        "Status": _report_status(snaps),
        "IsTest": is_test,
        "Notes": f"Election {election.id} under ruleset {election.ruleset.value}; {as_of}. "
                 "Unofficial: figures of the accepted protocols, not the certified result.",
        "GpUnit": gp_units,
        "Election": [election_out],
    }
    if parties:
        report["Party"] = parties
    if RULESETS[election.ruleset].generic:
        report["Notes"] += " Generic ruleset: not a Kazakhstan statute."
    return report


def cdf_json(report: JsonDict) -> str:
    """The report as the text of a .json file (UTF-8, names unescaped)."""
    return dumps(report)
