"""The weekly monitor (analysis/monitor.py, analysis/monitor_report.py): it finds the drift planted in
the sample and nothing where nothing was planted, validates its options, refuses an export without
dates, renders user-shaped exports without a crash or a "nan", hands every alarm on as a working
``leadaudit diagnose`` command, keeps personal data out of every output, and words its answer right.

The statistics it stands on (analysis.stats.weekly_shift, mix_shift, flag) are tested in
tests/test_control.py; here the job around them is.
"""

from __future__ import annotations

import dataclasses
import html
import json
import re
import shlex
from pathlib import Path

import pandas as pd
import pytest
import yaml

import analysis.notebook as la
from analysis import monitor_report
from analysis.cli import build_parser
from analysis.config import SAMPLE_LEADS, SAMPLE_SPEND
from analysis.errors import ParameterError, ScopeError
from analysis.i18n import reason_label, t
from analysis.jobs import check_against_data, diagnose_parameters, parse_period
from analysis.loading import load_dataset
from analysis.monitor import DIMENSIONS, METRICS, MIN_BASELINE_WEEKS, monitor, monitor_parameters
from analysis.monitor_report import metric_name
from analysis.registry import JOBS
from analysis.sample import PLANTED, write_sample
from analysis.summary import build_summary, dumps

from .shapes import keep_rows, load, sample_mapping, write_shape

DRIFT = PLANTED["drift"]
SITE = DRIFT["channel"]
CREATED = sample_mapping()["columns"]["created_at"]  # the sample's own date header
PHONE, EMAIL, MANAGER_PHONE = "8-916-123-45-67", "zina.klientova@mail.ru", "+7 900 111 22 33"
IMAGES = re.compile(r"data:image/png;base64,[A-Za-z0-9+/=]+")
NOT_A_NUMBER = re.compile(r".{0,80}\b(nan|NaN|None|inf|NaT)\b.{0,40}", re.S)


@pytest.fixture(scope="module")
def sample():
    return load_dataset(str(SAMPLE_LEADS), str(SAMPLE_SPEND), None)


@pytest.fixture(scope="module")
def scan(sample):
    """The monitor as ``leadaudit monitor`` runs it on the sample: the defaults, as of the export."""
    params = monitor_parameters()
    check_against_data("monitor", params, sample)
    return monitor(sample, params)


def render(report, data, params, lang):
    """Every section the notebook shows, as text without the embedded plots, and the JSON summary."""
    sections = (monitor_report.summary_section(report, data, lang), monitor_report.alerts_section(report, lang),
                monitor_report.quiet_section(report, lang), monitor_report.coverage_section(report, lang),
                monitor_report.glossary_section(report, lang), la.appendix_section(data, params, lang, "monitor"))
    text = IMAGES.sub("", "".join(section.html() for section in sections))
    shown = NOT_A_NUMBER.search(text)
    assert shown is None, f"a number the data cannot give is shown as {shown.group(1)}: …{shown.group(0)}…"
    summary = json.loads(dumps(build_summary("monitor", data, params, report.figures(),
                                             warnings=monitor_report.monitor_warnings(report, lang),
                                             alerts=len(report.alerts))))
    return text, summary


def answer(report, data, lang) -> str:
    """The first-screen answer of the summary, as the reader sees it."""
    block = monitor_report.summary_section(report, data, lang).html()
    return html.unescape(re.search(r'<div class="la-answer[^"]*">(.*?)</div>', block, re.S).group(1))


def row_of(report, dimension, unit, metric, window):
    scanned = report.scanned
    found = scanned.loc[(scanned["dimension"] == dimension) & (scanned["unit"] == unit)
                        & (scanned["metric"] == metric) & (scanned["window"] == window)]
    assert len(found) == 1, (dimension, unit, metric, window)
    return found.iloc[0]


def created_since(days: int):
    """Rows of the sample's own export created in the last ``days`` days before its last lead."""
    def predicate(frame: pd.DataFrame) -> pd.Series:
        created = pd.to_datetime(frame[CREATED], dayfirst=True, format="mixed", errors="coerce")
        return created >= created.max().normalize() - pd.Timedelta(days=days - 1)
    return keep_rows(predicate)


