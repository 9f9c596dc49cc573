"""Canonical bytes (RFC 8785, integers only): key order by UTF-16 code units, string escaping,
no whitespace, integers, refusals; and the strict parser verifiers use.

Sources of the expected outputs: RFC 8785 section 3.2 and the test data of its reference
implementation, github.com/cyberphone/json-canonicalization (testdata/input and output:
weird.json, french.json, structures.json, arrays.json, unicode.json, and the README's
escaping example); structures.json holds 56.0, written here as the integer 56 because floats
are refused by design.
"""

from __future__ import annotations

import hashlib
import json
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from saylau.domain.errors import ValidationFailed
from saylau.domain.record.canonical import (
    MAX_SAFE_INTEGER,
    canonical_bytes,
    canonical_text,
    parse_canonical,
    record_hash,
    written_text,
)


def test_rfc8785_sorting_by_utf16_code_units() -> None:
    # cyberphone testdata weird.json: "\u0080" (a C1 control) and "\u007f" are not escaped;
    # the emoji (surrogates d83d de02) sorts before U+FB33, although its code point is larger.
    value = {
        "\u20ac": "Euro Sign",
        "1": "One",
        "\u0080": "Control\u007f",
        "\U0001f602": "Smiley",
        "\u00f6": "Latin Small Letter O With Diaeresis",
        "\ufb33": "Hebrew Letter Dalet With Dagesh",
        "</script>": "Browser Challenge",
    }
    expected = (
        '{"1":"One","</script>":"Browser Challenge","\u0080":"Control\u007f",'
        '"\u00f6":"Latin Small Letter O With Diaeresis","\u20ac":"Euro Sign",'
        '"\U0001f602":"Smiley","\ufb33":"Hebrew Letter Dalet With Dagesh"}'
    )
    assert canonical_text(value) == expected
    assert canonical_bytes(value) == expected.encode("utf-8")


def test_rfc8785_section_3_2_3_order() -> None:
    keys = ["\u20ac", "\r", "\ufb33", "1", "\U0001f600", "\u0080", "\u00f6"]
    text = canonical_text(dict.fromkeys(keys, 0))
    got = list(json.loads(text))
    assert got == ["\r", "1", "\u0080", "\u00f6", "\u20ac", "\U0001f600", "\ufb33"]
    # code-point order would put U+FB33 before U+1F600: the difference this rule is about
    assert sorted(keys)[-1] == "\U0001f600"


def test_sorting_ignores_locale() -> None:
    # cyberphone testdata french.json
    value = {"peach": "This sorting order", "péché": "is wrong according to French",
             "pêche": "but canonicalization MUST", "sin": "ingnore locale"}
    assert canonical_text(value) == (
        '{"peach":"This sorting order","péché":"is wrong according to French",'
        '"pêche":"but canonicalization MUST","sin":"ingnore locale"}'
    )


def test_nested_structures_sorted_recursively_and_arrays_kept_in_order() -> None:
    # cyberphone testdata structures.json (56.0 as 56) and arrays.json
    value = {"1": {"f": {"f": "hi", "F": 5}, "\n": 56}, "10": {}, "": "empty", "a": {},
             "111": [{}], "A": {}}
    assert canonical_text(value) == (
        '{"":"empty","1":{"\\n":56,"f":{"F":5,"f":"hi"}},"10":{},"111":[{}],"A":{},"a":{}}'
    )
    assert canonical_text([56, {"d": True, "10": None, "1": []}]) == (
        '[56,{"1":[],"10":null,"d":true}]'
    )


def test_no_unicode_normalisation() -> None:
    # cyberphone testdata unicode.json: the two code points stay two code points
    assert canonical_bytes({"Unnormalized Unicode": "\u1e0d\u0307"}) == (
        b'{"Unnormalized Unicode":"\xe1\xb8\x8d\xcc\x87"}'
    )


def test_escaping_example_of_the_reference_implementation() -> None:
    # README of cyberphone/json-canonicalization ("escaping" and "other"; numbers left out)
    value = {"escaping": "\u20ac$\u000f\u000aA'\u0042\u0022\u005c\\\"/",
             "other": [None, True, False]}
    text = canonical_text(value)
    assert text == '{"escaping":"€$\\u000f\\nA\'B\\"\\\\\\\\\\"/","other":[null,true,false]}'
    assert canonical_bytes(value).hex(" ").startswith(
        "7b 22 65 73 63 61 70 69 6e 67 22 3a 22 e2 82 ac 24 5c 75 30 30 30 66 5c 6e 41 27 42 "
        "5c 22 5c 5c 5c 5c 5c 22 2f 22 2c"
    )


