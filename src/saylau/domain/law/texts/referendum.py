"""The referendum's explanation (saylau.domain.law.referendum), in kk, ru and en."""

from __future__ import annotations

_READING_EN = "Reading in force ({key}={{value}}, UNVERIFIED): {{text}}"
_READING_KK = "Қолданылатын түсіндірме ({key}={{value}}, РАСТАЛМАҒАН): {{text}}"
_READING_RU = "Применяемое толкование ({key}={{value}}, НЕ ПОДТВЕРЖДЕНО): {{text}}"


def _reading(key: str, tail: str = "") -> dict[str, str]:
    """'Reading in force (key=value, UNVERIFIED): text' in the three languages."""
    return {
        "en": _READING_EN.format(key=key) + tail,
        "kk": _READING_KK.format(key=key) + tail,
        "ru": _READING_RU.format(key=key) + tail,
    }


TEMPLATES: dict[str, dict[str, str]] = {
    # --- the question and the ruleset -----------------------------------------------------------
    "ref.ruleset": {
        "en": "Ruleset {ruleset} ({question}): {same}",
        "kk": "Ережелер жинағы {ruleset} ({question}): {same}",
        "ru": "Набор правил {ruleset} ({question}): {same}",
    },
    "ref.question": {
        "en": "Question: {question}",
        "kk": "Мәселе: {question}",
        "ru": "Вопрос: {question}",
    },
    "ref.question.constitutional": {
        "en": "constitutional amendments",
        "kk": "Конституцияға түзетулер",
        "ru": "поправки в Конституцию",
    },
    "ref.question.ordinary": {
        "en": "an ordinary question",
        "kk": "кәдімгі мәселе",
        "ru": "обычный вопрос",
    },
    "ref.same.kz": {
        "en": "the referendum rules are identical under kz-2007, kz-2022 and kz-2026",
        "kk": "референдум ережелері kz-2007, kz-2022 және kz-2026 жинақтарында бірдей",
        "ru": "правила референдума одинаковы в наборах kz-2007, kz-2022 и kz-2026",
    },
    "ref.same.generic": {
        "en": "the generic ruleset applies the same referendum rules as kz-2007, kz-2022 "
              "and kz-2026",
        "kk": "generic ережелер жинағы kz-2007, kz-2022 және kz-2026 жинақтарындағы "
              "референдум ережелерін қолданады",
        "ru": "набор правил generic применяет те же правила референдума, что kz-2007, "
              "kz-2022 и kz-2026",
    },
    # --- the readings of the UNVERIFIED points --------------------------------------------------
    "ref.reading.participants": _reading("participants"),
    "ref.reading.two_thirds": _reading("two-thirds", "{note}"),
    "ref.reading.national": _reading("national-majority", "{note}"),
    "ref.participants.boxes": {
        "en": "participants = ballots found in the boxes (yes + no + both-marked + invalid); "
              "the other reading is 'ballots-issued'",
        "kk": "қатысушылар = жәшіктерден табылған бюллетеньдер («иә» + «жоқ» + екі жауабы да "
              "белгіленген + жарамсыз); екінші түсіндірме — 'ballots-issued'",
        "ru": "участники = бюллетени, обнаруженные в ящиках для голосования («да» + «нет» + "
              "с отметками за оба ответа + недействительные); другое толкование — "
              "'ballots-issued'",
    },
    "ref.participants.issued": {
        "en": "participants = ballots issued to voters; the other (default) reading is "
              "'ballots-in-boxes'",
        "kk": "қатысушылар = сайлаушыларға берілген бюллетеньдер; екінші (әдепкі) түсіндірме "
              "— 'ballots-in-boxes'",
        "ru": "участники = бюллетени, выданные избирателям; другое толкование (по умолчанию) "
              "— 'ballots-in-boxes'",
    },
    "ref.two_thirds.exact": {
        "en": "two-thirds of N units = the least k with 3·k >= 2·N; the other is 'floor'",
        "kk": "N бірліктің үштен екісі = 3·k >= 2·N болатын ең кіші k; екіншісі — 'floor'",
        "ru": "две трети от N единиц = наименьшее k, при котором 3·k >= 2·N; другое — "
              "'floor'",
    },
    "ref.two_thirds.floor": {
        "en": "two-thirds of N units = floor(2·N/3), at least 1; the other is 'exact'",
        "kk": "N бірліктің үштен екісі = floor(2·N/3), кемінде 1; екіншісі — 'exact'",
        "ru": "две трети от N единиц = floor(2·N/3), но не менее 1; другое — 'exact'",
    },
    "ref.two_thirds.ordinary": {
        "en": " (not applicable to an ordinary question)",
        "kk": " (кәдімгі мәселеге қолданылмайды)",
        "ru": " (к обычному вопросу не применяется)",
    },
    "ref.national.not_required": {
        "en": "a national yes majority is reported but is not a separate condition; the other "
              "reading is 'required'",
        "kk": "ел бойынша «иә» көпшілігі көрсетіледі, бірақ жеке шарт емес; екінші түсіндірме "
              "— 'required'",
        "ru": "большинство «да» по стране сообщается, но не является отдельным условием; "
              "другое толкование — 'required'",
    },
    "ref.national.required": {
        "en": "a national yes majority is a separate condition; the other (default) reading is "
              "'not-required'",
        "kk": "ел бойынша «иә» көпшілігі — жеке шарт; екінші (әдепкі) түсіндірме — "
              "'not-required'",
        "ru": "большинство «да» по стране — отдельное условие; другое толкование (по "
              "умолчанию) — 'not-required'",
    },
    "ref.national.ordinary_note": {
        "en": " (an ordinary question is decided by the national majority anyway)",
        "kk": " (кәдімгі мәселе бәрібір ел бойынша көпшілікпен шешіледі)",
        "ru": " (обычный вопрос в любом случае решается большинством по стране)",
    },
    # --- how complete the figures are -----------------------------------------------------------
    "ref.provisional": {
        "en": "PROVISIONAL: {reported} of {expected} polling stations have reported; the "
              "decision waits for {missing} more station(s). The figures below are provisional",
        "kk": "АЛДЫН АЛА: {expected} сайлау учаскесінің {reported} учаскесі хабарлады; шешім "
              "тағы {missing} учаскені күтеді. Төмендегі сандар алдын ала берілген",
        "ru": "ПРЕДВАРИТЕЛЬНО: сообщили избирательные участки — {reported} из {expected}; "
              "решение ждёт остальных ({missing}). Приведённые ниже данные предварительные",
    },
    "ref.all_reported": {
        "en": "All {n} polling stations have reported",
        "kk": "Барлық {n} сайлау учаскесі хабарлады",
        "ru": "Сообщили все избирательные участки ({n})",
    },
    "ref.given_complete": {
        "en": "The figures are given as complete and final",
        "kk": "Сандар толық және түпкілікті ретінде берілген",
        "ru": "Данные представлены как полные и окончательные",
    },
    # --- ballots and participants ---------------------------------------------------------------
    "ref.tally": {
        "en": "yes {yes} + no {no} + both-marked {both} + invalid {invalid} = {in_boxes} "
              "ballots in the boxes",
        "kk": "«иә» {yes} + «жоқ» {no} + екі жауабы да белгіленген {both} + жарамсыз "
              "{invalid} = жәшіктердегі {in_boxes} бюллетень",
        "ru": "«да» {yes} + «нет» {no} + с отметками за оба ответа {both} + недействительные "
              "{invalid} = бюллетеней в ящиках: {in_boxes}",
    },
    "ref.tally.boxes": {
        "en": "{tally}; both-marked and invalid ballots count as participants but not as yes: "
              "{participants} participants",
        "kk": "{tally}; екі жауабы да белгіленген және жарамсыз бюллетеньдер қатысушылар "
              "санына кіреді, бірақ «иә» болып саналмайды: {participants} қатысушы",
        "ru": "{tally}; бюллетени с отметками за оба ответа и недействительные учитываются "
              "как участники, но не как «да»: участников — {participants}",
    },
    "ref.tally.issued": {
        "en": "{tally}; under the ballots-issued reading the {participants} ballots issued are "
              "the participants (both-marked, invalid and unreturned ballots count as "
              "participants but not as yes)",
        "kk": "{tally}; ballots-issued түсіндірмесі бойынша берілген {participants} бюллетень "
              "— қатысушылар (екі жауабы да белгіленген, жарамсыз және қайтарылмаған "
              "бюллетеньдер қатысушылар санына кіреді, бірақ «иә» болып саналмайды)",
        "ru": "{tally}; при толковании ballots-issued участники — выданные бюллетени "
              "({participants}) (бюллетени с отметками за оба ответа, недействительные и "
              "невозвращённые учитываются как участники, но не как «да»)",
    },
    # --- validity -------------------------------------------------------------------------------
    "ref.turnout.valid": {
        "en": "Turnout: {participants} of {registered} citizens on the lists took part "
              "({turnout}); more than half is needed (2 × {participants} = {double} > "
              "{registered}): {provisionally}the referendum is valid",
        "kk": "Қатысу: тізімге енгізілген {registered} азаматтың {participants} азаматы "
              "қатысты ({turnout}); жартысынан көбі қажет (2 × {participants} = {double} > "
              "{registered}): {provisionally}референдум өтті деп есептеледі",
        "ru": "Явка: приняли участие — {participants}, граждан в списках — {registered} "
              "({turnout}); требуется более половины (2 × {participants} = {double} > "
              "{registered}): {provisionally}референдум состоялся",
    },
    "ref.turnout.invalid": {
        "en": "Turnout: {participants} of {registered} citizens on the lists took part "
              "({turnout}); more than half is needed (2 × {participants} = {double} <= "
              "{registered}): {provisionally}the referendum is NOT valid",
        "kk": "Қатысу: тізімге енгізілген {registered} азаматтың {participants} азаматы "
              "қатысты ({turnout}); жартысынан көбі қажет (2 × {participants} = {double} <= "
              "{registered}): {provisionally}референдум ӨТПЕДІ деп есептеледі",
        "ru": "Явка: приняли участие — {participants}, граждан в списках — {registered} "
              "({turnout}); требуется более половины (2 × {participants} = {double} <= "
              "{registered}): {provisionally}референдум НЕ состоялся",
    },
    # --- the national yes share -----------------------------------------------------------------
    "ref.national.more": {
        "en": "National yes share: {yes} of {participants} participants voted yes ({share}): "
              "more than half (2 × {yes} = {double} > {participants})",
        "kk": "Ел бойынша «иә» үлесі: {participants} қатысушының {yes} қатысушысы «иә» деп "
              "дауыс берді ({share}): жартысынан көп (2 × {yes} = {double} > {participants})",
        "ru": "Доля «да» по стране: проголосовали «да» — {yes}, участников — {participants} "
              "({share}): больше половины (2 × {yes} = {double} > {participants})",
    },
    "ref.national.not_more": {
        "en": "National yes share: {yes} of {participants} participants voted yes ({share}): "
              "not more than half (2 × {yes} = {double} <= {participants})",
        "kk": "Ел бойынша «иә» үлесі: {participants} қатысушының {yes} қатысушысы «иә» деп "
              "дауыс берді ({share}): жартысынан көп емес (2 × {yes} = {double} <= "
              "{participants})",
        "ru": "Доля «да» по стране: проголосовали «да» — {yes}, участников — {participants} "
              "({share}): не больше половины (2 × {yes} = {double} <= {participants})",
    },
    "ref.national.constitutional": {
        "en": "{national}; {role} (UNVERIFIED)",
        "kk": "{national}; {role} (РАСТАЛМАҒАН)",
        "ru": "{national}; {role} (НЕ ПОДТВЕРЖДЕНО)",
    },
    "ref.national.ordinary": {
        "en": "{national}; this decides an ordinary question",
        "kk": "{national}; кәдімгі мәселе осымен шешіледі",
        "ru": "{national}; этим решается обычный вопрос",
    },
    "ref.role.required": {
        "en": "a condition under the 'required' reading",
        "kk": "'required' түсіндірмесі бойынша шарт",
        "ru": "условие при толковании 'required'",
    },
    "ref.role.not_required": {
        "en": "reported only, not a condition under the 'not-required' reading",
        "kk": "тек көрсетіледі, 'not-required' түсіндірмесі бойынша шарт емес",
        "ru": "только сообщается, при толковании 'not-required' не является условием",
    },
    # --- the top-level units --------------------------------------------------------------------
    "ref.unit": {
        "en": "{name}: {yes} yes of {participants} participants ({share}): {mark}{provisional}",
        "kk": "{name}: {participants} қатысушының {yes} қатысушысы «иә» ({share}): "
              "{mark}{provisional}",
        "ru": "{name}: «да» — {yes}, участников — {participants} ({share}): "
              "{mark}{provisional}",
    },
    "ref.unit.majority": {"en": "majority", "kk": "көпшілік бар", "ru": "большинство есть"},
    "ref.unit.no_majority": {"en": "no majority", "kk": "көпшілік жоқ", "ru": "большинства нет"},
    "ref.units": {
        "en": "Yes majority in {k} of {n} top-level units; no fewer than two-thirds of {n} = "
              "{required} are needed ({how}): {provisionally}the units condition is {met}",
        "kk": "«Иә» көпшілігі облыстардың, республикалық маңызы бар қалалардың және астананың "
              "{n} бірлігінің {k} бірлігінде; {n} бірліктің кемінде үштен екісі = {required} "
              "қажет ({how}): {provisionally}бірліктер шарты {met}",
        "ru": "Большинство «да» — в единицах первого уровня (области, города республиканского "
              "значения, столица): {k} из {n}; требуется не менее двух третей от {n} = "
              "{required} ({how}): {provisionally}условие по единицам {met}",
    },
    "ref.units.met": {"en": "met", "kk": "орындалды", "ru": "выполнено"},
    "ref.units.not_met": {"en": "NOT met", "kk": "ОРЫНДАЛМАДЫ", "ru": "НЕ выполнено"},
    "ref.how.exact": {
        "en": "exact: 3 × {required} = {required3} >= 2 × {n} = {n2}, the least such count",
        "kk": "exact: 3 × {required} = {required3} >= 2 × {n} = {n2}, осындай ең кіші сан",
        "ru": "exact: 3 × {required} = {required3} >= 2 × {n} = {n2}, наименьшее такое число",
    },
    "ref.how.floor": {
        "en": "floor: floor(2 × {n} / 3) = {floor}, at least 1",
        "kk": "floor: floor(2 × {n} / 3) = {floor}, кемінде 1",
        "ru": "floor: floor(2 × {n} / 3) = {floor}, но не менее 1",
    },
    # --- the conclusion -------------------------------------------------------------------------
    "ref.decision.pending": {
        "en": "Decision: PENDING until every polling station has reported",
        "kk": "Шешім: барлық сайлау учаскелері хабарлағанға дейін КҮТІЛУДЕ",
        "ru": "Решение: ОЖИДАЕТСЯ, пока не сообщат все избирательные участки",
    },
    "ref.decision.invalid": {
        "en": "Decision: the referendum is NOT valid (turnout not more than half); not adopted",
        "kk": "Шешім: референдум ӨТПЕДІ деп есептеледі (қатысу жартысынан көп емес); "
              "қабылданбады",
        "ru": "Решение: референдум НЕ состоялся (явка не больше половины); вынесенное на "
              "референдум не принято",
    },
    "ref.decision.not_adopted": {
        "en": "Decision: the referendum is valid; NOT adopted ({why})",
        "kk": "Шешім: референдум өтті деп есептеледі; ҚАБЫЛДАНБАДЫ ({why})",
        "ru": "Решение: референдум состоялся; вынесенное на референдум НЕ ПРИНЯТО ({why})",
    },
    "ref.why.units": {
        "en": "too few top-level units with a yes majority",
        "kk": "«иә» көпшілігі бар бірінші деңгейдегі бірліктер тым аз",
        "ru": "слишком мало единиц первого уровня с большинством «да»",
    },
    "ref.why.national": {
        "en": "no national yes majority",
        "kk": "ел бойынша «иә» көпшілігі жоқ",
        "ru": "нет большинства «да» по стране",
    },
    "ref.decision.adopted.constitutional": {
        "en": "Decision: the referendum is valid; the constitutional amendments are ADOPTED",
        "kk": "Шешім: референдум өтті деп есептеледі; Конституцияға түзетулер ҚАБЫЛДАНДЫ",
        "ru": "Решение: референдум состоялся; поправки в Конституцию ПРИНЯТЫ",
    },
    "ref.decision.adopted.ordinary": {
        "en": "Decision: the referendum is valid; the question is ADOPTED",
        "kk": "Шешім: референдум өтті деп есептеледі; мәселе ҚАБЫЛДАНДЫ",
        "ru": "Решение: референдум состоялся; вопрос ПРИНЯТ",
    },
}
