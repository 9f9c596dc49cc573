"""Deciding a contest from its tally: the one place that turns a Tally into the law's input.

Used by the services (live results) and by the independent verifier (saylau verify), so both
apply the law to the same figures in the same way.
"""

from __future__ import annotations

from collections.abc import Mapping
from fractions import Fraction

from saylau.domain.contests import AGAINST_ALL, NO, YES, Contest, ContestKind, OptionKind
from saylau.domain.errors import ValidationFailed
from saylau.domain.geography import Geography
from saylau.domain.law.candidates import (
    CandidateDecision,
    CandidateVotes,
    decide_district,
    decide_president,
)
from saylau.domain.law.parliament import (
    LIST_RULES,
    ListDecision,
    ListReadings,
    PartyVotes,
    decide_list_seats,
)
from saylau.domain.law.referendum import (
    ReferendumDecision,
    ReferendumReadings,
    UnitFigures,
    decide_referendum,
)
from saylau.domain.rulesets import RulesetName
from saylau.domain.tally import Tally, UnitResult


def unit_figures(t: Tally, geo: Geography) -> list[UnitFigures]:
    """A referendum decision's input: one line per top-level unit, from the tally."""
    out = []
    for u in geo.top_level():
        r = t.result(u.id)
        out.append(
            UnitFigures(
                unit=u.id, name=u.name.en, registered=r.registered,
                ballots_issued=r.ballots_issued, ballots_in_boxes=r.ballots_in_boxes,
                yes=r.vote(YES), no=r.vote(NO), both_marked=r.both_marked,
                invalid=r.invalid, stations_expected=r.stations_expected,
                stations_reported=r.stations_reported, names=u.name,
            )
        )
    return out


def referendum_decision(
    contest: Contest, t: Tally, geo: Geography, readings: ReferendumReadings | None = None,
    ruleset: RulesetName | None = None,
) -> ReferendumDecision | None:
    """The decision on a nationwide referendum (None for any other contest)."""
    if contest.kind is not ContestKind.REFERENDUM or contest.referendum is None \
            or contest.area != geo.root.id:
        return None
    return decide_referendum(unit_figures(t, geo), constitutional=contest.referendum.constitutional,
                             readings=readings or ReferendumReadings(),
                             ruleset=None if ruleset is None else ruleset.value)


def contest_total(contest: Contest, t: Tally) -> UnitResult:
    """The contest's own total: its district's unit for a single-member contest (its stations
    only are expected there), else its area."""
    return t.result(contest.district.unit if contest.district is not None else contest.area)


def list_decision(
    contest: Contest, t: Tally, ruleset: RulesetName, params: Mapping[str, str] | None = None,
    readings: ListReadings | None = None,
) -> ListDecision:
    """The list seats under `ruleset` from the contest's national total."""
    if contest.kind is not ContestKind.PARTY_LIST:
        raise ValidationFailed(f"{contest.id} is not a party-list contest",
                               details={"field": "contest", "expected": "party-list",
                                        "actual": contest.kind.value})
    votes = dict(contest_total(contest, t).votes)
    params = params or {}
    parties = [PartyVotes(o.id, votes.get(o.id, 0), o.registration_order)
               for o in contest.options if o.kind is OptionKind.CHOICE]
    against = votes.get(AGAINST_ALL) if any(
        o.kind is OptionKind.AGAINST_ALL for o in contest.options) else None
    if not LIST_RULES[ruleset].against_all:
        against = None  # e.g. kz-2007: no such option on its ballot; its votes are not counted
    return decide_list_seats(
        parties, ruleset=ruleset, against_all=against,
        seats=int(params["seats"]) if "seats" in params else None,
        threshold_share=Fraction(params["threshold"]) / 100 if "threshold" in params else None,
        method=params.get("method"), readings=readings or ListReadings(),
    )


def candidate_decision(contest: Contest, t: Tally, ruleset: RulesetName) -> CandidateDecision:
    """A single-member district or the presidency, from the contest's total."""
    total = contest_total(contest, t)
    votes = dict(total.votes)
    cands = [CandidateVotes(o.id, votes.get(o.id, 0)) for o in contest.options
             if o.kind is OptionKind.CHOICE]
    against = votes.get(AGAINST_ALL) if any(
        o.kind is OptionKind.AGAINST_ALL for o in contest.options) else None
    if contest.kind is ContestKind.SINGLE_MEMBER:
        return decide_district(cands, ruleset=ruleset, against_all=against,
                               invalid=total.invalid)
    if contest.kind is ContestKind.PRESIDENTIAL:
        return decide_president(cands, ruleset=ruleset, against_all=against,
                                invalid=total.invalid)
    raise ValidationFailed(f"{contest.id} is not a candidate contest",
                           details={"field": "contest", "expected":
                                    "single-member or presidential", "actual": contest.kind.value})
