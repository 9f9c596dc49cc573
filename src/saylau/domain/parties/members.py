"""A member list's rows and their checks (docs/law.md §10.2, §10.3, §11, §12), run on whole
columns at once (numpy), every bad row reported with its line, field and code.

Checks of one list (`check_list`, at import, while the raw IIN is still in hand):
    iin.format / iin.no_check_digit / iin.check_digit   docs/law.md §12.2
    iin.duplicate       the same IIN on an earlier line of the list: the first line stands
    region.unknown      the branch is not one of the country's top-level units (§13.1)
    name.missing, signature.missing, joined.format, joined.after_submission,
    birth_date.format   the fields of §10.2 (UNVERIFIED which are required: `ListFields`)
Checks across lists (`cross_check`, at decision time, on keyed hashes only):
    member.other_party  the person's membership of another party stands (see below)
    member.claimed_by_other   a warning: this membership stands, another party lists the
                        person too (both parties see the conflict)
    member.barred       the person is on the register of those who may not be party
                        members (§11.2), in a category barred under the ruleset

One party per citizen (docs/law.md §11.1), which membership stands: the one the ministry
received first (the order of the rows' receipt, i.e. of the store's sequence numbers), whatever
the joining dates the lists give: receipt is a fact the ministry saw, a joining date is what a
party writes. A registered party's membership was received before any later application's, so
it stands over it. This is saylau's rule where the statute is silent (UNVERIFIED); printed in
the explanation (`CONFLICT_RULE`).
"""

from __future__ import annotations

import functools
import itertools
import operator
from collections import Counter
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from enum import StrEnum
from typing import Any, NamedTuple

import numpy as np
import numpy.typing as npt

from saylau.domain.parties import shared
from saylau.domain.parties.iin import PROBLEM_CODES, IinProblem, masked, problems, shown
from saylau.domain.protocols.values import Severity
from saylau.domain.rulesets import RulesetName

CONFLICT_RULE = (
    "one party per citizen (docs/law.md §11.1): the membership the ministry received first "
    "stands; a later list's row for the same person is refused (saylau's rule, UNVERIFIED)")


class BarredCategory(StrEnum):
    """Who may not be a party member (docs/law.md §11.2)."""

    MILITARY = "military"
    SECURITY = "security"
    LAW_ENFORCEMENT = "law-enforcement"
    JUDGE = "judge"
    PRESIDENT = "president"
    CEC = "cec"
    ACCOUNTS_COMMITTEE = "accounts-committee"
    CONSTITUTIONAL_COURT = "constitutional-court"
    AKIM = "akim"


SINCE_2022 = frozenset({BarredCategory.PRESIDENT, BarredCategory.CEC,
                        BarredCategory.ACCOUNTS_COMMITTEE,
                        BarredCategory.CONSTITUTIONAL_COURT, BarredCategory.AKIM})
"""Categories barred by the 2022 amendments only (docs/law.md §11.2): not under kz-2007."""


def barred_under(category: BarredCategory, ruleset: RulesetName) -> bool:
    return ruleset is not RulesetName.KZ_2007 or category not in SINCE_2022


@dataclass(frozen=True, slots=True)
class ListFields:
    """Which fields a row must fill (docs/law.md §10.2: UNVERIFIED; configurable)."""

    full_name: bool = True
    birth_date: bool = True
    signature: bool = True
    joined: bool = True


COLUMNS = ("full_name", "birth_date", "iin", "region", "joined", "signature")
"""The member list's columns, in this order of meaning (a file's header names them)."""


@dataclass(frozen=True, slots=True)
class MemberColumns:
    """A member list, column by column (index i of each is one row). The raw IINs are here
    only until the rows are checked and hashed."""

    lines: tuple[int, ...]
    full_names: tuple[str, ...]
    birth_dates: tuple[str, ...]
    iins: tuple[str, ...]
    regions: tuple[str, ...]
    joined: tuple[str, ...]
    signatures: tuple[bool, ...]

    def __len__(self) -> int:
        return len(self.lines)


class RowFinding(NamedTuple):
    """One finding of one row. Immutable; a named tuple rather than a frozen dataclass
    because a season makes about 100,000 of them, and a frozen dataclass's __init__ sets each
    field through object.__setattr__ (three times the cost per finding, measured)."""

    line: int
    code: str
    severity: Severity
    field: str
    message: str
    expected: str = ""
    actual: str = ""
    details: tuple[tuple[str, Any], ...] = ()

    def as_dict(self) -> dict[str, Any]:
        return {"line": self.line, "code": self.code, "severity": self.severity.value,
                "field": self.field, "message": self.message, "expected": self.expected,
                "actual": self.actual, **dict(self.details)}