@pytest.mark.parametrize(("char", "escaped"), [
    ("\b", "\\b"), ("\t", "\\t"), ("\n", "\\n"), ("\f", "\\f"), ("\r", "\\r"),
    ("\x00", "\\u0000"), ("\x01", "\\u0001"), ("\x0b", "\\u000b"), ("\x1f", "\\u001f"),
    ('"', '\\"'), ("\\", "\\\\"),
    ("/", "/"), ("\x7f", "\x7f"), ("\u2028", "\u2028"), ("é", "é"), ("Қ", "Қ"),
])
def test_string_escaping(char: str, escaped: str) -> None:
    assert canonical_text(char) == f'"{escaped}"'


def test_every_control_character() -> None:
    short = {0x08: "\\b", 0x09: "\\t", 0x0A: "\\n", 0x0C: "\\f", 0x0D: "\\r"}
    for code in range(0x20):
        assert canonical_text(chr(code)) == '"' + short.get(code, f"\\u{code:04x}") + '"'


def test_no_whitespace_and_literals() -> None:
    assert canonical_text({"a": [1, 2, {"b": None}], "c": True, "d": False}) == (
        '{"a":[1,2,{"b":null}],"c":true,"d":false}'
    )
    assert canonical_text([]) == "[]"
    assert canonical_text({}) == "{}"
    assert canonical_text(("x", 1)) == '["x",1]'


@pytest.mark.parametrize(("value", "text"), [
    (0, "0"), (-0, "0"), (7, "7"), (-12, "-12"), (10**9, "1000000000"),
    (MAX_SAFE_INTEGER, "9007199254740991"), (-MAX_SAFE_INTEGER, "-9007199254740991"),
])
def test_integers(value: int, text: str) -> None:
    assert canonical_text(value) == text


def test_booleans_are_not_integers() -> None:
    assert canonical_text([True, 1, False, 0]) == "[true,1,false,0]"


@pytest.mark.parametrize("value", [1.0, 0.5, float("nan"), float("inf"), -0.0])
def test_floats_are_refused_naming_the_path(value: float) -> None:
    with pytest.raises(ValidationFailed) as err:
        canonical_bytes({"body": {"counts": [1, value]}})
    assert err.value.code == "canonical.refused"
    finding = err.value.details["findings"][0]
    assert finding["field"] == "body.counts[1]"
    assert finding["expected"] == "an integer"
    assert "floating-point" in err.value.message


@pytest.mark.parametrize("value", [MAX_SAFE_INTEGER + 1, -MAX_SAFE_INTEGER - 1, 10**30])
def test_integers_beyond_the_safe_range_are_refused(value: int) -> None:
    with pytest.raises(ValidationFailed, match="outside the range"):
        canonical_bytes({"n": value})


@pytest.mark.parametrize(("value", "field"), [
    ({1: "x"}, "1"),
    ({"a": b"bytes"}, "a"),
    ({"a": {"b": {1, 2}}}, "a.b"),
    ("\ud800", "$"),
    ({"k\udc00": 1}, "k\udc00"),
])
def test_values_without_canonical_form_are_refused(value: Any, field: str) -> None:
    with pytest.raises(ValidationFailed) as err:
        canonical_bytes(value)
    assert err.value.details["findings"][0]["field"] == field


def test_too_deep_is_refused() -> None:
    deep: Any = 1
    for _ in range(70):
        deep = [deep]
    with pytest.raises(ValidationFailed, match="nested"):
        canonical_bytes(deep)


def test_record_hash_is_sha256_of_the_canonical_bytes() -> None:
    value = {"b": 1, "a": "Қ"}
    assert canonical_bytes(value) == '{"a":"Қ","b":1}'.encode()
    assert record_hash(value) == hashlib.sha256(canonical_bytes(value)).hexdigest()


def test_worked_example_of_docs_record_md() -> None:
    value = {"votes": {"yes": 610, "no": 220}, "station": "KZ-71-S1", "note": "Қ\n",
             "\U0001f600": -1, "\ufb33": [True, None]}
    data = canonical_bytes(value)
    assert data.decode() == (
        '{"note":"Қ\\n","station":"KZ-71-S1","votes":{"no":220,"yes":610},'
        '"\U0001f600":-1,"\ufb33":[true,null]}'
    )
    assert data.hex() == WORKED_HEX
    assert hashlib.sha256(data).hexdigest() == WORKED_SHA256


