"""The verifier's batch pass (verify/scan.py, batch.py, protocols.py) and its exact path
(`verify_record(batch=False)`: every leaf parsed and checked one by one) agree: the same
report for an honest record, the same failure, naming the same leaf, for a changed one.

Each record is built with the domain's builders over the small country, and its tree head is
signed again over the changed leaves, so that the change reaches the checks behind the root's.
The chunk size is made tiny (monkeypatched) in some tests, so that runs of scanned leaves,
exact leaves and tree heads fall across chunk boundaries."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from saylau.domain.contests import QUESTION_2022, referendum_contest
from saylau.domain.errors import SaylauError
from saylau.domain.ids import ContestId, ElectionId
from saylau.domain.record.canonical import canonical_bytes
from saylau.domain.record.envelope import (
    KeyRole,
    election_record,
    geography_record,
    key_body,
    key_record,
    key_revocation_record,
    leaf_bytes,
    make_record,
    protocol_body,
)
from saylau.domain.record.merkle import Frontier, TreeHead, leaf_hash
from saylau.domain.record.signing import (
    key_id,
    private_key_from_seed,
    public_key_bytes,
    sign_body,
    sign_tree_head,
)
from saylau.domain.record.verify import VerificationFailed, verify_record
from saylau.domain.record.verify import scan as scan_module
from saylau.services.record import contest_json, unit_json
from tests.conftest import small_country

AT = "2022-06-05T20:00:00Z"
CENTRAL = private_key_from_seed(b"c" * 32)
GEO = small_country(3)
CONTEST = referendum_contest(ContestId("ref.referendum"), ElectionId("ref"), QUESTION_2022,
                             constitutional=True, area=GEO.root.id)
TOPS = [u.id for u in GEO.top_level()]
KEYS = {top: private_key_from_seed(bytes([65 + k]) * 32) for k, top in enumerate(TOPS)}
STATIONS = [(u.id, GEO.units[int(GEO.top_level_index[GEO.index[u.id]])].id, u.registered)
            for u in GEO.stations()]


def counts(registered: int, k: int) -> tuple[dict[str, int], dict[str, int]]:
    issued = registered // 2 + k
    return ({"registered": registered, "ballots_received": issued + 10,
             "ballots_issued": issued, "ballots_cancelled": 10, "ballots_in_boxes": issued,
             "invalid": 2, "both_marked": 1},
            {"yes": issued - 3 - k, "no": k})


def protocol(station: str, top: str | None, registered: int, k: int = 0, version: int = 1,
             reason: str | None = None, signer: Any = None, contest: str = CONTEST.id) -> bytes:
    c, v = counts(registered, k)
    pb = protocol_body(contest=contest, station=station, version=version, counts=c, votes=v,
                       reason=reason)
    key = signer if signer is not None else (KEYS[top] if top is not None else None)
    sig = None if key is None else sign_body(key, "protocol", pb)
    return leaf_bytes(make_record("protocol", pb, recorded_at=AT, recorded_by=f"PEC {station}",
                                  signature=sig))


def head_leaves(signatures: str = "required") -> list[bytes]:
    leaves = [leaf_bytes(geography_record([unit_json(u) for u in GEO.units],
                                          recorded_by="cec", recorded_at=AT))]
    body = {"election": "ref", "name": {"kk": "R", "ru": "R", "en": "R"},
            "ruleset": "kz-2022", "date": "2022-06-05", "signatures": signatures,
            "geography_parts": 1, "contests": [contest_json(CONTEST)],
            "keys": [key_body(election="ref", unit=GEO.root.id, role=KeyRole.CENTRAL,
                              key=key_id(public_key_bytes(CENTRAL)),
                              public_key=public_key_bytes(CENTRAL).hex())]}
    leaves.append(leaf_bytes(election_record(body, recorded_by="cec", recorded_at=AT)))
    for top in TOPS:
        leaves.append(register(KEYS[top], top))
    return leaves


def register(key: Any, unit: str) -> bytes:
    pub = public_key_bytes(key)
    return leaf_bytes(key_record(election="ref", unit=unit, role=KeyRole.COMMISSION,
                                 key=key_id(pub), public_key=pub.hex(), recorded_by="cec",
                                 recorded_at=AT))


def honest() -> list[bytes]:
    leaves = head_leaves()
    leaves += [protocol(s, top, reg, k) for k, (s, top, reg) in enumerate(STATIONS)]
    s, top, reg = STATIONS[2]
    leaves.append(protocol(s, top, reg, 5, version=2, reason="recount"))
    return leaves


def heads(leaves: list[bytes], sizes: tuple[int, ...] = ()) -> list[TreeHead]:
    out = []
    for size in (*sizes, len(leaves)):
        f = Frontier().extend(leaf_hash(x) for x in leaves[:size])
        out.append(sign_tree_head(TreeHead(size, f.root().hex(), AT), CENTRAL))
    return out


def outcome(leaves: list[bytes], *, batch: bool, sizes: tuple[int, ...] = (),
            check_signatures: bool = True) -> tuple[Any, ...]:
    try:
        report, v = verify_record(leaves, heads(leaves, sizes), public_key_bytes(CENTRAL),
                                  check_signatures=check_signatures, batch=batch)
    except VerificationFailed as exc:
        return ("failed", exc.message, exc.details)
    except SaylauError as exc:  # e.g. a geography the core refuses: raised as it is
        return ("refused", type(exc).__name__, exc.message, exc.details)
    return ("verified", report.lines, v.decisions,
            {c: v.tallies[c].result(GEO.root.id) for c in v.tallies})


def agree(leaves: list[bytes], **kw: Any) -> tuple[Any, ...]:
    """Both paths' outcome, asserted equal."""
    fast = outcome(leaves, batch=True, **kw)
    exact = outcome(leaves, batch=False, **kw)
    assert fast == exact
    return fast


