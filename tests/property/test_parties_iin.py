"""The vectorised IIN check equals the one-at-a-time check (an optimised path equals a naive
oracle), and completing eleven digits always gives a valid IIN."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from saylau.domain.parties import iin

digits = st.text(alphabet="0123456789", min_size=11, max_size=11)
texts = st.one_of(
    st.text(alphabet="0123456789", min_size=12, max_size=12),
    st.text(min_size=0, max_size=14),
    st.text(alphabet="0123456789 x\u0660", min_size=10, max_size=13),
)


def _oracle(text: str) -> int:
    """docs/law.md §12.2 written out again, plainly."""
    if len(text) != 12 or any(c not in "0123456789" for c in text):
        return 1
    d = [int(c) for c in text]
    k = sum((i + 1) * d[i] for i in range(11)) % 11
    if k == 10:
        k = sum(w * x for w, x in zip([3, 4, 5, 6, 7, 8, 9, 10, 11, 1, 2], d[:11],
                                      strict=True)) % 11
        if k == 10:
            return 2
    return 0 if k == d[11] else 3


@given(st.lists(texts, max_size=40))
def test_vectorised_equals_one_at_a_time(batch: list[str]) -> None:
    got = iin.problems(batch).tolist()
    assert got == [_oracle(t) for t in batch]
    assert got == [iin.PROBLEM_CODES.index(iin.problem(t)) for t in batch]


@given(digits)
def test_completed_numbers_are_valid_and_one_digit_off_is_not(first: str) -> None:
    full = iin.complete(first)
    if full is None:
        assert _oracle(first + "0") == 2
        return
    assert iin.is_valid(full)
    for d in "0123456789":
        if d != full[11]:
            assert iin.problem(first + d) is iin.IinProblem.CHECK_DIGIT


@given(st.lists(st.text(alphabet="0123456789 x/\u00e9", min_size=12, max_size=12),
                max_size=40))
def test_vectorised_equals_oracle_on_twelve_character_texts(batch: list[str]) -> None:
    """Texts all of twelve characters take the one-call path (ASCII or not)."""
    assert iin.problems(batch).tolist() == [_oracle(t) for t in batch]
