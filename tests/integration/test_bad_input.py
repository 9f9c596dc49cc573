"""No bad input gives a 500. Each gets a 4xx in the one error envelope, whose details name the
field and the value (DESIGN.md habit 4), on SQLite and on PostgreSQL.

The cases are grouped by kind, each test looping over its cases and listing every one that
misbehaves; a hypothesis test then throws random JSON (and random bytes) at the protocol route.
"""

from __future__ import annotations

import json
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.integration.support import PRECINCT_STATION, Api, error_of, names_field

S = PRECINCT_STATION
COUNT_FIELDS = ("registered", "ballots_received", "ballots_issued", "ballots_cancelled",
                "ballots_in_boxes", "invalid", "both_marked")


def _check(api: Api, cases: list[tuple[str, Any, int, str, Any]], send: Any) -> None:
    """Each case: (label, input, expected status, field, value). `send(input)` posts it."""
    wrong: list[str] = []
    for label, body, status, field, value in cases:
        r = send(body)
        if r.status_code != status:
            wrong.append(f"{label}: expected {status}, got {r.status_code}: {r.text[:300]}")
            continue
        err = error_of(r)
        if not names_field(err, field, value):
            wrong.append(f"{label}: the error does not name {field}={value!r}: {err}")
    assert not wrong, "\n".join(wrong)


def _post_protocol(api: Api) -> Any:
    return api.submit


def test_malformed_bodies(api: Api) -> None:
    url = api.protocols_url
    headers = {**api.auth("admin"), "Content-Type": "application/json"}
    for raw in (b"{not json", b'{"station": "x",}', b"{" * 10_000, b'{"station": "\\ud800"'):
        r = api.client.post(url, content=raw, headers=headers)
        assert r.status_code == 422, (raw[:20], r.text)
        (e,) = error_of(r)["details"]["errors"]
        assert e["field"] == "body", e
        assert e["expected"] == "a JSON document"
        assert "character" in e["actual"]
    for raw in (b"[]", b'"protocol"', b"42", b"null", b"true", b"",
                b'{"registered": NaN}', b'{"registered": Infinity}', b'{"registered": -Infinity}',
                b'{"registered": 1e400}', b'{"registered": 0x10}', b'{"registered": 01}'):
        r = api.client.post(url, content=raw, headers=headers)
        assert r.status_code == 422, (raw, r.text)
        error_of(r)
    # bytes that are not UTF-8 at all, and a body that is not declared as JSON
    r = api.client.post(url, content=b"\xff\xfe\x00{", headers=headers)
    assert r.status_code in (400, 422), r.text
    error_of(r)
    r = api.client.post(url, content=json.dumps(api.protocol(S)).encode(),
                        headers={**api.auth("admin"), "Content-Type": "text/plain"})
    assert r.status_code == 422, r.text
    error_of(r)
    assert api.history(S) == []


def test_wrong_types_name_the_field_and_the_value(api: Api) -> None:
    cases: list[tuple[str, Any, int, str, Any]] = []
    for field in COUNT_FIELDS:
        for value in ("700", 700.0, 12.5, True, False, None, [700], {"n": 700}, "", "7e2"):
            cases.append((f"{field}={value!r}", api.body(S, **{field: value}), 422, field,
                          value))
    for value in ("100", 1.5, None, True):
        body = api.protocol(S)
        body["votes"] = {"yes": value, "no": 10}
        cases.append((f"votes.yes={value!r}", body, 422, "votes.yes", value))
    for value in ([1, 2], "yes", 7, None):
        cases.append((f"votes={value!r}", api.body(S, votes=value), 422, "votes", value))
    for value in (7, None, ["x"], True):
        cases.append((f"station={value!r}", api.body(S, station=value), 422, "station",
                      value))
    for value in ([], {"why": 1}, 5):
        cases.append((f"reason={value!r}", api.body(S, reason=value), 422, "reason", value))
    for value in ("perhaps", [], {}, 2):
        cases.append((f"correction={value!r}", api.body(S, correction=value), 422,
                      "correction", value))
    _check(api, cases, _post_protocol(api))
    assert api.history(S) == []


