"""`saylau protocols import CONTEST FILE`: all rows or none, every bad row reported with its
line (docs/protocols-csv.md), exit code 2; on SQLite and PostgreSQL through
$SAYLAU_DATABASE_URL. The API route that takes the same file is checked alongside.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from saylau.cli.main import app as cli
from saylau.services.context import Saylau
from tests.integration.support import Api, error_of, protocol

HEADER = ("station,registered,ballots_received,ballots_issued,ballots_cancelled,"
          "ballots_in_boxes,invalid,both_marked,yes,no")
COLUMNS = HEADER.split(",")


def row(body: dict[str, Any], **raw: str) -> str:
    """The protocol as a CSV line; `raw` replaces cells as they are written."""
    return ",".join(raw.get(c, str(body["votes"][c] if c in ("yes", "no") else body[c]))
                    for c in COLUMNS)


def csv_of(bodies: list[dict[str, Any]], header: str = HEADER) -> str:
    return "\n".join([header, *(row(b) for b in bodies)]) + "\n"


@pytest.fixture
def cli_env(api: Api, db_url: str, monkeypatch: pytest.MonkeyPatch) -> Api:
    """The CLI on the fixture's database through $SAYLAU_DATABASE_URL (each command closes
    the store it opened when it ends)."""
    monkeypatch.setenv("SAYLAU_DATABASE_URL", db_url)
    monkeypatch.setenv("COLUMNS", "200")
    return api


def run_import(api: Api, path: Path) -> Any:
    return CliRunner().invoke(cli, ["protocols", "import", api.contest, str(path)])


def stations(app: Saylau) -> list[str]:
    return [s.id for s in app.geography().stations()]


def _stored_versions(api: Api) -> int:
    return sum(len(api.history(s)) for s in stations(api.saylau))


def test_a_good_file_imports_and_again_is_unchanged(cli_env: Api, tmp_path: Path) -> None:
    api = cli_env
    all_stations = stations(api.saylau)
    bodies = [api.protocol(s) for s in all_stations]
    bodies[0]["ballots_received"] += 3  # three ballots unaccounted for: accepted, flagged
    path = tmp_path / "protocols.csv"
    path.write_text(csv_of(bodies), encoding="utf-8")
    first = run_import(api, path)
    assert first.exit_code == 0, first.output
    n = len(bodies)
    assert f"{n} rows: {n} accepted (1 with warnings), 0 unchanged" in first.stdout
    again = run_import(api, path)
    assert again.exit_code == 0, again.output
    assert f"{n} rows: 0 accepted (0 with warnings), {n} unchanged" in again.stdout
    assert _stored_versions(api) == n
    (p,) = api.history(all_stations[0])
    assert p["submitted_by"] == "cli"
    assert [w["code"] for w in p["warnings"]] == ["ballots.unaccounted"]
    view = api.results()["result"]
    assert view["stations_reported"] == n
    assert view["votes"]["yes"] == sum(b["votes"]["yes"] for b in bodies)


def test_every_warning_and_every_refused_row_is_said_in_words(cli_env: Api,
                                                               tmp_path: Path) -> None:
    """Each warning of an accepted file and each error of a refused one: its line, field,
    code, what was expected and what was found, in words (never `expected , got {...}`)."""
    api = cli_env
    s = stations(api.saylau)
    unaccounted = api.protocol(s[0])
    unaccounted["ballots_received"] += 3
    other_list = api.protocol(s[1])
    other_list["registered"] += 5
    other_list["ballots_received"] += 5
    other_list["ballots_cancelled"] += 5
    path = tmp_path / "warned.csv"
    path.write_text(csv_of([unaccounted, other_list, api.protocol(s[2])]), encoding="utf-8")
    r = run_import(api, path)
    assert r.exit_code == 0, r.output
    assert "3 rows: 3 accepted (2 with warnings), 0 unchanged" in r.stdout
    used = unaccounted["ballots_issued"] + unaccounted["ballots_cancelled"]
    assert (f"warning line 2: ballots_received (ballots.unaccounted): expected {used:,} "
            f"(issued {unaccounted['ballots_issued']:,} + cancelled "
            f"{unaccounted['ballots_cancelled']:,}), got {unaccounted['ballots_received']:,}: "
            f"station {s[0]}: 3 ballots unaccounted for") in r.stdout
    listed = api.registered(s[1])
    assert (f"warning line 3: registered (registered.differs_from_list): expected {listed:,} "
            f"(the loaded voter list), got {other_list['registered']:,}: station {s[1]}"
            ) in r.stdout
    bad = api.protocol(s[3])
    bad["ballots_in_boxes"] -= 7  # the boxes no longer add up: refused
    path = tmp_path / "refused.csv"
    path.write_text(csv_of([bad]), encoding="utf-8")
    r = run_import(api, path)
    assert r.exit_code == 2, r.output
    parts = bad["invalid"], bad["both_marked"], sum(bad["votes"].values())
    assert (f"line 2: ballots_in_boxes (boxes.sum_mismatch): expected {sum(parts):,} (invalid "
            f"{parts[0]:,} + both-marked {parts[1]:,} + votes for the options {parts[2]:,}), "
            f"got {bad['ballots_in_boxes']:,}: station {s[3]}: ") in r.stderr, r.stderr
    assert "expected ," not in r.stderr and "{" not in r.stderr


def test_a_reimport_flags_no_rows(cli_env: Api, tmp_path: Path) -> None:
    api = cli_env
    body = api.protocol("KZ-71-D0-S0")
    body["ballots_received"] += 3
    path = tmp_path / "one.csv"
    path.write_text(csv_of([body]), encoding="utf-8")
    assert "1 rows: 1 accepted (1 with warnings), 0 unchanged" in run_import(api, path).stdout
    assert "1 rows: 0 accepted (0 with warnings), 1 unchanged" in run_import(api, path).stdout


def test_columns_in_any_order_with_a_bom(cli_env: Api, tmp_path: Path) -> None:
    api = cli_env
    order = list(reversed(COLUMNS))
    body = api.protocol("KZ-75-D1-S1")
    lines = [",".join(order), ",".join(
        str(body["votes"][c] if c in ("yes", "no") else body[c]) for c in order)]
    path = tmp_path / "reversed.csv"
    path.write_bytes(b"\xef\xbb\xbf" + "\r\n".join(lines).encode() + b"\r\n")
    result = run_import(api, path)
    assert result.exit_code == 0, result.output
    assert api.history("KZ-75-D1-S1")[0]["votes"] == body["votes"]


def _report_lines(stderr: str) -> dict[int, str]:
    """The CLI's report: one line per problem, `line N: field: ...`, keyed by N."""
    out: dict[int, str] = {}
    for text in stderr.splitlines():
        m = re.match(r"\s*line (\d+): (.*)", text)
        if m:
            out.setdefault(int(m.group(1)), "")
            out[int(m.group(1))] += m.group(2) + "\n"
    return out


