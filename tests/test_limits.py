"""Limits on hostile input (issue 25): each an exit-2 error naming the limit and what to do,
never a traceback, a hang or a memory blow-up."""

from __future__ import annotations

import os
import threading

import pytest

from analysis.errors import ColumnError, InputFileError, LeadAuditError, MappingError, ParameterError
from analysis.loading import load_dataset, parse_as_of
from analysis.mapping import load_mapping

from .conftest import SAMPLE_HEADERS, sample_row, write_csv


def test_devices_and_pipes_are_refused_without_reading(tmp_path):
    with pytest.raises(InputFileError, match="not a regular file"):
        load_dataset("/dev/zero")
    pipe = tmp_path / "pipe.csv"
    os.mkfifo(pipe)
    done = []
    reader = threading.Thread(target=lambda: done.append(pytest.raises(InputFileError, load_dataset, str(pipe))))
    reader.start()
    reader.join(timeout=10)
    assert not reader.is_alive() and done, "a named pipe must not make the run wait for a writer"


def test_an_input_over_the_size_limit_is_refused(sample_csv, monkeypatch):
    monkeypatch.setenv("LEADAUDIT_MAX_INPUT_GB", "0.000001")
    with pytest.raises(InputFileError, match="LEADAUDIT_MAX_INPUT_GB"):
        load_dataset(sample_csv)


def test_yaml_aliases_are_refused(tmp_path):
    # the 646-byte alias chain of the issue expanded to 4.3 GB
    levels = ["a: &a [x, x, x, x, x, x, x, x, x]"] + [
        f"{chr(98 + i)}: &{chr(98 + i)} [*{chr(97 + i)}, *{chr(97 + i)}, *{chr(97 + i)}, *{chr(97 + i)}, "
        f"*{chr(97 + i)}, *{chr(97 + i)}, *{chr(97 + i)}, *{chr(97 + i)}, *{chr(97 + i)}]" for i in range(8)]
    bomb = tmp_path / "bomb.yaml"
    bomb.write_text("columns: {lead_id: ID, channel: Источник, stage: Статус}\n" + "\n".join(levels) + "\n")
    with pytest.raises(MappingError, match="aliases"):
        load_mapping(bomb)


@pytest.mark.parametrize("value", ["9999-12-31", "1900-01-01"])
def test_as_of_outside_the_plausible_years_is_refused(value):
    with pytest.raises(ParameterError, match="outside 1970–2100"):
        parse_as_of(value)


def test_dates_outside_1970_2100_are_unreadable_cells(tmp_path, sample_rows):
    rows = [list(row) for row in sample_rows]
    rows[0][1], rows[1][1] = "01.01.1900 10:00", "01.01.2200 10:00"  # once an int64 overflow later on
    data = load_dataset(write_csv(tmp_path / "leads.csv", SAMPLE_HEADERS, rows))
    issue = data.lineage.issue("bad_created_at")
    assert issue is not None and issue.count == 2 and len(data.leads) == len(rows) - 2
    assert any("1900" in example for example in issue.examples)


@pytest.mark.parametrize("amount", ["inf", "NaN", "1e999"])
def test_non_finite_spend_is_refused_naming_the_cell(sample_csv, tmp_path, amount):
    spend = write_csv(tmp_path / "spend.csv", ["Дата", "Источник", "Кампания", "Расход"],
                      [["01.09.2026", "Авито", "c", "100,00"], ["02.09.2026", "Авито", "c", amount]])
    try:
        data = load_dataset(sample_csv, spend)
    except ColumnError as error:
        assert "finite" in str(error) and "line 3" in str(error)
        return
    # "NaN" is a placeholder-like empty amount: the row is dropped and counted, never summed as NaN
    assert data.spend["spend"].notna().all() and [i.count for i in data.lineage.issues if i.code == "no_spend"] == [1]
