"""The calculators' input files, parsed purely (text in, values out; the caller reads the file).

Party lists (`saylau allocate`)::

    party,votes,registration_order
    Amanat,3431510,1
    AGAINST_ALL,248291,

Candidates (`saylau decide district|president|senate-seat`)::

    candidate,votes
    Candidate A,51234
    AGAINST_ALL,1200
    INVALID,300

A row named `AGAINST_ALL` carries the "against all" votes; in a candidates file a row named
`INVALID` carries the invalid ballots (they count among those who took part). Both at most
once. `registration_order` (1 = registered first) may be left empty, or the column left out,
when it is not known: a tie that needs it then stays a tie unless a lot is drawn. A file that
breaks any rule is refused whole with `ImportFailed`, listing every bad row with its line,
field, expected and actual value.
"""

from __future__ import annotations

import csv
import io
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from saylau.domain.contests import AGAINST_ALL
from saylau.domain.errors import ImportFailed
from saylau.domain.law.candidates import CandidateVotes
from saylau.domain.law.parliament import PartyVotes

INVALID_ROW = "INVALID"
PARTY_REQUIRED: tuple[str, ...] = ("party", "votes")
PARTY_OPTIONAL: tuple[str, ...] = ("registration_order",)
CANDIDATE_REQUIRED: tuple[str, ...] = ("candidate", "votes")
_DIGITS = frozenset("0123456789")


@dataclass(frozen=True, slots=True)
class PartyCsv:
    parties: tuple[PartyVotes, ...]
    against_all: int | None
    """None when the file has no AGAINST_ALL row."""
    lines: tuple[tuple[str, int], ...]
    """(name, line) for every row, AGAINST_ALL included."""

    def line_of(self, name: str) -> int | None:
        return next((line for n, line in self.lines if _key(n) == _key(name)), None)


@dataclass(frozen=True, slots=True)
class CandidateCsv:
    candidates: tuple[CandidateVotes, ...]
    against_all: int | None
    invalid: int | None
    lines: tuple[tuple[str, int], ...]

    def line_of(self, name: str) -> int | None:
        return next((line for n, line in self.lines if _key(n) == _key(name)), None)


def _row(line: int, field: str, expected: str, actual: object, message: str) -> dict[str, Any]:
    return {"line": line, "field": field, "expected": expected, "actual": actual,
            "message": message}


def _refuse(rows: Sequence[dict[str, Any]]) -> ImportFailed:
    first = rows[0]
    more = f" (and {len(rows) - 1} more problem(s))" if len(rows) > 1 else ""
    return ImportFailed(
        f"line {first['line']}, field {first['field']}: {first['message']}{more}", rows=rows
    )


def _int(
    cell: str, *, line: int, field: str, minimum: int, problems: list[dict[str, Any]]
) -> int | None:
    text = cell.strip()
    body = text[1:] if text[:1] in "+-" else text
    if not body or not set(body) <= _DIGITS:
        problems.append(_row(line, field, f"a whole number >= {minimum} (digits only)", text,
                             f"{field} is {text!r}, not a whole number"
                             if text else f"{field} is empty; write a number"))
        return None
    value = int(text)
    if value < minimum:
        what = "cannot be negative" if minimum == 0 else f"must be at least {minimum}"
        problems.append(_row(line, field, f"a whole number >= {minimum}", text,
                             f"{field} is {text}; it {what}"))
        return None
    return value


def _records(
    text: str, required: tuple[str, ...], optional: tuple[str, ...]
) -> tuple[list[tuple[int, dict[str, str]]], int]:
    """(line, record) for every non-blank row, and the last line read; refuses a bad header."""
    text = text.removeprefix("\ufeff")
    header_text = ",".join(required + optional)
    if not text.strip():
        raise _refuse([_row(1, "header", f"a header line: {header_text}", "an empty file",
                            "the file is empty")])
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        cells = next(reader)
    except csv.Error as exc:
        raise _refuse([_row(1, "header", "a CSV header line", str(exc),
                            f"unreadable header: {exc}")]) from None
    header = [c.strip().lower() for c in cells]
    line = reader.line_num
    problems: list[dict[str, Any]] = []
    known = set(required) | set(optional)
    problems.extend(
        _row(line, column, f"a column named {column!r}", ",".join(header),
             f"the header has no {column!r} column")
        for column in required if column not in header
    )
    problems.extend(
        _row(line, column or "(empty)", f"one of {header_text}", column,
             f"unknown column {column!r}")
        for column in header if column not in known
    )
    problems.extend(
        _row(line, column, "each column once", f"{times} times",
             f"column {column!r} appears {times} times")
        for column, times in Counter(header).items() if times > 1 and column in known
    )
    if problems:
        raise _refuse(problems)
    out: list[tuple[int, dict[str, str]]] = []
    while True:
        try:
            cells = next(reader)
        except StopIteration:
            break
        except csv.Error as exc:
            problems.append(_row(reader.line_num, "row", "a CSV row", str(exc),
                                 f"unreadable row: {exc}"))
            break
        line = reader.line_num
        if not any(c.strip() for c in cells):
            continue
        if len(cells) != len(header):
            problems.append(_row(line, "row", f"{len(header)} cells (one per column)",
                                 f"{len(cells)} cells",
                                 f"the row has {len(cells)} cells, the header {len(header)}"))
            continue
        out.append((line, dict(zip(header, cells, strict=True))))
    if problems:
        raise _refuse(problems)
    return out, line