def _err(line: int, code: str, field: str, message: str, expected: str = "",
         actual: str = "", **details: Any) -> RowFinding:
    return RowFinding(line, code, Severity.ERROR, field, message, expected, actual,
                      tuple(details.items()))


@functools.lru_cache(maxsize=4096)
def _iso_date(text: str) -> date | None:
    """A list's dates repeat (a joining date per congress): parsed once each."""
    try:
        return date.fromisoformat(text)
    except ValueError:
        return None


_IIN_TEXT = {
    IinProblem.FORMAT: ("the IIN is not twelve digits", "12 digits"),
    IinProblem.NO_CHECK_DIGIT: ("the IIN cannot be valid: its check digit is 10 on both passes "
                                "(docs/law.md §12.2)", "a valid IIN"),
    IinProblem.CHECK_DIGIT: ("the IIN's last digit is not its check digit (docs/law.md §12.2)",
                             "a valid IIN"),
}


def check_list(cols: MemberColumns, hashes: Sequence[str], regions: frozenset[str],
               submitted: date, fields: ListFields = ListFields()) -> list[RowFinding]:
    """Every finding of every row of one list (the checks of the module docstring that need
    no other list). `hashes[i]` is the keyed hash of row i's IIN (privacy.hash_all). Messages
    name an IIN by its last four digits only."""
    out: list[RowFinding] = []
    codes = problems(list(cols.iins))
    for i in np.flatnonzero(codes).tolist():
        prob = PROBLEM_CODES[int(codes[i])]
        assert prob is not None
        text, expected = _IIN_TEXT[prob]
        line, iin = cols.lines[i], cols.iins[i]
        out.append(_err(line, prob.value, "iin", f"line {line}: {text} ({shown(iin)})",
                        expected, shown(iin)))
    out += _duplicates(cols, hashes)
    unknown = set(cols.regions) - regions  # most lists: none, and no row is visited
    for i in _where(cols.regions, unknown):
        reg, line = cols.regions[i], cols.lines[i]
        out.append(_err(line, "region.unknown", "region",
                        f"line {line}: {masked(reg)!r} is not a region's code (docs/law.md "
                        "§13.1)", "one of " + ", ".join(sorted(regions)), masked(reg)))
    out += _fields(cols, submitted, fields)
    out.sort(key=lambda f: f.line)
    return out


def _where(values: Sequence[Any], wanted: Collection[Any]) -> list[int]:
    """The indexes of the values in `wanted` (a C-level sweep; none visited when `wanted` is
    empty)."""
    if not wanted:
        return []
    return list(itertools.compress(range(len(values)), map(wanted.__contains__, values)))


class _Last4(Sequence[str]):
    """The last four characters of each IIN, cut only for the rows asked for (a list's
    duplicates are few; cutting a million IINs was half of the own checks' time)."""

    def __init__(self, iins: Sequence[str]) -> None:
        self._iins = iins

    def __len__(self) -> int:
        return len(self._iins)

    def __getitem__(self, i: Any) -> Any:
        if isinstance(i, slice):
            return [t[-4:] for t in self._iins[i]]
        return self._iins[i][-4:]


def _duplicates(cols: MemberColumns, hashes: Sequence[str]) -> list[RowFinding]:
    return duplicates(cols.lines, hashes, _Last4(cols.iins))


def _fields(cols: MemberColumns, submitted: date, fields: ListFields) -> list[RowFinding]:
    """The fields' findings. Dates repeat across a list: each distinct text is judged once,
    and only the rows with something to report are visited one by one."""
    bad_birth = {t for t in set(cols.birth_dates)
                 if (t or fields.birth_date) and _iso_date(t) is None}
    bad_joined = {t for t in set(cols.joined)
                  if ((t or fields.joined) and _iso_date(t) is None)
                  or ((d := _iso_date(t)) is not None and d > submitted)}
    # only the rows with a blank name, no signature or a bad date are visited one by one
    blank = {t for t in set(cols.full_names) if not t.strip()} if fields.full_name else set()
    suspects = sorted({*_where(cols.full_names, blank), *_where(cols.birth_dates, bad_birth),
                       *_where(cols.joined, bad_joined),
                       *(_where(cols.signatures, {False}) if fields.signature else ())})
    out = []
    for i in suspects:
        line = cols.lines[i]
        if fields.full_name and not cols.full_names[i].strip():
            out.append(_err(line, "name.missing", "full_name",
                            f"line {line}: the full name is empty", "a full name", ""))
        if fields.signature and not cols.signatures[i]:
            out.append(_err(line, "signature.missing", "signature",
                            f"line {line}: the member's signature is not present",
                            "yes", "no"))
        bd = masked(cols.birth_dates[i])
        if cols.birth_dates[i] in bad_birth:
            out.append(_err(line, "birth_date.format", "birth_date",
                            f"line {line}: the date of birth {bd!r} is not a date YYYY-MM-DD",
                            "YYYY-MM-DD", bd))
        joined = _iso_date(cols.joined[i])
        j = masked(cols.joined[i])
        if cols.joined[i] in bad_joined and joined is None:
            out.append(_err(line, "joined.format", "joined",
                            f"line {line}: the date of joining {j!r} is not a date YYYY-MM-DD",
                            "YYYY-MM-DD", j))
        elif joined is not None and joined > submitted:
            out.append(_err(line, "joined.after_submission", "joined",
                            f"line {line}: joined on {j}, after the list was submitted on "
                            f"{submitted.isoformat()}", f"on or before {submitted}", j))
    return out


