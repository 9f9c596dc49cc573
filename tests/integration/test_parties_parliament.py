"""Only registered parties may nominate a list in a parliament election once the party
register is in use (issue 13); a store that never used it accepts any party, as before."""

from __future__ import annotations

from datetime import date

import pytest

from saylau.domain.errors import ValidationFailed
from saylau.domain.ids import ActorId
from saylau.domain.names import Names
from saylau.domain.parties.synthetic import member_list
from saylau.services.context import Saylau
from saylau.services.parliament import PartySpec, create_parliament
from saylau.services.parties.decisions import decide_party
from saylau.services.parties.register import (
    ApplicationIn,
    apply,
    import_columns,
    regions,
)

BY = ActorId("test")


def _kurultai(s: Saylau, eid: str, *parties: str) -> None:
    create_parliament(s, election_id=eid, name=Names.same("Kurultai"), ruleset_name="kz-2026",
                      date="2030-01-01", by=BY, parties=[
                          PartySpec(p, Names.same(p), k + 1) for k, p in enumerate(parties)])


def test_the_register_decides_who_may_nominate(referendum: tuple[Saylau, str]) -> None:
    s, _ = referendum
    _kurultai(s, "k-before", "anyone", "at-all")  # no register in use: any party
    for pid, per_region in (("alpha", 260), ("beta", 100)):
        apply(s, ApplicationIn(pid, Names.same(pid), "kz-2022", 800, regions(),
                               date(2022, 7, 1), date(2022, 9, 1), date(2022, 10, 15)), BY)
        import_columns(s, pid, member_list(len(pid), 0, regions(),
                                           per_region=[per_region] * 20), BY)
        decide_party(s, pid, BY)
    with pytest.raises(ValidationFailed) as e:
        _kurultai(s, "k-after", "alpha", "beta", "gamma")
    rows = {r["field"]: r for r in e.value.details["rows"]}
    assert set(rows) == {"parties.beta", "parties.gamma"}
    assert rows["parties.beta"]["actual"] == "refused"
    assert rows["parties.gamma"]["actual"] == "not in the register"
    _kurultai(s, "k-after", "alpha")