def test_huge_and_negative_numbers(api: Api) -> None:
    cases: list[tuple[str, Any, int, str, Any]] = []
    for field in COUNT_FIELDS:
        for value in (10**30, -(10**30), 2**62 + 1, 2**63, -(2**63) - 1):
            cases.append((f"{field}={value}", api.body(S, **{field: value}), 422, field,
                          value))
    _check(api, cases, _post_protocol(api))

    # within the wire's range but beyond any station, or negative: the checks name them
    for field in COUNT_FIELDS:
        for value, code in ((10**12, "count.too_large"), (-5, "count.negative"),
                            (2**62, "count.too_large")):
            r = api.submit(api.body(S, **{field: value}))
            assert r.status_code == 422, (field, value, r.text)
            findings = error_of(r)["details"]["findings"]
            mine = [f for f in findings if f["field"] == field and f["code"] == code]
            assert mine, (field, value, findings)
            # integers beyond JavaScript's safe range travel as strings
            assert mine[0]["numbers"] == {field: value if value < 2**53 else str(value)}
    body = api.protocol(S)
    body["votes"] = {"yes": -1, "no": 10**15}
    r = api.submit(body)
    assert r.status_code == 422
    codes = {(f["field"], f["code"]) for f in error_of(r)["details"]["findings"]}
    assert {("votes.yes", "count.negative"), ("votes.no", "count.too_large")} <= codes
    assert api.history(S) == []


def test_unknown_options_stations_and_contests(api: Api) -> None:
    body = api.protocol(S)
    body["votes"]["maybe"] = 0
    r = api.submit(body)
    assert r.status_code == 422
    (f,) = error_of(r)["details"]["findings"]
    assert (f["code"], f["field"]) == ("option.unknown", "votes.maybe")
    assert "yes" in f["message"] and "no" in f["message"]

    body = api.protocol(S)
    del body["votes"]["no"]
    body["votes"]["yes"] = body["ballots_in_boxes"] - body["invalid"] - body["both_marked"]
    r = api.submit(body)
    assert r.status_code == 422
    assert [(f["code"], f["field"]) for f in error_of(r)["details"]["findings"]] == [
        ("option.missing", "votes.no")]

    cases: list[tuple[str, Any, int, str, Any]] = [
        ("unknown station", api.body(S, station="KZ-99-D0-S0"), 404, "station",
         "KZ-99-D0-S0"),
        ("a district, not a station", api.body(S, station="KZ-71-D0"), 422, "station",
         "KZ-71-D0"),
        ("the country", api.body(S, station="KZ"), 422, "station", "KZ"),
        ("empty station", api.body(S, station=""), 422, "station", ""),
    ]
    _check(api, cases, _post_protocol(api))

    for contest in ("nope", "ref", "ref.referendum.x", "x" * 1000, "ref.referendum%20"):
        r = api.client.post(f"/api/contests/{contest}/protocols", json=api.protocol(S),
                            headers=api.auth("admin"))
        assert r.status_code == 404, (contest, r.text)
        assert error_of(r)["details"]["contest"] in (contest, "ref.referendum ")
    assert api.history(S) == []


def test_extra_and_missing_fields(api: Api) -> None:
    r = api.submit(api.body(S, extra=1, turnout="high"))
    assert r.status_code == 422
    errs = error_of(r)["details"]["errors"]
    assert {(e["field"], e["expected"], e["actual"]) for e in errs} == {
        ("extra", "extra_forbidden", 1), ("turnout", "extra_forbidden", "high")}

    body = api.protocol(S)
    for field in ("station", "registered", "ballots_in_boxes", "votes"):
        del body[field]
    r = api.submit(body)
    assert r.status_code == 422
    errs = error_of(r)["details"]["errors"]
    assert sorted(e["field"] for e in errs) == [
        "ballots_in_boxes", "registered", "station", "votes"]
    assert {e["expected"] for e in errs} == {"missing"}
    for field in ("station", "registered", "ballots_in_boxes", "votes"):
        assert field in error_of(r)["message"]

    r = api.submit({})
    assert r.status_code == 422
    missing = {e["field"] for e in error_of(r)["details"]["errors"]}
    assert missing == {"station", *COUNT_FIELDS[:-1], "votes"}  # both_marked defaults to 0


