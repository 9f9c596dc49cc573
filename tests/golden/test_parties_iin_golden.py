"""Golden IINs: the published examples of docs/law.md §12.2 (LAW.md, "IIN": `061211600012` is
valid, 10 on the first pass and 2 on the second; `821214240092` is not, 10 on both passes)."""

from __future__ import annotations

from saylau.domain.parties import iin


def test_the_published_valid_example_needs_the_second_pass() -> None:
    digits = [int(c) for c in "06121160001"]
    assert sum(w * d for w, d in zip(iin.FIRST_WEIGHTS, digits, strict=True)) % 11 == 10
    assert sum(w * d for w, d in zip(iin.SECOND_WEIGHTS, digits, strict=True)) % 11 == 2
    assert iin.check_digit("06121160001") == 2
    assert iin.problem("061211600012") is None
    assert iin.is_valid("061211600012")


def test_the_published_invalid_example_is_ten_on_both_passes() -> None:
    assert iin.check_digit("82121424009") is None
    assert iin.problem("821214240092") is iin.IinProblem.NO_CHECK_DIGIT
    # no last digit makes it valid
    assert all(not iin.is_valid("82121424009" + str(d)) for d in range(10))


def test_the_vectorised_check_agrees_on_the_published_examples() -> None:
    assert iin.problems(["061211600012", "821214240092"]).tolist() == [0, 2]
