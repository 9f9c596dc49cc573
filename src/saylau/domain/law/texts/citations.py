"""The rules the steps cite: the article in each language's official wording, and the section
of docs/law.md (the same section in every language)."""

from __future__ import annotations

_REF_LAW = {
    "en": "Constitutional Law on the Republican Referendum",
    "kk": "«Республикалық референдум туралы» Конституциялық заң",
    "ru": "Конституционный закон «О республиканском референдуме»",
}
_ELECTIONS_LAW_GEN = {
    "kk": "«Қазақстан Республикасындағы сайлау туралы» Конституциялық заңның",
    "ru": "Конституционного закона «О выборах в Республике Казахстан»",
}

_2022_SEATS = {
    "en": "Constitutional Law on Elections Art. 97 (quota = admitted parties' votes / seats; "
          "integer parts, then largest remainders); docs/law.md §5.3",
    "kk": f"{_ELECTIONS_LAW_GEN['kk']} 97-бабы (квота = бөлуге жіберілген партиялардың "
          "дауыстары / мандаттар; алдымен бүтін бөліктер, содан кейін ең үлкен қалдықтар); "
          "docs/law.md §5.3",
    "ru": f"статья 97 {_ELECTIONS_LAW_GEN['ru']} (квота = голоса допущенных партий / мандаты; "
          "сначала целые части, затем наибольшие остатки); docs/law.md §5.3",
}
_2026 = {
    "en": "Constitution of 15 March 2026 (Kurultai of 145, proportional, nationwide, 5%); "
          "docs/law.md §7.2 (seat method UNVERIFIED)",
    "kk": "2026 жылғы 15 наурыздағы Конституция (145 депутаттан тұратын Құрылтай, "
          "пропорционалдық жүйе, жалпыұлттық округ, 5%); docs/law.md §7.2 (мандат бөлу әдісі "
          "РАСТАЛМАҒАН)",
    "ru": "Конституция от 15 марта 2026 года (Курултай из 145 депутатов, пропорциональная "
          "система, общенациональный округ, 5%); docs/law.md §7.2 (метод распределения "
          "мандатов НЕ ПОДТВЕРЖДЁН)",
}
_ASSUMED = {"en": "; assumed ", "kk": "; болжам бойынша: ", "ru": "; предполагается: "}

