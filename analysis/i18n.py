"""Every text a report shows, in Russian and English: one table, no prose in notebooks."""

from __future__ import annotations

import re

from .config import LANGUAGES
from .errors import ParameterError

TEXTS: dict[str, dict[str, str]] = {
    # report titles and header facts
    "title.diagnose": {"ru": "Диагностика жалобы на лиды", "en": "Lead complaint diagnosis"},
    "title.experiment": {"ru": "Оценка эксперимента с рекламой", "en": "Ad experiment evaluation"},
    "title.quarterly": {"ru": "Квартальный отчёт по лидам", "en": "Quarterly lead report"},
    "title.monitor": {"ru": "Еженедельный монитор лидов", "en": "Weekly lead monitor"},
    "fact.run_date": {"ru": "Дата отчёта", "en": "Report date"},
    "fact.scope": {"ru": "Предмет", "en": "Scope"},
    "fact.no_dates": {"ru": "в выгрузке нет дат создания лидов", "en": "the export has no lead creation dates"},
    "fact.period": {"ru": "Выгрузка охватывает", "en": "The export covers"},
    "fact.as_of": {"ru": "Данные на", "en": "Data as of"},
    "toc": {"ru": "Содержание", "en": "Contents"},
    "footer": {"ru": "leadaudit {version} · отчёт построен автоматически по выгрузке CRM; "
                     "все числа посчитаны из данных при каждом запуске",
               "en": "leadaudit {version} · generated from the CRM export; every number is computed "
                     "from the data on each run"},
    "scope.all": {"ru": "все лиды", "en": "all leads"},
    # sections
    "section.appendix": {"ru": "Приложение: параметры, файлы, отброшенные строки",
                         "en": "Appendix: parameters, files, dropped rows"},
    # overview
    "overview.no_dates": {
        "ru": "В выгрузке нет даты создания лида: периоды, тренды и зрелость лидов не анализируются.",
        "en": "The export has no lead creation date: periods, trends and lead maturity are not analysed.",
    },
    "col.channel": {"ru": "Канал", "en": "Channel"},
    "col.leads": {"ru": "Лиды", "en": "Leads"},
    "col.repeats": {"ru": "Повторные", "en": "Repeats"},
    "col.contacted": {"ru": "Контакт", "en": "Contacted"},
    "col.qualified": {"ru": "Квалиф.", "en": "Qualified"},
    "col.visited": {"ru": "Визит", "en": "Visit"},
    "col.won": {"ru": "Сделка", "en": "Deal"},
    "col.spend": {"ru": "Расход, ₽", "en": "Spend, ₽"},
    "col.total": {"ru": "Итого", "en": "Total"},
    "col.stage": {"ru": "Этап", "en": "Stage"},
    "col.share": {"ru": "Доля", "en": "Share"},
    "plot.monthly.y": {"ru": "Число лидов", "en": "Number of leads"},
    "stage.leads": {"ru": "Лиды", "en": "Leads"},
    "stage.contacted": {"ru": "Контакт", "en": "Contacted"},
    "stage.qualified": {"ru": "Квалифицированные", "en": "Qualified"},
    "stage.visited": {"ru": "Визит", "en": "Visit"},
    "stage.won": {"ru": "Сделка", "en": "Deal"},
    "unknown": {"ru": "не указан", "en": "not given"},
    # appendix
    "appendix.parameters": {"ru": "Параметры запуска", "en": "Run parameters"},
    "appendix.inputs": {"ru": "Входные файлы", "en": "Input files"},
    "appendix.database_query": {"ru": "запрос к PostgreSQL (запрос — в параметрах)",
                                "en": "PostgreSQL query (the query is in the parameters)"},
    "appendix.issues": {"ru": "Строки, отброшенные или помеченные при загрузке",
                        "en": "Rows dropped or flagged while loading"},
    "appendix.no_issues": {"ru": "Ни одна строка не отброшена.", "en": "No row was dropped."},
    "appendix.methods": {"ru": "Методы", "en": "Methods"},
    "appendix.days": {"ru": "дней", "en": "days"},
    "appendix.methods.text": {
        "ru": "Выгрузка прочитана как есть (кодировка, разделитель и строка заголовка определены автоматически), "
              "сопоставлена по файлу соответствий «{mapping}». Точные дубли строк удалены; при повторе ID "
              "оставлена первая строка. Телефоны и e-mail нормализованы и захешированы с ключом, который живёт "
              "только во время загрузки: в отчёт они не попадают. Повторные обращения одного человека "
              "(общий телефон или e-mail) в течение {window} дней помечены как повторные, заслугу сохраняет "
              "первый лид. Скорость ответа считается в рабочих минутах ({hours}{holidays}). "
              "Этап считается достигнутым, если лиду не меньше окна зрелости: {maturity}.",
        "en": "The export was read as is (encoding, separator and header row detected), mapped with «{mapping}». "
              "Exact duplicate rows were removed; for a repeated ID the first row was kept. Phones and e-mails "
              "were normalised and hashed with a key that lives only while loading: they never reach the report. "
              "Repeat requests of one person (shared phone or e-mail) within {window} days are marked as repeats; "
              "the first lead keeps the credit. Response speed is measured in working minutes ({hours}{holidays}). "
              "A stage counts as reachable once a lead is older than its maturity window: {maturity}.",
    },
    "appendix.holidays_closed": {"ru": ", праздники ({country}) — выходные", "en": ", public holidays ({country}) closed"},
    "appendix.version": {"ru": "Версия leadaudit: {version}", "en": "leadaudit version: {version}"},
    "col.parameter": {"ru": "Параметр", "en": "Parameter"},
    "col.value": {"ru": "Значение", "en": "Value"},
    "col.file": {"ru": "Файл", "en": "File"},
    "col.kind": {"ru": "Тип", "en": "Kind"},
    "col.format": {"ru": "Формат", "en": "Format"},
    "col.rows_read": {"ru": "Строк прочитано", "en": "Rows read"},
    "col.rows_used": {"ru": "Строк использовано", "en": "Rows used"},
    "col.issue": {"ru": "Что", "en": "What"},
    "col.count": {"ru": "Строк", "en": "Rows"},
    "col.lost_count": {"ru": "Отказов", "en": "Lost"},
    "col.action": {"ru": "Действие", "en": "Action"},
    "col.examples": {"ru": "Примеры", "en": "Examples"},
    "action.dropped": {"ru": "отброшены", "en": "dropped"},
    "action.kept": {"ru": "оставлены", "en": "kept"},
    "kind.leads": {"ru": "лиды", "en": "leads"},
    "kind.spend": {"ru": "расходы", "en": "spend"},
    # lineage issue codes (also the JSON warning texts)
    "issue.duplicate_rows": {"ru": "точные дубли строк (сбой выгрузки или многократная отправка формы)",
                             "en": "exact duplicate rows (export glitch or a form sent several times)"},
    "issue.no_id": {"ru": "нет ID лида", "en": "no lead ID"},
    "issue.no_status": {"ru": "пустой статус", "en": "empty status"},
    "issue.bad_created_at": {"ru": "дата создания не распознана", "en": "creation date not recognised"},
    "issue.bad_date": {"ru": "дата не распознана", "en": "date not recognised"},
    "issue.no_spend": {"ru": "расход не распознан", "en": "spend not recognised"},
    "issue.duplicate_ids": {"ru": "повтор ID с другими значениями: оставлена первая строка",
                            "en": "repeated ID with different values: the first row was kept"},
    "issue.created_after_as_of": {"ru": "лид создан позже даты выгрузки (as_of)",
                                  "en": "lead created after the export date (as_of)"},
    "issue.unknown_channel": {"ru": "канал не указан: оставлены как «не указан»",
                              "en": "no channel: kept as «not given»"},
    "issue.unknown_campaign": {"ru": "кампания не указана", "en": "no campaign"},
    "issue.unknown_model": {"ru": "модель не указана", "en": "no model"},
    "issue.unknown_manager": {"ru": "менеджер не указан", "en": "no manager"},
    "issue.unparsed_values": {"ru": "значения не распознаны (оставлены пустыми)",
                              "en": "values not recognised (left empty)"},
    "issue.unmapped_reasons": {"ru": "причины отказа не из справочника: учтены как «другое»",
                               "en": "loss reasons not in the mapping: counted as «other»"},
    "issue.missing_reasons": {"ru": "отказ без причины", "en": "lost without a reason"},
    "issue.response_before_created": {"ru": "первая попытка связи раньше создания лида: время ответа не учтено",
                                      "en": "first attempt before the lead was created: response time ignored"},
    "issue.repeat_leads": {"ru": "повторные обращения тех же людей (помечены)",
                           "en": "repeat requests of the same people (marked)"},
    # statistics: plain-language summaries (analysis.stats); "{label}" etc. are filled in by the caller
    "stats.no_data": {"ru": "Нет данных{label}: сравнивать не с чем.", "en": "No data{label}: nothing to compare."},
    "stats.rate": {"ru": "{metric} {label}: {rate} ({ci}; {count} из {nobs}).",
                   "en": "{metric} {label}: {rate} ({ci}; {count} of {nobs})."},
    "stats.compare.below": {"ru": "{metric} у {label1} — {rate1} ({ci1}), ниже, чем у {label2} — {rate2}",
                            "en": "{label1_of} {metric} is {rate1} ({ci1}), below {label2_of} {rate2}"},
    "stats.compare.above": {"ru": "{metric} у {label1} — {rate1} ({ci1}), выше, чем у {label2} — {rate2}",
                            "en": "{label1_of} {metric} is {rate1} ({ci1}), above {label2_of} {rate2}"},
    "stats.compare.equal": {"ru": "{metric} у {label1} — {rate1} ({ci1}), как и у {label2} — {rate2}",
                            "en": "{label1_of} {metric} is {rate1} ({ci1}), the same as {label2_of} {rate2}"},
    "stats.beyond_chance": {"ru": "разница больше, чем объясняется случайностью ({p})",
                            "en": "the difference is larger than chance explains ({p})"},
    "stats.within_chance": {"ru": "такую разницу может дать и случайность: данных недостаточно, чтобы их различить ({p})",
                            "en": "chance alone could produce a difference like this: the data cannot tell them apart ({p})"},
    "stats.ratio": {"ru": "{metric}: {label1} к {label2} — {ratio} (от {low} до {high})",
                    "en": "{metric}, {label1} to {label2}: {ratio} ({low} to {high})"},
    "stats.noninferior.shown": {
        "ru": "{metric} у {label1} не хуже, чем у {label2}, больше чем на {margin}: это показано ({p}).",
        "en": "{label1}'s {metric} is shown to be no worse than {label2}'s by more than {margin} ({p})."},
    "stats.noninferior.not_shown": {
        "ru": "Данных недостаточно, чтобы утверждать, что {metric} у {label1} не хуже, чем у {label2} "
              "(допуск {margin}, {p}); это не значит, что он хуже.",
        "en": "There is not enough evidence that {label1}'s {metric} is no worse than {label2}'s (margin {margin}, {p}); "
              "that does not mean it is worse."},
    "stats.scan.none": {"ru": "Ни одна группа не отличается по показателю «{metric}» от остальных сильнее, чем объясняет "
                              "случайность, с поправкой на множественные сравнения (общий тест {p}).",
                        "en": "No group differs from the rest in {metric} by more than chance explains once the scan "
                              "is corrected for multiple comparisons (overall test {p})."},
    "stats.scan.some": {"ru": "Отличаются от остальных по показателю «{metric}» сверх шума (с поправкой на число каналов): {groups}.",
                        "en": "Groups that differ from the rest in {metric} (corrected for multiple comparisons): {groups}."},
    "stats.association.some": {"ru": "Состав причин различается ({p}, сила связи {v} из 1); чаще ожидаемого: {cells}.",
                               "en": "The mix differs ({p}, strength of association {v} of 1); more often than expected: {cells}."},
    "group.scope": {"ru": "у предмета жалобы", "en": "in scope"},
    "group.baseline": {"ru": "в базе", "en": "in the baseline"},
    "stats.association.none": {"ru": "Состав причин не отличается сильнее, чем объясняет случайность ({p}).",
                               "en": "The mix does not differ by more than chance explains ({p})."},
    "stats.srm.mismatch": {"ru": "Трафик разделился не по плану ({p}): сравнение групп может быть искажено.",
                           "en": "Traffic did not split as planned ({p}): the arms may not be comparable."},
    "stats.srm.ok": {"ru": "Трафик разделился по плану ({p}).", "en": "Traffic split as planned ({p})."},
    "stats.adjusted_gap": {
        "ru": "{metric} при одинаковой обработке: {scope} против {baseline}, отставание {gap} (от {low} до {high}); "
              "сравнение покрывает {coverage} базы.",
        "en": "{metric} with processing held equal: {scope} vs {baseline}, a gap of {gap} ({low} to {high}); "
              "the comparison covers {coverage} of the baseline."},
    "stats.mantel_haenszel": {
        "ru": "Отношение шансов внутри групп {odds} (от {low} до {high}), без учёта групп — {crude} ({p}).",
        "en": "Odds ratio within strata {odds} ({low} to {high}); crude {crude} ({p})."},
    "stats.not_reached": {"ru": "не достигнут", "en": "not reached"},
    "stats.time_to_contact": {
        "ru": "Время до первого контакта (рабочие минуты): медиана {median}, 90-й процентиль {p90}; лидов {n}.",
        "en": "Time to first contact (working minutes): median {median}, 90th percentile {p90}; {n} leads."},
    "stats.warning.no_data": {"ru": "нет данных", "en": "no data"},
    "stats.warning.small_sample": {"ru": "мало наблюдений: точный тест", "en": "small counts: exact test used"},
    "stats.warning.all_same_outcome": {"ru": "у всех один и тот же исход", "en": "every observation has the same outcome"},
    "stats.warning.ratio_undefined": {"ru": "отношение не определено (ноль в знаменателе)",
                                      "en": "ratio undefined (zero in the denominator)"},
    "stats.warning.not_reached": {"ru": "квантиль не достигнут", "en": "quantile not reached"},
    "stats.warning.merged_categories": {"ru": "редкие категории объединены в «другое»",
                                        "en": "rare categories merged into «other»"},
    "stats.warning.monte_carlo": {"ru": "p-значение методом Монте-Карло (мало ожидаемых наблюдений)",
                                  "en": "p-value by Monte Carlo (small expected counts)"},
    "stats.warning.overdispersed": {"ru": "разброс больше пуассоновского: интервалы расширены",
                                    "en": "more variation than Poisson: intervals widened"},
    "stats.warning.no_variation": {"ru": "различий между группами не видно: оценки стянуты к общей",
                                   "en": "no between-group variation: estimates shrunk to the pooled rate"},
    "stats.warning.low_coverage": {"ru": "сравнение покрывает меньше 80% базы", "en": "the comparison covers under 80% of the baseline"},
    "stats.warning.not_enough_groups": {"ru": "меньше двух групп для сравнения", "en": "fewer than two groups to compare"},
    "stats.warning.bootstrap": {"ru": "интервал бутстрепом по дням", "en": "interval by bootstrap over days"},
}


def check_lang(lang: str) -> str:
    """Validate a language code."""
    if lang not in LANGUAGES:
        raise ParameterError(f"language «{lang}» is not supported", hint=f"use one of: {', '.join(LANGUAGES)}")
    return lang


def t(key: str, lang: str, **values: object) -> str:
    """The text ``key`` in ``lang``, formatted with ``values``."""
    entry = TEXTS[key]
    text = entry[check_lang(lang)]
    if lang == "en":  # English prose takes English quotes
        text = text.replace("«", "“").replace("»", "”")
    text = text.format(**values) if values else text
    return agree(text) if lang == "ru" else text


#: Russian nouns a report counts: the forms for 1, for 2–4 and for 5+ (nominative/accusative),
#: and the genitive singular (after «у», «из», «от», «около», «для», «без», «до» the count takes
#: the genitive: «у 1 лида», «у 3 лидов»)
_NOUNS = {
    "лид": ("лид", "лида", "лидов", "лида"), "отказ": ("отказ", "отказа", "отказов", "отказа"),
    "звонок": ("звонок", "звонка", "звонков", "звонка"), "день": ("день", "дня", "дней", "дня"),
    "неделя": ("неделя", "недели", "недель", "недели"), "менеджер": ("менеджер", "менеджера", "менеджеров", "менеджера"),
    "кампания": ("кампания", "кампании", "кампаний", "кампании"),
    "строка": ("строка", "строки", "строк", "строки"), "канал": ("канал", "канала", "каналов", "канала"),
    "пользователь": ("пользователь", "пользователя", "пользователей", "пользователя"),
    "обращение": ("обращение", "обращения", "обращений", "обращения"),
}
_FORMS = {form: lemma for lemma, forms in _NOUNS.items() for form in forms}
_GENITIVE = {"у", "из", "от", "около", "для", "без", "до", "меньше", "больше", "более", "менее"}
_COUNTED = re.compile(r"(?:(\w+)\s+)?(\d[\d\u202f\u00a0]*(?:,\d+)?)\s(" + "|".join(sorted(_FORMS, key=len, reverse=True))
                      + r")(?![а-яё])", re.IGNORECASE)


