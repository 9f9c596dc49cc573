"""Open data on both databases: the CDF export validates against NIST's schema (a copy in
tests/data), the CSV and JSON figures are the service's and the API's, station rows are the
current protocols, and `saylau export` writes the files (exit 0) or refuses an unknown
election (exit 2). Everything is built through public entry points."""

from __future__ import annotations

import csv
import io
import json
import random
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import jsonschema
import pytest
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from saylau.api.app import create_app
from saylau.cli.main import app as cli
from saylau.data import load_kz_units
from saylau.domain.access import Principal, Role
from saylau.domain.districts import draw_districts
from saylau.domain.generator import generate_kazakhstan
from saylau.domain.ids import ActorId, OptionId, UnitId
from saylau.domain.names import Names
from saylau.domain.protocols import ProtocolCounts
from saylau.services import export as ex
from saylau.services import parliament as ps
from saylau.services.bulk import import_protocols
from saylau.services.context import Saylau
from saylau.services.geography import load_geography
from saylau.services.protocols import protocol_history, submit_protocol
from saylau.services.results import results

SCHEMA_PATH = Path(__file__).resolve().parents[1] / "data" / "nist-sp1500-100-v2.schema.json"
ADMIN = Principal(ActorId("cec"), Role.ADMIN)
GENERATED = datetime(2022, 6, 6, 9, 30, tzinfo=UTC)
BOM = "\ufeff"
runner = CliRunner()


# --- helpers -----------------------------------------------------------------------------------


def validate_cdf(report: dict[str, Any]) -> None:
    """Valid against the official schema, and every reference names an object of the report
    (the schema's `refTypes` are not checked by JSON Schema itself)."""
    schema = json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))
    validator = jsonschema.Draft4Validator(
        schema, format_checker=jsonschema.Draft4Validator.FORMAT_CHECKER)
    errors = sorted(validator.iter_errors(report), key=lambda e: list(e.absolute_path))
    assert not errors, "\n".join(f"{list(e.absolute_path)}: {e.message[:300]}"
                                 for e in errors[:10])
    ids: list[str] = []
    refs: list[tuple[str, str]] = []  # (the kind of object referred to, the id)

    def walk(node: Any) -> None:
        if isinstance(node, list):
            for x in node:
                walk(x)
            return
        if not isinstance(node, dict):
            return
        if "@id" in node:
            ids.append(node["@id"])
        for key, value in node.items():
            if key in ("GpUnitId", "ElectionDistrictId", "ElectionScopeId"):
                refs.append(("ReportingUnit", value))
            elif key == "ComposingGpUnitIds":
                refs.extend(("ReportingUnit", v) for v in value)
            elif key in ("PartyIds", "PartyId"):
                refs.extend(("Party", v) for v in (value if isinstance(value, list) else [value]))
            elif key == "CandidateIds":
                refs.extend(("Candidate", v) for v in value)
            walk(value)

    walk(report)
    assert len(ids) == len(set(ids)), "duplicate @id"
    kinds = {"ReportingUnit": {g["@id"] for g in report.get("GpUnit", [])},
             "Party": {p["@id"] for p in report.get("Party", [])},
             "Candidate": {c["@id"] for e in report["Election"] for c in e.get("Candidate", [])}}
    dangling = [(k, v) for k, v in refs if v not in kinds[k]]
    assert not dangling, dangling[:10]


def referendum_counts(registered: int, k: int, *, unaccounted: int = 0) -> ProtocolCounts:
    issued = registered * 7 // 10
    invalid, both = 3 + k % 4, 1 + k % 3
    yes = (issued - invalid - both) * 3 // 4 - k
    return ProtocolCounts.of(
        registered=registered, ballots_received=registered,
        ballots_issued=issued, ballots_cancelled=registered - issued - unaccounted,
        ballots_in_boxes=issued, invalid=invalid, both_marked=both,
        votes={OptionId("yes"): yes, OptionId("no"): issued - invalid - both - yes},
    )


