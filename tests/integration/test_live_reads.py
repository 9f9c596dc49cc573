"""Reads on election night (issue 16, target 5): the results route's conditional requests, and
the live static snapshot (`saylau publish --live`, web/live.py) whose files hold the bytes the
route answers, rewritten for the units whose figures changed. On both databases."""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from saylau.cli.main import app as cli
from saylau.domain.ids import UnitId
from saylau.services.context import Saylau
from saylau.web import live
from saylau.web.live import LivePublisher
from tests.integration.support import PRECINCT_STATION, STATION_ELSEWHERE, Api

S = PRECINCT_STATION  # KZ-71-D0-S0: its ancestors are KZ-71-D0, KZ-71, KZ


@pytest.fixture
def publisher(api: Api, tmp_path: Path) -> Iterator[LivePublisher]:
    """A publisher on its own connection to the store, as `saylau publish --live` in
    another process (its own results cache)."""
    url = api.saylau.engine.url.render_as_string(hide_password=False)
    other = Saylau.open(url, migrate=False)
    try:
        yield LivePublisher(other, tmp_path / "live", backlog_seconds=60)
    finally:
        other.engine.dispose()


def route(api: Api, unit: str | None = None, **headers: str) -> Any:
    params = {} if unit is None else {"unit": unit}
    return api.client.get(f"/api/contests/{api.contest}/results", params=params,
                          headers=headers)


def file_of(p: LivePublisher, api: Api, unit: str) -> bytes:
    return p.path(api.contest, unit).read_bytes()


def ancestors(api: Api, unit: str) -> list[str]:
    geo = api.saylau.geography()
    out, u = [], geo.unit(UnitId(unit))
    while u.parent is not None:
        u = geo.unit(u.parent)
        out.append(u.id)
    return out


# --- conditional requests on the results route ---------------------------------------------


def test_results_answer_304_while_nothing_changed_and_200_after_a_protocol(api: Api) -> None:
    assert api.submit(api.protocol(S), role="precinct").status_code == 201
    first = route(api, "KZ-71")
    assert first.status_code == 200
    tag = first.headers["etag"]
    assert tag.startswith('"') and tag.endswith('"')
    assert first.headers["cache-control"] == "no-cache"
    same = route(api, "KZ-71", **{"If-None-Match": tag})
    assert same.status_code == 304
    assert same.content == b""
    assert same.headers["etag"] == tag
    # a weak tag, and a list naming it, match too (RFC 9110's weak comparison)
    assert route(api, "KZ-71", **{"If-None-Match": f'"x", W/{tag}'}).status_code == 304
    # another unit, another page of children: another answer
    assert route(api, "KZ-75", **{"If-None-Match": tag}).status_code == 200
    other_page = api.client.get(f"/api/contests/{api.contest}/results",
                                params={"unit": "KZ-71", "children_limit": 1},
                                headers={"If-None-Match": tag})
    assert other_page.status_code == 200
    assert len(other_page.json()["children"]) == 1
    # a new protocol anywhere: a new record, so a new tag and the new figures
    assert api.submit(api.protocol(STATION_ELSEWHERE), role="admin").status_code == 201
    after = route(api, "KZ-71", **{"If-None-Match": tag})
    assert after.status_code == 200
    assert after.headers["etag"] != tag
    assert after.json()["as_of"] > first.json()["as_of"]
    nation = route(api).json()
    assert nation["result"]["stations_reported"] == 2


def test_the_same_answer_with_and_without_the_kept_body(api: Api) -> None:
    """The answer kept per query is the one built afresh (a new client, the same record)."""
    assert api.submit(api.protocol(S), role="precinct").status_code == 201
    a = route(api, S)
    b = route(api, S)
    assert a.content == b.content
    assert a.headers["etag"] == b.headers["etag"]
    body = a.json()
    assert body["result"]["unit"] == S
    assert body["result"]["stations_reported"] == 1
    assert body["tree_head"]["body"]["size"] >= 1


