"""Each cleaner alone: a column's cells in, the canonical column out (analysis.parsing, analysis.columns).

The loader's tests check these through whole files; here each function is read on a few cells,
with the answer written out by hand, on the two types a column arrives in (object text from a
small file, categorical from a large one) where the function promises the same on both.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from analysis import columns
from analysis.config import LOST_STAGE, UNKNOWN
from analysis.mapping import builtin_mappings
from analysis.parsing import WHOLESALE_FAILURE_SHARE, blank_placeholders, dates_of, numbers_of
from analysis.reasons import MISSING, OTHER

SAMPLE = builtin_mappings()["sample"]


def as_types(cells: list) -> list[pd.Series]:
    """The same cells as object text and as a categorical (how the reader keeps a repeating column)."""
    return [pd.Series(cells, dtype=object), pd.Series(cells, dtype="category")]


@pytest.mark.parametrize("make", [0, 1], ids=["object", "categorical"])
def test_labels_merge_mask_and_count_empty_cells(make):
    cells = as_types(["  Авито ", "авито", "", "Сайт  главный", "+7 916 123-45-67"])[make]
    labels, empty = columns.labels(cells, {"авито": "Авито"})
    assert empty == 1
    shown = list(labels.astype(object))
    assert shown[:4] == ["Авито", "Авито", UNKNOWN, "Сайт главный"]
    assert "916" not in shown[4] and "45-67" not in shown[4]  # a phone in a label never reaches a report


def test_stages_by_table_or_canonical_name_and_missing_when_unknown():
    cells = pd.Series(["Новый", "КВАЛИФИЦИРОВАН", "deal", "Заморожен"], dtype=object)
    stages = columns.stages(cells, SAMPLE.values["stage"])
    assert list(stages.iloc[:3]) == ["new", "qualified", "deal"]
    assert pd.isna(stages.iloc[3])


def test_lead_types_other_for_an_unknown_word_unknown_for_empty():
    cells = pd.Series(["Звонок", "Голубиная почта", ""], dtype=object)
    assert list(columns.lead_types(cells, SAMPLE.values["lead_type"]).astype(object)) == ["call", "other", UNKNOWN]


@pytest.mark.parametrize("make", [0, 1], ids=["object", "categorical"])
def test_reasons_of_lost_leads_only(make):
    stage = pd.Series([LOST_STAGE] * 3 + ["qualified", LOST_STAGE], dtype=object)
    cells = as_types(["Нет денег", "Инопланетяне", "", "Нет денег", "перезвонить на 8-916-123-45-67"])[make]
    found = columns.reasons(stage, cells, SAMPLE)
    code = list(found.code.astype(object))
    assert code[:3] == ["no_budget", OTHER, MISSING]
    assert pd.isna(code[3])  # not lost: no reason, whatever the cell says
    assert code[4] == OTHER
    assert found.owner.iloc[0] == "marketing"
    assert found.missing == 1
    assert int(found.unmapped.sum()) == 2
    assert not any("45-67" in str(value) for value in found.raw.dropna())


def test_reasons_without_a_reason_column_warn_of_nothing():
    stage = pd.Series([LOST_STAGE, "new"], dtype=object)
    found = columns.reasons(stage, None, SAMPLE)
    assert found.missing is None and found.unmapped.empty
    assert found.code.iloc[0] == MISSING


def test_funnel_flags_from_stage_reason_contact_and_an_explicit_column():
    stage = pd.Series(["new", "visit", LOST_STAGE, LOST_STAGE, "new"], dtype=object)
    reason = pd.Series([np.nan, np.nan, "invalid_contact", "no_budget", np.nan], dtype=object)
    contact = pd.Series([pd.NaT, pd.NaT, pd.NaT, pd.NaT, pd.Timestamp("2026-10-01 10:00")])
    explicit = {"qualified": pd.Series([True, pd.NA, pd.NA, pd.NA, pd.NA], dtype="boolean")}
    flags = columns.funnel_flags(stage, reason, SAMPLE, contact, explicit)
    assert list(flags["stage_rank"]) == [0, 3, 0, 1, 1]
    assert list(flags["contacted"]) == [False, True, False, True, True]
    assert list(flags["qualified"]) == [True, True, False, False, False]  # the column's "yes" overrides
    assert list(flags["visited"]) == [False, True, False, False, False]


def test_response_minutes_before_creation_are_missing_and_counted():
    minutes, negative = columns.response_minutes(pd.Series([5.0, -3.0, np.nan]))
    assert negative == 1 and minutes.iloc[0] == 5.0 and minutes.isna().iloc[1:].all()


@pytest.mark.parametrize("arrow", [False, True], ids=["object", "arrow"])
def test_dates_of_counts_placeholders_as_empty_and_keeps_the_failed_text(arrow):
    cells = ["22.03.2026 13:32", "не указан", "31.02.2026 10:00", "", " 01.04.2026 09:00 "]
    series = pd.Series(cells, dtype=pd.StringDtype("pyarrow") if arrow else object)
    parsed = dates_of(series, SAMPLE.placeholders)
    assert parsed.values.iloc[0] == pd.Timestamp("2026-03-22 13:32")
    assert parsed.values.iloc[4] == pd.Timestamp("2026-04-01 09:00")
    assert list(parsed.filled) == [True, False, True, False, True]
    assert list(parsed.failed) == [False, False, True, False, False]  # 31 February is no date
    assert list(parsed.failed_text) == ["31.02.2026 10:00"]
    assert parsed.wholesale()  # one of three filled cells failed: more than the share allowed


def test_numbers_of_reads_russian_amounts_and_wholesale_is_a_share():
    parsed = numbers_of(pd.Series(["1 500 000,50", "2 000 ₽", "пять", ""], dtype=object))
    assert parsed.values.iloc[0] == pytest.approx(1_500_000.5) and parsed.values.iloc[1] == 2000
    assert list(parsed.failed) == [False, False, True, False]
    filled = round(1 / WHOLESALE_FAILURE_SHARE)  # one failed cell in this many is the share allowed
    assert not numbers_of(pd.Series(["1"] * (filled - 1) + ["x"], dtype=object)).wholesale()
    assert numbers_of(pd.Series(["1"] * (filled - 2) + ["x"], dtype=object)).wholesale()


@pytest.mark.parametrize("arrow", [False, True], ids=["object", "arrow"])
def test_blank_placeholders_trims_and_blanks_on_both_text_types(arrow):
    cells = pd.Series([" N/A ", "Не указан", "Авито", " Сайт"], dtype=pd.StringDtype("pyarrow") if arrow else object)
    assert list(blank_placeholders(cells, SAMPLE.placeholders)) == ["", "", "Авито", "Сайт"]
