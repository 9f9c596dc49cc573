"""The public site's languages: every string of the pages is in the kk, ru and en catalogs
(Kazakh in Cyrillic), placeholders survive translation, the language is chosen as documented,
and numbers come out in each locale's form (the fast path equals Babel's)."""

from __future__ import annotations

import re
from fractions import Fraction
from pathlib import Path

import pytest
from babel.messages.extract import extract_from_dir
from babel.numbers import format_decimal

import saylau.web
from saylau.web.i18n import DEFAULT_LANG, negotiate, tr, translations

WEB = Path(saylau.web.__file__).parent
PLACEHOLDER = re.compile(r"%\((\w+)\)s")
CYRILLIC = re.compile(r"[\u0400-\u04FF]")
LATIN_WORD = re.compile(r"[A-Za-z]{2,}")
LATIN_ALLOWED = {"API", "SHA"}


def _msgids() -> set[str]:
    method_map = [("**.py", "python"), ("**/templates/**.html", "jinja2")]
    found: set[str] = set()
    for _file, _line, message, _comments, _ctx in extract_from_dir(
            str(WEB), method_map=method_map, keywords={"_": None, "gettext": None,
                                                       "ngettext": (1, 2), "N_": None}):
        found.update([message] if isinstance(message, str) else [m for m in message if m])
    return found


MSGIDS = sorted(_msgids())


def test_the_pages_have_strings_to_translate() -> None:
    assert len(MSGIDS) > 150
    assert "Turnout through the day" in MSGIDS


@pytest.mark.parametrize("lang", ["kk", "ru"])
def test_every_string_is_translated_with_its_placeholders(lang: str) -> None:
    catalog = translations(lang)
    untranslated = [m for m in MSGIDS if catalog.gettext(m) == m and m not in {"API"}
                    and not m.startswith("%(") and m != "No."]
    assert not untranslated, f"{lang}: untranslated: {untranslated}"
    wrong = [(m, catalog.gettext(m)) for m in MSGIDS
             if sorted(PLACEHOLDER.findall(m)) != sorted(PLACEHOLDER.findall(catalog.gettext(m)))]
    assert not wrong, f"{lang}: placeholders differ: {wrong}"


@pytest.mark.parametrize("lang", ["kk", "ru"])
def test_translations_are_in_cyrillic(lang: str) -> None:
    catalog = translations(lang)
    latin = []
    for m in MSGIDS:
        text = PLACEHOLDER.sub("", catalog.gettext(m))
        words = set(LATIN_WORD.findall(text)) - LATIN_ALLOWED
        if words or (LATIN_WORD.search(PLACEHOLDER.sub("", m)) and not CYRILLIC.search(text)
                     and m not in {"API", "Content hash (SHA-256)", "No.",
                                   "%(reported)s of %(expected)s"}):
            latin.append((m, catalog.gettext(m)))
    assert not latin, latin


def test_kazakh_uses_its_own_letters() -> None:
    kk = " ".join(translations("kk").gettext(m) for m in MSGIDS)
    assert set("әғқңөұүһі") & set(kk.lower()) >= set("әқңөұүі")


def test_english_is_the_source_language() -> None:
    assert all(translations("en").gettext(m) == m for m in MSGIDS)


@pytest.mark.parametrize(
    ("query", "cookie", "accept", "want"),
    [
        ("ru", "en", "kk", "ru"),
        (None, "en", "ru", "en"),
        ("xx", "en", None, "en"),
        (None, None, "ru-RU,ru;q=0.9,en;q=0.8", "ru"),
        (None, None, "en-GB;q=0.5, kk;q=0.9", "kk"),
        (None, None, "de-DE, en;q=0.3", "en"),
        (None, None, "fr, de", DEFAULT_LANG),
        (None, None, "ru;q=0", DEFAULT_LANG),
        (None, None, None, DEFAULT_LANG),
        (None, "zz", "garbage;;q=x", DEFAULT_LANG),
    ],
)
def test_the_language_is_query_then_cookie_then_browser_then_kazakh(
        query: str | None, cookie: str | None, accept: str | None, want: str) -> None:
    assert negotiate(query, cookie, accept) == want
    assert DEFAULT_LANG == "kk"


