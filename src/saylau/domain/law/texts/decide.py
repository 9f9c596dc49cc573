"""What a decision says before, or instead of, the law's own steps (saylau.domain.decide): no
figures yet, a question that has no decision of its own, figures the law cannot be applied to."""

from __future__ import annotations

TEMPLATES: dict[str, dict[str, str]] = {
    "decide.pending.stations": {
        "en": "No protocol has arrived yet: 0 of {expected} polling stations have reported; "
              "the decision waits for the first",
        "kk": "Әзірге бірде-бір хаттама келген жоқ: {expected} сайлау учаскесінің 0 учаскесі "
              "хабарлады; шешім біріншісін күтеді",
        "ru": "Ни одного протокола ещё не поступило: сообщили избирательные участки — 0 из "
              "{expected}; решение ждёт первого",
    },
    "decide.pending.session": {
        "en": "No protocol of the joint session of the maslikhats' deputies has arrived yet; "
              "the decision waits for it",
        "kk": "Мәслихаттар депутаттарының бірлескен отырысының хаттамасы әзірге келген жоқ; "
              "шешім соны күтеді",
        "ru": "Протокол совместного заседания депутатов маслихатов ещё не поступил; решение "
              "ждёт его",
    },
    "decide.none.area": {
        "en": "This question is put to {area} only: a republican referendum is decided over "
              "the top-level units of the whole country, so this contest has no decision of "
              "its own",
        "kk": "Бұл мәселе тек {area} бойынша қойылған: республикалық референдум бүкіл елдің "
              "бірінші деңгейдегі бірліктері бойынша шешіледі, сондықтан бұл дауыс берудің өз "
              "шешімі жоқ",
        "ru": "Этот вопрос вынесен только в {area}: республиканский референдум решается по "
              "единицам первого уровня всей страны, поэтому собственного решения у этого "
              "голосования нет",
    },
    "decide.undecidable": {
        "en": "The law cannot be applied to these figures yet ({error}): {message}",
        "kk": "Заңды бұл сандарға әзірге қолдану мүмкін емес ({error}): {message}",
        "ru": "Закон пока нельзя применить к этим данным ({error}): {message}",
    },
}
