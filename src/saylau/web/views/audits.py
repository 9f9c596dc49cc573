"""The public page of a risk-limiting audit (issue 15): what it checks, each round's seed
ceremony and sample, the hand counts' progress, the discrepancies and the risk; and the list
of audits. From services/audits."""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction
from typing import Any

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
    """The kind of claim: a referendum's turnout, majority, no-majority, unit, unit-no; a
    candidate's cand-majority, cand-no-majority, finalist, plurality; a party list's
    threshold, below, seat; else other (the claim in English)."""
    unit: Unit | None
    claim: str
    a: str = ""
    """The option the claim is about (a candidate or party id), or the first of a pair."""
    b: str = ""
    share: Fraction = Fraction(0)
    """A party's threshold share."""
    method: str = ""
    """A seat claim's method: hare or dhondt."""


@dataclass(frozen=True)
class AuditView:
    report: AuditReport
    checks: tuple[Check, ...]
    commissions: tuple[tuple[Unit | None, str, tuple[str, ...]], ...]
    """Retrieval lists: the commission (unit), its id, its stations drawn."""
    option_names: dict[str, Names]
    """The contest's options by id, to name the hand counts' categories."""


_KINDS = ("turnout", "majority", "no-majority", "unit", "unit-no", "finalist", "plurality",
          "threshold", "below", "seat")


def _check(app: Saylau, a: dict[str, Any]) -> Check:
    key = str(a["key"])
    geo = app.geography()
    unit_id = a.get("unit")
    unit = geo.unit(UnitId(str(unit_id))) if unit_id and str(unit_id) in geo else None
    kind, _, rest = key.partition(":")
    first, _, second = rest.partition(">")
    if kind in ("majority", "no-majority") and rest:
        kind = f"cand-{kind}"  # the President's: the claim names the candidate
    elif kind not in _KINDS:
        kind = "other"
    weights = {str(k): float(v) for k, v in dict(a.get("weights") or {}).items()}
    share = 0.0
    if kind == "threshold":
        share = 1.0 - weights.get(first, 1.0)
    elif kind == "below":
        share = 1.0 + weights.get(first, -1.0)
    exact = Fraction(str(round(share, 9)))
    claim = str(a["claim"])
    method = "dhondt" if "(dhondt)" in claim else "hare" if "(hare)" in claim else ""
    return Check(kind, unit, claim, first if kind != "unit" else "", second, exact, method)


def audit_view(app: Saylau, audit_id: str) -> AuditView:
    """The audit's page: its report, its claims in words, its retrieval lists."""
    r = audit_svc.report(app, audit_id)
    geo = app.geography()
    lists = tuple((geo.unit(UnitId(c)) if c in geo else None, c, tuple(s))
                  for c, s in sorted(r.retrieval.items()))
    options = {str(o.id): o.name for o in elections_svc.get_contest(app, r.contest).options}
    return AuditView(r, tuple(_check(app, a) for a in r.assertions), lists, options)


def audits_list(app: Saylau, election: str | None = None) -> list[tuple[str, str, str]]:
    """(audit, election, contest) of every audit, or of one election's."""
    return audit_svc.list_audits(app, election)
