"""The repositories of the store, by aggregate (the old single module's names, re-exported for
the callers that still import them from here):

    store.geography   units
    store.elections   elections, electoral districts, contests
    store.protocols   protocol versions, their rejections, turnout reports
    store.keys        commission keys            store.tokens     bearer tokens
    store.senate      Senate joint sessions      store.admin_log  the admin log's entries
    store.log         the transparency logs' storage (the turn, append, seal, reads)

Every function takes a Connection inside a transaction the caller (a service) owns; none of
them commits. New code imports the aggregate's module, not this one.
"""

from __future__ import annotations

from saylau.store.elections import (
    contests_of,
    get_contest,
    get_election,
    insert_contest,
    insert_districts,
    insert_election,
    list_elections,
    load_districts,
)
from saylau.store.geography import insert_units, load_units, unit_count
from saylau.store.protocols import (
    PROTOCOL_ROW_COLUMNS,
    all_turnout,
    current_protocol,
    findings_from_json,
    findings_json,
    insert_protocol,
    insert_protocol_rows,
    insert_protocols,
    insert_rejection,
    insert_turnouts,
    max_protocol_seq,
    max_turnout_seq,
    protocol_columns_after,
    protocol_history,
    protocol_row,
    protocol_rows_after,
    rejections,
    station_turnout,
    stations_with_protocols,
    votes_json,
)

__all__ = [
    "PROTOCOL_ROW_COLUMNS",
    "all_turnout",
    "contests_of",
    "current_protocol",
    "findings_from_json",
    "findings_json",
    "get_contest",
    "get_election",
    "insert_contest",
    "insert_districts",
    "insert_election",
    "insert_protocol",
    "insert_protocol_rows",
    "insert_protocols",
    "insert_rejection",
    "insert_turnouts",
    "insert_units",
    "list_elections",
    "load_districts",
    "load_units",
    "max_protocol_seq",
    "max_turnout_seq",
    "protocol_columns_after",
    "protocol_history",
    "protocol_row",
    "protocol_rows_after",
    "rejections",
    "station_turnout",
    "stations_with_protocols",
    "unit_count",
    "votes_json",
]
