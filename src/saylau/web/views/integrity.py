"""The integrity page of an election (issue 14): the latest stored run of the forensic tests
(services/integrity), their signals by unit, and the quick count against the official result
when the run holds one. Plain values; the language comes in web/render/integrity.py."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from saylau.services import integrity as integrity_svc
from saylau.services.context import Saylau
from saylau.web.views.election import ElectionInfo, record_version


@dataclass(frozen=True)
class SignalRow:
    unit: str
    signals: tuple[str, ...]
    stations: int


@dataclass(frozen=True)
class IntegrityView:
    info: ElectionInfo
    run: dict[str, Any] | None
    """The latest run's result (None before the first run)."""
    run_at: str | None
    by_unit: tuple[SignalRow, ...]
    comparison: tuple[dict[str, Any], ...]
    version: str
    built: datetime


def integrity_view(app: Saylau, info: ElectionInfo) -> IntegrityView:
    stored = integrity_svc.latest_run(app, info.election.id)
    result = stored["result"] if stored else None
    rows: list[SignalRow] = []
    comparison: tuple[dict[str, Any], ...] = ()
    if result:
        integer = result.get("integer_by_unit", {})
        for unit, d in sorted(result.get("digits_by_unit", {}).items()):
            flagged = ("integer",) if integer.get(unit, {}).get("signal") else ()
            rows.append(SignalRow(unit, flagged + tuple(d["signals"]), int(d["stations"])))
        comparison = tuple(result.get("quick_count", {}).get("comparison", ()))
    return IntegrityView(info=info, run=result, run_at=stored["run_at"] if stored else None,
                         by_unit=tuple(rows), comparison=comparison,
                         version=record_version(app, info), built=app.clock())
