"""Explanations: the steps of a decision, each a stable code with its figures and its rule.

A `Step` does not hold a sentence: it holds the code of a sentence, the figures and names that
go into it (`args`), and the code of the rule it applies (`cite`). Its words come from the
catalog of templates in `saylau.domain.law.texts`, one per code per language (Kazakh in
Cyrillic, Russian, English): `step.text_in("kk")`, `step.rule_in("ru")`, `step.render("en")`.
The figures are formatted here, once, the same way in every language (grouped integers,
percentages rounded half-up from exact fractions, never via a float), so a decision reads with
the same numbers and articles whatever its language. `step.text` and `step.rule` are the
English text, and `step.as_json(lang)` gives the code and the figures beside the text.

Also the exact display of fractions: shares are `Fraction`s; percentages shown to people are
rounded half-up to two decimals from the exact value, never via a float.
"""

from __future__ import annotations

import string
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from enum import StrEnum
from fractions import Fraction
from typing import Any, TypeAlias

from saylau.domain.law.texts import CITATIONS, TEMPLATES
from saylau.domain.lookup import unknown
from saylau.domain.names import LANGUAGES, Names

DEFAULT_LANG = "en"
"""The language of `Step.text`, `Step.rule` and `Step.render()` without an argument."""


# --- exact numbers for people ------------------------------------------------------------------


def percent(value: Fraction, places: int = 2) -> str:
    """`value` (a share, 0..1) as a percent string rounded half-up: Fraction(7,10) -> '70.00'."""
    scaled = value * 100 * 10**places
    sign = "-" if scaled < 0 else ""
    scaled = abs(scaled)
    rounded = (scaled.numerator * 2 + scaled.denominator) // (2 * scaled.denominator)
    whole, frac = divmod(rounded, 10**places)
    if places == 0:
        return f"{sign}{whole}"
    return f"{sign}{whole}.{frac:0{places}d}"


def share_json(value: Fraction) -> dict[str, str]:
    """{"fraction": "7/10", "percent": "70.00"}: the exact value and its rounded display."""
    return {"fraction": f"{value.numerator}/{value.denominator}", "percent": percent(value)}


def share(part: int, whole: int) -> Fraction:
    """part/whole as an exact fraction; 0 when whole is 0 (nothing reported yet)."""
    return Fraction(part, whole) if whole else Fraction(0)


def grouped(n: int) -> str:
    """An integer with thousands separators for explanations: 7985769 -> '7,985,769'."""
    return f"{n:,}"


DECIMAL_PLACES = 6
"""Places of the decimal display of quotas, quotients and remainders (the fraction is exact)."""


def decimal_text(value: Fraction, places: int = DECIMAL_PLACES) -> str:
    """`value` as a decimal string rounded half-up (away from zero) to `places`, never a float."""
    sign = "-" if value < 0 else ""
    scaled = abs(value) * 10**places
    rounded = (scaled.numerator * 2 + scaled.denominator) // (2 * scaled.denominator)
    whole, frac = divmod(rounded, 10**places)
    if places == 0:
        return f"{sign}{whole}"
    return f"{sign}{whole}.{frac:0{places}d}"


def number_text(value: Fraction) -> str:
    """A number for an explanation: thousands separators for whole numbers, else 6 places."""
    if value.denominator == 1:
        return grouped(value.numerator)
    whole, _, frac = decimal_text(value).partition(".")
    sign = "-" if whole.startswith("-") else ""
    return f"{sign}{grouped(abs(int(whole)))}.{frac}"


def legal_percent(value: Fraction) -> str:
    """A share set by law as a percent, with the decimals it has (up to 4): 1/20 -> '5'."""
    return decimal_text(value * 100, 4).rstrip("0").rstrip(".")


# --- figures, phrases and lists: the arguments of a step ---------------------------------------


class Style(StrEnum):
    """How a figure is shown. The same in every language: the numbers never change."""

    PERCENT = "percent"
    """A share as a percent rounded half-up to 2 places: '68.05%'."""
    PERCENT4 = "percent4"
    """A share as a percent rounded half-up to 4 places: '5.2712%'."""
    LEGAL = "legal"
    """A legal share with the places it has: '5%', '3.5%'."""
    NUMBER = "number"
    """Grouped, whole or to 6 places: '86,546.681159'."""
    DECIMAL = "decimal"
    """To 6 places, not grouped: '86546.681159'."""
    FRACTION = "fraction"
    """The exact fraction: '5971719/69'."""


@dataclass(frozen=True, slots=True)
class Fig:
    """A number that is not a plain count: its exact value and how it is shown."""

    value: Fraction
    style: Style

    def text(self) -> str:
        v = self.value
        if self.style is Style.PERCENT:
            return f"{percent(v)}%"
        if self.style is Style.PERCENT4:
            return f"{decimal_text(v * 100, 4)}%"
        if self.style is Style.LEGAL:
            return f"{legal_percent(v)}%"
        if self.style is Style.NUMBER:
            return number_text(v)
        if self.style is Style.DECIMAL:
            return decimal_text(v)
        return f"{v.numerator}/{v.denominator}"

    def as_json(self) -> dict[str, str]:
        return {"fraction": f"{self.value.numerator}/{self.value.denominator}",
                "shown": self.text()}


def pct(value: Fraction) -> Fig:
    """A share shown as a percent to 2 places."""
    return Fig(value, Style.PERCENT)


def num(value: Fraction | int) -> Fig:
    """A quota, quotient or remainder: grouped, whole or to 6 places."""
    return Fig(Fraction(value), Style.NUMBER)


