"""The bundled sample: a synthetic dealership CRM export with planted effects.

``generate_sample`` simulates 18 months of a Hyundai-like dealership's leads (an export of
the CRM's current statuses, as of 2026-11-01 00:00) and the daily spend of its paid
channels. The effects the reports must find are written down first, in ``PLANTED`` and in
``analysis/data/sample/README.md`` (the same numbers), and the simulation reads its
parameters from ``PLANTED``, so the documentation cannot drift from the data.

Output is byte-identical on every run: one seeded ``numpy`` generator, split into
independent streams per concern (volumes, persons, processing, outcomes, texts, glitches,
spend) so that a change in one part does not reshuffle the random numbers of another.

Run ``python -m analysis.sample [--out DIR]`` to rewrite ``leads.csv`` and ``spend.csv``.
"""

from __future__ import annotations

import argparse
import csv
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Sequence

import numpy as np
import pandas as pd

# one transliteration for the package: the sample's e-mail names and the report file names
from .jobs import transliterate

DEFAULT_SEED = 20261122
DEFAULT_OUT = Path(__file__).parent / "data" / "sample"

LEADS_COLUMNS: tuple[str, ...] = (
    "ID", "Дата создания", "Источник", "Кампания", "Модель", "Ответственный",
    "Тип обращения", "Первая попытка связи", "Первый контакт", "Попыток дозвона", "Статус",
    "Причина отказа", "Сумма сделки", "Телефон", "Email", "Имя клиента", "Бюджет",
    "Когда планирует покупку",
)
SPEND_COLUMNS: tuple[str, ...] = ("Дата", "Источник", "Кампания", "Расход", "Показы", "Клики")

#: The CSV dialect of both files (the sample mapping of the loader depends on it).
CSV_DIALECT: dict[str, str] = {"sep": ";", "encoding": "cp1251", "quotechar": '"',
                               "lineterminator": "\r\n"}

YANDEX, VK, AVITO, AUTORU, SITE, CALLS, TELEGRAM = (
    "Яндекс Директ", "VK Реклама", "Авито", "Авто.ру", "Сайт", "Звонки", "Telegram")

