"""Names in the three languages of the public record: Kazakh (Cyrillic), Russian, English."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

LANGUAGES: tuple[str, ...] = ("kk", "ru", "en")


class Lang(StrEnum):
    """A language of the public record: Kazakh (Cyrillic), Russian or English."""

    KK = "kk"
    RU = "ru"
    EN = "en"


@dataclass(frozen=True, slots=True)
class Names:
    """A name in kk, ru and en. A missing translation falls back to the others, never to ''."""

    kk: str
    ru: str
    en: str

    def get(self, lang: str) -> str:
        """The name in `lang`, falling back to en, ru, kk in that order when it is empty."""
        value = {"kk": self.kk, "ru": self.ru, "en": self.en}.get(lang, "")
        return value or self.en or self.ru or self.kk

    def as_dict(self) -> dict[str, str]:
        return {"kk": self.kk, "ru": self.ru, "en": self.en}

    @staticmethod
    def same(text: str) -> Names:
        """One text in every language (an id, a proper name not yet translated)."""
        return Names(kk=text, ru=text, en=text)