def plural_index(number: str) -> int:
    """0 for «1 лид», 1 for «3 лида», 2 for «5 лидов», 3 for a fraction («2,5 лида»)."""
    if "," in number:
        return 3
    n = int(re.sub(r"\D", "", number) or 0)
    if n % 10 == 1 and n % 100 != 11:
        return 0
    if 2 <= n % 10 <= 4 and not 12 <= n % 100 <= 14:
        return 1
    return 2


def agree(text: str) -> str:
    """Russian: the counted nouns agree with their numbers («643 лида», «у 1 лида», «21 день»)."""
    def fix(match: re.Match) -> str:
        before, number, noun = match.group(1), match.group(2), match.group(3)
        forms = _NOUNS[_FORMS[noun.lower()]]
        index = plural_index(number)
        if before and before.lower() in _GENITIVE:  # genitive: singular for 1, plural for the rest
            index = 3 if index in (0, 3) else 2
        word = forms[index]
        if noun[0].isupper():
            word = word.capitalize()
        return match.group(0)[: match.start(3) - match.start(0)] + word
    return _COUNTED.sub(fix, text)


# complaint diagnosis (analysis.diagnosis_report)
TEXTS.update({
    "dx.section.verdict": {"ru": "Как получен вывод", "en": "How the verdict was reached"},
    "dx.section.scope": {"ru": "Предмет жалобы и проверка данных", "en": "Scope and data checks"},
    "dx.section.funnel": {"ru": "Воронка: предмет жалобы против базы", "en": "Funnel: scope vs baseline"},
    "dx.section.channels": {"ru": "Все каналы рядом", "en": "All channels side by side"},
    "dx.section.processing": {"ru": "Обработка лидов", "en": "Lead processing"},
    "dx.section.reasons": {"ru": "Причины отказа", "en": "Disqualification reasons"},
    "dx.section.trend": {"ru": "Динамика по неделям", "en": "Weekly trend"},
    "dx.section.label_noise": {"ru": "Насколько по-разному менеджеры квалифицируют лиды",
                               "en": "How differently managers qualify leads"},
    "dx.section.actions": {"ru": "Во что обходятся лиды", "en": "What the leads cost"},
    "dx.complaint": {"ru": "Жалоба: «{text}»", "en": "Complaint: «{text}»"},
    "dx.verdict.supported": {"ru": "Жалоба подтверждается", "en": "The complaint is supported"},
    "dx.verdict.partly_supported": {"ru": "Жалоба подтверждается частично", "en": "The complaint is partly supported"},
    "dx.verdict.not_supported": {"ru": "Жалоба не подтверждается", "en": "The complaint is not supported"},
    "dx.verdict.insufficient_data": {"ru": "Данных недостаточно для вывода", "en": "Not enough data to judge"},
    "dx.location.lead_quality": {"ru": "Проблема, скорее всего, в качестве лидов (маркетинг).",
                                 "en": "The problem most likely sits in lead quality (marketing)."},
    "dx.location.processing": {"ru": "Проблема, скорее всего, в обработке лидов (продажи).",
                               "en": "The problem most likely sits in lead processing (sales)."},
    "dx.location.both": {"ru": "Есть признаки и проблем с качеством лидов, и проблем с их обработкой.",
                         "en": "There are signs of both: lead quality and lead processing."},
    "dx.location.neither": {"ru": "Ни качество лидов, ни их обработка не выглядят проблемой.",
                            "en": "Neither lead quality nor processing looks like a problem."},
    "dx.location.unknown": {"ru": "Где именно проблема, по этим данным сказать нельзя.",
                            "en": "Where the problem sits cannot be told from this data."},
    "dx.metric.contact_rate": {"ru": "доля лидов, с которыми связались", "en": "share of leads contacted"},
    "dx.metric.qualified_of_contacted": {"ru": "доля квалифицированных среди тех, с кем связались",
                                         "en": "qualified share of contacted leads"},
    "dx.metric.qualified_rate": {"ru": "доля квалифицированных лидов", "en": "qualified share of leads"},
    "dx.metric.reason_rate": {"ru": "доля отказов по причине «{reason}» среди тех, с кем связались",
                              "en": "share of contacted leads lost as «{reason}»"},
    "dx.metric.repeat_rate": {"ru": "доля повторных обращений и дублей", "en": "share of repeats and duplicate rows"},
    "dx.numbers.manager": {"ru": " и менеджеров", "en": " and managers"},
    "dx.numbers.clock_disagrees": {
        "ru": "Это согласуется с медленной обработкой: разница в качестве лидов исчезает, если время ответа считать по "
              "часам, а не в рабочих минутах. Поэтому она не считается доказательством плохих лидов.",
        "en": "This is consistent with slow processing: the quality difference disappears when response time is "
              "measured in clock time rather than working minutes, so it is not taken as evidence of worse leads."},
    "dx.numbers.clock_only": {
        "ru": "По часам разница в качестве держится, а в рабочих минутах — нет: вывод о качестве лидов неустойчив.",
        "en": "The quality difference holds on the clock but not in working minutes: the lead-quality finding is not "
              "robust."},
    "dx.numbers.share": {"ru": " Обработкой объясняется {share} исходного разрыва.",
                         "en": " Processing accounts for {share} of the crude gap."},
    "dx.numbers.no_processing": {"ru": "В выгрузке нет времени ответа и менеджеров: учесть обработку нельзя.",
                                 "en": "The export has no response times or managers: processing cannot be held equal."},
    "dx.confidence": {
        "ru": "Как читать {p}: если бы лиды предмета жалобы на самом деле не отличались от базы, разрыв такого размера "
              "или больше встречался бы случайно с такой вероятностью. Это не вероятность того, что жалоба верна. "
              "Интервал — диапазон разрывов, согласующихся с данными на уровне {level}.",
        "en": "How to read {p}: if the scope's leads were really no different from the baseline, a gap this large or "
              "larger would arise by chance with this probability. It is not the probability that the complaint is "
              "true. The interval is the range of gaps consistent with the data at the {level} level."},
    "dx.causal": {
        "ru": "Учёт обработки — это довод «согласуется с причиной», а не доказательство: менеджеры могут звонить "
              "первыми более перспективным лидам.",
        "en": "Holding processing equal gives evidence consistent with a cause, not proof: reps may call promising "
              "leads first."},
    "dx.weeks": {"ru": "Чтобы надёжно заметить разрыв в {delta}, нужно ещё около {weeks} недель лидов этого предмета "
                       "жалобы при нынешнем потоке.",
                 "en": "To detect a gap of {delta} reliably, about {weeks} more weeks of the scope's leads are "
                       "needed at the current flow."},
    "dx.weeks.never": {"ru": "При нынешнем потоке данных для надёжного вывода не наберётся: предмет жалобы слишком мал.",
                       "en": "At the current flow there will not be enough data for a reliable answer: the scope is too small."},
    "dx.open": {"ru": "Исход ещё не известен у {scope} лидов предмета жалобы и {baseline} лидов базы (этап «{stage}»: "
                      "лиды моложе окна созревания, ещё не дошедшие до этапа и не закрытые) — в сравнение они не "
                      "вошли. Если все они дойдут до этапа, вывод был бы «{every}», если ни один — «{none}».",
                "en": "The outcome is not known yet for {scope} scope leads and {baseline} baseline leads (stage "
                      "«{stage}»: younger than its maturity window, neither there yet nor closed); they are left out. "
                      "If every one of them reached the stage the verdict would be «{every}»; if none did, «{none}»."},
    "dx.open.stands": {"ru": "Вывод от них не зависит.", "en": "The verdict holds either way."},
    "dx.open.same": {"ru": "Исход ещё не известен у {scope} лидов предмета жалобы и {baseline} лидов базы (этап «{stage}»: "
                           "лиды моложе окна созревания, ещё не дошедшие до этапа и не закрытые) — в сравнение они не "
                           "вошли. Дойдут они до этапа все или ни один, вывод не изменится.",
                     "en": "The outcome is not known yet for {scope} scope leads and {baseline} baseline leads (stage "
                           "«{stage}»: younger than its maturity window, neither there yet nor closed); they are left out. "
                           "Whether all or none of them reach the stage, the verdict stays the same."},
    "dx.open.changes": {"ru": "Вывод может измениться: повторите анализ на выгрузке после {date}.",
                        "en": "The verdict may still change: rerun on an export taken after {date}."},
    "dx.open.nothing": {"ru": "Ни у одного лида предмета жалобы исход на этапе «{stage}» ещё не известен: лиды "
                              "слишком свежие. Повторите анализ на выгрузке после {date}.",
                        "en": "No scope lead has a known outcome for the «{stage}» stage yet: the leads are too recent. "
                              "Rerun on an export taken after {date}."},
    "dx.scope.text": {"ru": "Предмет жалобы: {scope}, период {start} — {end}: {leads} лидов, из них {repeats} повторных. "
                            "База ({baseline}): {base_leads} лидов за {base_start} — {base_end}.",
                      "en": "Scope: {scope}, period {start} — {end}: {leads} leads, {repeats} of them repeats. "
                            "Baseline ({baseline}): {base_leads} leads in {base_start} — {base_end}."},
    "dx.baseline.rest": {"ru": "остальные лиды того же периода", "en": "the other leads of the same period"},
    "dx.baseline.previous_period": {"ru": "тот же предмет за предыдущий период", "en": "the same scope in the previous period"},
    "dx.baseline.same_period_last_year": {"ru": "тот же предмет год назад", "en": "the same scope a year earlier"},
    "dx.label.scope": {"ru": "Предмет жалобы", "en": "Scope"},
    "dx.label.baseline": {"ru": "База", "en": "Baseline"},
    "dx.data_checks": {"ru": "Проверка данных выгрузки: дубли строк — {dups}, повтор ID — {ids}, без статуса — {status}, "
                             "нераспознанные даты — {dates}, причины не из справочника — {unmapped}.",
                       "en": "Export checks: duplicate rows {dups}, repeated IDs {ids}, no status {status}, unreadable "
                             "dates {dates}, reasons not in the mapping {unmapped}."},
    "dx.stage.contact": {"ru": "Контакт", "en": "Contact"},
    "dx.stage.qualification": {"ru": "Квалификация", "en": "Qualification"},
    "dx.stage.visit": {"ru": "Визит", "en": "Visit"},
    "dx.stage.deal": {"ru": "Сделка", "en": "Deal"},
    "dx.funnel.note": {"ru": "Каждый этап — доля от предыдущего показанного, только по лидам с известным исходом (достаточно "
                             "«взрослым» или уже дошедшим до этапа либо закрытым). Показаны этапы, которые выгрузка "
                             "различает. Причина отказа — текущий статус: лид, потерянный после визита, выглядит "
                             "потерянным после квалификации.",
                       "en": "Each stage is a share of the previous one shown, among leads whose outcome is known (old "
                             "enough, or already there or closed). Only the stages the export tells apart are shown. The "
                             "export holds the current status only: a lead lost after a visit looks lost after "
                             "qualification."},
    "dx.funnel.open": {"ru": "ещё рано: исход не известен у {scope} лидов предмета и {baseline} лидов базы",
                       "en": "too early: the outcome is not known yet for {scope} scope and {baseline} baseline leads"},
    "dx.processing.none": {"ru": "В выгрузке нет времени первой попытки или контакта, попыток дозвона и ответственных: "
                                 "скорость обработки оценить нельзя. Чтобы она появилась, добавьте в файл сопоставления "
                                 "first_response_at (или first_contact_at) и manager.",
                           "en": "The export has no first-attempt or first-contact times, call attempts or managers: "
                                 "processing cannot be judged. Map first_response_at (or first_contact_at) and manager to "
                                 "see it."},
    "dx.reasons.none": {"ru": "В выгрузке нет причин отказа: разбор причин пропущен. Добавьте в сопоставление "
                              "disqualification_reason.",
                        "en": "The export has no loss-reason column: the reason analysis is skipped. Map "
                              "disqualification_reason to see it."},
    "col.stage_name": {"ru": "Этап", "en": "Stage"},
    "col.scope_rate": {"ru": "Предмет жалобы", "en": "Scope"},
    "col.baseline_rate": {"ru": "База", "en": "Baseline"},
    "col.scope_minus_base": {"ru": "Предмет − база, п.п.", "en": "Scope − baseline, pts"},
    "col.channel_minus_rest": {"ru": "Канал − остальные, п.п.", "en": "Channel − rest, pts"},
    "col.p_value": {"ru": "p", "en": "p"},
    "col.p_adjusted": {"ru": "p с поправкой (Холм)", "en": "p adjusted (Holm)"},
    "col.flag": {"ru": "Вывод", "en": "Finding"},
    "col.rest_rate": {"ru": "Остальные", "en": "Rest"},
    "col.leads_n": {"ru": "Лидов", "en": "Leads"},
    "dx.flag.worse": {"ru": "хуже остальных", "en": "worse than the rest"},
    "dx.flag.better": {"ru": "лучше остальных", "en": "better than the rest"},
    "dx.flag.none": {"ru": "в пределах шума", "en": "within noise"},
    "dx.channels.note": {"ru": "«Лидов» — лиды, вошедшие в знаменатель главного показателя (созревшие; для доли "
                               "квалифицированных — те, с кем связались). Каждый канал сравнивается с остальными вместе; "
                               "p-значения исправлены на число каналов (Холм). Названный в жалобе предмет выше проверен отдельно, без поправки.",
                         "en": "«Leads» are the primary metric's denominator (mature; for the qualified share of contacted "
                               "leads, the contacted ones). Each channel is compared with all the others together; p-values are corrected for the "
                               "number of channels (Holm). The scope named in the complaint is tested above on its own, "
                               "uncorrected."},
    "dx.channels.overdispersed": {"ru": "Каналы и в обычное время различаются сильнее, чем объясняет случайность, поэтому "
                                        "границы на графике шире: канал за ними отличается и с учётом этого.",
                                  "en": "Channels differ more than chance explains even in ordinary times, so the limits on "
                                        "the chart are wider: a channel beyond them differs even allowing for that."},
    "plot.stage.title": {"ru": "Конверсия по этапам с 95% интервалами", "en": "Conversion by stage with 95% intervals"},
    "plot.stage.y": {"ru": "Конверсия этапа, %", "en": "Stage conversion, %"},
    "plot.funnel.title": {"ru": "Каналы против общего уровня с учётом их размера",
                          "en": "Channels against the overall level, allowing for their size"},
    "plot.funnel.x": {"ru": "Лидов в знаменателе (логарифмическая шкала)", "en": "Leads in the denominator (log scale)"},
    "plot.funnel.l95": {"ru": "границы 95%", "en": "95% limits"},
    "plot.funnel.l998": {"ru": "границы 99,8%", "en": "99.8% limits"},
    "plot.funnel.p0": {"ru": "общий уровень", "en": "overall rate"},
    "plot.km.title": {"ru": "Сколько лидов дозвонились за N рабочих минут (Каплан — Мейер)",
                      "en": "Leads contacted within N working minutes (Kaplan–Meier)"},
    "plot.km.x": {"ru": "Рабочих минут с момента заявки (логарифмическая шкала)", "en": "Working minutes since the request (log scale)"},
    "plot.km.y": {"ru": "Связались, % лидов", "en": "Contacted, % of leads"},
    "plot.km.sla": {"ru": "норматив {minutes} мин", "en": "SLA {minutes} min"},
    "plot.trend.title": {"ru": "Главный показатель по неделям с 95% интервалами",
                         "en": "Primary metric by week with 95% intervals"},
    "plot.trend.x": {"ru": "Неделя", "en": "Week"},
    "plot.trend.period": {"ru": "период жалобы", "en": "complaint period"},
    "dx.processing.checks": {"ru": "Проверки обработки (разница от 10 п.п. и p < {alpha} засчитывается как проблема обработки)",
                             "en": "Processing checks (a difference of 10 points or more with p < {alpha} counts as a processing problem)"},
    "dx.check.sla_share": {"ru": "первая попытка в пределах {minutes} рабочих минут (доля от тех, кому звонили)",
                           "en": "first attempt within {minutes} working minutes (share of attempted leads)"},
    "dx.check.never_attempted": {"ru": "лиду ни разу не звонили и не писали", "en": "never attempted"},
    "dx.check.given_up_early": {"ru": "недозвон закрыт меньше чем после {attempts} попыток",
                                "en": "unreached lead closed after fewer than {attempts} attempts"},
    "dx.flag.deficit": {"ru": "проблема обработки", "en": "processing problem"},
    "col.check": {"ru": "Проверка", "en": "Check"},
    "col.worse_by": {"ru": "Разница с базой", "en": "Against the baseline"},
    "col.p_one_sided": {"ru": "p (односторонний: хуже ли)", "en": "p (one-sided: worse?)"},
    "dx.buckets.title": {"ru": "Дозвон в зависимости от скорости первой попытки", "en": "Contact rate by speed of the first attempt"},
    "col.bucket": {"ru": "Первая попытка, рабочих мин", "en": "First attempt, working min"},
    "col.scope_share_leads": {"ru": "Предмет: доля лидов", "en": "Scope: share of leads"},
    "col.scope_contact": {"ru": "Предмет: дозвон", "en": "Scope: contacted"},
    "col.baseline_share_leads": {"ru": "База: доля лидов", "en": "Baseline: share of leads"},
    "col.baseline_contact": {"ru": "База: дозвон", "en": "Baseline: contacted"},
    "bucket.never": {"ru": "не звонили", "en": "never"},
    "bucket.n/a": {"ru": "нет данных", "en": "no data"},
    "dx.km.text": {"ru": "С половиной лидов предмета жалобы связались за {m1} рабочих минут ({tail1}); в базе — за {m2} "
                         "({tail2}). Лиды, с которыми ещё не связались, учтены как «ещё ждут».",
                   "en": "Half of the scope's leads were reached within {m1} working minutes ({tail1}); the baseline's "
                         "within {m2} ({tail2}). Leads not reached yet count as still waiting."},
    "dx.km.tail": {"ru": "с девятью из десяти — за {p90}", "en": "nine in ten within {p90}"},
    "dx.km.tail_never": {"ru": "с каждым десятым и больше — так и не связались", "en": "one in ten or more was never reached"},
    "dx.km.attempts": {"ru": "Это время до состоявшегося контакта. Доля «первая попытка за {minutes} мин» в таблице выше "
                             "считает попытки звонка: попытка может быть быстрой, а разговор — состояться позже.",
                       "en": "This is the time to a contact made. The “first attempt within {minutes} min” share in the table "
                             "above counts call attempts: an attempt can be quick and the conversation come later."},
    "dx.mh.text": {"ru": "Та же проверка иначе: при одинаковой скорости ответа шансы лида предмета жалобы дойти до этапа "
                         "составляют {bucket} от шансов лида базы, при одинаковых менеджерах — {manager}, в модели с "
                         "поправкой на скорость ответа — {glm} (отношение шансов: 1 — разницы нет, меньше 1 — у предмета хуже).",
                   "en": "The same check another way: at equal response speed a scope lead's odds of reaching the stage are "
                         "{bucket} of a baseline lead's, with the same managers {manager}, in a model adjusted for response "
                         "speed {glm} (odds ratio: 1 no difference, below 1 the scope is worse)."},
    "dx.attempts.note": {"ru": "Попытки дозвона считаются до контакта, поэтому у недозвонившихся их больше по построению: "
                               "они показаны, но по ним не выравнивают.",
                         "en": "Call attempts are counted until contact, so unreached leads have more of them by "
                               "construction: they are shown, never used to hold processing equal."},
    "dx.attempts.title": {"ru": "Число попыток дозвона", "en": "Call attempts"},
    "col.group": {"ru": "Группа", "en": "Group"},
    "col.reached": {"ru": "Дозвонились", "en": "Reached"},
    "dx.missed.title": {"ru": "Пропущенные звонки", "en": "Missed calls"},
    "col.calls": {"ru": "Звонков", "en": "Calls"},
    "col.missed": {"ru": "Пропущено", "en": "Missed"},
    "col.missed_share": {"ru": "Доля пропущенных", "en": "Missed share"},
    "col.missed_contacted": {"ru": "Перезвонили и связались", "en": "Called back and reached"},
    "dx.managers.title": {"ru": "Менеджеры: доли лидов предмета жалобы и базы", "en": "Managers: share of scope and baseline leads"},
    "col.manager": {"ru": "Менеджер", "en": "Manager"},
    "col.scope_share": {"ru": "Предмет жалобы", "en": "Scope"},
    "col.baseline_share": {"ru": "База", "en": "Baseline"},
    "yes": {"ru": "да", "en": "yes"},
    "no": {"ru": "нет", "en": "no"},
    "col.reason": {"ru": "Причина", "en": "Reason"},
    "col.owner": {"ru": "Кто может исправить", "en": "Who can fix it"},
    "col.scope_lost": {"ru": "Предмет: отказов", "en": "Scope: lost"},
    "col.baseline_lost": {"ru": "База: отказов", "en": "Baseline: lost"},
    "col.scope_reason_rate": {"ru": "Предмет: доля лидов", "en": "Scope: share of leads"},
    "col.baseline_reason_rate": {"ru": "База: доля лидов", "en": "Baseline: share of leads"},
    "col.over": {"ru": "Чаще, чем в базе", "en": "Over-represented"},
    "dx.reasons.note": {"ru": "Доля — от лидов, которые могли получить эту причину: для «неверный контакт» и «дубль» — от всех "
                              "лидов, для остальных — от тех, с кем связались. «Чаще, чем в базе» — не шум с поправкой "
                              "на число причин (см. словарь).",
                        "en": "Shares are of the leads that could get the reason: all leads for invalid contact and duplicates, "
                              "contacted leads for the others. «Over-represented»: beyond noise, corrected for the number of "
                              "reasons (see the glossary)."},
    "dx.owners.title": {"ru": "Кто может исправить причины отказа (доля отказов)", "en": "Who can fix the losses (share of lost leads)"},
    "owner.marketing": {"ru": "маркетинг", "en": "marketing"},
    "owner.sales": {"ru": "продажи", "en": "sales"},
    "owner.shared": {"ru": "общее", "en": "shared"},
    "owner.objective": {"ru": "объективные", "en": "objective"},
    "owner.unknown": {"ru": "не определено", "en": "unknown"},
    "dx.coding": {"ru": "Качество кодирования причин: «другое» или без причины — {scope} отказов предмета жалобы и {base} в базе.",
                  "en": "Reason coding quality: «other» or no reason — {scope} of the scope's losses and {base} of the baseline's."},
    "dx.reasons.no_losses": {"ru": "Ни предмет жалобы, ни база не потеряли ни одного лида: причин отказа нет.",
                             "en": "Neither the scope nor the baseline lost a lead: there are no loss reasons."},
    "dx.unmapped": {"ru": "Тексты причин не из справочника (учтены как «другое»): {texts}.",
                    "en": "Reason texts not in the mapping (counted as «other»): {texts}."},
    "dx.criteria": {"ru": "Проверка по анкете (без оценки продавцов): критериям соответствуют {scope} лидов предмета жалобы "
                          "против {base} в базе; {verdict}.",
                    "en": "Quiz criteria check (independent of sales' judgement): {scope} of the scope's leads meet the "
                          "criteria vs {base} in the baseline; {verdict}."},
    "dx.criteria.lower": {"ru": "это ниже, чем объясняет случайность ({p})", "en": "lower beyond chance ({p})"},
    "dx.criteria.same": {"ru": "разница в пределах шума ({p})", "en": "within noise ({p})"},
    "dx.trend.text": {"ru": "Если жалоба появилась после одной плохой недели, следующая неделя, скорее всего, будет ближе к "
                            "обычной (возврат к среднему): смотрите на всю линию, а не на последнюю точку.",
                      "en": "If the complaint followed one bad week, the next is likely to be closer to normal (regression "
                            "to the mean): read the whole line, not its last point."},
    "dx.noise.text": {"ru": "«Квалифицирован» решают те же продавцы, что жалуются. Если менеджеры одного канала сильно "
                            "расходятся в доле квалифицированных, часть «плохих лидов» — это разные критерии у людей.",
                      "en": "«Qualified» is judged by the people who complain. When managers of one channel differ a lot "
                            "in qualified share, part of the «bad leads» is different criteria between people."},
    "col.managers": {"ru": "Менеджеров", "en": "Managers"},
    "col.lowest": {"ru": "Ниже всех", "en": "Lowest"},
    "col.highest": {"ru": "Выше всех", "en": "Highest"},
    "dx.noise.none": {"ru": "Недостаточно менеджеров с 20+ лидами в одном канале для сравнения.",
                      "en": "Too few managers with 20+ leads in one channel to compare."},
    "dx.costs.title": {"ru": "Стоимость: предмет жалобы против остальных платных каналов",
                       "en": "Cost: scope vs the other paid channels"},
    "col.cpl": {"ru": "Цена лида, ₽", "en": "Cost per lead, ₽"},
    "col.cpql": {"ru": "Цена квалиф. лида, ₽", "en": "Cost per qualified lead, ₽"},
    "col.cpql_ci": {"ru": "95% интервал", "en": "95% interval"},
    "dx.costs.note": {"ru": "Канал с меньшей долей квалифицированных может всё равно давать самого дешёвого квалифицированного лида.",
                      "en": "A channel with a lower qualified share can still be the cheapest per qualified lead."},
    "act.reason.no_budget": {"ru": "Показывайте цену или ежемесячный платёж в объявлении и на посадочной странице: «нет бюджета» — у {rate} лидов предмета жалобы, с которыми связались, против {base} в базе.",
                             "en": "Show the price or monthly payment in the ad and on the landing page: «no budget» is {rate} of the scope's contacted leads vs {base} in the baseline."},
    "act.reason.wrong_model": {"ru": "Называйте в объявлении точную модель: «не та модель» — {rate} против {base}.",
                               "en": "Name the exact model in the ad: «wrong model» is {rate} vs {base}."},
    "act.reason.not_in_stock": {"ru": "Уберите проданные машины с посадочных страниц: «нет в наличии» — {rate} против {base}.",
                                "en": "Remove sold cars from landing pages: «not in stock» is {rate} vs {base}."},
    "act.reason.wants_used": {"ru": "Пишите в объявлении «новые автомобили»: «хочет б/у» — {rate} против {base}.",
                              "en": "Say «new cars» in the message: «wants used» is {rate} vs {base}."},
    "act.reason.invalid_contact": {"ru": "Добавьте подтверждение телефона по SMS в форму: «неверный номер» — {rate} против {base}.",
                                   "en": "Add SMS/phone confirmation to the form: «invalid contact» is {rate} vs {base}."},
    "act.reason.duplicate": {"ru": "Исправьте форму и уберите дубли: «дубль» — {rate} против {base}.",
                             "en": "Fix the form and deduplicate: «duplicate» is {rate} vs {base}."},
    "act.reason.spam_or_fake": {"ru": "Настройте исключающие аудитории и капчу: «спам» — {rate} против {base}.",
                                "en": "Use exclusion audiences and a captcha: «spam» is {rate} vs {base}."},
    "act.reason.not_a_buyer": {"ru": "Исключите аудитории соискателей и клиентов сервиса: «не клиент» — {rate} против {base}.",
                               "en": "Exclude job seekers and service clients: «not a buyer» is {rate} vs {base}."},
    "act.reason.not_ready": {"ru": "Заведите цепочку прогрева для «не готов» — это не потеря: {rate} против {base}.",
                             "en": "Start a nurture chain for «not ready» — not a loss: {rate} vs {base}."},
    "act.reason.no_answer": {"ru": "Звоните быстрее и чаще, пишите в мессенджеры: «не дозвонились» — {rate} против {base}.",
                             "en": "Call faster and more often, use messengers: «no answer» is {rate} vs {base}."},
    "act.reason.price_or_discount": {"ru": "Проясните предложение по цене: «цена/скидка» — {rate} против {base}.",
                                     "en": "Clarify the price offer: «price or discount» is {rate} vs {base}."},
    "act.sla": {"ru": "Отвечайте на лиды в пределах {minutes} рабочих минут: сейчас так отвечают {scope} лидам предмета жалобы против {base} в базе; лиды с ответом до 5 минут дозваниваются в {fast} случаев, после 60 минут — в {slow}.",
                "en": "Answer leads within {minutes} working minutes: {scope} of the scope's leads are answered that fast vs {base} in the baseline; leads answered within 5 minutes are reached {fast} of the time, after 60 minutes {slow}."},
    "act.never": {"ru": "Проверьте распределение лидов: {scope} лидов предмета жалобы не получили ни одной попытки связи против {base} в базе.",
                  "en": "Check lead routing: {scope} of the scope's leads were never attempted vs {base} in the baseline."},
    "act.given_up": {"ru": "Не закрывайте недозвон раньше {attempts} попыток: так закрыто {scope} недозвонов предмета жалобы против {base} в базе.",
                     "en": "Do not close unreached leads before {attempts} attempts: {scope} of the scope's unreached leads were closed earlier vs {base} in the baseline."},
    "act.routing": {"ru": "Перераспределите лиды предмета жалобы на менеджеров, которые отвечают быстрее: при одинаковой обработке разрыв {q} п.п. вместо {g}.",
                    "en": "Route the scope's leads to faster managers: with processing held equal the gap is {q} points instead of {g}."},
    "act.coding": {"ru": "Улучшите справочник причин отказа: «другое» или без причины — {share} отказов.",
                   "en": "Improve the reason list: «other» or no reason is {share} of losses."},
    "act.noise": {"ru": "Сверьте критерии квалификации между менеджерами канала {channel}: от {low} до {high} (p {p}).",
                  "en": "Align qualification criteria between managers of {channel}: {low} to {high} (p {p})."},
    "act.budget": {"ru": "Бюджет: квалифицированный лид предмета жалобы стоит {scope} ₽ против {base} ₽ у остальных платных каналов — {verdict}.",
                   "en": "Budget: a qualified lead of the scope costs {scope} ₽ vs {base} ₽ in the other paid channels — {verdict}."},
    "act.budget.cheaper": {"ru": "несмотря на жалобу, канал дешевле; не урезайте его, не проверив", "en": "despite the complaint the scope is cheaper; do not cut it without checking"},
    "act.budget.dearer": {"ru": "переносите бюджет туда, где квалифицированный лид дешевле", "en": "move budget to where a qualified lead is cheaper"},
    "act.wait": {"ru": "Соберите ещё данных: {text}", "en": "Collect more data: {text}"},
    "act.none": {"ru": "Отдельных действий данные не требуют: разрывы в пределах шума.",
                 "en": "The data calls for no specific action: the gaps are within chance."},
})