# --------------------------------------------------------------------------- 1, 2: what it finds

def test_the_planted_drift_is_the_top_alert_and_its_figures_are_the_weekly_counts(sample, scan):
    top = scan.alerts.iloc[0]
    assert (top["dimension"], top["unit"], top["metric"], top["direction"], int(top["window"])) == \
        ("channel", SITE, "qualified_rate", "worse", 3)
    expected = PLANTED["expected_findings"]["monitor as of the export"]
    assert (top["unit"], metric_name(top["metric"], scan, "en"), top["direction"]) == expected
    # the three weeks tested are the three weeks of the drift, ending with the export day
    start, end = scan.window_dates(3)
    assert start == pd.Timestamp(DRIFT["first_day"]) and end == sample.as_of.normalize()

    # by hand from the weekly counts: the window's last three weeks pooled, the history the nine before
    weekly = scan.weekly
    part = weekly.loc[(weekly["dimension"] == "channel") & (weekly["unit"] == SITE)
                      & (weekly["metric"] == "qualified_rate")].sort_values("week")
    assert part["week"].tolist() == list(range(12))
    now, before = part.iloc[-3:], part.iloc[:-3]
    assert (top["count"], top["n"]) == (now["count"].sum(), now["n"].sum())
    assert top["rate"] == pytest.approx(now["count"].sum() / now["n"].sum())
    assert top["baseline_rate"] == pytest.approx(before["count"].sum() / before["n"].sum())
    assert top["rest_rate"] == pytest.approx(now["rest_count"].sum() / now["rest_n"].sum())
    assert top["rest_baseline_rate"] == pytest.approx(before["rest_count"].sum() / before["rest_n"].sum())

    # and from the leads themselves: first leads of the window with a known qualification outcome
    leads = sample.leads
    known = (leads["created_at"] >= scan.edges[-4]) & (leads["created_at"] < scan.edges[-1]) \
        & ~leads["is_repeat"].astype(bool) & sample.mature("qualified")
    site = known & leads["channel"].eq(SITE)
    assert top["n"] == site.sum() and top["rate"] == pytest.approx(leads.loc[site, "qualified"].mean())
    assert top["rest_rate"] == pytest.approx(leads.loc[known & ~leads["channel"].eq(SITE), "qualified"].mean())

    # well below its own history, while the rest of the leads did not move
    assert top["rate"] < 0.5 * top["baseline_rate"]
    assert abs(top["rest_rate"] - top["rest_baseline_rate"]) < 0.05
    assert top["adjusted_p"] < scan.alpha and top["cost"] > 5
    # and nothing else was planted on a channel's qualified share
    alerts = scan.alerts
    worse = alerts.loc[(alerts["dimension"] == "channel") & (alerts["metric"] == "qualified_rate")
                       & (alerts["direction"] == "worse")]
    assert worse["unit"].tolist() == [SITE]


def test_nothing_is_flagged_on_the_site_when_no_drift_was_planted(tmp_path, monkeypatch):
    monkeypatch.setitem(PLANTED["drift"], "qualified_given_contacted", PLANTED["qualified_given_contacted"]["baseline"])
    write_sample(tmp_path)  # the generator takes 0.3 s: no need to skip
    shipped, regenerated = (pd.read_csv(path, sep=";", encoding="cp1251", dtype=str, keep_default_na=False)
                            for path in (SAMPLE_LEADS, tmp_path / "leads.csv"))
    # the control differs from the shipped sample only where the drift was: the site's leads from its first day
    changed = (shipped != regenerated).any(axis=1)
    assert changed.any() and shipped.shape == regenerated.shape
    created = pd.to_datetime(shipped.loc[changed, CREATED], dayfirst=True, format="mixed")
    assert (shipped.loc[changed, sample_mapping()["columns"]["channel"]] == SITE).all()
    assert (created >= pd.Timestamp(DRIFT["first_day"])).all()

    leads, spend = str(tmp_path / "leads.csv"), str(tmp_path / "spend.csv")
    data = load_dataset(leads, spend, None)  # the mapping recognised from the headers
    params = monitor_parameters(leads=leads, spend=spend)
    check_against_data("monitor", params, data)
    report = monitor(data, params)
    alerts = report.alerts
    assert alerts.loc[(alerts["unit"] == SITE) & (alerts["metric"] == "qualified_rate")].empty
    assert alerts.loc[(alerts["dimension"] == "channel") & (alerts["metric"] == "qualified_rate")].empty
    # judged, not merely skipped: the site had enough leads in the window to be tested
    for window in (1, 3):
        assert row_of(report, "channel", SITE, "qualified_rate", window)["p_value"] > 0.05