def test_oversized_and_nul_strings(api: Api) -> None:
    body = api.protocol(S)
    body["votes"]["x" * 65] = 0
    cases: list[tuple[str, Any, int, str, Any]] = [
        ("station of 65 characters", api.body(S, station="S" * 65), 422, "station",
         "S" * 65),
        ("station of a megabyte", api.body(S, station="S" * 1_000_000), 422, "station",
         None),
        ("reason of 2001 characters", api.body(S, correction=True, reason="r" * 2001), 422,
         "reason", None),
        ("option id of 65 characters", body, 422, f"votes.{'x' * 65}.[key]", "x" * 65),
        ("201 options", api.body(S, votes={f"o{k}": 0 for k in range(201)}), 422, "votes",
         None),
        ("NUL in the station", api.body(S, station="KZ\x00"), 422, "station", "KZ\x00"),
        ("NUL in the reason", api.body(S, correction=True, reason="typo\x00"), 422,
         "reason", "typo\x00"),
        ("empty option id", api.body(S, votes={"": 1}), 422, "votes..[key]", ""),
    ]
    _check(api, cases, _post_protocol(api))
    # an error does not echo a large input back in full
    r = api.submit(api.body(S, station="S" * 1_000_000))
    (e,) = error_of(r)["details"]["errors"]
    assert e["actual"].startswith("SSSS")
    assert e["actual"].endswith("(1,000,000 characters)")
    assert len(r.content) < 2_000
    many = {f"extra{k}": "x" * 1000 for k in range(5000)}
    r = api.submit({**api.protocol(S), **many})
    assert r.status_code == 422
    err = error_of(r)
    assert len(err["details"]["errors"]) == 100
    assert err["details"]["omitted"] == 4900
    assert "and 4,990 more" in err["message"]
    assert len(r.content) < 100_000
    r = api.submit({"nested": [[[[["deep"] * 100]]]] * 100, **many})
    assert r.status_code == 422
    assert len(r.content) < 100_000
    assert api.history(S) == []


def test_lone_surrogates_get_a_4xx_naming_the_field(api: Api) -> None:
    """A JSON string may escape half of a surrogate pair ("\\udc00"): Python reads it as a
    lone surrogate, which no UTF-8 response can hold. It is refused naming the field, and
    the echoed value is shown escaped (issue 17, item 5), never a 500."""
    headers = {**api.auth("admin"), "Content-Type": "application/json"}
    good = json.dumps(api.protocol(S))
    cases = {
        "station alone": (b'{"station":"\\udc00"}', "station"),
        "station of a full protocol": (
            good.replace(f'"{S}"', f'"{S}\\udc00"', 1).encode(), "station"),
        "an option id": (good.replace('"no"', '"no\\ud800"', 1).encode(), "votes"),
        "the reason": (good[:-1].encode() + b', "correction": true, "reason": "\\udfff"}',
                       "reason"),
    }
    wrong = []
    for label, (raw, field) in cases.items():
        r = api.client.post(api.protocols_url, content=raw, headers=headers)
        if r.status_code != 422:
            wrong.append(f"{label}: {r.status_code} {r.text[:200]}")
            continue
        fields = [e["field"] for e in error_of(r)["details"]["errors"]]
        if not any(f == field or f.startswith(f"{field}.") for f in fields):
            wrong.append(f"{label}: {field} not named in {fields}")
        if "\\udc00" not in r.text and "\\ud800" not in r.text and "\\udfff" not in r.text:
            wrong.append(f"{label}: the value is not echoed escaped: {r.text[:300]}")
    # the same on other routes: a turnout report, a referendum's name
    r = api.client.post(f"/api/contests/{api.contest}/turnout", headers=headers,
                        content=b'{"station":"\\udc00","at":"10:00","ballots_issued":1}')
    if r.status_code != 422:
        wrong.append(f"turnout: {r.status_code} {r.text[:200]}")
    assert not wrong, "\n".join(wrong)
    assert api.history(S) == []


def _turnout(api: Api) -> Any:
    return lambda body: api.client.post(f"/api/contests/{api.contest}/turnout", json=body,
                                        headers=api.auth("admin"))


def test_bad_turnout_reports(api: Api) -> None:
    def t(**kw: Any) -> dict[str, Any]:
        return {"station": S, "at": "10:00", "ballots_issued": 100, **kw}

    cases: list[tuple[str, Any, int, str, Any]] = [
        (f"at={at!r}", t(at=at), 422, "at", at)
        for at in ("25:00", "24:00", "10:60", "10:00:00", "10:00:01", "10:0", "ab:cd", "1000",
                   "10.00", " 10:00", "10:00Z", "-1:00", "\x00\x00:\x00\x00")
    ]
    cases += [
        (f"at={at!r}", t(at=at), 422, "at", at)
        for at in ("", "9", "10:00:00.000", 1000, None, ["10:00"], True)
    ]
    cases += [
        (f"ballots_issued={n!r}", t(ballots_issued=n), 422, "ballots_issued", n)
        for n in ("100", 1.5, None, True, 10**30, -1, 10**12)
    ]
    cases += [
        ("unknown station", t(station="nowhere"), 404, "station", "nowhere"),
        ("a district", t(station="KZ-71-D0"), 422, "station", "KZ-71-D0"),
        ("extra field", t(turnout=0.5), 422, "turnout", 0.5),
    ]
    _check(api, cases, _turnout(api))
    assert api.results(S)["turnout_during_day"] == []


