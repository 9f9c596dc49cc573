"""How long what people type may be: one limit for every name and text, one for every id, one
for the names of token holders; the same at every entry (the geography's CSV, the API, the CLI,
the services under them), so that nothing accepted is refused later by a response, a page or
the static snapshot.

- A *text* (a unit's, election's, party's, candidate's or list member's name in any language,
  a referendum's question, the reason of a correction or a revocation): at most MAX_TEXT
  characters, no NUL (PostgreSQL's text cannot hold one) and no lone surrogate (no UTF-8 can).
- An *id* (of a unit, an election, a party, a candidate; a contest's id is its election's id
  and a suffix, and must fit too): 1 to MAX_ID characters, printable, no '/' (a unit's id
  is a segment of its pages' URLs, and an encoded '/' is decoded before routing).
- An *actor*, the name of a token's holder, written beside everything it does: 1 to
  MAX_ACTOR characters, printable.

Each check returns why a value is refused (or None); the entries turn that into their own
error, naming the field, and the line of a file.
"""

from __future__ import annotations

from saylau.domain.errors import ValidationFailed

MAX_TEXT = 2000
"""Characters in a name (per language) or a text."""
MAX_ID = 64
"""Characters in an id (the store's id columns hold 64)."""
MAX_ACTOR = 128
"""Characters in the name of a token's holder (the store's `submitted_by` columns hold 128)."""


def text_problem(value: str, limit: int = MAX_TEXT) -> str | None:
    """Why `value` cannot be stored as a name or a text, or None when it can."""
    if len(value) > limit:
        return f"has {len(value):,} characters; at most {limit:,} are allowed"
    if "\x00" in value:
        return "contains a NUL character"
    if not value.isascii():
        try:
            value.encode("utf-8")
        except UnicodeEncodeError:
            return "contains a lone surrogate, which is not text"
    return None


def id_problem(value: str, limit: int = MAX_ID) -> str | None:
    """Why `value` cannot be an id, or None when it can."""
    if not value:
        return "is empty"
    if len(value) > limit:
        return f"has {len(value):,} characters; at most {limit:,} are allowed"
    if "/" in value:
        return "contains '/', which no segment of a URL path can hold"
    if not value.isprintable():
        return "contains a control character or a lone surrogate"
    return None


def actor_problem(value: str) -> str | None:
    """Why `value` cannot name a token's holder, or None when it can."""
    if not value:
        return "is empty"
    if len(value) > MAX_ACTOR:
        return f"has {len(value):,} characters; at most {MAX_ACTOR:,} are allowed"
    if not value.isprintable():
        return "contains a control character or a lone surrogate"
    return None


EXPECTED_TEXT = f"text of at most {MAX_TEXT:,} characters, without NUL"
EXPECTED_ID = f"1 to {MAX_ID} printable characters, without '/'"
EXPECTED_ACTOR = f"1 to {MAX_ACTOR} printable characters"


def _shown(value: str) -> str:
    return value if len(value) <= 60 else f"{value[:59]}… ({len(value):,} characters)"


def problem_row(field: str, expected: str, value: str, why: str) -> dict[str, object]:
    """One refused value as every error lists it: field, expected, actual, message."""
    return {"field": field, "expected": expected, "actual": _shown(value),
            "message": f"{field} {why}"}


def text_rows(field: str, value: str | None, limit: int = MAX_TEXT) -> list[dict[str, object]]:
    why = None if value is None else text_problem(value, limit)
    return [] if why is None or value is None else [
        problem_row(field, EXPECTED_TEXT, value, why)]


def id_rows(field: str, value: str, limit: int = MAX_ID) -> list[dict[str, object]]:
    why = id_problem(value, limit)
    expected = EXPECTED_ID if limit == MAX_ID else f"1 to {limit} printable characters, " \
        "without '/'"
    return [] if why is None else [problem_row(field, expected, value, why)]


def refuse(what: str, rows: list[dict[str, object]]) -> None:
    """Raise ValidationFailed listing every row, when there is any."""
    if not rows:
        return
    if len(rows) == 1:
        r = rows[0]
        raise ValidationFailed(f"{what}: {r['message']}", code="text_invalid",
                               details={k: r[k] for k in ("field", "expected", "actual")})
    raise ValidationFailed(f"{what}: {len(rows)} problem(s); first: {rows[0]['message']}",
                           code="text_invalid", details={"rows": rows})


def check_text(field: str, value: str | None, limit: int = MAX_TEXT) -> None:
    """Raise ValidationFailed naming `field` when `value` is no storable text."""
    refuse(f"{field} is refused", text_rows(field, value, limit))


def check_actor(field: str, value: str) -> None:
    why = actor_problem(value)
    if why is not None:
        refuse(f"{field} is refused", [problem_row(field, EXPECTED_ACTOR, value, why)])
