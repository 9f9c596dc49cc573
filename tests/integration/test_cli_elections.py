"""The command line as a commission and an analyst use it: the demo nights (instant), a
parliament created from CSV files, results as JSON, rulesets compared; one store per folder,
named by every command."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest
from typer.testing import CliRunner

from saylau.cli.main import app
from saylau.services.context import Saylau
from saylau.services.results import decide

runner = CliRunner()


ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def empty_folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A new user's empty working folder: no $SAYLAU_DATABASE_URL, no central key set."""
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("SAYLAU_DATABASE_URL", raising=False)
    monkeypatch.delenv("SAYLAU_CENTRAL_KEY", raising=False)
    monkeypatch.setenv("COLUMNS", "80")
    return tmp_path


def test_the_referendum_night_replays_through_the_api(empty_folder: Path) -> None:
    r = runner.invoke(app, ["demo", "--stations", "300", "--instant"])
    assert r.exit_code == 0, r.output
    assert "0 failures" in r.stdout
    assert "1 conflict(s) answered 409" in r.stdout
    db = empty_folder / "saylau.db"  # the default of every command
    assert r.stderr.splitlines()[0] == f"store: SQLite {db} (the default, ./saylau.db, " \
        "created now)"
    assert "in this folder `saylau results` reads it" in r.stdout
    s = Saylau.open(f"sqlite:///{db}")
    try:
        d, seq = decide(s, "ref-2022.referendum")
        assert d is not None
        assert d.state.value in ("adopted", "not_adopted", "invalid")
        assert d.stations_reported == d.stations_expected == 300
        assert seq >= 300 + 2  # every station, plus the corrections as new versions
        # 5 June 2022 on the geography of that day: 17 top-level units, 12 needed
        assert (d.units_total, d.units_required) == (17, 12)
    finally:
        s.engine.dispose()
    # a second run keeps the first night's database aside: nothing is lost
    r = runner.invoke(app, ["demo", "--stations", "40", "--instant"])
    assert r.exit_code == 0, r.output
    assert list(empty_folder.glob("saylau.db.*.previous"))


def test_results_after_the_instant_demo_in_an_empty_folder(empty_folder: Path) -> None:
    """The README's first steps: `saylau demo --instant && saylau results` in one folder, and
    every command says first which store it opened (stderr, so --json stays JSON)."""
    assert runner.invoke(app, ["demo", "--stations", "200", "--instant"]).exit_code == 0
    db = empty_folder / "saylau.db"
    r = runner.invoke(app, ["results"])
    assert r.exit_code == 0, r.output
    assert r.stderr.splitlines()[0] == f"store: SQLite {db} (the default, ./saylau.db)"
    assert "Republic of Kazakhstan: 200 of 200 stations reported" in r.stdout
    assert "12 are needed" in r.stdout  # the explanation: two-thirds of 17 units
    lines = r.stdout.splitlines()
    start = next(k for k, line in enumerate(lines) if line.startswith("unit "))
    end = next(k for k, line in enumerate(lines) if line.startswith("decision"))
    table = lines[start:end]  # the header, its rule, one row per top-level unit
    assert len(table) == 2 + 17 and max(len(line) for line in table) <= 80, table
    doc = json.loads(runner.invoke(app, ["results", "--json"]).stdout)
    assert doc["result"]["stations_reported"] == 200
    assert len(doc["children"]) == 17
    for args in (["init"], ["admin-log", "list", "--limit", "1"], ["token", "revoke", "nobody"]):
        r = runner.invoke(app, args)
        assert r.exit_code == 0, (args, r.output)
        assert r.stderr.startswith(f"store: SQLite {db} (the default"), args
    # another folder's store, named
    other = empty_folder / "elsewhere" / "night.db"
    other.parent.mkdir()
    assert runner.invoke(app, ["demo", "--stations", "40", "--instant", "--election",
                               "referendum", "--database", str(other)]).exit_code == 0
    r = runner.invoke(app, ["results", "--json", "--database", str(other)])
    assert r.stderr.startswith(f"store: SQLite {other} (--database)")
    assert json.loads(r.stdout)["result"]["stations_expected"] == 40
    r = runner.invoke(app, ["results", "--json", "--database", f"sqlite:///{other}"])
    assert json.loads(r.stdout)["result"]["stations_expected"] == 40


