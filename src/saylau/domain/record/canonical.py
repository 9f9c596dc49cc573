"""Canonical bytes: RFC 8785 (JSON Canonicalization Scheme, JCS) for saylau's plain data.

Everything that is hashed or signed is first turned into one exact byte string, so that a
verifier written in any language recomputes the same hashes (docs/record.md specifies it).

The rules, all from RFC 8785 except the integer-only restriction:

- values are objects (``dict`` with ``str`` keys), arrays (``list``/``tuple``), strings,
  integers, ``true``/``false`` and ``null``; nothing else;
- **no floating-point numbers**: our records hold counts and identifiers, never fractions, and
  a float's decimal form is where implementations drift. Integers must lie in the I-JSON safe
  range ``-(2**53 - 1) .. 2**53 - 1`` (RFC 7493 section 2.2), where RFC 8785's ECMAScript number
  serialisation is plain decimal digits, with a ``-`` sign for negatives;
- object members sorted by their names compared as arrays of UTF-16 code units (not code
  points: U+1F600 (``\\ud83d\\ude00``) sorts before U+FB33), recursively; array order is kept;
- no whitespace anywhere;
- strings: ``"`` and ``\\`` escaped with a backslash; U+0008, U+0009, U+000A, U+000C, U+000D as
  ``\\b \\t \\n \\f \\r``; every other control character below U+0020 as ``\\u00xx`` (lowercase
  hex); every other character written as itself (no ``\\u`` escapes for non-ASCII, no
  escaping of ``/``, no Unicode normalisation); lone surrogates are refused;
- the text is encoded as UTF-8 without a byte-order mark.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Mapping
from typing import Any, TypeAlias

from saylau.domain.errors import ValidationFailed, field_error

JsonValue: TypeAlias = (
    "bool | int | str | list[JsonValue] | tuple[JsonValue, ...] | Mapping[str, JsonValue] | None"
)
"""Plain data that has canonical bytes."""

MAX_SAFE_INTEGER = 2**53 - 1
"""The largest integer every JSON implementation holds exactly (RFC 7493 section 2.2)."""

MAX_DEPTH = 64
"""Deepest nesting of objects and arrays accepted; records are a few levels deep."""

_ESCAPED = re.compile(r'[\x00-\x1f"\\]')
_SHORT = {'"': '\\"', "\\": "\\\\", "\b": "\\b", "\t": "\\t", "\n": "\\n", "\f": "\\f",
          "\r": "\\r"}
_SURROGATE = re.compile("[\ud800-\udfff]")


def _escape_one(match: re.Match[str]) -> str:
    ch = match.group(0)
    return _SHORT.get(ch) or f"\\u{ord(ch):04x}"


def _refuse(path: str, expected: str, actual: object, message: str) -> ValidationFailed:
    return ValidationFailed(
        message, code="canonical.refused",
        details={"findings": [field_error(path or "$", expected, actual, message)]},
    )


def _string(value: str, path: str) -> str:
    if _SURROGATE.search(value):
        raise _refuse(path, "a string of Unicode scalar values", repr(value),
                      f"{path or 'the value'} holds a lone UTF-16 surrogate, which has no "
                      "UTF-8 form")
    return '"' + _ESCAPED.sub(_escape_one, value) + '"'


def _utf16_key(name: str) -> bytes:
    # UTF-16BE bytes compare, byte by byte, exactly as the code units compare (RFC 8785 3.2.3).
    return name.encode("utf-16-be", "surrogatepass")


def _write(value: object, path: str, depth: int, out: list[str]) -> None:
    if depth > MAX_DEPTH:
        raise _refuse(path, f"at most {MAX_DEPTH} levels of nesting", depth,
                      f"{path} is nested more than {MAX_DEPTH} levels deep")
    if value is None:
        out.append("null")
    elif value is True:
        out.append("true")
    elif value is False:
        out.append("false")
    elif isinstance(value, int):
        if not -MAX_SAFE_INTEGER <= value <= MAX_SAFE_INTEGER:
            raise _refuse(path, f"an integer between -{MAX_SAFE_INTEGER} and {MAX_SAFE_INTEGER}",
                          value, f"{path or 'the value'} is {value}, outside the range every "
                          "JSON implementation holds exactly")
        out.append(str(int(value)))
    elif isinstance(value, str):
        out.append(_string(value, path))
    elif isinstance(value, float):
        raise _refuse(path, "an integer", value,
                      f"{path or 'the value'} is the floating-point number {value!r}; records "
                      "hold only integers and strings (write a share as a string or two "
                      "integers)")
    elif isinstance(value, Mapping):
        members: list[tuple[bytes, str, object]] = []
        for name, item in value.items():
            if not isinstance(name, str):
                raise _refuse(f"{path}.{name!r}" if path else repr(name),
                              "a string member name", repr(name),
                              f"{path or 'the object'} has the non-string member name {name!r}")
            members.append((_utf16_key(name), name, item))
        members.sort(key=lambda m: m[0])
        out.append("{")
        for i, (_, name, item) in enumerate(members):
            if i:
                out.append(",")
            out.append(_string(name, f"{path}.{name}" if path else name))
            out.append(":")
            _write(item, f"{path}.{name}" if path else name, depth + 1, out)
        out.append("}")
    elif isinstance(value, list | tuple):
        out.append("[")
        for i, item in enumerate(value):
            if i:
                out.append(",")
            _write(item, f"{path}[{i}]", depth + 1, out)
        out.append("]")
    else:
        raise _refuse(path, "null, a boolean, an integer, a string, an array or an object",
                      type(value).__name__,
                      f"{path or 'the value'} is a {type(value).__name__}, which has no "
                      "canonical JSON form")


def _plain_enough(value: object, depth: int) -> bool:
    """True when the standard library's encoder writes `value` exactly as RFC 8785 does:
    only dicts, lists, tuples, strings, integers in range, booleans and None, and no member
    name beyond U+FFFF (where code-point order and UTF-16 order part). Anything else, errors
    included, goes to the writer above, which names the path of the problem."""
    kind = type(value)
    if value is None or kind is bool or kind is str:
        ok = True
    elif kind is int:
        ok = -MAX_SAFE_INTEGER <= value <= MAX_SAFE_INTEGER  # type: ignore[operator]
    elif kind is dict:
        ok = depth < MAX_DEPTH and all(
            type(name) is str and (name.isascii() or max(name) <= "\uffff")
            and _plain_enough(item, depth + 1)
            for name, item in value.items()  # type: ignore[attr-defined]
        )
    elif kind is list or kind is tuple:
        ok = depth < MAX_DEPTH and all(
            _plain_enough(item, depth + 1) for item in value  # type: ignore[attr-defined]
        )
    else:
        ok = False
    return ok


def written_text(value: object) -> str:
    """The canonical text as written by this module's own writer (no fast path); the tests
    check it against the fast path and the standard library."""
    out: list[str] = []
    _write(value, "", 0, out)
    return "".join(out)


def canonical_bytes(value: object) -> bytes:
    """The canonical bytes of `value`: its RFC 8785 text (module docstring) encoded as UTF-8.

    Raises ValidationFailed (code 'canonical.refused') naming the path of the first value
    that has no canonical form: a float, an integer beyond 2**53 - 1, a lone surrogate, a
    non-string member name, any other type.

    Fast path: for plain dicts, lists, strings and safe integers whose member names are all
    below U+10000, the standard library's C encoder with sorted keys, no spaces and no ASCII
    escaping writes exactly the RFC 8785 text (the tests check that the two agree); a lone
    surrogate then fails the strict UTF-8 encoding and falls back to the writer, which
    names it.
    """
    if _plain_enough(value, 0):
        text = json.dumps(value, ensure_ascii=False, sort_keys=True, separators=(",", ":"),
                          allow_nan=False)
        try:
            return text.encode("utf-8")
        except UnicodeEncodeError:
            pass
    return written_text(value).encode("utf-8")


def canonical_text(value: object) -> str:
    """The RFC 8785 canonical JSON text of `value` (canonical_bytes, decoded)."""
    return canonical_bytes(value).decode("utf-8")


def record_hash(value: object) -> str:
    """Lowercase hex SHA-256 of the canonical bytes of `value` (a record's content hash).

    This is not the Merkle leaf hash, which prefixes the byte 0x00 (see merkle.leaf_hash).
    """
    return hashlib.sha256(canonical_bytes(value)).hexdigest()


def _no_duplicates(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for name, item in pairs:
        if name in out:
            raise _refuse(name, "each member name once", name,
                          f"the member name {name!r} appears twice in one object")
        out[name] = item
    return out


def _no_float(text: str) -> Any:
    raise _refuse("", "an integer", text,
                  f"the number {text} has a fraction or exponent; records hold only integers")


def _no_constant(text: str) -> Any:
    raise _refuse("", "an integer", text, f"{text} is not a JSON number")


def parse_canonical(data: bytes) -> Any:
    """Parse `data` as JSON and check it is exactly the canonical bytes of what it holds.

    A verifier reads leaves with this: bytes that are valid JSON but not canonical (spaces,
    another member order, escaped non-ASCII, a float, a duplicate member name, a BOM) are
    refused with ValidationFailed, code 'canonical.refused' or 'canonical.not_canonical'.
    """
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise _refuse("", "UTF-8 text", f"byte {exc.start}", "the bytes are not UTF-8") from exc
    try:
        value = json.loads(text, object_pairs_hook=_no_duplicates, parse_float=_no_float,
                           parse_constant=_no_constant)
    except json.JSONDecodeError as exc:
        raise _refuse("", "JSON text", f"line {exc.lineno} column {exc.colno}",
                      f"the bytes are not JSON: {exc.msg}") from exc
    except (ValueError, RecursionError) as exc:  # a number of 4,300+ digits; absurd nesting
        raise _refuse("", "JSON text within limits", type(exc).__name__,
                      f"the bytes are not acceptable JSON: {exc}") from exc
    again = canonical_bytes(value)
    if again != data:
        at = next((i for i, (a, b) in enumerate(zip(again, data, strict=False)) if a != b),
                  min(len(again), len(data)))
        raise ValidationFailed(
            f"the JSON is valid but not canonical: it first differs from its canonical form "
            f"at byte {at}",
            code="canonical.not_canonical",
            details={"findings": [field_error("$", "canonical bytes (docs/record.md)",
                                              f"byte {at}", "not in canonical form")]},
        )
    return value