# --------------------------------------------------------------------------- 3, 4: options and scope

def test_the_defaults_are_twelve_weeks_and_three_recent():
    params = monitor_parameters()
    assert (params["weeks"], params["recent"], params["sla_minutes"], params["working_hours"]) == (12, 3, 15, None)
    assert params["leads"] == str(SAMPLE_LEADS)
    args = build_parser().parse_args(["monitor"])
    assert JOBS["monitor"].arguments(args) == {"weeks": 12, "recent": 3, "sla_minutes": 15, "working_hours": None}


@pytest.mark.parametrize("options, named", [
    ({"weeks": 2 + MIN_BASELINE_WEEKS - 1}, "weeks"),    # below the minimum
    ({"weeks": 12.5}, "weeks"),                          # not whole
    ({"weeks": "twelve"}, "weeks"),
    ({"weeks": 105}, "weeks"),                           # over two years
    ({"weeks": 8, "recent": 5}, "recent"),               # recent ≥ weeks − 3: no history left
    ({"weeks": 12, "recent": 9}, "recent"),
    ({"recent": 0}, "recent"),
    ({"recent": 1.5}, "recent"),
    ({"sla_minutes": 0}, "sla_minutes"),
    ({"working_hours": "9-21"}, "working-hours"),
])
def test_bad_options_are_refused_naming_the_option(options, named):
    with pytest.raises(ParameterError, match=named):
        monitor_parameters(**options)


@pytest.mark.parametrize("weeks, recent", [(2 + MIN_BASELINE_WEEKS, 2), (8, 4), (12, 8), ("10", "2"), (104, 3)])
def test_the_edges_of_the_options_are_accepted(weeks, recent):
    params = monitor_parameters(weeks=weeks, recent=recent)
    assert (params["weeks"], params["recent"]) == (int(weeks), int(recent))


def test_the_command_line_passes_weeks_and_recent_through():
    args = build_parser().parse_args(["monitor", "--weeks", "8", "--recent", "2", "--sla-minutes", "20"])
    options = JOBS["monitor"].arguments(args)
    assert options == {"weeks": 8, "recent": 2, "sla_minutes": 20.0, "working_hours": None}
    params = monitor_parameters(leads=args.leads, lang=args.lang, alpha=args.alpha, **options)
    assert (params["weeks"], params["recent"], params["sla_minutes"]) == (8, 2, 20.0)


def _yes_no_without_dates(folder: Path) -> tuple[Path, Path]:
    frame = pd.read_csv("examples/yes-no.csv", dtype=str, keep_default_na=False)
    mapping = yaml.safe_load(Path("examples/yes-no.yaml").read_text(encoding="utf-8"))
    frame = frame.drop(columns=[mapping["columns"].pop("created_at")])
    leads, mapping_file = folder / "yes-no-undated.csv", folder / "yes-no-undated.yaml"
    frame.to_csv(leads, index=False)
    mapping_file.write_text(yaml.safe_dump(mapping, allow_unicode=True), encoding="utf-8")
    return leads, mapping_file


