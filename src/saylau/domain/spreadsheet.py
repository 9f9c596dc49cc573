"""CSV cells a spreadsheet would run as a formula, neutralised reversibly.

A spreadsheet opening a CSV file treats a cell that begins with `=`, `+`, `-` or `@` (or a
tab or carriage return, which some strip before looking) as a formula: a name typed as
`=HYPERLINK(...)` or `+cmd|...` would run on the reader's machine (CSV injection, OWASP). Every
CSV file saylau writes therefore puts an apostrophe before such a cell's text, which
spreadsheets show as text and do not display.

The rule is reversible, so nothing is lost: a cell that begins with any number of
apostrophes and then one of those characters gets one more apostrophe in front
(`=1` -> `'=1`, `'=1` -> `''=1`); reading, one leading apostrophe is removed from a cell of
that shape (`unescape`). Every other cell, numbers included, is written as it is. The
geography's CSV reader undoes it; the open-data CSV files are described in docs/open-data.md
(their JSON twins hold every text exactly).
"""

from __future__ import annotations

import re

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
_NEEDS_ESCAPE = re.compile(r"'*[=+\-@\t\r]")
_ESCAPED = re.compile(r"'+[=+\-@\t\r]")


_FIRST = frozenset("=+-@\t\r'")


def escape(cell: str) -> str:
    """The cell as a CSV file holds it: an apostrophe before a formula's start."""
    if not cell or cell[0] not in _FIRST:  # the usual cell, at the cost of one lookup
        return cell
    return "'" + cell if _NEEDS_ESCAPE.match(cell) else cell


def unescape(cell: str) -> str:
    """The text of a cell written by `escape` (any other cell as it is)."""
    if not cell.startswith("'"):
        return cell
    return cell[1:] if _ESCAPED.match(cell) else cell
