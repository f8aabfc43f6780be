"""Every shape of data gives a report or a clear error — never a crash, never a silent misreading
. Exports are cut from the sample (:mod:`tests.shapes`): each optional column dropped,
combinations of them, degenerate distributions, yes/no outcomes, no dates, a user-level A/B
file. Each job runs its computation, every section and its JSON summary; the shapes that once
crashed are named in the ids (``was_crash``)."""

from __future__ import annotations

import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from analysis.errors import ColumnError, ScopeError

from .shapes import (
    DIAGNOSE, EXPERIMENT, MONITOR, OPTIONAL, PROCESSING, QUARTERLY, STATUS, keep_rows, load, run_job, write_shape,
    yes_no_outcome,
)

JOBS = (("diagnose", DIAGNOSE), ("experiment", EXPERIMENT), ("quarterly", QUARTERLY), ("monitor", MONITOR))


def outcomes(data, jobs=JOBS) -> dict[str, dict]:
    return {job: run_job(job, data, dict(options)) for job, options in jobs}


def _without_dates(options: dict) -> dict:
    return {key: value for key, value in options.items() if key != "period"}


@pytest.mark.parametrize("column", OPTIONAL)
def test_each_optional_column_may_be_absent(tmp_path, column):
    data = load(*write_shape(tmp_path, f"no-{column}", drop=(column,)))
    jobs = [("diagnose", DIAGNOSE if column != "created_at" else _without_dates(DIAGNOSE)),
            ("experiment", EXPERIMENT), ("quarterly", QUARTERLY), ("monitor", MONITOR)]
    if column == "campaign":  # the experiment's arms are campaigns: without them it is refused, naming the column
        jobs[1] = ("experiment", {"arms_by": "campaign", "control": "Creta без цены", "variant": "Creta с ценой"})
    done = outcomes(data, jobs)
    if column == "created_at":
        assert "created_at" in done["quarterly"]["refused"] and "mapping" in done["quarterly"]["refused"]
        assert "created_at" in done["monitor"]["refused"] and "mapping" in done["monitor"]["refused"]
        assert "summary" in done["diagnose"] and "summary" in done["experiment"]
    elif column == "campaign":
        assert "has no campaign column" in done["experiment"]["refused"]
        assert "summary" in done["diagnose"] and "summary" in done["quarterly"] and "summary" in done["monitor"]
    else:
        assert all("summary" in outcome for outcome in done.values()), done


COMBINATIONS = {
    # was_crash: diagnose's KeyError 'response_minutes' (no processing columns)
    "was_crash-no-processing": PROCESSING,
    # the most common minimal export: ID, created date, source, status
    "was_crash-minimal": tuple(c for c in OPTIONAL if c != "created_at"),
    # was_crash: the experiment's KeyError 'created_at'
    "was_crash-no-dates-no-processing": ("created_at", "first_response_at", "first_contact_at"),
    "no-reasons-no-processing": ("disqualification_reason", *PROCESSING),
    "no-identifiers": ("phone", "email", "name"),
}


@pytest.mark.parametrize("name", list(COMBINATIONS))
def test_combinations_of_absent_columns(tmp_path, name):
    drop = COMBINATIONS[name]
    data = load(*write_shape(tmp_path, name, drop=drop))
    jobs = [("diagnose", _without_dates(DIAGNOSE) if "created_at" in drop else DIAGNOSE)]
    if "campaign" not in drop:
        jobs.append(("experiment", EXPERIMENT))
    if "created_at" not in drop:
        jobs.append(("quarterly", QUARTERLY))
    done = outcomes(data, jobs)
    assert all("summary" in outcome for outcome in done.values()), {k: v.get("refused") for k, v in done.items()}
    dx = done["diagnose"]
    if set(PROCESSING) <= set(drop):  # no processing columns: Q proves nothing, and the report says so
        assert dx["summary"]["figures"]["adjusted_gap"] is None
        assert "no_processing_columns" in {w["code"] for w in dx["summary"]["warnings"]}