def test_bad_rows_are_each_reported_and_nothing_is_imported(
    cli_env: Api, tmp_path: Path
) -> None:
    api = cli_env
    s = stations(api.saylau)
    assert api.submit(api.protocol(s[9])).status_code == 201  # already accepted through the API
    good = [api.protocol(x) for x in s[:3]]
    failing = api.protocol(s[4], in_boxes=api.protocol(s[4])["ballots_issued"] + 50)
    lines = [
        HEADER,
        row(good[0]),  # 2
        row(good[1]),  # 3
        row(protocol("KZ-99-D0-S0", 1000)),  # 4: unknown station
        row(good[0]),  # 5: the station of line 2 again
        row(failing),  # 6: boxes exceed issued, boxes do not add up
        row(good[2]),  # 7
        row(protocol("KZ-71-D0", 1000)),  # 8: a district, not a station
        row(api.protocol(s[9], yes=api.protocol(s[9])["votes"]["yes"] - 1)),  # 9: differs
    ]
    path = tmp_path / "bad.csv"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    result = run_import(api, path)
    assert result.exit_code == 2, result.output
    assert "nothing was imported" in result.stderr
    assert "Traceback" not in result.output
    report = _report_lines(result.stderr)
    assert sorted(report) == [4, 5, 6, 8, 9], result.stderr
    assert "KZ-99-D0-S0" in report[4]
    assert "line 2" in report[5]
    assert "ballots_in_boxes" in report[6]
    assert "KZ-71-D0" in report[8]
    assert "correction" in report[9]
    assert _stored_versions(api) == 1


def test_bad_values_are_each_reported_and_nothing_is_imported(
    cli_env: Api, tmp_path: Path
) -> None:
    api = cli_env
    s = stations(api.saylau)
    b = [api.protocol(x) for x in s[:7]]
    text = [
        HEADER,
        row(b[0]),  # 2
        row(b[1], invalid="ten"),  # 3
        row(b[2]) + ",7",  # 4: a field too many
        row(b[3], ballots_issued="-5"),  # 5
        row(b[4], registered="1.5e3"),  # 6
        row(b[5], ballots_received=""),  # 7
        row(b[6], yes="\u0661\u0662"),  # 8: Arabic-Indic digits are no count here
        row(b[6], no=str(10**13)),  # 9: more than 12 digits
    ]
    path = tmp_path / "values.csv"
    path.write_text("\n".join(text) + "\n", encoding="utf-8")
    result = run_import(api, path)
    assert result.exit_code == 2, result.output
    report = _report_lines(result.stderr)
    assert sorted(report) == [3, 4, 5, 6, 7, 8, 9], result.stderr
    assert "invalid" in report[3] and "ten" in report[3]
    assert "fields" in report[4]
    assert "ballots_issued" in report[5] and "-5" in report[5]
    assert "registered" in report[6] and "1.5e3" in report[6]
    assert "ballots_received" in report[7]
    assert "yes" in report[8]
    assert "no" in report[9] and str(10**13) in report[9]
    assert _stored_versions(api) == 0


