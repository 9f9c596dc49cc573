"""The quick count fed by the observers' protocol copies: the sampled stations' current copies
(stored by the observation wing, issue 12) become the quick count's reports
(domain/integrity/copies.py says which are used and why the others are not), are stored as
reports of source `observer`, and the quick count is computed against the official figures.

Idempotent: a station whose latest stored report already holds the same figures is not stored
again, so running it as copies keep arriving stores only what is new or corrected. A station
reported earlier whose copies later came to disagree keeps its last stored report (it is listed
among the conflicts) until a corrected copy settles it.
"""

from __future__ import annotations

from typing import Any

from saylau.domain.errors import Conflict, NotFound, field_error
from saylau.domain.integrity.copies import reports_from_copies
from saylau.services.context import Saylau
from saylau.services.integrity import _committed, add_reports, quick_count, sample
from saylau.store import elections as election_store
from saylau.store import integrity as store
from saylau.store import observation as obs_store

SOURCE = "observer"


def reports_from_observers(app: Saylau, election: str, *, contest: str | None = None,
                           by: str = "cli") -> dict[str, Any]:
    """Take the quick count's sample from the observers' copies in the store; returns what was
    used and left out, and the quick count against the official result."""
    c = _committed(app, election)
    if c["seed"] is None:
        raise Conflict("reveal the seed first: the sample is not known before",
                       code="pvt_seed_hidden", details={"election": election})
    drawn = sample(app, election, c["seed"])
    with app.read() as conn:
        contests = election_store.contests_of(conn, election)
        chosen = next((x for x in contests if x.id == (contest or contests[0].id)), None)
        if chosen is None:
            raise NotFound(f"{contest} is not a contest of {election}",
                           details=field_error("contest", "a contest of the election",
                                               contest, "no such contest"))
        copies = obs_store.current_copies(conn, chosen.id)
        stored = {r["station_id"]: r for r in store.latest_reports(conn, election)}
    got = reports_from_copies(drawn, {s: [f for _, f, _ in cs] for s, cs in copies.items()},
                              [o.id for o in chosen.options])
    new = [r for r in got.reports if not _same(stored.get(r.station), r)]
    n = add_reports(app, election, new, source=SOURCE, by=by) if new else 0
    return {"contest": chosen.id, "sample": len(drawn), "stored": n,
            "unchanged": len(got.reports) - n, **got.as_dict(),
            "quick_count": quick_count(app, election, chosen.id)}


def _same(row: dict[str, Any] | None, r: Any) -> bool:
    return (row is not None and row["source"] == SOURCE
            and (int(row["registered"]), int(row["given"]), int(row["valid"]))
            == (r.registered, r.given, r.valid) and dict(row["votes"]) == dict(r.votes))
