"""Observation's wire shapes (issue 12): what missions, observers and SMS gateways send."""

from __future__ import annotations

from typing import Annotated, Any

from pydantic import Field, StringConstraints

from saylau.api.schemas.common import NO_NUL, Count, Ident, Strict, Text
from saylau.api.schemas.protocols import SignatureIn

Code = Annotated[str, StringConstraints(min_length=1, max_length=16, pattern=NO_NUL)]
Badge = Annotated[str, StringConstraints(min_length=1, max_length=24, pattern=NO_NUL)]
Answer = bool | Annotated[int, Field(strict=True, ge=-(2**62), le=2**62)] | Text


class MissionIn(Strict):
    code: Code
    name: Text
    organisation: Annotated[str, StringConstraints(max_length=32)]
    signed_reports: bool = False


class ApplicationIn(Strict):
    name: Text
    public_key: Annotated[str, StringConstraints(pattern=r"^[0-9a-f]{64}$")] | None = None
    """The observer's Ed25519 public key (hex), for a mission that requires signed reports."""


class ReasonIn(Strict):
    reason: Text


class DeploymentIn(Strict):
    badge: Badge
    station: Ident


class ReassignIn(Strict):
    badge: Badge
    station: Ident
    to: Ident


class ReportIn(Strict):
    """A checklist or an incident: the form's id, the station, the answers by question id."""

    station: Ident
    form: Annotated[str, StringConstraints(min_length=1, max_length=40, pattern=NO_NUL)]
    answers: dict[Annotated[str, StringConstraints(max_length=40, pattern=NO_NUL)], Answer]
    ref: Annotated[str, StringConstraints(min_length=1, max_length=64, pattern=NO_NUL)] | None \
        = None
    correction: bool = False
    corrects: Annotated[int, Field(strict=True, ge=1, le=2**31)] | None = None
    reason: Text | None = None
    photo: Annotated[str, StringConstraints(pattern=r"^[0-9a-f]{64}$")] | None = None
    signature: SignatureIn | None = None
    """The observer's signature over the record's {v, type, body} (docs/record.md)."""


class CopyIn(Strict):
    """An observer's copy of the station's protocol: the counts and votes.<option> figures."""

    station: Ident
    figures: dict[Annotated[str, StringConstraints(max_length=100, pattern=NO_NUL)], Count]
    correction: bool = False
    corrects: Annotated[int, Field(strict=True, ge=1, le=2**31)] | None = None
    reason: Text | None = None
    photo: Annotated[str, StringConstraints(pattern=r"^[0-9a-f]{64}$")] | None = None
    signature: SignatureIn | None = None


class SmsIn(Strict):
    """The shape most SMS gateways post: the sender and the text (the sender is recorded by
    the gateway, the badge in the text says who reports)."""

    sender: Annotated[str, StringConstraints(max_length=64, pattern=NO_NUL)] = ""
    text: Annotated[str, StringConstraints(max_length=2000, pattern=NO_NUL)]


class FormIn(Strict):
    definition: dict[str, Any]
