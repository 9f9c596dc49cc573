"""CSV cells that would start a spreadsheet formula (saylau.domain.spreadsheet): neutralised,
and reversibly (issue 17, item 8)."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from saylau.domain.spreadsheet import FORMULA_STARTS, escape, unescape

_cells = st.text(st.one_of(st.sampled_from(["=", "+", "-", "@", "\t", "\r", "'", "a", "1"]),
                           st.characters(exclude_categories=("Cs",))), max_size=8)


@pytest.mark.parametrize(("text", "cell"), [
    ("=1+1", "'=1+1"), ("+7", "'+7"), ("-2", "'-2"), ("@SUM(A1)", "'@SUM(A1)"),
    ("\t=1", "'\t=1"), ("\r=1", "'\r=1"), ("'=1", "''=1"), ("''-1", "'''-1"),
    ("'quoted", "'quoted"), ("1-2", "1-2"), ("Astana", "Astana"), ("", ""), ("'", "'"),
    (" =1", " =1"),
])
def test_escape(text: str, cell: str) -> None:
    assert escape(text) == cell
    assert unescape(cell) == text


@given(_cells)
def test_no_cell_starts_a_formula_and_every_text_comes_back(text: str) -> None:
    cell = escape(text)
    assert not cell.startswith(FORMULA_STARTS)
    assert unescape(cell) == text
