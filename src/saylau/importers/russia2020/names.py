"""The 2020 file's columns, the names and ids of what it maps to, and the romanisation of
its Russian names."""

from __future__ import annotations

import re
import unicodedata

from saylau.domain.ids import ActorId, UnitId
from saylau.domain.names import Names

COLUMNS: tuple[str, ...] = (
    "region", "tik", "precinct_id", "registered", "ballots_given", "ballots_in_boxes",
    "invalid", "valid", "yes", "no",
)
NAME_COLUMNS: tuple[str, ...] = COLUMNS[:3]
COUNT_COLUMNS: tuple[str, ...] = COLUMNS[3:]

ROOT_ID = UnitId("RU")
ROOT_NAMES = Names(kk="Российская Федерация", ru="Российская Федерация", en="Russian Federation")
FEDERAL_CITIES = frozenset({"город Москва", "город Санкт-Петербург", "город Севастополь"})
ABROAD_REGION = "Территория за пределами РФ"

ELECTION_ID = "ru-2020"
ELECTION_DATE = "2020-07-01"
RULESET = "generic"
ELECTION_NAMES = Names(
    kk="Общероссийское голосование по вопросу одобрения изменений в Конституцию "
    "Российской Федерации",
    ru="Общероссийское голосование по вопросу одобрения изменений в Конституцию "
    "Российской Федерации",
    en="All-Russian vote on the approval of amendments to the Constitution of the Russian "
    "Federation",
)
QUESTION = Names(
    kk="Вы одобряете изменения в Конституцию Российской Федерации?",
    ru="Вы одобряете изменения в Конституцию Российской Федерации?",
    en="Do you approve the amendments to the Constitution of the Russian Federation?",
)
"""The ballot's question (English is ours)."""
IMPORTER = ActorId("import-russia-2020")

MAX_DIGITS = 12
"""Longer digit strings are reported as not a count (as saylau's protocol CSV does)."""

PRECINCT = re.compile(r"УИК\s*№\s*(\d{1,9})")

# Simplified BGN/PCGN romanisation of Russian (no context rules: е is always e).
_TRANSLIT = {
    "а": "a", "б": "b", "в": "v", "г": "g", "д": "d", "е": "e", "ё": "yo", "ж": "zh",
    "з": "z", "и": "i", "й": "y", "к": "k", "л": "l", "м": "m", "н": "n", "о": "o", "п": "p",
    "р": "r", "с": "s", "т": "t", "у": "u", "ф": "f", "х": "kh", "ц": "ts", "ч": "ch",
    "ш": "sh", "щ": "shch", "ъ": "", "ы": "y", "ь": "", "э": "e", "ю": "yu", "я": "ya",
}
_TABLE: dict[int, str] = {
    **{ord(k): v for k, v in _TRANSLIT.items()},
    **{ord(k.upper()): v.capitalize() for k, v in _TRANSLIT.items()},
    ord("№"): "No.", ord("«"): '"', ord("»"): '"', ord("–"): "-", ord("—"): "-",
}


def transliterate(text: str) -> str:
    """Russian Cyrillic to ASCII Latin (simplified BGN/PCGN; a capital letter gives a capital
    first letter: Щ -> Shch); other letters lose their accents; anything else that is not
    ASCII becomes '?'."""
    out = text.translate(_TABLE)
    if out.isascii():
        return out
    return "".join(
        ch if ch.isascii()
        else unicodedata.normalize("NFKD", ch).encode("ascii", "ignore").decode("ascii") or "?"
        for ch in out
    )


def names_of(russian: str) -> Names:
    return Names(kk=russian, ru=russian, en=transliterate(russian))