DEGENERATE = {
    # was_crash: quarterly's TypeError in _reasons when the quarter has no lost lead
    "was_crash-no-losses": keep_rows(lambda f: f[STATUS] != "Отказ"),
    "all-lost": keep_rows(lambda f: f[STATUS] == "Отказ"),
    "no-qualified": keep_rows(lambda f: f[STATUS].isin(["Новый", "В работе", "Отказ"])),
    "one-manager": keep_rows(lambda f: f["Ответственный"] == "Кузнецов Дмитрий"),
    "q3-only": keep_rows(lambda f: f["Дата создания"].str[3:10].isin(["07.2026", "08.2026", "09.2026"])),
}


@pytest.mark.parametrize("name", list(DEGENERATE))
def test_degenerate_distributions(tmp_path, name):
    data = load(*write_shape(tmp_path, name, transform=DEGENERATE[name], stride=2))
    options = dict(DIAGNOSE, period="2026-07-01:2026-09-30") if name == "q3-only" else DIAGNOSE
    done = outcomes(data, [("diagnose", options), ("experiment", EXPERIMENT), ("quarterly", QUARTERLY)])
    assert all("summary" in outcome for outcome in done.values()), {k: v.get("refused") for k, v in done.items()}
    if name == "q3-only":  # the quarter has no previous quarter in the data: changes are null, not invented
        assert done["quarterly"]["summary"]["figures"]["kpis_previous"] is None
    if name == "was_crash-no-losses":
        assert done["quarterly"]["result"].reasons.empty


def test_one_channel_one_day(tmp_path):
    one_channel = load(*write_shape(tmp_path, "one-channel", transform=keep_rows(lambda f: f["Источник"] == "Авито"),
                                    stride=1))
    done = outcomes(one_channel, [("diagnose", dict(DIAGNOSE, period="2026-10-01:2026-10-31",
                                                     baseline="previous_period")), ("quarterly", QUARTERLY)])
    assert all("summary" in outcome for outcome in done.values())
    assert "has no leads" not in str(done)
    one_day = load(*write_shape(tmp_path, "one-day", transform=keep_rows(
        lambda f: f["Дата создания"].str.startswith("15.09.2026")), stride=1))
    done = outcomes(one_day, [("diagnose", {"channel": ["Авито"], "claim": "general"}), ("quarterly", QUARTERLY)])
    assert done["diagnose"]["summary"]["verdict"] == "insufficient_data"
    assert "summary" in done["quarterly"]


@settings(max_examples=6, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.sets(st.sampled_from([c for c in OPTIONAL if c not in ("created_at", "campaign")]), min_size=2, max_size=9))
def test_any_combination_of_absent_columns(tmp_path_factory, drop):
    folder = tmp_path_factory.mktemp("combination")
    data = load(*write_shape(folder, "combination", drop=tuple(sorted(drop)), stride=8))
    done = outcomes(data)
    assert all("summary" in outcome for outcome in done.values()), {k: v.get("refused") for k, v in done.items()}


# --------------------------------------------------------------------------- no dates

def test_options_that_need_dates_are_refused_on_an_export_without_them(tmp_path):
    data = load(*write_shape(tmp_path, "no-dates", drop=("created_at",)))
    for job, options in (("diagnose", DIAGNOSE), ("diagnose", dict(_without_dates(DIAGNOSE), as_of="2026-10-31")),
                         ("experiment", {"arms_by": "period", "control": "2026-07-01:2026-07-31",
                                         "variant": "2026-08-01:2026-08-31"})):
        refused = run_job(job, data, options)["refused"]
        assert "no lead creation dates" in refused and "created_at" in refused
    report = run_job("diagnose", data, _without_dates(DIAGNOSE))
    assert "summary" in report and report["summary"]["figures"]["still_open"] is None
    daily = run_job("experiment", data, EXPERIMENT)
    assert "no creation dates" in daily["html"] and daily["summary"]["figures"]["weeks_needed"] is None


# --------------------------------------------------------------------------- yes/no outcomes

