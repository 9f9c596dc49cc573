"""The party-list seats under each ruleset (saylau.domain.law.parliament)."""

from __future__ import annotations

_READING_EN = "Reading in force ({key}={{value}}, UNVERIFIED): {{text}}"
_READING_KK = "Қолданылатын түсіндірме ({key}={{value}}, РАСТАЛМАҒАН): {{text}}"
_READING_RU = "Применяемое толкование ({key}={{value}}, НЕ ПОДТВЕРЖДЕНО): {{text}}"


def _reading(key: str) -> dict[str, str]:
    return {"en": _READING_EN.format(key=key), "kk": _READING_KK.format(key=key),
            "ru": _READING_RU.format(key=key)}


TEMPLATES: dict[str, dict[str, str]] = {
    # --- the rulesets ---------------------------------------------------------------------------
    "list.body.majilis": {"en": "Majilis, party-list seats",
                          "kk": "Мәжіліс, партиялық тізімдер бойынша мандаттар",
                          "ru": "Мажилис, мандаты по партийным спискам"},
    "list.body.kurultai": {"en": "Kurultai", "kk": "Құрылтай", "ru": "Курултай"},
    "list.body.generic": {"en": "party-list seats",
                          "kk": "партиялық тізімдер бойынша мандаттар",
                          "ru": "мандаты по партийным спискам"},
    "list.ruleset": {
        "en": "Ruleset {ruleset}: {body}, {seats} seats in one nationwide district, threshold "
              "{threshold} ('not less than'), largest remainder with quota = admitted parties' "
              "votes / {seats}, equal remainders to the list registered earlier",
        "kk": "Ережелер жинағы {ruleset}: {body}, бір жалпыұлттық сайлау округінде {seats} "
              "мандат, кедергі {threshold} («кемінде»), ең үлкен қалдық әдісі, квота = "
              "бөлуге жіберілген партиялардың дауыстары / {seats}, қалдықтар тең болса — бұрын "
              "тіркелген тізімге",
        "ru": "Набор правил {ruleset}: {body}, мандатов {seats} в едином общенациональном "
              "избирательном округе, барьер {threshold} («не менее»), метод наибольшего "
              "остатка, квота = голоса допущенных партий / {seats}, при равных остатках — "
              "списку, зарегистрированному ранее",
    },
    "list.ruleset.generic": {
        "en": "Ruleset generic: {seats} seats, threshold {threshold}, method {method} "
              "(parameters given)",
        "kk": "Ережелер жинағы generic: {seats} мандат, кедергі {threshold}, әдіс {method} "
              "(параметрлер берілген)",
        "ru": "Набор правил generic: мандатов {seats}, барьер {threshold}, метод {method} "
              "(параметры заданы)",
    },
    "list.ruleset.2026": {
        "en": "Ruleset kz-2026: {body} of {seats}, one nationwide district, threshold "
              "{threshold}; the seat method is UNVERIFIED: {method}",
        "kk": "Ережелер жинағы kz-2026: {seats} депутаттан тұратын {body}, бір жалпыұлттық "
              "сайлау округі, кедергі {threshold}; мандат бөлу әдісі РАСТАЛМАҒАН: {method}",
        "ru": "Набор правил kz-2026: {body} из {seats} депутатов, единый общенациональный "
              "избирательный округ, барьер {threshold}; метод распределения мандатов НЕ "
              "ПОДТВЕРЖДЁН: {method}",
    },
    "list.2026.assumed": {
        "en": "the Majilis list method is assumed (largest remainder, quota = admitted parties' "
              "votes / seats, registration order for equal remainders)",
        "kk": "Мәжілістің партиялық тізімдер әдісі қабылданды (ең үлкен қалдық, квота = "
              "бөлуге жіберілген партиялардың дауыстары / мандаттар, қалдықтар тең болса — "
              "тіркелу реті)",
        "ru": "принят метод распределения мандатов Мажилиса по партийным спискам (наибольший "
              "остаток, квота = голоса допущенных партий / мандаты, при равных остатках — "
              "порядок регистрации)",
    },
    "list.2026.chosen": {
        "en": "the method chosen is {method} (the assumed default is hare)",
        "kk": "таңдалған әдіс — {method} (әдепкі болжам — hare)",
        "ru": "выбран метод {method} (по умолчанию предполагается hare)",
    },
    # --- the readings of the UNVERIFIED points --------------------------------------------------
    "list.reading.method": {
        "en": "Reading in force (method={method}, UNVERIFIED): the other choices are {others}",
        "kk": "Қолданылатын түсіндірме (method={method}, РАСТАЛМАҒАН): басқа нұсқалар — "
              "{others}",
        "ru": "Применяемое толкование (method={method}, НЕ ПОДТВЕРЖДЕНО): другие варианты — "
              "{others}",
    },
    "list.reading.threshold_base": _reading("threshold-base"),
    "list.reading.second_party": _reading("second-party"),
    "list.reading.runner_up_minimum": _reading("runner-up-minimum"),
    "list.reading.leftover": _reading("leftover"),
    "list.base.parties-and-against-all": {
        "en": "the threshold base is the votes for parties plus 'against all' (invalid ballots "
              "excluded); the other reading is 'parties'",
        "kk": "кедергі базасы — партияларға берілген дауыстар және «барлығына қарсы» "
              "дауыстар (жарамсыз бюллетеньдерсіз); екінші түсіндірме — 'parties'",
        "ru": "база барьера — голоса за партии плюс «против всех» (без недействительных "
              "бюллетеней); другое толкование — 'parties'",
    },
    "list.base.parties": {
        "en": "the threshold base is the votes for parties only; the other (default) reading "
              "is 'parties-and-against-all'",
        "kk": "кедергі базасы — тек партияларға берілген дауыстар; екінші (әдепкі) түсіндірме "
              "— 'parties-and-against-all'",
        "ru": "база барьера — только голоса за партии; другое толкование (по умолчанию) — "
              "'parties-and-against-all'",
    },
    "list.second.apply": {
        "en": "if fewer than two parties pass, the kz-2007 second-party guarantee is applied; "
              "the other reading is 'none'",
        "kk": "кедергіден екі партиядан аз өтсе, kz-2007 бойынша екінші партия кепілдігі "
              "қолданылады; екінші түсіндірме — 'none'",
        "ru": "если барьер преодолели менее двух партий, применяется гарантия второй партии "
              "по kz-2007; другое толкование — 'none'",
    },
    "list.second.none": {
        "en": "no second-party guarantee: the parties that pass share every seat; the other "
              "(default) reading is 'apply'",
        "kk": "екінші партия кепілдігі жоқ: барлық мандатты кедергіден өткен партиялар "
              "бөліседі; екінші (әдепкі) түсіндірме — 'apply'",
        "ru": "гарантии второй партии нет: все мандаты делят партии, преодолевшие барьер; "
              "другое толкование (по умолчанию) — 'apply'",
    },
    "list.minimum.two": {
        "en": "under the guarantee the runner-up gets at least two seats: max(2, its corrected "
              "integer part); the other reading is 'none'",
        "kk": "кепілдік бойынша екінші орындағы партия кемінде екі мандат алады: max(2, оның "
              "түзетілген бүтін бөлігі); екінші түсіндірме — 'none'",
        "ru": "по гарантии вторая партия получает не менее двух мандатов: max(2, её "
              "скорректированная целая часть); другое толкование — 'none'",
    },
    "list.minimum.none": {
        "en": "under the guarantee the runner-up gets its corrected integer part, with no "
              "minimum; the other (default) reading is 'two'",
        "kk": "кепілдік бойынша екінші орындағы партия өзінің түзетілген бүтін бөлігін алады, "
              "ең аз шегі жоқ; екінші (әдепкі) түсіндірме — 'two'",
        "ru": "по гарантии вторая партия получает свою скорректированную целую часть, без "
              "минимума; другое толкование (по умолчанию) — 'two'",
    },
    "list.leftover.leader": {
        "en": "under the guarantee the leader takes every seat left over, so no remainder seat "
              "undoes the correction; the other reading is 'largest-remainder'",
        "kk": "кепілдік бойынша қалған барлық мандатты көшбасшы алады, сондықтан қалдық "
              "бойынша берілген мандат түзетудің күшін жоймайды; екінші түсіндірме — "
              "'largest-remainder'",
        "ru": "по гарантии все оставшиеся мандаты получает лидер, чтобы мандат по остатку не "
              "отменил поправку; другое толкование — 'largest-remainder'",
    },
    "list.leftover.largest-remainder": {
        "en": "under the guarantee the seats left over go one each to the larger remainder, "
              "round after round; the other (default) reading is 'leader'",
        "kk": "кепілдік бойынша қалған мандаттар айналым сайын бір-бірден үлкенірек қалдыққа "
              "беріледі; екінші (әдепкі) түсіндірме — 'leader'",
        "ru": "по гарантии оставшиеся мандаты по одному переходят к большему остатку, круг "
              "за кругом; другое толкование (по умолчанию) — 'leader'",
    },
    # --- the threshold base ---------------------------------------------------------------------
    "list.base.votes": {
        "en": "Threshold base: the votes for parties, {votes}",
        "kk": "Кедергі базасы: партияларға берілген дауыстар, {votes}",
        "ru": "База барьера: голоса за партии, {votes}",
    },
    "list.base.with_against_all": {
        "en": "Threshold base (reading threshold-base={reading}): parties {parties} + against "
              "all {against_all} = {base}",
        "kk": "Кедергі базасы (threshold-base={reading} түсіндірмесі): партиялар {parties} + "
              "барлығына қарсы {against_all} = {base}",
        "ru": "База барьера (толкование threshold-base={reading}): партии {parties} + против "
              "всех {against_all} = {base}",
    },
    "list.base.parties_only": {
        "en": "Threshold base (reading threshold-base={reading}): the votes for parties only, "
              "{parties} (against all, {against_all}, left out)",
        "kk": "Кедергі базасы (threshold-base={reading} түсіндірмесі): тек партияларға "
              "берілген дауыстар, {parties} («барлығына қарсы» дауыстар, {against_all}, "
              "есепке алынбайды)",
        "ru": "База барьера (толкование threshold-base={reading}): только голоса за партии, "
              "{parties} («против всех», {against_all}, не учитываются)",
    },
    # --- who is admitted ------------------------------------------------------------------------
    "list.only.none": {
        "en": "Only {party} passed; under the reading second-party=none (UNVERIFIED) no other "
              "party is admitted",
        "kk": "Кедергіден тек {party} өтті; second-party=none түсіндірмесі бойынша "
              "(РАСТАЛМАҒАН) басқа партия бөлуге жіберілмейді",
        "ru": "Барьер преодолён только: {party}; при толковании second-party=none (НЕ "
              "ПОДТВЕРЖДЕНО) другие партии не допускаются",
    },
    "list.only.generic": {
        "en": "Only {party} passed; the generic ruleset has no second-party guarantee",
        "kk": "Кедергіден тек {party} өтті; generic ережелер жинағында екінші партия "
              "кепілдігі жоқ",
        "ru": "Барьер преодолён только: {party}; в наборе правил generic гарантии второй "
              "партии нет",
    },
    "list.admitted.one": {
        "en": "Admitted to the distribution: {parties} ({n} party, {votes} votes)",
        "kk": "Бөлуге жіберілді: {parties} ({n} партия, {votes} дауыс)",
        "ru": "Допуск к распределению: {parties} (партий: {n}, голосов: {votes})",
    },
    "list.admitted.many": {
        "en": "Admitted to the distribution: {parties} ({n} parties, {votes} votes)",
        "kk": "Бөлуге жіберілді: {parties} ({n} партия, {votes} дауыс)",
        "ru": "Допуск к распределению: {parties} (партий: {n}, голосов: {votes})",
    },
    # --- the second-party guarantee -------------------------------------------------------------
    "list.guarantee.unverified": {
        "en": "Only {leader} passed the threshold: the kz-2007 second-party guarantee is "
              "applied (UNVERIFIED under {ruleset}, reading second-party=apply)",
        "kk": "Кедергіден тек {leader} өтті: kz-2007 бойынша екінші партия кепілдігі "
              "қолданылады ({ruleset} бойынша РАСТАЛМАҒАН, second-party=apply түсіндірмесі)",
        "ru": "Барьер преодолён только: {leader}; применяется гарантия второй партии по "
              "kz-2007 (в {ruleset} НЕ ПОДТВЕРЖДЕНО, толкование second-party=apply)",
    },
    "list.guarantee.admit": {
        "en": "Only {leader} passed the threshold: the party with the next most votes, "
              "{runner_up} ({votes}), is admitted to the distribution",
        "kk": "Кедергіден тек {leader} өтті: дауыс саны жағынан келесі партия, {runner_up} "
              "({votes}), бөлуге жіберіледі",
        "ru": "Барьер преодолён только: {leader}; к распределению допускается следующая по "
              "числу голосов партия — {runner_up} ({votes})",
    },
    "list.guarantee.quota": {
        "en": "Quota = ({leader_votes} + {runner_up_votes}) / {seats} = {quota} (exactly "
              "{fraction})",
        "kk": "Квота = ({leader_votes} + {runner_up_votes}) / {seats} = {quota} (дәл "
              "{fraction})",
        "ru": "Квота = ({leader_votes} + {runner_up_votes}) / {seats} = {quota} (точно "
              "{fraction})",
    },
    "list.guarantee.leader": {
        "en": "{leader}: {votes} / quota = {quotient}",
        "kk": "{leader}: {votes} / квота = {quotient}",
        "ru": "{leader}: {votes} / квота = {quotient}",
    },
    "list.guarantee.runner_up": {
        "en": "{runner_up}: {votes} / quota = {quotient}; × 0.7 (correction index) = "
              "{corrected}; integer part {whole}",
        "kk": "{runner_up}: {votes} / квота = {quotient}; × 0.7 (түзету индексі) = "
              "{corrected}; бүтін бөлігі {whole}",
        "ru": "{runner_up}: {votes} / квота = {quotient}; × 0.7 (поправочный коэффициент) = "
              "{corrected}; целая часть {whole}",
    },
    "list.guarantee.minimum": {
        "en": "Runner-up minimum (reading two, UNVERIFIED): max(2, {whole}) = {seats} seat(s)",
        "kk": "Екінші партияның ең аз мандаты (two түсіндірмесі, РАСТАЛМАҒАН): max(2, "
              "{whole}) = {seats} мандат",
        "ru": "Минимум для второй партии (толкование two, НЕ ПОДТВЕРЖДЕНО): max(2, {whole}) = "
              "{seats}",
    },
    "list.guarantee.leftover_leader": {
        "en": "Seats left over (reading leader, UNVERIFIED): the leader takes all the rest: "
              "{seats} - {runner_up_seats} = {leader_seats}",
        "kk": "Қалған мандаттар (leader түсіндірмесі, РАСТАЛМАҒАН): қалғанның бәрін "
              "көшбасшы алады: {seats} - {runner_up_seats} = {leader_seats}",
        "ru": "Оставшиеся мандаты (толкование leader, НЕ ПОДТВЕРЖДЕНО): все остальные "
              "получает лидер: {seats} - {runner_up_seats} = {leader_seats}",
    },
    "list.guarantee.leftover_minimum": {
        "en": "Seats left over (reading largest-remainder, UNVERIFIED): {left}; the runner-up "
              "was already raised to its minimum, so the leader takes them",
        "kk": "Қалған мандаттар (largest-remainder түсіндірмесі, РАСТАЛМАҒАН): {left}; екінші "
              "партия ең аз шегіне дейін көтерілген, сондықтан оларды көшбасшы алады",
        "ru": "Оставшиеся мандаты (толкование largest-remainder, НЕ ПОДТВЕРЖДЕНО): {left}; "
              "вторая партия уже поднята до своего минимума, поэтому их получает лидер",
    },
    "list.guarantee.leftover_remainders": {
        "en": "Seats left over (reading largest-remainder, UNVERIFIED): {left}, one each to the "
              "larger remainder in turn ({leader} {leader_remainder}, {runner_up} "
              "{runner_up_remainder})",
        "kk": "Қалған мандаттар (largest-remainder түсіндірмесі, РАСТАЛМАҒАН): {left}, "
              "кезекпен бір-бірден үлкенірек қалдыққа ({leader} {leader_remainder}, "
              "{runner_up} {runner_up_remainder})",
        "ru": "Оставшиеся мандаты (толкование largest-remainder, НЕ ПОДТВЕРЖДЕНО): {left}, "
              "по одному большему остатку по очереди ({leader} {leader_remainder}, "
              "{runner_up} {runner_up_remainder})",
    },
    "list.guarantee.seats": {
        "en": "Seats under the guarantee: {leader} {leader_seats} + {runner_up} "
              "{runner_up_seats} = {total}",
        "kk": "Кепілдік бойынша мандаттар: {leader} {leader_seats} + {runner_up} "
              "{runner_up_seats} = {total}",
        "ru": "Мандаты по гарантии: {leader} {leader_seats} + {runner_up} {runner_up_seats} = "
              "{total}",
    },
    # --- the decision ---------------------------------------------------------------------------
    "list.decision.tie": {
        "en": "Decision: UNDECIDED: {undecided} seat(s) wait for a tie to be broken (give every "
              "tied party its registration order, or a recorded lot seed); decided: {listing} "
              "({decided} of {seats})",
        "kk": "Шешім: АНЫҚТАЛМАДЫ: {undecided} мандат теңдіктің шешілуін күтуде (тең түскен "
              "әр партияның тіркелу ретін немесе тіркелген жеребенің бастапқы мәнін беріңіз); "
              "анықталғаны: {listing} ({seats} мандаттың {decided} мандаты)",
        "ru": "Решение: НЕ ОПРЕДЕЛЕНО: мандаты ждут разрешения равенства — {undecided} "
              "(укажите порядок регистрации каждой партии с равным значением или "
              "зафиксированное начальное значение жребия); распределено: {listing} "
              "({decided} из {seats})",
    },
    "list.decision": {
        "en": "Decision: {listing} (total {decided} of {seats} seats); every other party 0",
        "kk": "Шешім: {listing} (барлығы {seats} мандаттың {decided} мандаты); қалған "
              "партиялардың әрқайсысына 0",
        "ru": "Решение: {listing} (всего распределено {decided} из {seats}); остальным "
              "партиям — 0",
    },
}