# --- across lists: on keyed hashes only ------------------------------------------------------


@dataclass(frozen=True, slots=True)
class ListHashes:
    """One party's current rows for the cross checks: line (or row number), keyed hash and
    the receipt order (the store's sequence number of the row's first version)."""

    lines: tuple[int, ...]
    hashes: tuple[str, ...]
    received: tuple[int, ...]
    last4: tuple[str, ...]


def standing(lists: Mapping[str, ListHashes],
             listed: Mapping[str, Sequence[str]] | None = None
             ) -> dict[str, npt.NDArray[np.int64]]:
    """For every party's rows, the index (into sorted(lists)) of the party whose membership
    stands for that person: the first received (CONFLICT_RULE; equal receipt: the party
    first by id). Only the people listed by more than one party (`listing`) need looking
    at; everybody else's membership is the one party's that lists them."""
    fast = shared.groups(lists)
    if fast is not None:  # on arrays; None only when 64 bits of two hashes agree
        return shared.standing_of(fast, lists)
    parties = sorted(lists)
    listed = listing(lists) if listed is None else listed
    best: dict[str, tuple[int, int]] = {}
    for k, p in enumerate(parties):
        lh = lists[p]
        for i in _where(lh.hashes, listed.keys()):
            key = (lh.received[i], k)
            h = lh.hashes[i]
            if h not in best or key < best[h]:
                best[h] = key
    out: dict[str, npt.NDArray[np.int64]] = {}
    for k, p in enumerate(parties):
        lh = lists[p]
        arr = np.full(len(lh.hashes), k, dtype=np.int64)
        for i in _where(lh.hashes, best.keys()):
            arr[i] = best[lh.hashes[i]][1]
        out[p] = arr
    return out


def listing(lists: Mapping[str, ListHashes]) -> dict[str, list[str]]:
    """Keyed hash -> the parties listing it, for the hashes more than one party lists (one
    count over every row; computed once for all of a season's cross checks)."""
    fast = shared.groups(lists)
    if fast is not None:  # on arrays; None only when 64 bits of two hashes agree
        return shared.listing_of(fast)
    parties = sorted(lists)
    sets = {p: set(lists[p].hashes) for p in parties}
    seen: set[str] = set()
    common: set[str] = set()
    for p in parties:  # set operations in C: a person is shared once a second party lists them
        common |= sets[p] & seen
        seen |= sets[p]
    out: dict[str, list[str]] = {}
    for p in parties:
        for h in sets[p] & common:
            out.setdefault(h, []).append(p)
    return out


def on_register(lists: Mapping[str, ListHashes], barred: Mapping[str, BarredCategory]
                ) -> dict[str, list[int]]:
    """For every party, the indexes of its rows whose person is on the barred register (any
    category), found for the whole season at once (shared.on_register); computed once for
    all of a season's cross checks, like `listing` and `standing`."""
    s = shared.groups(lists)
    if s is None:
        return {p: _where(lists[p].hashes, barred.keys()) for p in sorted(lists)}
    flags = shared.on_register(s, barred.keys())
    return {p: np.flatnonzero(flags[s.offsets[k]:s.offsets[k + 1]]).tolist()
            for k, p in enumerate(s.parties)}


