"""The public page of a risk-limiting audit (issue 15): what it checks, each round's seed
ceremony and sample, the hand counts' progress, the discrepancies and the risk; and the list
of audits. From services/audits."""

from __future__ import annotations

from dataclasses import dataclass

from saylau.domain.geography import Unit
from saylau.domain.ids import UnitId
from saylau.domain.names import Names
from saylau.services import audits as audit_svc
from saylau.services import elections as elections_svc
from saylau.services.audits import AuditReport
from saylau.services.context import Saylau


@dataclass(frozen=True)
class Check:
    key: str
    """turnout, majority, no-majority, unit, unit-no; else other (the claim in English)."""
    unit: Unit | None
    claim: str


@dataclass(frozen=True)
class AuditView:
    report: AuditReport
    checks: tuple[Check, ...]
    commissions: tuple[tuple[Unit | None, str, tuple[str, ...]], ...]
    """Retrieval lists: the commission (unit), its id, its stations drawn."""
    option_names: dict[str, Names]
    """The contest's options by id, to name the hand counts' categories."""


def _check(app: Saylau, a: dict[str, object]) -> Check:
    key = str(a["key"])
    geo = app.geography()
    unit_id = a.get("unit")
    unit = geo.unit(UnitId(str(unit_id))) if unit_id and str(unit_id) in geo else None
    kind = key.split(":", 1)[0]
    if kind not in ("turnout", "majority", "no-majority", "unit", "unit-no"):
        kind = "other"
    return Check(kind, unit, str(a["claim"]))


def audit_view(app: Saylau, audit_id: str) -> AuditView:
    r = audit_svc.report(app, audit_id)
    geo = app.geography()
    lists = tuple((geo.unit(UnitId(c)) if c in geo else None, c, tuple(s))
                  for c, s in sorted(r.retrieval.items()))
    options = {str(o.id): o.name for o in elections_svc.get_contest(app, r.contest).options}
    return AuditView(r, tuple(_check(app, a) for a in r.assertions), lists, options)


def audits_list(app: Saylau) -> list[tuple[str, str, str]]:
    return audit_svc.list_audits(app)
