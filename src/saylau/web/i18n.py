"""Languages of the public site: Kazakh (Cyrillic), Russian, English.

Every string of the pages goes through the gettext catalogs in `web/translations/<lang>/
LC_MESSAGES/`: `messages.po` for the site, one `<wing>.po` per wing (observation, parties,
integrity, audits), merged when loaded. The `.po` files are the only source: they are
compiled in memory the first time a language is used (Babel), so a fresh `pip install -e .`
needs no build step.
Numbers, percentages, dates and times are formatted by Babel in the language's locale.

Choosing the language: `?lang=kk|ru|en` (then remembered in a cookie), else the cookie, else
the browser's Accept-Language, else Kazakh, the state language (Constitution, Art. 7(1)):
a reader whose browser asks for none of the three gets the page in the language of the state,
with the switch to Russian and English on every page.
"""

from __future__ import annotations

import functools
import gettext
import io
from dataclasses import dataclass
from datetime import date, datetime, time
from decimal import Decimal
from fractions import Fraction
from importlib import resources
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from babel import Locale
from babel.dates import format_date, format_datetime, format_time
from babel.messages.catalog import Catalog
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.numbers import format_decimal, format_percent

from saylau.domain.explain import percent
from saylau.domain.names import LANGUAGES, Names

DEFAULT_LANG = "kk"
COOKIE = "saylau_lang"
LOCALES: dict[str, str] = {"kk": "kk_KZ", "ru": "ru_RU", "en": "en_GB"}
"""Babel locales: English uses the British forms (5 June 2022), as the project's texts do."""
LANGUAGE_NAMES: dict[str, str] = {"kk": "Қазақша", "ru": "Русский", "en": "English"}
"""Each language named in itself, for the switch."""
TIMEZONE = "Asia/Almaty"
"""Kazakhstan's single time zone (UTC+5 since 1 March 2024)."""


def N_(message: str) -> str:  # noqa: N802 - the gettext convention for a marked string
    """Mark a string for the catalogs without translating it here (translated when shown)."""
    return message


@functools.cache
def translations(lang: str) -> gettext.GNUTranslations:
    """The language's catalog, compiled from its .po files (once per process): `messages.po`
    (the site) and one catalog per wing beside it (`observation.po`, `parties.po`, ...), so
    that the wings' strings are kept, extracted and reviewed apart."""
    if lang not in LANGUAGES:
        raise ValueError(f"unknown language {lang!r}; expected one of {LANGUAGES}")
    folder = resources.files("saylau.web").joinpath("translations", lang, "LC_MESSAGES")
    files = [(f.name, f.read_bytes()) for f in folder.iterdir() if f.name.endswith(".po")]
    return merged_catalog(files, LOCALES[lang])


def merged_catalog(files: list[tuple[str, bytes]], locale: str) -> gettext.GNUTranslations:
    """The catalogs `files` (name, .po bytes) as one, `messages.po` first. A string given two
    different translations in two catalogs is refused rather than one silently winning; an
    empty translation is no translation (gettext shows the text itself) and never conflicts."""
    files = sorted(files, key=lambda f: (f[0] != "messages.po", f[0]))
    if not files:
        raise ValueError(f"no catalog for {locale}")
    merged = Catalog(locale=locale)
    seen: dict[object, tuple[str, object]] = {}
    for name, data in files:
        for message in read_po(io.BytesIO(data), locale=locale):
            strings = message.string if isinstance(message.string, tuple) else (message.string,)
            if not message.id or not any(strings):
                continue  # untranslated here: the text itself, or another catalog's translation
            key = message.id if not message.context else (message.context, message.id)
            if key in seen and seen[key][1] != message.string:
                raise ValueError(f"{locale}: {message.id!r} is translated differently in "
                                 f"{seen[key][0]} and {name}")
            seen[key] = (name, message.string)
            merged[message.id] = message
    buf = io.BytesIO()
    write_mo(buf, merged)
    buf.seek(0)
    return gettext.GNUTranslations(buf)


def negotiate(query: str | None, cookie: str | None, accept_language: str | None) -> str:
    """The language to use: the query's, else the cookie's, else the best of Accept-Language
    (by its q weights), else Kazakh."""
    for candidate in (query, cookie):
        if candidate in LANGUAGES:
            return candidate
    best: tuple[float, int, str] | None = None
    for k, part in enumerate((accept_language or "").split(",")):
        tag, _, params = part.strip().partition(";")
        primary = tag.strip().lower().split("-")[0]
        if primary not in LANGUAGES:
            continue
        q = 1.0
        for p in params.split(";"):
            name, _, value = p.strip().partition("=")
            if name == "q":
                try:
                    q = float(value)
                except ValueError:
                    q = 0.0
        if q > 0 and (best is None or (q, -k) > (best[0], best[1])):
            best = (q, -k, primary)
    return best[2] if best is not None else DEFAULT_LANG