def test_bad_values_and_bad_rows_in_one_file_are_all_reported(
    cli_env: Api, tmp_path: Path
) -> None:
    """docs/protocols-csv.md: the report lists every bad row, whatever is wrong with it, so
    that one correction of the file is enough."""
    api = cli_env
    s = stations(api.saylau)
    good = api.protocol(s[0])
    lines = [HEADER, row(good), row(api.protocol(s[1]), invalid="x"),
             row(protocol("KZ-99-D0-S0", 1000)), row(good)]
    path = tmp_path / "mixed.csv"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    result = run_import(api, path)
    assert result.exit_code == 2, result.output
    assert sorted(_report_lines(result.stderr)) == [3, 4, 5], result.stderr
    assert _stored_versions(api) == 0


@pytest.mark.parametrize(
    ("content", "expect"),
    [
        (HEADER.replace(",yes,no", ",yes,maybe").encode() + b"\n", "maybe"),
        (HEADER.replace("invalid,", "").encode() + b"\n", "invalid"),
        (HEADER.encode() + b",yes\n", "twice"),
        (b"", "empty"),
        (("station,registered\nKZ-71-D0-S0,\xe9\n").encode("latin-1"), "UTF-8"),
        (HEADER.encode() + b"\nKZ-71-D0-S0,1010,1010,707,303,707,14,7,514,172\n\xff\xfe\n",
         "UTF-8"),
    ],
    ids=["unknown-option", "missing-column", "repeated-column", "empty", "latin-1", "bad-byte"],
)
def test_wrong_columns_and_encodings_are_refused(
    cli_env: Api, tmp_path: Path, content: bytes, expect: str
) -> None:
    api = cli_env
    path = tmp_path / "file.csv"
    path.write_bytes(content)
    result = run_import(api, path)
    assert result.exit_code == 2, result.output
    assert expect in result.stderr, result.stderr
    assert re.search(r"line \d+:", result.stderr), result.stderr
    assert "Traceback" not in result.output
    assert _stored_versions(api) == 0


def test_the_cli_reports_an_unknown_contest_and_file(cli_env: Api, tmp_path: Path) -> None:
    api = cli_env
    path = tmp_path / "p.csv"
    path.write_text(csv_of([api.protocol("KZ-71-D0-S0")]), encoding="utf-8")
    r = CliRunner().invoke(cli, ["protocols", "import", "nope", str(path)])
    assert r.exit_code == 2
    assert "nope" in r.stderr
    r = CliRunner().invoke(cli, ["protocols", "import", api.contest, str(tmp_path / "none")])
    assert r.exit_code == 2  # click's own usage error
    assert _stored_versions(api) == 0


def test_the_api_takes_the_same_file(api: Api) -> None:
    url = f"/api/contests/{api.contest}/protocols/import"
    csv_headers = {**api.auth("admin"), "Content-Type": "text/csv"}
    bodies = [api.protocol(s) for s in stations(api.saylau)[:4]]
    r = api.client.post(url, content=csv_of(bodies).encode(), headers=csv_headers)
    assert r.status_code == 200, r.text
    assert r.json() == {"rows": 4, "accepted": 4, "unchanged": 0, "flagged": 0}
    bad = csv_of([*bodies, protocol("KZ-99-D0-S0", 1000)])
    r = api.client.post(url, content=bad.encode(), headers=csv_headers)
    assert r.status_code == 422
    err = error_of(r)
    assert err["code"] == "import_failed"
    assert [(x["line"], x["field"], x["actual"]) for x in err["details"]["rows"]] == [
        (6, "station", "KZ-99-D0-S0")]
    r = api.client.post(url, content=b"\xff", headers=csv_headers)
    assert r.status_code == 422
    assert error_of(r)["details"]["rows"][0]["field"] == "encoding"
    for role in ("territorial", "precinct", "observer"):
        r = api.client.post(url, content=csv_of(bodies).encode(),
                            headers={**api.auth(role), "Content-Type": "text/csv"})
        assert r.status_code == 403, (role, r.text)
    assert _stored_versions(api) == 4
