"""Any bytes as a member list: read, or refused with saylau's own error (a clear 422/413 at
the API), never another exception; and never an IIN-like cell echoed in the error."""

from __future__ import annotations

import contextlib
import re
from datetime import date

from hypothesis import given, settings
from hypothesis import strategies as st

from saylau.domain.errors import SaylauError
from saylau.domain.parties.member_file import parse_csv
from saylau.domain.parties.members import check_list
from saylau.domain.parties.privacy import hash_all
from saylau.services.parties.member_files import read_member_file

HEADER = b"full_name,birth_date,iin,region,joined,signature\n"
cells = st.text(alphabet=st.characters(codec="utf-8"), max_size=20)
rows = st.lists(st.lists(cells, min_size=0, max_size=8).map(
    lambda r: ",".join(c.replace("\n", " ") for c in r)), max_size=6)


@settings(max_examples=200)
@given(st.binary(max_size=400))
def test_any_bytes(data: bytes) -> None:
    for name in ("x.csv", "x.xlsx"):
        with contextlib.suppress(SaylauError):
            read_member_file(data, name)


@settings(max_examples=200)
@given(rows, st.sampled_from(["061211600012", "821214240092", "12345678901234"]))
def test_text_rows_under_the_header(lines: list[str], iin: str) -> None:
    data = HEADER + "\n".join(f"{line},{iin}" for line in lines).encode("utf-8")
    try:
        cols = parse_csv(data)
    except SaylauError as e:
        text = e.message + repr(e.details)
        assert not re.search(re.escape(iin), text)
        return
    found = check_list(cols, hash_all(b"k" * 32, list(cols.iins)), frozenset({"KZ-11"}),
                       date(2022, 10, 1))
    assert iin not in repr([f.as_dict() for f in found])
