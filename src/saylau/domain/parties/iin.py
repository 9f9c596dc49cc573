"""The IIN (individual identification number): its format and its check digit, one number at a
time and vectorised over a whole member list (docs/law.md §12).

Twelve digits. The check digit is digit 12: with digits d1..d11,
k = (1·d1 + 2·d2 + ... + 11·d11) mod 11; if k = 10, k is computed again with the weights
3, 4, 5, 6, 7, 8, 9, 10, 11, 1, 2, and if it is 10 again the number is not valid; otherwise the
IIN is valid when k = d12 (docs/law.md §12.2). Since 2013 the digits carry no personal data
(§12.1): nothing here reads a date of birth, a century or a sex out of an IIN, and nothing ever
should.

Messages name an IIN by its last four digits only (`shown`): a raw IIN is personal data and
never leaves the check (docs/law.md §10.3; issue 13).
"""

from __future__ import annotations

import re
from enum import StrEnum

import numpy as np
import numpy.typing as npt

FIRST_WEIGHTS = (1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11)
SECOND_WEIGHTS = (3, 4, 5, 6, 7, 8, 9, 10, 11, 1, 2)
"""docs/law.md §12.2: the weights of the first pass and of the second (when the first gives
10)."""

LENGTH = 12


class IinProblem(StrEnum):
    """Why a text is not a valid IIN (the stable codes of the row findings)."""

    FORMAT = "iin.format"
    """Not exactly twelve ASCII digits."""
    NO_CHECK_DIGIT = "iin.no_check_digit"
    """Both passes give 10: no number with these eleven digits is valid (docs/law.md §12.2)."""
    CHECK_DIGIT = "iin.check_digit"
    """The twelfth digit is not the check digit of the first eleven."""


def shown(text: str) -> str:
    """How a message names an IIN: its last four characters behind a mask, never more."""
    return "…" + text[-4:] if len(text) >= 4 else "…"


_DIGIT_RUN = re.compile(r"[0-9]{5,}")


def masked(text: str) -> str:
    """`text` safe to echo in a message: every run of five or more digits (an IIN typed into
    the wrong column, say) cut to its last four (`shown`)."""
    return _DIGIT_RUN.sub(lambda m: shown(m.group(0)), text)


def check_digit(first_eleven: str) -> int | None:
    """The check digit of eleven digits (docs/law.md §12.2), or None when both passes give 10
    (then no IIN starts with these digits)."""
    digits = [int(c) for c in first_eleven]
    k = sum(w * d for w, d in zip(FIRST_WEIGHTS, digits, strict=True)) % 11
    if k == 10:
        k = sum(w * d for w, d in zip(SECOND_WEIGHTS, digits, strict=True)) % 11
        if k == 10:
            return None
    return k


def is_format(text: str) -> bool:
    return len(text) == LENGTH and text.isascii() and text.isdigit()


def problem(text: str) -> IinProblem | None:
    """What is wrong with `text` as an IIN, or None when it is valid."""
    if not is_format(text):
        return IinProblem.FORMAT
    k = check_digit(text[:11])
    if k is None:
        return IinProblem.NO_CHECK_DIGIT
    if k != int(text[11]):
        return IinProblem.CHECK_DIGIT
    return None


def is_valid(text: str) -> bool:
    return problem(text) is None


def complete(first_eleven: str) -> str | None:
    """The valid IIN that starts with these eleven digits, or None when there is none (for
    the synthetic member lists and the tests)."""
    k = check_digit(first_eleven)
    return None if k is None else first_eleven + str(k)


# --- vectorised: a whole column at once ----------------------------------------------------

PROBLEM_CODES: tuple[IinProblem | None, ...] = (
    None, IinProblem.FORMAT, IinProblem.NO_CHECK_DIGIT, IinProblem.CHECK_DIGIT)
"""`problems`' codes: 0 valid, 1 format, 2 no check digit, 3 wrong check digit."""


def problems(texts: list[str] | tuple[str, ...]) -> npt.NDArray[np.int8]:
    """`problem` for every text at once, as codes into PROBLEM_CODES (numpy: a million IINs in
    well under a second). Equal to `problem` text by text (tests/property/test_parties_iin.py).
    """
    n = len(texts)
    out = np.zeros(n, dtype=np.int8)
    if n == 0:
        return out
    # a text of another length or with a non-ASCII character is a format problem; the rest
    # are viewed as a matrix of bytes. The usual list (every text twelve ASCII characters) is
    # joined and encoded in one call; any other is sifted text by text.
    lengths = np.fromiter(map(len, texts), dtype=np.int64, count=n)
    joined = "".join(texts)
    if bool(np.all(lengths == LENGTH)) and joined.isascii():
        raw = (np.frombuffer(joined.encode("ascii"), dtype=np.uint8).reshape(n, LENGTH)
               .astype(np.int16) - ord("0"))
    else:
        fixed = np.array([t if len(t) == LENGTH and t.isascii() else "" for t in texts],
                         dtype=f"S{LENGTH}")
        raw = fixed.view(np.uint8).reshape(n, LENGTH).astype(np.int16) - ord("0")
        lengths = np.char.str_len(fixed)
    digits_ok = (lengths == LENGTH) & np.all((raw >= 0) & (raw <= 9), axis=1)
    out[~digits_ok] = 1
    d = np.where(digits_ok[:, None], raw, 0)
    first = (d[:, :11] @ np.array(FIRST_WEIGHTS, dtype=np.int16)) % 11
    second = (d[:, :11] @ np.array(SECOND_WEIGHTS, dtype=np.int16)) % 11
    k = np.where(first == 10, second, first)
    none = digits_ok & (k == 10)
    wrong = digits_ok & ~none & (k != d[:, 11])
    out[none] = 2
    out[wrong] = 3
    return out
