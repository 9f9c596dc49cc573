"""Wire shapes (Pydantic), one module per resource; adapters to and from domain values live
beside them. Every name is importable from here as before the split.

- `common`: strict models, names in kk/ru/en, the limits of an id, a text and a count;
- `elections`: units, elections, contests, and the bodies that create elections;
- `protocols`: protocols, turnout reports, a Senate seat's joint-session protocol;
- `record`: a commission's key registered or revoked;
- `results`: a unit's results, the turnout through the day, a decision.
"""

from saylau.api.schemas.common import NO_NUL, Count, Ident, NamesIO, NamesOut, Strict, Text
from saylau.api.schemas.elections import (
    CandidateIn,
    ContestOut,
    ElectionOut,
    OptionOut,
    ParliamentIn,
    PartyIn,
    PresidentialIn,
    ReferendumIn,
    SenateIn,
    SignaturesField,
    UnitOut,
    UnitTreeOut,
)
from saylau.api.schemas.protocols import (
    FindingOut,
    ProtocolIn,
    ProtocolOut,
    SessionIn,
    SignatureIn,
    SubmissionOut,
    TurnoutBatchIn,
    TurnoutBatchOut,
    TurnoutIn,
    TurnoutOut,
)
from saylau.api.schemas.record import KeyIn, RevocationIn
from saylau.api.schemas.results import (
    ResultsOut,
    Share,
    TurnoutPointOut,
    UnitResultOut,
    decision_out,
)

__all__ = [
    "NO_NUL", "CandidateIn", "ContestOut", "Count", "ElectionOut", "FindingOut", "Ident",
    "KeyIn", "NamesIO", "NamesOut", "OptionOut", "ParliamentIn", "PartyIn", "PresidentialIn",
    "ProtocolIn", "ProtocolOut", "ReferendumIn", "ResultsOut", "RevocationIn", "SenateIn",
    "SessionIn", "Share", "SignatureIn", "SignaturesField", "Strict", "SubmissionOut", "Text",
    "TurnoutBatchIn", "TurnoutBatchOut", "TurnoutIn", "TurnoutOut", "TurnoutPointOut",
    "UnitOut", "UnitResultOut", "UnitTreeOut", "decision_out",
]