# Every number the simulation uses, and what a correct analysis should find. The README
# repeats them in prose; the tests read them from here.
PLANTED: dict[str, Any] = {
    "seed": DEFAULT_SEED,
    "period": {"first_day": "2025-05-01", "last_day": "2026-10-31",
               "export_at": "2026-11-01 00:00"},
    "working_hours": {"open": "09:00", "close": "21:00", "every_day": True,
                      "public_holidays": "ignored"},
    "volume": {
        "primary_leads_per_month": 880,
        "season": {1: 0.70, 2: 0.90, 3: 1.05, 4: 1.05, 5: 0.80, 6: 0.95, 7: 1.00, 8: 1.00,
                   9: 1.05, 10: 1.05, 11: 1.10, 12: 1.30},
        "weekday_mon_to_sun": (1.05, 1.05, 1.00, 1.00, 0.95, 1.05, 0.90),
        "hour_weights": (0.5, 0.3, 0.2, 0.15, 0.15, 0.2, 0.4, 0.8, 1.5, 2.8, 4.6, 5.6, 6.0,
                         6.0, 6.0, 6.0, 6.0, 5.8, 5.6, 5.2, 4.6, 3.6, 2.4, 1.4),
        "channel_share": {YANDEX: 0.30, VK: 0.15, AVITO: 0.20, AUTORU: 0.12, SITE: 0.10,
                          CALLS: 0.13},
        "telegram_leads_per_month_pattern": (1, 2, 1),
        "empty_channel_share": 0.005,
    },
    "campaigns": {
        YANDEX: {
            "Бренд": {"share": 0.25, "model": None, "cpl_factor": 0.6, "cpc": 45.0, "ctr": 0.07},
            "Creta поиск": {"share": 0.30, "model": "Creta", "cpl_factor": 1.1, "cpc": 45.0,
                            "ctr": 0.07},
            "Tucson РСЯ": {"share": 0.20, "model": "Tucson", "cpl_factor": 1.0, "cpc": 18.0,
                           "ctr": 0.006},
            "Solaris поиск": {"share": 0.15, "model": "Solaris", "cpl_factor": 1.2,
                              "cpc": 45.0, "ctr": 0.07},
            "Ретаргетинг": {"share": 0.10, "model": None, "cpl_factor": 0.9, "cpc": 18.0,
                            "ctr": 0.006},
        },
        VK: {
            "Лид-форма Creta": {"share": 0.45, "model": "Creta", "cpl_factor": 1.0,
                                "cpc": 22.0, "ctr": 0.008},
            "VK ретаргет": {"share": 0.30, "model": None, "cpl_factor": 0.8, "cpc": 22.0,
                            "ctr": 0.008},
            "Santa Fe охват": {"share": 0.25, "model": "Santa Fe", "cpl_factor": 1.3,
                               "cpc": 22.0, "ctr": 0.008},
        },
        AVITO: {
            "Продвижение Creta": {"share": 0.35, "model": "Creta", "cpl_factor": 1.0,
                                  "cpc": 12.0, "ctr": 0.04},
            "Продвижение Solaris": {"share": 0.35, "model": "Solaris", "cpl_factor": 0.9,
                                    "cpc": 12.0, "ctr": 0.04},
            "Продвижение Tucson": {"share": 0.15, "model": "Tucson", "cpl_factor": 1.2,
                                   "cpc": 12.0, "ctr": 0.04},
            "Авито прочие": {"share": 0.15, "model": None, "cpl_factor": 1.0, "cpc": 12.0,
                             "ctr": 0.04},
        },
        AUTORU: {
            "Авто.ру все модели": {"share": 0.65, "model": None, "cpl_factor": 0.9,
                                   "cpc": 25.0, "ctr": 0.03},
            "Авто.ру Tucson": {"share": 0.35, "model": "Tucson", "cpl_factor": 1.2,
                               "cpc": 25.0, "ctr": 0.03},
        },
    },
    "lead_type_mix": {
        YANDEX: {"Заявка с сайта": 0.60, "Звонок": 0.22, "Пропущенный звонок": 0.06,
                 "Чат": 0.12},
        VK: {"Заявка с сайта": 0.80, "Чат": 0.15, "Звонок": 0.05},
        AVITO: {"Площадка": 0.85, "Звонок": 0.10, "Чат": 0.05},
        AUTORU: {"Площадка": 0.85, "Звонок": 0.15},
        SITE: {"Заявка с сайта": 0.65, "Чат": 0.35},
        CALLS: {"Звонок": 0.82, "Пропущенный звонок": 0.18},
        TELEGRAM: {"Чат": 1.0},
        "experiment": {"Заявка с сайта": 0.75, "Звонок": 0.20, "Чат": 0.05},
    },
    "models": {"Creta": 0.30, "Solaris": 0.25, "Tucson": 0.18, "Santa Fe": 0.10,
               "Elantra": 0.08, "Sonata": 0.05, "Palisade": 0.04},
    "model_focus_probability": 0.85,
    "deal_amount_rubles": {"Creta": (2_200_000, 2_600_000), "Solaris": (1_700_000, 1_950_000),
                           "Tucson": (3_300_000, 3_800_000), "Santa Fe": (4_300_000, 4_800_000),
                           "Elantra": (2_300_000, 2_700_000), "Sonata": (3_000_000, 3_500_000),
                           "Palisade": (5_600_000, 6_400_000)},
    "managers": {
        "names": ("Иванов Сергей", "Петрова Анна", "Соколов Максим", "Морозова Екатерина",
                  "Волков Андрей", "Лебедева Наталья", "Кузнецов Дмитрий", "Новикова Ирина"),
        "slow": ("Кузнецов Дмитрий", "Новикова Ирина"),
        "strict": "Волков Андрей",
        # probability that a lead goes to one of the slow managers (split equally); the rest
        # is split equally among the six others
        "slow_routing": {VK: 0.88, "other channels": 0.08},
    },
    "response_minutes": {
        "answered_call": (1.0, 2.0),
        "normal_manager": {"median": 6.0, "sigma": 1.2},
        "slow_manager": {"median": 200.0, "sigma": 0.9},
        "clip": (1.0, 3600.0),
    },
    "never_attempted": 0.03,
    "never_attempted_closed_as_no_answer": 0.5,
    "unusable_contact": {"Неверный номер": 0.015, "Дубль": 0.010},
    "response_bucket_edges_minutes": (5, 15, 60, 240),
    "contact_by_response_bucket": {"[0,5)": 0.92, "[5,15)": 0.88, "[15,60)": 0.80,
                                   "[60,240)": 0.70, ">=240": 0.55},
    "attempts_until_contact": {1: 0.70, 2: 0.18, 3: 0.08, 4: 0.04},
    "attempts_before_giving_up": {1: 0.08, 2: 0.12, 3: 0.25, 4: 0.22, 5: 0.15, 6: 0.10,
                                  7: 0.05, 8: 0.03},
    "attempts_wrong_number": {1: 0.6, 2: 0.4},
    "retry_gap_minutes": {"median": 90.0, "sigma": 0.8, "clip": (10.0, 1440.0)},
    "outcome_days": {
        "not_reached_to_lost_mean": 1.0,
        "never_attempted_closed_uniform": (3.0, 40.0),
        "contacted_to_qualified_mean": 2.0,
        "contacted_to_lost_mean": 7.0,
        "qualified_to_visit_gamma_mean": 10.0,
        "qualified_to_lost_mean": 30.0, "qualified_to_lost_cap": 90.0,
        "visit_to_deal_gamma_mean": 25.0,
        "visit_to_lost_mean": 30.0, "visit_outcome_cap": 85.0,
    },
    "qualified_given_contacted": {"baseline": 0.45, AVITO: 0.25,
                                  "Creta без цены": 0.38, "Creta с ценой": 0.665},
    # what the weekly monitor must find: the site's leads turn worse for the last three weeks
    # (a broken form, say); only their own qualification changes, the random streams do not
    "drift": {"channel": SITE, "first_day": "2026-10-11", "qualified_given_contacted": 0.10},
    "strict_manager_factor": 0.6,
    "visit_given_qualified": 0.50,
    "deal_given_visit": 0.40,
    "reasons_contacted_not_qualified": {
        "baseline": {"Нет денег": 0.11, "Не проходит по бюджету": 0.09, "Не та модель": 0.12,
                     "Нет в наличии": 0.08, "Хочет б/у": 0.07, "Спам": 0.05,
                     "Не клиент (ищет работу, сервис)": 0.07, "Не готов, думает": 0.26,
                     "Другое": 0.08, "": 0.06, "Просто интересовался": 0.005,
                     "Клиент хамит": 0.005},
        AVITO: {"Нет денег": 0.22, "Не проходит по бюджету": 0.18, "Не та модель": 0.07,
                "Нет в наличии": 0.05, "Хочет б/у": 0.20, "Спам": 0.03,
                "Не клиент (ищет работу, сервис)": 0.04, "Не готов, думает": 0.10,
                "Другое": 0.04, "": 0.06, "Просто интересовался": 0.005,
                "Клиент хамит": 0.005},
    },
    "reasons_qualified_lost": {"Не устроила цена/скидка": 0.40, "Купил в другом месте": 0.35,
                               "Передумал": 0.25},
    "experiment": {
        "channel": YANDEX, "control": "Creta без цены", "variant": "Creta с ценой",
        "first_day": "2026-07-01", "last_day": "2026-09-30", "paused_campaign": "Creta поиск",
        "model": "Creta",
        "control_leads_per_month": 300, "control_cpl": 2500.0,
        "daily_spend_per_arm": 24658.0,  # 300 leads × 12 / 365 days × 2 500 ₽
        "spend_noise_sigma": 0.05,
        "variant_leads_per_ruble_factor": 0.65,
        "variant_qualified_share_factor": 1.75,
        "cpc": 45.0, "ctr": 0.07, "impressions_split": 0.5,
        "expected": {"control_qualified_share_of_leads": 0.30,
                     "variant_qualified_share_of_leads": 0.53,
                     "qualified_per_ruble_ratio": 1.1375, "leads_per_ruble_ratio": 0.65,
                     "decision": "adopt_variant", "decision_probability": 0.8},
    },
    "spend": {"cpl": {YANDEX: 2500.0, VK: 1500.0, AVITO: 1800.0, AUTORU: 3000.0},
              "noise_sigma": 0.20},
    "quiz": {
        "share_of_form_and_chat": 0.35,
        "budget_low": (800_000, 1_000_000, 1_200_000, 1_300_000),
        "budget_high": (1_500_000, 1_800_000, 2_000_000, 2_500_000, 3_000_000, 3_500_000,
                        4_000_000, 5_000_000),
        "high_budget_if_target": 0.85, "high_budget_if_not_target": 0.45,
        "horizon_if_target": {"в ближайший месяц": 0.35, "1-3 месяца": 0.40,
                              "3-6 месяцев": 0.15, "не знаю": 0.10},
        "horizon_if_not_target": {"в ближайший месяц": 0.10, "1-3 месяца": 0.20,
                                  "3-6 месяцев": 0.30, "не знаю": 0.40},
    },
    "personal_data": {"email_share_of_persons": 0.40, "surname_in_name_share": 0.35,
                      "phone_formats": {"+7 (912) 345-67-89": 0.30, "89123456789": 0.30,
                                        "8 912 345 67 89": 0.15, "+79123456789": 0.25}},
    "repeats": {
        "probability_within_30_days": 0.08, "gap_days_exponential_mean": 6.0,
        "other_channel": 0.70,
        "link": {"same phone, same format": 0.55, "same phone, other format": 0.20,
                 "same e-mail, new phone": 0.25},
        "keeps_model": 0.7,
        "late_return_probability": 0.02, "late_return_gap_days": (45, 150),
    },
    "placeholders": {"values": ("-", "не указано"), "model": 0.01, "manager": 0.01,
                     "campaign_of_paid_channels": 0.01},
    "seconds_in_dates_share": 0.15,
    "glitches": {
        "exact_duplicate_leads": 190,
        "exact_duplicate_copies": {1: 130, 2: 45, 3: 15},  # extra copies: number of leads
        "exact_duplicate_extra_rows": 265,
        "exact_duplicate_adjacent_share": 0.7,
        "conflicting_ids": 5,
        "bad_created_at": ("31.02.2026 10:00", "ошибка", ""),
    },
    "expected_findings": {
        "Авито not_target": ("supported", "lead_quality"),
        "VK Реклама no_contact": ("partly_supported", "processing"),
        "Авто.ру not_target": ("not_supported", "neither"),
        "Telegram any claim": ("insufficient_data", "unknown"),
        "experiment Creta без цены vs Creta с ценой": "adopt_variant",
        "monitor as of the export": ("Сайт", "qualified share", "worse"),
    },
}