CITATIONS: dict[str, dict[str, str]] = {
    # --- referendums ----------------------------------------------------------------------------
    "ref.validity": {
        "en": f"{_REF_LAW['en']}, Art. 31(2); docs/law.md §3.1",
        "kk": f"{_REF_LAW['kk']}, 31-баптың 2-тармағы; docs/law.md §3.1",
        "ru": f"{_REF_LAW['ru']}, пункт 2 статьи 31; docs/law.md §3.1",
    },
    "ref.participants": {
        "en": "CEC final figures 2022, 2024, 2026; docs/law.md §3.2 (participants)",
        "kk": "ОСК-нің 2022, 2024, 2026 жылдардағы қорытынды деректері; docs/law.md §3.2 "
              "(қатысушылар)",
        "ru": "итоговые данные ЦИК 2022, 2024, 2026 годов; docs/law.md §3.2 (участники)",
    },
    "ref.categories": {
        "en": f"{_REF_LAW['en']} as amended in 2022; docs/law.md §3.4 (ballot categories)",
        "kk": f"2022 жылғы өзгерістерімен {_REF_LAW['kk']}; docs/law.md §3.4 (бюллетень "
              "түрлері)",
        "ru": f"{_REF_LAW['ru']} в редакции 2022 года; docs/law.md §3.4 (виды бюллетеней)",
    },
    "ref.ordinary": {
        "en": f"{_REF_LAW['en']}; docs/law.md §3.5 (more than half of the participants)",
        "kk": f"{_REF_LAW['kk']}; docs/law.md §3.5 (қатысушылардың жартысынан көбі)",
        "ru": f"{_REF_LAW['ru']}; docs/law.md §3.5 (более половины участников)",
    },
    "ref.units": {
        "en": "Constitution Art. 91; docs/law.md §3.6 (two-thirds of top-level units)",
        "kk": "Конституцияның 91-бабы; docs/law.md §3.6 (бірінші деңгейдегі бірліктердің "
              "үштен екісі)",
        "ru": "статья 91 Конституции; docs/law.md §3.6 (две трети единиц первого уровня)",
    },
    "ref.two_thirds": {
        "en": "docs/law.md §3.6 (counting two-thirds)",
        "kk": "docs/law.md §3.6 (үштен екісін санау)",
        "ru": "docs/law.md §3.6 (подсчёт двух третей)",
    },
    "ref.national": {
        "en": "docs/law.md §3.6 (national yes share; a separate condition is UNVERIFIED)",
        "kk": "docs/law.md §3.6 (ел бойынша «иә» үлесі; оның жеке шарт екені РАСТАЛМАҒАН)",
        "ru": "docs/law.md §3.6 (доля «да» по стране; является ли она отдельным условием, НЕ "
              "ПОДТВЕРЖДЕНО)",
    },
    "ref.complete": {
        "en": "docs/law.md §3.8 (results are set from every commission's figures)",
        "kk": "docs/law.md §3.8 (нәтижелер барлық комиссиялардың деректері бойынша "
              "белгіленеді)",
        "ru": "docs/law.md §3.8 (итоги устанавливаются по данным всех комиссий)",
    },
    "ref.rulesets": {
        "en": "docs/law.md §2.6 (referendum rules are the same under all three)",
        "kk": "docs/law.md §2.6 (референдум ережелері үш жинақта да бірдей)",
        "ru": "docs/law.md §2.6 (правила референдума одинаковы во всех трёх наборах)",
    },
    # --- seat allocation ------------------------------------------------------------------------
    "alloc.hare": {
        "en": "Largest remainder method, Hare quota = votes / seats (Hamilton; Hare-Niemeyer); "
              "docs/law.md §15.1",
        "kk": "Ең үлкен қалдық әдісі, Хэр квотасы = дауыстар / мандаттар (Гамильтон; Хэр — "
              "Нимейер); docs/law.md §15.1",
        "ru": "Метод наибольшего остатка, квота Хэйра = голоса / мандаты (Гамильтон; Хэйр — "
              "Нимейер); docs/law.md §15.1",
    },
    "alloc.droop": {
        "en": "Largest remainder method, Droop quota = floor(votes / (seats + 1)) + 1 (Droop "
              "1881); docs/law.md §15.2",
        "kk": "Ең үлкен қалдық әдісі, Друп квотасы = floor(дауыстар / (мандаттар + 1)) + 1 "
              "(Друп, 1881); docs/law.md §15.2",
        "ru": "Метод наибольшего остатка, квота Друпа = floor(голоса / (мандаты + 1)) + 1 "
              "(Друп, 1881); docs/law.md §15.2",
    },
    "alloc.dhondt": {
        "en": "D'Hondt method: highest quotients votes / 1, 2, 3, ... (Jefferson); "
              "docs/law.md §15.3",
        "kk": "Д'Ондт әдісі: ең жоғары бөлінділер дауыстар / 1, 2, 3, ... (Джефферсон); "
              "docs/law.md §15.3",
        "ru": "Метод д'Ондта: наибольшие частные голоса / 1, 2, 3, ... (Джефферсон); "
              "docs/law.md §15.3",
    },
    "alloc.sainte_lague": {
        "en": "Sainte-Laguë method: highest quotients votes / 1, 3, 5, ... (Webster); "
              "docs/law.md §15.4",
        "kk": "Сент-Лагю әдісі: ең жоғары бөлінділер дауыстар / 1, 3, 5, ... (Уэбстер); "
              "docs/law.md §15.4",
        "ru": "Метод Сент-Лагю: наибольшие частные голоса / 1, 3, 5, ... (Уэбстер); "
              "docs/law.md §15.4",
    },
    "alloc.threshold": {
        "en": "Threshold: a party passes with votes not less than share × base; "
              "docs/law.md §15.5",
        "kk": "Кедергі: дауыстары үлес × база шамасынан кем емес партия өтеді; "
              "docs/law.md §15.5",
        "ru": "Барьер: партия проходит, если её голосов не меньше, чем доля × база; "
              "docs/law.md §15.5",
    },
    "tie.order": {
        "en": "Constitutional Law on Elections, Art. 97 (equal remainders: the party list "
              "registered earlier); docs/law.md §5.4",
        "kk": f"{_ELECTIONS_LAW_GEN['kk']} 97-бабы (қалдықтар тең болса — бұрын тіркелген "
              "партиялық тізім); docs/law.md §5.4",
        "ru": f"статья 97 {_ELECTIONS_LAW_GEN['ru']} (при равных остатках — партийный список, "
              "зарегистрированный ранее); docs/law.md §5.4",
    },
    "tie.lot": {
        "en": "docs/law.md §5.4 (without a registration order, a tie is resolved only by a "
              "recorded lot): SHA-256 of the public seed and each name",
        "kk": "docs/law.md §5.4 (тіркелу реті болмаса, теңдік тек тіркелген жеребемен "
              "шешіледі): жария бастапқы мән мен әр атаудың SHA-256 мәні",
        "ru": "docs/law.md §5.4 (без порядка регистрации равенство разрешается только "
              "зафиксированным жребием): SHA-256 от публичного начального значения и каждого "
              "названия",
    },
    "tie.open": {
        "en": "docs/law.md §5.4 (a tie nobody can break stays an explicit tie)",
        "kk": "docs/law.md §5.4 (ештеңемен шешілмейтін теңдік ашық теңдік болып қалады)",
        "ru": "docs/law.md §5.4 (равенство, которое ничем не разрешается, остаётся явным)",
    },
    # --- party-list seats -----------------------------------------------------------------------
    "list.rulesets": {"en": "docs/law.md §2", "kk": "docs/law.md §2", "ru": "docs/law.md §2"},
    "list.2022": {
        "en": "Constitution Art. 50(3) as amended 2022; Constitutional Law on Elections "
              "Art. 97; docs/law.md §5",
        "kk": "2022 жылғы өзгерістерімен Конституцияның 50-бабының 3-тармағы; "
              f"{_ELECTIONS_LAW_GEN['kk']} 97-бабы; docs/law.md §5",
        "ru": "пункт 3 статьи 50 Конституции в редакции 2022 года; статья 97 "
              f"{_ELECTIONS_LAW_GEN['ru']}; docs/law.md §5",
    },
    "list.2022.base": {
        "en": "CEC decision of 27 March 2023 (every percentage's base); docs/law.md §5.2 "
              "(threshold base UNVERIFIED as statute text)",
        "kk": "ОСК-нің 2023 жылғы 27 наурыздағы қаулысы (әр пайыздың базасы); docs/law.md §5.2 "
              "(кедергі базасы заң мәтіні ретінде РАСТАЛМАҒАН)",
        "ru": "постановление ЦИК от 27 марта 2023 года (база каждого процента); docs/law.md "
              "§5.2 (база барьера как текст закона НЕ ПОДТВЕРЖДЕНА)",
    },
    "list.2022.seats": _2022_SEATS,
    "list.2022.fewer": {
        "en": "docs/law.md §5.5 (fewer than two parties pass: whether the kz-2007 guarantee "
              "survived is UNVERIFIED)",
        "kk": "docs/law.md §5.5 (кедергіден екі партиядан аз өтсе: kz-2007 кепілдігінің "
              "сақталғаны РАСТАЛМАҒАН)",
        "ru": "docs/law.md §5.5 (барьер преодолели менее двух партий: сохранилась ли гарантия "
              "kz-2007, НЕ ПОДТВЕРЖДЕНО)",
    },
    "list.2007": {
        "en": "Constitutional Law on Elections Art. 97 (text in force 2007-2021); "
              "docs/law.md §6.1",
        "kk": f"{_ELECTIONS_LAW_GEN['kk']} 97-бабы (2007-2021 жылдары қолданылған "
              "редакциясы); docs/law.md §6.1",
        "ru": f"статья 97 {_ELECTIONS_LAW_GEN['ru']} (редакция, действовавшая в 2007-2021 "
              "годах); docs/law.md §6.1",
    },
    "list.2007.guarantee": {
        "en": "Constitutional Law on Elections, old Art. 97(2)-(3) (second-party guarantee, "
              "correction index 0.7); docs/law.md §6.2",
        "kk": f"{_ELECTIONS_LAW_GEN['kk']} бұрынғы редакциясындағы 97-бабының 2-3-тармақтары "
              "(екінші партия кепілдігі, түзету индексі 0.7); docs/law.md §6.2",
        "ru": f"пункты 2-3 статьи 97 {_ELECTIONS_LAW_GEN['ru']} в прежней редакции (гарантия "
              "второй партии, поправочный коэффициент 0.7); docs/law.md §6.2",
    },
    "list.2007.minimum": {
        "en": "IPU PARLINE ('at least two seats'); docs/law.md §6.3, UNVERIFIED",
        "kk": "IPU PARLINE («кемінде екі мандат»); docs/law.md §6.3, РАСТАЛМАҒАН",
        "ru": "IPU PARLINE («не менее двух мандатов»); docs/law.md §6.3, НЕ ПОДТВЕРЖДЕНО",
    },
    "list.2007.leftover": {
        "en": "docs/law.md §6.4: who takes the seats left over, UNVERIFIED",
        "kk": "docs/law.md §6.4: қалған мандаттарды кім алады, РАСТАЛМАҒАН",
        "ru": "docs/law.md §6.4: кому достаются оставшиеся мандаты, НЕ ПОДТВЕРЖДЕНО",
    },
    "list.2026": _2026,
    "list.2026.seats": {lang: _2026[lang] + _ASSUMED[lang] + _2022_SEATS[lang]
                        for lang in ("en", "kk", "ru")},
    "list.generic": {
        "en": "generic ruleset: the seats, threshold and method given with the election; "
              "docs/law.md §2.5",
        "kk": "generic ережелер жинағы: мандаттар саны, кедергі және әдіс сайлаумен бірге "
              "беріледі; docs/law.md §2.5",
        "ru": "набор правил generic: число мандатов, барьер и метод заданы вместе с выборами; "
              "docs/law.md §2.5",
    },
    "list.no_party": {
        "en": "docs/law.md §5.6 (the statute as read does not say what happens if no party "
              "passes)",
        "kk": "docs/law.md §5.6 (оқылған заң мәтінінде ешбір партия өтпесе не болатыны "
              "айтылмаған)",
        "ru": "docs/law.md §5.6 (в прочитанном тексте закона не сказано, что происходит, если "
              "ни одна партия не преодолела барьер)",
    },
    # --- candidates -----------------------------------------------------------------------------
    "cand.district": {
        "en": "Constitutional Law on Elections (single-member districts, as amended 2022); "
              "docs/law.md §5.7 (the most votes; no runoff, no turnout minimum)",
        "kk": "2022 жылғы өзгерістерімен «Қазақстан Республикасындағы сайлау туралы» "
              "Конституциялық заң (бір мандатты округтер); docs/law.md §5.7 (ең көп дауыс; "
              "қайта дауыс беру жоқ, қатысудың ең аз шегі жоқ)",
        "ru": "Конституционный закон «О выборах в Республике Казахстан» в редакции 2022 года "
              "(одномандатные округа); docs/law.md §5.7 (наибольшее число голосов; без "
              "повторного голосования, без минимальной явки)",
    },
    "cand.district_against_all": {
        "en": "docs/law.md §5.7 ('against all' first: nobody is elected, a repeat election; "
              "UNVERIFIED; never the runner-up)",
        "kk": "docs/law.md §5.7 («барлығына қарсы» бірінші: ешкім сайланбайды, қайталама "
              "сайлау; РАСТАЛМАҒАН; екінші орындағы кандидат ешқашан сайланбайды)",
        "ru": "docs/law.md §5.7 («против всех» на первом месте: никто не избран, повторные "
              "выборы; НЕ ПОДТВЕРЖДЕНО; кандидат со второго места никогда не избирается)",
    },
    "cand.district_tie": {
        "en": "docs/law.md §5.7 (a tie for first place is an explicit tie)",
        "kk": "docs/law.md §5.7 (бірінші орын үшін теңдік — ашық теңдік)",
        "ru": "docs/law.md §5.7 (равенство за первое место — явное равенство)",
    },
    "cand.president": {
        "en": "Constitution Art. 41; docs/law.md §9.1 (more than half of the votes of those who "
              "took part, 'against all' in the base; otherwise a runoff of the top two)",
        "kk": "Конституцияның 41-бабы; docs/law.md §9.1 (қатысқандар дауысының жартысынан "
              "көбі, «барлығына қарсы» базада; әйтпесе ең көп дауыс алған екі кандидат "
              "арасында қайта дауыс беру)",
        "ru": "статья 41 Конституции; docs/law.md §9.1 (более половины голосов принявших "
              "участие, «против всех» входит в базу; иначе повторное голосование между двумя "
              "кандидатами с наибольшим числом голосов)",
    },
    "cand.president_runoff": {
        "en": "docs/law.md §9.2 (the runoff: more votes than the other; UNVERIFIED)",
        "kk": "docs/law.md §9.2 (қайта дауыс беру: екіншісінен көп дауыс; РАСТАЛМАҒАН)",
        "ru": "docs/law.md §9.2 (повторное голосование: больше голосов, чем у другого; НЕ "
              "ПОДТВЕРЖДЕНО)",
    },
    "cand.senate_valid": {
        "en": "docs/law.md §8.2 (valid if more than half of the electors take part)",
        "kk": "docs/law.md §8.2 (таңдаушылардың жартысынан көбі қатысса, дауыс беру өтті деп "
              "есептеледі)",
        "ru": "docs/law.md §8.2 (голосование состоялось, если участвует более половины "
              "выборщиков)",
    },
    "cand.senate": {
        "en": "docs/law.md §8.3 (more than half of the votes of the electors who took part; "
              "otherwise a second round between the top two)",
        "kk": "docs/law.md §8.3 (қатысқан таңдаушылар дауысының жартысынан көбі; әйтпесе ең "
              "көп дауыс алған екі кандидат арасында екінші тур)",
        "ru": "docs/law.md §8.3 (более половины голосов участвовавших выборщиков; иначе "
              "второй тур между двумя кандидатами с наибольшим числом голосов)",
    },
    "cand.senate_round2": {
        "en": "docs/law.md §8.3 (second round: the most votes wins)",
        "kk": "docs/law.md §8.3 (екінші тур: ең көп дауыс алған жеңеді)",
        "ru": "docs/law.md §8.3 (второй тур: побеждает получивший больше голосов)",
    },
    "cand.rulesets": {"en": "docs/law.md §2", "kk": "docs/law.md §2", "ru": "docs/law.md §2"},
    "cand.sole": {
        "en": "docs/law.md §9.3 (a sole candidate without a majority cannot go to a runoff; "
              "UNVERIFIED)",
        "kk": "docs/law.md §9.3 (көпшілік дауыс алмаған жалғыз кандидат қайта дауыс беруге "
              "шыға алмайды; РАСТАЛМАҒАН)",
        "ru": "docs/law.md §9.3 (единственный кандидат без большинства не может выйти во "
              "второй тур; НЕ ПОДТВЕРЖДЕНО)",
    },
    # --- the Senate's composition ---------------------------------------------------------------
    "decide.complete": {
        "en": "docs/law.md §3.8 and §4.1 (a decision rests on the polling stations' protocols)",
        "kk": "docs/law.md §3.8 және §4.1 (шешім сайлау учаскелерінің хаттамаларына "
              "негізделеді)",
        "ru": "docs/law.md §3.8 и §4.1 (решение основано на протоколах избирательных "
              "участков)",
    },
    "decide.session": {
        "en": "docs/law.md §8.2 (a Senate seat is decided at the joint session of the unit's "
              "maslikhats)",
        "kk": "docs/law.md §8.2 (Сенаттағы орын бірліктің мәслихаттарының бірлескен "
              "отырысында шешіледі)",
        "ru": "docs/law.md §8.2 (место в Сенате решается на совместном заседании маслихатов "
              "единицы)",
    },
    "decide.area": {
        "en": "docs/law.md §3.6 (a republican referendum is decided over the country's "
              "top-level units)",
        "kk": "docs/law.md §3.6 (республикалық референдум елдің бірінші деңгейдегі "
              "бірліктері бойынша шешіледі)",
        "ru": "docs/law.md §3.6 (республиканский референдум решается по единицам первого "
              "уровня страны)",
    },
    "senate.composition": {
        "en": "Constitution Art. 50(2); docs/law.md §8.1",
        "kk": "Конституцияның 50-бабының 2-тармағы; docs/law.md §8.1",
        "ru": "пункт 2 статьи 50 Конституции; docs/law.md §8.1",
    },
    "senate.appointed": {"en": "docs/law.md §8.1", "kk": "docs/law.md §8.1",
                         "ru": "docs/law.md §8.1"},
}