# experiment evaluation (analysis.experiment_report)
TEXTS.update({
    "ex.section.decision": {"ru": "Как принято решение", "en": "How the decision was made"},
    "ex.section.arms": {"ru": "Группы эксперимента", "en": "Arms"},
    "ex.section.metrics": {"ru": "Показатели по группам", "en": "Metrics by arm"},
    "ex.section.checks": {"ru": "Проверки дизайна", "en": "Design checks"},
    "ex.section.daily": {"ru": "По дням", "en": "Day by day"},
    "ex.section.running": {"ru": "Эксперимент идёт: можно ли остановить?", "en": "The experiment is running: can it stop?"},
    "ex.running.none": {"ru": "Промежуточная проверка сравнивает группы в одни и те же дни, по расходу или по дням; "
                              "здесь таких дней нет (строки — пользователи без дат, или группы шли в разные периоды), "
                              "поэтому остаётся итоговая оценка ниже.",
                        "en": "A look on the way compares the arms on the same days, by spend or by days; here there are "
                              "none (rows are users without dates, or the arms ran in different periods), so only the "
                              "final evaluation below applies."},
    "ex.running.stop_adopt": {"ru": "Можно останавливать: «{variant}» лучше по квалифицированным лидам {per}",
                              "en": "You can stop: “{variant}” is better on qualified leads {per}"},
    "ex.running.stop_keep_control": {"ru": "Можно останавливать: «{variant}» хуже, оставить «{control}»",
                                     "en": "You can stop: “{variant}” is worse, keep “{control}”"},
    "ex.running.stop_no_difference": {
        "ru": "Можно останавливать: разницы, ради которой стоит ждать, нет",
        "en": "You can stop: there is no difference worth waiting for"},
    "ex.running.keep_running": {"ru": "Пока не останавливать: для досрочного вывода данных мало",
                                "en": "Do not stop yet: not enough data for an early answer"},
    "ex.running.line": {"ru": "Тест ещё идёт. Если бы он закончился сегодня по плану, вывод был бы: {planned}; но "
                              "отчёт смотрят до конца теста, а для досрочного решения нужен более строгий интервал — "
                              "он ниже, в разделе «Эксперимент идёт».",
                        "en": "The test is still running. Had it ended today as planned, the answer would be: {planned}; "
                              "but the report is read before the end, and an early answer needs a stricter interval — "
                              "below, under “The experiment is running”."},
    "ex.do.keep_running": {"ru": "Не меняйте ставки, бюджеты и тексты объявлений до конца теста; перезапустите отчёт "
                                 "через неделю (частые перезапуски вывод не искажают).",
                           "en": "Change no bids, budgets or ad texts until the test ends; re-run the report next week "
                                 "(re-running often does not bias the answer)."},
    "ex.do.no_difference": {"ru": "Останавливайте тест: разница в квалифицированных лидах на рубль меньше {margin} — "
                                  "выбирайте вариант по удобству.",
                            "en": "Stop the test: the difference in qualified leads per rouble is under {margin} — "
                                  "choose either arm for convenience."},
    "ex.running.stale": {"ru": "Последний лид эксперимента — {last}, а выгрузка — на {as_of}: тест точно ещё идёт? "
                               "Если он закончен, этот раздел не нужен — смотрите итоговую оценку.",
                         "en": "The experiment's last lead is from {last}, the export from {as_of}: is the test still "
                               "running? If it ended, skip this section and read the final evaluation."},
    "ex.running.per_spend": {"ru": "на рубль", "en": "per rouble"},
    "ex.running.per_day": {"ru": "в день", "en": "per day"},
    "ex.running.interval": {
        "ru": "Квалифицированных лидов {per} у варианта к контролю: {ratio}, интервал для промежуточных проверок "
              "{low}–{high} (по {looks} дням). Его можно смотреть хоть каждый день — частые проверки не искажают "
              "вывод; обычный интервал {fixed_low}–{fixed_high} верен только для одной проверки в плановую дату "
              "окончания. Остановить можно, когда интервал целиком выше или ниже 1, или целиком внутри "
              "{band_low}–{band_high} (разница меньше допуска); если разницы на самом деле нет, ложная остановка "
              "случится не чаще, чем в {alpha} тестов.",
        "en": "Qualified leads {per}, variant to control: {ratio}, interval for looks on the way {low}–{high} (over "
              "{looks} days). It may be read every day — looking often does not bias it; the usual interval "
              "{fixed_low}–{fixed_high} holds only for one look at the planned end. Stop when the interval is wholly "
              "above or below 1, or wholly inside {band_low}–{band_high} (a difference under the margin); when there is "
              "no difference, a false stop comes in at most {alpha} of tests."},
    "ex.running.plot": {"ru": "Синяя полоса — интервал для промежуточных проверок, неделя за неделей (сужается с "
                              "данными); точки — отношение вариант / контроль; серая полоса — зона «разницы нет». "
                              "Остановить можно, когда синяя полоса целиком выше 1, ниже 1 или внутри серой.",
                        "en": "Blue band: the interval for looks on the way, week by week (it narrows as data come); "
                              "dots: variant / control; grey band: “no difference”. Stop when the blue band is wholly "
                              "above 1, below 1 or inside the grey one."},
    "ex.running.y": {"ru": "вариант / контроль", "en": "variant / control"},
    "ex.running.how": {
        "ru": "Метод: смешанный последовательный тест отношения правдоподобия (mSPRT) на условном биномиальном "
              "распределении дневных лидов двух групп (Lindon & Malek 2022; Johari и др. 2022). Колебания дня, общие "
              "для обеих групп (праздник, ещё не закрытые свежие лиды), в нём взаимно компенсируются.",
        "en": "Method: a mixture sequential probability ratio test (mSPRT) on the conditional binomial split of each "
              "day's qualified leads between the arms (Lindon & Malek 2022; Johari et al. 2022). Day-to-day swings "
              "both arms share (a holiday, young leads still open) cancel in it."},
    "ex.decision.adopt_variant": {"ru": "Внедрять вариант", "en": "Adopt the variant"},
    "ex.decision.keep_control": {"ru": "Оставить контроль", "en": "Keep the control"},
    "ex.decision.inconclusive": {"ru": "Пока нельзя сказать", "en": "Inconclusive"},
    "ex.reason.better": {"ru": "Вариант даёт больше {dm}: нижняя граница отношения {low} выше 1.",
                         "en": "The variant brings more {dm}: the ratio's lower bound {low} is above 1."},
    "ex.reason.worse": {"ru": "Вариант даёт меньше {dm}: верхняя граница отношения {high} ниже 1.",
                        "en": "The variant brings fewer {dm}: the ratio's upper bound {high} is below 1."},
    "ex.reason.workload": {
        "ru": "Вариант не хуже по {dm_by} (нижняя граница {low} выше допуска {limit}) и при этом "
              "даёт как минимум на 20% меньше лидов, которые продажам нужно обзвонить (верхняя граница {wu}). Внедрять "
              "ради сэкономленной работы продаж — это и есть причина решения.",
        "en": "The variant is as good on {dm} within the margin (lower bound {low} above {limit}) "
              "and cuts the leads sales must call by at least 20% (upper bound {wu}). Adopt it for the workload it "
              "saves — that is the reason for this decision."},
    "ex.reason.immature": {"ru": "Ни у одного лида {arm} исход ещё не известен: лиды слишком свежие, решения пока нет. "
                                 "Повторите анализ на выгрузке после {date}.",
                           "en": "No lead of {arm} has a known outcome yet: the leads are too recent to decide. Rerun on "
                                 "an export taken after {date}."},
    "ex.dm.spend": {"ru": "квалифицированных лидов на рубль", "en": "qualified leads per rouble"},
    "ex.dm.spend.by": {"ru": "квалифицированным лидам на рубль", "en": "qualified leads per rouble"},
    "ex.dm.deals": {"ru": "сделок на рубль", "en": "deals per rouble"},
    "ex.dm.deals.by": {"ru": "сделкам на рубль", "en": "deals per rouble"},
    "ex.dm.days": {"ru": "квалифицированных лидов в день", "en": "qualified leads per day"},
    "ex.dm.days.by": {"ru": "квалифицированным лидам в день", "en": "qualified leads per day"},
    "ex.dm.rows": {"ru": "конверсий на единицу (строку файла)", "en": "conversions per unit (row of the file)"},
    "ex.dm.rows.by": {"ru": "доле конверсий на единицу", "en": "conversions per unit"},
    "ex.open": {"ru": "Исход ещё не известен у {c} лидов контроля и {v} лидов варианта (моложе окна квалификации, ещё "
                      "не квалифицированы и не закрыты). Если все они квалифицируются, решение было бы «{every}», если "
                      "ни один — «{none}». ",
                "en": "The outcome is not known yet for {c} control leads and {v} variant leads (younger than the "
                      "qualification window, neither qualified nor closed yet). If all of them qualified the decision "
                      "would be «{every}»; if none did, «{none}». "},
    "ex.open.stands": {"ru": "Решение от них не зависит.", "en": "The decision holds either way."},
    "ex.open.changes": {"ru": "Решение может измениться: повторите анализ на выгрузке после {date}.",
                        "en": "The decision may still change: rerun on an export taken after {date}."},
    "ex.warning.open_outcomes": {"ru": "Решение зависит от лидов, исход которых ещё не известен.",
                                 "en": "The decision depends on leads whose outcome is not known yet."},
    "ex.split": {"ru": "Плановое разделение трафика {split}: контроль «{c}» — {cs}, вариант «{v}» — {vs}; фактически "
                       "{ac} и {av}.",
                 "en": "Planned traffic split {split}: control «{c}» {cs}, variant «{v}» {vs}; observed {ac} and {av}."},
    "ex.reason.inconclusive": {"ru": "Интервал отношения ({low}–{high}) включает и выигрыш, и проигрыш: данные не позволяют выбрать.",
                               "en": "The ratio's interval ({low} to {high}) includes both a gain and a loss: the data cannot choose."},
    "ex.numbers.rows": {
        "ru": "Расходов и дат нет: каждая строка — единица (пользователь). Конверсия: контроль {qc} ({c} из {nc}), "
              "вариант {qv} ({v} из {nv}); отношение {r} ({low}–{high}, {p}).",
        "en": "No spend: each row is a unit (a user). Conversion: control {qc} ({c} of {nc}), variant {qv} ({v} of "
              "{nv}); ratio {r} ({low} to {high}, {p})."},
    "ex.numbers": {
        "ru": "{what} на 1000 ₽: контроль {c}, вариант {v}; отношение {r} ({low}–{high}, {p}). "
              "Лидов на 1000 ₽ (работа продаж): отношение {w} ({wl}–{wu}). Доля квалифицированных: {qc} → {qv}.",
        "en": "{what} per 1000 ₽: control {c}, variant {v}; ratio {r} ({low} to {high}, {p}). "
              "Leads per 1000 ₽ (sales' workload): ratio {w} ({wl} to {wu}). Qualified share: {qc} → {qv}."},
    "ex.numbers.what.qualified": {"ru": "Квалифицированных лидов", "en": "Qualified leads"},
    "ex.numbers.what.deals": {"ru": "Сделок", "en": "Deals"},
    "ex.numbers.per_day": {
        "ru": "Расходов нет: сравнение на {unit}. Квалифицированных: контроль {c}, вариант {v}; отношение {r} ({low}–{high}, {p}). "
              "Лидов: отношение {w} ({wl}–{wu}).",
        "en": "No spend: compared per {unit}. Qualified: control {c}, variant {v}; ratio {r} ({low} to {high}, {p}). "
              "Leads: ratio {w} ({wl} to {wu})."},
    "ex.unit.days": {"ru": "день", "en": "day"},
    "ex.unit.rows": {"ru": "строку (единицу)", "en": "row (unit)"},
    "ex.share_trap": {"ru": "Доля квалифицированных сама по себе — не критерий: вариант меняет и её знаменатель (число лидов). "
                            "Решаем по {dm_by}.",
                      "en": "The qualified share alone is not the criterion: the variant changes its denominator (the "
                            "number of leads). The decision uses {dm}."},
    "ex.posterior": {"ru": "Вероятность, что вариант лучше по {dm_by}: {p} (байесовская оценка при "
                           "нейтральном априорном предположении). Это вероятность для «лучше», а не для «лучше на 20%».",
                     "en": "Probability that the variant is better on {dm}: {p} (Bayesian, with a "
                           "neutral prior). It is the probability of «better», not of «better by 20%»."},
    "ex.weeks": {"ru": "Чтобы заметить изменение на 20%, нужно около {needed} квалифицированных лидов в контроле — ещё примерно "
                       "{weeks} недель при нынешнем потоке.",
                 "en": "To detect a 20% change, about {needed} qualified leads are needed in the control — roughly "
                       "{weeks} more weeks at the current flow."},
    "ex.arm.leads": {"ru": "лидов: {n}", "en": "{n} leads"},
    "ex.arm.days": {"ru": "дней: {n}", "en": "{n} days"},
    "ex.arm.spend": {"ru": "расход {s}", "en": "spend {s}"},
    "ex.skipped": {"ru": "Не посчитаны (нет расходов): {metrics}. Укажите --spend или --spend-control/--spend-variant.",
                   "en": "Not computed (no spend): {metrics}. Give --spend or --spend-control/--spend-variant."},
    "ex.metric.leads_per_day": {"ru": "Лидов в день", "en": "Leads per day"},
    "ex.metric.leads_per_1000": {"ru": "Лидов на 1000 ₽", "en": "Leads per 1000 ₽"},
    "ex.metric.qualified_rate": {"ru": "Доля квалифицированных", "en": "Qualified share"},
    "ex.metric.qualified_per_1000": {"ru": "Квалиф. лидов на 1000 ₽", "en": "Qualified per 1000 ₽"},
    "ex.metric.qualified_per_day": {"ru": "Квалиф. лидов в день", "en": "Qualified per day"},
    "ex.metric.qualified_per_row": {"ru": "Квалиф. на строку", "en": "Qualified per row"},
    "ex.metric.cpl": {"ru": "Цена лида, ₽", "en": "Cost per lead, ₽"},
    "ex.metric.cpql": {"ru": "Цена квалиф. лида, ₽", "en": "Cost per qualified lead, ₽"},
    "ex.metric.contact_rate": {"ru": "Доля дозвона", "en": "Contact rate"},
    "ex.metric.deal_rate": {"ru": "Доля сделок", "en": "Deal rate"},
    "ex.metric.cac": {"ru": "Цена сделки (CAC), ₽", "en": "Cost per deal (CAC), ₽"},
    "col.metric": {"ru": "Показатель", "en": "Metric"},
    "col.control": {"ru": "Контроль", "en": "Control"},
    "col.variant": {"ru": "Вариант", "en": "Variant"},
    "col.effect": {"ru": "Эффект", "en": "Effect"},
    "ex.warning.time_split": {
        "ru": "Группы — это два последовательных периода. Разница между ними смешана со всем, что поменялось между "
              "неделями: дни недели, праздники, аукцион, темп расхода, обучение рекламной системы, загрузка продаж. "
              "p-значение измеряет случайный шум, а не это смешение. Надёжнее: одновременный сплит в рекламном "
              "кабинете; чередование по дням (минимум 4 переключения на группу); сравнение с нетронутым каналом.",
        "en": "The arms are two consecutive periods. Their difference is mixed with everything that changed between "
              "them: weekdays, holidays, auction prices, budget pacing, the platform's learning phase, staffing. The "
              "p-value measures noise, not this confounding. Better designs: a simultaneous split in the ad platform; "
              "a switchback (days alternated in blocks, at least 4 switches per arm); a comparison with an untouched channel."},
    "ex.warning.srm": {"ru": "Трафик разделился не по плану ({unit}, {p}): группы могут быть несравнимы — проверьте настройку сплита.",
                       "en": "Traffic did not split as planned ({unit}, {p}): the arms may not be comparable — check the split."},
    "ex.warning.srm_ok": {"ru": "Трафик разделился по плану ({unit}, {p}).", "en": "Traffic split as planned ({unit}, {p})."},
    "ex.warning.underpowered": {"ru": "Данных мало: вероятность заметить изменение на 20% — {power}, меньше 80%.",
                                "en": "Underpowered: the chance to detect a 20% change is {power}, below 80%."},
    "ex.warning.overdispersed": {"ru": "Число лидов по дням колеблется сильнее, чем при случайности (φ = {phi}): интервалы расширены.",
                                 "en": "Daily counts vary more than chance (φ = {phi}): intervals are widened."},
    "ex.warning.immature_deals": {"ru": "Сделки ещё не «созрели» (окно {days} дней): решение принимается по квалифицированным лидам.",
                                  "en": "Deals are not mature yet ({days}-day window): the decision uses qualified leads."},
    "ex.warning.no_spend.rows": {"ru": "Расходов нет: каждая строка — единица, решение принято по доле конверсий.",
                                 "en": "No spend: each row is a unit and the decision uses the share of units that "
                                       "converted."},
    "ex.daily.no_dates": {"ru": "В выгрузке нет дат создания: график по дням не строится.",
                          "en": "The export has no creation dates: there is no day-by-day chart."},
    "ex.warning.no_spend": {"ru": "Расходов по группам нет: показатели на рубль и цены не посчитаны (передайте --spend или "
                                  "--spend-control/--spend-variant); решение принято по квалифицированным лидам в день "
                                  "(на строку — для групп по столбцу).",
                            "en": "No spend per arm: per-rouble metrics and costs are not computed (give --spend or "
                                  "--spend-control/--spend-variant); the decision uses qualified leads per day "
                                  "(per row for column arms)."},
    "ex.srm_unit.impressions": {"ru": "по показам", "en": "impressions"},
    "ex.srm_unit.rows": {"ru": "по строкам", "en": "rows"},
    "ex.did": {"ru": "Сравнение с нетронутыми каналами (разность разностей): в канале эксперимента квалифицированных стало ×{s}, "
                     "в остальных ×{u}; поправленный эффект ×{r} ({low}–{high}, {p}).",
               "en": "Against the untouched channels (difference in differences): qualified leads changed ×{s} in the "
                     "experiment's channel and ×{u} elsewhere; the adjusted effect is ×{r} ({low} to {high}, {p})."},
    "ex.weekday": {"ru": "Доля лидов по дням недели (пн…вс): контроль {c}; вариант {v}.",
                   "en": "Share of leads by weekday (Mon…Sun): control {c}; variant {v}."},
    "plot.ex.daily.title": {"ru": "Лиды и квалифицированные лиды по дням", "en": "Leads and qualified leads by day"},
    "plot.ex.daily.y": {"ru": "Лидов в день", "en": "Leads per day"},
    "plot.ex.daily.x": {"ru": "День", "en": "Day"},
    "plot.ex.leads": {"ru": "лиды", "en": "leads"},
    "plot.ex.qualified": {"ru": "квалиф.", "en": "qualified"},
})