def test_an_unknown_unit_is_404_even_with_a_star(api: Api) -> None:
    r = route(api, "KZ-NOWHERE", **{"If-None-Match": "*"})
    assert r.status_code == 404
    assert r.json()["error"]["details"]


# --- the live static snapshot ----------------------------------------------------------------


def test_every_file_holds_the_routes_bytes_and_a_protocol_rewrites_its_units(
        api: Api, publisher: LivePublisher) -> None:
    assert api.submit(api.protocol(STATION_ELSEWHERE), role="admin").status_code == 201
    first = publisher.publish_once()
    geo = api.saylau.geography()
    assert first.files == len(geo.units) and first.backlog == 0
    for u in geo.units:
        assert file_of(publisher, api, u.id) == route(api, u.id).content, u.id
    assert file_of(publisher, api, "KZ") == route(api).content  # the route without a unit
    untouched = publisher.path(api.contest, "KZ-75")
    before = untouched.read_bytes()
    assert json.loads(before)["result"]["stations_reported"] == 1

    assert api.submit(api.protocol(S), role="precinct").status_code == 201
    again = publisher.publish_once()
    touched = [S, *ancestors(api, S)]
    assert (again.files, again.changed) == (len(touched), len(touched))
    for u in touched:
        got = file_of(publisher, api, u)
        assert got == route(api, u).content, u
        assert json.loads(got)["as_of"] == json.loads(route(api).content)["as_of"]
    assert json.loads(file_of(publisher, api, S))["result"]["stations_reported"] == 1
    assert json.loads(file_of(publisher, api, "KZ"))["result"]["stations_reported"] == 2
    # a unit whose figures did not change keeps its file: its figures are those of now
    assert untouched.read_bytes() == before
    assert json.loads(before)["result"] == route(api, "KZ-75").json()["result"]
    manifest = json.loads((publisher.out / "live.json").read_text(encoding="utf-8"))
    assert manifest["contests"][api.contest]["as_of"] == route(api).json()["as_of"]
    assert manifest["units_not_yet_written"] == 0
    # nothing new: nothing written
    assert publisher.publish_once().files == 0
    assert not list(publisher.out.rglob("*.tmp"))


def test_a_correction_and_a_turnout_report_rewrite_their_units(
        api: Api, publisher: LivePublisher) -> None:
    v1 = api.protocol(S)
    assert api.submit(v1, role="precinct").status_code == 201
    publisher.publish_once()
    fixed = {**api.protocol(S, invalid=5), "correction": True, "corrects": 1,
             "reason": "recount"}
    assert api.submit(fixed, role="precinct").status_code == 201
    p = publisher.publish_once()
    assert p.changed == 1 + len(ancestors(api, S))
    assert json.loads(file_of(publisher, api, S))["result"]["invalid"] == 5
    assert file_of(publisher, api, "KZ-71") == route(api, "KZ-71").content
    r = api.client.post(f"/api/contests/{api.contest}/turnout",
                        json={"station": STATION_ELSEWHERE, "at": "10:00",
                              "ballots_issued": 100}, headers=api.auth("admin"))
    assert r.status_code == 201, r.text
    t = publisher.publish_once()
    # the first report time: every unit's series has a new point, so every file again
    assert t.files == len(api.saylau.geography().units)
    series = json.loads(file_of(publisher, api, STATION_ELSEWHERE))["turnout_during_day"]
    assert series[0]["ballots_issued"] == 100
    r = api.client.post(f"/api/contests/{api.contest}/turnout",
                        json={"station": S, "at": "10:00", "ballots_issued": 70},
                        headers=api.auth("admin"))
    assert r.status_code == 201, r.text
    t = publisher.publish_once()
    assert t.changed == 1 + len(ancestors(api, S))  # the same time: only its units
    for u in (S, *ancestors(api, S)):
        assert file_of(publisher, api, u) == route(api, u).content, u