@pytest.mark.parametrize("shape", ["sample cut", "yes-no example"])
def test_an_export_without_creation_dates_is_refused_naming_created_at(tmp_path, monkeypatch, shape):
    monkeypatch.chdir(Path(__file__).resolve().parent.parent)
    files = write_shape(tmp_path, "nodates", drop=("created_at",)) if shape == "sample cut" \
        else _yes_no_without_dates(tmp_path)
    data = load(*files)
    assert not data.has_dates
    params = monitor_parameters(leads=str(files[0]), mapping=str(files[1]))
    with pytest.raises(ScopeError, match="created_at") as caught:
        check_against_data("monitor", params, data)
    assert caught.value.column == "created_at"


# --------------------------------------------------------------------------- 5: user-shaped exports

@pytest.mark.parametrize("lang", ["ru", "en"])
@pytest.mark.parametrize("name, metrics", [("minimal", ("qualified_rate", "contact_rate")),
                                           ("yes-no", ("qualified_rate",))])
def test_user_shaped_exports_render_every_section_and_the_json(monkeypatch, name, metrics, lang):
    monkeypatch.chdir(Path(__file__).resolve().parent.parent)
    params = monitor_parameters(leads=f"examples/{name}.csv", mapping=f"examples/{name}.yaml", lang=lang)
    data = la.load_report_data(params)
    check_against_data("monitor", params, data)
    report = monitor(data, params)
    assert report.metrics == metrics and report.dimensions == ("channel",) and report.enough_history
    text, summary = render(report, data, params, lang)
    figures = summary["figures"]
    assert figures["weeks"] == 12 and figures["scanned"] == len(report.scanned) > 0
    assert figures["judged"] + figures["too_few"] == figures["scanned"]
    assert len(figures["alerts"]) == len(report.alerts) == summary["alerts"]
    # what the export cannot show is said, by name
    missing = [metric_name(m, report, lang) for m in METRICS if m not in metrics]
    assert html.escape(t("mo.coverage.missing", lang, metrics=", ".join(missing)), quote=False) in text


@pytest.mark.parametrize("lang", ["ru", "en"])
def test_a_cut_of_a_few_weeks_says_there_is_not_enough_history(tmp_path, lang):
    leads, mapping = write_shape(tmp_path, "short", transform=created_since(20))
    data = load(leads, mapping)
    params = monitor_parameters(leads=str(leads), mapping=str(mapping), lang=lang)
    check_against_data("monitor", params, data)
    report = monitor(data, params)
    assert report.weeks_with_leads == 3 and not report.enough_history
    assert report.judged.empty and report.alerts.empty
    text, summary = render(report, data, params, lang)
    said = t("mo.answer.history", lang, weeks=3, needed=3 + MIN_BASELINE_WEEKS)
    assert answer(report, data, lang) == said
    assert {"code": "short_history", "text": said} in summary["warnings"]
    assert summary["figures"]["weeks_with_leads"] == 3 and summary["figures"]["alerts"] == []


# --------------------------------------------------------------------------- 6, 7: the diagnose commands

def _parsed(command: str):
    argv = shlex.split(command)
    assert argv[:2] == ["leadaudit", "diagnose"]
    args = build_parser().parse_args(["diagnose", *argv[2:]])
    params = diagnose_parameters(leads=args.leads, spend=args.spend, mapping=args.mapping, sheet=args.sheet,
                                 as_of=args.as_of, query=args.query, **JOBS["diagnose"].arguments(args))
    return argv, params


def _check_command(report, row, data):
    argv, params = _parsed(report.command(row))
    assert params[row["dimension"]] == [row["unit"]]
    assert [name for name in DIMENSIONS if params[name]] == [row["dimension"]]
    assert params["claim"] == METRICS[row["metric"]][1]
    # the period is the window exactly: its weeks, ending with the export day
    last = data.as_of.normalize()
    first = last - pd.Timedelta(days=7 * int(row["window"]) - 1)
    assert parse_period(params["period"]) == (first, last + pd.Timedelta(days=1) - pd.Timedelta(seconds=1))
    check_against_data("diagnose", params, data)  # the unit is in the data and the scope has leads
    return argv