# quarterly report (analysis.quarterly_report)
TEXTS.update({
    "q.section.kpis": {"ru": "Показатели квартала", "en": "The quarter's KPIs"},
    "q.section.findings": {"ru": "Что показывают данные", "en": "What the data shows"},
    "q.section.funnel": {"ru": "Воронка квартала", "en": "The quarter's funnel"},
    "q.section.channels": {"ru": "Каналы", "en": "Channels"},
    "q.section.trends": {"ru": "Динамика по месяцам и неделям", "en": "Monthly and weekly trends"},
    "q.section.processing": {"ru": "Скорость и качество обработки", "en": "Processing speed and quality"},
    "q.section.reasons": {"ru": "Причины отказа", "en": "Disqualification reasons"},
    "q.section.budget": {"ru": "Бюджет: где деньги работают лучше", "en": "Budget: where money works best"},
    "q.kpi.leads": {"ru": "Лиды", "en": "Leads"},
    "q.kpi.qualified_rate": {"ru": "Доля квалифицированных", "en": "Qualified share"},
    "q.kpi.contact_rate": {"ru": "Доля дозвона", "en": "Contact rate"},
    "q.kpi.deals": {"ru": "Сделки", "en": "Deals"},
    "q.kpi.spend": {"ru": "Расход, ₽", "en": "Spend, ₽"},
    "q.kpi.cpl": {"ru": "Цена лида (платные каналы), ₽", "en": "Cost per lead (paid channels), ₽"},
    "q.kpi.cpql": {"ru": "Цена квалиф. лида (платные), ₽", "en": "Cost per qualified lead (paid), ₽"},
    "q.kpi.cac": {"ru": "Цена сделки (платные), ₽", "en": "Cost per deal (paid), ₽"},
    "q.kpi.roas": {"ru": "Выручка сделок платных каналов на 1 ₽ рекламы (ДРР — доля рекламных расходов в выручке — {drr})",
                   "en": "Revenue of paid channels' deals per ₽ of advertising (ad cost share of revenue {drr})"},
    "q.kpi.romi": {"ru": "ROMI при марже {margin}", "en": "ROMI at margin {margin}"},
    "q.kpi.sla": {"ru": "Первая попытка связи за {minutes} рабочих минут", "en": "First attempt within {minutes} working min"},
    "q.vs.previous": {"ru": "к прошлому кварталу", "en": "vs previous quarter"},
    "q.vs.year_ago": {"ru": "к тому же кварталу год назад", "en": "vs same quarter a year ago"},
    "q.change.up": {"ru": "рост, не шум", "en": "up, beyond noise"},
    "q.change.down": {"ru": "снижение, не шум", "en": "down, beyond noise"},
    "q.change.flat": {"ru": "в пределах шума", "en": "within noise"},
    "q.change.untested": {"ru": "бюджет задаётся, не тестируется", "en": "set by budget, not tested"},
    "q.change.immature": {"ru": "этап ещё не завершился — сравнивать рано", "en": "stage not complete yet — too early to compare"},
    "q.change.none": {"ru": "нет данных", "en": "no data"},
    "col.kpi": {"ru": "Показатель", "en": "KPI"},
    "col.now": {"ru": "Квартал", "en": "Quarter"},
    "col.previous": {"ru": "Прошлый квартал", "en": "Previous quarter"},
    "col.year_ago": {"ru": "Год назад", "en": "A year ago"},
    "col.change_previous": {"ru": "Изменение к прошлому", "en": "Change vs previous"},
    "col.change_year": {"ru": "Изменение к году назад", "en": "Change vs a year ago"},
    "q.cohort": {"ru": "Показатели — по лидам, созданным в квартале, с их исходом на {as_of}. Повторные обращения "
                       "({repeats}) не считаются новыми лидами.",
                 "en": "KPIs are cohort figures: leads created in the quarter, their outcome as of {as_of}. Repeat "
                       "requests ({repeats}) are not counted as new leads."},
    "q.partial": {"ru": "Квартал ещё не закончился: данные по {as_of}. Сравнение с полными кварталами смещено.",
                  "en": "The quarter is not over: data up to {as_of}. Comparisons with full quarters are biased."},
    "q.immature": {"ru": "Этапы «{stages}» ещё не успели завершиться для лидов конца квартала: их число будет расти, "
                         "сравнение с прошлыми кварталами помечено.",
                   "en": "Stages «{stages}» have not had time to complete for the quarter's late leads: their counts will "
                         "still grow; comparisons are flagged."},
    "q.no_spend": {"ru": "Файл расходов не передан: цена лида, квалифицированного лида и сделки не считаются "
                         "(передайте --spend).",
                   "en": "No spend file was given: cost per lead, per qualified lead and per deal are not computed "
                         "(pass --spend)."},
    "q.no_history": {"ru": "Данных за прошлые периоды нет: сравнение невозможно.",
                     "en": "The data does not reach back: no comparison is possible."},
    "q.finding.change": {"ru": "{kpi}: {now} против {then} в прошлом квартале — {direction} ({p}).",
                         "en": "{kpi}: {now} vs {then} last quarter — {direction} ({p})."},
    "q.finding.budget": {"ru": "Квалифицированный лид в «{to}» стоит {to_cpql} ₽, в «{from_}» — {from_cpql} ₽: разница "
                               "больше неопределённости; часть бюджета стоит перенести.",
                         "en": "A qualified lead costs {to_cpql} ₽ in «{to}» and {from_cpql} ₽ in «{from_}»: the difference "
                               "exceeds the uncertainty; consider moving budget."},
    "q.finding.slow_channel": {"ru": "Лиды «{channel}» ждут дольше всех: за {minutes} рабочих минут отвечают {share} против {overall} "
                                     "в среднем (медиана до контакта {median} мин). Сначала обработка, потом бюджет.",
                               "en": "«{channel}» leads wait longest: {share} answered within {minutes} working minutes vs {overall} "
                                     "overall (median to contact {median} min). Fix processing before budget."},
    "q.finding.slow_manager": {"ru": "{manager}: дозвон {rate} при ожидаемых {expected} для такого набора каналов — "
                                     "меньше, чем объясняет случайность.",
                               "en": "Manager {manager} reaches {rate} of leads, below the {expected} expected for the channel "
                                     "mix, beyond what chance explains."},
    "q.budget.slow": {"ru": "; но лиды канала ждут ответа дольше всех — сначала обработка",
                      "en": "; but its leads wait longest — fix processing first"},
    "q.finding.sla": {"ru": "За {minutes} рабочих минут отвечают {share} лидов.", "en": "{share} of leads are answered within {minutes} working minutes."},
    "q.finding.reason": {"ru": "Самая частая причина отказа — «{reason}» ({share} отказов).",
                         "en": "The most frequent loss reason is «{reason}» ({share} of losses)."},
    "q.finding.immature": {"ru": "Этапы «{stages}» для лидов конца квартала ещё не завершились.",
                           "en": "Stages «{stages}» are not yet complete for the quarter's late leads."},
    "q.finding.partial": {"ru": "Квартал неполный.", "en": "The quarter is partial."},
    "q.change.interval": {"ru": "[интервал {interval}]", "en": "[interval {interval}]"},
    "q.change.p_holm": {"ru": "{p} с поправкой Холма", "en": "{p}, Holm-adjusted"},
    "q.spend_without_leads": {
        "ru": "В файле расходов есть каналы, которых нет среди лидов: {channels} ₽ (всего {total} ₽). Эти деньги "
              "вошли в общий расход, но не в цену лида, квалифицированного лида и сделки. Проверьте названия каналов "
              "(values: channel в сопоставлении) — возможно, лиды этих каналов записаны под другим именем.",
        "en": "The spend file names channels the leads never name: {channels} ₽ ({total} ₽ in all). This money is in "
              "the total spend but in no cost per lead, per qualified lead or per deal. Check the channel names "
              "(values: channel in the mapping): their leads may be recorded under another name."},
    "q.reasons.none": {"ru": "Причин отказа показать нельзя: в квартале нет потерянных лидов или в выгрузке нет "
                             "столбца причин (добавьте disqualification_reason в сопоставление).",
                       "en": "No loss reasons to show: the quarter has no lost leads, or the export has no reason column "
                             "(map disqualification_reason)."},
    "q.funnel.stage.impressions": {"ru": "Показы", "en": "Impressions"},
    "q.funnel.stage.clicks": {"ru": "Клики", "en": "Clicks"},
    "q.funnel.stage.leads": {"ru": "Лиды", "en": "Leads"},
    "q.funnel.stage.contacted": {"ru": "Контакт", "en": "Contacted"},
    "q.funnel.stage.qualified": {"ru": "Квалифицированы", "en": "Qualified"},
    "q.funnel.stage.visited": {"ru": "Визит", "en": "Visit"},
    "q.funnel.stage.won": {"ru": "Сделка", "en": "Deal"},
    "col.count_abs": {"ru": "Количество", "en": "Count"},
    "col.conversion": {"ru": "Конверсия из предыдущего", "en": "Conversion from previous"},
    "q.funnel.note": {"ru": "Показы и клики — только платные каналы из файла расходов; конверсия клика в лид считается по лидам "
                            "платных каналов, остальные этапы — по всем лидам.",
                      "en": "Impressions and clicks cover the paid channels of the spend file only; click-to-lead conversion "
                            "uses paid channels' leads, the other stages all leads."},
    "col.qualified_share_ci": {"ru": "Доля квалиф. (95%)", "en": "Qualified share (95%)"},
    "col.qoq": {"ru": "К прошлому кварталу", "en": "Against last quarter"},
    "col.roas": {"ru": "Выручка / расход", "en": "Revenue / spend"},
    "q.channels.note": {"ru": "Доля квалифицированных — с учётом размера канала (см. словарь): мелкий канал не выглядит "
                              "лучшим или худшим из-за пары лидов. Каналы без расходов в файле расходов показаны без цен.",
                        "en": "Qualified shares allow for each channel's size (see the glossary): a tiny channel does not "
                              "look best or worst because of a few leads. Channels with no spend in the spend file have no costs."},
    "plot.q.monthly.title": {"ru": "Лиды, квалифицированные и сделки по месяцам", "en": "Leads, qualified and deals by month"},
    "plot.q.weekly.title": {"ru": "Лиды по неделям", "en": "Leads by week"},
    "plot.q.quarter": {"ru": "отчётный квартал", "en": "report quarter"},
    "plot.q.holidays": {"ru": "праздничные недели", "en": "holiday weeks"},
    "q.seasonality": {"ru": "Сезонность: лиды в день в каждом месяце к среднему месяцу (1,00 — обычный месяц, 1,20 — на 20% больше).",
                      "en": "Seasonality: leads per day in each month against the average month (1.00 a usual month, 1.20 is 20% more)."},
    "q.processing.text": {"ru": "Половина лидов квартала дозвонились за {median} рабочих минут, девять из десяти — за {p90}.",
                          "en": "Half of the quarter's leads were reached within {median} working minutes, nine in ten within {p90}."},
    "q.processing.text_never": {"ru": "Половина лидов квартала дозвонились за {median} рабочих минут; больше чем с каждым "
                                      "десятым лидом не связались вовсе.",
                                "en": "Half of the quarter's leads were reached within {median} working minutes; more than one "
                                      "lead in ten was never reached."},
    "q.missed": {"ru": "Пропущенные звонки: {missed} из {calls} звонков; перезвонили и связались с {reached}.",
                 "en": "Missed calls: {missed} of {calls} calls; {reached} were called back and reached."},
    "col.within": {"ru": "Попытка за {minutes} мин", "en": "Attempt in {minutes} min"},
    "col.median_minutes": {"ru": "Контакт: медиана, мин", "en": "Contact: median, min"},
    "col.p90_minutes": {"ru": "P90, мин", "en": "P90, min"},
    "col.contact_rate": {"ru": "Дозвон", "en": "Contacted"},
    "col.contact_shrunk": {"ru": "Дозвон (95%)", "en": "Contacted (95%)"},
    "col.expected_mix": {"ru": "Ожидаемо при таком наборе каналов", "en": "Expected for this channel mix"},
    "q.managers.note": {"ru": "Менеджеры в алфавитном порядке, не рейтинг: сравнивайте дозвон каждого с ожидаемым для его "
                              "набора каналов. Интервал показывает неопределённость оценки; о различии судите по тесту, а не по "
                              "тому, пересекаются ли интервалы. «Ниже ожидаемого» отмечено, только если весь интервал ниже.",
                        "en": "Managers in alphabetical order, not a ranking: compare each contact rate with what their "
                              "channel mix would give. The interval shows the estimate's uncertainty; judge differences by a "
                              "test, not by whether intervals overlap. «Below expected» is marked only when the whole interval is below."},
    "q.below_expected": {"ru": "ниже ожидаемого", "en": "below expected"},
    "col.share_of_losses": {"ru": "Доля отказов", "en": "Share of losses"},
    "col.cumulative": {"ru": "Накопленная", "en": "Cumulative"},
    "col.per_lead": {"ru": "На лид", "en": "Per lead"},
    "col.per_lead_previous": {"ru": "На лид, прошлый квартал", "en": "Per lead, previous quarter"},
    "col.verdict": {"ru": "Вывод", "en": "Verdict"},
    "q.budget.cheaper": {"ru": "дешевле среднего — кандидат на увеличение", "en": "cheaper than average — a candidate to grow"},
    "q.budget.dearer": {"ru": "дороже среднего — кандидат на сокращение", "en": "dearer than average — a candidate to cut"},
    "q.budget.similar": {"ru": "в пределах неопределённости от среднего", "en": "within the uncertainty of the average"},
    "q.budget.note": {"ru": "Средняя цена квалифицированного лида по платным каналам: {average} ₽. Перенос бюджета предлагается "
                            "только там, где интервал канала целиком ниже или выше среднего; отдача от добавленного рубля "
                            "может быть ниже средней.",
                      "en": "Average cost per qualified lead across paid channels: {average} ₽. A move is suggested only "
                            "where a channel's interval lies entirely below or above the average; the return on an added "
                            "rouble may be lower than the average one."},
})


