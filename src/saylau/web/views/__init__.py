"""What the public pages show, gathered from the services: plain values, no language yet.

The routes (live pages) and the publisher (static snapshot) build the same views, then render
them in each language (web/render/). Only what is public is gathered: results, decisions, the
chamber, and the accepted protocols with their checks and versions (who, when, why). Rejected
submissions, tokens and scopes stay with the commissions.

One module per page, and what they share: `election` (the election, its contests, the
record's version), `unit` (a unit of the geography, the country included), `contest` (a
district, the President, a Senate seat), `station` (a polling station's protocols). Every name
is importable from here as before the split. The coming wings' pages (observation, parties,
integrity, audits) get a module each here and in web/render/ (docs/architecture.md).
"""

from saylau.web.views.contest import ContestView, contest_view
from saylau.web.views.election import (
    MAIN_KINDS,
    PROBE_SECONDS,
    ElectionInfo,
    OptionRow,
    election_info,
    elections,
    frozen_record,
    leading_option,
    record_version,
    results_max_age,
)
from saylau.web.views.station import (
    CheckRow,
    StationContest,
    StationView,
    VersionView,
    check_rows,
    contests_at,
    station_contest,
    station_view,
)
from saylau.web.views.unit import Chamber, DistrictRow, UnitView, district_rows, unit_view

__all__ = [
    "MAIN_KINDS", "PROBE_SECONDS", "Chamber", "CheckRow", "ContestView", "DistrictRow",
    "ElectionInfo", "OptionRow", "StationContest", "StationView", "UnitView", "VersionView",
    "check_rows", "contest_view", "contests_at", "district_rows", "election_info", "elections",
    "frozen_record", "leading_option", "record_version", "results_max_age", "station_contest",
    "station_view", "unit_view",
]
