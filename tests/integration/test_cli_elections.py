"""The command line as a commission and an analyst use it: the demo nights (instant), a
parliament created from CSV files, results as JSON, rulesets compared."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from saylau.cli.main import app
from saylau.services.context import Saylau
from saylau.services.results import decide

runner = CliRunner()


def test_the_referendum_night_replays_through_the_api(tmp_path: Path,
                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    r = runner.invoke(app, ["demo", "--stations", "300", "--instant"])
    assert r.exit_code == 0, r.output
    assert "0 failures" in r.output
    assert "1 conflict(s) answered 409" in r.output
    db = tmp_path / "saylau-demo.db"
    assert db.exists()
    s = Saylau.open(f"sqlite:///{db}")
    try:
        d, seq = decide(s, "ref-2022.referendum")
        assert d is not None
        assert d.state.value in ("adopted", "not_adopted", "invalid")
        assert d.stations_reported == d.stations_expected == 300
        assert seq >= 300 + 2  # every station, plus the corrections as new versions
    finally:
        s.engine.dispose()
    # a second run keeps the first night's database aside: nothing is lost
    r = runner.invoke(app, ["demo", "--stations", "40", "--instant"])
    assert r.exit_code == 0, r.output
    assert list(tmp_path.glob("saylau-demo.db.*.previous"))


def test_the_majilis_night_forms_the_chamber(tmp_path: Path,
                                             monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    r = runner.invoke(app, ["demo", "--stations", "300", "--instant", "--election", "majilis"])
    assert r.exit_code == 0, r.output
    assert "Majilis (kz-2022): 97 of 98 seats filled" in r.output
    assert "vacant (repeat election or tie): SMD-29" in r.output
    monkeypatch.setenv("SAYLAU_DATABASE_URL", f"sqlite:///{tmp_path / 'saylau-demo.db'}")
    r = runner.invoke(app, ["results", "--json"])
    assert r.exit_code == 0, r.output
    doc = json.loads(r.output)
    assert doc["size"] == 98
    assert sum(v["list"] for v in doc["by_party"].values()) == 69
    r = runner.invoke(app, ["compare", "--rulesets", "kz-2007,kz-2022", "--election",
                            "majilis-2023", "--json"])
    assert r.exit_code == 0, r.output
    seats = {k: sum(v["seats"].values()) for k, v in json.loads(r.output).items()}
    assert seats == {"kz-2007": 98, "kz-2022": 69}


def test_compare_a_file_without_a_database() -> None:
    # Majilis 2021 as published by the CEC (sources: tests/golden/data/README.md): 76/12/10
    # under its own kz-2007 rules; Auyl's 5.3% passes the kz-2022 threshold of 5%, not 7%
    f = Path(__file__).parents[1] / "golden" / "data" / "kz_majilis_2021.csv"
    r = runner.invoke(app, ["compare", "--rulesets", "kz-2007,kz-2022", str(f), "--json"])
    assert r.exit_code == 0, r.output
    doc = json.loads(r.output)
    seats07 = doc["kz-2007"]["seats"]
    assert sorted(seats07.values(), reverse=True)[:3] == [76, 12, 10]
    auyl = next(p for p in seats07 if "auyl" in p.lower())
    assert seats07[auyl] == 0
    assert doc["kz-2022"]["seats"][auyl] > 0
    assert sum(doc["kz-2022"]["seats"].values()) == 69


def test_create_parliament_from_csv(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("SAYLAU_DATABASE_URL", f"sqlite:///{tmp_path / 's.db'}")
    assert runner.invoke(app, ["geography", "generate", "--stations", "300"]).exit_code == 0
    parties = tmp_path / "p.csv"
    parties.write_text("party,name_kk,name_ru,name_en,registration_order\nA,А,А,Alpha,1\n"
                       "B,Б,Б,Beta,2\n", encoding="utf-8")
    cands = tmp_path / "c.csv"
    cands.write_text("district,candidate,name,party\n" + "".join(
        f"{n},C{n}a,Alpha nominee,A\n{n},C{n}b,Independent,\n" for n in range(1, 30)),
        encoding="utf-8")
    r = runner.invoke(app, ["election", "create-parliament", "--id", "m", "--parties",
                            str(parties), "--candidates", str(cands)])
    assert r.exit_code == 0, r.output
    assert "and 27 more contests" in r.output
    bad = tmp_path / "bad.csv"
    bad.write_text("party,name_kk,name_ru,name_en,registration_order\nA,А,А,Alpha,first\n",
                   encoding="utf-8")
    r = runner.invoke(app, ["election", "create-parliament", "--id", "m2", "--parties",
                            str(bad)])
    assert r.exit_code == 2
    assert "line 2: registration_order" in r.output