REASON_LABELS = {
    "no_budget": ("нет бюджета", "no budget"), "wrong_model": ("не та модель", "wrong model"),
    "not_in_stock": ("нет в наличии", "not in stock"), "wants_used": ("хочет б/у", "wants a used car"),
    "invalid_contact": ("неверный контакт", "invalid contact"), "duplicate": ("дубль", "duplicate"),
    "spam_or_fake": ("спам", "spam or fake"), "not_a_buyer": ("не покупатель", "not a buyer"),
    "not_ready": ("не готов", "not ready"), "no_answer": ("не дозвонились", "no answer"),
    "price_or_discount": ("цена / скидка", "price or discount"), "bought_elsewhere": ("купил в другом месте", "bought elsewhere"),
    "changed_mind": ("передумал", "changed mind"), "other": ("другое", "other"), "missing": ("без причины", "no reason"),
}
TEXTS.update({f"reason.{code}": {"ru": ru, "en": en} for code, (ru, en) in REASON_LABELS.items()})


def reason_label(code: str, lang: str) -> str:
    """A reason code in words (codes a mapping adds itself are shown as they are)."""
    key = f"reason.{code}"
    return t(key, lang) if key in TEXTS else code


TEXTS.update({
    "methods.diagnose": {
        "ru": "Статистика: доли с интервалами Уилсона; разница долей — score-тест и интервал Ньюкомба (точный тест "
              "Бошлу или Фишера при малых ожидаемых частотах); названный в жалобе предмет проверяется отдельно, без "
              "поправки, а обзор всех каналов — с поправкой Холма; воронка Шпигельхальтера с точными биномиальными "
              "границами и поправкой на сверхдисперсию; учёт обработки — прямая стандартизация к структуре базы по "
              "скорости ответа × менеджер (дельта-метод), Мантель — Хензель и биномиальная модель на агрегатах; время "
              "до контакта — Каплан — Мейер с цензурированием; причины — χ², скорректированные остатки с порогом "
              "Бонферрони, V Крамера; различия менеджеров — эмпирический Байес (бета-биномиальное сглаживание). Вывод — "
              "по одному записанному правилу.",
        "en": "Statistics: rates with Wilson intervals; differences by the score test with the Newcombe interval (Boschloo "
              "or Fisher exact tests for small expected counts); the scope named in the complaint is tested alone, "
              "uncorrected, the scan of all channels with Holm's correction; Spiegelhalter funnel limits (exact binomial, "
              "overdispersion-adjusted); processing held equal by direct standardisation to the baseline's response-bucket "
              "× manager mix (delta method), Mantel–Haenszel and an aggregated binomial GLM; time to contact by "
              "Kaplan–Meier with censoring; reasons by chi-square, adjusted residuals with a Bonferroni cut, Cramér's V; "
              "manager differences by empirical-Bayes beta-binomial shrinkage. The verdict follows one written rule."},
    "methods.experiment": {
        "ru": "Статистика: отношение пуассоновских интенсивностей (score-тест и интервал) для лидов и квалифицированных "
              "лидов на рубль и в день, с квази-пуассоновским расширением при сверхдисперсии дневных чисел; доли — "
              "score-тест и интервал Ньюкомба; цены — расход, делённый на точный интервал Гарвуда; мощность и число "
              "недель для изменения на 20%; проверка разделения трафика χ² по показам; вероятность «вариант лучше» — гамма-пуассоновские апостериорные (Джеффрис, "
              "100 000 розыгрышей с фиксированным зерном). Решение — по одному записанному правилу.",
        "en": "Statistics: Poisson rate ratios (score test and interval) for leads and qualified leads per rouble and "
              "per day, widened quasi-Poisson when daily counts are overdispersed; rates by the score test with the "
              "Newcombe interval; costs as spend over the exact Garwood interval; power and weeks to detect a 20% change; "
              "a chi-square sample-ratio check on impressions; "
              "P(variant better) from gamma-Poisson posteriors (Jeffreys, 100 000 seeded draws). The decision follows "
              "one written rule."},
    "methods.experiment.did": {"ru": " Периоды сравниваются и с нетронутыми каналами (разность разностей): так общий "
                                     "сдвиг спроса между периодами не принимается за эффект варианта.",
                               "en": " The periods are also compared with the untouched channels (difference in "
                                     "differences), so a general shift in demand between periods is not taken for the "
                                     "variant's effect."},
    "methods.experiment.units": {
        "ru": "Статистика: каждая строка файла — единица (пользователь), исход — да/нет, поэтому модель биномиальная: "
              "отношение долей конверсии со score-интервалом, разность долей — score-тест и интервал Ньюкомба; "
              "колебания трафика по дням не расширяют интервал; мощность — для изменения доли на 20%; проверка "
              "разделения трафика χ² по числу единиц против плана; вероятность «вариант лучше» — бета-биномиальные "
              "апостериорные (Джеффрис, 100 000 розыгрышей с фиксированным зерном). Решение — по одному записанному "
              "правилу.",
        "en": "Statistics: each row of the file is a unit (a user) with a yes/no outcome, so the model is the binomial: "
              "the ratio of conversion shares with its score interval, the difference by the score test with the "
              "Newcombe interval; day-to-day traffic swings do not widen them; power to detect a 20% change in the "
              "share; a chi-square sample-ratio check of units against the planned split; P(variant better) from "
              "beta-binomial posteriors (Jeffreys, 100 000 seeded draws). The decision follows one written rule."},
    "methods.monitor": {
        "ru": "Статистика: по каждой неделе — разрыв доли канала (кампании, менеджера) с остальными лидами в угловой "
              "шкале; обычный разрыв — по неделям до окна проверки со случайным эффектом недели (DerSimonian — Laird); "
              "причины отказа — хи-квадрат окна против истории с поправкой на разброс между неделями; поправка "
              "Бенджамини — Хохберга на все сравнения.",
        "en": "Statistics: each week, the gap between a channel's (campaign's, manager's) share and the rest of the "
              "leads on the arcsine scale; the usual gap from the weeks before the window, with a random week effect "
              "(DerSimonian–Laird); loss reasons by a chi-square of the window against the history, scaled by the "
              "week-to-week spread; Benjamini–Hochberg across all comparisons."},
    "methods.quarterly": {
        "ru": "Статистика: показатели — когорта лидов квартала; изменения долей — score-тест, изменения числа лидов и "
              "сделок — пуассоновский тест на день, изменения цен — пуассоновский тест на рубль; доли каналов и дозвон "
              "менеджеров сглажены эмпирическим Байесом с 95% интервалами; время до контакта — Каплан — Мейер; цены "
              "квалифицированного лида — точный интервал Гарвуда.",
        "en": "Statistics: KPIs are the quarter's lead cohort; changes of rates by the score test, of lead and deal "
              "counts by a Poisson test per day, of costs by a Poisson test per rouble; channel shares and manager "
              "contact rates shrunk by empirical Bayes with 95% intervals; time to contact by Kaplan–Meier; cost per "
              "qualified lead with the exact Garwood interval."},
})


