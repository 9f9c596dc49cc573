"""Open data: every contest's results per unit and per station as CSV and JSON, and the whole
election as a NIST SP 1500-100 v2 ("CDF") JSON election report.

Everything is built from one consistent snapshot per contest (`snapshot`): the tally of every
unit, the current protocol of every station (its version, content hash and warning codes) and
the law's decision, all as of the same protocol record (`as_of`, the sequence number of the
last protocol version included). Only the snapshot reads the store; the writers are pure
functions of snapshots that return text (CSV) or plain dicts (JSON), so a route or a command
can call them as they are. None reads the clock: the CDF report's GeneratedDate is passed in.

    snapshot.py     snapshot, election_snapshots          (reads the store)
    figures.py      ContestSnapshot and the records the writers share (pure)
    csv_files.py    units_csv, stations_csv, sessions_csv, contests_csv, options_csv (pure)
    json_files.py   units_json, stations_json, sessions_json, decision_json, election_json,
                    open_data_files: every file of a CSV or JSON export (pure)
    cdf.py          cdf_report, cdf_json, with cdf_parts.py (pure)

CSV text is UTF-8 and starts with a byte-order mark (U+FEFF) so that spreadsheet programs
open Kazakh and Russian names correctly. docs/open-data.md documents every file, column and
CDF field, and how the Kazakhstan-specific figures map onto the format.
"""

from __future__ import annotations

from saylau.domain.decide import SessionRound
from saylau.services.export.cdf import ISSUER, ISSUER_ABBREVIATION, cdf_json, cdf_report
from saylau.services.export.cdf_parts import PASSAGE
from saylau.services.export.csv_files import (
    contests_csv,
    options_csv,
    sessions_csv,
    stations_csv,
    units_csv,
)
from saylau.services.export.figures import (
    CDF_COUNTS,
    FORMAT_VERSION,
    ContestSnapshot,
    JsonDict,
    StationProtocol,
    file_stem,
    session_records,
    station_records,
    unit_records,
)
from saylau.services.export.json_files import (
    decision_json,
    election_json,
    open_data_files,
    sessions_json,
    stations_json,
    units_json,
)
from saylau.services.export.snapshot import election_snapshots, snapshot

__all__ = [
    "CDF_COUNTS",
    "FORMAT_VERSION",
    "ISSUER",
    "ISSUER_ABBREVIATION",
    "PASSAGE",
    "ContestSnapshot",
    "JsonDict",
    "SessionRound",
    "StationProtocol",
    "cdf_json",
    "cdf_report",
    "contests_csv",
    "decision_json",
    "election_json",
    "election_snapshots",
    "file_stem",
    "open_data_files",
    "options_csv",
    "session_records",
    "sessions_csv",
    "sessions_json",
    "snapshot",
    "station_records",
    "stations_csv",
    "stations_json",
    "unit_records",
    "units_csv",
    "units_json",
]
