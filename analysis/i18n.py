"""Every text a report shows, in Russian and English (STYLE rule 6): one table, no prose in notebooks."""

from __future__ import annotations

from .config import LANGUAGES
from .errors import ParameterError

TEXTS: dict[str, dict[str, str]] = {
    # report titles and header facts
    "title.diagnose": {"ru": "Диагностика жалобы на лиды", "en": "Lead complaint diagnosis"},
    "title.experiment": {"ru": "Оценка эксперимента с рекламой", "en": "Ad experiment evaluation"},
    "title.quarterly": {"ru": "Квартальный отчёт по лидам", "en": "Quarterly lead report"},
    "fact.run_date": {"ru": "Дата отчёта", "en": "Report date"},
    "fact.scope": {"ru": "Предмет", "en": "Scope"},
    "fact.period": {"ru": "Период данных", "en": "Data period"},
    "fact.as_of": {"ru": "Данные на", "en": "Data as of"},
    "fact.leads": {"ru": "Лидов в анализе", "en": "Leads analysed"},
    "toc": {"ru": "Содержание", "en": "Contents"},
    "footer": {"ru": "leadaudit {version} · отчёт построен автоматически по выгрузке CRM; "
                     "все числа посчитаны из данных при каждом запуске",
               "en": "leadaudit {version} · generated from the CRM export; every number is computed "
                     "from the data on each run"},
    "scope.all": {"ru": "все лиды", "en": "all leads"},
    # sections
    "section.overview": {"ru": "Данные: что загружено", "en": "Data: what was loaded"},
    "section.channels": {"ru": "Лиды и воронка по каналам", "en": "Leads and funnel by channel"},
    "section.appendix": {"ru": "Приложение: параметры, файлы, отброшенные строки",
                         "en": "Appendix: parameters, files, dropped rows"},
    "section.pending": {"ru": "Статистический разбор", "en": "Statistical analysis"},
    "pending.text": {
        "ru": "Этот раздел отчёта ещё в разработке: ниже — обзор загруженных данных. "
              "Выводы о качестве лидов здесь пока не делаются.",
        "en": "This part of the report is still being built: below is an overview of the loaded data. "
              "No conclusions about lead quality are drawn here yet.",
    },
    # overview
    "overview.lead": {
        "ru": "Загружено {leads} лидов за период {start} — {end} по {channels} каналам; "
              "из них {repeats} повторных обращений тех же людей (они помечены и не считаются новыми лидами канала). "
              "Данные на {as_of}.",
        "en": "{leads} leads loaded for {start} — {end} across {channels} channels; {repeats} of them are "
              "repeat requests from the same people (marked, not counted as new leads of their channel). "
              "Data as of {as_of}.",
    },
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
    "plot.channels.title": {"ru": "Лиды по каналам и этапам воронки (первичные лиды)",
                            "en": "Leads by channel and funnel stage (first leads)"},
    "plot.channels.x": {"ru": "Число лидов", "en": "Number of leads"},
    "plot.channels.y": {"ru": "Канал", "en": "Channel"},
    "plot.monthly.title": {"ru": "Лиды по месяцам", "en": "Leads by month"},
    "plot.monthly.x": {"ru": "Месяц создания", "en": "Month created"},
    "plot.monthly.y": {"ru": "Число лидов", "en": "Number of leads"},
    "stage.leads": {"ru": "Лиды", "en": "Leads"},
    "stage.contacted": {"ru": "Контакт", "en": "Contacted"},
    "stage.qualified": {"ru": "Квалифицирован", "en": "Qualified"},
    "stage.visited": {"ru": "Визит", "en": "Visit"},
    "stage.won": {"ru": "Сделка", "en": "Deal"},
    "unknown": {"ru": "не указан", "en": "not given"},
    # appendix
    "appendix.parameters": {"ru": "Параметры запуска", "en": "Run parameters"},
    "appendix.inputs": {"ru": "Входные файлы", "en": "Input files"},
    "appendix.issues": {"ru": "Строки, отброшенные или помеченные при загрузке",
                        "en": "Rows dropped or flagged while loading"},
    "appendix.no_issues": {"ru": "Ни одна строка не отброшена.", "en": "No row was dropped."},
    "appendix.methods": {"ru": "Методы", "en": "Methods"},
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
    "appendix.holidays_closed": {"ru": ", праздники РФ — выходные", "en": ", public holidays closed"},
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
    "warning.pending_analysis": {
        "ru": "Статистические выводы этого отчёта ещё не реализованы: показан обзор данных.",
        "en": "This report's statistical conclusions are not implemented yet: a data overview is shown.",
    },
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
    "stats.scan.some": {"ru": "Отличаются от остальных по показателю «{metric}» (с поправкой {adjust}): {groups}.",
                        "en": "Groups that differ from the rest in {metric} (corrected, {adjust}): {groups}."},
    "stats.association.some": {"ru": "Состав причин различается ({p}, V Крамера {v}); чаще ожидаемого: {cells}.",
                               "en": "The mix differs ({p}, Cramér's V {v}); more often than expected: {cells}."},
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
    return text.format(**values) if values else text