@pytest.mark.parametrize("lang", ["kk", "ru", "en"])
def test_numbers_and_percentages_equal_babels(lang: str) -> None:
    t = tr(lang)
    for n in (0, 7, 999, 1000, 12_345, 1_234_567, 10**12, -5, -12_345):
        assert t.num(n) == format_decimal(n, locale=t.locale)
    for x in (Fraction(0), Fraction(1), Fraction(7, 10), Fraction(2, 3), Fraction(1, 200),
              Fraction(123_456, 7), Fraction(-1, 3), Fraction(5, 100)):
        for places in (0, 1, 2, 4):
            assert t.pct(x, places) == t.pct_babel(x, places), (x, places)


def test_locale_forms() -> None:
    share = Fraction(68_0555, 1_000_000)
    assert tr("en").pct(share) == "68.06%"
    assert tr("ru").pct(share) == "68,06\u00a0%"
    assert tr("kk").pct(share) == "68,06%"
    assert tr("ru").num(1_234_567) == "1\u00a0234\u00a0567"
    assert tr("en").num(1_234_567) == "1,234,567"
    assert tr("en").date("2022-06-05") == "5 June 2022"
    assert tr("ru").date("2022-06-05").replace("\u202f", " ") == "5 июня 2022 г."
    assert "маусым" in tr("kk").date("2022-06-05")


def _po(*pairs: tuple[str, str]) -> bytes:
    body = "".join(f'msgid "{i}"\nmsgstr "{t}"\n\n' for i, t in pairs)
    return ('msgid ""\nmsgstr ""\n"Content-Type: text/plain; charset=UTF-8\\n"\n\n'
            + body).encode()


def test_a_wings_catalog_is_merged_with_the_sites() -> None:
    from saylau.web.i18n import merged_catalog

    t = merged_catalog([("observation.po", _po(("Observers", "Байқаушылар"))),
                        ("messages.po", _po(("Results", "Нәтижелер")))], "kk_KZ")
    assert (t.gettext("Results"), t.gettext("Observers")) == ("Нәтижелер", "Байқаушылар")


def test_one_string_translated_two_ways_is_refused() -> None:
    from saylau.web.i18n import merged_catalog

    with pytest.raises(ValueError, match=r"translated differently in messages\.po and parties\.po"):
        merged_catalog([("messages.po", _po(("Party", "Партия"))),
                        ("parties.po", _po(("Party", "Партиялар")))], "kk_KZ")


def test_an_untranslated_string_defers_to_another_catalogs_translation() -> None:
    """An empty msgstr is no translation (the English catalogs leave most strings empty):
    it never conflicts, and a translation given elsewhere is kept (seen when the integrity
    and observation wings both listed "Stations": every page answered 500)."""
    from saylau.web.i18n import merged_catalog

    for order in ((("integrity.po", ""), ("observation.po", "Polling stations")),
                  (("observation.po", "Polling stations"), ("integrity.po", ""))):
        t = merged_catalog([("messages.po", _po(("Results", "Results")))]
                           + [(name, _po(("Stations", text))) for name, text in order],
                           "en_GB")
        assert t.gettext("Stations") == "Polling stations"


def test_every_shipped_catalog_merges() -> None:
    """The site's and the wings' catalogs, as shipped, merge in every language (a conflict
    between two wings' catalogs is a 500 on every page)."""
    from importlib import resources

    from saylau.web.i18n import LOCALES, merged_catalog

    for lang, locale in LOCALES.items():
        folder = resources.files("saylau.web").joinpath("translations", lang, "LC_MESSAGES")
        files = [(f.name, f.read_bytes()) for f in folder.iterdir() if f.name.endswith(".po")]
        assert len(files) >= 5, files  # messages.po and the four wings'
        merged_catalog(files, locale)