def fill_referendum(app: Saylau, contest: str) -> tuple[list[str], list[str]]:
    """Protocols for all stations but three; one accepted with a warning, one corrected.
    Returns (reported, unreported) station ids."""
    stations = app.geography().stations()
    ids = [s.id for s in stations]
    reported, unreported = ids[:-3], ids[-3:]
    for k, sid in enumerate(reported):
        reg = app.geography().unit(UnitId(sid)).registered
        submit_protocol(app, ADMIN, contest, sid,
                        referendum_counts(reg, k, unaccounted=5 if k == 1 else 0))
    first = reported[0]
    reg = app.geography().unit(UnitId(first)).registered
    submit_protocol(app, ADMIN, contest, first, referendum_counts(reg, 7), correction=True,
                    corrects=1, reason="recounted")
    return reported, unreported


def read_csv(text: str) -> list[dict[str, str]]:
    assert text.startswith(BOM)
    return list(csv.DictReader(io.StringIO(text[1:], newline="")))


def files_of(app: Saylau, fmt: str, election: str | None = None) -> dict[str, str]:
    e, snaps = ex.election_snapshots(app, election)
    return ex.open_data_files(e, snaps, fmt)


# --- the referendum ----------------------------------------------------------------------------


def test_the_cdf_report_validates_against_the_schema(referendum: tuple[Saylau, str]) -> None:
    app, contest = referendum
    e, snaps = ex.election_snapshots(app)
    validate_cdf(ex.cdf_report(e, snaps, GENERATED))  # before any protocol
    reported, _ = fill_referendum(app, contest)
    e, snaps = ex.election_snapshots(app)
    report = ex.cdf_report(e, snaps, GENERATED, is_test=True)
    validate_cdf(report)
    assert json.loads(ex.cdf_json(report)) == report
    assert (report["Status"], report["Format"], report["GeneratedDate"], report["IsTest"]) == (
        "unofficial-partial", "precinct-level", "2022-06-06T09:30:00Z", True)
    assert report["Issuer"] == "Central Election Commission of the Republic of Kazakhstan"
    geo = app.geography()
    units = {g["@id"]: g for g in report["GpUnit"]}
    assert len(units) == len(geo.units)  # the country, top-level units, districts, stations
    assert {g["Type"] for g in units.values()} == {"country", "state", "county", "precinct"}
    assert units["ru-KZ"]["ComposingGpUnitIds"] == ["ru-KZ-71", "ru-KZ-75", "ru-KZ-11"]
    assert [t["Language"] for t in units["ru-KZ"]["Name"]["Text"]] == ["kk", "ru", "en"]
    root = results(app, contest).result
    assert (units["ru-KZ"]["SubUnitsReported"], units["ru-KZ"]["TotalSubUnits"]) == (
        len(reported), root.stations_expected)
    assert units["ru-KZ"]["VotersParticipated"] == root.participants
    (c,) = report["Election"][0]["Contest"]
    assert c["@type"] == "ElectionResults.BallotMeasureContest"
    assert c["CountStatus"] == [{"@type": "ElectionResults.CountStatus", "Type": "total",
                                 "Status": "in-process"}]
    counts = {(s["@id"].rsplit("-", 1)[1], v["GpUnitId"]): v["Count"]
              for s in c["ContestSelection"] for v in s["VoteCounts"]}
    overvotes = {o["GpUnitId"]: o["Overvotes"] for o in c["OtherCounts"]}
    ballots = {b["GpUnitId"]: b for b in report["Election"][0]["BallotCounts"]}
    for u in geo.units:
        r = results(app, contest, u.id).result
        gpu = f"ru-{u.id}"
        if r.stations_reported == 0:  # no figure at all where nothing has been counted
            assert (("yes", gpu) not in counts and gpu not in overvotes and gpu not in ballots)
            continue
        assert (counts[("yes", gpu)], counts[("no", gpu)]) == (r.vote("yes"), r.vote("no"))
        assert overvotes[gpu] == r.both_marked  # both answers marked
        assert (ballots[gpu]["BallotsCast"], ballots[gpu]["BallotsRejected"]) == (
            r.ballots_in_boxes, r.invalid)


