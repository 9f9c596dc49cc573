"""The referendum decision as plain JSON-able data."""

from __future__ import annotations

from typing import Any

from saylau.domain.explain import (
    DEFAULT_LANG,
    explanation_json,
    share_json,
)
from saylau.domain.law.referendum.figures import ReferendumDecision


def decision_json(d: ReferendumDecision, lang: str = DEFAULT_LANG) -> dict[str, Any]:
    """The decision as plain JSON-able data (the CLI's `--json`, the API's results).

    The explanation is rendered in `lang` (kk, ru or en); `steps` keeps each step's stable
    code and figures beside its text.
    """
    return {
        "kind": "referendum",
        "ruleset": d.ruleset,
        "question": "constitutional" if d.constitutional else "ordinary",
        "state": d.state.value,
        "valid": d.valid,
        "adopted": d.adopted,
        "failed_condition": d.failed_condition,
        "registered": d.registered,
        "participants": d.participants,
        "yes": d.yes,
        "turnout": share_json(d.turnout),
        "yes_share": share_json(d.yes_share),
        "national_majority": d.national_majority,
        "units_total": d.units_total,
        "units_with_majority": d.units_with_majority,
        "units_required": d.units_required,
        "stations_expected": d.stations_expected,
        "stations_reported": d.stations_reported,
        "readings": d.readings.as_dict(),
        "unverified": ["participants", "two_thirds", "national_majority"],
        "units": [
            {
                "unit": r.unit,
                "name": r.name,
                "registered": r.registered,
                "participants": r.participants,
                "yes": r.yes,
                "share": share_json(r.share),
                "majority": r.majority,
                "complete": r.complete,
            }
            for r in d.units
        ],
        **explanation_json(d.explanation, lang),
    }
