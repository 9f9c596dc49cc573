"""The words of the explanations, in Kazakh (Cyrillic), Russian and English: data, no logic.

`TEMPLATES[code][lang]` is the sentence (or part of one) that a step or phrase with that code
shows, with `{name}` where a figure, name or nested phrase goes; `CITATIONS[code][lang]` is the
rule a step cites: the article of the law in that language's official wording and the section of
docs/law.md. The figures themselves are formatted by `saylau.domain.explain`, identically in
every language, so the numbers and article numbers never differ between languages.

Terms follow the official Kazakh and Russian texts: «Республикалық референдум туралы»
Конституциялық заң / Конституционный закон «О республиканском референдуме»; «Қазақстан
Республикасындағы сайлау туралы» Конституциялық заң / Конституционный закон «О выборах в
Республике Казахстан»; Art. = бап / статья, paragraph = тармақ / пункт; two-thirds = үштен
екісі / две трети. UNVERIFIED = РАСТАЛМАҒАН / НЕ ПОДТВЕРЖДЕНО. The names of readings and
rulesets (`ballots-in-boxes`, `kz-2022`, ...) are the parameters' values and stay as typed.
"""

from __future__ import annotations

from saylau.domain.law.texts import (
    allocation,
    candidates,
    chambers,
    citations,
    common,
    decide,
    lists,
    referendum,
)

Catalog = dict[str, dict[str, str]]


def _merge(*parts: Catalog) -> Catalog:
    out: Catalog = {}
    for part in parts:
        for code, texts in part.items():
            if code in out:
                raise ValueError(f"explanation code {code!r} is defined twice")
            out[code] = texts
    return out


TEMPLATES: Catalog = _merge(common.TEMPLATES, referendum.TEMPLATES, allocation.TEMPLATES,
                            lists.TEMPLATES, candidates.TEMPLATES, chambers.TEMPLATES,
                            decide.TEMPLATES)
"""Every sentence and phrase of an explanation, by code, then by language."""

CITATIONS: Catalog = citations.CITATIONS
"""Every rule a step cites, by code, then by language."""

__all__ = ["CITATIONS", "TEMPLATES", "Catalog"]