def test_unit_rows_equal_the_service_and_the_api(referendum: tuple[Saylau, str]) -> None:
    app, contest = referendum
    fill_referendum(app, contest)
    files = files_of(app, "json")
    doc = json.loads(files[f"{contest}.units.json"])
    assert (doc["contest"], doc["level"], doc["options"]) == (contest, "units", ["yes", "no"])
    geo = app.geography()
    assert [r["unit"] for r in doc["rows"]] == [u.id for u in geo.units if not u.is_station]
    api = TestClient(create_app(app))
    for row in doc["rows"]:
        served = api.get(f"/api/contests/{contest}/results",
                         params={"unit": row["unit"]}).json()["result"]
        assert {k: row[k] for k in served} == served  # every figure, share and name
    rows = read_csv(files_of(app, "csv")[f"{contest}.units.csv"])
    assert len(rows) == len(doc["rows"])
    for row in rows:
        r = results(app, contest, row["unit"]).result
        for f in ("stations_expected", "stations_reported", "list_size", "registered",
                  "ballots_received", "ballots_issued", "ballots_cancelled",
                  "ballots_in_boxes", "invalid", "both_marked", "participants"):
            assert int(row[f]) == getattr(r, f), (row["unit"], f)
        assert (int(row["votes.yes"]), int(row["votes.no"])) == (r.vote("yes"), r.vote("no"))
        assert row["complete"] == ("true" if r.complete else "false")
        unit = geo.unit(UnitId(row["unit"]))
        assert (row["name_kk"], row["name_ru"], row["name_en"]) == (
            unit.name.kk, unit.name.ru, unit.name.en)


def test_station_rows_are_the_current_protocols(referendum: tuple[Saylau, str]) -> None:
    app, contest = referendum
    reported, unreported = fill_referendum(app, contest)
    doc = json.loads(files_of(app, "json")[f"{contest}.stations.json"])
    rows = {r["station"]: r for r in doc["rows"]}
    assert list(rows) == reported + unreported
    csv_rows = {r["station"]: r for r in read_csv(files_of(app, "csv")[f"{contest}.stations.csv"])}
    for sid in reported:
        current = protocol_history(app, contest, sid)[-1]
        row, line = rows[sid], csv_rows[sid]
        c = current.counts
        assert (row["reported"], row["version"], row["content_hash"]) == (
            True, current.version, current.content_hash)
        assert row["warnings"] == [w.code for w in current.warnings]
        assert line["warnings"] == " ".join(w.code for w in current.warnings)
        assert row["votes"] == dict(c.votes)
        for f in ("registered", "ballots_received", "ballots_issued", "ballots_cancelled",
                  "ballots_in_boxes", "invalid", "both_marked"):
            assert row[f] == getattr(c, f) == int(line[f])
        assert (int(line["version"]), line["content_hash"], line["reported"]) == (
            current.version, current.content_hash, "true")
    assert rows[reported[0]]["version"] == 2  # the correction
    assert rows[reported[1]]["warnings"] == ["ballots.unaccounted"]
    for sid in unreported:
        assert (rows[sid]["reported"], rows[sid]["version"], rows[sid]["votes"]) == (
            False, None, None)
        line = csv_rows[sid]
        assert (line["reported"], line["version"], line["votes.yes"], line["content_hash"]) == (
            "false", "", "", "")
    assert rows["KZ-71-ABROAD-S0"]["abroad"] is True


