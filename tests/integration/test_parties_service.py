"""Party registration through its services on SQLite and PostgreSQL: applications, member
lists in versions, the cross-party and barred checks on keyed hashes, decisions under
kz-2022 beside kz-2007, and no raw IIN anywhere in what is stored or returned."""

from __future__ import annotations

import json
import re
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import select

from saylau.domain.errors import Conflict, ImportFailed, Unavailable, ValidationFailed
from saylau.domain.ids import ActorId
from saylau.domain.names import Names
from saylau.domain.parties.synthetic import BadShares, member_list, random_iin, to_csv
from saylau.domain.versions import VersionConflict
from saylau.services.context import Saylau
from saylau.services.parties.decisions import (
    conflicts,
    decide_party,
    liquidate,
    party_rows,
    register,
    registered_parties,
)
from saylau.services.parties.register import (
    ApplicationIn,
    RowChange,
    apply,
    change_row,
    import_barred,
    import_members,
    regions,
)
from saylau.store import tables as t

MINISTRY = ActorId("ministry")


@pytest.fixture
def store(saylau: Saylau, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Saylau:
    monkeypatch.setenv("SAYLAU_PARTIES_KEY", str(tmp_path / "parties.key"))
    return saylau


def _apply(s: Saylau, pid: str, founders: int = 800) -> None:
    apply(s, ApplicationIn(pid, Names.same(pid.title()), "kz-2022", founders, regions(),
                           date(2022, 7, 1), date(2022, 9, 1), date(2022, 10, 15)), MINISTRY)


def _every_output(s: Saylau, *more: object) -> str:
    """Every table's every cell, and whatever the services returned."""
    parts = [repr(m) for m in more]
    with s.read() as conn:
        for table in t.metadata.sorted_tables:
            parts += [repr(tuple(r)) for r in conn.execute(select(table))]
    return "\n".join(parts)


def iins_in(text: str, iins: set[str]) -> set[str]:
    """Which of `iins` occur in `text`, anywhere (every 12-digit window of every run of
    digits: an IIN inside a longer number is found too)."""
    found = set()
    for run in re.findall(r"[0-9]{12,}", text):
        found |= {run[k:k + 12] for k in range(len(run) - 11)} & iins
    return found


def test_a_registration_season(store: Saylau) -> None:
    regs = regions()
    # A: 260 a region (5,200): registers under kz-2022; kz-2007 would refuse it
    a_list = member_list(1, 0, regs, per_region=[260] * 20)
    barred_iins = [random_iin(__import__("random").Random(k)) for k in (91, 92)]
    # B: 300 a region, but a fifth of its rows are A's members, bad check digits, barred
    b_list = member_list(2, 0, regs, per_region=[300] * 20,
                         shares=BadShares(check_digit=0.05, other_party=0.2, barred=0.01),
                         other_party=a_list.iins[:2000], barred=barred_iins)
    _apply(store, "alpha")
    _apply(store, "beta", founders=650)
    import_barred(store, [(barred_iins[0], "akim"), (barred_iins[1], "judge")], MINISTRY)
    ra = import_members(store, "alpha", to_csv(a_list).encode(), "a.csv", ActorId("alpha"))
    rb = import_members(store, "beta", to_csv(b_list).encode(), "b.csv", ActorId("beta"))
    assert (ra.rows, rb.rows) == (5200, 6000)
    assert ra.findings == ()
    # B's cross-party rows are drawn with replacement: some are on B's list twice
    assert {f.code for f in rb.findings} == {"iin.check_digit", "iin.duplicate"}

    da = decide_party(store, "alpha", MINISTRY, rulesets=("kz-2007",))
    assert [d.decision.value for d in da.decisions] == ["registered", "refused"]
    assert {c.code for c in da.decisions[1].failed} == {"initiative_group.size",
                                                        "members.total", "members.per_branch"}
    # both parties see each conflict; alpha's membership stands (received first)
    both = conflicts(store)
    assert both and all(c.stands == "alpha" for c in both)
    assert conflicts(store, "alpha") == both == conflicts(store, "beta")
    db = decide_party(store, "beta", MINISTRY)
    assert db.recorded is not None and db.recorded.decision.value == "refused"
    failed = {c.code: c for c in db.recorded.failed}
    assert "initiative_group.size" in failed  # 650 < 700
    codes = [f["code"] for r in db.rows for f in r.findings]
    assert codes.count("member.other_party") > 900
    assert codes.count("member.barred") > 20
    assert codes.count("iin.check_digit") > 200
    # a refused party's members are free again: no conflict is left
    assert conflicts(store) == []
    assert {e.id: e.status for e in register(store)} == {"alpha": "registered",
                                                         "beta": "refused"}
    assert registered_parties(store) == ({"alpha"}, True)
    with pytest.raises(Conflict):  # refused is final
        decide_party(store, "beta", MINISTRY)
    liquidate(store, "alpha", "court decision (test)", MINISTRY)
    assert registered_parties(store) == (set(), True)

    text = _every_output(store, ra.as_dict(), rb.as_dict(), da.public(), db.public(),
                         list(db.rows), [c.as_dict() for c in both],
                         [e.as_dict() for e in register(store)], party_rows(store, "beta"))
    leaked = iins_in(text, {*a_list.iins, *b_list.iins, *barred_iins})
    assert leaked == set(), f"{len(leaked)} raw IINs in the store or the outputs"
    assert a_list.iins[0][-4:] in text  # the last four digits are kept
    # the scan itself finds an IIN, inside a longer number too
    assert iins_in(f"x{a_list.iins[7]}y 9{b_list.iins[3]}9", {*a_list.iins, *b_list.iins}) == {
        a_list.iins[7], b_list.iins[3]}


def test_rows_are_corrected_and_withdrawn_in_versions(store: Saylau) -> None:
    _apply(store, "gamma")
    cols = member_list(3, 5, regions()[:5])
    import_members(store, "gamma", to_csv(cols).encode(), "g.csv", ActorId("gamma"))
    with pytest.raises(ValidationFailed) as e:
        change_row(store, "gamma", RowChange(1, 1, " ", region="KZ-11"), ActorId("gamma"))
    assert e.value.code == "correction_reason_missing"
    v2 = change_row(store, "gamma", RowChange(1, 1, "wrong region", region="kz-11"),
                    ActorId("gamma"))
    assert (v2.version, v2.region, v2.reason) == (2, "KZ-11", "wrong region")
    with pytest.raises(VersionConflict):  # stale: version 2 is current
        change_row(store, "gamma", RowChange(1, 1, "again", region="KZ-75"), ActorId("gamma"))
    bad = change_row(store, "gamma", RowChange(2, 1, "typo", iin="061211600013"),
                     ActorId("gamma"))
    assert [f["code"] for f in bad.findings] == ["iin.check_digit"]
    w = change_row(store, "gamma", RowChange(3, 1, "left the party", withdraw=True),
                   ActorId("gamma"))
    assert w.withdrawn and w.version == 2
    rows = party_rows(store, "gamma")
    assert [(r["row_no"], r["version"]) for r in rows][:3] == [(1, 1), (1, 2), (2, 1)]
    assert len(rows) == 8  # 5 first versions + 3 new, none overwritten
    report = decide_party(store, "gamma", MINISTRY, record=False)
    assert sum(report.members_by_region["kz-2022"].values()) == 3  # one bad IIN, one gone
    assert not iins_in(_every_output(store, rows, report.public()), {"061211600013"})


def test_a_refused_file_stores_nothing(store: Saylau) -> None:
    _apply(store, "delta")
    with pytest.raises(ImportFailed):
        import_members(store, "delta", b"name,iin\nx,061211600012\n", "d.csv", MINISTRY)
    assert party_rows(store, "delta") == []
    assert [e.status for e in register(store)] == ["submitted"]


def test_the_key_is_checked_like_the_central_key(store: Saylau, tmp_path: Path,
                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    _apply(store, "eps")
    import_members(store, "eps", to_csv(member_list(4, 3, regions())).encode(), "e.csv",
                   MINISTRY)
    assert (tmp_path / "parties.key").stat().st_mode & 0o777 == 0o600
    store.caches.pop("parties-key")
    monkeypatch.setenv("SAYLAU_PARTIES_KEY", str(tmp_path / "other.key"))
    with pytest.raises(Unavailable) as e:
        import_members(store, "eps", to_csv(member_list(5, 3, regions())).encode(), "e.csv",
                       MINISTRY)
    assert e.value.code == "parties_key_missing"
    (tmp_path / "other.key").write_text("ab" * 32)
    with pytest.raises(Unavailable) as e:
        import_members(store, "eps", to_csv(member_list(5, 3, regions())).encode(), "e.csv",
                       MINISTRY)
    assert e.value.code == "parties_key_mismatch"
    json.dumps(e.value.details)


def test_the_registers_actions_are_signed_admin_log_entries(store: Saylau) -> None:
    from saylau.services import admin_log

    _apply(store, "zeta")
    cols = member_list(6, 0, regions(), per_region=[260] * 20)
    barred = random_iin(__import__("random").Random(66))
    import_barred(store, [(barred, "cec")], MINISTRY)
    import_members(store, "zeta", to_csv(cols).encode(), "z.csv", ActorId("zeta"))
    decide_party(store, "zeta", MINISTRY)
    liquidate(store, "zeta", "merged with another party", MINISTRY)
    entries = admin_log.entries(store, 0, 100)
    actions = [e["body"]["action"] for e in entries]
    assert actions == ["party_applied", "party_barred_imported", "party_members_imported",
                       "party_decided", "party_liquidated"]
    decided = entries[3]["body"]
    assert (decided["party"], decided["decision"], decided["failed"]) == (
        "zeta", "registered", [])
    assert sum(decided["members_by_region"].values()) == 5200
    assert admin_log.verify(store).ok
    text = json.dumps(entries)
    assert not iins_in(text, {*cols.iins, barred})