TEXTS.update({
    "stats.equivalent.shown": {"ru": "{metric} у {label1} и у {label2} совпадает в пределах ±{margin}: это показано ({p}).",
                               "en": "{label1} and {label2} are shown to be within ±{margin} on {metric} ({p})."},
    "stats.equivalent.not_shown": {"ru": "Данных недостаточно, чтобы утверждать, что {metric} у {label1} и {label2} совпадает в "
                                         "пределах ±{margin} ({p}); это не значит, что они различаются.",
                                   "en": "There is not enough evidence that {label1} and {label2} are within ±{margin} on "
                                         "{metric} ({p}); that does not mean they differ."},
    "stats.per_exposure": {"ru": "{metric}: {rate} (от {low} до {high}; событий {count}).",
                           "en": "{metric}: {rate} ({low} to {high}; {count} events)."},
    "stats.dispersion.over": {"ru": "Разброс по дням больше пуассоновского (φ = {phi}, {p}): интервалы нужно расширять.",
                              "en": "Daily counts vary more than Poisson (φ = {phi}, {p}): intervals need widening."},
    "stats.dispersion.ok": {"ru": "Разброс по дням не больше пуассоновского (φ = {phi}, {p}).",
                            "en": "Daily counts vary no more than Poisson (φ = {phi}, {p})."},
    "stats.cost": {"ru": "{metric}: {cost} ₽ (от {low} до {high}; событий {count}).",
                   "en": "{metric}: {cost} ₽ ({low} to {high}; {count} events)."},
    "stats.cost.none": {"ru": "{metric}: событий нет, цена не определена (не меньше {low} ₽).",
                        "en": "{metric}: no events, the cost is undefined (at least {low} ₽)."},
    "stats.ratio_units": {"ru": "{metric}: {ratio} (от {low} до {high}; единиц {units}).",
                          "en": "{metric}: {ratio} ({low} to {high}; {units} units)."},
    "stats.funnel_over": {"ru": "Группы различаются сильнее случайного (φ = {phi}): границы расширены.",
                          "en": "Groups vary more than chance (φ = {phi}): limits widened."},
    "stats.funnel_ok": {"ru": "Разброс групп в пределах случайного (φ = {phi}).", "en": "Groups vary within chance (φ = {phi})."},
    "stats.funnel_limits": {"ru": "Контрольные границы вокруг {p0} ({method}).", "en": "Control limits around {p0} ({method})."},
    "stats.shrinkage": {"ru": "Оценки {groups} групп сглажены к общему уровню {mean} (сила априорного распределения {strength}).",
                        "en": "{groups} groups' estimates shrunk toward {mean} (prior strength {strength})."},
    "stats.glm": {"ru": "Биномиальная модель на {n} наблюдениях; отношения шансов: {terms}.",
                  "en": "Binomial model on {n} observations; odds ratios: {terms}."},
})


TEXTS.update({
    "plot.ex.untouched.title": {"ru": "Квалифицированные лиды в день: канал эксперимента и нетронутые каналы",
                                "en": "Qualified leads per day: the experiment's channel and the untouched ones"},
    "plot.ex.untouched.y": {"ru": "Квалиф. лидов в день", "en": "Qualified per day"},
    "plot.ex.untouched.scope": {"ru": "канал эксперимента", "en": "experiment's channel"},
    "plot.ex.untouched.other": {"ru": "нетронутые каналы", "en": "untouched channels"},
})


# what a manager reads first: the summary, KPI tiles, owners, the glossary (issue: reports a manager forwards)
TEXTS.update({
    "summary.title": {"ru": "Коротко", "en": "In short"},
    "summary.actions": {"ru": "Что делать", "en": "What to do"},
    "owner.who.marketing": {"ru": "Маркетинг", "en": "Marketing"},
    "owner.who.sales": {"ru": "Продажи", "en": "Sales"},
    "owner.who.management": {"ru": "Руководство", "en": "Management"},
    "section.glossary": {"ru": "Словарь: что значат слова отчёта", "en": "Glossary: what the report's words mean"},
    **{f"month.{m}": {"ru": ru, "en": en} for m, (ru, en) in enumerate(
        [("янв", "Jan"), ("фев", "Feb"), ("мар", "Mar"), ("апр", "Apr"), ("май", "May"), ("июн", "Jun"),
         ("июл", "Jul"), ("авг", "Aug"), ("сен", "Sep"), ("окт", "Oct"), ("ноя", "Nov"), ("дек", "Dec")], start=1)},
    "gloss.noise": {"ru": "Шум и «не шум»", "en": "Noise and “beyond noise”"},
    "gloss.noise.means": {
        "ru": "Любой показатель колеблется сам по себе. «Не шум» — изменение или разница больше, чем такие колебания "
              "объясняют (проверка на уровне 5%): по ней можно действовать. «В пределах шума» — действовать не стоит.",
        "en": "Every figure moves by itself from period to period. “Beyond noise”: a change or difference larger than "
              "such movement explains (tested at the 5% level) — worth acting on. “Within noise”: not worth acting on."},
    "gloss.edge": {"ru": "На грани шума", "en": "On the edge of noise"},
    "gloss.edge.means": {
        "ru": "Сам по себе сдвиг больше шума (его интервал не задевает ноль), но не после поправки на число сравнений на "
              "странице. Следите за ним в следующем квартале, но решений на нём одном не стройте.",
        "en": "On its own the change is beyond noise (its interval misses zero), but not once every comparison on the page "
              "is counted. Watch it next quarter; do not base a decision on it alone."},
    "gloss.interval": {"ru": "Интервал (95%)", "en": "Interval (95%)"},
    "gloss.interval.means": {
        "ru": "Диапазон значений, с которыми данные согласуются. Если он целиком по одну сторону от нуля, направление "
              "надёжно; если широкий — данных мало, решение стоит отложить.",
        "en": "The range of values the data agree with. Entirely on one side of zero: the direction is reliable; wide: "
              "there is little data and a decision can wait."},
    "gloss.holm": {"ru": "Поправка на число сравнений (Холма)", "en": "Correction for many comparisons (Holm)"},
    "gloss.holm.means": {
        "ru": "Чем больше показателей сравнивается сразу, тем чаще какой-то «сдвинется» случайно. Поправка делает "
              "порог строже, чтобы на странице не было ложных тревог.",
        "en": "The more figures compared at once, the more often one “moves” by chance. The correction raises the bar so "
              "the page raises no false alarms."},
    "gloss.pts": {"ru": "п.п. (процентные пункты)", "en": "pts (percentage points)"},
    "gloss.pts.means": {"ru": "Разница двух долей: 30% и 33% отличаются на 3 п.п., а не на 10%.",
                        "en": "The difference of two shares: 30% and 33% differ by 3 pts, not by 10%."},
    "gloss.cohort": {"ru": "Лиды квартала", "en": "The quarter's leads"},
    "gloss.cohort.means": {
        "ru": "Лиды, созданные в квартале, с их исходом на дату выгрузки: сделка, закрытая позже, засчитывается "
              "кварталу, в котором пришёл лид. Повторные обращения того же человека новыми лидами не считаются.",
        "en": "Leads created in the quarter, with their outcome as of the export: a deal closed later counts for the "
              "quarter the lead came in. Repeat requests of the same person are not new leads."},
    "gloss.working_minutes": {"ru": "Рабочие минуты", "en": "Working minutes"},
    "gloss.working_minutes.means": {
        "ru": "Время ответа без ночей, выходных и праздников: лид, пришедший в субботу, не ждёт до понедельника.",
        "en": "Response time without nights, weekends and holidays: a lead that came on Saturday is not waiting until "
              "Monday."},
    "gloss.funnel_limits": {"ru": "Границы на графике каналов", "en": "Limits on the channel chart"},
    "gloss.funnel_limits.means": {
        "ru": "Маленький канал колеблется сильнее большого. Линии показывают, куда случайно попадает канал такого "
              "размера; точка за линией 99,8% отличается от общего уровня не случайно — канал стоит разобрать.",
        "en": "A small channel swings more than a large one. The lines show where a channel of that size lands by "
              "chance; a point beyond the 99.8% line differs from the overall level for real — examine that channel."},
    "gloss.shrinkage": {"ru": "Оценка с учётом размера канала", "en": "Estimate allowing for size"},
    "gloss.shrinkage.means": {
        "ru": "Доля у маленького канала или менеджера подтянута к общей тем сильнее, чем меньше лидов: канал из "
              "пяти лидов не выглядит лучшим или худшим случайно.",
        "en": "A small channel's or manager's share is pulled toward the overall one, the more the fewer leads it "
              "has: a five-lead channel does not look best or worst by chance."},
    "gloss.immature": {"ru": "Рано судить", "en": "Too early"},
    "gloss.immature.means": {
        "ru": "Часть лидов конца периода ещё не дошла до этапа и не закрыта: их исход появится позже, поэтому "
              "сравнение этапа откладывается, а не делается по неполным данным.",
        "en": "Some late leads have neither reached the stage nor closed yet: their outcome comes later, so the stage is "
              "compared later, not on incomplete data."},
    "gloss.p_value": {"ru": "p (вероятность случайности)", "en": "p (chance)"},
    "gloss.p_value.means": {
        "ru": "Как часто разница такого размера возникала бы случайно, если бы на самом деле разницы не было. "
              "p < 0,05 — «не шум». Это не вероятность того, что вывод верен.",
        "en": "How often a difference this large would arise by chance if there were really no difference. p < 0.05 is "
              "“beyond noise”. It is not the probability that the conclusion is true."},
    "gloss.min_gap": {"ru": "Заметная разница", "en": "A gap that matters"},
    "gloss.min_gap.means": {
        "ru": "Меньше какой разницы жалобу не поддерживаем, даже если она не шум: по умолчанию 20% от уровня базы, "
              "но не меньше 3 п.п. (задаётся параметром --min-gap).",
        "en": "The smallest gap that supports a complaint even when it is beyond noise: by default 20% of the baseline's "
              "level, at least 3 pts (set with --min-gap)."},
    "gloss.baseline": {"ru": "База", "en": "Baseline"},
    "gloss.baseline.means": {
        "ru": "С чем сравнивается предмет жалобы: по умолчанию остальные лиды того же периода.",
        "en": "What the complaint's scope is compared with: by default the other leads of the same period."},
    "gloss.adjusted": {"ru": "При одинаковой обработке", "en": "With processing held equal"},
    "gloss.adjusted.means": {
        "ru": "Разница после того, как предмет жалобы и база сравнены внутри одинаковых групп по скорости первого "
              "звонка и менеджеру. Если разница держится — дело в лидах, если исчезает — в обработке.",
        "en": "The gap once scope and baseline are compared within the same groups of first-call speed and manager. "
              "If it holds, the leads are the cause; if it vanishes, processing is."},
    "gloss.odds_ratio": {"ru": "Отношение шансов", "en": "Odds ratio"},
    "gloss.odds_ratio.means": {
        "ru": "Во сколько раз шансы лида предмета жалобы дойти до этапа меньше (меньше 1) или больше (больше 1), чем у "
              "лида базы при той же обработке. 1 — разницы нет.",
        "en": "How many times smaller (below 1) or larger (above 1) a scope lead's odds of reaching the stage are than a "
              "baseline lead's under the same processing. 1: no difference."},
    "gloss.time_to_contact": {"ru": "Кривая времени до контакта", "en": "Time-to-contact curve"},
    "gloss.time_to_contact.means": {
        "ru": "Какая доля лидов дозвонилась к каждой рабочей минуте; лиды, с которыми ещё не связались, учтены честно "
              "(метод Каплана — Мейера). Попытка звонка и состоявшийся контакт — разные вещи.",
        "en": "What share of leads was reached by each working minute, with leads not reached yet counted fairly "
              "(Kaplan–Meier). A call attempt and a contact made are different things."},
    "gloss.association": {"ru": "Сила связи (V Крамера)", "en": "Strength of association (Cramér’s V)"},
    "gloss.association.means": {
        "ru": "Насколько набор причин отказа у предмета жалобы отличается от базы: 0 — не отличается, 0,1 — слабо, "
              "0,3 и больше — сильно.",
        "en": "How different the scope's mix of loss reasons is from the baseline's: 0 none, 0.1 weak, 0.3 or more "
              "strong."},
    "gloss.posterior": {"ru": "Вероятность, что вариант лучше", "en": "Chance the variant is better"},
    "gloss.posterior.means": {
        "ru": "Доля правдоподобных сценариев, в которых вариант выигрывает по главному показателю. 50% — ничего не "
              "известно; 95% и выше — почти наверняка лучше.",
        "en": "The share of plausible scenarios in which the variant wins on the decision metric. 50%: nothing known; "
              "95% or more: almost surely better."},
    "gloss.decision_rule": {"ru": "Правило решения", "en": "Decision rule"},
    "gloss.decision_rule.means": {
        "ru": "Внедрять, если вариант даёт квалифицированных лидов на рубль не меньше (с запасом) и либо больше их, "
              "либо заметно меньше лишних звонков; оставить контроль, если хуже; иначе — данных мало.",
        "en": "Adopt when the variant gives no fewer qualified leads per rouble (with a margin) and either more of them "
              "or clearly fewer calls to make; keep the control when it is worse; otherwise there is not enough data."},
    # quarterly summary and tiles
    "q.summary.title": {"ru": "{quarter} ({start} — {end}): коротко", "en": "{quarter} ({start} – {end}) in short"},
    "q.summary.note": {"ru": "Зелёный или красный — хорошо или плохо для бизнеса (только когда изменение не шум), серый — "
                             "в пределах шума; линия — последние кварталы.",
                       "en": "Green or red: good or bad for the business (only when the change is beyond noise); grey: "
                             "within noise; the line: the last quarters."},
    "q.badge.early": {"ru": "рано судить", "en": "too early"},
    "q.badge.chosen": {"ru": "задаётся бюджетом", "en": "set by budget"},
    "q.badge.real": {"ru": "не шум", "en": "beyond noise"},
    "q.badge.noise": {"ru": "в пределах шума", "en": "within noise"},
    "q.badge.edge": {"ru": "на грани шума", "en": "on the edge of noise"},
    "q.story.yoy": {"ru": "К тому же кварталу год назад (тот же сезон): {items}.", "en": "Against the same quarter a year ago (same season): {items}."},
    "q.story.yoy.leads": {"ru": "лидов", "en": "leads"},
    "q.story.yoy.cpl": {"ru": "цена лида", "en": "cost per lead"},
    "q.story.yoy.cpql": {"ru": "цена квалифицированного лида", "en": "cost per qualified lead"},
    "q.vs.short.previous": {"ru": "{delta} к прошлому кварталу", "en": "{delta} vs last quarter"},
    "q.vs.short.year_ago": {"ru": "{delta} к году назад", "en": "{delta} vs a year ago"},
    "q.tile.leads": {"ru": "Лиды", "en": "Leads"},
    "q.tile.qualified_rate": {"ru": "Доля квалифицированных", "en": "Qualified share"},
    "q.tile.contact_rate": {"ru": "Дозвон", "en": "Contact rate"},
    "q.tile.deals": {"ru": "Сделки", "en": "Deals"},
    "q.tile.spend": {"ru": "Расход", "en": "Spend"},
    "q.tile.cpl": {"ru": "Цена лида", "en": "Cost per lead"},
    "q.tile.cpql": {"ru": "Цена квалифицированного лида", "en": "Cost per qualified lead"},
    "q.tile.cac": {"ru": "Цена сделки", "en": "Cost per deal"},
    "q.tile.sla": {"ru": "Первая попытка за {minutes} рабочих минут", "en": "First attempt in {minutes} working min"},
    "q.story.spend": {"ru": "Расход {spend} ({spend_change} {vs}) дал {leads} лидов — {leads_change}.",
                      "en": "Spend of {spend} ({spend_change} {vs}) brought {leads} leads — {leads_change}."},
    "q.story.leads": {"ru": "Лидов {leads} — {change} {vs}.", "en": "{leads} leads — {change} {vs}."},
    "q.story.more": {"ru": "на {delta} больше, и это не шум", "en": "{delta} more, beyond noise"},
    "q.story.fewer": {"ru": "на {delta} меньше, и это не шум", "en": "{delta} fewer, beyond noise"},
    "q.story.noise": {"ru": "{delta}, в пределах шума", "en": "{delta}, within noise"},
    "q.story.early": {"ru": "судить рано: этап ещё не завершился", "en": "too early: the stage is not complete"},
    "q.story.dearer": {"ru": "выросла на {delta}, и это не шум", "en": "rose {delta}, beyond noise"},
    "q.story.cheaper": {"ru": "снизилась на {delta}, и это не шум", "en": "fell {delta}, beyond noise"},
    "q.story.up": {"ru": "рост на {delta}, не шум", "en": "up {delta}, beyond noise"},
    "q.story.down": {"ru": "снижение на {delta}, не шум", "en": "down {delta}, beyond noise"},
    "q.story.cpl": {"ru": "Цена лида", "en": "Cost per lead"},
    "q.story.cpql": {"ru": "цена квалифицированного лида", "en": "cost per qualified lead"},
    "q.story.quality": {"ru": "Качество: {items}.", "en": "Quality: {items}."},
    "q.story.speed": {"ru": "Скорость: первая попытка связи за {minutes} рабочих минут — у {share} лидов ({change}).",
                      "en": "Speed: {share} of leads get a first call attempt within {minutes} working minutes ({change})."},
    "q.story.slowest": {"ru": "Медленнее всех — «{channel}» ({share}).", "en": "Slowest: «{channel}» ({share})."},
    "q.headline.cpql_up": {"ru": "квалифицированный лид подорожал на {delta}", "en": "a qualified lead cost {delta} more"},
    "q.headline.cpql_down": {"ru": "квалифицированный лид подешевел на {delta}", "en": "a qualified lead cost {delta} less"},
    "q.headline.cpl_up": {"ru": "лид подорожал на {delta}, а квалифицированный — нет", "en": "a lead cost {delta} more, a qualified one did not"},
    "q.headline.cpl_down": {"ru": "лид подешевел на {delta}", "en": "a lead cost {delta} less"},
    "q.headline.cost_same": {"ru": "цена лида и квалифицированного лида прежняя", "en": "the cost per lead and per qualified lead held"},
    "q.headline.quality_same": {"ru": "качество лидов прежнее", "en": "lead quality held"},
    "q.headline.leads_same": {"ru": "Лидов столько же", "en": "As many leads"},
    "q.headline.spend": {"ru": " при расходе {delta}", "en": " on spend {delta}"},
    "q.headline.quality_up": {"ru": "доля квалифицированных выросла", "en": "the qualified share rose"},
    "q.headline.quality_down": {"ru": "доля квалифицированных упала", "en": "the qualified share fell"},
    "q.headline.more": {"ru": "Лидов на {leads} больше", "en": "{leads} more leads"},
    "q.headline.fewer": {"ru": "Лидов на {leads} меньше", "en": "{leads} fewer leads"},
    "q.headline.no_history": {"ru": "Первый квартал в данных: сравнивать не с чем",
                              "en": "The first quarter in the data: nothing to compare with"},
    "q.do.outlier": {"ru": "Разберите лиды «{channel}»: квалифицированы {rate} — ниже границы, до которой канал такого "
                           "размера опускается случайно ({low}). Проверьте таргетинг и объявления; подробно — "
                           "leadaudit diagnose --channel \"{channel}\".",
                     "en": "Examine «{channel}» leads: {rate} qualified — below the level a channel of its size reaches by "
                           "chance ({low}). Check targeting and ads; in detail: leadaudit diagnose --channel \"{channel}\"."},
    "q.do.budget": {"ru": "Переносите часть бюджета с «{from_}» (квалифицированный лид за {from_cpql}) на «{to}» "
                          "(за {to_cpql}).",
                    "en": "Move part of the budget from «{from_}» (a qualified lead at {from_cpql}) to «{to}» (at {to_cpql})."},
    "q.do.slow_managers": {"ru": "Ускорьте ответ по «{channel}»: {share} его лидов ведут {managers}, а они отвечают за {minutes} "
                                 "минут лишь в {within} случаев (в среднем — {overall}). Перераспределите лиды или "
                                 "разберите загрузку.",
                           "en": "Speed up «{channel}»: {share} of its leads go to {managers}, who answer only {within} "
                                 "within {minutes} minutes ({overall} overall). Reassign the leads or look at their workload."},
    "q.do.slow_channel": {"ru": "Ускорьте ответ по «{channel}»: за {minutes} минут отвечают на {share} лидов (в среднем — {overall}).",
                          "en": "Speed up «{channel}»: {share} of its leads are answered within {minutes} minutes ({overall} overall)."},
    "q.do.slow_manager": {"ru": "{manager}: дозвон {rate} при ожидаемых {expected} для такого набора каналов — разберите "
                                "причины.",
                          "en": "{manager}: {rate} of leads reached against {expected} expected for the channel mix — find out why."},
    "q.do.scale": {"ru": "Решите, держать ли такой бюджет: расход {spend}, цена лида {cpl} (не шум), а цена "
                         "квалифицированного лида {cpql}.",
                   "en": "Decide whether to keep this budget: spend {spend}, cost per lead {cpl} (beyond noise), and the "
                         "cost per qualified lead {cpql}."},
    "q.do.immature": {"ru": "Лиды квартала ещё доходят до этапов ({stages}): их число и цену оценивайте после {date}.",
                      "en": "The quarter's leads are still reaching some stages ({stages}): judge their counts and costs after {date}."},
    "q.finding.outlier.below": {"ru": "«{channel}»: квалифицированы {rate} лидов при общем уровне {overall} — ниже границы "
                                      "99,8% для канала такого размера ({low}): это не случайность.",
                                "en": "«{channel}»: {rate} of leads qualified against {overall} overall — below the 99.8% "
                                      "limit for a channel of its size ({low}): not chance."},
    "q.finding.outlier.above": {"ru": "«{channel}»: квалифицированы {rate} лидов при общем уровне {overall} — выше границы "
                                      "99,8% для канала такого размера ({high}): это не случайность.",
                                "en": "«{channel}»: {rate} of leads qualified against {overall} overall — above the 99.8% "
                                      "limit for a channel of its size ({high}): not chance."},
    "q.finding.slow_managers": {"ru": "Лиды канала ведут {managers} ({share} его лидов); на всех своих лидах они отвечают за "
                                      "{minutes} минут в {within} случаев — медлительность канала объясняется ими.",
                                "en": "The channel's leads go to {managers} ({share} of them); over all their leads they "
                                      "answer {within} within {minutes} minutes — they explain the channel's slowness."},
    "q.kpis.note": {"ru": "В скобках — 95% интервал изменения; «не шум» — изменение подтверждено проверкой с поправкой на "
                          "число сравнений на этой странице (см. словарь).",
                    "en": "In brackets: the change's 95% interval; “beyond noise”: the change passed a test corrected for "
                          "the number of comparisons on this page (see the glossary)."},
    "q.by_channel": {"ru": "По каналам", "en": "By channel"},
    "q.by_manager": {"ru": "По менеджерам", "en": "By manager"},
    "q.owners": {"ru": "Кто может исправить причины отказа (доля отказов): {owners}.",
                 "en": "Who can fix the losses (share of losses): {owners}."},
    "q.reasons.rest": {"ru": "Ещё причин: {count} — вместе {lost} отказов ({share}); ни одна не изменилась сверх шума.",
                       "en": "{count} more reasons — {lost} losses together ({share}); none changed beyond noise."},
    "plot.q.funnel.kept": {"ru": "{share}% от предыдущего", "en": "{share}% of the step before"},
    "plot.q.funnel.title": {"ru": "Сколько лидов доходит до каждого этапа (серым — прошлый квартал)",
                            "en": "How many leads reach each step (grey: last quarter)"},
})