def test_bad_turnout_batches(api: Api) -> None:
    url = f"/api/contests/{api.contest}/turnout/batch"

    def send(body: Any) -> Any:
        return api.client.post(url, json=body, headers=api.auth("admin"))

    good = {"station": S, "at": "10:00", "ballots_issued": 10}
    cases: list[tuple[str, Any, int, str, Any]] = [
        ("no reports", {"reports": []}, 422, "reports", []),
        ("reports not a list", {"reports": good}, 422, "reports", good),
        ("no body fields", {}, 422, "reports", None),
        ("a bad item type", {"reports": [good, {**good, "at": 10}]}, 422, "reports.1.at", 10),
        ("a bad item time", {"reports": [good, {**good, "at": "10:61"}]}, 422, "at", "10:61"),
        ("an unknown station", {"reports": [good, {**good, "station": "zz"}]}, 422, "station",
         "zz"),
        ("a huge count", {"reports": [{**good, "ballots_issued": 10**30}]}, 422,
         "reports.0.ballots_issued", 10**30),
    ]
    _check(api, cases, send)
    assert api.results(S)["turnout_during_day"] == []


def test_bad_query_and_path_parameters(api: Api) -> None:
    c = api.contest
    admin = api.auth("admin")
    cases: list[tuple[str, str, int, str, Any]] = [
        ("results of an unknown unit", f"/api/contests/{c}/results?unit=KZ-99", 404, "unit",
         "KZ-99"),
        ("results of a 65-character unit", f"/api/contests/{c}/results?unit={'u' * 65}", 422,
         "query.unit", "u" * 65),
        ("results of a NUL unit", f"/api/contests/{c}/results?unit=a%00", 422, "query.unit",
         "a\x00"),
        ("results of an unknown contest", "/api/contests/nope/results", 404, "contest", "nope"),
        ("decision of an unknown contest", "/api/contests/nope/decision", 404, "contest",
         "nope"),
        ("decision, bad participants", f"/api/contests/{c}/decision?participants=voters", 422,
         "query.participants", "voters"),
        ("decision, bad two_thirds", f"/api/contests/{c}/decision?two_thirds=2%2F3", 422,
         "query.two_thirds", "2/3"),
        ("contest with NUL", "/api/contests/ref%00/results", 422, "path.contest_id", "ref\x00"),
        ("unknown contest", "/api/contests/nope", 404, "contest", "nope"),
        ("unknown election", "/api/elections/nope", 404, "election", "nope"),
        ("election with NUL", "/api/elections/r%00f", 422, "path.election_id", "r\x00f"),
        ("unknown unit", "/api/geography/units/KZ-99", 404, "unit", "KZ-99"),
        ("unit with NUL", "/api/geography/units/K%00Z", 422, "path.unit_id", "K\x00Z"),
        ("history of an unknown station", f"/api/contests/{c}/stations/KZ-99/protocols", 404,
         "station", "KZ-99"),
        ("history of a district", f"/api/contests/{c}/stations/KZ-71-D0/protocols", 422,
         "station", "KZ-71-D0"),
        ("history, unknown contest", f"/api/contests/nope/stations/{S}/protocols", 404,
         "contest", "nope"),
        ("rejections, long station", f"/api/contests/{c}/rejections?station={'s' * 65}", 422,
         "query.station", "s" * 65),
        ("rejections, NUL station", f"/api/contests/{c}/rejections?station=%00", 422,
         "query.station", "\x00"),
        ("rejections, unknown contest", "/api/contests/nope/rejections", 404, "contest",
         "nope"),
        ("senate, unknown ruleset", "/api/senate?ruleset=kz-1995", 422, "ruleset", "kz-1995"),
        ("senate, long ruleset", f"/api/senate?ruleset={'r' * 17}", 422, "query.ruleset",
         "r" * 17),
        ("composition, unknown election", "/api/elections/nope/composition", 404, "election",
         "nope"),
        ("compare, unknown election", "/api/elections/nope/compare", 404, "election", "nope"),
        ("compare, long rulesets", f"/api/elections/ref/compare?rulesets={'r' * 201}", 422,
         "query.rulesets", "r" * 201),
    ]
    wrong = []
    for label, url, status, field, value in cases:
        r = api.client.get(url, headers=admin)
        if r.status_code != status or not names_field(error_of(r), field, value):
            wrong.append(f"{label}: {r.status_code} {r.text[:300]}")
    assert not wrong, "\n".join(wrong)
    # a repeated or unknown query parameter is not an error; an empty one is the empty unit
    assert api.client.get(f"/api/contests/{c}/results?nonsense=1").status_code == 200
    r = api.client.get(f"/api/contests/{c}/results?unit=")
    assert r.status_code == 404
    assert error_of(r)["details"]["unit"] == ""