def _key(name: str) -> str:
    return " ".join(name.split()).casefold()


def parse_party_csv(text: str) -> PartyCsv:
    """Parse `party,votes[,registration_order]`. Raises `ImportFailed` with every bad row."""
    records, last = _records(text, PARTY_REQUIRED, PARTY_OPTIONAL)
    problems: list[dict[str, Any]] = []
    parties: list[PartyVotes] = []
    lines: list[tuple[str, int]] = []
    against_all: int | None = None
    first_name: dict[str, int] = {}
    first_order: dict[int, tuple[str, int]] = {}
    for line, record in records:
        name = record["party"].strip()
        before = len(problems)
        votes = _int(record["votes"], line=line, field="votes", minimum=0, problems=problems)
        order_cell = record.get("registration_order", "").strip()
        order = (
            _int(order_cell, line=line, field="registration_order", minimum=1,
                 problems=problems)
            if order_cell else None
        )
        if not name:
            problems.append(_row(line, "party", "a party name", "", "the party name is empty"))
        elif _key(name) in first_name:
            problems.append(_row(line, "party", "each party once",
                                 f"{name} (also on line {first_name[_key(name)]})",
                                 f"{name!r} appears again (first on line "
                                 f"{first_name[_key(name)]})"))
        else:
            first_name[_key(name)] = line
        is_aa = _key(name) == _key(AGAINST_ALL)
        if is_aa and order_cell:
            problems.append(_row(line, "registration_order", "empty for AGAINST_ALL", order_cell,
                                 "'against all' is not a party list and has no registration "
                                 "order"))
        if order is not None and not is_aa:
            if order in first_order:
                other, other_line = first_order[order]
                problems.append(_row(line, "registration_order", "each order once",
                                     f"{order} (also {other}, line {other_line})",
                                     f"{name} has the same registration order as {other} "
                                     f"(line {other_line})"))
            else:
                first_order[order] = (name, line)
        if len(problems) > before or votes is None:
            continue
        lines.append((name, line))
        if is_aa:
            against_all = votes
        else:
            parties.append(PartyVotes(name, votes, order))
    if not parties and not problems:
        problems.append(_row(last + 1, "party", "at least one party row after the header",
                             "none", "the file has no parties"))
    if problems:
        raise _refuse(problems)
    return PartyCsv(tuple(parties), against_all, tuple(lines))


def parse_candidate_csv(text: str) -> CandidateCsv:
    """Parse `candidate,votes` (with optional AGAINST_ALL and INVALID rows)."""
    records, last = _records(text, CANDIDATE_REQUIRED, ())
    problems: list[dict[str, Any]] = []
    candidates: list[CandidateVotes] = []
    lines: list[tuple[str, int]] = []
    specials: dict[str, int | None] = {AGAINST_ALL: None, INVALID_ROW: None}
    first_name: dict[str, int] = {}
    for line, record in records:
        name = record["candidate"].strip()
        before = len(problems)
        votes = _int(record["votes"], line=line, field="votes", minimum=0, problems=problems)
        if not name:
            problems.append(_row(line, "candidate", "a candidate's name", "",
                                 "the candidate's name is empty"))
        elif _key(name) in first_name:
            problems.append(_row(line, "candidate", "each candidate once",
                                 f"{name} (also on line {first_name[_key(name)]})",
                                 f"{name!r} appears again (first on line "
                                 f"{first_name[_key(name)]})"))
        else:
            first_name[_key(name)] = line
        if len(problems) > before or votes is None:
            continue
        lines.append((name, line))
        special = next((s for s in specials if _key(s) == _key(name)), None)
        if special is not None:
            specials[special] = votes
        else:
            candidates.append(CandidateVotes(name, votes))
    if not candidates and not problems:
        problems.append(_row(last + 1, "candidate", "at least one candidate row after the header",
                             "none", "the file has no candidates"))
    if problems:
        raise _refuse(problems)
    return CandidateCsv(tuple(candidates), specials[AGAINST_ALL], specials[INVALID_ROW],
                        tuple(lines))