# the diagnosis a manager reads first
TEXTS.update({
    "dx.summary.title": {"ru": "Коротко", "en": "In short"},
    "dx.gap.worse": {"ru": "хуже на {pts}", "en": "worse by {pts}"},
    "dx.gap.better": {"ru": "лучше на {pts}", "en": "better by {pts}"},
    "dx.gap.same": {"ru": "без разницы", "en": "no difference"},
    "dx.range": {"ru": "от {low} до {high}", "en": "{low} to {high}"},
    "dx.number.scope": {"ru": "{metric}, — {scope} ({events} из {total})",
                        "en": "{metric} — {scope} ({events} of {total})"},
    "dx.number.baseline": {"ru": "в базе — {baseline} ({events} из {total})",
                           "en": "in the baseline — {baseline} ({events} of {total})"},
    "dx.number.gap": {"ru": "разница с базой (95%: {range}); заметной считаем от {delta}",
                      "en": "against the baseline (95%: {range}); a gap that matters starts at {delta}"},
    "dx.number.gap_adjusted": {"ru": "разница с базой (95%: {range}); при одинаковой обработке — {adjusted}",
                               "en": "against the baseline (95%: {range}); with processing held equal: {adjusted}"},
    "dx.summary.echo": {"ru": "В выгрузке есть причина отказа «{text}» ({count} отказов во всей выгрузке), которой нет в "
                              "справочнике: она звучит как сама жалоба, а учтена как «другое».",
                        "en": "The export has a loss reason «{text}» ({count} losses in the whole export) that is not in the "
                              "mapping: it echoes the complaint itself but is counted as “other”."},
    "act.echo": {"ru": "Тому, кто ведёт выгрузку: отнесите причину «{text}» к одной из причин справочника (reasons в "
                       "файле сопоставления) — так её {count} отказов будут видны в разборе причин.",
                 "en": "For whoever keeps the export: map the reason «{text}» to one of the mapping's reasons (reasons in "
                       "the mapping file) so that its {count} losses show in the reason analysis."},
    "dx.numbers": {
        "ru": "Главный показатель — {metric}: {scope_rate} у предмета жалобы ({scope_events} из {scope_total}) против "
              "{base_rate} в базе ({base_events} из {base_total}). Предмет жалобы {gap_words} (интервал {range}; "
              "{p}). Заметной считаем разницу от {delta} — 20% от уровня базы, но не меньше 3 п.п. (см. словарь).",
        "en": "Primary metric, {metric}: {scope_rate} in scope ({scope_events} of {scope_total}) vs {base_rate} in the "
              "baseline ({base_events} of {base_total}). The scope is {gap_words} (interval {range}; {p}). A gap "
              "matters from {delta} — 20% of the baseline's level, at least 3 pts (see the glossary)."},
    "dx.numbers.adjusted": {
        "ru": "При одинаковой обработке (те же доли по времени первого звонка{manager}) предмет жалобы {gap_words} "
              "(интервал {range}); сравнение покрывает {coverage} лидов базы.{share}",
        "en": "With processing held equal (the same mix of first-response times{manager}) the scope is {gap_words} "
              "(interval {range}); the comparison covers {coverage} of the baseline's leads.{share}"},
    "dx.numbers.clock": {"ru": "Если время ответа считать по часам, а не в рабочих минутах, — {gap_words} (интервал {range}).",
                         "en": "With response times on the clock rather than in working minutes: {gap_words} (interval {range})."},
    "dx.scope.counts": {"ru": "Сколько лидов в каждом расчёте: {parts}.", "en": "How many leads each figure rests on: {parts}."},
    "dx.scope.count.stage": {"ru": "«{stage}» — {n} лидов с известным исходом", "en": "«{stage}»: {n} leads with a known outcome"},
    "dx.scope.count.first": {"ru": "новых лидов (без повторных) — {n}", "en": "new leads (repeats left out): {n}"},
    "dx.funnel.tiny": {"ru": "мало данных: {scope} и {baseline} лидов — разница не показывается",
                       "en": "too little data: {scope} and {baseline} leads — no gap shown"},
    "col.gap_words": {"ru": "Разница с базой", "en": "Against the baseline"},
    "col.gap_rest": {"ru": "Разница с остальными", "en": "Against the rest"},
    "dx.trend.worse": {"ru": "Предмет жалобы хуже базы в {worse} из {weeks} недель, последние {run} недель подряд — это не "
                             "одна плохая неделя.",
                       "en": "The scope was worse than the baseline in {worse} of {weeks} weeks, the last {run} in a row — "
                             "not one bad week."},
    "dx.trend.always": {"ru": "Предмет жалобы хуже базы во всех {weeks} неделях графика: проблема давняя, а не одна плохая "
                              "неделя. Последние точки опираются на немногих лидов с уже известным исходом.",
                        "en": "The scope was worse than the baseline in every one of the chart's {weeks} weeks: a "
                              "long-standing problem, not one bad week. The last points rest on the few leads whose outcome "
                              "is known already."},
    "dx.trend.mixed": {"ru": "Предмет жалобы хуже базы в {worse} из {weeks} недель: устойчивого отставания по неделям не видно.",
                       "en": "The scope was worse than the baseline in {worse} of {weeks} weeks: no steady shortfall week "
                             "by week."},
    "dx.noise.same": {"ru": "в пределах шума", "en": "within noise"},
    "dx.noise.differ": {"ru": "различаются ({p})", "en": "differ ({p})"},
    "col.noise": {"ru": "Различие", "en": "Difference"},
})


# the experiment page a manager reads first
TEXTS.update({
    "ex.why.workload": {
        "ru": "Вариант внедряется, хотя разница в цене квалифицированного лида не доказана ({p}): по правилу решения "
              "достаточно, что вариант не хуже по {dm_by} (с запасом {limit}) и при этом даёт на {cut} меньше лидов, "
              "которые продажам нужно обзвонить. Экономия работы продаж — и есть причина.",
        "en": "The variant is adopted although a difference in the cost per qualified lead is not proven ({p}): the "
              "decision rule only asks that it is no worse on {dm} (within a {limit} margin) while it gives {cut} fewer "
              "leads for sales to call. The saved sales work is the reason."},
    "ex.effect.fewer": {"ru": "Это примерно на {n} лидов для обзвона за квартал меньше при том же числе квалифицированных.",
                        "en": "That is about {n} fewer leads to call a quarter for the same number of qualified ones."},
    "ex.effect.more": {"ru": "Это примерно на {n} лидов для обзвона за квартал больше при том же числе квалифицированных.",
                       "en": "That is about {n} more leads to call a quarter for the same number of qualified ones."},
    "ex.effect.how": {"ru": "Как посчитано: квалифицированные лиды контроля за квартал (91 день), делённые на долю "
                            "квалифицированных в каждой группе, — столько лидов нужно обзвонить ради того же числа "
                            "квалифицированных; разница — {n}.",
                      "en": "How it is computed: the control's qualified leads per quarter (91 days) over each arm's "
                            "qualified share is how many leads must be called for that many qualified ones; the difference "
                            "is {n}."},
    "ex.number.main": {"ru": "{metric}: контроль → вариант ({change}, {p})", "en": "{metric}: control → variant ({change}, {p})"},
    "ex.number.workload.spend": {"ru": "лидов, которых продажам нужно обзвонить, на тот же бюджет (95%: {range})",
                                 "en": "leads for sales to call for the same budget (95%: {range})"},
    "ex.number.workload.days": {"ru": "лидов, которых продажам нужно обзвонить, в день (95%: {range})",
                                "en": "leads for sales to call a day (95%: {range})"},
    "gloss.decision_rule.days": {"ru": "Правило решения", "en": "Decision rule"},
    "gloss.decision_rule.days.means": {
        "ru": "Внедрять, если вариант даёт квалифицированных лидов в день не меньше (с запасом) и либо больше их, либо "
              "заметно меньше лишних звонков; оставить контроль, если хуже; иначе — данных мало.",
        "en": "Adopt when the variant gives no fewer qualified leads a day (with a margin) and either more of them or "
              "clearly fewer calls to make; keep the control when it is worse; otherwise there is not enough data."},
    "gloss.decision_rule.units": {"ru": "Правило решения", "en": "Decision rule"},
    "gloss.decision_rule.units.means": {
        "ru": "Внедрять, если доля конверсий у варианта выше и это не шум; оставить контроль, если ниже; иначе — "
              "данных мало.",
        "en": "Adopt when the variant's conversion share is higher beyond noise; keep the control when it is lower; "
              "otherwise there is not enough data."},
    "ex.number.posterior": {"ru": "вероятность, что вариант лучше по {dm_by}", "en": "chance the variant is better on {dm}"},
    "ex.do.wait": {"ru": "Дождитесь исходов лидов и повторите анализ.", "en": "Wait for the leads' outcomes and rerun."},
    "ex.do.adopt": {"ru": "Переводите трафик на «{variant}» и отключайте «{control}».",
                    "en": "Move the traffic to «{variant}» and switch «{control}» off."},
    "ex.do.fewer_calls": {"ru": "Ожидайте меньше входящих лидов при том же числе квалифицированных: освободившееся время — на "
                                "быстрый ответ.",
                          "en": "Expect fewer incoming leads for the same qualified ones: put the freed time into faster answers."},
    "ex.do.keep": {"ru": "Оставьте «{control}»; «{variant}» не внедряйте.", "en": "Keep «{control}»; do not adopt «{variant}»."},
    "ex.do.continue": {"ru": "Продолжайте эксперимент: для ответа нужно ещё около {weeks} недель при нынешнем потоке.",
                       "en": "Keep the experiment running: about {weeks} more weeks are needed at the current flow."},
    "ex.do.deals_later": {"ru": "Сделки ещё закрываются (окно {days} дней): сравните стоимость сделки после {date}.",
                          "en": "Deals are still closing ({days}-day window): compare the cost per deal after {date}."},
    "ex.do.srm": {"ru": "Сначала проверьте, почему трафик разделился не по плану: сравнение групп может быть искажено.",
                  "en": "First find out why the traffic did not split as planned: the arms may not be comparable."},
    "col.change": {"ru": "Изменение", "en": "Change"},
    "col.interval": {"ru": "95% интервал", "en": "95% interval"},
    "ex.metrics.note": {"ru": "★ — главный показатель решения. Изменение — вариант к контролю; полоса — 95% интервал "
                              "относительного изменения (пунктир — ноль); зелёный — хорошо, красный — плохо для бизнеса, "
                              "серый — в пределах шума.",
                        "en": "★ the decision metric. Change: variant against control; the bar is the 95% interval of the "
                              "relative change (dashed: zero); green good, red bad for the business, grey within noise."},
    "ex.metrics.deals_hidden": {"ru": "Доля и стоимость сделок скрыты: сделки ещё закрываются (окно {days} дней).",
                                "en": "Deal rate and cost per deal are hidden: deals are still closing ({days}-day window)."},
    "ex.daily.reading": {"ru": "Точки — отдельные дни, линии — среднее за 7 дней; сплошные — все лиды, пунктир — "
                               "квалифицированные.",
                         "en": "Dots are single days, lines 7-day averages; solid lines all leads, dashed qualified ones."},
    "ex.daily.ramp": {"ru": "«{arm}» набирал ход в первую неделю: {first} лида в день против {later} потом.",
                      "en": "«{arm}» was ramping up in its first week: {first} leads a day against {later} later."},
})