def edit(data: bytes, edit: Callable[[dict[str, Any]], None]) -> bytes:
    """The leaf's record changed by `edit`, written canonically (no shape check)."""
    record = json.loads(data)
    edit(record)
    return canonical_bytes(record)


@pytest.fixture(params=[4, 1 << 16], ids=["chunks-of-4", "one-chunk"])
def chunk(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> int:
    monkeypatch.setattr(scan_module, "CHUNK", request.param)
    return int(request.param)


def test_an_honest_record_gives_the_same_report(chunk: int) -> None:
    leaves = honest()
    got = agree(leaves, sizes=(3, 7, 8, 9, 17))
    assert got[0] == "verified"
    assert any(f"{len(STATIONS) + 1:,} protocol version(s)" in line for line in got[1])
    assert agree(leaves, check_signatures=False)[0] == "verified"


def test_a_changed_tree_head_is_named_first(chunk: int) -> None:
    leaves = honest()
    hs = heads(leaves, (9,))
    bad = [hs[0], sign_tree_head(TreeHead(hs[1].size, "0" * 64, AT), CENTRAL)]
    for batch in (True, False):
        with pytest.raises(VerificationFailed, match=f"first {len(leaves)} leaves.*changed"):
            verify_record(leaves, bad, public_key_bytes(CENTRAL), batch=batch)


def failure(leaves: list[bytes], pattern: str, **kw: Any) -> str:
    got = agree(leaves, **kw)
    assert got[0] == "failed", got
    assert pattern in got[1], got[1]
    return str(got[1])


def test_an_edited_vote(chunk: int) -> None:
    leaves = honest()
    leaves[7] = leaves[7].replace(b'"no":2,', b'"no":3,')
    failure(leaves, "leaf 7: the signature of station")
    failure(leaves, "leaf 7: the protocol of station", check_signatures=False)


def test_a_version_gap_and_a_repeated_version(chunk: int) -> None:
    s, top, reg = STATIONS[4]
    gap = [*honest(), protocol(s, top, reg, 1, version=3, reason="again")]
    failure(gap, f"leaf {len(gap) - 1}: protocol of station {s} for ref.referendum is "
                 "version 3, expected 2")
    again = honest()
    again.insert(10, again[8])
    failure(again, "leaf 10: protocol of station")
    # a version error before another failure is the one named
    late = [*gap, protocol(s, None, reg)]
    failure(late, "is version 3, expected 2")


def test_reasons_that_do_not_fit_the_version(chunk: int) -> None:

    def no_reason(r: dict[str, Any]) -> None:
        r["body"]["reason"] = None

    def reason(r: dict[str, Any]) -> None:
        r["body"]["reason"] = "why"

    leaves = honest()
    leaves[-1] = edit(leaves[-1], no_reason)
    failure(leaves, "must say why")
    leaves = honest()
    leaves[6] = edit(leaves[6], reason)
    failure(leaves, "has no reason")
    leaves = honest()
    leaves[-1] = leaves[-1].replace(b'"reason":"recount"', b'"reason":"   "')
    failure(leaves, "must say why")


def test_bytes_that_are_not_canonical(chunk: int) -> None:
    for old, new in ((b'"version":1', b'"version": 1'), (b'"no":', b'"no" :'),
                     (b'"version":1', b'"version":01'), (b'"version":1', b'"version":1.0')):
        leaves = honest()
        leaves[9] = leaves[9].replace(old, new, 1)
        failure(leaves, "leaf 9 is not canonical JSON")


def test_keys_that_may_not_sign(chunk: int) -> None:
    s, top, reg = STATIONS[0]
    other = next(t for t in TOPS if t != top)
    leaves = honest()
    leaves[5] = protocol(s, other, reg)
    failure(leaves, f"leaf 5: key {key_id(public_key_bytes(KEYS[other]))} belongs to "
                    f"{other}, which does not cover station {s}")
    stranger = private_key_from_seed(b"z" * 32)
    leaves[5] = protocol(s, None, reg, signer=stranger)
    failure(leaves, "leaf 5: signed by key")
    revoked = honest()
    kid = key_id(public_key_bytes(KEYS[top]))
    revoked.insert(8, leaf_bytes(key_revocation_record(election="ref", key=kid, reason="lost",
                                                       recorded_by="cec", recorded_at=AT)))
    failure(revoked, "revoked at leaf 8")


def test_a_key_registered_late_and_the_central_key(chunk: int) -> None:
    late = private_key_from_seed(b"L" * 32)
    s, top, reg = STATIONS[-1]
    leaves = [*honest(), register(late, top), protocol(s, None, reg, 2, version=2,
                                                       reason="late key", signer=late)]
    assert agree(leaves)[0] == "verified"
    leaves.append(protocol(STATIONS[3][0], None, STATIONS[3][2], 1, version=2, reason="c",
                           signer=CENTRAL))
    assert agree(leaves)[0] == "verified"


def test_unsigned_protocols(chunk: int) -> None:
    s, _top, reg = STATIONS[3]
    leaves = honest()
    leaves[8] = protocol(s, None, reg)
    failure(leaves, "leaf 8: the protocol of station")
    optional = head_leaves("optional") + [protocol(x, None, r, k)
                                          for k, (x, _t, r) in enumerate(STATIONS)]
    assert agree(optional)[0] == "verified"
    own = private_key_from_seed(b"o" * 32)
    optional.insert(5, register(own, STATIONS[0][0]))
    failure(optional, "so it must sign")


def test_malformed_signatures_stations_options_and_contests(chunk: int) -> None:
    leaves = honest()
    leaves[9] = leaves[9].replace(b'"value":"', b'"value":"A', 1).replace(b'"},"type"',
                                                                          b'"},"type"', 1)
    value = json.loads(leaves[10])["signature"]["value"]
    upper = honest()
    upper[10] = upper[10].replace(value.encode(), value.upper().encode())
    agree(upper)
    agree(leaves)
    unknown = honest()
    unknown[6] = protocol("KZ-99-S0", TOPS[0], 1000)
    failure(unknown, "does not cover station KZ-99-S0")
    unknown[6] = protocol("KZ-99-S0", None, 1000, signer=CENTRAL)
    failure(unknown, "station KZ-99-S0 does not vote in ref.referendum")

    def extra(r: dict[str, Any]) -> None:
        r["body"]["votes"]["maybe"] = 0

    options = honest()
    options[6] = edit(options[6], extra)
    failure(options, "gives options ['maybe', 'no', 'yes']", check_signatures=False)
    contest = honest()
    contest[6] = protocol(STATIONS[0][0], STATIONS[0][1], STATIONS[0][2], contest="other")
    failure(contest, "protocol for unknown contest other")


def test_a_protocol_before_the_election(chunk: int) -> None:
    leaves = honest()
    leaves.insert(1, leaves[7])
    failure(leaves, "leaf 1: a protocol before the election's definition")


def test_map_chunks_is_what_runs_the_scan(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(scan_module, "CHUNK", 8)
    seen: list[int] = []

    def mapped(fn: Any, tasks: Any) -> Any:
        for t in tasks:
            seen.append(t.start)
            yield fn(t)

    leaves = honest()
    report, _v = verify_record(leaves, heads(leaves, (9, 16)), public_key_bytes(CENTRAL),
                               map_chunks=mapped)
    assert seen == list(range(8, len(leaves), 8))  # the first chunk: the verifier's own
    assert report.lines == outcome(leaves, batch=False, sizes=(9, 16))[1]


MUTATIONS = st.one_of(
    st.tuples(st.just("byte"), st.integers(0, 10**6), st.integers(0, 10**6),
              st.integers(0, 255)),
    st.tuples(st.just("digit"), st.integers(0, 10**6), st.integers(0, 10**6),
              st.integers(0, 9)),
    st.tuples(st.just("copy"), st.integers(0, 10**6), st.integers(0, 10**6), st.just(0)),
    st.tuples(st.just("drop"), st.integers(0, 10**6), st.just(0), st.just(0)),
    st.tuples(st.just("swap"), st.integers(0, 10**6), st.integers(0, 10**6), st.just(0)),
)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(MUTATIONS, min_size=1, max_size=3), st.booleans(), st.sampled_from([4, 8, 64]))
def test_any_change_gives_the_same_outcome_on_both_paths(
        mutations: list[tuple[str, int, int, int]], check: bool, size: int) -> None:
    leaves = honest()
    for kind, a, b, c in mutations:
        i, j = a % len(leaves), b % len(leaves)
        if kind == "byte":
            data = bytearray(leaves[i])
            data[b % len(data)] = c
            leaves[i] = bytes(data)
        elif kind == "digit":  # a digit changed: often still canonical and well-formed
            digits = [k for k, x in enumerate(leaves[i]) if 48 <= x <= 57]
            data = bytearray(leaves[i])
            data[digits[b % len(digits)]] = 48 + c
            leaves[i] = bytes(data)
        elif kind == "copy":
            leaves.insert(j, leaves[i])
        elif kind == "drop" and len(leaves) > 1:
            del leaves[i]
        elif kind == "swap":
            leaves[i], leaves[j] = leaves[j], leaves[i]
    saved = scan_module.CHUNK
    scan_module.CHUNK = size
    try:
        agree(leaves, sizes=(len(leaves) // 2,), check_signatures=check)
    finally:
        scan_module.CHUNK = saved


def test_a_malformed_unit_is_named_in_reading_order(chunk: int) -> None:
    """The shape check vouches only for the units' ids and parents: the first unit, in
    order, that lacks a member or has one of the wrong type is the one named."""

    def damage(r: dict[str, Any]) -> None:
        del r["body"]["units"][3]["name"]
        r["body"]["units"][5]["kind"] = "planet"

    def bad_kind(r: dict[str, Any]) -> None:
        r["body"]["units"][2]["kind"] = "planet"
        r["body"]["units"][4]["registered"] = "many"

    leaves = honest()
    leaves[0] = edit(leaves[0], damage)
    failure(leaves, "leaf 0 is malformed: KeyError 'name'")
    leaves = honest()
    leaves[0] = edit(leaves[0], bad_kind)
    failure(leaves, "leaf 0 is malformed: ValueError 'planet' is not a valid UnitKind")


def test_characters_beyond_the_basic_plane_take_the_full_parse(chunk: int) -> None:
    """A 4-byte UTF-8 character (here in a unit's name) sends the leaf to the full canonical
    parse, which accepts it; a byte that is no UTF-8 at all is refused by name."""

    def emoji(r: dict[str, Any]) -> None:
        r["body"]["units"][4]["name"]["en"] = "Station \U0001F5F3"

    leaves = honest()
    leaves[0] = edit(leaves[0], emoji)
    assert agree(leaves)[0] == "verified"
    leaves[0] = leaves[0].replace("\U0001F5F3".encode(), b"\xff\xfe\xfd\xfc")
    failure(leaves, "leaf 0 is not canonical JSON")


def test_a_geography_part_read_by_its_template_is_what_the_exact_path_reads() -> None:
    from saylau.domain.record.verify.leaves import _well_formed, unit_columns
    from saylau.domain.record.verify.scan import geography_part

    data = honest()[0]
    read = geography_part(data)
    assert read is not None  # the exporter's parts take the template
    record = _well_formed(0, data)
    assert read[1] == unit_columns(record["body"])
    assert read[0] == {**record, "body": {}}
    # a part the template does not fit is left to the exact path
    assert geography_part(data.replace(b'"recorded":{"at":"2022', b'"recorded":{"at":"x022')) \
        is None
    assert geography_part(data.replace(b'"kind":"district"', b'"kind":"planet"', 1)) is None
    assert geography_part(data.replace(b'"abroad":false', b'"abroad":0', 1)) is None


def test_published_figures_compared_as_columns_name_the_first_difference() -> None:
    import copy

    from saylau.domain.record.verify import published_results

    leaves = honest()
    hs, central = heads(leaves), public_key_bytes(CENTRAL)
    _report, v = verify_record(leaves, hs, central)
    published = published_results(v)
    report, _v = verify_record(leaves, hs, central, published)
    assert "published results: every figure" in report.lines[-1]
    units = published["contests"][CONTEST.id]["units"]
    station, region = STATIONS[5][0], STATIONS[5][1]
    cases = [
        ((station, "invalid", 99), f"unit {station}: published invalid = 99, but the record "
                                   "gives 2"),
        ((region, "votes", {"yes": 1, "no": 2}), f"unit {region}: published votes = "),
        ((station, "votes", {**units[station]["votes"], "maybe": 0}), f"unit {station}: "
                                                                     "published votes"),
        ((station, "registered", None), f"unit {station}: published registered = null"),
    ]
    for (unit, field, value), message in cases:
        changed = copy.deepcopy(published)
        changed["contests"][CONTEST.id]["units"][unit][field] = value
        with pytest.raises(VerificationFailed, match=message):
            verify_record(leaves, hs, central, changed)
    # the first unit in the geography's order is named, whichever changed field comes later
    both = copy.deepcopy(published)
    both["contests"][CONTEST.id]["units"][STATIONS[7][0]]["invalid"] = 7
    both["contests"][CONTEST.id]["units"][region]["both_marked"] = 1
    first = min((STATIONS[7][0], region), key=lambda u: GEO.index[u])
    with pytest.raises(VerificationFailed, match=f"unit {first}:"):
        verify_record(leaves, hs, central, both)
    missing = copy.deepcopy(published)
    del missing["contests"][CONTEST.id]["units"][station]
    with pytest.raises(VerificationFailed, match=f"have no unit {station}"):
        verify_record(leaves, hs, central, missing)
    # equal figures of another JSON type are equal, as they always were compared
    loose = copy.deepcopy(published)
    loose["contests"][CONTEST.id]["units"][station]["invalid"] = 2.0
    verify_record(leaves, hs, central, loose)


def regex_and_template(leaves: list[bytes]) -> tuple[Any, Any]:
    """The protocol rows the scan's regex reads (those it keeps) and those the column
    reader (verify/template.py) takes, from the same leaves."""
    from saylau.domain.record.verify import template

    contests = {CONTEST.id: ("no", "yes")}
    patterns = scan_module._compiled(scan_module.Spec(contests))
    pos, groups, names, widths = [], [], [], []
    for i, data in enumerate(leaves):
        m = patterns[CONTEST.id.encode()][2].fullmatch(data)
        if m is not None:
            pos.append(i)
            groups.append(m.groups())
            names.append(CONTEST.id)
            widths.append(2)
    regex = scan_module._regex_rows(pos, groups, names, widths, bodies=True)
    return regex, template.read_protocols(leaves, contests, bodies=True)


def rows_of(rows: Any, where: Any) -> list[tuple[Any, ...]]:
    return [(p, c, s, v, tuple(n), tuple(w), k, x, b) for p, c, s, v, n, w, k, x, b in zip(
        rows.pos.tolist(), rows.contest, rows.station, rows.version.tolist(),
        rows.counts.tolist(), rows.votes.tolist(), rows.key, rows.value, rows.body,
        strict=True) if where(p, v)]


def assert_template_reads_as_the_regex(leaves: list[bytes]) -> Any:
    regex, fast = regex_and_template(leaves)
    taken = set(fast.pos.tolist())
    # what the columns take, the regex reads with the same values; and it takes every
    # version 1 the regex keeps (a later one, with its reason, is left to the regex)
    assert rows_of(fast, lambda p, v: True) == rows_of(regex, lambda p, v: p in taken)
    def short(p: int) -> bool:  # its strings within the columns' 128 bytes
        r = json.loads(leaves[p])
        return max(len(r["body"]["station"]), *map(len, r["recorded"].values())) <= 128

    assert taken == {p for p, v in zip(regex.pos.tolist(), regex.version.tolist(),
                                       strict=True) if v == 1 and short(p)}
    return fast


def test_the_column_reader_takes_the_plain_protocols_as_the_regex_does() -> None:
    leaves = honest()
    fast = assert_template_reads_as_the_regex(leaves)
    assert len(fast.pos) == len(STATIONS)  # every version 1 of the honest record
    s, top, reg = STATIONS[0]
    unsigned = protocol(s, None, reg)
    long_station = protocol("S" * 200, top, reg)
    zero = protocol(s, top, 6, 0)  # votes of 0: the one integer with a leading zero
    leaves = [unsigned, long_station, zero, leaves[-1], b"", b'"', b"{}", *leaves[:3]]
    fast = assert_template_reads_as_the_regex(leaves)
    assert fast.pos.tolist() == [0, 2]  # a station beyond 128 bytes: left to the regex
    assert fast.key[0] is None and fast.key[1] is not None


@settings(max_examples=300, deadline=None)
@given(st.lists(st.tuples(st.integers(0, 10**6), st.integers(0, 10**6),
                          st.sampled_from([b"", b"0", b"1", b"9", b'"', b"\\", b"a", b"A",
                                           b" ", b"\x00", b"\xff", b",", b":", b"}", b"00"]),
                          st.integers(0, 2)), min_size=1, max_size=4))
def test_the_column_reader_never_takes_what_the_regex_would_not(
        changes: list[tuple[int, int, bytes, int]]) -> None:
    leaves = [protocol(s, top if k % 3 else None, reg, k)
              for k, (s, top, reg) in enumerate(STATIONS[:6])]
    for a, b, put, cut in changes:
        i = a % len(leaves)
        at = b % (len(leaves[i]) + 1)
        leaves[i] = leaves[i][:at] + put + leaves[i][at + cut:]
    assert_template_reads_as_the_regex(leaves)


def test_a_geography_part_whose_units_do_not_tile_the_array_takes_the_exact_path() -> None:
    from saylau.domain.record.verify.scan import geography_part

    data = honest()[0]
    assert geography_part(data) is not None
    for changed in (data.replace(b'},{"abroad"', b'}{"abroad"', 1),  # no comma
                    data.replace(b'},{"abroad"', b'},,{"abroad"', 1),
                    data.replace(b'},{"abroad"', b'}, {"abroad"', 1),
                    data.replace(b'}]},"recorded"', b'},]},"recorded"', 1),  # a trailing comma
                    data.replace(b'{"body":{"units":[{', b'{"body":{"units":[x{', 1),
                    data.replace(b'}]},"recorded"', b'}x]},"recorded"', 1),
                    data.replace(b'}]},"recorded"', b'}\n]},"recorded"', 1)):
        assert changed != data
        assert geography_part(changed) is None


@settings(max_examples=200, deadline=None)
@given(st.lists(st.tuples(st.integers(0, 10**6), st.sampled_from(
    [b"", b",", b"}", b"{", b'"', b"\\", b"0", b"1", b" ", b"\n", b"null", b"\xd0\x90"]),
    st.integers(0, 3)), min_size=1, max_size=3))
def test_a_geography_part_read_by_its_template_or_left_to_the_exact_path(
        changes: list[tuple[int, bytes, int]]) -> None:
    """Whatever the change, the template reads the part as the exact path does, or not at
    all."""
    from saylau.domain.record.verify.leaves import _well_formed, unit_columns
    from saylau.domain.record.verify.scan import geography_part

    data = honest()[0]
    for where, put, cut in changes:
        at = where % (len(data) + 1)
        data = data[:at] + put + data[at + cut:]
    read = geography_part(data)
    if read is not None:
        record = _well_formed(0, data)
        assert read[1] == unit_columns(record["body"])
        assert read[0] == {**record, "body": {}}


def unit_parts(units: list[dict[str, Any]], size: int = 7) -> list[Any]:
    from saylau.domain.record.verify.leaves import unit_columns

    return [unit_columns({"units": units[k:k + size]}) for k in range(0, len(units), size)]


def test_the_geography_made_from_columns_is_the_one_built_from_units() -> None:
    import numpy as np

    from saylau.domain.geography import Geography
    from saylau.domain.record.verify.geography import _checked_columns, geography_of
    from saylau.domain.record.verify.leaves import _State

    state = _State("c")
    state.unit_parts = unit_parts([unit_json(u) for u in GEO.units])
    assert _checked_columns(state.unit_parts) is not None  # the exporter's order and rules
    geo, built = geography_of(state), Geography.build(state.units)
    assert geo == built and list(geo.index) == list(built.index)
    for name in ("parent_index", "depth", "station_indices", "top_level_index", "registered"):
        assert np.array_equal(getattr(geo, name), getattr(built, name)), name
    assert {u: geo.children[u] for u in geo.index} == dict(built.children)


def _broken(change: Callable[[list[dict[str, Any]]], None]) -> list[dict[str, Any]]:
    units = [unit_json(u) for u in GEO.units]
    change(units)
    return units


STATION_AT = next(k for k, u in enumerate(GEO.units) if u.kind == "station")
DISTRICT_AT = next(k for k, u in enumerate(GEO.units) if u.kind == "district")
BROKEN = {
    "a repeated id": lambda us: us[5].update(id=us[4]["id"]),
    "an unknown parent": lambda us: us[5].update(parent="nowhere"),
    "a second root": lambda us: us[5].update(parent=None),
    "a root that is no country": lambda us: us[0].update(kind="region"),
    "a second country": lambda us: us[STATION_AT].update(kind="country"),
    "a station's child": lambda us: us[-1].update(parent=us[STATION_AT]["id"]),
    "a district under the country": lambda us: us[DISTRICT_AT].update(parent=us[0]["id"]),
    "a region below the top": lambda us: us[DISTRICT_AT].update(kind="region"),
    "a negative list": lambda us: us[STATION_AT].update(registered=-1),
    "a district with a list": lambda us: us[DISTRICT_AT].update(registered=5),
    "a district abroad": lambda us: us[DISTRICT_AT].update(abroad=True),
    "a list beyond int64": lambda us: us[STATION_AT].update(registered=2**70),
    "a cycle": lambda us: us[1].update(parent=us[-1]["id"]),
}


@pytest.mark.parametrize("name", sorted(BROKEN))
def test_a_geography_breaking_a_rule_is_built_from_units(name: str) -> None:
    """Columns that break a structural rule are not made a geography: Geography.build over
    the Units names the problem, as it did before the columns."""
    from saylau.domain.errors import ValidationFailed
    from saylau.domain.geography import Geography
    from saylau.domain.record.verify.geography import _checked_columns, geography_of
    from saylau.domain.record.verify.leaves import _State

    state = _State("c")
    state.unit_parts = unit_parts(_broken(BROKEN[name]))
    assert _checked_columns(state.unit_parts) is None
    if name == "a list beyond int64":
        return  # Geography.build takes it (the tally refuses it later)
    with pytest.raises(ValidationFailed):
        Geography.build(state.units)
    with pytest.raises(ValidationFailed):
        geography_of(state)


@settings(max_examples=30, deadline=None)
@given(st.randoms(use_true_random=False))
def test_units_in_any_order_make_the_geography_build_makes(rnd: Any) -> None:
    """In whatever order the record lists the units, the columns are put in the order
    Geography.build keeps (breadth-first, each parent's children in the record's order)."""
    import numpy as np

    from saylau.domain.geography import Geography
    from saylau.domain.record.verify.geography import _checked_columns, geography_of
    from saylau.domain.record.verify.leaves import _State

    units = [unit_json(u) for u in GEO.units]
    rnd.shuffle(units)
    state = _State("c")
    state.unit_parts = unit_parts(units)
    assert _checked_columns(state.unit_parts) is not None
    geo, built = geography_of(state), Geography.build(state.units)
    assert geo == built and list(geo.index) == list(built.index)
    for name in ("parent_index", "depth", "station_indices", "top_level_index", "registered"):
        assert np.array_equal(getattr(geo, name), getattr(built, name)), name


def test_the_column_reader_in_small_batches_reads_the_same(
        monkeypatch: pytest.MonkeyPatch) -> None:
    from saylau.domain.record.verify import template

    leaves = honest()
    whole = assert_template_reads_as_the_regex(leaves)
    monkeypatch.setattr(template, "_BATCH", 3)  # batches end inside runs of protocols
    batched = assert_template_reads_as_the_regex(leaves)
    assert rows_of(batched, lambda p, v: True) == rows_of(whole, lambda p, v: True)
    assert agree(leaves)[0] == "verified"
