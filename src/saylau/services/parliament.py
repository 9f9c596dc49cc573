"""Parliament and president: create the contests, decide them from the tally, compose the
chamber, and compare rulesets on the same votes.

The law is in domain/law/ (parliament.py: list seats; candidates.py: districts, president);
this module gathers the figures from the current tally and applies it.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from types import MappingProxyType

from saylau.domain.contests import (
    AGAINST_ALL,
    Contest,
    ContestKind,
    Election,
    Option,
    OptionKind,
    signatures_policy,
)
from saylau.domain.decide import Decision
from saylau.domain.districts import ElectoralDistrict, validate_districts
from saylau.domain.errors import RuleError, ValidationFailed
from saylau.domain.explain import DEFAULT_LANG, explanation_json
from saylau.domain.ids import ActorId, ContestId, ElectionId, OptionId
from saylau.domain.law.candidates import CandidateDecision
from saylau.domain.law.candidates import decision_json as candidate_json
from saylau.domain.law.parliament import (
    Composition,
    DistrictResult,
    ListDecision,
    Seat,
    SenateComposition,
    compose_chamber,
    senate_composition,
    senate_steps,
)
from saylau.domain.law.parliament import decision_json as list_json
from saylau.domain.lookup import unknown
from saylau.domain.names import Names
from saylau.domain.rulesets import RULESETS, RulesetName, list_size_limit, ruleset
from saylau.services.context import Saylau
from saylau.services.elections import check_id, contests, get_election, store_election
from saylau.services.results import decision
from saylau.store import elections as election_store

AGAINST_ALL_NAMES = Names(kk="Барлығына қарсы", ru="Против всех", en="Against all")

# Views of the one ruleset registry (saylau.domain.rulesets.RULESETS), kept for their callers:
# the numbers themselves live there only.
APPOINTED: Mapping[RulesetName, int] = MappingProxyType({
    n: r.senate.appointed for n, r in RULESETS.items() if r.senate and r.senate.appointed})
"""Senators appointed by the President (kz-2022: 5 of them on the APK's recommendation)."""
APK_MAJILIS: Mapping[RulesetName, int] = MappingProxyType({
    n: r.chamber.apk for n, r in RULESETS.items() if r.chamber.apk})
"""Majilis deputies elected by the Assembly of the People of Kazakhstan (kz-2007 only)."""
DISTRICTS: Mapping[RulesetName, int] = MappingProxyType({
    n: r.chamber.districts for n, r in RULESETS.items() if r.chamber.districts})
"""Deputies from single-member districts where the ruleset fixes them (kz-2022: 29)."""


@dataclass(frozen=True)
class PartySpec:
    id: str
    name: Names
    registration_order: int
    list_names: tuple[str, ...] = ()


@dataclass(frozen=True)
class CandidateSpec:
    id: str
    name: Names
    party: str | None
    """The nominating party's id, or None when self-nominated."""


def unregistered_parties(app: Saylau, ids: Sequence[str],
                         fields: Sequence[str] | None = None) -> list[dict[str, object]]:
    """Parties wing (issue 13): only a party registered in the party register may nominate a
    list or candidates. A store whose register holds no application at all (parties are not
    registered with saylau there) accepts any party, as before the register existed.
    `fields[i]` names where ids[i] was given (default: parties.<id>)."""
    from saylau.services.parties.decisions import register

    entries = {e.id: e.status for e in register(app)}
    if not entries:
        return []
    where = list(fields) if fields is not None else [f"parties.{pid}" for pid in ids]
    return [{"field": f, "expected": "a party registered in the party register",
             "actual": entries.get(pid, "not in the register"),
             "message": f"party {pid!r} is not registered (its status: "
             f"{entries.get(pid, 'no application')}); only registered parties may nominate"}
            for pid, f in zip(ids, where, strict=True) if entries.get(pid) != "registered"]


def _options(ballot_has_against_all: bool, choices: list[Option]) -> tuple[Option, ...]:
    if ballot_has_against_all:
        choices.append(Option(AGAINST_ALL, AGAINST_ALL_NAMES, OptionKind.AGAINST_ALL))
    return tuple(choices)


def create_parliament(
    app: Saylau,
    *,
    election_id: str,
    name: Names,
    ruleset_name: str,
    date: str,
    parties: Sequence[PartySpec],
    districts: Sequence[ElectoralDistrict] = (),
    candidates: Mapping[str, Sequence[CandidateSpec]] | None = None,
    params: dict[str, str] | None = None,
    by: ActorId,
    signatures: str = "optional",
) -> tuple[Election, list[Contest]]:
    """A parliamentary election: the nationwide party-list contest and, where the ruleset has
    them (kz-2022), one single-member contest per electoral district."""
    check_id(election_id, "election_id")
    rs = ruleset(ruleset_name)
    seats = rs.lists.seats or int((params or {}).get("seats", "0"))
    if seats <= 0:
        raise ValidationFailed("the generic ruleset needs the number of list seats",
                               details={"field": "params.seats", "expected": "> 0",
                                        "actual": (params or {}).get("seats")})
    geo = app.geography()
    limit = list_size_limit(seats)
    problems: list[dict[str, object]] = []
    seen: set[str] = set()
    for p in parties:
        if p.id in seen or p.id == AGAINST_ALL:
            problems.append({"field": "parties.id", "expected": "unique, not AGAINST_ALL",
                             "actual": p.id, "message": f"party id {p.id!r} repeated or reserved"})
        seen.add(p.id)
        if len(p.list_names) > limit:
            problems.append({"field": f"parties.{p.id}.list_names",
                             "expected": f"at most {limit} names ({seats} seats + 30%)",
                             "actual": len(p.list_names),
                             "message": f"the list of {p.id} has {len(p.list_names)} names"})
    problems += unregistered_parties(app, [p.id for p in parties])
    orders = [p.registration_order for p in parties]
    if len(set(orders)) != len(orders):
        problems.append({"field": "parties.registration_order", "expected": "distinct",
                         "actual": orders, "message": "two lists share a registration order"})
    n_districts = rs.chamber.districts or 0  # generic: none can be drawn here yet
    if n_districts and len(districts) != n_districts:
        problems.append({"field": "districts", "expected": n_districts,
                         "actual": len(districts), "message": f"{rs.name} elects "
                         f"{n_districts} deputies in single-member districts"})
    if not n_districts and districts:
        problems.append({"field": "districts", "expected": 0, "actual": len(districts),
                         "message": f"{rs.name} has no single-member districts"})
    if problems:
        raise ValidationFailed(f"the election cannot be created: {len(problems)} problem(s)",
                               details={"rows": problems})
    if districts:
        validate_districts(geo, districts)
    election = Election(ElectionId(election_id), name, rs.name, date,
                        signatures_policy(signatures))
    list_contest = Contest(
        id=ContestId(f"{election_id}.list"), election=election.id,
        kind=ContestKind.PARTY_LIST,
        name=Names(kk="Партиялық тізімдер", ru="Партийные списки", en="Party lists"),
        area=geo.root.id,
        options=_options(rs.against_all_on_ballot, [
            Option(OptionId(p.id), p.name, registration_order=p.registration_order,
                   list_names=p.list_names)
            for p in sorted(parties, key=lambda p: p.registration_order)
        ]),
    )
    made = [list_contest]
    for d in districts:
        cands = (candidates or {}).get(d.id, ())
        if not cands:
            raise ValidationFailed(f"district {d.id} has no candidates",
                                   details={"field": f"candidates.{d.id}",
                                            "expected": "at least one", "actual": 0})
        for c in cands:
            if c.party is not None and c.party not in seen:
                raise unknown(f"candidates.{d.id}.{c.id}.party", sorted(seen), c.party,
                              what=f"party of candidate {c.id}", code="party_unknown")
        made.append(Contest(
            id=ContestId(f"{election_id}.{d.id.lower()}"), election=election.id,
            kind=ContestKind.SINGLE_MEMBER, name=d.name, area=d.unit,
            options=_options(rs.against_all_on_ballot, [
                Option(OptionId(c.id), c.name,
                       party=None if c.party is None else OptionId(c.party))
                for c in cands
            ]),
            district=d,
        ))
    store_election(app, election, made, by=by, districts=districts,
                   params=params)
    return election, made


def create_presidential(
    app: Saylau, *, election_id: str, name: Names, ruleset_name: str, date: str,
    candidates: Sequence[CandidateSpec], by: ActorId, signatures: str = "optional",
) -> tuple[Election, Contest]:
    check_id(election_id, "election_id")
    rs = ruleset(ruleset_name)
    geo = app.geography()
    # a candidate's nominating party, once the register is in use, is a registered one
    # (issue 13); a self-nominated candidate (party None) needs none
    nominated = [c for c in candidates if c.party is not None]
    problems = unregistered_parties(app, [str(c.party) for c in nominated],
                                    [f"candidates.{c.id}.party" for c in nominated])
    if problems:
        raise ValidationFailed(f"the election cannot be created: {len(problems)} problem(s)",
                               details={"rows": problems})
    election = Election(ElectionId(election_id), name, rs.name, date,
                        signatures_policy(signatures))
    contest = Contest(
        id=ContestId(f"{election_id}.president"), election=election.id,
        kind=ContestKind.PRESIDENTIAL,
        name=Names(kk="Президент сайлауы", ru="Выборы Президента", en="Presidential election"),
        area=geo.root.id,
        options=_options(rs.against_all_on_ballot,
                         [Option(OptionId(c.id), c.name,
                                 party=None if c.party is None else OptionId(c.party))
                          for c in candidates]),
    )
    store_election(app, election, [contest], by=by)
    return election, contest


# --- deciding -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Progress:
    stations_reported: int
    stations_expected: int

    @property
    def complete(self) -> bool:
        return self.stations_reported >= self.stations_expected


def election_params(app: Saylau, election_id: str) -> dict[str, str]:
    with app.read() as conn:
        return election_store.election_params(conn, election_id)


def list_decision(
    app: Saylau, contest_id: str, ruleset_name: str | None = None
) -> tuple[ListDecision, Progress]:
    """The list seats from the current tally, under the election's ruleset or another one
    (to compare): `services.results.decision`'s list seats. Provisional while stations are
    outstanding: `Progress` says how far. Raises the law's `RuleError` when no seats can be
    allocated from these figures (none reported yet, no party over the threshold)."""
    d, _seq = decision(app, contest_id, ruleset=ruleset_name)
    if d.list_seats is None:
        _not_decided(d, "party-list")
    assert d.list_seats is not None
    return d.list_seats, _progress(d)


def candidate_decision(app: Saylau, contest_id: str) -> tuple[CandidateDecision, Progress]:
    """A district's or the presidency's decision from the current tally:
    `services.results.decision`'s candidates (before the first protocol: every candidate at
    0, with `Progress` saying none has reported)."""
    d, _seq = decision(app, contest_id)
    if d.candidates is None or d.kind not in (ContestKind.SINGLE_MEMBER,
                                              ContestKind.PRESIDENTIAL):
        _not_decided(d, "single-member or presidential")
    assert d.candidates is not None
    return d.candidates, _progress(d)


def _not_decided(d: Decision, expected: str) -> None:
    """Why a decision has none of the figures its caller needs: the contest is of another
    kind, the law cannot be applied to the figures, or nothing has been reported."""
    expected_kinds = {"party-list": (ContestKind.PARTY_LIST,),
                      "single-member or presidential": (ContestKind.SINGLE_MEMBER,
                                                        ContestKind.PRESIDENTIAL)}[expected]
    if d.kind not in expected_kinds:
        raise ValidationFailed(f"{d.contest} is not a {expected} contest",
                               details={"field": "contest", "expected": expected,
                                        "actual": d.kind.value})
    raise d.not_decided_error()


def _progress(d: Decision) -> Progress:
    return Progress(d.stations_reported or 0, d.stations_expected or 0)


# --- the chamber ------------------------------------------------------------------------------


def composition(app: Saylau, election_id: str | None = None) -> Composition:
    """The chamber as the current record gives it: list seats (by the election's ruleset) plus
    district winners, with vacancies where a repeat election is due. Provisional while
    protocols are outstanding (`pending`). The composition is the domain's
    (`compose_chamber`), from the one decision of each contest."""
    election = get_election(app, election_id)
    cs = contests(app, election.id)
    lists = [c for c in cs if c.kind is ContestKind.PARTY_LIST]
    if not lists:
        raise RuleError(f"election {election.id} has no party-list contest",
                        details={"election": election.id})
    ld, lp = list_decision(app, lists[0].id)
    districts = []
    for c in cs:
        if c.kind is ContestKind.SINGLE_MEMBER and c.district is not None:
            d, p = candidate_decision(app, c.id)
            districts.append(DistrictResult(c, d, p.complete))
    return compose_chamber(election.ruleset, lists[0], ld, lp.complete, districts)


def senate(app: Saylau, ruleset_name: str) -> SenateComposition:
    """The Senate: its senators per top-level unit of the geography plus the appointed ones,
    as the ruleset registry gives them (kz-2022: 2 per unit + 10, five on the APK's
    recommendation; kz-2007: 2 + 15). None under kz-2026 (a `RuleError`)."""
    return senate_composition(ruleset(ruleset_name).name,
                              [u.id for u in app.geography().top_level()])


def compare(app: Saylau, election_id: str | None, rulesets: Sequence[str]) -> dict[
        str, ListDecision]:
    """The same list votes decided under each ruleset (e.g. 2021's votes at 5%)."""
    election = get_election(app, election_id)
    lists = [c for c in contests(app, election.id) if c.kind is ContestKind.PARTY_LIST]
    if not lists:
        raise RuleError(f"election {election.id} has no party-list contest",
                        details={"election": election.id})
    out: dict[str, ListDecision] = {}
    for name in rulesets:
        known = ruleset(name).name.value  # before deciding: an unknown name is a clear 422
        out[known] = list_decision(app, lists[0].id, name)[0]
    return out


def composition_json(c: Composition, lang: str = DEFAULT_LANG) -> dict[str, object]:
    return {
        "chamber": c.chamber,
        "ruleset": c.ruleset.value,
        "size": c.size,
        "filled": len(c.seats),
        "by_party": c.by_party(),
        "seats": [{"source": s.source, "party": s.party, "district": s.district,
                   "member": s.member} for s in c.seats],
        "vacancies": list(c.vacancies),
        "pending": list(c.pending),
        "list": list_json(c.list_decision, lang),
        "districts": {k: candidate_json(v, lang) for k, v in c.district_decisions.items()},
    }


def senate_json(s: SenateComposition, lang: str = DEFAULT_LANG) -> dict[str, object]:
    return {
        "chamber": "Senate", "ruleset": s.ruleset.value, "size": s.size,
        "elected": s.elected, "appointed": s.appointed,
        "appointed_on_apk_recommendation": s.apk_recommended,
        "per_unit": dict(s.per_unit),
        **explanation_json(senate_steps(s), lang),
    }


__all__ = [
    "AGAINST_ALL_NAMES", "APK_MAJILIS", "APPOINTED", "DISTRICTS", "CandidateSpec", "Composition",
    "PartySpec", "Progress", "Seat", "SenateComposition", "candidate_decision", "compare",
    "composition", "composition_json", "create_parliament", "create_presidential",
    "election_params", "list_decision", "list_size_limit", "senate", "senate_json",
    "senate_steps",
]
