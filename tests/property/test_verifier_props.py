"""The verifier accepts every honestly produced record, and its decisions are the server's.

Random referendums over the small country: random figures at a random subset of stations,
some corrected, some stations never reporting; the server's record is exported and verified
from the files alone."""

from __future__ import annotations

import json
import tempfile
from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from saylau.domain.access import Principal, Role
from saylau.domain.contests import NO, QUESTION_2022, YES
from saylau.domain.ids import ActorId
from saylau.domain.names import Names
from saylau.domain.protocols import ProtocolCounts
from saylau.domain.record.merkle import TreeHead
from saylau.domain.record.verify import verify_record
from saylau.services import record as rec
from saylau.services.context import Saylau
from saylau.services.elections import create_referendum
from saylau.services.geography import load_geography
from saylau.services.protocols import submit_protocol
from saylau.services.results import decide
from tests.conftest import central_key_at, small_country

ADMIN = Principal(ActorId("cec"), Role.ADMIN)


def counts(registered: int, turnout: float, yes: float, both: int, invalid: int) -> ProtocolCounts:
    issued = int(registered * turnout)
    boxes = issued
    rest = max(0, boxes - both - invalid)
    both, invalid = min(both, boxes), min(invalid, boxes - min(both, boxes))
    y = int(rest * yes)
    return ProtocolCounts.of(registered=registered, ballots_received=issued + 10,
                             ballots_issued=issued, ballots_cancelled=10,
                             ballots_in_boxes=boxes, invalid=invalid, both_marked=both,
                             votes={YES: y, NO: boxes - both - invalid - y})


station_plan = st.tuples(
    st.booleans(),                      # reports at all
    st.floats(0.05, 1.0), st.floats(0.0, 1.0), st.integers(0, 5), st.integers(0, 5),
    st.booleans(),                      # corrected later
    st.floats(0.0, 1.0),                # the corrected yes share
)


@settings(max_examples=8, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(station_plan, min_size=13, max_size=13), st.booleans())
def test_honest_records_verify_and_agree_with_the_server(plans: list[Any],
                                                         constitutional: bool) -> None:
    with tempfile.TemporaryDirectory() as d, central_key_at(Path(d) / "c.pem"):
        app = Saylau.open(f"sqlite:///{d}/s.db")
        try:
            geo = small_country()
            load_geography(app, geo)
            _, c = create_referendum(app, election_id="r", name=Names.same("R"),
                                     ruleset_name="kz-2022", date="2022-06-05",
                                     question=QUESTION_2022, constitutional=constitutional,
                                     by=ActorId("cec"))
            for s, (reports, t, y, both, inv, corrected, y2) in zip(
                    geo.stations(), plans, strict=True):
                if not reports:
                    continue
                submit_protocol(app, ADMIN, c.id, s.id, counts(s.registered, t, y, both, inv))
                if corrected and y2 != y:
                    fixed = counts(s.registered, t, y2, both, inv)
                    submit_protocol(app, ADMIN, c.id, s.id, fixed, correction=True,
                                    corrects=1, reason="recount")
            out = Path(d) / "record"
            rec.export_record(app, "r", out)
            heads = [TreeHead.from_json(h)
                     for h in json.loads((out / "tree-heads.json").read_text())]
            _report, v = verify_record(
                (out / "leaves.jsonl").read_bytes().splitlines(), heads,
                bytes.fromhex((out / "central.pub").read_text().strip()),
                json.loads((out / "results.json").read_text()))
            server, _seq = decide(app, c.id)
            assert server is not None
            mine = v.decisions[c.id]
            assert (mine["state"], mine["valid"], mine["adopted"],
                    mine["units_with_majority"]) == (server.state.value, server.valid,
                                                     server.adopted,
                                                     server.units_with_majority)
        finally:
            app.engine.dispose()