def cross_check(party: str, lists: Mapping[str, ListHashes],
                barred: Mapping[str, BarredCategory], ruleset: RulesetName,
                stands: Mapping[str, npt.NDArray[np.int64]] | None = None,
                listed: Mapping[str, Sequence[str]] | None = None,
                barred_at: Mapping[str, Sequence[int]] | None = None) -> list[RowFinding]:
    """`party`'s findings against the other lists (`lists` holds every party's current rows,
    its own too) and the barred register (keyed hash -> category). `stands`, `listed` and
    `barred_at` are the season's `standing`, `listing` and `on_register` of these lists and
    register, when the caller has them (else they are computed here)."""
    parties = sorted(lists)
    listed = listing(lists) if listed is None else listed
    stands = standing(lists, listed) if stands is None else stands
    own = lists[party]
    me = parties.index(party)
    winners = np.asarray(stands[party], dtype=np.int64)
    mine = winners.tolist()
    hashes, lines, last4 = own.hashes, own.lines, own.last4
    out: list[RowFinding] = []
    # the list's own hashes looked up in the register (the list's side is iterated, never
    # the 100,000-entry register once per party, or the season's at once: on_register); the
    # rows of people other parties list too from the season's groups (shared.py)
    on_it = (_where(hashes, set(filter(barred.__contains__, hashes))) if barred_at is None
             else barred_at[party])
    barred_rows = {i for i in on_it if barred_under(barred[hashes[i]], ruleset)}
    groups = shared.groups(lists)
    if groups is not None:
        k = groups.parties.index(party)
        flag = groups.in_shared[groups.offsets[k]:groups.offsets[k + 1]]
        others = np.flatnonzero(flag).tolist()
    else:
        others = _where(hashes, set(filter(listed.__contains__, hashes)))
    claimed = np.flatnonzero(winners != me).tolist()
    error, warning, get = Severity.ERROR, Severity.WARNING, listed.get
    for i in sorted({*claimed, *others, *barred_rows}):
        line, shown_iin = lines[i], "…" + last4[i]
        w = mine[i]
        if w != me:
            winner = parties[w]
            out.append(RowFinding(
                line, "member.other_party", error, "iin",
                f"line {line}: this person ({shown_iin}) is a member of {winner}, whose list "
                "was received first; one party per citizen (docs/law.md §11.1)",
                "a person in no other party", winner, (("party", winner),)))
        elif other := list(filter(party.__ne__, get(hashes[i], ()))):
            out.append(RowFinding(
                line, "member.claimed_by_other", warning, "iin",
                f"line {line}: {', '.join(other)} also list(s) this person ({shown_iin}); "
                "this membership stands, received first (docs/law.md §11.1)",
                "a person in no other party", ", ".join(other), (("parties", other),)))
        if i in barred_rows:
            cat = barred[hashes[i]].value
            out.append(RowFinding(
                line, "member.barred", error, "iin",
                f"line {line}: this person ({shown_iin}) is on the register of those barred "
                f"from party membership ({cat}; docs/law.md §11.2)",
                "a person who may be a party member", cat, (("category", cat),)))
    out.sort(key=_LINE)
    return out


_LINE = operator.attrgetter("line")


def valid_by_region(lines: Sequence[int], regions: Sequence[str],
                    findings: Sequence[RowFinding]) -> dict[str, int]:
    """Members whose rows have no error, counted per region."""
    bad = {f.line for f in findings if f.severity is Severity.ERROR}
    if len(lines) != len(regions):
        raise ValueError(f"{len(lines)} lines but {len(regions)} regions")
    kept = map(operator.not_, map(bad.__contains__, lines))
    return dict(Counter(itertools.compress(regions, kept)))


def duplicates(lines: Sequence[int], hashes: Sequence[str], last4: Sequence[str]
               ) -> list[RowFinding]:
    """`iin.duplicate` for every row whose keyed hash is on an earlier row of the same list
    (in the order given: the first stands), on hashes alone."""
    fast = shared.later_rows(hashes)  # on arrays; None only when two keys cannot be trusted
    if fast is None:
        if len(set(hashes)) == len(hashes):
            return []
        n = len(hashes)
        first = dict(zip(reversed(hashes), range(n - 1, -1, -1), strict=True))  # first wins
        later = list(itertools.compress(range(n), map(operator.ne,
                                                      map(first.__getitem__, hashes),
                                                      range(n))))
        fast = later, [first[hashes[i]] for i in later]
    out = []
    for i, f in zip(*fast, strict=True):
        line, first_line = lines[i], lines[f]
        out.append(_err(line, "iin.duplicate", "iin",
                        f"line {line}: the same IIN (…{last4[i]}) is on line {first_line}; "
                        "the first line stands", "an IIN not yet on the list",
                        "…" + last4[i], first_line=first_line))
    return out
