"""The bundled sample: deterministic, regenerable, and showing every planted effect.

The files are read back with plain pandas, as a user would, and the effects are measured
on what the CSV shows (never on the generator's internals), against ``PLANTED``.

Tolerance: a rate measured on n leads whose planted probability is p has standard error
SE = sqrt(p(1 - p)/n). A check passes when the observed value is within 4 SE of the
planted one: a correct generator fails one such check with probability 6e-5, so the ≈ 40
checks below all pass for all but ≈ 0.3% of seeds, while a broken effect (a wrong rate,
an effect in the wrong channel) misses by far more than 4 SE at these sample sizes.
Where the planted number is only approximately what the CSV can show (repeat leads
spilling across months, CPL diluted by repeat leads), the comment says by how much and
the allowance is added to the 4 SE.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from analysis.sample import (
    DEFAULT_OUT,
    LEADS_COLUMNS,
    PLANTED,
    SPEND_COLUMNS,
    add_working_minutes,
    generate_sample,
    write_sample,
)
from analysis.worktime import WorkingCalendar

QUALIFIED_STATUSES = ("Квалифицирован", "Визит в салон", "Продажа")
OPEN_STATUSES = ("Новый", "В работе", "Квалифицирован", "Визит в салон")
NO_CONTACT_REASONS = ("Не дозвонились", "Неверный номер", "Дубль")
QUALIFIED_REASONS = tuple(PLANTED["reasons_qualified_lost"])
EXPERIMENT = PLANTED["experiment"]
STRICT = PLANTED["managers"]["strict"]
MANAGERS = PLANTED["managers"]["names"]
Z = 4.0


def read(path: Path) -> pd.DataFrame:
    return pd.read_csv(path, sep=";", encoding="cp1251", dtype=str, keep_default_na=False)


def seconds(text: pd.Series) -> pd.Series:
    """Day-first dates with or without seconds → integer seconds since 1970 (NaN if bad)."""
    with_seconds = pd.to_datetime(text, format="%d.%m.%Y %H:%M:%S", errors="coerce")
    without = pd.to_datetime(text, format="%d.%m.%Y %H:%M", errors="coerce")
    moment = with_seconds.fillna(without)
    out = (moment - pd.Timestamp("1970-01-01")) // pd.Timedelta(seconds=1)
    return out.astype("float64")


def within(observed_count: float, n: float, p: float, allowance: float = 0.0) -> bool:
    """Observed rate within Z binomial standard errors (plus an allowance) of p."""
    se = np.sqrt(p * (1 - p) / n)
    return abs(observed_count / n - p) <= Z * se + allowance


@pytest.fixture(scope="module")
def written(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("sample")
    write_sample(out)
    return out


@pytest.fixture(scope="module")
def raw(written: Path) -> pd.DataFrame:
    return read(written / "leads.csv")


@pytest.fixture(scope="module")
def spend(written: Path) -> pd.DataFrame:
    frame = read(written / "spend.csv")
    frame["rub"] = frame["Расход"].str.replace(",", ".").astype(float)
    frame["day"] = pd.to_datetime(frame["Дата"], format="%d.%m.%Y")
    return frame


@pytest.fixture(scope="module")
def leads(raw: pd.DataFrame) -> pd.DataFrame:
    """One row per lead as the loader should see it, with derived funnel flags."""
    frame = raw.drop_duplicates().drop_duplicates("ID", keep="first").copy()
    frame["created"] = seconds(frame["Дата создания"])
    frame = frame[frame["created"].notna()].copy()
    frame["attempt"] = seconds(frame["Первая попытка связи"])
    frame["contact"] = seconds(frame["Первый контакт"])
    frame["created_day"] = pd.to_datetime(frame["created"], unit="s")
    status, reason = frame["Статус"], frame["Причина отказа"]
    lost = status == "Отказ"
    frame["contacted"] = frame["contact"].notna()
    frame["qualified"] = status.isin(QUALIFIED_STATUSES) | (lost & reason.isin(QUALIFIED_REASONS))
    frame["lost_contacted_stage"] = lost & frame["contacted"] & ~frame["qualified"]
    attempted = frame["attempt"].notna()
    minutes = np.full(len(frame), np.nan)
    minutes[attempted.to_numpy()] = working_minutes_between(
        frame.loc[attempted, "created"].to_numpy(np.int64),
        frame.loc[attempted, "attempt"].to_numpy(np.int64))
    frame["response_minutes"] = minutes
    edges = PLANTED["response_bucket_edges_minutes"]
    frame["bucket"] = np.where(attempted, np.searchsorted(edges, np.nan_to_num(minutes),
                                                          side="right"), -1)
    frame["phone_digits"] = frame["Телефон"].str.replace(r"\D", "", regex=True).str[-10:]
    return frame


def working_minutes_between(start: np.ndarray, end: np.ndarray) -> np.ndarray:
    """The loader's measure (analysis.worktime), so the generator's clock is checked against it."""
    calendar = WorkingCalendar(9 * 60, 21 * 60)
    return calendar.minutes_between(pd.Series(pd.to_datetime(start, unit="s")),
                                    pd.Series(pd.to_datetime(end, unit="s"))).to_numpy()


def mature(frame: pd.DataFrame, last_day: str) -> pd.DataFrame:
    return frame[frame["created_day"] < pd.Timestamp(last_day)]


# ------------------------------------------------------------------ determinism, files


def test_working_minutes_helpers_agree_on_the_clock() -> None:
    day = 20_000 * 86_400
    start = np.array([day + 23 * 3600, day + 20 * 3600 + 55 * 60, day + 3 * 3600,
                      day + 12 * 3600])
    added = add_working_minutes(start, np.array([10.0, 10.0, 0.0, 720.0]))
    # 23:00 + 10 → 09:10 next day; 20:55 + 10 → 09:05 next day; 03:00 + 0 → 09:00;
    # 12:00 + one full working day → 12:00 next day
    expected = np.array([day + 86_400 + 9 * 3600 + 600, day + 86_400 + 9 * 3600 + 300,
                         day + 9 * 3600, day + 86_400 + 12 * 3600])
    assert added.tolist() == expected.tolist()
    assert working_minutes_between(start, added).tolist() == [10.0, 10.0, 0.0, 720.0]


def test_generation_is_deterministic(written: Path) -> None:
    # a second run equals the fixture's first run, as the strings the file holds (the
    # shipped-file test below compares a third run byte for byte)
    leads, spend = generate_sample()
    assert all(str(dtype) == "str" for dtype in leads.dtypes)
    pd.testing.assert_frame_equal(leads, read(written / "leads.csv"), check_dtype=False)
    pd.testing.assert_frame_equal(spend, read(written / "spend.csv"), check_dtype=False)


def test_shipped_files_are_regenerable(written: Path) -> None:
    for name in ("leads.csv", "spend.csv"):
        assert (DEFAULT_OUT / name).read_bytes() == (written / name).read_bytes(), name


def test_dialect(written: Path) -> None:
    for name, columns in (("leads.csv", LEADS_COLUMNS), ("spend.csv", SPEND_COLUMNS)):
        data = (written / name).read_bytes()
        assert data.startswith((";".join(columns) + "\r\n").encode("cp1251"))
        assert data.count(b"\n") == data.count(b"\r\n")
        assert data.endswith(b"\r\n")


def test_formats(raw: pd.DataFrame, leads: pd.DataFrame) -> None:
    n = len(leads)
    assert list(raw.columns) == list(LEADS_COLUMNS)
    assert leads["ID"].str.fullmatch(r"1\d{5}").all()
    date = r"\d\d\.\d\d\.\d{4} \d\d:\d\d(:\d\d)?"
    for column in ("Дата создания", "Первая попытка связи", "Первый контакт"):
        assert leads[column].str.fullmatch(f"({date})?").all(), column
    with_seconds = leads["Дата создания"].str.len() == 19
    assert within(with_seconds.sum(), n, PLANTED["seconds_in_dates_share"])
    phone_patterns = [r"\+7 \(9\d\d\) \d{3}-\d\d-\d\d", r"89\d{9}", r"8 9\d\d \d{3} \d\d \d\d",
                      r"\+79\d{9}"]
    matched = pd.concat([leads["Телефон"].str.fullmatch(p) for p in phone_patterns], axis=1)
    assert (matched.sum(axis=1) == 1).all()
    assert leads["Email"].str.fullmatch(r"([a-z0-9.]+@[a-z.]+\.(ru|com))?").all()
    # an e-mail per person 0.40; e-mail-linked repeats add ≈ 0.25·0.08·0.6 ≈ 0.012 per lead
    assert within((leads["Email"] != "").sum(), n, PLANTED["personal_data"]["email_share_of_persons"],
                  allowance=0.015)
    assert leads["Сумма сделки"].str.fullmatch(r"(\d{1,3}( \d{3})+,00)?").all()
    assert leads["Бюджет"].str.fullmatch(r"(\d{1,3}( \d{3})+)?").all()
    assert leads["Попыток дозвона"].str.fullmatch(r"[1-8]?").all()


def test_placeholders_and_untracked_channel(leads: pd.DataFrame) -> None:
    placeholders = PLANTED["placeholders"]
    values = list(placeholders["values"])
    n = len(leads)
    assert within(leads["Модель"].isin(values).sum(), n, placeholders["model"])
    assert within(leads["Ответственный"].isin(values).sum(), n, placeholders["manager"])
    paid = leads[leads["Источник"].isin(list(PLANTED["campaigns"]))
                 & ~leads["Кампания"].isin([EXPERIMENT["control"], EXPERIMENT["variant"]])]
    assert within(paid["Кампания"].isin(values).sum(), len(paid),
                  placeholders["campaign_of_paid_channels"])
    assert not leads.loc[leads["Источник"].isin(["Сайт", "Звонки", "Telegram"]),
                         "Кампания"].astype(bool).any()
    untracked = leads["Источник"] == ""
    assert within(untracked.sum(), n, PLANTED["volume"]["empty_channel_share"])
    assert (leads.loc[untracked, "Кампания"] == "").all()


# ------------------------------------------------------------------ glitches (exact)


def test_glitch_counts_are_exact(raw: pd.DataFrame) -> None:
    glitches = PLANTED["glitches"]
    repeated = raw[raw.duplicated(keep=False)]
    copies = repeated.groupby(list(raw.columns)).size()
    assert len(raw) - len(raw.drop_duplicates()) == glitches["exact_duplicate_extra_rows"]
    assert len(copies) == glitches["exact_duplicate_leads"]
    assert (copies - 1).value_counts().sort_index().to_dict() == glitches["exact_duplicate_copies"]
    assert (repeated["Тип обращения"] == "Заявка с сайта").all()

    unique_rows = raw.drop_duplicates()
    conflicting = unique_rows[unique_rows["ID"].duplicated(keep=False)]
    assert conflicting["ID"].nunique() == glitches["conflicting_ids"]
    first = conflicting.drop_duplicates("ID", keep="first")
    later = conflicting[conflicting["ID"].duplicated(keep="first")]
    assert first["Статус"].isin(["Отказ", "Продажа"]).all()  # the true, final status first
    assert later["Статус"].isin(["В работе", "Визит в салон"]).all()

    bad = raw["Дата создания"].isin(glitches["bad_created_at"])
    assert sorted(raw.loc[bad, "Дата создания"].unique()) == sorted(glitches["bad_created_at"])
    assert seconds(raw.loc[~bad, "Дата создания"]).notna().all()
    assert bad.sum() == len(glitches["bad_created_at"])


# ------------------------------------------------------------------ volumes


def test_period_and_channels(leads: pd.DataFrame) -> None:
    assert leads["created_day"].min() >= pd.Timestamp(PLANTED["period"]["first_day"])
    assert leads["created_day"].max() < pd.Timestamp(PLANTED["period"]["last_day"]) + pd.Timedelta("1D")
    expected = set(PLANTED["volume"]["channel_share"]) | {"Telegram", ""}
    assert set(leads["Источник"]) == expected
    # shares of the main stream, outside the experiment quarter (it adds ≈ 1 200 Yandex
    # leads and pauses ≈ 240). Repeat leads (≈ 9% of leads) avoid their first channel with
    # p 0.7, which pulls the big channels' shares down by up to ≈ 0.004: allowance 0.005
    outside = leads[(leads["created_day"] < pd.Timestamp(EXPERIMENT["first_day"]))
                    & leads["Источник"].isin(list(PLANTED["volume"]["channel_share"]))]
    for channel, share in PLANTED["volume"]["channel_share"].items():
        assert within((outside["Источник"] == channel).sum(), len(outside), share,
                      allowance=0.005), channel


def test_telegram_is_tiny(leads: pd.DataFrame) -> None:
    telegram = leads[leads["Источник"] == "Telegram"]
    pattern = PLANTED["volume"]["telegram_leads_per_month_pattern"]
    # untracked (empty-channel) rows may hide one of the planted 24; never more than 24
    assert sum(pattern) * 6 - 2 <= len(telegram) <= sum(pattern) * 6
    assert len(telegram) < 30  # the verdict rule rule 1: insufficient_data
    per_month = telegram.groupby(telegram["created_day"].dt.to_period("M")).size()
    assert per_month.between(1, 2).all()


def test_seasonality(leads: pd.DataFrame) -> None:
    volume = PLANTED["volume"]
    days = pd.date_range(PLANTED["period"]["first_day"], PLANTED["period"]["last_day"], freq="D")
    weekday = np.asarray(volume["weekday_mon_to_sun"])[days.day_of_week]
    season = days.month.map(volume["season"]).to_numpy(dtype=float)
    expected = pd.Series(volume["primary_leads_per_month"] * season / days.days_in_month * weekday,
                         index=days.to_period("M")).groupby(level=0).sum()
    main = leads[(leads["Источник"] != "Telegram")
                 & ~leads["Кампания"].isin([EXPERIMENT["control"], EXPERIMENT["variant"]])]
    observed = main.groupby(main["created_day"].dt.to_period("M")).size()
    # observed / expected is constant (1 + the repeat leads' share) in every month. Pool:
    # 2025-06 … 2026-06 (the first month lacks the repeats of a month before, the
    # experiment months pause a campaign, October 2026 gets the experiment's repeats).
    # A month vs the pool of the others: SE of the log ratio ≈ sqrt(1/n_month + 1/n_pool);
    # repeats spilling into the next month (≈ 9% × 1/5) shift a month by < 1%.
    log_ratio = np.log(observed / expected)
    pool = log_ratio[pd.Period("2025-06"):pd.Period("2026-06")]
    for month in ("2025-12", "2026-01", "2026-05"):
        others = pool.drop(pd.Period(month), errors="ignore")
        n_pool = observed[others.index].sum()
        se = np.sqrt(1 / observed[pd.Period(month)] + 1 / n_pool)
        assert abs(log_ratio[pd.Period(month)] - others.mean()) <= Z * se + 0.01, month
    hours = leads["created_day"].dt.hour
    weights = np.asarray(PLANTED["volume"]["hour_weights"])
    assert within((hours < 8).sum(), len(leads), weights[:8].sum() / weights.sum())
    weekday = leads.groupby(leads["created_day"].dt.day_of_week).size()
    assert weekday[6] < weekday[5]  # Sunday 0.90 vs Saturday 1.05: ≈ 2 500 leads each


# ------------------------------------------------------------------ effect 1: speed to lead


def test_contact_follows_the_response_ladder(leads: pd.DataFrame) -> None:
    # leads at least 10 days old: contact, when it happens, is in
    done = mature(leads, "2026-10-21")
    assert within(done["attempt"].isna().sum(), len(done), PLANTED["never_attempted"])
    assert (done.loc[done["attempt"].isna(), "contact"].isna()).all()
    ladder = list(PLANTED["contact_by_response_bucket"].values())
    attempted = done[done["bucket"] >= 0]
    for bucket, p in enumerate(ladder):
        rows = attempted[attempted["bucket"] == bucket]
        assert within(rows["contacted"].sum(), len(rows), p), (bucket, rows["contacted"].mean())
        # the same ladder in every channel (effect 1 holds "for every channel")
        for channel, group in rows.groupby("Источник"):
            if len(group) >= 100:
                assert within(group["contacted"].sum(), len(group), p), (bucket, channel)
    missed = done[done["Тип обращения"] == "Пропущенный звонок"]
    assert within(missed["attempt"].notna().sum(), len(missed), 1 - PLANTED["never_attempted"])


def test_processing_columns_are_consistent(leads: pd.DataFrame) -> None:
    attempted = leads["attempt"].notna()
    assert (leads.loc[attempted, "attempt"] > leads.loc[attempted, "created"]).all()
    assert (leads["contact"].isna() | attempted).all()
    assert (leads.loc[leads["contact"].notna(), "contact"]
            >= leads.loc[leads["contact"].notna(), "attempt"]).all()
    second_of_day = leads.loc[attempted, "attempt"] % 86_400
    assert second_of_day.between(9 * 3600, 21 * 3600).all()  # working hours only
    assert ((leads["Попыток дозвона"] != "") == attempted).all()
    # attempts are counted until contact: unreached leads have more of them
    attempts = pd.to_numeric(leads.loc[attempted, "Попыток дозвона"])
    reached = leads.loc[attempted, "contacted"]
    assert attempts[~reached].mean() > attempts[reached].mean() + 1
    answered = leads[leads["Тип обращения"] == "Звонок"]
    assert (answered["created"] % 86_400).between(9 * 3600, 21 * 3600 - 1).all()


# ------------------------------------------------------------------ effect 4: VK


def test_vk_is_slow_but_its_leads_are_equal(leads: pd.DataFrame) -> None:
    done = mature(leads, "2026-10-21")
    done = done[done["Источник"] != ""]
    vk = done["Источник"] == "VK Реклама"
    attempted = done["bucket"] >= 0
    assert done.loc[vk & attempted, "response_minutes"].median() > 100
    assert done.loc[~vk & attempted, "response_minutes"].median() < 10
    sla_vk = (done.loc[vk & attempted, "response_minutes"] < 15).mean()
    sla_rest = (done.loc[~vk & attempted, "response_minutes"] < 15).mean()
    assert sla_vk < 0.2 and sla_rest > 0.6  # processing deficit D: ≥ 0.10 lower

    # crude contact gap vs the the verdict rule min_gap δ = 0.2 × baseline: the upper end of the
    # gap's 95% interval must reach δ (else the verdict would be not_supported)
    p_vk, p_rest = done.loc[vk, "contacted"].mean(), done.loc[~vk, "contacted"].mean()
    n_vk, n_rest = vk.sum(), (~vk).sum()
    gap = p_rest - p_vk
    se = np.sqrt(p_vk * (1 - p_vk) / n_vk + p_rest * (1 - p_rest) / n_rest)
    assert gap + 1.96 * se >= 0.2 * p_rest and gap - 1.96 * se > 0

    # held at the baseline's response-bucket mix, the gap vanishes: within ±Z SE of 0
    strata = done[done["bucket"] >= 0].groupby(["bucket", vk[done["bucket"] >= 0]])["contacted"]
    table = strata.agg(["mean", "size"]).unstack()
    weights = table[("size", False)] / table[("size", False)].sum()
    adjusted = (weights * (table[("mean", False)] - table[("mean", True)])).sum()
    variance = (weights ** 2 * sum(table[("mean", side)] * (1 - table[("mean", side)])
                                   / table[("size", side)] for side in (True, False))).sum()
    assert abs(adjusted) <= Z * np.sqrt(variance), adjusted

    # and VK's qualified-of-contacted is the baseline's (its managers are not the strict one)
    contacted = mature(leads, "2026-09-15")
    contacted = contacted[contacted["contacted"] & contacted["Ответственный"].isin(MANAGERS)
                          & (contacted["Ответственный"] != STRICT)
                          & (contacted["Источник"] == "VK Реклама")]
    assert within(contacted["qualified"].sum(), len(contacted),
                  PLANTED["qualified_given_contacted"]["baseline"])


# ------------------------------------------------------------------ effects 2, 3, 5, 7: quality


def quality_frame(leads: pd.DataFrame) -> pd.DataFrame:
    """Contacted leads old enough for qualification (45 days: decided in ≈ 2 days)."""
    frame = mature(leads, "2026-09-15")
    frame = frame[frame["contacted"] & frame["Ответственный"].isin(MANAGERS)
                  & ~frame["Кампания"].isin([EXPERIMENT["control"], EXPERIMENT["variant"]])]
    return frame


def test_avito_leads_are_worse_and_others_baseline(leads: pd.DataFrame) -> None:
    frame = quality_frame(leads)
    frame = frame[frame["Ответственный"] != STRICT]
    planted = PLANTED["qualified_given_contacted"]
    rates = {}
    for channel in ("Яндекс Директ", "VK Реклама", "Авито", "Авто.ру", "Сайт", "Звонки"):
        group = frame[frame["Источник"] == channel]
        p = planted.get(channel, planted["baseline"])
        rates[channel] = group["qualified"].mean()
        assert within(group["qualified"].sum(), len(group), p), (channel, rates[channel])
    assert rates["Авито"] < min(v for k, v in rates.items() if k != "Авито") - 0.12


def test_avito_losses_are_budget_and_used(leads: pd.DataFrame) -> None:
    losses = mature(leads, "2026-09-15")
    losses = losses[losses["lost_contacted_stage"]]
    reasons = PLANTED["reasons_contacted_not_qualified"]
    avito = losses[losses["Источник"] == "Авито"]
    rest = losses[losses["Источник"].isin(["Яндекс Директ", "VK Реклама", "Авто.ру", "Сайт",
                                           "Звонки"])]
    for group, planted in ((avito, reasons["Авито"]), (rest, reasons["baseline"])):
        no_budget = group["Причина отказа"].isin(["Нет денег", "Не проходит по бюджету"])
        used = group["Причина отказа"] == "Хочет б/у"
        assert within(no_budget.sum(), len(group),
                      planted["Нет денег"] + planted["Не проходит по бюджету"])
        assert within(used.sum(), len(group), planted["Хочет б/у"])


def test_strict_manager_qualifies_less(leads: pd.DataFrame) -> None:
    frame = quality_frame(leads)
    frame = frame[frame["Источник"].isin(["Яндекс Директ", "VK Реклама", "Авито", "Авто.ру",
                                          "Сайт", "Звонки"])]
    planted = PLANTED["qualified_given_contacted"]
    p = frame["Источник"].map(lambda c: planted.get(c, planted["baseline"])).astype(float)
    strict = frame["Ответственный"] == STRICT
    p = p * np.where(strict, PLANTED["strict_manager_factor"], 1.0)
    # observed qualified count vs the sum of planted per-lead probabilities: z within ±Z
    for mask in (strict, ~strict):
        expected = p[mask].sum()
        sd = np.sqrt((p[mask] * (1 - p[mask])).sum())
        assert abs(frame.loc[mask, "qualified"].sum() - expected) <= Z * sd
    ratio = (frame.loc[strict, "qualified"].sum() / p[strict].sum()
             * PLANTED["strict_manager_factor"])
    assert 0.45 < ratio < 0.75


def test_funnel_baseline(leads: pd.DataFrame) -> None:
    # deal | qualified = 0.5 × 0.4 on leads older than 180 days (all outcomes in)
    frame = mature(leads, "2026-05-01")
    qualified = frame[frame["qualified"]]
    deal = PLANTED["visit_given_qualified"] * PLANTED["deal_given_visit"]
    assert within((qualified["Статус"] == "Продажа").sum(), len(qualified), deal)


# ------------------------------------------------------------------ effect 8: experiment


def test_experiment_arms(leads: pd.DataFrame, spend: pd.DataFrame) -> None:
    arms = (EXPERIMENT["control"], EXPERIMENT["variant"])
    first, last = pd.Timestamp(EXPERIMENT["first_day"]), pd.Timestamp(EXPERIMENT["last_day"])
    in_arms = leads["Кампания"].isin(arms)
    assert leads.loc[in_arms, "created_day"].between(first, last + pd.Timedelta("1D")).all()
    assert (leads.loc[in_arms, "Источник"] == EXPERIMENT["channel"]).all()
    paused = leads["Кампания"] == EXPERIMENT["paused_campaign"]
    assert not leads.loc[paused, "created_day"].between(first, last + pd.Timedelta("1D")).any()
    arm_spend = spend[spend["Кампания"].isin(arms)]
    assert arm_spend["day"].between(first, last).all()
    assert len(arm_spend) == 2 * ((last - first).days + 1)

    totals = arm_spend.groupby("Кампания").agg(rub=("rub", "sum"),
                                               impressions=("Показы", lambda s: s.astype(int).sum()))
    control, variant = totals.loc[arms[0]], totals.loc[arms[1]]
    # equal budgets: daily lognormal σ 0.05 over 92 days → SE of the log ratio ≈ 0.0074
    assert abs(np.log(variant["rub"] / control["rub"])) < Z * 0.0074
    # no sample-ratio mismatch on impressions (chi-square, 1 df, flagged at p < 0.001)
    a, b = control["impressions"], variant["impressions"]
    assert (a - b) ** 2 / (a + b) < 10.83

    # leads ~ Poisson(spend / CPL × weekday × factor): expected counts from the spend file
    weekday = np.asarray(PLANTED["volume"]["weekday_mon_to_sun"])
    arm_leads = leads[in_arms]
    counts = arm_leads.groupby("Кампания").size()
    for arm, factor in ((arms[0], 1.0), (arms[1], EXPERIMENT["variant_leads_per_ruble_factor"])):
        days = arm_spend[arm_spend["Кампания"] == arm]
        expected = (days["rub"] / EXPERIMENT["control_cpl"] * weekday[days["day"].dt.day_of_week]
                    * factor).sum()
        assert abs(counts[arm] - expected) <= Z * np.sqrt(expected), (arm, counts[arm], expected)
    months = ((last - first).days + 1) / (365 / 12)
    planted_total = EXPERIMENT["control_leads_per_month"] * months
    assert abs(counts[arms[0]] - planted_total) <= Z * np.sqrt(planted_total)

    # qualified | contacted per arm, strict manager aside, equals the planted one
    contacted = arm_leads[arm_leads["contacted"] & arm_leads["Ответственный"].isin(MANAGERS)
                          & (arm_leads["Ответственный"] != STRICT)]
    for arm in arms:
        group = contacted[contacted["Кампания"] == arm]
        assert within(group["qualified"].sum(), len(group),
                      PLANTED["qualified_given_contacted"][arm]), arm

    # qualified share of leads: ratio ≈ 1.75 (delta method on the log ratio)
    q = arm_leads.groupby("Кампания")["qualified"].agg(["sum", "size"])
    share = q["sum"] / q["size"]
    log_ratio = np.log(share[arms[1]] / share[arms[0]])
    se = np.sqrt(sum((1 - share[arm]) / q.loc[arm, "sum"] for arm in arms))
    assert abs(log_ratio - np.log(EXPERIMENT["variant_qualified_share_factor"])) <= Z * se
    assert within(q.loc[arms[0], "sum"], q.loc[arms[0], "size"],
                  EXPERIMENT["expected"]["control_qualified_share_of_leads"], allowance=0.01)

    # the decision rule on this realisation (log-Wald intervals, close to the score intervals
    # at these counts). Not a planted guarantee: the design meets rule 3 with probability
    # ≈ 0.8 (README); the downstream reports rely on the shipped data doing so.
    r = (q.loc[arms[1], "sum"] / variant["rub"]) / (q.loc[arms[0], "sum"] / control["rub"])
    r_low = r * np.exp(-1.96 * np.sqrt(1 / q.loc[arms[1], "sum"] + 1 / q.loc[arms[0], "sum"]))
    w = (counts[arms[1]] / variant["rub"]) / (counts[arms[0]] / control["rub"])
    w_high = w * np.exp(1.96 * np.sqrt(1 / counts[arms[1]] + 1 / counts[arms[0]]))
    assert r_low > 1 - 0.10 and w_high < 0.8


# ------------------------------------------------------------------ effect 9: maturity


def test_young_leads_are_open_old_ones_closed(leads: pd.DataFrame) -> None:
    status = leads["Статус"]
    old = leads["created_day"] < pd.Timestamp("2026-05-01")
    # older than 180 days: only never-attempted leads nobody closed stay "Новый"
    assert not status[old].isin(["В работе", "Квалифицирован", "Визит в салон"]).any()
    never_open = PLANTED["never_attempted"] * (1 - PLANTED["never_attempted_closed_as_no_answer"])
    assert within((status[old] == "Новый").sum(), old.sum(), never_open)
    assert (leads.loc[old & (status == "Новый"), "attempt"].isna()).all()
    october = leads["created_day"] >= pd.Timestamp("2026-10-01")
    august = leads["created_day"].between(pd.Timestamp("2026-08-01"), pd.Timestamp("2026-09-01"))
    open_share = {name: status[mask].isin(OPEN_STATUSES).mean()
                  for name, mask in (("old", old), ("august", august), ("october", october))}
    assert open_share["october"] > 0.25 > open_share["august"] > open_share["old"]


# ------------------------------------------------------------------ reasons, amounts


def test_reasons_match_the_stage(leads: pd.DataFrame) -> None:
    status, reason = leads["Статус"], leads["Причина отказа"]
    lost = status == "Отказ"
    assert (reason[~lost] == "").all()
    assert (leads.loc[status != "Продажа", "Сумма сделки"] == "").all()
    assert (leads.loc[status == "Продажа", "Сумма сделки"] != "").all()
    never_reached = lost & ~leads["contacted"]
    assert reason[never_reached].isin(NO_CONTACT_REASONS).all()
    assert not reason[lost & leads["contacted"]].isin(NO_CONTACT_REASONS).any()
    known = set(PLANTED["reasons_contacted_not_qualified"]["baseline"]) | set(QUALIFIED_REASONS)
    assert set(reason[lost & leads["contacted"]]) <= known
    # empty and unknown texts only where "missing/other imply contacted" is true
    odd = reason.isin(["", "Просто интересовался", "Клиент хамит"]) & lost
    assert leads.loc[odd, "lost_contacted_stage"].all()
    planted = PLANTED["reasons_contacted_not_qualified"]["baseline"]
    assert within((reason == "")[leads["lost_contacted_stage"]].sum(),
                  leads["lost_contacted_stage"].sum(), planted[""])


def test_deal_amounts_by_model(leads: pd.DataFrame) -> None:
    deals = leads[leads["Статус"] == "Продажа"]
    amount = deals["Сумма сделки"].str.replace(" ", "").str.replace(",", ".").astype(float)
    for model, (low, high) in PLANTED["deal_amount_rubles"].items():
        rows = deals["Модель"] == model
        assert rows.any()
        assert amount[rows].between(low, high).all(), model


# ------------------------------------------------------------------ effect 11: repeats


def test_repeat_leads(leads: pd.DataFrame) -> None:
    frame = leads.sort_values("created")[["ID", "created", "phone_digits", "Email", "Источник",
                                          "Телефон"]].reset_index(drop=True)
    window = 30 * 86_400
    earlier_by_phone = frame.groupby("phone_digits")["created"].shift()
    with_email = frame["Email"] != ""
    earlier_by_email = frame[with_email].groupby("Email")["created"].shift()
    earlier = pd.concat([earlier_by_phone, earlier_by_email.reindex(frame.index)], axis=1).max(axis=1)
    repeat = (frame["created"] - earlier) < window
    late = ((frame["created"] - earlier) >= window) & earlier.notna()
    first = earlier.isna()
    # every person whose first lead leaves a full 30-day window repeats with p = 0.08
    has_room = first & (frame["created"] < frame["created"].max() - window)
    next_created = pd.concat([frame.groupby("phone_digits")["created"].shift(-1),
                              frame[with_email].groupby("Email")["created"].shift(-1)
                              .reindex(frame.index)], axis=1).min(axis=1)
    repeated = (next_created - frame["created"]) < window
    repeats = PLANTED["repeats"]
    assert within((repeated & has_room).sum(), has_room.sum(), repeats["probability_within_30_days"])
    # late returns (45–150 days; not repeats by the 30-day rule) of persons whose first
    # lead leaves room for the longest gap
    low, high = (days * 86_400 for days in repeats["late_return_gap_days"])
    room = first & (frame["created"] < frame["created"].max() - high - 86_400)
    came_back = (next_created - frame["created"]).between(low, high + 86_400)
    assert within((came_back & room).sum(), room.sum(), repeats["late_return_probability"])
    assert late.sum() >= (came_back & room).sum()
    # through another channel with 0.70 (plus same-channel draws that happen to differ: none)
    previous_channel = frame.groupby("phone_digits")["Источник"].shift().fillna(
        frame[with_email].groupby("Email")["Источник"].shift().reindex(frame.index))
    tracked = repeat & (frame["Источник"] != "") & (previous_channel != "")
    assert within((frame.loc[tracked, "Источник"] != previous_channel[tracked]).sum(),
                  tracked.sum(), repeats["other_channel"])
    by_phone = repeat & earlier_by_phone.notna() & ((frame["created"] - earlier_by_phone) < window)
    previous_text = frame.groupby("phone_digits")["Телефон"].shift()
    link = repeats["link"]
    other_format = link["same phone, other format"] / (link["same phone, other format"]
                                                         + link["same phone, same format"])
    assert within((frame.loc[by_phone, "Телефон"] != previous_text[by_phone]).sum(),
                  by_phone.sum(), other_format)
    assert within((repeat & ~by_phone).sum(), repeat.sum(), link["same e-mail, new phone"])
