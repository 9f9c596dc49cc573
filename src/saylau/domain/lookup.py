"""One way to look a name up: "unknown X 'y'; expected one of a, b, c", in one error shape.

Every lookup of the core by name (a ruleset, an allocation method, a quota, a contest kind, an
option of a contest, a language, a signatures rule, a decision rule ...) goes through `lookup`
or `member`, so a caller who names something that does not exist always gets the same
`ValidationFailed` (`missing`: the `NotFound` of a stored thing, in the same shape):

    code     "<field>_unknown" (e.g. "ruleset_unknown", "method_unknown", "lang_unknown")
    message  "unknown ruleset 'kz-1995'; expected one of kz-2007, kz-2022, kz-2026, generic"
    details  {"field": "ruleset", "expected": ["kz-2007", ...], "actual": "kz-1995",
              "findings": [{"field", "expected", "actual", "message"}]}

The flat `field`, `expected`, `actual` name the one bad value; `findings` holds the same as a
one-item list, the shape every `ValidationFailed` lists its problems in (DESIGN habit 5).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from enum import Enum
from typing import Any, TypeVar

from saylau.domain.errors import NotFound, ValidationFailed

K = TypeVar("K")
V = TypeVar("V")
E = TypeVar("E", bound=Enum)


def unknown_finding(field: str, expected: Iterable[object], actual: object,
                    what: str | None = None) -> dict[str, Any]:
    """The finding of an unknown name, for a caller that collects several findings."""
    known = [str(k) for k in expected]
    return {"field": field, "expected": known, "actual": actual,
            "message": f"unknown {what or field} {actual!r}; expected one of "
                       f"{', '.join(known)}"}


def unknown(field: str, expected: Iterable[object], actual: object, *,
            what: str | None = None, code: str | None = None) -> ValidationFailed:
    """The error for a name that is not among `expected` (returned, for the caller to raise).

    `field` names the input (e.g. "ruleset", "params.method"); `what` the thing in words when
    the field's name is not it (e.g. "allocation method"); `code` defaults to
    "<last part of field>_unknown"."""
    finding = unknown_finding(field, expected, actual, what)
    return ValidationFailed(
        finding["message"],
        code=code or f"{field.rsplit('.', 1)[-1]}_unknown",
        details={"field": field, "expected": finding["expected"], "actual": actual,
                 "findings": [finding]},
    )


def missing(field: str, expected: Iterable[object], actual: object, *,
            what: str | None = None, code: str | None = None,
            message: str | None = None) -> NotFound:
    """`unknown` for a name that addresses something stored (an election, a file of an
    export): a `NotFound` (404) with the same details shape; `message` replaces the default
    "unknown X 'y'; expected one of ..." when the list would say too little."""
    finding = unknown_finding(field, expected, actual, what)
    if message is not None:
        finding["message"] = message
    return NotFound(
        finding["message"],
        code=code or f"{field.rsplit('.', 1)[-1]}_unknown",
        details={"field": field, "expected": finding["expected"], "actual": actual,
                 "findings": [finding]},
    )


def lookup(table: Mapping[K, V], key: object, *, field: str, what: str | None = None,
           code: str | None = None, convert: Any = None) -> V:
    """`table[key]`, or the "unknown X" error listing the table's keys.

    `convert` turns the key first (e.g. an enum class: "kz-2022" -> RulesetName.KZ_2022); a
    key it refuses (ValueError, TypeError) is unknown too."""
    try:
        k: Any = convert(key) if convert is not None else key
        return table[k]
    except (KeyError, ValueError, TypeError):
        raise unknown(field, (_shown(k) for k in table), key, what=what, code=code) from None


def member(enum: type[E], value: object, *, field: str, what: str | None = None,
           code: str | None = None) -> E:
    """The member of `enum` whose value is `value` (or `value` itself when it is one)."""
    if isinstance(value, enum):
        return value
    try:
        return enum(value)
    except (ValueError, TypeError):
        raise unknown(field, (m.value for m in enum), value, what=what, code=code) from None


def _shown(key: object) -> object:
    return key.value if isinstance(key, Enum) else key
