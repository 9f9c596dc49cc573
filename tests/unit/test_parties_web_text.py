"""Every reading and every missing item a party decision can print (domain/parties/rules.py)
is shown on the party page in the reader's language: the web layer's list of them is the
domain's, word for word, and each has its kk and ru translation."""

from __future__ import annotations

import itertools

import pytest

from saylau.domain.parties.rules import (
    PARTY_RULES,
    Application,
    BranchReading,
    InitiativeRegionsReading,
    Readings,
    decide,
)
from saylau.web.i18n import translations
from saylau.web.render.parties import MISSING, READINGS


def _every_reading() -> set[str]:
    out: set[str] = set()
    for b, i, r in itertools.product(BranchReading, InitiativeRegionsReading, PARTY_RULES):
        out |= set(Readings(b, i).lines(r))
    return out


def _every_missing() -> set[str]:
    empty = Application("p", None, 0, frozenset(), None, {})
    return set(decide(empty, "kz-2022", ("KZ-11",)).missing)


def test_the_pages_lists_are_the_domains() -> None:
    assert set(READINGS) == _every_reading()
    assert set(MISSING) == _every_missing()


@pytest.mark.parametrize("lang", ["kk", "ru"])
def test_each_is_translated(lang: str) -> None:
    catalog = translations(lang)
    for text in (*READINGS, *MISSING):
        assert catalog.gettext(text) != text, (lang, text)
