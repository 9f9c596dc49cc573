"""A single-member district, the President, a Senate seat (saylau.domain.law.candidates)."""

from __future__ import annotations

TEMPLATES: dict[str, dict[str, str]] = {
    # --- the figures ----------------------------------------------------------------------------
    "cand.base.district": {
        "en": "{participants} took part: candidates {candidates}{against_all}{invalid}",
        "kk": "Дауыс беруге қатысқандар — {participants}: кандидаттарға "
              "{candidates}{against_all}{invalid}",
        "ru": "Приняли участие — {participants}: за кандидатов "
              "{candidates}{against_all}{invalid}",
    },
    "cand.base.president": {
        "en": "{participants} took part: candidates {candidates}{against_all}{invalid} "
              "('against all' and invalid ballots are in the base)",
        "kk": "Дауыс беруге қатысқандар — {participants}: кандидаттарға "
              "{candidates}{against_all}{invalid} («барлығына қарсы» дауыстар мен жарамсыз "
              "бюллетеньдер базаға кіреді)",
        "ru": "Приняли участие — {participants}: за кандидатов "
              "{candidates}{against_all}{invalid} («против всех» и недействительные "
              "бюллетени входят в базу)",
    },
    "cand.base.senate": {
        "en": "{present} electors took part: candidates {candidates}{invalid}{other}",
        "kk": "Қатысқан таңдаушылар — {present}: кандидаттарға {candidates}{invalid}{other}",
        "ru": "Приняли участие выборщики — {present}: за кандидатов "
              "{candidates}{invalid}{other}",
    },
    "cand.plus.against_all": {
        "en": " + against all {n}",
        "kk": " + барлығына қарсы {n}",
        "ru": " + против всех {n}",
    },
    "cand.plus.invalid": {
        "en": " + invalid {n}",
        "kk": " + жарамсыз {n}",
        "ru": " + недействительные {n}",
    },
    "cand.plus.other": {
        "en": " + other ballots {n}",
        "kk": " + басқа бюллетеньдер {n}",
        "ru": " + прочие бюллетени {n}",
    },
    "cand.share": {
        "en": "{name}: {votes} ({share} of {participants})",
        "kk": "{name}: {votes} ({participants} ішінен {share})",
        "ru": "{name}: {votes} ({share} от {participants})",
    },
    # --- a single-member district ---------------------------------------------------------------
    "cand.district.intro": {
        "en": "Ruleset {ruleset}: a single-member district; the candidate with the most votes "
              "is elected (no runoff, no turnout minimum)",
        "kk": "Ережелер жинағы {ruleset}: бір мандатты сайлау округі; ең көп дауыс алған "
              "кандидат сайланады (қайта дауыс беру жоқ, қатысудың ең аз шегі жоқ)",
        "ru": "Набор правил {ruleset}: одномандатный избирательный округ; избирается "
              "кандидат, получивший наибольшее число голосов (без повторного голосования, без "
              "минимальной явки)",
    },
    "cand.district.repeat": {
        "en": "'Against all' has the most votes ({votes}): nobody is elected; the district "
              "needs a repeat election (UNVERIFIED; the runner-up is never seated)",
        "kk": "Ең көп дауысты «барлығына қарсы» алды ({votes}): ешкім сайланбады; округте "
              "қайталама сайлау өткізілуі тиіс (РАСТАЛМАҒАН; екінші орындағы кандидат "
              "ешқашан мандат алмайды)",
        "ru": "Наибольшее число голосов — «против всех» ({votes}): никто не избран; в округе "
              "нужны повторные выборы (НЕ ПОДТВЕРЖДЕНО; кандидат со второго места мандат "
              "никогда не получает)",
    },
    "cand.district.elected": {
        "en": "{winner} has the most votes ({votes}, {lead} ahead of the next): elected",
        "kk": "{winner} ең көп дауыс алды ({votes}, келесі кандидаттан {lead} дауыс артық): "
              "сайланды",
        "ru": "Наибольшее число голосов у кандидата {winner} ({votes}, на {lead} больше, чем "
              "у следующего): кандидат избран",
    },
    "cand.district.tie": {
        "en": "TIE for first place at {votes} votes: {names}; nobody has the most votes, so "
              "nobody is elected on these figures{against_all}",
        "kk": "Бірінші орын үшін ТЕҢДІК, әрқайсысында {votes} дауыс: {names}; ешкімде ең көп "
              "дауыс жоқ, сондықтан бұл деректер бойынша ешкім сайланбады{against_all}",
        "ru": "РАВЕНСТВО за первое место (голосов: {votes}): {names}; наибольшего числа "
              "голосов нет ни у кого, поэтому по этим данным никто не избран{against_all}",
    },
    "cand.district.tie_against_all": {
        "en": " ('against all' shares first place: reported as a tie, UNVERIFIED)",
        "kk": " («барлығына қарсы» бірінші орынды бөліседі: теңдік ретінде көрсетіледі, "
              "РАСТАЛМАҒАН)",
        "ru": " («против всех» делит первое место: указывается как равенство, НЕ "
              "ПОДТВЕРЖДЕНО)",
    },
    # --- the President --------------------------------------------------------------------------
    "cand.president.2026": {
        "en": "Ruleset kz-2026: the presidential election rule is assumed unchanged by the "
              "2026 Constitution (UNVERIFIED)",
        "kk": "Ережелер жинағы kz-2026: Президент сайлауының ережесі 2026 жылғы "
              "Конституциямен өзгермеген деп болжанады (РАСТАЛМАҒАН)",
        "ru": "Набор правил kz-2026: правило выборов Президента предполагается не изменённым "
              "Конституцией 2026 года (НЕ ПОДТВЕРЖДЕНО)",
    },
    "cand.president.intro": {
        "en": "Ruleset {ruleset}: presidential election, round {round}",
        "kk": "Ережелер жинағы {ruleset}: Президент сайлауы, {round}-тур",
        "ru": "Набор правил {ruleset}: выборы Президента, тур {round}",
    },
    "cand.president.elected": {
        "en": "{name}: {votes} of {participants} ({share}): more than half (2 × {votes} = "
              "{double} > {participants}): elected",
        "kk": "{name}: {participants} ішінен {votes} ({share}): жартысынан көп (2 × {votes} = "
              "{double} > {participants}): сайланды",
        "ru": "{name}: {votes} из {participants} ({share}): больше половины (2 × {votes} = "
              "{double} > {participants}): кандидат избран",
    },
    "cand.president.no_majority": {
        "en": "Nobody has more than half: the most is {name}'s {votes} (2 × {votes} = {double} "
              "<= {participants})",
        "kk": "Ешкім жартысынан көп дауыс алған жоқ: ең көбі — {name}, {votes} (2 × {votes} = "
              "{double} <= {participants})",
        "ru": "Больше половины нет ни у кого: больше всех — {name}, {votes} (2 × {votes} = "
              "{double} <= {participants})",
    },
    "cand.sole": {
        "en": "{name} is the only candidate and has no majority: there is nobody to meet in a "
              "runoff; the election is held again (UNVERIFIED)",
        "kk": "{name} — жалғыз кандидат, көпшілік дауыс жоқ: қайта дауыс беруде бәсекелес "
              "жоқ; сайлау қайта өткізіледі (РАСТАЛМАҒАН)",
        "ru": "{name} — единственный кандидат, большинства нет: во втором туре соперника нет; "
              "выборы проводятся повторно (НЕ ПОДТВЕРЖДЕНО)",
    },
    "cand.runoff": {
        "en": "Runoff between the two with the most votes: {first} and {second}",
        "kk": "Ең көп дауыс алған екі кандидат арасында қайта дауыс беру: {first} және "
              "{second}",
        "ru": "Повторное голосование между двумя кандидатами, получившими наибольшее число "
              "голосов: {first} и {second}",
    },
    "cand.runoff.tie": {
        "en": "TIE: {names} are tied at {votes} votes for {places} runoff place(s); the votes "
              "alone do not say who goes to the runoff",
        "kk": "ТЕҢДІК: {names} — әрқайсысында {votes} дауыс, қайта дауыс берудегі {places} "
              "орын үшін; қайта дауыс беруге кім шығатынын дауыстардың өзі анықтамайды",
        "ru": "РАВЕНСТВО: {names} — поровну голосов ({votes}) в борьбе за места в повторном "
              "голосовании (мест: {places}); одни голоса не решают, кто в него выходит",
    },
    "cand.round2.tie": {
        "en": "TIE: {first} and {second} have {votes} votes each",
        "kk": "ТЕҢДІК: {first} және {second} — әрқайсысында {votes} дауыс",
        "ru": "РАВЕНСТВО: {first} и {second} — поровну голосов, по {votes}",
    },
    "cand.round2.elected": {
        "en": "{first} has more votes than {second} ({first_votes} > {second_votes}): elected",
        "kk": "{first} кандидаты {second} кандидатынан көп дауыс алды ({first_votes} > "
              "{second_votes}): сайланды",
        "ru": "Больше голосов у кандидата {first}, чем у кандидата {second} ({first_votes} > "
              "{second_votes}): кандидат {first} избран",
    },
    # --- a Senate seat --------------------------------------------------------------------------
    "cand.senate.intro": {
        "en": "Ruleset {ruleset}: a Senate seat, elected by the deputies of the unit's "
              "maslikhats, round {round}",
        "kk": "Ережелер жинағы {ruleset}: Сенаттағы орын, оны бірліктің мәслихаттарының "
              "депутаттары сайлайды, {round}-тур",
        "ru": "Набор правил {ruleset}: место в Сенате, избирается депутатами маслихатов "
              "единицы, тур {round}",
    },
    "cand.senate.valid": {
        "en": "{present} of {electors} electors took part ({share}); more than half is needed "
              "(2 × {present} = {double} > {electors}): the vote is valid",
        "kk": "{electors} таңдаушының {present} таңдаушысы қатысты ({share}); жартысынан көбі "
              "қажет (2 × {present} = {double} > {electors}): дауыс беру өтті деп есептеледі",
        "ru": "Приняли участие выборщики — {present} из {electors} ({share}); требуется более "
              "половины (2 × {present} = {double} > {electors}): голосование состоялось",
    },
    "cand.senate.invalid": {
        "en": "{present} of {electors} electors took part ({share}); more than half is needed "
              "(2 × {present} = {double} <= {electors}): the vote is NOT valid",
        "kk": "{electors} таңдаушының {present} таңдаушысы қатысты ({share}); жартысынан көбі "
              "қажет (2 × {present} = {double} <= {electors}): дауыс беру ӨТПЕДІ деп "
              "есептеледі",
        "ru": "Приняли участие выборщики — {present} из {electors} ({share}); требуется более "
              "половины (2 × {present} = {double} <= {electors}): голосование НЕ состоялось",
    },
    "cand.senate.elected": {
        "en": "{name}: {votes} of {present}: more than half (2 × {votes} = {double} > "
              "{present}): elected",
        "kk": "{name}: {present} ішінен {votes}: жартысынан көп (2 × {votes} = {double} > "
              "{present}): сайланды",
        "ru": "{name}: {votes} из {present}: больше половины (2 × {votes} = {double} > "
              "{present}): кандидат избран",
    },
    "cand.senate.no_majority": {
        "en": "Nobody has more than half of the {present} votes: the most is {name}'s {votes}",
        "kk": "{present} дауыстың жартысынан көбін ешкім алған жоқ: ең көбі — {name}, {votes}",
        "ru": "Больше половины голосов (всего {present}) нет ни у кого: больше всех — {name}, "
              "{votes}",
    },
}
