"""The chambers' composition: the Senate's size (saylau.domain.law.parliament.composition)."""

from __future__ import annotations

TEMPLATES: dict[str, dict[str, str]] = {
    "senate.elected": {
        "en": "2 senators from each of the {units} top-level units: {elected}",
        "kk": "{units} бірінші деңгейдегі бірліктің әрқайсысынан 2 сенатордан: {elected}",
        "ru": "По 2 сенатора от каждой единицы первого уровня (их {units}): {elected}",
    },
    "senate.appointed": {
        "en": "{appointed} appointed by the President{apk}",
        "kk": "Президент тағайындайтындар: {appointed}{apk}",
        "ru": "Назначаемые Президентом: {appointed}{apk}",
    },
    "senate.apk": {
        "en": ", {n} of them on the APK's recommendation",
        "kk": ", оның ішінде {n} — Қазақстан халқы Ассамблеясының ұсынымы бойынша",
        "ru": ", из них {n} — по рекомендации Ассамблеи народа Казахстана",
    },
    "senate.total": {
        "en": "Senate: {elected} + {appointed} = {size}",
        "kk": "Сенат: {elected} + {appointed} = {size}",
        "ru": "Сенат: {elected} + {appointed} = {size}",
    },
}