def test_csv_files_open_in_a_spreadsheet_reader(referendum: tuple[Saylau, str]) -> None:
    app, contest = referendum
    fill_referendum(app, contest)
    files = files_of(app, "csv")
    assert sorted(files) == ["contests.csv", "options.csv", f"{contest}.stations.csv",
                             f"{contest}.units.csv"]
    for name, text in files.items():
        raw = text.encode("utf-8")
        assert raw.startswith(b"\xef\xbb\xbf"), name  # the UTF-8 byte-order mark
        rows = list(csv.reader(io.StringIO(raw.decode("utf-8-sig"), newline="")))
        assert len({len(r) for r in rows}) == 1, name  # a rectangle: one header, same width
    (c,) = read_csv(files["contests.csv"])
    assert (c["contest"], c["kind"], c["constitutional"], c["complete"]) == (
        contest, "referendum", "true", "false")
    assert c["name_kk"].startswith("Сіз 2022 жылғы")  # Kazakh text survives
    options = read_csv(files["options.csv"])
    assert [(o["option"], o["name_kk"], o["name_ru"]) for o in options] == [
        ("yes", "Иә", "Да"), ("no", "Жоқ", "Нет")]


def test_the_cli_writes_every_file(referendum: tuple[Saylau, str], tmp_path: Path,
                                   monkeypatch: pytest.MonkeyPatch) -> None:
    app, contest = referendum
    fill_referendum(app, contest)
    monkeypatch.setenv("SAYLAU_DATABASE_URL", app.engine.url.render_as_string(
        hide_password=False))
    r = runner.invoke(cli, ["export", "csv", "--out", str(tmp_path / "csv")])
    assert r.exit_code == 0, r.output
    assert sorted(p.name for p in (tmp_path / "csv").iterdir()) == sorted(files_of(app, "csv"))
    assert (tmp_path / "csv" / f"{contest}.units.csv").read_bytes().startswith(b"\xef\xbb\xbf")
    assert b"\r\n" in (tmp_path / "csv" / "options.csv").read_bytes()
    r = runner.invoke(cli, ["export", "json", "ref", "--out", str(tmp_path / "json")])
    assert r.exit_code == 0, r.output
    index = json.loads((tmp_path / "json" / "election.json").read_text(encoding="utf-8"))
    listed = {f for c in index["contests"] for f in c["files"].values()}
    assert {p.name for p in (tmp_path / "json").iterdir()} == listed | {"election.json"}
    decision = json.loads((tmp_path / "json" / f"{contest}.decision.json").read_text(
        encoding="utf-8"))
    assert decision["decision"]["state"] == "pending"
    r = runner.invoke(cli, ["export", "cdf", "--out", str(tmp_path / "cdf")])
    assert r.exit_code == 0, r.output
    validate_cdf(json.loads((tmp_path / "cdf" / "ref.cdf.json").read_text(encoding="utf-8")))