def test_a_yes_no_export_shows_only_the_stages_it_tells_apart(tmp_path):
    data = load(*write_shape(tmp_path, "yes-no", transform=yes_no_outcome(), stride=2))
    assert data.funnel_stages == ("qualified",)
    general = run_job("diagnose", data, dict(DIAGNOSE, claim="general"))
    figures = general["summary"]["figures"]
    assert figures["scope"]["contact_rate"] is None and figures["scope"]["deal_rate"] is None
    assert figures["scope"]["qualified_rate"] is not None
    funnel = general["result"].funnel
    assert [row.stage for row in funnel] == ["qualification"]  # qualified / leads, not "contacted 100%"
    assert funnel[0].scope.nobs == figures["scope"]["mature_leads"]
    # a claim whose metric needs a stage the export cannot tell is refused, naming the one that works
    refused = run_job("diagnose", data, DIAGNOSE)["refused"]
    assert "cannot" in refused and "--claim general" in refused
    quarter = run_job("quarterly", data, QUARTERLY)["summary"]["figures"]["kpis"]
    assert quarter["contact_rate"] is None and quarter["qualified_rate"] is not None
    assert quarter["deals"] is None and quarter["immature"] == []  # no deal status: not "0 deals", not immature


def test_a_yes_no_export_gives_the_same_verdict_whatever_no_means(tmp_path):
    # 0 → disqualified (closed) and 0 → new (still open) differ only for young leads: on leads all
    # older than the windows, both give one verdict (the issue saw them flip)
    verdicts = set()
    for no in ("disqualified", "new"):
        data = load(*write_shape(tmp_path, f"yes-no-{no}", transform=yes_no_outcome(no=no), stride=2),
                    as_of="2027-06-30")
        verdicts.add(run_job("diagnose", data, dict(DIAGNOSE, claim="general"))["summary"]["verdict"])
    assert len(verdicts) == 1


def test_a_deal_only_yes_no_export_names_the_claims_it_supports(tmp_path):
    data = load(*write_shape(tmp_path, "won", transform=yes_no_outcome(yes="deal", keep=("first_contact_at",))))
    assert data.funnel_stages == ("contacted", "deal")
    refused = run_job("diagnose", data, dict(DIAGNOSE, claim="general"))["refused"]
    assert "qualified" in refused and "--claim no_contact" in refused
    assert "summary" in run_job("diagnose", data, dict(DIAGNOSE, claim="no_contact"))


# --------------------------------------------------------------------------- user-level A/B files

def _users(folder, n=3000, dates=False):
    rows = []
    for i in range(n):
        arm = "A" if i % 2 else "B"
        converted = (i * 7919) % 100 < (10 if arm == "A" else 14)
        row = {"user_id": f"u{i}", "group": arm, "converted": "1" if converted else "0"}
        if dates:
            row["signup"] = f"{1 + i % 28:02d}.10.2026"
        rows.append(row)
    path = folder / "users.csv"
    pd.DataFrame(rows).to_csv(path, index=False)
    mapping = folder / "users.yaml"
    mapping.write_text("columns:\n  lead_id: user_id\n  stage: converted\n" + ("  created_at: signup\n" if dates else "")
                       + 'values:\n  stage:\n    "1": qualified\n    "0": disqualified\n', encoding="utf-8")
    return path, mapping


def test_a_user_level_ab_file_is_analysed_as_units(tmp_path):
    leads, mapping = _users(tmp_path)
    data = load(leads, mapping, arm_column="group")
    outcome = run_job("experiment", data, {"arms_by": "column", "arm_column": "group", "control": "A",
                                           "variant": "B", "expected_split": "50:50"})
    ev, figures = outcome["result"], outcome["summary"]["figures"]
    assert ev.exposure == "rows" and ev.decision_metric == "qualified_per_row"
    assert figures["arms"]["control"]["mature_leads"] == 1500  # every user counts: no date, no "too recent"
    # binomial: the ratio of shares and its score interval (statsmodels, independently of the code path)
    from statsmodels.stats.proportion import confint_proportions_2indep
    low, high = confint_proportions_2indep(ev.variant.qualified, 1500, ev.control.qualified, 1500,
                                           method="score", compare="ratio")
    assert figures["ratio_ci"] == pytest.approx([low, high], rel=1e-9)
    assert figures["dispersion"] == 1.0 and figures["weeks_needed"] is None
    html = outcome["html"]
    assert "rouble" not in html.split("Appendix")[0]  # no per-rouble wording without spend
    assert "Planned traffic split 50:50" in html and "“A”" in html  # English quotes in English text


