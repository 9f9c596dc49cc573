"""Phrases shared by every kind of decision: separators, list items, small words."""

from __future__ import annotations

TEMPLATES: dict[str, dict[str, str]] = {
    "sep.or": {"en": " or ", "kk": " немесе ", "ru": " или "},
    "item.name_value": {
        "en": "{name} ({value})",
        "kk": "{name} ({value})",
        "ru": "{name} ({value})",
    },
    "item.name_seats": {
        "en": "{name} {value}",
        "kk": "{name} {value}",
        "ru": "{name} {value}",
    },
    "num.exactly": {
        "en": " (exactly {fraction})",
        "kk": " (дәл {fraction})",
        "ru": " (точно {fraction})",
    },
    "word.against_all": {"en": "against all", "kk": "барлығына қарсы", "ru": "против всех"},
    "word.provisionally": {"en": "provisionally, ", "kk": "алдын ала, ", "ru": "предварительно, "},
    "word.provisional": {"en": " (provisional)", "kk": " (алдын ала)", "ru": " (предварительно)"},
    "word.undecided_tie": {
        "en": " + {n} undecided (tie)",
        "kk": " + {n} анықталмаған (теңдік)",
        "ru": " + {n} не распределено (равенство)",
    },
}