def test_the_readme_commands_work_as_a_new_user_types_them(empty_folder: Path) -> None:
    """`saylau demo --stations 2000 --instant && saylau results`, as separate processes."""
    exe = shutil.which("saylau")
    assert exe is not None
    for args in (["demo", "--stations", "2000", "--instant"], ["results"]):
        done = subprocess.run([exe, *args], capture_output=True, text=True, check=False,
                              cwd=empty_folder, timeout=600)
        assert done.returncode == 0, (args, done.stderr[-2000:])
    assert "Republic of Kazakhstan: 2,000 of 2,000 stations reported" in done.stdout
    assert done.stderr.startswith(f"store: SQLite {empty_folder / 'saylau.db'} (the default")


def test_rerunning_the_demo_leaves_nothing_git_would_show(empty_folder: Path) -> None:
    """The previous nights kept aside (FILE.<time>.previous) are ignored by the project's
    .gitignore, like the store and its key: a demo run in a clone leaves `git status` clean."""
    git = shutil.which("git")
    if git is None:
        pytest.skip("git is not installed")
    shutil.copy(ROOT / ".gitignore", empty_folder / ".gitignore")
    subprocess.run([git, "init", "-q"], cwd=empty_folder, check=True)
    for stations in ("40", "30"):
        assert runner.invoke(app, ["demo", "--stations", stations, "--instant"]).exit_code == 0
    assert list(empty_folder.glob("saylau.db.*.previous"))
    status = subprocess.run([git, "status", "--porcelain", "--untracked-files=all"],
                            cwd=empty_folder, capture_output=True, text=True, check=True)
    assert status.stdout.splitlines() == ["?? .gitignore"], status.stdout


def test_the_demo_fills_the_named_store_and_never_overwrites_one(
    db_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """`demo --database URL`: a SQLite file already there is kept aside; another database is
    used only when empty (it cannot be moved aside), else refused, exit 2, nothing touched."""
    monkeypatch.chdir(tmp_path)
    args = ["demo", "--stations", "40", "--instant", "--database", db_url]
    first = runner.invoke(app, args)
    assert first.exit_code == 0, first.output
    assert first.stderr.startswith("store: ") and "(--database" in first.stderr.splitlines()[0]
    again = runner.invoke(app, args)
    if db_url.startswith("sqlite"):
        assert again.exit_code == 0, again.output
        assert "kept the previous database as" in again.stdout
    else:
        assert again.exit_code == 2, again.output
        assert "error (demo_target_not_empty)" in again.stderr
    r = runner.invoke(app, ["results", "--json", "--database", db_url])
    assert json.loads(r.stdout)["result"]["stations_reported"] == 40


def test_the_majilis_night_forms_the_chamber(empty_folder: Path) -> None:
    r = runner.invoke(app, ["demo", "--stations", "300", "--instant", "--election", "majilis"])
    assert r.exit_code == 0, r.output
    assert "Majilis (kz-2022): 97 of 98 seats filled" in r.output
    assert "vacant (repeat election or tie): SMD-29" in r.output
    assert "20 top-level units" in r.output  # a 2023 election: today's map
    r = runner.invoke(app, ["results", "--json"])
    assert r.exit_code == 0, r.output
    doc = json.loads(r.stdout)
    assert doc["size"] == 98
    assert sum(v["list"] for v in doc["by_party"].values()) == 69
    r = runner.invoke(app, ["compare", "--rulesets", "kz-2007,kz-2022", "--election",
                            "majilis-2023", "--json"])
    assert r.exit_code == 0, r.output
    seats = {k: sum(v["seats"].values()) for k, v in json.loads(r.stdout).items()}
    assert seats == {"kz-2007": 98, "kz-2022": 69}


def test_compare_a_file_without_a_database() -> None:
    # Majilis 2021 as published by the CEC (sources: tests/golden/data/README.md): 76/12/10
    # under its own kz-2007 rules; Auyl's 5.3% passes the kz-2022 threshold of 5%, not 7%
    f = Path(__file__).parents[1] / "golden" / "data" / "kz_majilis_2021.csv"
    r = runner.invoke(app, ["compare", "--rulesets", "kz-2007,kz-2022", str(f), "--json"])
    assert r.exit_code == 0, r.output
    assert r.stderr == ""  # no store opened, none named
    doc = json.loads(r.stdout)
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