WORKED_HEX = (
    "7b226e6f7465223a22d29a5c6e222c2273746174696f6e223a224b5a2d37312d5331222c22766f746573223a"
    "7b226e6f223a3232302c22796573223a3631307d2c22f09f9880223a2d312c22efacb3223a5b747275652c6e"
    "756c6c5d7d"
)
WORKED_SHA256 = "dc74c09003092e426f79a8d810346117c53f9d609807b42b0d03805dfd1eeff5"


# ---- the strict parser --------------------------------------------------------------------


def test_parse_canonical_round_trip() -> None:
    data = canonical_bytes({"b": [1, "é"], "a": None})
    assert parse_canonical(data) == {"a": None, "b": [1, "é"]}


@pytest.mark.parametrize("data", [
    b'{"a": 1}',                      # whitespace
    b'{"b":1,"a":2}',                 # member order
    b'{"a":"\\u00e9"}',               # escaped non-ASCII
    b'{"a":"\\/"}',                   # escaped solidus
    b'{"a":-0}',                      # not the shortest form
    b'{"a":01}',                      # not JSON
    b"\xef\xbb\xbf{}",                # byte-order mark
    b'{"a":"\\ud800"}',               # lone surrogate
    b'{"a":1,"a":1}',                 # duplicate member
    b'{"a":1.0}',                     # float
    b'{"a":1e2}',                     # exponent
    b'{"a":NaN}',                     # not a JSON number
    b'{"a":9007199254740992}',        # beyond 2**53 - 1
    b'{"a":"\xff"}',                  # not UTF-8
    b"{}\n",                          # trailing newline
    b'{"a":' + b"9" * 5000 + b"}",     # beyond the interpreter's digit limit
    b"[" * 100_000 + b"]" * 100_000,   # nesting beyond the parser's recursion
])
def test_parse_canonical_refuses_what_is_not_canonical(data: bytes) -> None:
    with pytest.raises(ValidationFailed) as err:
        parse_canonical(data)
    assert err.value.code in {"canonical.refused", "canonical.not_canonical"}


# ---- agreement with the standard library where the two rules coincide ------------------------

_bmp_text = st.text(st.characters(max_codepoint=0xFFFF, exclude_categories=("Cs",)), max_size=8)
_plain: st.SearchStrategy[Any] = st.recursive(
    st.none() | st.booleans() | st.integers(-MAX_SAFE_INTEGER, MAX_SAFE_INTEGER) | _bmp_text,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(_bmp_text, inner, max_size=4),
    max_leaves=20,
)


@settings(max_examples=200, deadline=None)
@given(_plain)
def test_equals_sorted_json_dumps_for_bmp_keys_and_round_trips(value: Any) -> None:
    # Below U+FFFF (surrogates excluded) code-point order is UTF-16 code-unit order, and the
    # standard library escapes exactly as RFC 8785 does with ensure_ascii=False.
    text = canonical_text(value)
    assert text == json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    assert written_text(value) == text  # the writer used beyond the fast path agrees
    assert parse_canonical(text.encode("utf-8")) == value


_any_text = st.text(st.characters(exclude_categories=("Cs",)), max_size=6)


@settings(max_examples=200, deadline=None)
@given(st.recursive(
    st.none() | st.booleans() | st.integers(-MAX_SAFE_INTEGER, MAX_SAFE_INTEGER) | _any_text,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(_any_text, inner, max_size=4),
    max_leaves=20,
))
def test_keys_beyond_the_bmp_sort_by_utf16_and_both_paths_agree(value: Any) -> None:
    def utf16_sorted(v: Any) -> Any:
        if isinstance(v, dict):
            return [(k, utf16_sorted(v[k]))
                    for k in sorted(v, key=lambda k: k.encode("utf-16-be"))]
        if isinstance(v, list):
            return [utf16_sorted(x) for x in v]
        return v

    data = canonical_bytes(value)
    assert data == written_text(value).encode("utf-8")
    parsed = json.loads(data, object_pairs_hook=list)
    assert _pairs(parsed) == utf16_sorted(value)


def _pairs(v: Any) -> Any:
    if isinstance(v, list) and all(isinstance(x, tuple) for x in v) and v:
        return [(k, _pairs(x)) for k, x in v]
    if isinstance(v, list):
        return [_pairs(x) for x in v]
    return v