@pytest.mark.parametrize("recent", [3, 5, 1])
def test_each_alert_and_each_kind_of_row_gives_a_working_diagnose_command(sample, recent):
    report = monitor(sample, monitor_parameters(recent=recent))
    if recent in (3, 5):
        assert len(report.alerts)
    # every alarm, and one judged row of each dimension, metric and window (the claims of all metrics)
    judged = report.judged.drop_duplicates(["dimension", "metric", "window"])
    rows = pd.concat([report.alerts[judged.columns], judged], ignore_index=True)
    assert set(rows["metric"]) == set(METRICS) and set(rows["dimension"]) == set(DIMENSIONS)
    for _, row in rows.iterrows():
        argv = _check_command(report, row, sample)
        assert not {"--leads", "--mapping", "--spend"} & set(argv)  # the bundled sample needs no files named
    figures = report.figures()
    assert [alert["command"] for alert in figures["alerts"]] == [report.command(row) for _, row in
                                                                 report.alerts.iterrows()]


def test_with_user_files_the_command_names_them(tmp_path):
    folder = tmp_path / "мои выгрузки"  # a space and Cyrillic: the command quotes the paths
    folder.mkdir()
    leads, mapping = write_shape(folder, "crm export", stride=1)
    data = load(leads, mapping)
    report = monitor(data, monitor_parameters(leads=str(leads), mapping=str(mapping)))
    assert report.alerts.iloc[0]["unit"] == SITE  # the whole sample as the user's own file
    for _, row in report.alerts.iterrows():
        argv = _check_command(report, row, data)
        assert argv[argv.index("--leads") + 1] == str(leads) and argv[argv.index("--mapping") + 1] == str(mapping)
        assert "--spend" not in argv
    spend = folder / "расход.csv"
    with_spend = monitor(data, monitor_parameters(leads=str(leads), mapping=str(mapping), spend=str(spend)))
    argv = shlex.split(with_spend.command(with_spend.alerts.iloc[0]))
    assert argv[argv.index("--spend") + 1] == str(spend)


@pytest.mark.parametrize("options, flag, value", [
    ({"leads": "postgresql://crm@db.local/crm", "query": "leads_view"}, "--query", "leads_view"),
    ({"sla_minutes": 30}, "--sla-minutes", "30"),
    ({"working_hours": "10:00-19:00"}, "--working-hours", "10:00-19:00"),
])
def test_the_command_keeps_the_options_the_alarm_was_measured_with(sample, options, flag, value):
    report = monitor(sample, monitor_parameters(**options))
    speed = report.judged.loc[report.judged["metric"] == "speed"].iloc[0]  # the first-attempt target matters here
    argv = shlex.split(report.command(speed))
    assert flag in argv and argv[argv.index(flag) + 1] == value


# --------------------------------------------------------------------------- 8: personal data

def _personal(frame: pd.DataFrame, mapping: dict) -> tuple[pd.DataFrame, dict]:
    """The site's channel named with a client's phone, a third of Avito's with an e-mail, every 7th
    lead's manager a phone number."""
    frame = frame.copy()
    channel, manager = mapping["columns"]["channel"], mapping["columns"]["manager"]
    frame.loc[frame[channel] == SITE, channel] = f"{SITE} {PHONE}"
    avito = frame.index[frame[channel] == "Авито"]
    frame.loc[avito[::3], channel] = f"Авито {EMAIL}"
    frame.loc[frame.index[::7], manager] = MANAGER_PHONE
    return frame, mapping


def _leaks(text: str) -> list[str]:
    digits = re.sub(r"\D", "", text)
    return [found for found in ("9161234567", "zina.klientova", "9001112233") if found in digits or found in text]


@pytest.fixture(scope="module")
def personal(tmp_path_factory):
    leads, mapping = write_shape(tmp_path_factory.mktemp("personal"), "personal", transform=_personal, stride=1)
    return leads, mapping, load(leads, mapping)