_DAY = 86_400
_PERIOD_FIRST = np.datetime64(PLANTED["period"]["first_day"], "D")
_PERIOD_AFTER = np.datetime64(PLANTED["period"]["last_day"], "D") + np.timedelta64(1, "D")
#: The export moment, in seconds since 1970-01-01 local time: outcomes later are unknown.
EXPORT_AT = int(_PERIOD_AFTER.astype(np.int64)) * _DAY
_OPEN = 9 * 3600
_CLOSE = 21 * 3600
_EXPERIMENT_FIRST = np.datetime64(PLANTED["experiment"]["first_day"], "D")
_EXPERIMENT_LAST = np.datetime64(PLANTED["experiment"]["last_day"], "D")


def add_working_minutes(start: np.ndarray, minutes: np.ndarray,
                        open_seconds: int = _OPEN, close_seconds: int = _CLOSE) -> np.ndarray:
    """Place a delay in working minutes on the clock.

    Parameters
    ----------
    start
        Moments as integer seconds since 1970-01-01 (local time, no time zone).
    minutes
        Working minutes to add (non-negative), broadcastable to ``start``.
    open_seconds, close_seconds
        Opening and closing time of every day, seconds after midnight.

    Returns
    -------
    numpy.ndarray
        Integer seconds. A moment outside working hours first moves to the next opening.

    Examples
    --------
    >>> t = np.array([23 * 3600])                       # 1970-01-01 23:00
    >>> int(add_working_minutes(t, np.array([10.0]))[0] - 86400) // 60   # 09:10 next day
    550
    """
    start = np.asarray(start, dtype=np.int64)
    add = np.rint(np.asarray(minutes, dtype=np.float64) * 60).astype(np.int64)
    span = close_seconds - open_seconds
    day = start // _DAY
    second = start - day * _DAY
    second = np.maximum(second, open_seconds)
    after_close = second >= close_seconds
    day = day + after_close
    second = np.where(after_close, open_seconds, second)
    left_today = close_seconds - second
    fits = add <= left_today
    rest = add - left_today
    extra_days = np.where(fits, 0, -(-rest // span))
    within = np.where(fits, second + add, open_seconds + rest - (extra_days - 1) * span)
    return (day + extra_days) * _DAY + within


def generate_sample(seed: int = DEFAULT_SEED) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Simulate the sample export.

    Parameters
    ----------
    seed
        Seed of ``numpy.random.default_rng``; the shipped files use ``20261122``.

    Returns
    -------
    leads : pandas.DataFrame
        One string column per ``LEADS_COLUMNS``, rows in file order (glitch rows included).
    spend : pandas.DataFrame
        One string column per ``SPEND_COLUMNS``, rows by day, channel, campaign.

    Examples
    --------
    >>> leads, spend = generate_sample()
    >>> list(leads.columns) == list(LEADS_COLUMNS)
    True
    """
    streams = np.random.default_rng(seed).spawn(7)
    volume_rng, person_rng, process_rng, outcome_rng, text_rng, glitch_rng, spend_rng = streams
    calendar = _Calendar.build()
    campaigns = _campaign_table()
    plan = _plan_volumes(volume_rng, calendar, campaigns)
    leads = _draw_primary_leads(volume_rng, calendar, campaigns, plan)
    leads = _add_persons_and_repeats(person_rng, campaigns, leads)
    leads = _process(process_rng, campaigns, leads)
    leads = _outcomes(outcome_rng, campaigns, leads)
    table = _format_leads(text_rng, campaigns, leads)
    table = _plant_glitches(glitch_rng, table, leads)
    spend = _format_spend(spend_rng, calendar, campaigns, plan)
    return table, spend


def write_sample(out_dir: Path, seed: int = DEFAULT_SEED) -> None:
    """Write ``leads.csv`` and ``spend.csv`` into ``out_dir`` (created if missing).

    Parameters
    ----------
    out_dir
        Target folder.
    seed
        Passed to :func:`generate_sample`.
    """
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    leads, spend = generate_sample(seed)
    for frame, name in ((leads, "leads.csv"), (spend, "spend.csv")):
        frame.to_csv(out_dir / name, sep=CSV_DIALECT["sep"], encoding=CSV_DIALECT["encoding"],
                     quotechar=CSV_DIALECT["quotechar"],
                     lineterminator=CSV_DIALECT["lineterminator"], quoting=csv.QUOTE_MINIMAL,
                     index=False)


# ----------------------------------------------------------------------------- internals


@dataclass(frozen=True)
class _Calendar:
    """The period's days with what the volumes depend on."""

    day_number: np.ndarray  # days since 1970-01-01
    month: np.ndarray  # 1..12
    month_index: np.ndarray  # 0..17 from the first month of the period
    weekday: np.ndarray  # 0 = Monday
    days_in_month: np.ndarray
    in_experiment: np.ndarray

    @classmethod
    def build(cls) -> "_Calendar":
        days = np.arange(_PERIOD_FIRST, _PERIOD_AFTER, dtype="datetime64[D]")
        months = days.astype("datetime64[M]")
        month_start = months.astype("datetime64[D]")
        next_month_start = (months + 1).astype("datetime64[D]")
        day_number = days.astype(np.int64)
        return cls(
            day_number=day_number,
            month=(months.astype(np.int64) % 12) + 1,
            month_index=(months - months[0]).astype(np.int64),
            weekday=(day_number + 3) % 7,  # 1970-01-01 was a Thursday
            days_in_month=(next_month_start - month_start).astype(np.int64),
            in_experiment=(days >= _EXPERIMENT_FIRST) & (days <= _EXPERIMENT_LAST),
        )


@dataclass(frozen=True)
class _Campaign:
    channel: str
    name: str  # "" for channels without campaigns
    share: float  # within the channel's primary stream
    model: str | None
    cpl: float | None  # ₽ per expected primary lead; None: no spend rows
    cpc: float | None
    ctr: float | None
    arm: str | None  # "control" / "variant" for the experiment
    paused_in_experiment: bool


def _campaign_table() -> list[_Campaign]:
    """Every source of leads in a fixed order: paid campaigns, channels without, arms."""
    table: list[_Campaign] = []
    experiment = PLANTED["experiment"]
    for channel in PLANTED["volume"]["channel_share"]:
        specs = PLANTED["campaigns"].get(channel)
        if specs is None:
            table.append(_Campaign(channel, "", 1.0, None, None, None, None, None, False))
            continue
        # the factors are relative: renormalised so the channel's volume-weighted CPL is
        # the planted channel CPL
        mean_factor = sum(spec["share"] * spec["cpl_factor"] for spec in specs.values())
        for name, spec in specs.items():
            cpl = PLANTED["spend"]["cpl"][channel] * spec["cpl_factor"] / mean_factor
            table.append(_Campaign(channel, name, spec["share"], spec["model"], cpl,
                                   spec["cpc"], spec["ctr"], None,
                                   name == experiment["paused_campaign"]))
    for arm in ("control", "variant"):
        table.append(_Campaign(experiment["channel"], experiment[arm], 1.0, experiment["model"],
                               None, experiment["cpc"], experiment["ctr"], arm, False))
    table.append(_Campaign(TELEGRAM, "", 1.0, None, None, None, None, None, False))
    return table


@dataclass(frozen=True)
class _VolumePlan:
    expected: np.ndarray  # campaigns × days, expected primary leads
    counts: np.ndarray  # campaigns × days, primary leads drawn
    arm_spend: np.ndarray  # 2 × days, ₽ (zero outside the window)


def _lognormal_mean_one(rng: np.random.Generator, sigma: float, size: Any) -> np.ndarray:
    # mean-one noise: a budget's day-to-day wobble must not change its expected total
    return np.exp(rng.normal(-sigma * sigma / 2, sigma, size))


def _plan_volumes(rng: np.random.Generator, calendar: _Calendar,
                  campaigns: list[_Campaign]) -> _VolumePlan:
    volume = PLANTED["volume"]
    experiment = PLANTED["experiment"]
    season = np.array([volume["season"][m] for m in calendar.month.tolist()])
    weekday = np.asarray(volume["weekday_mon_to_sun"])[calendar.weekday]
    per_day = volume["primary_leads_per_month"] * season / calendar.days_in_month * weekday
    n_days = len(calendar.day_number)
    expected = np.zeros((len(campaigns), n_days))
    arm_spend = np.zeros((2, n_days))
    window = calendar.in_experiment
    # both arms get the same budget; the platform spends it with a small daily wobble
    arm_noise = _lognormal_mean_one(rng, experiment["spend_noise_sigma"], (2, int(window.sum())))
    arm_spend[:, window] = experiment["daily_spend_per_arm"] * arm_noise
    for index, campaign in enumerate(campaigns):
        if campaign.arm is not None:
            arm = 0 if campaign.arm == "control" else 1
            factor = 1.0 if arm == 0 else experiment["variant_leads_per_ruble_factor"]
            expected[index] = arm_spend[arm] / experiment["control_cpl"] * weekday * factor
        elif campaign.channel == TELEGRAM:
            continue  # a fixed number of leads, placed below
        else:
            share = volume["channel_share"][campaign.channel] * campaign.share
            expected[index] = per_day * share
            if campaign.paused_in_experiment:
                expected[index, window] = 0.0
    counts = rng.poisson(expected)
    # Telegram: a fixed count per month (so the total stays below 30 on every seed), on
    # uniformly drawn days of the month
    telegram = [i for i, c in enumerate(campaigns) if c.channel == TELEGRAM][0]
    pattern = volume["telegram_leads_per_month_pattern"]
    for month_index in range(int(calendar.month_index.max()) + 1):
        days = np.flatnonzero(calendar.month_index == month_index)
        n = pattern[month_index % len(pattern)]
        for day in rng.choice(days, size=n, replace=True):
            counts[telegram, day] += 1
        expected[telegram, days] = n / len(days)
    return _VolumePlan(expected=expected, counts=counts, arm_spend=arm_spend)


def _draw(rng: np.random.Generator, probabilities: Sequence[float], size: int) -> np.ndarray:
    """Indices drawn from one categorical distribution."""
    cumulative = np.cumsum(np.asarray(probabilities, dtype=np.float64))
    cumulative /= cumulative[-1]
    return np.minimum(np.searchsorted(cumulative, rng.random(size), side="right"),
                      len(cumulative) - 1)


def _draw_grouped(rng: np.random.Generator, table: np.ndarray, group: np.ndarray) -> np.ndarray:
    """Indices drawn per row from the distribution of the row's group (rows of ``table``)."""
    cumulative = np.cumsum(table, axis=1)
    cumulative /= cumulative[:, -1:]
    u = rng.random(len(group))
    return np.minimum((u[:, None] >= cumulative[group]).sum(axis=1), table.shape[1] - 1)


def _time_of_day(rng: np.random.Generator, size: int) -> np.ndarray:
    hour = _draw(rng, PLANTED["volume"]["hour_weights"], size)
    return hour * 3600 + rng.integers(0, 60, size) * 60 + rng.integers(0, 60, size)


def _draw_primary_leads(rng: np.random.Generator, calendar: _Calendar,
                        campaigns: list[_Campaign], plan: _VolumePlan) -> dict[str, np.ndarray]:
    campaign_index, day_index = np.nonzero(plan.counts)
    repeat = plan.counts[campaign_index, day_index]
    campaign_index = np.repeat(campaign_index, repeat)
    day_index = np.repeat(day_index, repeat)
    created = calendar.day_number[day_index] * _DAY + _time_of_day(rng, len(day_index))
    return {"campaign": campaign_index, "created": created,
            "person": np.arange(len(created)), "repeat_of": np.full(len(created), -1)}


_MALE_NAMES = ("Александр", "Сергей", "Дмитрий", "Андрей", "Алексей", "Максим", "Евгений",
               "Иван", "Михаил", "Артём", "Николай", "Владимир", "Павел", "Роман", "Денис",
               "Игорь", "Олег", "Виктор", "Константин", "Кирилл", "Юрий", "Антон", "Илья",
               "Вадим", "Руслан", "Тимур", "Никита", "Егор", "Григорий", "Станислав")
_FEMALE_NAMES = ("Елена", "Ольга", "Наталья", "Татьяна", "Ирина", "Анна", "Светлана",
                 "Екатерина", "Юлия", "Мария", "Марина", "Анастасия", "Людмила", "Галина",
                 "Виктория", "Дарья", "Ксения", "Алина", "Надежда", "Валентина", "Оксана",
                 "Полина", "Вера", "Любовь", "Кристина", "Евгения", "Софья", "Алёна", "Диана",
                 "Лариса")
_SURNAMES = ("Иванов", "Смирнов", "Кузнецов", "Попов", "Васильев", "Петров", "Соколов",
             "Михайлов", "Новиков", "Фёдоров", "Морозов", "Волков", "Алексеев", "Лебедев",
             "Семёнов", "Егоров", "Павлов", "Козлов", "Степанов", "Николаев", "Орлов",
             "Андреев", "Макаров", "Никитин", "Захаров", "Зайцев", "Соловьёв", "Борисов",
             "Яковлев", "Григорьев", "Романов", "Воробьёв", "Сергеев", "Кузьмин", "Фролов",
             "Александров", "Дмитриев", "Королёв", "Гусев", "Киселёв", "Ильин", "Максимов",
             "Поляков", "Сорокин", "Виноградов", "Ковалёв", "Белов", "Медведев", "Антонов",
             "Тарасов")
_EMAIL_DOMAINS = {"mail.ru": 0.35, "yandex.ru": 0.25, "gmail.com": 0.20, "bk.ru": 0.08,
                  "inbox.ru": 0.06, "list.ru": 0.06}



def _unique_phones(rng: np.random.Generator, size: int) -> np.ndarray:
    """Distinct 10-digit Russian mobile numbers (9XX…): an accidental shared phone would
    be an unplanned repeat lead."""
    drawn = 9_000_000_000 + rng.integers(0, 1_000_000_000, size + size // 10 + 100)
    _, first = np.unique(drawn, return_index=True)
    return drawn[np.sort(first)][:size]


def _pick_campaigns(rng: np.random.Generator, campaigns: list[_Campaign], channel: np.ndarray,
                    day_number: np.ndarray) -> np.ndarray:
    """A campaign of each lead's channel, by the campaigns' shares on that day (repeat
    leads: never an experiment arm, never a paused campaign)."""
    result = np.full(len(channel), -1)
    in_window = ((day_number >= _EXPERIMENT_FIRST.astype(np.int64))
                 & (day_number <= _EXPERIMENT_LAST.astype(np.int64)))
    channels = list(PLANTED["volume"]["channel_share"])
    for channel_index, name in enumerate(channels):
        rows = np.flatnonzero(channel == channel_index)
        candidates = [i for i, c in enumerate(campaigns) if c.channel == name and c.arm is None]
        shares = np.array([campaigns[i].share for i in candidates])
        paused = np.array([campaigns[i].paused_in_experiment for i in candidates])
        table = np.vstack([shares, np.where(paused, 0.0, shares)])
        pick = _draw_grouped(rng, table, in_window[rows].astype(np.int64))
        result[rows] = np.asarray(candidates)[pick]
    return result


def _add_persons_and_repeats(rng: np.random.Generator, campaigns: list[_Campaign],
                             leads: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
    personal = PLANTED["personal_data"]
    repeats = PLANTED["repeats"]
    n_persons = len(leads["created"])
    female = rng.random(n_persons) < 0.5
    first_name = np.where(female, rng.integers(0, len(_FEMALE_NAMES), n_persons),
                          rng.integers(0, len(_MALE_NAMES), n_persons))
    surname = rng.integers(0, len(_SURNAMES), n_persons)
    has_email = rng.random(n_persons) < personal["email_share_of_persons"]
    phone_format = _draw(rng, list(personal["phone_formats"].values()), n_persons)

    # who comes back, when, through which channel, linked how
    u = rng.random(n_persons)
    p_repeat = repeats["probability_within_30_days"]
    is_repeat = u < p_repeat
    is_late = (u >= p_repeat) & (u < p_repeat + repeats["late_return_probability"])
    # day offset 1..29 (plus the time of day: always less than 30 days after the first)
    mean = repeats["gap_days_exponential_mean"]
    v = rng.random(n_persons)
    truncated_exp = -mean * np.log(1 - v * (1 - np.exp(-29 / mean)))
    offset = np.where(is_repeat, 1 + np.floor(truncated_exp).astype(np.int64),
                      rng.integers(repeats["late_return_gap_days"][0],
                                   repeats["late_return_gap_days"][1] + 1, n_persons))
    link = _draw(rng, list(repeats["link"].values()), n_persons)
    other_channel = rng.random(n_persons) < repeats["other_channel"]
    channel_names = list(PLANTED["volume"]["channel_share"])
    channel_shares = np.array(list(PLANTED["volume"]["channel_share"].values()))
    first_channel = np.array([channel_names.index(campaigns[c].channel)
                              if campaigns[c].channel in channel_names else -1
                              for c in leads["campaign"].tolist()])
    # a different channel, by the shares of the others (a Telegram person may go anywhere)
    table = np.vstack([np.where(np.arange(len(channel_shares)) == k, 0.0, channel_shares)
                       for k in range(len(channel_shares))] + [channel_shares])
    group = np.where(first_channel >= 0, first_channel, len(channel_shares))
    other = _draw_grouped(rng, table, group)
    same = np.where(first_channel >= 0, first_channel, other)
    second_channel = np.where(other_channel, other, same)
    time_of_day = _time_of_day(rng, n_persons)
    keeps_model = rng.random(n_persons) < repeats["keeps_model"]
    reformat = (phone_format + rng.integers(1, 4, n_persons)) % 4  # always another format

    returning = np.flatnonzero(is_repeat | is_late)
    first_day = leads["created"][returning] // _DAY
    second_created = (first_day + offset[returning]) * _DAY + time_of_day[returning]
    inside = second_created < EXPORT_AT
    returning, second_created = returning[inside], second_created[inside]
    second_campaign = _pick_campaigns(rng, campaigns, second_channel[returning],
                                      second_created // _DAY)
    # an e-mail link needs an e-mail: that person gives it on both leads (late returns
    # come back with the same phone)
    by_email = is_repeat[returning] & (link[returning] == 2)
    has_email[returning[by_email]] = True

    n_second = len(returning)
    phones = _unique_phones(rng, n_persons + n_second)
    person_phone = phones[:n_persons]
    new_phone = phones[n_persons:]
    lead_phone = np.concatenate([person_phone, np.where(by_email, new_phone,
                                                        person_phone[returning])])
    lead_format = np.concatenate([phone_format, np.where(link[returning] == 0,
                                                         phone_format[returning],
                                                         reformat[returning])])
    lead_format[n_persons:][by_email] = phone_format[returning][by_email]
    # late returns: the phone is written in whatever format the new form produces
    late_rows = is_late[returning]
    lead_format[n_persons:][late_rows] = rng.integers(0, 4, int(late_rows.sum()))

    emails = _emails(rng, female, first_name, surname)
    return {
        "campaign": np.concatenate([leads["campaign"], second_campaign]),
        "created": np.concatenate([leads["created"], second_created]),
        "person": np.concatenate([leads["person"], returning]),
        "repeat_of": np.concatenate([leads["repeat_of"],
                                     np.where(is_repeat[returning], returning, -1)]),
        "late_return": np.concatenate([np.zeros(n_persons, bool), late_rows]),
        "keeps_model": np.concatenate([np.zeros(n_persons, bool), keeps_model[returning]]),
        "phone": lead_phone,
        "phone_format": lead_format,
        # per person (indexed by "person"), not per lead
        "of_person_female": female, "of_person_first_name": first_name,
        "of_person_surname": surname, "of_person_has_email": has_email,
        "of_person_email": emails,
    }


def _emails(rng: np.random.Generator, female: np.ndarray, first_name: np.ndarray,
            surname: np.ndarray) -> np.ndarray:
    """One plausible, unique e-mail per person (used only where the person has one)."""
    n = len(female)
    pattern = rng.integers(0, 4, n)
    year = rng.integers(60, 106, n) % 100
    number = rng.integers(1, 1000, n)
    domain = _draw(rng, list(_EMAIL_DOMAINS.values()), n)
    domains = list(_EMAIL_DOMAINS)
    # transliterate each name once, not once per person
    first_latin = {False: [transliterate(name) for name in _MALE_NAMES],
                   True: [transliterate(name) for name in _FEMALE_NAMES]}
    last_latin = {False: [transliterate(name) for name in _SURNAMES],
                  True: [transliterate(name + "а") for name in _SURNAMES]}
    out: list[str] = []
    taken: set[str] = set()  # membership only: its order never reaches the output
    for i, (fem, given, family) in enumerate(zip(female.tolist(), first_name.tolist(),
                                                 surname.tolist())):
        first = first_latin[fem][given]
        last = last_latin[fem][family]
        local = (f"{first}.{last}{year[i]:02d}", f"{first}{number[i]}", f"{first[0]}.{last}",
                 f"{last}.{first}")[pattern[i]]
        address, suffix = f"{local}@{domains[domain[i]]}", 0
        while address in taken:  # distinct persons never share an e-mail
            suffix += 1
            address = f"{local}.{suffix}@{domains[domain[i]]}"
        taken.add(address)
        out.append(address)
    return np.asarray(out, dtype=object)


def _process(rng: np.random.Generator, campaigns: list[_Campaign],
             leads: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
    """Sort by creation, then simulate routing, response, attempts and contact."""
    order = np.lexsort((np.arange(len(leads["created"])), leads["created"]))
    leads = {key: (value if key.startswith("of_person_") else value[order])
             for key, value in leads.items()}
    n = len(order)
    created = leads["created"]
    campaign = leads["campaign"]
    channel = np.array([campaigns[c].channel for c in campaign.tolist()], dtype=object)
    arm = np.array([campaigns[c].arm or "" for c in campaign.tolist()], dtype=object)

    # lead type by channel (the experiment's landing page has its own mix)
    mixes = PLANTED["lead_type_mix"]
    types = ("Звонок", "Пропущенный звонок", "Заявка с сайта", "Чат", "Площадка")
    mix_keys = list(mixes)
    mix_of_lead = np.array([mix_keys.index("experiment") if a else mix_keys.index(ch)
                            for ch, a in zip(channel.tolist(), arm.tolist())])
    table = np.array([[mixes[key].get(t, 0.0) for t in types] for key in mix_keys])
    lead_type = np.asarray(types, dtype=object)[_draw_grouped(rng, table, mix_of_lead)]
    # nobody picks up at night: an inbound call then is a missed call, called back later
    second_of_day = created % _DAY
    closed = (second_of_day < _OPEN) | (second_of_day >= _CLOSE)
    lead_type[(lead_type == "Звонок") & closed] = "Пропущенный звонок"

    # model of interest: the campaign's model, else the general mix; repeats mostly keep it
    models = list(PLANTED["models"])
    general = _draw(rng, list(PLANTED["models"].values()), n)
    focus = np.array([models.index(campaigns[c].model) if campaigns[c].model else -1
                      for c in campaign.tolist()])
    focused = (focus >= 0) & (rng.random(n) < PLANTED["model_focus_probability"])
    model = np.where(focused, focus, general)
    first_lead_of_person = np.full(n, -1)
    primary_rows = np.flatnonzero((leads["repeat_of"] < 0) & ~leads["late_return"])
    first_lead_of_person[leads["person"][primary_rows]] = primary_rows
    second = np.flatnonzero(leads["keeps_model"])
    model[second] = model[first_lead_of_person[leads["person"][second]]]

    # routing: VK Реклама mostly to the two slow managers (effect 4)
    managers = PLANTED["managers"]
    names = managers["names"]
    slow = np.isin(np.asarray(names, dtype=object), np.asarray(managers["slow"], dtype=object))
    routing = []
    for slow_share in (managers["slow_routing"][VK], managers["slow_routing"]["other channels"]):
        routing.append(np.where(slow, slow_share / slow.sum(), (1 - slow_share) / (~slow).sum()))
    manager = _draw_grouped(rng, np.array(routing), (channel != VK).astype(np.int64))
    manager_is_slow = slow[manager]

    # response delay in working minutes (answered calls: the pick-up itself)
    response = PLANTED["response_minutes"]
    normal, slow_spec = response["normal_manager"], response["slow_manager"]
    median = np.where(manager_is_slow, slow_spec["median"], normal["median"])
    sigma = np.where(manager_is_slow, slow_spec["sigma"], normal["sigma"])
    delay = np.clip(median * np.exp(sigma * rng.standard_normal(n)), *response["clip"])
    call_delay = rng.uniform(*response["answered_call"], n)
    delay = np.where(lead_type == "Звонок", call_delay, delay)
    first_attempt = add_working_minutes(created, delay)
    bucket = np.searchsorted(np.asarray(PLANTED["response_bucket_edges_minutes"]), delay,
                             side="right")

    # effect 1: reached with the ladder's probability, whatever the channel; unusable
    # contacts are taken out of the ladder so it holds exactly per bucket
    never = rng.random(n) < PLANTED["never_attempted"]
    unusable = PLANTED["unusable_contact"]
    u = rng.random(n)
    wrong_number = u < unusable["Неверный номер"]
    crm_duplicate = (u >= unusable["Неверный номер"]) & (u < sum(unusable.values()))
    usable_share = 1 - sum(unusable.values())
    ladder = np.array(list(PLANTED["contact_by_response_bucket"].values()))
    reached = (~never & ~wrong_number & ~crm_duplicate
               & (rng.random(n) < ladder[bucket] / usable_share))

    until_contact = PLANTED["attempts_until_contact"]
    giving_up = PLANTED["attempts_before_giving_up"]
    wrong = PLANTED["attempts_wrong_number"]
    attempts = np.select(
        [never, reached, wrong_number, crm_duplicate],
        [0, np.asarray(list(until_contact))[_draw(rng, list(until_contact.values()), n)],
         np.asarray(list(wrong))[_draw(rng, list(wrong.values()), n)], 1],
        np.asarray(list(giving_up))[_draw(rng, list(giving_up.values()), n)])
    gap = PLANTED["retry_gap_minutes"]
    max_attempts = max(giving_up)
    gaps = np.clip(gap["median"] * np.exp(gap["sigma"] * rng.standard_normal((n, max_attempts - 1))),
                   *gap["clip"])
    attempt_times = np.empty((n, max_attempts), dtype=np.int64)
    attempt_times[:, 0] = first_attempt
    for j in range(1, max_attempts):
        attempt_times[:, j] = add_working_minutes(attempt_times[:, j - 1], gaps[:, j - 1])
    last_attempt = attempt_times[np.arange(n), np.maximum(attempts, 1) - 1]
    shown_attempts = ((attempt_times <= EXPORT_AT)
                      & (np.arange(max_attempts)[None, :] < attempts[:, None])).sum(axis=1)

    leads.update(channel=channel, arm=arm, lead_type=lead_type, model=model, manager=manager,
                 delay=delay, bucket=bucket, first_attempt=first_attempt, never=never,
                 wrong_number=wrong_number, crm_duplicate=crm_duplicate, reached=reached,
                 attempts=attempts, shown_attempts=shown_attempts, last_attempt=last_attempt)
    return leads


def _outcomes(rng: np.random.Generator, campaigns: list[_Campaign],
              leads: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
    """Latent quality, the funnel, and the status and reason visible at the export."""
    n = len(leads["created"])
    channel, arm = leads["channel"], leads["arm"]
    quality = PLANTED["qualified_given_contacted"]
    experiment = PLANTED["experiment"]
    campaign_name = np.array([campaigns[c].name for c in leads["campaign"].tolist()],
                             dtype=object)
    p_target = np.full(n, quality["baseline"])
    p_target[channel == AVITO] = quality[AVITO]
    p_target[arm == "control"] = quality[experiment["control"]]
    p_target[arm == "variant"] = quality[experiment["variant"]]
    drift = PLANTED["drift"]
    drifted = (channel == drift["channel"]) & \
        (leads["created"] >= int(np.datetime64(drift["first_day"], "D").astype(np.int64)) * _DAY)
    p_target[drifted] = drift["qualified_given_contacted"]
    # the lead's true quality: the quiz answers depend on it, the strict manager does not
    target = rng.random(n) < p_target
    strict = np.asarray(PLANTED["managers"]["names"], dtype=object)[leads["manager"]] == \
        PLANTED["managers"]["strict"]
    accepted = ~strict | (rng.random(n) < PLANTED["strict_manager_factor"])
    reached = leads["reached"]
    qualified = reached & target & accepted
    visit = qualified & (rng.random(n) < PLANTED["visit_given_qualified"])
    deal = visit & (rng.random(n) < PLANTED["deal_given_visit"])

    days = PLANTED["outcome_days"]

    def exponential(mean: float, cap: float = np.inf) -> np.ndarray:
        return (np.minimum(rng.exponential(mean, n), cap) * _DAY).astype(np.int64)

    def gamma_two(mean: float, cap: float = np.inf) -> np.ndarray:
        return (np.minimum(rng.gamma(2.0, mean / 2.0, n), cap) * _DAY).astype(np.int64)

    created, contact = leads["created"], leads["last_attempt"]
    closed_never = leads["never"] & (rng.random(n) < PLANTED["never_attempted_closed_as_no_answer"])
    t_closed_never = created + (rng.uniform(*days["never_attempted_closed_uniform"], n)
                                * _DAY).astype(np.int64)
    t_lost_unreached = leads["last_attempt"] + exponential(days["not_reached_to_lost_mean"])
    t_qualified = contact + exponential(days["contacted_to_qualified_mean"])
    t_lost_contacted = contact + exponential(days["contacted_to_lost_mean"])
    t_visit = t_qualified + gamma_two(days["qualified_to_visit_gamma_mean"])
    t_lost_qualified = t_qualified + exponential(days["qualified_to_lost_mean"],
                                                 days["qualified_to_lost_cap"])
    t_deal = t_visit + gamma_two(days["visit_to_deal_gamma_mean"], days["visit_outcome_cap"])
    t_lost_visit = t_visit + exponential(days["visit_to_lost_mean"], days["visit_outcome_cap"])

    done = EXPORT_AT
    # (condition, status, stage of the loss), first match wins
    rules = [
        (leads["never"] & closed_never & (t_closed_never <= done), "Отказ", "no_contact"),
        (leads["never"], "Новый", ""),
        (~reached & (t_lost_unreached <= done), "Отказ", "no_contact"),
        (~reached, "Новый", ""),
        (contact > done, "Новый", ""),
        (~qualified & (t_lost_contacted <= done), "Отказ", "contacted"),
        (~qualified, "В работе", ""),
        (t_qualified > done, "В работе", ""),
        (~visit & (t_lost_qualified <= done), "Отказ", "qualified"),
        (~visit, "Квалифицирован", ""),
        (t_visit > done, "Квалифицирован", ""),
        (deal & (t_deal <= done), "Продажа", ""),
        (deal, "Визит в салон", ""),
        (t_lost_visit <= done, "Отказ", "qualified"),
    ]
    conditions = [rule[0] for rule in rules]
    status = np.select(conditions, [rule[1] for rule in rules], "Визит в салон").astype(object)
    loss_stage = np.select(conditions, [rule[2] for rule in rules], "").astype(object)

    no_contact_reason = np.where(leads["wrong_number"], "Неверный номер",
                                 np.where(leads["crm_duplicate"], "Дубль", "Не дозвонились"))
    contacted_reasons = PLANTED["reasons_contacted_not_qualified"]
    texts = list(contacted_reasons["baseline"])
    table = np.array([[contacted_reasons[key][t] for t in texts] for key in ("baseline", AVITO)])
    contacted_reason = np.asarray(texts, dtype=object)[
        _draw_grouped(rng, table, (channel == AVITO).astype(np.int64))]
    lost_reasons = PLANTED["reasons_qualified_lost"]
    qualified_reason = np.asarray(list(lost_reasons), dtype=object)[
        _draw(rng, list(lost_reasons.values()), n)]
    reason = np.select([loss_stage == "no_contact", loss_stage == "contacted",
                        loss_stage == "qualified"],
                       [no_contact_reason, contacted_reason, qualified_reason], "").astype(object)

    models = list(PLANTED["models"])
    bounds = np.array([PLANTED["deal_amount_rubles"][m] for m in models], dtype=np.float64)
    amount = rng.uniform(bounds[leads["model"], 0], bounds[leads["model"], 1])
    amount = (np.rint(amount / 1000) * 1000).astype(np.int64)

    leads.update(target=target, qualified=qualified, visit=visit, deal=deal, status=status,
                 loss_stage=loss_stage, reason=reason, amount=amount, campaign_name=campaign_name)
    return leads


def _format_moments(moments: np.ndarray, with_seconds: np.ndarray, present: np.ndarray) -> list[str]:
    iso = np.datetime_as_string(np.asarray(moments, dtype=np.int64).astype("datetime64[s]"),
                                unit="s")
    return [("" if not ok else
             f"{s[8:10]}.{s[5:7]}.{s[0:4]} {s[11:19]}" if sec else
             f"{s[8:10]}.{s[5:7]}.{s[0:4]} {s[11:16]}")
            for s, sec, ok in zip(iso.tolist(), with_seconds.tolist(), present.tolist())]


def _format_phone(number: int, style: int) -> str:
    d = str(number)
    return (f"+7 ({d[:3]}) {d[3:6]}-{d[6:8]}-{d[8:]}", f"8{d}",
            f"8 {d[:3]} {d[3:6]} {d[6:8]} {d[8:]}", f"+7{d}")[style]


def _rubles(amount: int) -> str:
    return f"{amount:,}".replace(",", " ")


def _format_leads(rng: np.random.Generator, campaigns: list[_Campaign],
                  leads: dict[str, np.ndarray]) -> pd.DataFrame:
    """The CRM's view of each lead, as text."""
    n = len(leads["created"])
    created = leads["created"]
    with_seconds = rng.random(n) < PLANTED["seconds_in_dates_share"]
    shown_attempt = ~leads["never"] & (leads["first_attempt"] <= EXPORT_AT)
    shown_contact = leads["reached"] & (leads["last_attempt"] <= EXPORT_AT)

    placeholders = np.asarray(PLANTED["placeholders"]["values"], dtype=object)
    share = PLANTED["placeholders"]

    def with_placeholders(values: np.ndarray, eligible: np.ndarray, p: float) -> np.ndarray:
        hit = eligible & (rng.random(n) < p)
        pick = placeholders[rng.integers(0, len(placeholders), n)]
        return np.where(hit, pick, values)

    in_experiment = leads["arm"] != ""
    paid = np.array([campaigns[c].cpl is not None or campaigns[c].arm is not None
                     for c in leads["campaign"].tolist()])
    campaign = with_placeholders(leads["campaign_name"], paid & ~in_experiment,
                                 share["campaign_of_paid_channels"])
    model = with_placeholders(np.asarray(list(PLANTED["models"]), dtype=object)[leads["model"]],
                              np.ones(n, bool), share["model"])
    manager = with_placeholders(
        np.asarray(PLANTED["managers"]["names"], dtype=object)[leads["manager"]],
        np.ones(n, bool), share["manager"])
    untracked = ~in_experiment & (rng.random(n) < PLANTED["volume"]["empty_channel_share"])
    channel = np.where(untracked, "", leads["channel"])
    campaign = np.where(untracked, "", campaign)

    # quiz answers depend on the lead's true quality only (README, "Quiz answers")
    quiz = PLANTED["quiz"]
    answered = (np.isin(leads["lead_type"], np.array(["Заявка с сайта", "Чат"], dtype=object))
                & (rng.random(n) < quiz["share_of_form_and_chat"]))
    target = leads["target"]
    high = rng.random(n) < np.where(target, quiz["high_budget_if_target"],
                                    quiz["high_budget_if_not_target"])
    budget_value = np.where(high,
                            np.asarray(quiz["budget_high"])[rng.integers(0, len(quiz["budget_high"]), n)],
                            np.asarray(quiz["budget_low"])[rng.integers(0, len(quiz["budget_low"]), n)])
    horizons = list(quiz["horizon_if_target"])
    horizon_table = np.array([list(quiz["horizon_if_not_target"].values()),
                              list(quiz["horizon_if_target"].values())])
    horizon = np.asarray(horizons, dtype=object)[
        _draw_grouped(rng, horizon_table, target.astype(np.int64))]

    surname_shown = rng.random(n) < PLANTED["personal_data"]["surname_in_name_share"]
    person = leads["person"]
    female = leads["of_person_female"][person]
    names = []
    for first, last, fem, full in zip(leads["of_person_first_name"][person].tolist(),
                                      leads["of_person_surname"][person].tolist(), female.tolist(),
                                      surname_shown.tolist()):
        given = (_FEMALE_NAMES if fem else _MALE_NAMES)[first]
        names.append(f"{given} {_SURNAMES[last]}{'а' if fem else ''}" if full else given)
    email = np.where(leads["of_person_has_email"][person], leads["of_person_email"][person], "")

    status = leads["status"]
    columns = {
        "ID": [str(100001 + i) for i in range(n)],
        "Дата создания": _format_moments(created, with_seconds, np.ones(n, bool)),
        "Источник": channel.tolist(),
        "Кампания": campaign.tolist(),
        "Модель": model.tolist(),
        "Ответственный": manager.tolist(),
        "Тип обращения": leads["lead_type"].tolist(),
        "Первая попытка связи": _format_moments(leads["first_attempt"], with_seconds,
                                                shown_attempt),
        "Первый контакт": _format_moments(leads["last_attempt"], with_seconds, shown_contact),
        "Попыток дозвона": [str(k) if k > 0 else "" for k in leads["shown_attempts"].tolist()],
        "Статус": status.tolist(),
        "Причина отказа": leads["reason"].tolist(),
        "Сумма сделки": [_rubles(a) + ",00" if s == "Продажа" else ""
                         for a, s in zip(leads["amount"].tolist(), status.tolist())],
        "Телефон": [_format_phone(p, f) for p, f in zip(leads["phone"].tolist(),
                                                        leads["phone_format"].tolist())],
        "Email": email.tolist(),
        "Имя клиента": names,
        "Бюджет": [_rubles(b) if a else "" for b, a in zip(budget_value.tolist(),
                                                          answered.tolist())],
        "Когда планирует покупку": [h if a else "" for h, a in zip(horizon.tolist(),
                                                                   answered.tolist())],
    }
    return pd.DataFrame(columns, columns=list(LEADS_COLUMNS), dtype=str)


def _plant_glitches(rng: np.random.Generator, table: pd.DataFrame,
                    leads: dict[str, np.ndarray]) -> pd.DataFrame:
    """Bad dates, conflicting IDs and exact duplicate rows (effect 10), counts exact."""
    glitches = PLANTED["glitches"]
    n = len(table)
    old = leads["created"] < int(np.datetime64("2026-06-01", "s").astype(np.int64))
    free = old & (leads["arm"] == "")
    status = leads["status"]

    bad_dates = rng.choice(np.flatnonzero(free), size=len(glitches["bad_created_at"]),
                           replace=False)
    free[bad_dates] = False
    table = table.copy()
    created_column = table["Дата создания"].to_numpy(dtype=object).copy()
    created_column[bad_dates] = np.asarray(glitches["bad_created_at"], dtype=object)
    table["Дата создания"] = pd.array(created_column, dtype="str")

    # an older snapshot of the same lead appended by a second export: the first row is true
    snapshot_of = free & (((status == "Отказ") & (leads["loss_stage"] == "contacted"))
                          | (status == "Продажа"))
    conflicting = rng.choice(np.flatnonzero(snapshot_of), size=glitches["conflicting_ids"],
                             replace=False)
    free[conflicting] = False
    snapshots = table.iloc[conflicting].copy()
    was_deal = snapshots["Статус"].to_numpy() == "Продажа"
    snapshots["Статус"] = np.where(was_deal, "Визит в салон", "В работе")
    snapshots["Причина отказа"] = ""
    snapshots["Сумма сделки"] = ""

    # a web form submitted several times: the same row again, adjacent or a few rows on
    forms = np.flatnonzero((leads["lead_type"] == "Заявка с сайта")
                           & np.isin(np.arange(n), np.concatenate([bad_dates, conflicting]),
                                     invert=True))
    duplicated = rng.choice(forms, size=glitches["exact_duplicate_leads"], replace=False)
    copies = np.concatenate([np.full(count, extra) for extra, count
                             in glitches["exact_duplicate_copies"].items()])
    adjacent = rng.random(len(duplicated)) < glitches["exact_duplicate_adjacent_share"]

    # sort keys: original row i at 10·i; inserted rows just after the row they follow
    source = [np.arange(n)]
    key = [np.arange(n) * 10.0]
    for lead, extra, next_to in zip(duplicated.tolist(), copies.tolist(), adjacent.tolist()):
        for j in range(extra):
            follows = lead if next_to else min(n - 1, lead + int(rng.integers(1, 7)))
            source.append(np.array([lead]))
            key.append(np.array([follows * 10.0 + 1 + j * 0.1]))
    for lead in conflicting.tolist():
        source.append(np.array([n + len(source)]))  # placeholder, replaced below
        key.append(np.array([min(n - 1, lead + int(rng.integers(50, 401))) * 10.0 + 5]))
    source_rows = np.concatenate(source)
    keys = np.concatenate(key)
    is_snapshot = source_rows >= n
    snapshot_rank = np.cumsum(is_snapshot) - 1
    combined = pd.concat([table, snapshots], ignore_index=True)
    row_index = np.where(is_snapshot, n + snapshot_rank, source_rows)
    order = np.lexsort((np.arange(len(keys)), keys))
    return combined.iloc[row_index[order]].reset_index(drop=True)


def _format_spend(rng: np.random.Generator, calendar: _Calendar, campaigns: list[_Campaign],
                  plan: _VolumePlan) -> pd.DataFrame:
    """Daily spend, impressions and clicks per paid campaign (effect 8 split included)."""
    n_days = len(calendar.day_number)
    spend = np.zeros((len(campaigns), n_days))
    impressions = np.zeros((len(campaigns), n_days), dtype=np.int64)
    clicks = np.zeros((len(campaigns), n_days), dtype=np.int64)
    active = np.zeros((len(campaigns), n_days), dtype=bool)
    noise = _lognormal_mean_one(rng, PLANTED["spend"]["noise_sigma"], (len(campaigns), n_days))
    arm_rows = [i for i, c in enumerate(campaigns) if c.arm is not None]
    for index, campaign in enumerate(campaigns):
        if campaign.cpl is None:
            continue
        active[index] = plan.expected[index] > 0
        spend[index] = np.where(active[index], plan.expected[index] * campaign.cpl * noise[index],
                                0.0)
        impressions[index] = rng.poisson(spend[index] / (campaign.cpc * campaign.ctr))
        clicks[index] = rng.binomial(impressions[index], campaign.ctr)
    # the ad platform splits one auction's impressions 50/50: no sample-ratio mismatch
    experiment = PLANTED["experiment"]
    window = calendar.in_experiment
    arm_spend = plan.arm_spend
    total = rng.poisson(arm_spend.sum(axis=0) / (experiment["cpc"] * experiment["ctr"]))
    control = rng.binomial(total, experiment["impressions_split"])
    for arm, shown in zip(arm_rows, (control, total - control)):
        position = arm_rows.index(arm)
        active[arm] = window
        spend[arm] = arm_spend[position]
        impressions[arm] = np.where(window, shown, 0)
        clicks[arm] = rng.binomial(impressions[arm], experiment["ctr"])

    # rows: by day, then campaigns in table order (a channel's arms after its campaigns)
    channels = list(PLANTED["volume"]["channel_share"])
    row_order = sorted((i for i, c in enumerate(campaigns) if c.cpl is not None or c.arm),
                       key=lambda i: (channels.index(campaigns[i].channel), i))
    dates = np.datetime_as_string(calendar.day_number.astype("datetime64[D]"), unit="D").tolist()
    records: list[tuple[str, str, str, str, str, str]] = []
    for d, date in enumerate(dates):
        shown_date = f"{date[8:10]}.{date[5:7]}.{date[0:4]}"
        for i in row_order:
            if active[i, d]:
                records.append((shown_date, campaigns[i].channel, campaigns[i].name,
                                f"{spend[i, d]:.2f}".replace(".", ","), str(impressions[i, d]),
                                str(clicks[i, d])))
    return pd.DataFrame(records, columns=list(SPEND_COLUMNS), dtype=str)


def main(argv: Sequence[str] | None = None) -> None:
    """Command line: ``python -m analysis.sample [--out DIR] [--seed N]``."""
    parser = argparse.ArgumentParser(description="Write the bundled sample CRM export.")
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT,
                        help="folder for leads.csv and spend.csv (default: %(default)s)")
    parser.add_argument("--seed", type=int, default=DEFAULT_SEED, help="default: %(default)s")
    args = parser.parse_args(argv)
    write_sample(args.out, seed=args.seed)
    print(args.out / "leads.csv")
    print(args.out / "spend.csv")


if __name__ == "__main__":
    main()