def test_every_export_writes_into_a_folder_new_or_not(referendum: tuple[Saylau, str],
                                                      tmp_path: Path,
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    """One `--out` behaviour for csv, json and cdf: a folder, made when missing, used when it
    exists; `open-data/` (a trailing slash) is the folder `open-data`; a file is refused."""
    app, _ = referendum
    monkeypatch.setenv("SAYLAU_DATABASE_URL", app.engine.url.render_as_string(
        hide_password=False))
    monkeypatch.chdir(tmp_path)
    expected = {"csv": "contests.csv", "json": "election.json", "cdf": "ref.cdf.json"}
    for fmt, name in expected.items():
        for target in (f"new-{fmt}/", f"new-{fmt}", "existing", "existing/"):
            (tmp_path / "existing").mkdir(exist_ok=True)
            r = runner.invoke(cli, ["export", fmt, "--out", target])
            assert r.exit_code == 0, (fmt, target, r.output)
            folder = tmp_path / target.rstrip("/")
            assert folder.is_dir() and (folder / name).is_file(), (fmt, target)
    (tmp_path / "a-file").write_text("x", encoding="utf-8")
    for fmt in expected:
        r = runner.invoke(cli, ["export", fmt, "--out", "a-file"])
        assert r.exit_code == 2, (fmt, r.output)
        assert "--out a-file is a file; every export writes into a directory" in r.stderr
    assert (tmp_path / "a-file").read_text(encoding="utf-8") == "x"


def test_an_unknown_election_exits_2(referendum: tuple[Saylau, str], tmp_path: Path,
                                     monkeypatch: pytest.MonkeyPatch) -> None:
    app, _ = referendum
    monkeypatch.setenv("SAYLAU_DATABASE_URL", app.engine.url.render_as_string(
        hide_password=False))
    for fmt in ("csv", "json", "cdf"):
        r = runner.invoke(cli, ["export", fmt, "nope", "--out", str(tmp_path / "out" / fmt)])
        assert r.exit_code == 2, r.output
        assert "no election 'nope'; elections: ref" in r.output
        assert "Traceback" not in r.output
    assert not (tmp_path / "out").exists()  # nothing written


# --- other kinds of contest ---------------------------------------------------------------------


def test_a_presidency_and_a_senate_seat_validate(referendum: tuple[Saylau, str]) -> None:
    app, _ = referendum
    from saylau.services.senate import create_senate_election, submit_session

    _, pres = ps.create_presidential(
        app, election_id="pres", name=Names.same("President"), ruleset_name="kz-2022",
        date="2022-11-20", by=ActorId("cec"),
        candidates=[ps.CandidateSpec("T", Names("Т", "Т", "T"), "P"),
                    ps.CandidateSpec("S", Names.same("S"), None)])
    for k, s in enumerate(app.geography().stations()):
        issued = s.registered // 2
        votes = {OptionId("T"): issued - 40 - k, OptionId("S"): 20 + k, OptionId("AGAINST_ALL"): 15}
        submit_protocol(app, ADMIN, pres.id, s.id, ProtocolCounts.of(
            registered=s.registered, ballots_received=s.registered, ballots_issued=issued,
            ballots_cancelled=s.registered - issued, ballots_in_boxes=issued, invalid=5,
            votes=votes))
    e, snaps = ex.election_snapshots(app, "pres")
    report = ex.cdf_report(e, snaps, GENERATED)
    validate_cdf(report)
    (c,) = report["Election"][0]["Contest"]
    assert (c["@type"], c["VoteVariation"], c["NumberRunoff"]) == (
        "ElectionResults.CandidateContest", "majority", 2)
    against = [s for s in c["ContestSelection"] if s["@id"].endswith("AGAINST_ALL")]
    assert against[0]["@type"] == "ElectionResults.BallotMeasureSelection"
    assert {p["@id"] for p in report["Party"]} == {"party-P"}  # named by its id: no list
    status = {x["@id"]: x["PostElectionStatus"] for x in report["Election"][0]["Candidate"]}
    assert status == {"cand-pres.president-T": "winner", "cand-pres.president-S": "defeated"}

    _, (seat,) = create_senate_election(
        app, election_id="sen", name=Names.same("Senate"), ruleset_name="kz-2022",
        date="2023-01-14", by=ActorId("cec"),
        seats={"KZ-11": [ps.CandidateSpec("A", Names.same("A"), None),
                         ps.CandidateSpec("B", Names.same("B"), None),
                         ps.CandidateSpec("C", Names.same("C"), None)]})
    submit_session(app, ADMIN, seat.id, round_=1, electors=200, electors_present=190,
                   invalid=4, votes={"A": 80, "B": 70, "C": 36})
    e, snaps = ex.election_snapshots(app)  # the latest election
    assert e.id == "sen"
    report = ex.cdf_report(e, snaps, GENERATED)
    validate_cdf(report)
    (c,) = report["Election"][0]["Contest"]
    assert c["CountStatus"][0]["Status"] == "in-process"  # a second round is due
    submit_session(app, ADMIN, seat.id, round_=2, electors=200, electors_present=188,
                   invalid=3, votes={"A": 90, "B": 95})
    e, snaps = ex.election_snapshots(app, "sen")
    report = ex.cdf_report(e, snaps, GENERATED)
    validate_cdf(report)
    (c,) = report["Election"][0]["Contest"]
    a = next(s for s in c["ContestSelection"] if s["@id"].endswith("-A"))
    assert [(v["Round"], v["Count"], v["GpUnitId"]) for v in a["VoteCounts"]] == [
        (1, 80, "ru-KZ-11"), (2, 90, "ru-KZ-11")]
    assert report["Status"] == "unofficial-complete"
    sessions = read_csv(ex.open_data_files(e, snaps, "csv")[f"{seat.id}.sessions.csv"])
    assert [(s["round"], s["electors"], s["votes.A"], s["votes.C"]) for s in sessions] == [
        ("1", "200", "80", "36"), ("2", "200", "90", "")]


# --- a kz-2022 Majilis --------------------------------------------------------------------------

PARTIES = [ps.PartySpec(p, Names(f"{p} kk", f"{p} ru", p), k + 1)
           for k, p in enumerate(["P1", "P2", "P3", "P4"])]
HEADER = ("station,registered,ballots_received,ballots_issued,ballots_cancelled,"
          "ballots_in_boxes,invalid")


@pytest.fixture
def majilis(saylau: Saylau) -> tuple[Saylau, list[str]]:
    geo = generate_kazakhstan(load_kz_units(), stations=200, seed=11, abroad=3)
    load_geography(saylau, geo)
    districts = draw_districts(geo, 29)
    cands = {d.id: [ps.CandidateSpec(f"{d.id}-A", Names.same("A"), "P1"),
                    ps.CandidateSpec(f"{d.id}-B", Names.same("B"), None)] for d in districts}
    _, made = ps.create_parliament(
        saylau, election_id="m", name=Names.same("Majilis"), ruleset_name="kz-2022",
        date="2023-03-19", parties=PARTIES, districts=districts, candidates=cands,
        by=ActorId("cec"))
    return saylau, [c.id for c in made]


def _protocols(app: Saylau, contest_id: str, rng: random.Random) -> bytes:
    from saylau.services.elections import get_contest

    geo = app.geography()
    c = get_contest(app, contest_id)
    lines = [HEADER + "," + ",".join(o.id for o in c.options)]
    for s in geo.stations():
        if not c.votes_at(geo, s.id):
            continue
        issued = s.registered // 2
        weights = [30, *(rng.randint(1, 10) for _ in c.options[1:])]
        total = issued - 3
        votes = [total * w // sum(weights) for w in weights]
        votes[0] += total - sum(votes)
        lines.append(",".join(map(str, [s.id, s.registered, issued + 5, issued, 5, issued, 3,
                                        *votes])))
    return ("\n".join(lines) + "\n").encode()


def test_a_majilis_exports_seats_winners_and_districts(
    majilis: tuple[Saylau, list[str]]
) -> None:
    app, contests = majilis
    list_id, districts = contests[0], contests[1:]
    e, snaps = ex.election_snapshots(app, "m")
    before = ex.cdf_report(e, snaps, GENERATED)
    validate_cdf(before)
    assert before["Status"] == "pre-election"
    assert not any(v["Type"] == "seats" for s in before["Election"][0]["Contest"][0][
        "ContestSelection"] for v in s["VoteCounts"])  # no seats before any vote
    assert json.loads(ex.open_data_files(e, snaps, "json")[f"{list_id}.decision.json"])[
        "state"] == "pending"
    rng = random.Random(5)
    for cid in contests:
        import_protocols(app, ADMIN, cid, _protocols(app, cid, rng))
    e, snaps = ex.election_snapshots(app, "m")
    report = ex.cdf_report(e, snaps, GENERATED)
    validate_cdf(report)
    assert report["Status"] == "unofficial-complete"
    election = report["Election"][0]
    party_contest = election["Contest"][0]
    assert party_contest["@type"] == "ElectionResults.PartyContest"
    seats = {s["PartyIds"][0]: v["Count"] for s in party_contest["ContestSelection"]
             if s["@type"] == "ElectionResults.PartySelection"
             for v in s["VoteCounts"] if v["Type"] == "seats"}
    decision, _ = ps.list_decision(app, list_id)
    assert seats == {f"party-{p}": n for p, n in decision.seats.items()}
    assert sum(seats.values()) == 69
    assert {"Type": "seats", "Status": "completed"}.items() <= party_contest["CountStatus"][
        1].items()
    names = {p["@id"]: [t["Content"] for t in p["Name"]["Text"]] for p in report["Party"]}
    assert names["party-P1"] == ["P1 kk", "P1 ru", "P1"]
    # the 29 districts are reporting units made of their stations
    eds = [g for g in report["GpUnit"] if g.get("OtherType") == "single-member-district"]
    assert len(eds) == 29
    geo = app.geography()
    stations = {s.id for s in geo.stations()}
    composed = [x for g in eds for x in g["ComposingGpUnitIds"]]
    assert sorted(composed) == sorted(f"ru-{s}" for s in stations)  # each exactly once
    winners = {x["@id"]: x.get("PostElectionStatus") for x in election["Candidate"]}
    for cid, c in zip(districts, election["Contest"][1:], strict=True):
        d, _ = ps.candidate_decision(app, cid)
        assert c["ElectionDistrictId"].startswith("ed-")
        assert winners[f"cand-{cid}-{d.winner}"] == "winner"
        total = next(v for s in c["ContestSelection"] for v in s["VoteCounts"]
                     if s["@id"] == f"sel-{cid}-{d.winner}" and v["GpUnitId"] ==
                     c["ElectionDistrictId"])
        assert total["Count"] == results(app, cid).result.vote(OptionId(str(d.winner)))
    # CSV: one units file and one stations file per contest, figures as the service's
    files = ex.open_data_files(e, snaps, "csv")
    assert len(files) == 2 + 2 * 30
    rows = read_csv(files[f"{list_id}.stations.csv"])
    assert len(rows) == len(stations)
    r = results(app, list_id, rows[0]["station"]).result
    assert [int(rows[0][f"votes.{p.id}"]) for p in PARTIES] == [
        r.vote(OptionId(p.id)) for p in PARTIES]
    units = read_csv(files[f"{districts[0]}.units.csv"])
    assert units[0]["unit"] == snaps[1].contest.area  # a district contest starts at its unit
    assert int(units[0]["votes.AGAINST_ALL"]) == results(app, districts[0]).result.vote(
        OptionId("AGAINST_ALL"))
    assert "both_marked" not in units[0]  # only referendum ballots have that category


def test_open_data_over_the_api(referendum: tuple[Saylau, str]) -> None:
    """The live app serves the same files as `saylau export`, and a CDF report that validates."""
    import jsonschema
    from fastapi.testclient import TestClient

    from saylau.api.app import create_app

    app, _contest = referendum
    client = TestClient(create_app(app))
    index = client.get("/api/elections/ref/open-data/csv").json()
    assert "contests.csv" in index["files"]
    for name, url in index["files"].items():
        r = client.get(url)
        assert r.status_code == 200, name
        assert r.content.startswith(b"\xef\xbb\xbf")  # the BOM spreadsheets need
    assert client.get("/api/elections/ref/open-data/csv/nope.csv").status_code == 404
    assert client.get("/api/elections/ref/open-data/xml").status_code == 422
    schema = json.loads((Path(__file__).parents[1] / "data" /
                         "nist-sp1500-100-v2.schema.json").read_text(encoding="utf-8"))
    jsonschema.Draft4Validator(schema).validate(client.get("/api/elections/ref/cdf.json").json())


# --- formulas in CSV cells ---------------------------------------------------------------------

FORMULAS = ("=HYPERLINK(\"http://x\",\"y\")", "+1+cmd|' /C calc'!A0", "-2+3", "@SUM(A1)",
            "\t=1+1", "\r=1+1", "'=already quoted")
TRIGGERS = ("=", "+", "-", "@", "\t", "\r")


def test_no_csv_cell_starts_a_formula_and_json_stays_exact(saylau: Saylau) -> None:
    """Names someone typed that a spreadsheet would run as a formula (=, +, -, @, and a tab
    or CR before one, as OWASP lists them) are neutralised in every CSV export by a leading
    apostrophe; numbers are not touched; the JSON files and the API keep every name exactly
    (issue 17, item 8). The geography's CSV reads its own export back exactly."""
    from saylau.domain.contests import QUESTION_2022
    from saylau.domain.geography import Geography, Unit, UnitKind
    from saylau.domain.geography_csv import geography_to_csv, parse_geography_csv
    from saylau.services.elections import create_referendum

    units = [Unit(UnitId("KZ"), None, UnitKind.COUNTRY, Names.same(FORMULAS[0]))]
    for k, code in enumerate(("KZ-71", "KZ-75", "KZ-11")):
        units.append(Unit(UnitId(code), UnitId("KZ"), UnitKind.REGION,
                          Names.same(f"{FORMULAS[k + 1]} {code}"), code=code))
        units.append(Unit(UnitId(f"{code}-D"), UnitId(code), UnitKind.DISTRICT,
                          Names(kk=FORMULAS[4], ru=FORMULAS[5], en=f"{FORMULAS[6]} {code}")))
        units.append(Unit(UnitId(f"-{code}"), UnitId(f"{code}-D"), UnitKind.STATION,
                          Names.same(f"@station {code}"), registered=1000 + k))
    geo = Geography.build(units)
    load_geography(saylau, geo)
    create_referendum(saylau, election_id="ref", name=Names.same("=1+1"), ruleset_name="kz-2022",
                      date="2022-06-05", question=QUESTION_2022, constitutional=True,
                      by=ActorId("test"))
    for k, st in enumerate(geo.stations()):
        submit_protocol(saylau, ADMIN, "ref.referendum", st.id,
                        referendum_counts(st.registered, k))

    csv_files = files_of(saylau, "csv")
    csv_files["geography.csv"] = geography_to_csv(geo)
    wrong = []
    for name, text in csv_files.items():
        body = text.removeprefix(BOM)
        for row in csv.reader(io.StringIO(body, newline="")):
            wrong += [f"{name}: {cell!r}" for cell in row if cell.startswith(TRIGGERS)]
    assert not wrong, wrong[:10]
    # the cells are the names with one apostrophe before them, nothing else changed
    rows = read_csv(csv_files["ref.referendum.stations.csv"])
    assert {r["station"] for r in rows} == {"'-KZ-71", "'-KZ-75", "'-KZ-11"}
    assert {r["name_en"] for r in rows} == {"'@station KZ-71", "'@station KZ-75",
                                            "'@station KZ-11"}
    units_rows = read_csv(csv_files["ref.referendum.units.csv"])
    top = next(r for r in units_rows if r["unit"] == "KZ")
    assert top["name_kk"] == "'" + FORMULAS[0]
    district = next(r for r in units_rows if r["unit"] == "KZ-71-D")
    assert (district["name_kk"], district["name_ru"], district["name_en"]) == (
        "'\t=1+1", "'\r=1+1", "''=already quoted KZ-71")  # one more: reversible
    # numbers stay numbers
    for r in rows:
        assert int(r["registered"]) >= 1000 and int(r["votes.yes"]) > 0
        assert float(top["turnout_percent"]) > 0
    contests = read_csv(csv_files["contests.csv"])
    assert contests[0]["name_en"] == QUESTION_2022.en
    # JSON exact
    stations = json.loads(files_of(saylau, "json")["ref.referendum.stations.json"])["rows"]
    assert {r["station"] for r in stations} == {"-KZ-71", "-KZ-75", "-KZ-11"}
    assert {r["name"]["en"] for r in stations} == {f"@station {c}" for c in
                                                   ("KZ-71", "KZ-75", "KZ-11")}
    # the geography's own format reads its export back exactly
    assert parse_geography_csv(csv_files["geography.csv"].encode("utf-8")) == geo