def test_a_user_level_file_with_dates_counts_final_outcomes_of_young_users(tmp_path):
    # every user's outcome is recorded (converted or not): young users count (the issue lost 64% of them)
    leads, mapping = _users(tmp_path, dates=True)
    data = load(leads, mapping, arm_column="group", as_of="2026-10-28")
    ev = run_job("experiment", data, {"arms_by": "column", "arm_column": "group", "control": "A",
                                      "variant": "B"})["result"]
    assert ev.control.mature_leads == ev.control.leads and ev.control.still_open == 0
    assert "underpowered" not in ev.warnings or ev.power_20 > 0


def test_arm_column_is_any_header_and_a_missing_one_lists_the_closest(tmp_path):
    leads, mapping = _users(tmp_path)
    with pytest.raises(ColumnError, match=r"closest headers: «group»"):
        load(leads, mapping, arm_column="grop")
    data = load(leads, mapping, arm_column="group")
    with pytest.raises(ScopeError, match=r"column «group»: variant «C» is not in the data\n  fix: names in the data include: «A», «B»"):
        from analysis.jobs import check_against_data
        from analysis.notebook import experiment_parameters
        check_against_data("experiment", experiment_parameters(leads="x", arms_by="column", arm_column="group",
                                                               control="A", variant="C"), data)


def test_experiment_exported_the_day_it_ended_is_one_message(tmp_path):
    # all leads younger than the qualification window and none closed yet: not "no spend", not "0% power"
    frame = pd.DataFrame({"ID": range(40), "Дата": ["30.10.2026 10:00"] * 40, "Источник": ["A"] * 40,
                          "Кампания": ["c1", "c2"] * 20, "Статус": ["В работе"] * 40})
    path = tmp_path / "young.csv"
    frame.to_csv(path, sep=";", index=False)
    mapping = tmp_path / "young.yaml"
    mapping.write_text('columns: {lead_id: ID, created_at: "Дата", channel: "Источник", campaign: "Кампания", '
                       'stage: "Статус"}\nvalues: {stage: {"В работе": contacted}}\n', encoding="utf-8")
    outcome = run_job("experiment", load(path, mapping, as_of="2026-10-31"),
                      {"arms_by": "campaign", "control": "c1", "variant": "c2"})
    ev = outcome["result"]
    assert ev.decision == "inconclusive" and ev.decision_reason == "immature"
    assert "underpowered" not in ev.warnings and ev.power_20 is None
    assert "Rerun on an export taken after 14.11.2026" in outcome["html"]


# --------------------------------------------------------------------------- holiday calendar

def test_holiday_calendar_follows_the_mappings_country(tmp_path):
    from analysis.mapping import parse_mapping
    from analysis.worktime import WorkingCalendar

    def country(**data):
        return parse_mapping({"columns": {"lead_id": "a", "stage": "b"}, **data}, name="m", source="m").settings
    assert country(timezone="America/Sao_Paulo").holiday_country == "BR"
    assert country().holiday_country == "RU"  # Europe/Moscow by default
    assert country(timezone="Asia/Almaty", settings={"holiday_country": "kz"}).holiday_country == "KZ"
    none = country(settings={"holiday_country": "none"})
    assert WorkingCalendar.from_settings(none, holidays_closed=True).holiday_days(
        pd.Timestamp("2026-01-01").date(), pd.Timestamp("2026-12-31").date()) == []
    brazil = WorkingCalendar.from_settings(country(timezone="America/Sao_Paulo"), holidays_closed=True)
    days = brazil.holiday_days(pd.Timestamp("2026-01-01").date(), pd.Timestamp("2026-12-31").date())
    assert pd.Timestamp("2026-09-07").date() in days and pd.Timestamp("2026-11-04").date() not in days
