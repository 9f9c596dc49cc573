"""Loading results published elsewhere into a store: the use case of `saylau import ...`.

The mapping of a foreign file is pure and lives below the services (saylau.importers: bytes in,
domain values and a report out). Loading it is a sequence of the services every other entry
uses (`load_geography`, `create_referendum` / `create_parliament` / `create_presidential`,
`import_protocols`, `submit_protocol`), each in
its own transaction, so every check of saylau runs on the way in. It is a service, not a
command, so that the command line, the tests and any later entry (an API route, the integrity
wing's `--import KIND FILE`, issue 14) load a file the same way.
"""

from __future__ import annotations

from dataclasses import dataclass

from saylau.domain.access import Principal, Role
from saylau.domain.errors import ImportFailed, ValidationFailed
from saylau.domain.ids import ActorId
from saylau.domain.lookup import unknown
from saylau.importers import russia2020 as ru
from saylau.importers import russia_cec
from saylau.services.bulk import import_protocols
from saylau.services.context import Saylau
from saylau.services.elections import create_referendum
from saylau.services.geography import load_geography
from saylau.services.parliament import (
    CandidateSpec,
    PartySpec,
    create_parliament,
    create_presidential,
)
from saylau.services.protocols import submit_protocol


@dataclass(frozen=True, slots=True)
class LoadReport:
    mapping: ru.RussiaMapping
    contest: str
    accepted: int
    """Protocols stored (through `saylau protocols import`'s service)."""
    flagged: int
    rejections_recorded: int
    """Rows that failed saylau's checks, recorded as rejected protocols (`reject` only)."""


def load_russia_2020(
    app: Saylau,
    data: bytes,
    *,
    on_bad_rows: ru.OnBadRows = ru.OnBadRows.STRICT,
    election_id: str = ru.ELECTION_ID,
    mapping: ru.RussiaMapping | None = None,
) -> LoadReport:
    """Map Russia's 2020 file (saylau.importers.russia2020) and load it into an empty store:
    the geography, the election and its contest, then the protocols through the bulk import
    (every check of saylau runs again).

    `strict` raises ImportFailed listing every bad row before anything is stored. The three
    steps are the services' own transactions: a store that already holds a geography or the
    election refuses the load with a Conflict (nothing of the file is stored then)."""
    m = mapping if mapping is not None else ru.map_file(data, election_id=election_id)
    _refuse_if_strict(m, on_bad_rows)
    load_geography(app, m.geography)
    _, contest = create_referendum(
        app, election_id=election_id, name=ru.ELECTION_NAMES, ruleset_name=ru.RULESET,
        date=ru.ELECTION_DATE, question=ru.QUESTION, constitutional=False, by=ru.IMPORTER,
    )
    return _protocols(app, m, contest.id, on_bad_rows, ru.IMPORTER)


def load_russia_cec(
    app: Saylau,
    kind: str,
    data: bytes,
    *,
    on_bad_rows: ru.OnBadRows = ru.OnBadRows.STRICT,
    election_id: str | None = None,
    mapping: ru.RussiaMapping | None = None,
) -> LoadReport:
    """Map Russia's 2011 (State Duma, party lists) or 2012 (President) file
    (saylau.importers.russia_cec, `kind` russia-2011 | russia-2012) and load it into an empty
    store as `load_russia_2020` does: the geography, the election (a party-list contest with
    the 2011 Duma's seats, threshold and method as its parameters; the presidential contest),
    then the protocols through the bulk import."""
    if kind not in russia_cec.ELECTIONS:
        raise unknown("kind", sorted(russia_cec.ELECTIONS), kind, what="CEC file")
    default_id, date, names = russia_cec.ELECTIONS[kind]
    m = mapping if mapping is not None else russia_cec.map_file(kind, data,
                                                                election_id=election_id)
    eid = election_id or default_id
    _refuse_if_strict(m, on_bad_rows)
    by = ActorId(f"import-{kind}")
    load_geography(app, m.geography)
    if kind == "russia-2011":
        _, made = create_parliament(
            app, election_id=eid, name=names, ruleset_name=ru.RULESET, date=date,
            parties=[PartySpec(pid, n, k + 1)
                     for k, (pid, n) in enumerate(russia_cec.PARTIES_2011)],
            params=dict(russia_cec.LIST_PARAMS_2011), by=by)
        contest_id = made[0].id
    else:
        _, contest = create_presidential(
            app, election_id=eid, name=names, ruleset_name=ru.RULESET, date=date,
            candidates=[CandidateSpec(cid, n, None) for cid, n in russia_cec.CANDIDATES_2012],
            by=by)
        contest_id = contest.id
    return _protocols(app, m, contest_id, on_bad_rows, by)


def _refuse_if_strict(m: ru.RussiaMapping, on_bad_rows: ru.OnBadRows) -> None:
    if on_bad_rows is ru.OnBadRows.STRICT and m.problems:
        raise ImportFailed(
            f"{len(m.bad_lines):,} of {m.rows:,} rows cannot be imported as they are "
            f"({len(m.problems):,} problem(s)); nothing was imported. Fix them, or choose "
            "--on-bad-rows skip (import the rest) or reject (and record the refused protocols)",
            rows=[p.as_dict() for p in m.problems],
        )


def _protocols(app: Saylau, m: ru.RussiaMapping, contest_id: str, on_bad_rows: ru.OnBadRows,
               by: ActorId) -> LoadReport:
    who = Principal(by, Role.ADMIN)
    rep = import_protocols(app, who, contest_id, m.protocols_csv())
    recorded = 0
    if on_bad_rows is ru.OnBadRows.REJECT:
        for k in range(len(m.failed_checks)):
            try:
                submit_protocol(app, who, contest_id, m.failed_checks.stations[k],
                                m.failed_checks.row(k))
            except ValidationFailed as exc:
                if exc.code != "protocol_rejected":
                    raise
                recorded += 1
    return LoadReport(mapping=m, contest=contest_id, accepted=rep.accepted,
                      flagged=rep.flagged, rejections_recorded=recorded)