def test_depth_limits_the_first_pass_and_a_changed_station_gets_its_file(
        api: Api, tmp_path: Path) -> None:
    p = LivePublisher(api.saylau, tmp_path / "shallow", depth=1, backlog_seconds=60)
    p.publish_once()
    written = {f.stem for f in (tmp_path / "shallow" / "results" / api.contest).glob("*.json")}
    assert written == {"KZ", "KZ-71", "KZ-75", "KZ-11"}
    assert api.submit(api.protocol(S), role="precinct").status_code == 201
    again = p.publish_once()
    assert again.files == 1 + len(ancestors(api, S))
    assert file_of(p, api, S) == route(api, S).content
    assert file_of(p, api, "KZ-71-D0") == route(api, "KZ-71-D0").content


def test_a_restarted_publisher_rewrites_the_deeper_files_an_earlier_run_left(
        api: Api, tmp_path: Path) -> None:
    out = tmp_path / "restart"
    p = LivePublisher(api.saylau, out, depth=1, backlog_seconds=60)
    p.publish_once()
    assert api.submit(api.protocol(S), role="precinct").status_code == 201
    p.publish_once()
    assert json.loads(file_of(p, api, S))["result"]["invalid"] == api.protocol(S)["invalid"]
    # a correction while no publisher runs: the next one must not leave the old file
    fixed = {**api.protocol(S, invalid=7), "correction": True, "corrects": 1,
             "reason": "recount"}
    assert api.submit(fixed, role="precinct").status_code == 201
    again = LivePublisher(api.saylau, out, depth=1, backlog_seconds=60)
    first = again.publish_once()
    assert first.files == 4 + 2  # the first pass's units, then the station and its district
    assert file_of(again, api, S) == route(api, S).content
    assert json.loads(file_of(again, api, S))["result"]["invalid"] == 7
    assert file_of(again, api, "KZ-71-D0") == route(api, "KZ-71-D0").content


def test_gzip_writes_the_same_bytes_compressed_beside_each_file(api: Api,
                                                                 tmp_path: Path) -> None:
    import gzip

    p = LivePublisher(api.saylau, tmp_path / "gz", depth=1, gzip=True, backlog_seconds=60)
    p.publish_once()
    assert api.submit(api.protocol(S), role="precinct").status_code == 201
    assert p.publish_once().files == 1 + len(ancestors(api, S))
    for u in ("KZ", "KZ-75", S):
        plain = file_of(p, api, u)
        packed = p.path(api.contest, u).with_name(f"{u}.json.gz").read_bytes()
        assert gzip.decompress(packed) == plain
    assert gzip.decompress(p.path(api.contest, S).with_name(f"{S}.json.gz").read_bytes()) \
        == route(api, S).content


def test_a_failed_write_keeps_the_old_file_and_no_temporary(tmp_path: Path,
                                                            monkeypatch: pytest.MonkeyPatch
                                                            ) -> None:
    target = tmp_path / "a.json"
    live.write_atomic(target, b"old")

    def broken(_src: Any, _dst: Any) -> None:
        raise OSError("disk full")

    monkeypatch.setattr(os, "replace", broken)
    with pytest.raises(OSError, match="disk full"):
        live.write_atomic(target, b"new")
    assert target.read_bytes() == b"old"
    assert [p.name for p in tmp_path.iterdir()] == ["a.json"]


def test_the_command_follows_the_store_for_some_passes(api: Api, tmp_path: Path) -> None:
    assert api.submit(api.protocol(S), role="precinct").status_code == 201
    url = api.saylau.engine.url.render_as_string(hide_password=False)
    out = tmp_path / "live"
    r = CliRunner().invoke(cli, ["publish", "--live", "--out", str(out), "--every", "0.05",
                                 "--passes", "2", "--depth", "1", "--database", url])
    assert r.exit_code == 0, r.output
    manifest = json.loads((out / "live.json").read_text(encoding="utf-8"))
    assert manifest["generator"] == "saylau publish --live"
    assert manifest["contests"][api.contest]["first_pass"] == 4
    assert (out / "results" / api.contest / "KZ.json").read_bytes() == route(api).content
    bad = CliRunner().invoke(cli, ["publish", "--live", "--out", str(out), "--every", "0",
                                   "--database", url])
    assert bad.exit_code == 2
    assert "--every" in bad.output
