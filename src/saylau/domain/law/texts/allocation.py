"""Seat allocation: quotas, remainders, highest quotients, the threshold, ties
(saylau.domain.law.allocation)."""

from __future__ import annotations

TEMPLATES: dict[str, dict[str, str]] = {
    # --- largest remainder ----------------------------------------------------------------------
    "alloc.quota.hare": {
        "en": "Quota = votes / seats = {total} / {seats} = {quota}{exact}",
        "kk": "Квота = дауыстар / мандаттар = {total} / {seats} = {quota}{exact}",
        "ru": "Квота = голоса / мандаты = {total} / {seats} = {quota}{exact}",
    },
    "alloc.quota.droop": {
        "en": "Quota = floor(votes / (seats + 1)) + 1 = floor({total} / {seats1}) + 1 = "
              "{quota}{exact}",
        "kk": "Квота = floor(дауыстар / (мандаттар + 1)) + 1 = floor({total} / {seats1}) + 1 "
              "= {quota}{exact}",
        "ru": "Квота = floor(голоса / (мандаты + 1)) + 1 = floor({total} / {seats1}) + 1 = "
              "{quota}{exact}",
    },
    "alloc.lr.party": {
        "en": "{party}: {votes} / {quota} = {quotient}: {whole} seat(s) by whole quotas, "
              "remainder {remainder}",
        "kk": "{party}: {votes} / {quota} = {quotient}: толық квоталар бойынша {whole} "
              "мандат, қалдық {remainder}",
        "ru": "{party}: {votes} / {quota} = {quotient}: мандатов по целым квотам — {whole}, "
              "остаток {remainder}",
    },
    "alloc.lr.rounds": {
        "en": "{left} seats are left for {parties} parties: more seats than parties, so each "
              "party takes {rounds} seat(s) in full rounds of the remainders before the last "
              "round",
        "kk": "{parties} партияға {left} мандат қалды: мандат партиядан көп, сондықтан соңғы "
              "айналымға дейін әр партия қалдықтардың толық айналымдарында {rounds} мандат "
              "алады",
        "ru": "Осталось мандатов — {left}, партий — {parties}: мандатов больше, чем партий, "
              "поэтому до последнего круга каждая партия получает в полных кругах по остаткам "
              "мандатов — {rounds}",
    },
    "alloc.lr.left": {
        "en": "{whole} seat(s) by whole quotas; {left} seat(s) left for the largest remainders",
        "kk": "Толық квоталар бойынша {whole} мандат; ең үлкен қалдықтарға {left} мандат "
              "қалды",
        "ru": "По целым квотам мандатов — {whole}; для наибольших остатков осталось — {left}",
    },
    "alloc.lr.remainders": {
        "en": "Remainders in descending order: {ranked}; one seat each to the first {n}: "
              "{winners}",
        "kk": "Қалдықтар кему ретімен: {ranked}; алғашқы {n} қалдыққа бір-бір мандаттан: "
              "{winners}",
        "ru": "Остатки в порядке убывания: {ranked}; по одному мандату первым по порядку "
              "(их {n}): {winners}",
    },
    "alloc.none_decided": {"en": "none decided", "kk": "ешкім анықталмады",
                           "ru": "никто не определён"},
    "alloc.lr.total": {
        "en": "Seats: {whole} by whole quotas + {extra} by largest remainders{undecided} = "
              "{seats}",
        "kk": "Мандаттар: толық квоталар бойынша {whole} + ең үлкен қалдықтар бойынша "
              "{extra}{undecided} = {seats}",
        "ru": "Мандаты: по целым квотам {whole} + по наибольшим остаткам {extra}{undecided} = "
              "{seats}",
    },
    # --- highest quotients ----------------------------------------------------------------------
    "alloc.hq.intro": {
        "en": "Each party's votes are divided by {sequence}; the {seats} highest quotients of "
              "all parties win one seat each",
        "kk": "Әр партияның дауыстары {sequence} сандарына бөлінеді; барлық партиялардың ең "
              "жоғары {seats} бөліндісі бір-бір мандат алады",
        "ru": "Голоса каждой партии делятся на {sequence}; наибольшие частные всех партий "
              "(их {seats}) получают по одному мандату",
    },
    "alloc.hq.party": {
        "en": "{party}: {votes} votes, {seats} seat(s){last}; next quotient {votes} / "
              "{next_divisor} = {next}",
        "kk": "{party}: {votes} дауыс, {seats} мандат{last}; келесі бөлінді {votes} / "
              "{next_divisor} = {next}",
        "ru": "{party}: голосов {votes}, мандатов {seats}{last}; следующее частное {votes} / "
              "{next_divisor} = {next}",
    },
    "alloc.hq.last": {
        "en": "; last winning quotient {votes} / {divisor} = {value}",
        "kk": "; мандат алған соңғы бөлінді {votes} / {divisor} = {value}",
        "ru": "; последнее частное, получившее мандат, {votes} / {divisor} = {value}",
    },
    "alloc.hq.total": {
        "en": "The {seats}th highest quotient is {boundary}{following}; seats: "
              "{listing}{undecided} = {seats}",
        "kk": "Ең жоғары {seats} бөліндінің ең кішісі — {boundary}{following}; мандаттар: "
              "{listing}{undecided} = {seats}",
        "ru": "Наименьшее из наибольших частных (их {seats}) — {boundary}{following}; "
              "мандаты: {listing}{undecided} = {seats}",
    },
    "alloc.hq.following": {
        "en": "; the next one is {value}",
        "kk": "; келесісі — {value}",
        "ru": "; следующее — {value}",
    },
    # --- threshold ------------------------------------------------------------------------------
    "alloc.threshold": {
        "en": "Threshold: {share} of {base} = {minimum} votes; a party with at least that many "
              "passes",
        "kk": "Кедергі: {base} дауыстың {share} = {minimum} дауыс; кемінде осынша дауыс алған "
              "партия кедергіден өтеді",
        "ru": "Барьер: {share} от {base} = {minimum}; проходит партия, набравшая не меньше "
              "голосов",
    },
    "alloc.threshold.pass": {
        "en": "{party}: {votes} votes = {share} of {base}: passes ({votes} >= {minimum})",
        "kk": "{party}: {votes} дауыс = {base} дауыстың {share}: өтеді ({votes} >= {minimum})",
        "ru": "{party}: голосов {votes} = {share} от {base}: проходит ({votes} >= {minimum})",
    },
    "alloc.threshold.fail": {
        "en": "{party}: {votes} votes = {share} of {base}: does not pass ({votes} < {minimum})",
        "kk": "{party}: {votes} дауыс = {base} дауыстың {share}: өтпейді ({votes} < "
              "{minimum})",
        "ru": "{party}: голосов {votes} = {share} от {base}: не проходит ({votes} < "
              "{minimum})",
    },
    # --- ties -----------------------------------------------------------------------------------
    "tie.describe": {
        "en": "{parties} are tied at {value} ({stage}) for {places} place(s)",
        "kk": "{parties} тең: {value} ({stage}), {places} орын үшін",
        "ru": "{parties} равны: {value} ({stage}), мест: {places}",
    },
    "tie.stage.largest-remainder": {"en": "largest-remainder", "kk": "ең үлкен қалдық",
                                    "ru": "наибольший остаток"},
    "tie.stage.highest-quotient": {"en": "highest-quotient", "kk": "ең жоғары бөлінді",
                                   "ru": "наибольшее частное"},
    "tie.stage.runner-up": {"en": "runner-up", "kk": "екінші орын", "ru": "второе место"},
    "tie.stage.first place": {"en": "first place", "kk": "бірінші орын",
                              "ru": "первое место"},
    "tie.stage.runoff place": {"en": "runoff place", "kk": "қайта дауыс берудегі орын",
                               "ru": "место в повторном голосовании"},
    "tie.stage.runoff": {"en": "runoff", "kk": "қайта дауыс беру",
                         "ru": "повторное голосование"},
    "tie.stage.second round": {"en": "second round", "kk": "екінші тур", "ru": "второй тур"},
    "tie.open": {
        "en": "TIE: {tie}; not every tied party has a registration order and no lot seed was "
              "given, so {places} seat(s) stay UNDECIDED",
        "kk": "ТЕҢДІК: {tie}; тең түскен партиялардың бәрінде тіркелу реті жоқ және "
              "жеребенің бастапқы мәні берілмеген, сондықтан {places} мандат АНЫҚТАЛМАҒАН "
              "күйде қалады",
        "ru": "РАВЕНСТВО: {tie}; не у всех партий с равными значениями есть порядок "
              "регистрации, и начальное значение жребия не задано, поэтому остаются "
              "НЕРАСПРЕДЕЛЁННЫМИ мандаты: {places}",
    },
    "tie.order": {
        "en": "Tie: {tie}; the list registered earlier wins ({detail}): {winners}",
        "kk": "Теңдік: {tie}; бұрын тіркелген тізім жеңеді ({detail}): {winners}",
        "ru": "Равенство: {tie}; преимущество у списка, зарегистрированного ранее "
              "({detail}): {winners}",
    },
    "tie.registered": {
        "en": "{party} registered {order}",
        "kk": "{party} — тіркелу реті {order}",
        "ru": "{party} — порядок регистрации {order}",
    },
    "tie.lot": {
        "en": "Tie: {tie}; no registration order decides it, so the recorded lot does "
              "({procedure}; {detail}): {winners}",
        "kk": "Теңдік: {tie}; оны тіркелу реті шешпейді, сондықтан тіркелген жеребе шешеді "
              "({procedure}; {detail}): {winners}",
        "ru": "Равенство: {tie}; порядок регистрации его не разрешает, поэтому решает "
              "зафиксированный жребий ({procedure}; {detail}): {winners}",
    },
    "tie.lot.procedure": {
        "en": "key(party) = SHA-256(seed bytes || 0x00 || UTF-8 name); tied parties ranked by "
              "key, smallest first; the first ones win",
        "kk": "кілт(партия) = SHA-256(бастапқы мән байттары || 0x00 || атаудың UTF-8 "
              "байттары); тең партиялар кілт бойынша ең кішісінен бастап реттеледі; "
              "алғашқылары жеңеді",
        "ru": "ключ(партия) = SHA-256(байты начального значения || 0x00 || название в UTF-8); "
              "партии с равными значениями упорядочиваются по ключу, от меньшего; побеждают "
              "первые",
    },
    "tie.lot.detail": {
        "en": "seed {seed}; {keys}",
        "kk": "бастапқы мән {seed}; {keys}",
        "ru": "начальное значение {seed}; {keys}",
    },
    "tie.lot.key": {
        "en": "{party} key {key}...",
        "kk": "{party} кілті {key}...",
        "ru": "{party}: ключ {key}...",
    },
}