# the complaint log (analysis.complaint_log)
TEXTS.update({
    # the weekly monitor
    "mo.summary.title": {"ru": "Неделя {week_start} — {end}: что изменилось", "en": "Week {week_start} — {end}: what changed"},
    "mo.summary.scanned": {
        "ru": "На фоне {weeks} недель с {start}: проверено {total} — {listed}; по {units} хватило лидов. Сравнений {tests} (эта неделя и последние недели вместе), из них "
              "{judged} — с достаточным числом лидов; с поправкой на множественность ложная тревога в неделю без "
              "изменений — не чаще {alpha}.",
        "en": "Against {weeks} weeks since {start}: {total} checked — {listed}; {units} with enough leads. {tests} comparisons (this week, and the last weeks "
              "together), {judged} with enough leads; corrected for multiplicity, a false alarm in a week where nothing "
              "changed comes at most {alpha} of the time."},
    "mo.answer.alerts": {"ru": "Сдвигов сверх шума: {n}. Главный: {unit} — {move}, {window}",
                         "en": "Changes beyond noise: {n}. The largest: {unit} — {move}, {window}"},
    "mo.answer.alert": {"ru": "Сдвиг сверх шума: {unit} — {move}, {window}",
                        "en": "One change beyond noise: {unit} — {move}, {window}"},
    "mo.answer.better": {"ru": "Ухудшений сверх шума нет; улучшений: {n}",
                         "en": "Nothing turned worse beyond noise; {n} improved"},
    "mo.answer.quiet": {"ru": "За неделю ничего не изменилось сверх шума",
                        "en": "Nothing moved beyond noise this week"},
    "mo.answer.nothing_judged": {"ru": "Судить не о чем: в проверяемых неделях ни у кого нет достаточно лидов с "
                                       "известным итогом",
                                 "en": "Nothing to judge: no one has enough leads of known outcome in the weeks "
                                       "watched"},
    "mo.answer.history": {"ru": "Мало истории: недель с лидами {weeks} из нужных {needed} — судить об изменениях рано",
                          "en": "Not enough history: leads in {weeks} weeks of the {needed} needed — too early to judge "
                                "changes"},
    "mo.number.alerts": {"ru": "число сдвигов сверх шума", "en": "changes beyond noise"},
    "mo.number.qualified_lost": {"ru": "недобор квалифицированных лидов к обычному уровню (по каналам)",
                                 "en": "qualified leads below the usual (by channel)"},
    "mo.number.units": {"ru": "проверено с достаточным числом лидов (из {total})",
                        "en": "judged with enough leads (of {total})"},
    "mo.action": {"ru": "Разобрать {unit}: {move}, {window}. Команда (проверит версию «{claim}»): {command}",
                  "en": "Look into {unit}: {move}, {window}. Command (tests the claim “{claim}”): {command}"},
    "mo.claim.not_target": {"ru": "лиды нецелевые", "en": "the leads are not target"},
    "mo.claim.no_contact": {"ru": "до лидов не дозвониться", "en": "the leads cannot be reached"},
    "mo.claim.general": {"ru": "лиды плохие", "en": "the leads are bad"},
    "mo.stale": {"ru": "Данные по {as_of} — на {days} дней старше отчёта: для сводки к планёрке сделайте свежую выгрузку.",
                 "en": "The data end on {as_of}, {days} days before this report: for the weekly meeting, export afresh."},
    "mo.overall": {"ru": "В целом по салону за неделю: {leads} лидов, доля квалифицированных {rate} (обычно {usual}; "
                         "предварительно — часть свежих лидов ещё в работе).",
                   "en": "The whole dealership this week: {leads} leads, qualified share {rate} (usually {usual}; "
                         "preliminary — some young leads are still being worked)."},
    "mo.overall.leads": {"ru": "В целом по салону за неделю: {leads} лидов.", "en": "The whole dealership this week: {leads} leads."},
    "mo.action.more": {"ru": "Ещё изменений сверх шума: {n} — список в разделе ниже",
                       "en": "{n} more changes beyond noise — listed below"},
    "mo.action.none": {"ru": "Ничего не требует разбора; следующий запуск — через неделю",
                       "en": "Nothing needs a closer look; run again next week"},
    "mo.summary.note": {
        "ru": "Каждый канал, кампания и менеджер сравнивается со своей историей и с остальными лидами той же недели: "
              "то, что сдвинуло всех (сезон, праздник, ещё не закрытые свежие лиды), тревогой не считается.",
        "en": "Each channel, campaign and manager is compared with its own history and with the rest of the leads the "
              "same week: what moved everyone (season, a holiday, the youngest leads not closed yet) is not an alarm."},
    "mo.metric.qualified_rate": {"ru": "доля квалифицированных", "en": "qualified share"},
    "mo.metric.contact_rate": {"ru": "дозвон", "en": "contact rate"},
    "mo.metric.speed": {"ru": "первая попытка связи за {minutes} раб. мин", "en": "first call within {minutes} working min"},
    "mo.metric.reasons": {"ru": "причины отказа", "en": "loss reasons"},
    "mo.unit.channel": {"ru": "канал «{name}»", "en": "channel «{name}»"},
    "mo.unit.campaign": {"ru": "кампания «{name}»", "en": "campaign «{name}»"},
    "mo.unit.manager": {"ru": "менеджер {name}", "en": "manager {name}"},
    "mo.dimension.channel": {"ru": "Каналы", "en": "Channels"},
    "mo.count.channel": {"ru": "{n} каналов", "en": "{n} channels"},
    "mo.count.campaign": {"ru": "{n} кампаний", "en": "{n} campaigns"},
    "mo.count.manager": {"ru": "{n} менеджеров", "en": "{n} managers"},
    "mo.dimension.campaign": {"ru": "Кампании", "en": "Campaigns"},
    "mo.dimension.manager": {"ru": "Менеджеры", "en": "Managers"},
    "mo.window.week": {"ru": "эта неделя", "en": "this week"},
    "mo.window.recent": {"ru": "последние {n} недели", "en": "the last {n} weeks"},
    "mo.move.rate": {"ru": "{metric} {now} ({count} из {n}) против обычных {before}",
                     "en": "{metric} {now} ({count} of {n}) against a usual {before}"},
    "mo.move.reason": {"ru": "отказов «{reason}» {now} против обычных {before}",
                       "en": "losses «{reason}» {now} against a usual {before}"},
    "mo.rest": {"ru": "{now} (обычно {before})", "en": "{now} (usually {before})"},
    "mo.cost.qualified_rate.worse": {"ru": "≈ {n} квалиф. лидов недобрано", "en": "≈ {n} qualified leads fewer"},
    "mo.cost.qualified_rate.better": {"ru": "≈ {n} квалиф. лидов сверх обычного", "en": "≈ {n} qualified leads more"},
    "mo.cost.contact_rate.worse": {"ru": "≈ {n} лидов не дозвонились сверх обычного",
                                   "en": "≈ {n} more leads not reached"},
    "mo.cost.contact_rate.better": {"ru": "≈ {n} дозвонов сверх обычного", "en": "≈ {n} more leads reached"},
    "mo.cost.speed.worse": {"ru": "≈ {n} лидов обработаны позже цели сверх обычного",
                            "en": "≈ {n} more leads answered late"},
    "mo.cost.speed.better": {"ru": "≈ {n} лидов обработаны вовремя сверх обычного",
                             "en": "≈ {n} more leads answered on time"},
    "mo.cost.reason": {"ru": "≈ {n} отказов по этой причине сверх обычного", "en": "≈ {n} more losses for this reason"},
    "mo.section.alerts": {"ru": "Что изменилось сверх шума", "en": "What moved beyond noise"},
    "mo.section.commands": {"ru": "Команды для разбора", "en": "Commands to look closer"},
    "mo.alerts.none": {"ru": "Ничего: ни один канал, кампания или менеджер не сдвинулся сверх шума относительно своей "
                             "истории и остальных лидов (уровень ложной тревоги {alpha}).",
                       "en": "Nothing: no channel, campaign or manager moved beyond noise against its own history and "
                             "the rest of the leads (false-alarm rate {alpha})."},
    "mo.alerts.intro": {
        "ru": "Сначала ухудшения, среди них — по числу потерянных лидов. «Обычно» — недели до проверяемого периода; "
              "«остальные» — все прочие лиды тех же недель. q — p-значение с поправкой Бенджамини — Хохберга на всё "
              "просмотренное: чем меньше, тем надёжнее.",
        "en": "Worse first, by the leads they cost. «Usual» is the weeks before the period checked; «the rest» is every "
              "other lead of the same weeks. q is the p-value adjusted by Benjamini–Hochberg across everything scanned: "
              "the smaller, the surer."},
    "mo.alerts.mix": {"ru": "Причины отказа: {unit}, {window} — {move}; {cost} (q {q}).",
                      "en": "Loss reasons: {unit}, {window} — {move}; {cost} (q {q})."},
    "mo.plot.rest": {"ru": "остальные лиды", "en": "the rest"},
    "mo.plot.alt": {"ru": "По неделям (подписи — первый день недели): оранжевым — доля у того, кто сдвинулся, серым — у "
                          "остальных лидов; закрашены проверяемые недели. Последняя неделя предварительная.",
                    "en": "Week by week (labels: each week's first day): orange, the unit that moved; grey, the rest of "
                          "the leads; the weeks checked are shaded. The last week is preliminary."},
    "mo.col.unit": {"ru": "Кто", "en": "Who"},
    "mo.col.metric": {"ru": "Показатель", "en": "Measure"},
    "mo.col.window": {"ru": "Период", "en": "Period"},
    "mo.col.now": {"ru": "Сейчас", "en": "Now"},
    "mo.col.usual": {"ru": "Обычно", "en": "Usual"},
    "mo.col.rest": {"ru": "Остальные", "en": "The rest"},
    "mo.col.cost": {"ru": "Во что обошлось", "en": "What it cost"},
    "mo.col.q": {"ru": "q", "en": "q"},
    "mo.col.leads": {"ru": "Лидов с известным итогом", "en": "Leads with a known outcome"},
    "mo.col.why": {"ru": "Почему не тревога", "en": "Why it is not an alarm"},
    "mo.col.dimension": {"ru": "Что", "en": "What"},
    "mo.col.units": {"ru": "Всего", "en": "In all"},
    "mo.col.judged": {"ru": "Хватило лидов", "en": "Enough leads"},
    "mo.section.quiet": {"ru": "Похоже на изменение, но в пределах шума", "en": "Looks like it moved, but within noise"},
    "mo.quiet.intro": {"ru": "Самые заметные сдвиги, которые не выходят за шум: не повод для разбора на этой неделе.",
                       "en": "The largest moves that stay within noise: nothing to chase this week."},
    "mo.quiet.none": {"ru": "Заметных сдвигов в пределах шума нет.", "en": "No notable moves within noise."},
    "mo.why.noise": {"ru": "{n} лидов: такой скачок на малом числе бывает случайно — смотрим следующую неделю",
                     "en": "{n} leads: a jump like this on so few happens by chance — watch next week"},
    "mo.why.rest_moved": {"ru": "остальные сдвинулись так же: {rest}", "en": "the rest moved as much: {rest}"},
    "mo.section.coverage": {"ru": "Что просмотрено", "en": "What was watched"},
    "mo.coverage.none": {"ru": "В выгрузке нет лидов за эти недели.", "en": "The export has no leads in these weeks."},
    "mo.coverage.missing": {"ru": "Выгрузка не позволяет следить за: {metrics} — эти колонки не сопоставлены.",
                            "en": "The export cannot show: {metrics} — those columns are not mapped."},
    "mo.coverage.method": {
        "ru": "Недели по 7 дней до даты выгрузки, всего {weeks}. «Обычно» — первые {baseline} недель; проверяются эта "
              "неделя и последние {recent} вместе. Сравнивается разрыв с остальными лидами (в угловой шкале) с обычным "
              "разрывом; разброс между неделями учтён (DerSimonian — Laird). Поправка Бенджамини — Хохберга на все "
              "сравнения, уровень {alpha}. Судим только при {min_leads}+ лидах с известным итогом в окне; повторные "
              "обращения не считаются.",
        "en": "Seven-day weeks ending with the export day, {weeks} in all. «Usual» is the first {baseline} weeks; this "
              "week and the last {recent} pooled are tested. The gap to the rest of the leads (arcsine scale) is "
              "compared with the usual gap, with the week-to-week spread allowed for (DerSimonian–Laird). "
              "Benjamini–Hochberg across all comparisons at {alpha}. Judged only with {min_leads}+ leads of known "
              "outcome in the window; repeat leads are left out."},
    "gloss.mo.gap": {"ru": "Разрыв с остальными", "en": "Gap to the rest"},
    "gloss.mo.gap.means": {
        "ru": "Насколько канал отличается от всех прочих лидов той же недели. Тревога — когда этот разрыв ушёл от "
              "обычного: так сезон или праздник, задевшие всех, не выглядят проблемой одного канала.",
        "en": "How far a channel is from all other leads the same week. An alarm means this gap left its usual value: "
              "a season or a holiday that hit everyone does not look like one channel's problem."},
    "gloss.mo.fdr": {"ru": "Поправка на множественность", "en": "Multiplicity correction"},
    "gloss.mo.fdr.means": {
        "ru": "Просматриваются сотни сравнений; без поправки что-то «сдвинется» каждую неделю случайно. С поправкой "
              "Бенджамини — Хохберга неделя без изменений даёт тревогу не чаще заданного уровня.",
        "en": "Hundreds of comparisons are scanned; uncorrected, something would «move» by chance every week. With the "
              "Benjamini–Hochberg correction a week with no change raises an alarm at most at the chosen rate."},
    "gloss.mo.known": {"ru": "Лиды с известным итогом", "en": "Leads with a known outcome"},
    "gloss.mo.known.means": {
        "ru": "Считаются только лиды, итог которых уже известен; свежие лиды, которые ещё в работе, не идут ни в успех, "
              "ни в отказ. Поэтому доля последней недели предварительная, и каждый канал сравнивается с остальными лидами "
              "той же недели — они так же «молоды».",
        "en": "Only leads whose outcome is known count; young leads still being worked are neither success nor loss. "
              "So the last week's share is preliminary, and each channel is compared with the rest of the same week's "
              "leads — just as young."},
    "log.outcome.monitor": {"ru": "сдвигов сверх шума: {n}", "en": "changes beyond noise: {n}"},
    "log.title": {"ru": "Журнал отчётов и жалоб", "en": "Reports and complaints log"},
    "log.note": {"ru": "Отчётов в папке: {n}. Страница собрана из JSON-сводок отчётов; пересобрать: leadaudit index --out ПАПКА.",
                 "en": "Reports in this folder: {n}. Built from the reports' JSON summaries; rebuild with leadaudit index --out DIR."},
    "log.reports": {"ru": "Отчёты, новые сверху", "en": "Reports, newest first"},
    "log.recurring": {"ru": "Повторяющиеся жалобы: канал и суть", "en": "Recurring complaints: channel and claim"},
    "log.empty": {"ru": "В папке пока нет отчётов.", "en": "No reports in this folder yet."},
    "log.open": {"ru": "открыть", "en": "open"},
    "log.col.date": {"ru": "Дата", "en": "Date"},
    "log.col.job": {"ru": "Отчёт", "en": "Report"},
    "log.col.scope": {"ru": "Предмет", "en": "Scope"},
    "log.col.complaint": {"ru": "Жалоба", "en": "Complaint"},
    "log.col.outcome": {"ru": "Вывод или решение", "en": "Verdict or decision"},
    "log.col.link": {"ru": "Ссылка", "en": "Link"},
    "log.col.channel": {"ru": "Канал", "en": "Channel"},
    "log.col.claim": {"ru": "Суть жалобы", "en": "Claim"},
    "log.col.times": {"ru": "Сколько раз", "en": "Times"},
    "log.col.supported": {"ru": "Подтвердилась", "en": "Supported"},
})