def _zone() -> ZoneInfo | None:
    try:
        return ZoneInfo(TIMEZONE)
    except ZoneInfoNotFoundError:  # a system without tz data: times are shown in UTC
        return None


@dataclass(frozen=True)
class Tr:
    """One language's strings and formats, handed to the templates as `t`."""

    lang: str

    @property
    def locale(self) -> Locale:
        return _locale(self.lang)

    def gettext(self, message: str) -> str:
        return translations(self.lang).gettext(message)

    def ngettext(self, singular: str, plural: str, n: int) -> str:
        return translations(self.lang).ngettext(singular, plural, n)

    def name(self, names: Names) -> str:
        """A name of the geography or of a ballot option in this language."""
        return names.get(self.lang)

    def num(self, n: int) -> str:
        """An integer with the locale's grouping: 1 234 567 (kk, ru), 1,234,567 (en). The same
        text as Babel's `format_decimal`, computed from the locale's symbols (fast enough for
        the tens of thousands of pages of a snapshot)."""
        s = _symbols(self.lang)
        text = f"{abs(n):,}".replace(",", s.group)
        return s.minus + text if n < 0 else text

    def pct(self, value: Fraction, places: int = 2) -> str:
        """A share as a percentage with `places` decimals, rounded half-up from the exact value
        (as the API's `percent`), in the locale's form: 70,05 % (ru), 70.05% (en)."""
        text = percent(value, places)
        negative = text.startswith("-")
        whole, _, frac = text.lstrip("-").partition(".")
        s = _symbols(self.lang)
        body = f"{int(whole):,}".replace(",", s.group) + (s.decimal + frac if frac else "")
        return s.pct_prefix + (s.minus if negative else "") + body + s.pct_suffix

    def pct_babel(self, value: Fraction, places: int = 2) -> str:
        """`pct` through Babel's `format_percent` (the reference the fast path is tested on)."""
        exact = Decimal(percent(value, places)) / 100
        pattern = self.locale.percent_formats[None].pattern
        decimals = "0" * places
        pattern = pattern.replace("#,##0", f"#,##0.{decimals}" if places else "#,##0", 1)
        return format_percent(exact, format=pattern, locale=self.locale)

    def pct_text(self, text: str) -> str:
        """A percentage already rounded as text ('70.05') in the locale's form."""
        places = len(text.partition(".")[2])
        value = Fraction(Decimal(text)) / 100
        return self.pct(value, places)

    def date(self, iso: str) -> str:
        """An ISO date (election day) in the locale's long form: 5 June 2022."""
        try:
            return format_date(date.fromisoformat(iso), "long", locale=self.locale)
        except ValueError:
            return iso

    def datetime(self, value: datetime) -> str:
        """A moment in Kazakhstan's time, in the locale's medium form, with the offset."""
        zone = _zone()
        shown = value.astimezone(zone) if zone is not None else value
        offset = shown.utcoffset()
        hours = 0 if offset is None else int(offset.total_seconds() // 3600)
        text = format_datetime(shown, "medium", tzinfo=shown.tzinfo, locale=self.locale)
        return f"{text} (UTC{hours:+d})" if hours else f"{text} (UTC)"

    def time(self, value: time) -> str:
        """A time of day (turnout report times) in the locale's short form."""
        return format_time(value, "short", locale=self.locale)


@functools.cache
def _locale(lang: str) -> Locale:
    return Locale.parse(LOCALES[lang])


@dataclass(frozen=True)
class _Symbols:
    group: str
    decimal: str
    minus: str
    pct_prefix: str
    pct_suffix: str


@functools.cache
def _symbols(lang: str) -> _Symbols:
    """The locale's number symbols and percent pattern, read off Babel's own output."""
    loc = _locale(lang)
    sample = format_decimal(Decimal("1234.5"), format="#,##0.0", locale=loc)
    negative = format_decimal(-1, locale=loc)
    pattern = loc.percent_formats[None].pattern.replace("#,##0", "#,##0.00", 1)
    p = format_percent(Decimal("0.1234"), format=pattern, locale=loc)
    at = p.index("12")
    return _Symbols(group=sample[1], decimal=sample[-2], minus=negative[:-1],
                    pct_prefix=p[:at], pct_suffix=p[at + 5:])


@functools.cache
def tr(lang: str) -> Tr:
    return Tr(lang if lang in LANGUAGES else DEFAULT_LANG)


__all__ = ["COOKIE", "DEFAULT_LANG", "LANGUAGES", "LANGUAGE_NAMES", "N_", "Tr", "negotiate",
           "tr", "translations"]
