"""Limits on hostile input: each an exit-2 error naming the limit and what to do,
never a traceback, a hang or a memory blow-up."""

from __future__ import annotations

import os
import threading

import pytest

from analysis.errors import ColumnError, InputFileError, MappingError, ParameterError
from analysis.loading import load_dataset, parse_as_of
from analysis.mapping import load_mapping

from .conftest import SAMPLE_HEADERS, write_csv


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


def _xlsx(path, sheet_xml: str, shared: str | None = None):
    import zipfile

    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", '<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/'
                         'package/2006/content-types"/>')
        archive.writestr("xl/workbook.xml", "<workbook/>")
        archive.writestr("xl/worksheets/sheet1.xml", sheet_xml)
        if shared is not None:
            archive.writestr("xl/sharedStrings.xml", shared)
    return path


def test_xlsx_bombs_are_refused_before_reading(tmp_path):
    # a 31 KB workbook declaring A1:XFD1048576 took 7.6 GB; 30M shared strings in 1.2 MB kept growing
    wide = _xlsx(tmp_path / "wide.xlsx", '<?xml version="1.0"?><worksheet><dimension ref="A1:XFD1048576"/>'
                 "<sheetData/></worksheet>")
    with pytest.raises(InputFileError, match="1,048,576 rows × 16,384 columns"):
        load_dataset(wide)
    strings = _xlsx(tmp_path / "strings.xlsx", '<?xml version="1.0"?><worksheet><dimension ref="A1:C3"/>'
                    "<sheetData/></worksheet>", '<?xml version="1.0"?><sst count="30000000" uniqueCount="30000000">'
                    + "<si><t/></si>" * 100 + "</sst>")
    with pytest.raises(InputFileError, match="30,000,000 distinct texts"):
        load_dataset(strings)


def test_a_header_of_a_million_columns_is_refused(tmp_path):
    path = tmp_path / "wide.csv"
    path.write_text(",".join(f"c{i}" for i in range(1_000_000)) + "\n1,2,3\n")
    with pytest.raises(InputFileError, match="over 5000 columns"):
        load_dataset(path)


def test_a_long_cell_in_the_first_lines_is_read(tmp_path, sample_rows):
    # the csv module's 128 KiB field limit raised (a traceback) on a pasted e-mail thread
    rows = [list(row) for row in sample_rows]
    rows[0][11] = "Переписка: " + "текст " * 40_000  # a 240 KB reason text
    data = load_dataset(write_csv(tmp_path / "long.csv", SAMPLE_HEADERS, rows, encoding="utf-8"))
    assert len(data.leads) == len(rows)


def test_labels_lose_control_characters_and_long_ones_are_shown_truncated(tmp_path, sample_rows):
    # a NUL made a channel 'А\x00vito'; an RTL override reached the page title; one 50 MB cell made a 53 MB report
    rows = [list(row) for row in sample_rows]
    rows[1][2] = "\u202eАвито"
    rows[2][3] = "кампания " * 100_000
    data = load_dataset(write_csv(tmp_path / "labels.csv", SAMPLE_HEADERS, rows, encoding="utf-8"))
    channels = set(data.leads["channel"].astype(str))
    assert "Авито" in channels and not any("\u202e" in c for c in channels)
    from analysis.masking import shown_text
    assert shown_text("А\x00вито") == "Авито"  # a NUL from a Parquet or XLSX cell (a CSV with one is refused)
    longest = max(len(c) for c in data.leads["campaign"].astype(str))
    assert longest == 200 and data.leads["campaign"].astype(str).str.endswith("…").any()
    from analysis.jobs import diagnose_parameters
    assert len(diagnose_parameters(channel=["Авито"], complaint="ж" * 10_000)["complaint"]) == 2000


def test_parquet_timestamps_in_year_1_or_9999_are_unreadable_cells(tmp_path):
    # a traceback before; now each is an unreadable creation date, counted (exit 2 only when
    # more than 5% of the column fails)
    import datetime as dt

    import pyarrow as pa
    import pyarrow.parquet as pq

    created = [dt.datetime(2026, 9, 1 + i % 28, 10) for i in range(60)]
    created[0], created[1] = dt.datetime(1, 1, 1), dt.datetime(9999, 12, 31, 23, 59)
    table = pa.table({"ID": [str(1000 + i) for i in range(60)], "Дата создания": pa.array(created, pa.timestamp("us")),
                      "Источник": ["Авито"] * 60, "Статус": ["В работе"] * 60})
    path = tmp_path / "leads.parquet"
    pq.write_table(table, path)
    mapping = tmp_path / "m.yaml"
    mapping.write_text('columns: {lead_id: ID, created_at: "Дата создания", channel: "Источник", stage: "Статус"}\n'
                       'values: {stage: {"В работе": contacted}}\n', encoding="utf-8")
    data = load_dataset(path, mapping=mapping)
    assert len(data.leads) == 58 and data.lineage.issue("bad_created_at").count == 2