@pytest.mark.parametrize("lang", ["ru", "en"])
def test_no_phone_or_email_reaches_any_monitor_output(personal, lang):
    leads, mapping, data = personal
    params = monitor_parameters(leads=str(leads), mapping=str(mapping), lang=lang)
    check_against_data("monitor", params, data)
    report = monitor(data, params)
    # the masked names are units like any other: the site is still the alarm, under its masked name
    top = report.alerts.iloc[0]
    assert (top["unit"], top["metric"]) == (f"{SITE} [phone]", "qualified_rate")
    assert {"[phone]", "Авито [e-mail]"} <= set(report.scanned["unit"])
    text, summary = render(report, data, params, lang)
    figures = json.dumps(report.figures(), default=str, ensure_ascii=False)
    commands = " ".join(report.command(row) for _, row in report.scanned.iterrows())
    for output in (text, json.dumps(summary, ensure_ascii=False), figures, commands,
                   report.weekly.to_csv(), report.scanned.to_csv()):
        assert not _leaks(output), _leaks(output)
    assert "[phone]" in text and "[phone]" in summary["figures"]["alerts"][0]["command"]


# --------------------------------------------------------------------------- 9: the words

def test_one_alert_is_said_in_the_singular(sample, scan):
    assert len(scan.alerts) == 1
    assert answer(scan, sample, "ru").startswith("Сдвиг сверх шума: канал «Сайт» — доля квалифицированных")
    assert answer(scan, sample, "en").startswith("One change beyond noise: channel “Сайт” — qualified share")
    assert answer(scan, sample, "ru").endswith(", последние 3 недели (11.10.2026 — 31.10.2026)")


def test_several_alerts_are_counted_and_weeks_agree(sample, scan):
    # a second alarm: the largest worse move of another unit, marked as beyond noise
    judged = scan.judged
    other = judged.loc[(judged["unit"] != SITE) & (judged["direction"] == "worse") & (judged["metric"] != "reasons")]
    index = other["excess"].astype(float).idxmin()
    two = dataclasses.replace(scan, scanned=scan.scanned.assign(alert=scan.scanned["alert"] | (scan.scanned.index == index)))
    assert len(two.alerts) == 2
    assert answer(two, sample, "ru").startswith("Сдвигов сверх шума: 2. Главный: канал «Сайт»")
    assert answer(two, sample, "en").startswith("Changes beyond noise: 2. The largest: channel “Сайт”")
    # five weeks pooled: «последние 5 недель», never «5 недели»
    five = monitor(sample, monitor_parameters(recent=5))
    text, _ = render(five, sample, monitor_parameters(recent=5), "ru")
    assert "последние 5 недель" in text and "5 недели" not in text


def test_a_loss_reason_alarm_names_the_reason_in_words(sample, scan):
    reasons = scan.judged.loc[(scan.judged["metric"] == "reasons") & scan.judged["reason"].notna()]
    worded = reasons.loc[[reason_label(code, "ru") != code for code in reasons["reason"]]]
    index = worded.index[0]
    report = dataclasses.replace(scan, scanned=scan.scanned.assign(alert=scan.scanned.index == index))
    code = scan.scanned.loc[index, "reason"]
    text = html.unescape(monitor_report.alerts_section(report, "ru").html())
    assert f"«{reason_label(code, 'ru')}»" in text and f"«{code}»" not in text


def test_a_scan_where_nothing_could_be_judged_does_not_say_all_is_quiet():
    as_of = "2026-12-05"  # five weeks after the sample's last lead: the window has no leads at all
    data = load_dataset(str(SAMPLE_LEADS), str(SAMPLE_SPEND), None, as_of=as_of)
    report = monitor(data, monitor_parameters(as_of=as_of, lang="en"))
    assert report.judged.empty
    assert answer(report, data, "en") != t("mo.answer.quiet", "en")


def test_a_single_week_of_history_is_said_in_the_singular(tmp_path):
    leads, mapping = write_shape(tmp_path, "one-week", transform=created_since(5))
    data = load(leads, mapping)
    report = monitor(data, monitor_parameters(leads=str(leads), mapping=str(mapping)))
    assert report.weeks_with_leads == 1 and not report.enough_history
    said = answer(report, data, "ru")
    assert said.startswith("Мало истории") and "1 неделях" not in said
