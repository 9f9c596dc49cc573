"""Wire shapes (Pydantic). Adapters to and from domain values live beside them."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, StrictBool, StringConstraints

from saylau.domain.contests import Contest, Election
from saylau.domain.explain import share_json
from saylau.domain.geography import Unit
from saylau.domain.law.referendum import ReferendumDecision, decision_json
from saylau.domain.limits import MAX_ID, MAX_TEXT
from saylau.domain.names import Names
from saylau.domain.protocols import AcceptedProtocol, Finding
from saylau.domain.tally import TurnoutPoint, UnitResult

Count = Annotated[int, Field(strict=True, ge=-(2**62), le=2**62)]
"""A count on the wire: a JSON integer (not a string or a float). Range and sign are judged
by the protocol checks, which name the field and the numbers."""

NO_NUL = r"^[^\x00]*$"
"""PostgreSQL text cannot hold NUL characters: they are refused on the wire, naming the field."""
Text = Annotated[str, StringConstraints(max_length=MAX_TEXT, pattern=NO_NUL)]
"""A name or a text as it comes in: saylau.domain.limits, the same limit as every other entry.
Responses are never stricter: their strings are plain `str` (NamesOut)."""
Ident = Annotated[str, StringConstraints(min_length=1, max_length=MAX_ID, pattern=NO_NUL)]


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class NamesIO(Strict):
    """A name in kk, ru and en as it comes in (each at most MAX_TEXT characters)."""

    kk: Text
    ru: Text
    en: Text

    def to_domain(self) -> Names:
        return Names(kk=self.kk, ru=self.ru, en=self.en)


class NamesOut(Strict):
    """A name as it goes out: whatever was stored, never refused on the way out."""

    kk: str
    ru: str
    en: str

    @staticmethod
    def of(n: Names) -> NamesOut:
        return NamesOut(kk=n.kk, ru=n.ru, en=n.en)


class SignatureIn(Strict):
    key: Annotated[str, StringConstraints(pattern=r"^[0-9a-f]{32}$")]
    value: Annotated[str, StringConstraints(pattern=r"^[0-9a-f]{128}$")]


class KeyIn(Strict):
    unit: Ident
    public_key: Annotated[str, StringConstraints(pattern=r"^[0-9a-f]{64}$")]


class RevocationIn(Strict):
    reason: Annotated[str, StringConstraints(min_length=1, max_length=MAX_TEXT,
                                             pattern=NO_NUL)]


class ProtocolIn(Strict):
    station: Ident
    registered: Count
    ballots_received: Count
    ballots_issued: Count
    ballots_cancelled: Count
    ballots_in_boxes: Count
    invalid: Count
    both_marked: Count = 0
    votes: dict[Ident, Count] = Field(max_length=200)
    correction: StrictBool = False
    corrects: Annotated[int, Field(strict=True, ge=1, le=2**31)] | None = Field(
        default=None, description=(
            "the version this correction corrects (required with `correction`): the station's "
            "current version. A correction of a version that is no longer the latest is "
            "refused with 409 `correction_stale` and kept among the rejections, so two "
            "corrections sent at once never stack"))
    reason: Text | None = Field(default=None, description=(
        "why this correction is made (required with `correction`); a first protocol sent with "
        "a reason is refused, 422 `reason_without_correction`: a reason explains a "
        "correction, and none is ever dropped"))
    signature: SignatureIn | None = None
    """The commission's Ed25519 signature over the canonical bytes of the protocol record's
    {v, type, body} (docs/record.md); required where the election says so."""


class FindingOut(Strict):
    code: str
    severity: str
    field: str
    message: str
    numbers: dict[str, int]
    expected: str = ""
    """What the field should hold, in words."""
    actual: str = ""
    """What it holds, in words."""

    @staticmethod
    def of(f: Finding) -> FindingOut:
        return FindingOut(code=f.code, severity=f.severity.value, field=f.field,
                          message=f.message, numbers=dict(f.numbers), expected=f.expected,
                          actual=f.actual)


class ProtocolOut(Strict):
    contest: str
    station: str
    version: int
    registered: int
    ballots_received: int
    ballots_issued: int
    ballots_cancelled: int
    ballots_in_boxes: int
    invalid: int
    both_marked: int
    votes: dict[str, int]
    content_hash: str
    warnings: list[FindingOut]
    submitted_by: str
    submitted_at: str
    reason: str | None

    @staticmethod
    def of(p: AcceptedProtocol) -> ProtocolOut:
        c = p.counts
        return ProtocolOut(
            contest=p.contest, station=p.station, version=p.version, registered=c.registered,
            ballots_received=c.ballots_received, ballots_issued=c.ballots_issued,
            ballots_cancelled=c.ballots_cancelled, ballots_in_boxes=c.ballots_in_boxes,
            invalid=c.invalid, both_marked=c.both_marked, votes=dict(c.votes),
            content_hash=p.content_hash, warnings=[FindingOut.of(w) for w in p.warnings],
            submitted_by=p.submitted_by, submitted_at=p.submitted_at.isoformat(),
            reason=p.reason,
        )


class SubmissionOut(Strict):
    status: str
    protocol: ProtocolOut
    findings: list[FindingOut]


class TurnoutIn(Strict):
    station: Ident
    at: Annotated[str, StringConstraints(min_length=4, max_length=8)]
    ballots_issued: Count


class TurnoutBatchIn(Strict):
    reports: list[TurnoutIn] = Field(min_length=1, max_length=50_000)


class TurnoutBatchOut(Strict):
    stored: int
    unchanged: int


class TurnoutOut(Strict):
    status: str
    contest: str
    station: str
    at: str
    ballots_issued: int


class UnitOut(Strict):
    id: str
    parent: str | None
    kind: str
    name: NamesOut
    code: str | None
    registered: int
    abroad: bool

    @staticmethod
    def of(u: Unit) -> UnitOut:
        return UnitOut(id=u.id, parent=u.parent, kind=u.kind.value, name=NamesOut.of(u.name),
                       code=u.code, registered=u.registered, abroad=u.abroad)


class UnitTreeOut(Strict):
    unit: UnitOut
    children: list[UnitOut]
    stations_below: int


class OptionOut(Strict):
    id: str
    name: NamesOut
    kind: str
    registration_order: int | None


class ContestOut(Strict):
    id: str
    election: str
    kind: str
    name: NamesOut
    area: str
    options: list[OptionOut]
    constitutional: bool | None

    @staticmethod
    def of(c: Contest) -> ContestOut:
        return ContestOut(
            id=c.id, election=c.election, kind=c.kind.value, name=NamesOut.of(c.name),
            area=c.area,
            options=[OptionOut(id=o.id, name=NamesOut.of(o.name), kind=o.kind.value,
                               registration_order=o.registration_order) for o in c.options],
            constitutional=None if c.referendum is None else c.referendum.constitutional,
        )


class ElectionOut(Strict):
    id: str
    name: NamesOut
    ruleset: str
    date: str
    signatures: str
    """'required' or 'optional' (SignaturesField)."""
    contests: list[ContestOut]

    @staticmethod
    def of(e: Election, contests: list[Contest]) -> ElectionOut:
        return ElectionOut(id=e.id, name=NamesOut.of(e.name), ruleset=e.ruleset.value,
                           date=e.date, signatures=e.signatures.value,
                           contests=[ContestOut.of(c) for c in contests])


SignaturesField = Annotated[Literal["required", "optional"], Field(description=(
    "'required': every protocol must carry the signature of a registered commission key of "
    "its station or a unit above it; 'optional' (the default): unsigned protocols are taken, "
    "except from a station whose own commission key is registered, which must sign "
    "(docs/record.md)"))]


class ReferendumIn(Strict):
    id: Ident
    name: NamesIO
    ruleset: Ident = "kz-2022"
    date: Annotated[str, StringConstraints(pattern=r"^\d{4}-\d{2}-\d{2}$")]
    signatures: SignaturesField = "optional"
    question: NamesIO
    constitutional: bool


class PartyIn(Strict):
    id: Ident
    name: NamesIO
    registration_order: Annotated[int, Field(strict=True, ge=1, le=10_000)]
    list_names: list[Text] = Field(default_factory=list, max_length=1000)


class CandidateIn(Strict):
    id: Ident
    name: NamesIO
    party: Ident | None = None


class ParliamentIn(Strict):
    id: Ident
    name: NamesIO
    ruleset: Ident = "kz-2022"
    date: Annotated[str, StringConstraints(pattern=r"^\d{4}-\d{2}-\d{2}$")]
    signatures: SignaturesField = "optional"
    parties: list[PartyIn] = Field(min_length=1, max_length=200)
    candidates: dict[Ident, list[CandidateIn]] = Field(
        default_factory=dict, max_length=1000,
        description="district number (as text, '1'..'29') -> its candidates; the districts "
        "are drawn over the geography (one per top-level unit, the rest by voters)")
    params: dict[Ident, Ident] | None = Field(
        default=None, description="generic ruleset only: seats, threshold (percent), method")


class PresidentialIn(Strict):
    id: Ident
    name: NamesIO
    ruleset: Ident = "kz-2022"
    date: Annotated[str, StringConstraints(pattern=r"^\d{4}-\d{2}-\d{2}$")]
    signatures: SignaturesField = "optional"
    candidates: list[CandidateIn] = Field(min_length=1, max_length=100)


class SenateIn(Strict):
    id: Ident
    name: NamesIO
    ruleset: Ident = "kz-2022"
    date: Annotated[str, StringConstraints(pattern=r"^\d{4}-\d{2}-\d{2}$")]
    signatures: SignaturesField = "optional"
    seats: dict[Ident, list[CandidateIn]] = Field(min_length=1, max_length=100)


class SessionIn(Strict):
    round: Annotated[int, Field(strict=True, ge=1, le=2)] = 1
    electors: Count
    electors_present: Count
    invalid: Count = 0
    votes: dict[Ident, Count] = Field(max_length=200)
    correction: StrictBool = False
    corrects: Annotated[int, Field(strict=True, ge=1, le=2**31)] | None = Field(
        default=None, description="the version this correction corrects (required with "
        "`correction`); another than the latest is refused with 409 `correction_stale`")
    reason: Text | None = Field(default=None, description=(
        "why this correction is made (required with `correction`); refused on a round's first "
        "protocol (422 `reason_without_correction`)"))


class Share(Strict):
    fraction: str
    percent: str


class UnitResultOut(Strict):
    unit: str
    name: NamesOut
    kind: str
    stations_expected: int
    stations_reported: int
    list_size: int
    registered: int
    ballots_received: int
    ballots_issued: int
    ballots_cancelled: int
    ballots_in_boxes: int
    invalid: int
    both_marked: int
    participants: int
    turnout: Share
    votes: dict[str, int]
    shares: dict[str, Share]

    @staticmethod
    def of(u: Unit, r: UnitResult) -> UnitResultOut:
        return UnitResultOut(
            unit=u.id, name=NamesOut.of(u.name), kind=u.kind.value,
            stations_expected=r.stations_expected, stations_reported=r.stations_reported,
            list_size=r.list_size, registered=r.registered, ballots_received=r.ballots_received,
            ballots_issued=r.ballots_issued, ballots_cancelled=r.ballots_cancelled,
            ballots_in_boxes=r.ballots_in_boxes, invalid=r.invalid, both_marked=r.both_marked,
            participants=r.participants, turnout=Share(**share_json(r.turnout)),
            votes=dict(r.votes),
            shares={o: Share(**share_json(r.vote_share(o))) for o, _ in r.votes},
        )


class TurnoutPointOut(Strict):
    at: str
    ballots_issued: int
    list_size: int
    stations_reporting: int
    stations_expected: int
    turnout: Share

    @staticmethod
    def of(p: TurnoutPoint) -> TurnoutPointOut:
        return TurnoutPointOut(at=p.at.strftime("%H:%M"), ballots_issued=p.ballots_issued,
                               list_size=p.list_size, stations_reporting=p.stations_reporting,
                               stations_expected=p.stations_expected,
                               turnout=Share(**share_json(p.turnout)))


class ResultsOut(Strict):
    contest: str
    as_of: int
    turnout_as_of: int
    result: UnitResultOut
    children: list[UnitResultOut]
    children_total: int = 0
    children_offset: int = 0
    turnout_during_day: list[TurnoutPointOut]
    decision: dict[str, Any] | None
    tree_head: dict[str, Any] | None = None
    """The signed tree head of the election's log when these results were computed."""

    @staticmethod
    def of(v: Any, tree_head: dict[str, Any] | None, children_offset: int = 0) -> ResultsOut:
        """The wire shape of a results view (services.results.ResultsView), the same for the
        API and the static snapshot."""
        return ResultsOut(
            contest=v.contest.id, as_of=v.as_of, turnout_as_of=v.turnout_as_of,
            result=UnitResultOut.of(v.unit, v.result),
            children=[UnitResultOut.of(u, r) for u, r in v.children],
            children_total=v.children_total, children_offset=children_offset,
            turnout_during_day=[TurnoutPointOut.of(p) for p in v.turnout],
            decision=decision_out(v.decision), tree_head=tree_head,
        )


def decision_out(d: ReferendumDecision | None, lang: str = "en") -> dict[str, Any] | None:
    return None if d is None else decision_json(d, lang)


