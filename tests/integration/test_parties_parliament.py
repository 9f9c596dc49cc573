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


def test_a_presidential_candidates_party_must_be_registered(
        referendum: tuple[Saylau, str]) -> None:
    """Once the register is in use, a presidential candidate's nominating party must be
    registered in it (a self-nominated candidate names none); before, any party is taken."""
    from saylau.services.parliament import CandidateSpec, create_presidential

    s, _ = referendum

    def president(eid: str, *cands: tuple[str, str | None]) -> None:
        create_presidential(s, election_id=eid, name=Names.same("President"),
                            ruleset_name="kz-2022", date="2029-11-20", by=BY,
                            candidates=[CandidateSpec(c, Names.same(c), p) for c, p in cands])

    president("p-before", ("A", "anyone"), ("B", None))  # no register in use: any party
    for pid, per_region in (("alpha", 260), ("beta", 100)):
        apply(s, ApplicationIn(pid, Names.same(pid), "kz-2022", 800, regions(),
                               date(2022, 7, 1), date(2022, 9, 1), date(2022, 10, 15)), BY)
        import_columns(s, pid, member_list(len(pid), 0, regions(),
                                           per_region=[per_region] * 20), BY)
        decide_party(s, pid, BY)
    with pytest.raises(ValidationFailed) as e:
        president("p-after", ("A", "alpha"), ("B", "beta"), ("C", "gamma"), ("D", None))
    rows = {r["field"]: r for r in e.value.details["rows"]}
    assert set(rows) == {"candidates.B.party", "candidates.C.party"}
    assert rows["candidates.B.party"]["actual"] == "refused"
    assert rows["candidates.C.party"]["actual"] == "not in the register"
    assert "'beta' is not registered" in rows["candidates.B.party"]["message"]
    president("p-after", ("A", "alpha"), ("D", None))  # nothing was half-created before