def test_bad_referendums(api: Api) -> None:
    names = {"kk": "a", "ru": "b", "en": "c"}

    def ref(**kw: Any) -> dict[str, Any]:
        return {"id": "r2", "name": names, "date": "2030-01-01", "question": names,
                "constitutional": False, **kw}

    def send(body: Any) -> Any:
        return api.client.post("/api/elections/referendum", json=body, headers=api.auth("admin"))

    cases: list[tuple[str, Any, int, str, Any]] = [
        ("not a date", ref(date="2030-13-45"), 422, "date", "2030-13-45"),
        ("29 February of a common year", ref(date="2030-02-29"), 422, "date", "2030-02-29"),
        ("date shape", ref(date="1/1/2030"), 422, "date", "1/1/2030"),
        ("bad id", ref(id="bad id!"), 422, "election_id", "bad id!"),
        ("id too long for its contest", ref(id="e" * 54), 422, "election_id", "e" * 54),
        ("id over 64", ref(id="e" * 65), 422, "id", "e" * 65),
        ("unknown ruleset", ref(ruleset="kz-1995"), 422, "ruleset", "kz-1995"),
        ("a name without English", ref(name={"kk": "a", "ru": "b"}), 422, "name.en", None),
        ("a question with NUL", ref(question={**names, "kk": "\x00"}), 422, "question.kk",
         "\x00"),
        ("constitutional not a bool", ref(constitutional="perhaps"), 422, "constitutional",
         "perhaps"),
        ("the same id again", ref(id="ref"), 409, "election", "ref"),
    ]
    _check(api, cases, send)
    assert send(ref(id="e" * 53)).status_code == 201
    assert [e["id"] for e in api.client.get("/api/elections").json()] == ["ref", "e" * 53]


# --- random bodies ------------------------------------------------------------------------

JSON_SCALARS = (st.none() | st.booleans() | st.integers()
                | st.floats(allow_nan=False, allow_infinity=False) | st.text(max_size=80))
JSON_VALUES = st.recursive(JSON_SCALARS, lambda inner: st.lists(inner, max_size=4)
                           | st.dictionaries(st.text(max_size=10), inner, max_size=4),
                           max_leaves=12)
STATIONS = st.sampled_from([S, "KZ-71-D0-S1", "KZ-11-D1-S1", "KZ-71-D0", "KZ", "nowhere", ""])
COUNT_VALUES = (st.integers(min_value=-5, max_value=1200) | st.integers() | JSON_SCALARS)
PROTOCOL_LIKE = st.fixed_dictionaries(
    {"station": STATIONS | JSON_SCALARS,
     **dict.fromkeys(COUNT_FIELDS, COUNT_VALUES),
     "votes": st.dictionaries(st.sampled_from(["yes", "no", "maybe", ""]) | st.text(max_size=5),
                              COUNT_VALUES, max_size=3) | JSON_VALUES},
    optional={"correction": st.booleans() | JSON_SCALARS, "reason": JSON_SCALARS,
              "extra": JSON_VALUES},
)
BODIES = PROTOCOL_LIKE | JSON_VALUES


@pytest.fixture
def fuzz_api(api: Api) -> Api:
    return api


@settings(max_examples=80, deadline=None, database=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(body=BODIES)
def test_random_json_bodies_never_give_a_500(fuzz_api: Api, body: Any) -> None:
    r = fuzz_api.submit(body)
    assert r.status_code < 500, (body, r.text)
    if r.status_code >= 400:
        err = error_of(r)
        assert err["code"]
    else:
        assert r.json()["status"] in ("accepted", "unchanged")


@settings(max_examples=40, deadline=None, database=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(raw=st.binary(max_size=200) | st.text(max_size=200).map(str.encode))
def test_random_bytes_never_give_a_500(fuzz_api: Api, raw: bytes) -> None:
    r = fuzz_api.client.post(fuzz_api.protocols_url, content=raw,
                             headers={**fuzz_api.auth("admin"),
                                      "Content-Type": "application/json"})
    assert 400 <= r.status_code < 500, (raw, r.text)
    error_of(r)