@dataclass(frozen=True, slots=True)
class Phrase:
    """A part of a sentence that has its own words in each language (a catalog code)."""

    code: str
    args: tuple[tuple[str, Arg], ...] = ()


@dataclass(frozen=True, slots=True)
class Join:
    """A list shown with a separator: ', ' by default, or a phrase such as ' or '."""

    items: tuple[Arg, ...]
    sep: str | Phrase = ", "


Arg: TypeAlias = int | str | Fig | Names | Phrase | Join | None
"""An argument of a step: a count (int, grouped), a name or token (str, shown as given), a
figure, a name in three languages, a phrase, a list, or nothing (None: shown as '')."""


def phrase(code: str, **args: Arg) -> Phrase:
    return Phrase(code, tuple(args.items()))


def join(items: Iterable[Arg], sep: str | Phrase = ", ") -> Join:
    return Join(tuple(items), sep)


def either(items: Iterable[Arg]) -> Join:
    """'A or B' in the step's language."""
    return Join(tuple(items), Phrase("sep.or"))


# --- steps -------------------------------------------------------------------------------------


def check_lang(lang: str) -> str:
    """`lang` if it is one of kk, ru, en; else a `ValidationFailed` naming the field."""
    if lang not in LANGUAGES:
        raise unknown("lang", LANGUAGES, lang, what="language")
    return lang


def _template(table: Mapping[str, Mapping[str, str]], code: str, lang: str) -> str:
    try:
        return table[code][check_lang(lang)]
    except KeyError:
        raise KeyError(f"the explanation catalog has no {lang!r} text for {code!r}") from None


def arg_text(value: Arg, lang: str) -> str:
    """An argument as shown in `lang`."""
    if isinstance(value, bool):  # a bool is an int; no step passes one
        raise TypeError("a step argument cannot be a bool")
    text: str
    if value is None:
        text = ""
    elif isinstance(value, int):
        text = grouped(value)
    elif isinstance(value, str):
        text = value
    elif isinstance(value, Fig):
        text = value.text()
    elif isinstance(value, Names):
        text = value.get(lang)
    elif isinstance(value, Phrase):
        text = fill(_template(TEMPLATES, value.code, lang), value.args, lang)
    else:
        sep = value.sep if isinstance(value.sep, str) else arg_text(value.sep, lang)
        text = sep.join(arg_text(v, lang) for v in value.items)
    return text


def fill(template: str, args: Iterable[tuple[str, Arg]], lang: str) -> str:
    """`template` with each {name} replaced by its argument shown in `lang`."""
    return template.format_map({k: arg_text(v, lang) for k, v in args})


def arg_json(value: Arg) -> Any:
    """An argument as plain JSON: counts as numbers, figures with their exact fraction."""
    if value is None or isinstance(value, (int, str)):
        return value
    if isinstance(value, Fig):
        return value.as_json()
    if isinstance(value, Names):
        return value.as_dict()
    if isinstance(value, Phrase):
        return {"code": value.code, "params": {k: arg_json(v) for k, v in value.args}}
    return [arg_json(v) for v in value.items]


def placeholders(template: str) -> set[str]:
    """The {names} a template uses."""
    return {name for _, name, _, _ in string.Formatter().parse(template) if name}


@dataclass(frozen=True, slots=True)
class Step:
    """One step of an explanation: what was checked, with its numbers, and the rule it applies.

    `code` names the sentence in the catalog, `cite` the rule (both stable across versions and
    languages); `args` are the figures and names the sentence shows.
    """

    code: str
    cite: str
    args: tuple[tuple[str, Arg], ...] = ()

    def text_in(self, lang: str) -> str:
        """The step in words, with its numbers, in `lang`."""
        return fill(_template(TEMPLATES, self.code, lang), self.args, lang)

    def rule_in(self, lang: str) -> str:
        """The citation in `lang`: the article of the law and the section of docs/law.md."""
        return _template(CITATIONS, self.cite, lang)

    @property
    def text(self) -> str:
        """The step in English, e.g. '7,985,769 of 11,734,642 took part (68.05%)'."""
        return self.text_in(DEFAULT_LANG)

    @property
    def rule(self) -> str:
        """The citation in English, e.g. 'Constitutional Law on the Republican Referendum,
        Art. 31(2); docs/law.md §3.1'."""
        return self.rule_in(DEFAULT_LANG)

    def render(self, lang: str = DEFAULT_LANG) -> str:
        return f"{self.text_in(lang)} [{self.rule_in(lang)}]"

    def with_cite(self, cite: str) -> Step:
        return Step(self.code, cite, self.args)

    def as_json(self, lang: str = DEFAULT_LANG) -> dict[str, Any]:
        """The stable code, the figures and the rule's code beside the text in `lang`."""
        return {"code": self.code, "params": {k: arg_json(v) for k, v in self.args},
                "cite": self.cite, "text": self.text_in(lang), "rule": self.rule_in(lang)}


def step(code: str, cite: str, **args: Arg) -> Step:
    """A step: the catalog's sentence `code` with `args`, citing the rule `cite`."""
    return Step(code, cite, tuple(args.items()))


def explanation_json(steps: Iterable[Step], lang: str = DEFAULT_LANG) -> dict[str, Any]:
    """{"lang", "explanation": [each step rendered], "steps": [codes, figures, texts]}."""
    check_lang(lang)
    steps = tuple(steps)
    return {"lang": lang, "explanation": [s.render(lang) for s in steps],
            "steps": [s.as_json(lang) for s in steps]}
