"""Elections and their contests.

An election is bound to exactly one ruleset and holds contests. A contest is what one ballot
decides: a referendum question, the nationwide party list, a single-member district, the
presidency, a Senate seat. Every contest has an area (the unit whose stations vote on it: the
country, or a district made of stations) and its options (the choices on the ballot,
including "against all" where the ruleset puts it there). Kind-specific terms hang off the
contest as a typed value (`ReferendumTerms` here; party-list and district terms next), so
protocols, checks and tallies work on every kind alike.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from saylau.domain.districts import ElectoralDistrict
from saylau.domain.errors import ValidationFailed
from saylau.domain.geography import Geography
from saylau.domain.ids import ContestId, ElectionId, OptionId, StationId, UnitId
from saylau.domain.lookup import member, unknown
from saylau.domain.names import Names
from saylau.domain.rulesets import RulesetName


class ContestKind(StrEnum):
    REFERENDUM = "referendum"
    PARTY_LIST = "party-list"
    SINGLE_MEMBER = "single-member"
    PRESIDENTIAL = "presidential"
    SENATE_SEAT = "senate-seat"


class OptionKind(StrEnum):
    CHOICE = "choice"
    """A party, a candidate, or a referendum answer."""
    AGAINST_ALL = "against-all"


YES = OptionId("yes")
NO = OptionId("no")
AGAINST_ALL = OptionId("AGAINST_ALL")


@dataclass(frozen=True, slots=True)
class Option:
    id: OptionId
    name: Names
    kind: OptionKind = OptionKind.CHOICE
    registration_order: int | None = None
    """Order in which the party list or candidate was registered (statute tie-breaking)."""
    party: OptionId | None = None
    """A candidate's nominating party (its party-list option id); None when self-nominated."""
    list_names: tuple[str, ...] = ()
    """A party's list of candidates, in order (party-list contests)."""


@dataclass(frozen=True, slots=True)
class ReferendumTerms:
    question: Names
    constitutional: bool
    """A new Constitution or constitutional amendments: the two-thirds-of-units rule applies."""


@dataclass(frozen=True, slots=True)
class Contest:
    id: ContestId
    election: ElectionId
    kind: ContestKind
    name: Names
    area: UnitId
    """The unit whose stations vote on this contest (the country for nationwide contests)."""
    options: tuple[Option, ...]
    referendum: ReferendumTerms | None = None
    district: ElectoralDistrict | None = None
    """For a single-member contest: the district whose stations vote on it."""

    def __post_init__(self) -> None:
        ids = [o.id for o in self.options]
        if len(set(ids)) != len(ids):
            raise ValidationFailed(
                f"contest {self.id!r} lists an option twice",
                details={"field": "options", "expected": "unique ids", "actual": ids},
            )
        if (self.kind is ContestKind.REFERENDUM) != (self.referendum is not None):
            raise ValidationFailed(
                f"contest {self.id!r}: referendum terms go with, and only with, a referendum",
                details={"field": "referendum", "expected": "terms iff kind=referendum",
                         "actual": str(self.kind)},
            )

    def votes_at(self, geo: Geography, station: StationId) -> bool:
        """Whether the station's voters vote in this contest."""
        if self.district is not None:
            return station in self.district.stations
        return geo.is_within(station, self.area)

    @property
    def option_ids(self) -> tuple[OptionId, ...]:
        return tuple(o.id for o in self.options)

    @property
    def has_both_marked(self) -> bool:
        """Only referendum ballots have the 'both answers marked' category (2022 amendment)."""
        return self.kind is ContestKind.REFERENDUM

    def option(self, option_id: OptionId) -> Option:
        for o in self.options:
            if o.id == option_id:
                return o
        raise unknown("option", self.option_ids, option_id,
                      what=f"option of contest {self.id!r}")


class Signatures(StrEnum):
    """An election's rule for the commissions' signatures on protocols (docs/record.md)."""

    REQUIRED = "required"
    """Every protocol carries the signature of a registered key of its station or above."""
    OPTIONAL = "optional"
    """Unsigned protocols are taken (the record says which), except from a station whose own
    commission key is registered: that station signs (`must_sign`)."""


@dataclass(frozen=True, slots=True)
class Election:
    id: ElectionId
    name: Names
    ruleset: RulesetName
    date: str
    """Election day, ISO 8601 (YYYY-MM-DD)."""
    signatures: Signatures = Signatures.OPTIONAL
    """Whether every protocol must carry its commission's signature (`must_sign`)."""


def signatures_policy(value: str) -> Signatures:
    """The rule named `value` ('required' or 'optional'); ValidationFailed naming the field
    otherwise."""
    return member(Signatures, value, field="signatures", what="signatures rule")


def must_sign(policy: Signatures | str, station_has_own_key: bool) -> bool:
    """Whether a station's protocol must be signed: always where the election requires
    signatures; where they are optional, when the station's own commission key is registered
    (and not revoked). A commission that has a key signs with it: an unsigned protocol from
    it could be anyone's."""
    return Signatures(policy) is Signatures.REQUIRED or station_has_own_key


def referendum_contest(
    contest_id: ContestId,
    election: ElectionId,
    question: Names,
    *,
    constitutional: bool,
    area: UnitId,
) -> Contest:
    """A referendum question with the answers 'yes' and 'no' (the ballot of docs/law.md §3.4)."""
    return Contest(
        id=contest_id,
        election=election,
        kind=ContestKind.REFERENDUM,
        name=question,
        area=area,
        options=(
            Option(YES, Names(kk="Иә", ru="Да", en="Yes")),
            Option(NO, Names(kk="Жоқ", ru="Нет", en="No")),
        ),
        referendum=ReferendumTerms(question=question, constitutional=constitutional),
    )


QUESTION_2022 = Names(
    kk="Сіз 2022 жылғы 6 мамырда бұқаралық ақпарат құралдарында жарияланған Қазақстан "
    "Республикасы Конституциясына өзгерістер мен толықтырулар енгізу туралы Қазақстан "
    "Республикасы Заңының жобасын қабылдайсыз ба?",
    ru="Принимаете ли Вы изменения и дополнения в Конституцию Республики Казахстан, изложенные "
    "в проекте Закона Республики Казахстан «О внесении изменений и дополнений в Конституцию "
    "Республики Казахстан», опубликованном в средствах массовой информации 6 мая 2022 года?",
    en="Do you accept the amendments and additions to the Constitution of the Republic of "
    "Kazakhstan set out in the draft Law published in the mass media on 6 May 2022?",
)
"""The question of 5 June 2022 (wording as published by the CEC; English is ours)."""
