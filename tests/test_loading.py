"""From an export to canonical tables (the canonical tables): dialects, cleaning, lineage, errors."""

from __future__ import annotations

import re
from dataclasses import replace

import numpy as np
import pandas as pd
import pytest

from analysis.errors import ColumnError, InputFileError, MappingError, ParameterError, UnmappedValueError
from analysis.loading import load_dataset
from analysis.parsing import parse_dates, parse_numbers
from analysis.snapshot import read_snapshot, save_snapshot

from .conftest import SAMPLE_HEADERS, sample_row, write_csv
from .test_mapping import AMO_OLD, BITRIX_DEALS, BITRIX_LEADS


def amo_row(lead_id, stage, source="Авито", reason="", created="22.03.2026 13:32:57", phone="", budget="1 500 000"):
    values = {"ID": str(lead_id), "Бюджет ": budget, "Ответственный": "Петров Пётр", "Дата создания сделки": created,
              "Дата закрытия": "не закрыта", "Этап сделки": stage, "Мобильный телефон": phone,
              "Причина отказа": reason, "utm_source": "avito"}
    cells = [values.get(h, "") for h in AMO_OLD]
    cells[len(AMO_OLD) - 3] = source  # the deal's own «Источник» (the last of the two)
    cells[AMO_OLD.index("Источник")] = "контакт: из рекомендации"
    return cells


def test_amocrm_csv_export(tmp_path):
    rows = [amo_row(1, "Успешно реализовано", budget="2 100 000"), amo_row(2, "Закрыто и не реализовано", reason="Слишком дорого"),
            amo_row(3, "Неразобранное", source=""), amo_row(4, "Переговоры", reason="Пропала потребность")]
    path = write_csv(tmp_path / "amocrm_export_leads_2026-11-22.csv", AMO_OLD, rows, sep=",", encoding="utf-8-sig")
    data = load_dataset(path)
    leads = data.leads
    assert data.mapping.name == "amocrm"
    assert leads["channel"].tolist() == ["Авито", "Авито", "unknown", "Авито"]
    assert leads["stage"].tolist() == ["deal", "disqualified", "new", "qualified"]
    assert leads["deal_amount"].tolist()[0] == 2_100_000
    assert leads["created_at"].iloc[0] == pd.Timestamp("2026-03-22 13:32:57")
    # «Слишком дорого» → price_or_discount, which implies the lead had been qualified
    assert leads.loc[1, "disqualification_reason"] == "price_or_discount"
    assert bool(leads.loc[1, "qualified"]) and not bool(leads.loc[1, "won"])
    assert leads["won"].tolist() == [True, False, False, False]
    assert data.lineage.count("unknown_channel") == 1


def test_bitrix24_leads_csv_with_trailing_separator(tmp_path):
    rows = []
    for i, status in enumerate(["Не обработан", "В работе", "Качественный лид", "Некачественный лид"]):
        cells = dict.fromkeys(BITRIX_LEADS, "")
        cells.update({"ID": str(i + 1), "Название лида": f"Лид #{i}", "Дата создания": f"0{i + 1}.08.2026 14:30:00",
                      "Ответственный": "Сидорова Анна", "Статус": status, "Источник": "Веб-сайт",
                      "Мобильный телефон": "8 (912) 111-22-33", "UTM Campaign": "creta_price"})
        rows.append([cells[h] for h in BITRIX_LEADS])
    path = write_csv(tmp_path / "leads.csv", BITRIX_LEADS, rows, sep=";", encoding="utf-8-sig", quote_all=True,
                     trailing_sep=True)
    data = load_dataset(path)
    assert data.mapping.name == "bitrix24_leads"
    assert data.leads["stage"].tolist() == ["new", "contacted", "qualified", "disqualified"]
    assert data.leads["campaign"].unique().tolist() == ["creta_price"]
    # one phone in four leads: one person; the later ones within 30 days are repeats
    assert data.leads["is_repeat"].tolist() == [False, True, True, True]
    assert data.leads["repeat_first_channel"].iloc[1] == "Веб-сайт"


def test_bitrix24_deals_html_xls(tmp_path):
    stages = ["Новая", "Финальный счёт", "Сделка успешна", "Анализ причины провала"]
    body = ""
    for i, stage in enumerate(stages):
        cells = dict.fromkeys(BITRIX_DEALS, "")
        cells.update({"ID": str(10 + i), "Стадия сделки": stage, "Дата создания": f"1{i}.09.2026 09:15:00",
                      "Источник": "Звонок", "Сумма": "1850000.00", "Ответственный": "Сидорова Анна"})
        body += "<tr>" + "".join(f"<td>{cells[h]}</td>" for h in BITRIX_DEALS) + "</tr>"
    html = ('<meta http-equiv="Content-type" content="text/html;charset=windows-1251" /><table border="1"><tr>'
            + "".join(f"<th>{h}</th>" for h in BITRIX_DEALS) + "</tr>" + body + "</table>")
    path = tmp_path / "deals.xls"
    path.write_bytes(html.encode("cp1251"))
    data = load_dataset(path)
    assert data.mapping.name == "bitrix24_deals"
    assert data.leads["stage"].tolist() == ["qualified", "visit", "deal", "disqualified"]
    assert data.leads["deal_amount"].iloc[0] == 1_850_000
    assert data.lineage.inputs[0].file_format == "html"


def test_sample_dialect_lineage_counts(tmp_path, sample_rows):
    rows = list(sample_rows)
    rows.append(list(rows[0]))                                   # exact duplicate row → removed
    conflicting = list(rows[1]); conflicting[10] = "Продажа"
    rows.append(conflicting)                                     # duplicate ID, other status → first kept
    rows.append(sample_row(5000, created="31.02.2026 10:00"))   # impossible date → dropped
    rows.append(sample_row(5001, created=""))                   # no date → dropped
    rows.append(sample_row(5002, status="-"))                   # placeholder status → dropped
    rows.append(["", *sample_row(5003)[1:]])                     # no ID → dropped
    rows.append(sample_row(5004, channel="не указано", status="Отказ", reason="Клиент хамит"))
    path = write_csv(tmp_path / "leads.csv", SAMPLE_HEADERS, rows)
    data = load_dataset(path)
    lineage = data.lineage
    record = lineage.inputs[0]
    assert record.rows_read == 47
    assert lineage.count("duplicate_rows") == 1
    assert lineage.count("duplicate_ids") == 1
    assert lineage.count("bad_created_at") == 2
    assert lineage.count("no_status") == 1
    assert lineage.count("no_id") == 1
    assert record.rows_used == 47 - 6 == len(data.leads)
    assert lineage.count("unknown_channel") == 1
    assert lineage.issue("unmapped_reasons").values == {"Клиент хамит": 1}
    bad = lineage.issue("bad_created_at")
    assert bad.examples[0].endswith("«31.02.2026 10:00»")
    assert re.match(r"line \d+", bad.examples[0])
    assert data.leads.loc[data.leads["lead_id"] == "1001", "stage"].item() == "contacted"  # first row kept
    assert record.sha256 and record.encoding == "cp1251" and record.separator == ";"


def test_personal_data_never_reaches_the_canonical_table(sample_csv):
    data = load_dataset(sample_csv)
    assert not {"phone", "email", "name"} & set(data.leads.columns)
    text = data.leads.astype(str).to_csv()
    assert "+7 (900)" not in text and "9000000" not in text and "Клиентова" not in text


def test_snapshot_round_trip(tmp_path, sample_csv):
    data = load_dataset(sample_csv)
    folder = save_snapshot(data, tmp_path / "snap")
    again = read_snapshot(folder)
    pd.testing.assert_frame_equal(again.leads, data.leads, check_dtype=False)
    assert again.lineage == data.lineage and again.as_of == data.as_of
    assert again.mapping.to_dict() == data.mapping.to_dict()


def test_labels_have_one_type_on_every_path(tmp_path, sample_csv):
    """Labels are categorical — loaded directly, read back from the snapshot, a big export or a small
    one — with exactly the values present as categories, in text order; other text is str. So plain
    pandas (value_counts, groupby, ==) gives the same on every path."""
    import pyarrow as pa

    from analysis.config import SAMPLE_LEADS
    from analysis.dataset import LABEL_TYPE_COLUMNS

    for data in (load_dataset(SAMPLE_LEADS), load_dataset(sample_csv)):
        leads = data.leads
        labels = [c for c in leads if isinstance(leads[c].dtype, pd.CategoricalDtype)]
        assert labels == [c for c in leads if c in LABEL_TYPE_COLUMNS]
        assert {"channel", "stage"} <= set(labels)
        for column in labels:
            categories = list(leads[column].cat.categories)
            assert categories == sorted(categories) and set(categories) == set(leads[column].dropna().unique())
        assert not [c for c in leads if leads[c].dtype == object]
        folder = save_snapshot(data, tmp_path / f"snap{len(leads)}")
        with pa.memory_map(str(folder / "leads.arrow")) as source:
            schema = pa.ipc.open_file(source).schema
        assert all(pa.types.is_dictionary(schema.field(c).type) for c in labels)
        kernel = read_snapshot(folder).leads
        pd.testing.assert_frame_equal(kernel, leads)  # dtypes too
        assert kernel["channel"].value_counts().equals(leads["channel"].value_counts())


def test_snapshot_is_one_record_batch_with_the_same_table(tmp_path, sample_csv):
    """One batch (the kernel maps each column as one array, not pieces to glue), the text
    column held by pandas in pieces included; a column empty until its last rows stays text."""
    import pyarrow as pa

    data = load_dataset(sample_csv)
    leads = data.leads.copy()
    leads["purchase_horizon"] = None
    leads.loc[leads.index[-3:], "purchase_horizon"] = "1-3 months"
    half = len(leads) // 2
    pieces = pa.chunked_array([pa.array(leads["lead_id"].iloc[:half].tolist(), pa.large_string()),
                               pa.array(leads["lead_id"].iloc[half:].tolist(), pa.large_string())])
    leads["lead_id"] = pd.Series(pd.arrays.ArrowStringArray(pieces), index=leads.index)
    assert pa.array(leads["lead_id"].array).num_chunks == 2
    folder = save_snapshot(replace(data, leads=leads), tmp_path / "snap")
    with pa.memory_map(str(folder / "leads.arrow")) as source:
        assert pa.ipc.open_file(source).num_record_batches == 1
    again = read_snapshot(folder).leads
    assert again["purchase_horizon"].tail(3).tolist() == ["1-3 months"] * 3
    assert again["purchase_horizon"].head(len(leads) - 3).isna().all()
    assert again["lead_id"].tolist() == data.leads["lead_id"].tolist()
    pd.testing.assert_frame_equal(again.drop(columns="purchase_horizon"), data.leads.drop(columns="purchase_horizon"),
                                  check_dtype=False)


def test_unmapped_status_is_an_error_naming_the_value_and_the_line_to_add(tmp_path, sample_rows):
    rows = [*sample_rows, sample_row(9000, status="Перезвонить завтра")]
    path = write_csv(tmp_path / "leads.csv", SAMPLE_HEADERS, rows)
    with pytest.raises(UnmappedValueError) as error:
        load_dataset(path)
    message = str(error.value)
    assert "«Перезвонить завтра» (1 rows)" in message
    assert '"Перезвонить завтра": <one of new | contacted' in message
    assert "Статус" in message


def test_missing_required_column(tmp_path, sample_rows):
    headers = [h if h != "Статус" else "Статус сделки" for h in SAMPLE_HEADERS]
    mapping = tmp_path / "m.yaml"
    mapping.write_text('columns: {lead_id: ID, channel: "Источник", stage: "Статус"}\n', encoding="utf-8")
    path = write_csv(tmp_path / "leads.csv", headers, sample_rows)
    with pytest.raises(ColumnError, match="required column stage is missing") as error:
        load_dataset(path, mapping=mapping)
    assert "«Статус сделки»" in str(error.value)
    assert 'stage: "<header in your file>"' in error.value.hint


def test_date_column_failing_wholesale_is_an_error(tmp_path, sample_rows):
    rows = [list(r) for r in sample_rows]
    for row in rows[:5]:
        row[1] = "вчера"
    path = write_csv(tmp_path / "leads.csv", SAMPLE_HEADERS, rows)
    with pytest.raises(ColumnError, match=r"5 of 40 cells are not dates \(e.g. «вчера»\)"):
        load_dataset(path)


def test_as_of_drops_later_leads_and_sets_age(sample_csv):
    data = load_dataset(sample_csv, as_of="2026-09-15")
    assert data.as_of == pd.Timestamp("2026-09-15 23:59:59")
    assert data.leads["created_at"].max() <= data.as_of
    assert data.lineage.count("created_after_as_of") > 0
    assert (data.leads["age_days"] >= 0).all()
    # known outcomes: old enough, or already qualified, or lost
    leads = data.leads
    known = (leads["age_days"] >= 14) | leads["qualified"] | leads["stage"].eq("disqualified")
    assert data.mature("qualified").equals(known)
    assert (~data.mature("qualified") & (leads["age_days"] >= 14)).sum() == 0


def test_spend_table_through_the_same_mapping(tmp_path, sample_csv):
    spend = write_csv(tmp_path / "spend.csv", ["Дата", "Источник", "Кампания", "Расход", "Показы", "Клики"],
                      [["01.09.2026", "Авито", "Creta", "12345,67", "1000", "50"],
                       ["02.09.2026", "Авито", "Creta", "1 000,5", "900", "40"]])
    data = load_dataset(sample_csv, spend)
    assert data.spend["spend"].tolist() == [12345.67, 1000.5]
    assert data.spend["date"].tolist() == [pd.Timestamp("2026-09-01"), pd.Timestamp("2026-09-02")]
    assert [r.kind for r in data.lineage.inputs] == ["leads", "spend"]


def test_negative_spend_is_an_error(tmp_path, sample_csv):
    spend = write_csv(tmp_path / "spend.csv", ["Дата", "Источник", "Расход"], [["01.09.2026", "Авито", "-5,00"]])
    with pytest.raises(ColumnError, match="spend cannot be negative"):
        load_dataset(sample_csv, spend)


def test_file_with_no_usable_rows(tmp_path):
    path = write_csv(tmp_path / "leads.csv", SAMPLE_HEADERS, [sample_row(1, status="-"), sample_row(2, status="")])
    with pytest.raises(InputFileError, match="no usable leads"):
        load_dataset(path)


def test_explicit_target_flag_overrides_the_stage(tmp_path, sample_rows):
    headers = [*SAMPLE_HEADERS, "Целевой"]
    rows = [[*row, "да" if i % 2 else "нет"] for i, row in enumerate(sample_rows)]
    mapping = tmp_path / "m.yaml"
    mapping.write_text(
        "columns: {lead_id: ID, created_at: Дата создания, channel: Источник, stage: Статус, qualified: Целевой}\n"
        "values:\n  stage: {Новый: new, В работе: contacted, Квалифицирован: qualified, Визит в салон: visit,"
        " Продажа: deal, Отказ: disqualified}\n", encoding="utf-8")
    data = load_dataset(write_csv(tmp_path / "leads.csv", headers, rows), mapping=mapping)
    assert data.leads["qualified"].tolist() == [bool(i % 2) for i in range(len(rows))]


@pytest.mark.parametrize(("cell", "expected"), [
    ("22.03.2026 13:32:57", "2026-03-22 13:32:57"), ("22.03.2026 13:32", "2026-03-22 13:32"),
    ("22.03.2026", "2026-03-22"), ("2026-03-22 13:32:57", "2026-03-22 13:32:57"),
    ("2026-03-22T13:32:57+03:00", "2026-03-22 13:32:57"), ("2026-03-22T10:32:57Z", "2026-03-22 13:32:57"),
    ("03.04.2026 10:00", "2026-04-03 10:00"),  # day first: 3 April, never 4 March
])
def test_parse_dates(cell, expected):
    parsed = parse_dates(pd.Series([cell]), dayfirst=True, timezone="Europe/Moscow")
    assert parsed.iloc[0] == pd.Timestamp(expected)


@pytest.mark.parametrize(("cell", "expected"), [
    ("1 500 000,50", 1500000.5), ("1\u00a0500\u00a0000", 1500000.0), ("12345,67", 12345.67), ("2 345 000,00 ₽", 2345000.0),
    ("1,500,000.25", 1500000.25), ("1.500.000", 1500000.0), ("3.5", 3.5), ("руб. 100", 100.0),
])
def test_parse_numbers(cell, expected):
    assert parse_numbers(pd.Series([cell])).iloc[0] == pytest.approx(expected)


def test_mapping_error_from_a_broken_mapping_file(tmp_path, sample_csv):
    mapping = tmp_path / "m.yaml"
    mapping.write_text("columns:\n  lead_id: [ID\n", encoding="utf-8")
    with pytest.raises(MappingError, match="not valid YAML"):
        load_dataset(sample_csv, mapping=mapping)


def test_the_bundled_sample_loads_with_its_planted_glitches_counted():
    from analysis.config import SAMPLE_LEADS, SAMPLE_SPEND
    from analysis.sample import PLANTED

    data = load_dataset(SAMPLE_LEADS, SAMPLE_SPEND)
    glitches = PLANTED["glitches"]
    assert data.mapping.name == "sample"
    assert data.lineage.count("duplicate_rows") == glitches["exact_duplicate_extra_rows"]
    assert data.lineage.count("duplicate_ids") == glitches["conflicting_ids"]
    assert data.lineage.count("bad_created_at") == len(glitches["bad_created_at"])
    assert set(data.lineage.issue("unmapped_reasons").values) == {"Просто интересовался", "Клиент хамит"}
    assert data.spend["spend"].min() > 0 and set(data.spend["channel"]) == {"Яндекс Директ", "VK Реклама", "Авито", "Авто.ру"}
    # the loader's working-time measure agrees with the generator's clock (effect 4: VK is slow)
    median = data.leads.groupby("channel")["response_minutes"].median()
    assert median["VK Реклама"] > 100 > 10 > median["Авито"]


def test_xlsx_export_with_a_title_row_is_recognised_and_loaded(tmp_path, sample_rows):
    import openpyxl

    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.title = "Лиды"
    sheet.append(["Выгрузка из CRM за сентябрь 2026"])
    sheet.append(SAMPLE_HEADERS)
    for row in sample_rows:
        sheet.append([int(row[0]), *row[1:]])
    path = tmp_path / "export.xlsx"
    workbook.save(path)
    data = load_dataset(path, sheet="Лиды")
    assert data.mapping.name == "sample"
    assert len(data.leads) == len(sample_rows)
    assert data.lineage.inputs[0].sheet == "Лиды" and data.lineage.inputs[0].file_format == "xlsx"
    assert data.leads["lead_id"].iloc[0] == "1000"


def test_working_hours_override_applies_to_a_detected_mapping(tmp_path):
    rows = [sample_row(1, created="01.09.2026 12:00", response="01.09.2026 14:00")]
    rows += [sample_row(i, created="02.09.2026 10:00", response="02.09.2026 10:05") for i in range(2, 12)]
    path = write_csv(tmp_path / "leads.csv", SAMPLE_HEADERS, rows)
    default = load_dataset(path)
    shorter = load_dataset(path, working_hours="10:00-11:00")
    assert shorter.mapping.name == "sample" and shorter.mapping.settings.working_hours == "10:00-11:00"
    # 12:00 → 14:00: two working hours by default, none when the day ends at 11:00
    assert default.leads.loc[0, "response_minutes"] == 120
    assert shorter.leads.loc[0, "response_minutes"] == 0


ID_PARTS = {
    "text": [["7", "8", None, "", "7"], ["8", "9", "", None, "10", "7"], []],
    # every cell digits: encoded as the integers they spell
    "digits": [["7", "8", "12345678901234567", "7"], ["8", "9", "10", "7", "0", "0"], []],
    # digits in a narrow range, as CRM IDs run: the integers less the smallest are the codes
    "sequence": [["1005", "1001", "1003", "1001"], ["1002", "1005", "1004", "1003", "1009"], []],
    # "07" and "7" are two IDs, and so are numbers past int64: these stay text
    "leading_zero": [["7", "07", "7"], ["007", "07"]],
    "too_long": [["99999999999999999999", "7"], ["99999999999999999999"]],
}


@pytest.mark.parametrize("arrow", [True, False])
@pytest.mark.parametrize("kind", list(ID_PARTS))
def test_id_codes_find_the_repeats_pandas_finds(arrow, kind):
    """IDs are encoded once (as integers when every cell spells one, else Arrow's dictionary
    encoding across chunks) and their repeats found on the codes: the same rows as
    ``duplicated`` on the text, missing cells included."""
    import pyarrow as pa

    from analysis.repeats import value_codes
    from analysis.tuned import as_integers, later_repeats

    parts = ID_PARTS[kind]
    values = [v for part in parts for v in part]
    text = pd.StringDtype("pyarrow", na_value=np.nan)
    chunked = pa.chunked_array([pa.array(p, pa.string()) for p in parts], pa.string())
    cells = pd.Series(chunked, dtype=text) if arrow else pd.Series(values, dtype=object)
    assert (as_integers(chunked) is not None) == (kind in ("digits", "sequence"))
    codes = value_codes(cells)
    assert codes.min(initial=0) >= 0 and codes.max(initial=0) <= 2 * len(codes)
    if kind == "sequence" and arrow:  # the integers less the smallest, no hash table
        assert codes.tolist() == [int(value) - 1001 for value in values]
    assert later_repeats(codes).tolist() == cells.duplicated(keep="first").tolist()
    assert (np.bincount(codes)[codes] > 1).tolist() == cells.duplicated(keep=False).tolist()
    assert len(value_codes(cells.iloc[:0])) == 0 and len(later_repeats(np.zeros(0, np.int64))) == 0


def test_digit_runs_reads_the_buffers_of_slices_too():
    import pyarrow as pa

    from analysis.tuned import digit_runs

    array = pa.array(["x1", "12", "034", "5", "", "6"], pa.large_string())
    assert digit_runs(array.slice(1, 3)) and not digit_runs(array.slice(0, 2))
    assert not digit_runs(array.slice(3, 2)) and digit_runs(array.slice(5))  # an empty cell is no digit run
    assert not digit_runs(pa.array(["1", None])) and not digit_runs(pa.array(["1 "])) and not digit_runs(pa.array(["١"]))
    assert digit_runs(pa.array([], pa.string()))


def test_an_all_digit_placeholder_still_blanks_digit_ids(tmp_path, sample_rows, monkeypatch):
    """Digit-only ID columns skip the placeholder pass, unless a placeholder is digits itself."""
    import analysis.readers as readers
    from analysis.mapping import builtin_mappings

    rows = [list(row) for row in sample_rows]
    rows[1][0] = "0"
    path = write_csv(tmp_path / "leads.csv", SAMPLE_HEADERS, rows)
    monkeypatch.setattr(readers, "STREAM_BYTES", 1000)  # the Arrow path, where the shortcut is
    plain = load_dataset(path)
    assert "0" in set(plain.leads["lead_id"])
    mapping = replace(builtin_mappings()["sample"], placeholders=frozenset({"", "-", "0"}))
    blanked = load_dataset(path, mapping=mapping)
    assert "0" not in set(blanked.leads["lead_id"]) and blanked.lineage.count("no_id") == 1


@pytest.mark.parametrize("streamed", [True, False])
def test_a_placeholder_that_looks_like_a_phone_links_no_one(tmp_path, sample_rows, monkeypatch, streamed):
    """Phones and e-mails skip the placeholder pass when no placeholder could pass for one;
    a placeholder that could ("0000000000", "no@mail") is still blanked before linking."""
    import analysis.readers as readers
    from analysis.mapping import builtin_mappings

    phone, email = SAMPLE_HEADERS.index("Телефон"), SAMPLE_HEADERS.index("Email")
    rows = [list(row) for row in sample_rows]
    rows[3][phone], rows[7][phone] = "0000000000", "0000000000"
    rows[3][email], rows[7][email] = "", ""
    rows[11][phone], rows[15][phone] = "", ""
    rows[11][email], rows[15][email] = "no@mail", "NO@MAIL"
    path = write_csv(tmp_path / "leads.csv", SAMPLE_HEADERS, rows)
    if streamed:
        monkeypatch.setattr(readers, "STREAM_BYTES", 1000)
    default = builtin_mappings()["sample"]

    def same_person(data, first, second):
        person = data.leads.set_index("lead_id")["person_id"]
        return person[rows[first][0]] == person[rows[second][0]]

    plain = load_dataset(path, mapping=default)
    assert same_person(plain, 3, 7) and same_person(plain, 11, 15)
    voided = load_dataset(path, mapping=replace(default, placeholders=default.placeholders | {"0000000000", "no@mail"}))
    assert not same_person(voided, 3, 7) and not same_person(voided, 11, 15)


def test_one_header_mapped_to_two_columns_is_read_for_both(tmp_path, sample_rows):
    """Cleaning deletes each raw column after its last reader (memory at 10M leads): a header
    that two canonical columns share must still be there for the second one."""
    rows = [[*row[:8], "01.10.2026 10:05", *row[9:]] for row in sample_rows]
    mapping = tmp_path / "m.yaml"
    mapping.write_text(
        "columns: {lead_id: ID, created_at: Дата создания, channel: Источник, stage: Статус,"
        " first_response_at: Первый контакт, first_contact_at: Первый контакт}\n"
        "values:\n  stage: {Новый: new, В работе: contacted, Квалифицирован: qualified, Визит в салон: visit,"
        " Продажа: deal, Отказ: disqualified}\n", encoding="utf-8")
    data = load_dataset(write_csv(tmp_path / "leads.csv", SAMPLE_HEADERS, rows), mapping=mapping)
    assert data.leads["first_response_at"].notna().all()
    pd.testing.assert_series_equal(data.leads["first_response_at"], data.leads["first_contact_at"], check_names=False)


@pytest.mark.parametrize("streamed", [True, False])
def test_placeholders_in_date_columns_are_empty_cells_on_either_path(tmp_path, sample_rows, monkeypatch, streamed):
    """Arrow date text skips the placeholders' pass when no placeholder has a digit: only cells
    that fail to parse are looked up. A placeholder with a digit ("00", in no cell here)
    forces the pass first; both must give the same leads, notes and examples."""
    import analysis.readers as readers
    from analysis.mapping import builtin_mappings

    created, response, contact = (SAMPLE_HEADERS.index(h) for h in ("Дата создания", "Первая попытка связи", "Первый контакт"))
    rows = [list(row) for row in sample_rows]
    rows[2][created] = " - "  # a placeholder: dropped as an empty creation time
    rows[4][created] = "вчера"  # not a date: dropped, shown in the example
    rows[6][created] = f"  {rows[6][created]} "  # padded: still a date
    rows[3][response], rows[5][response], rows[7][response] = "Не указано", " NULL", "now"
    rows[8][contact], rows[9][contact] = "н/д", f"\u00a0{rows[9][response]}"
    path = write_csv(tmp_path / "leads.csv", SAMPLE_HEADERS, rows)
    if streamed:
        monkeypatch.setattr(readers, "STREAM_BYTES", 1000)
    default = builtin_mappings()["sample"]
    default = replace(default, placeholders=default.placeholders | {"н/д"})
    after = load_dataset(path, mapping=default)
    before = load_dataset(path, mapping=replace(default, placeholders=default.placeholders | {"00"}))
    pd.testing.assert_frame_equal(after.leads.drop(columns="person_id"), before.leads.drop(columns="person_id"))
    assert after.lineage.to_dict()["issues"] == before.lineage.to_dict()["issues"]
    issues = {(issue["code"], issue.get("column")): issue for issue in after.lineage.to_dict()["issues"]}
    bad = issues[("bad_created_at", "Дата создания")]
    assert bad["count"] == 2 and "empty" in bad["examples"][0] and "«вчера»" in bad["examples"][1]
    unparsed = issues[("unparsed_values", "Первая попытка связи")]
    assert unparsed["count"] == 1 and "«now»" in unparsed["examples"][0]  # "now" is no date, not the run's time
    assert ("unparsed_values", "Первый контакт") not in issues
    leads = after.leads.set_index("lead_id")
    assert pd.notna(leads.loc[rows[6][0], "created_at"]) and pd.notna(leads.loc[rows[9][0], "first_contact_at"])
    assert pd.isna(leads.loc[rows[8][0], "first_contact_at"]) and pd.isna(leads.loc[rows[7][0], "first_response_at"])


def test_aligned_takes_the_rows_loc_takes():
    """``aligned`` finds a subset's rows by position (a subtraction from a range, a binary search
    in a narrowed index) instead of looking up labels: the same values as ``loc``."""
    from analysis.tuned import aligned

    rng = np.random.default_rng(7)
    text = pd.Series(pd.array([f"v{i}" for i in range(50)], dtype=pd.StringDtype("pyarrow", na_value=np.nan)),
                     index=pd.RangeIndex(10, 60))
    narrowed = text[rng.random(50) < 0.6]  # an index of labels, not a range
    for series in (text, narrowed, text.astype("category"), narrowed.astype(object)):
        for share in (0.0, 0.3, 1.0):
            index = series.index[rng.random(len(series)) < share]
            pd.testing.assert_series_equal(aligned(series, index), series.loc[index])
    with pytest.raises(KeyError):
        aligned(narrowed, pd.Index([10, 11, 12, 13, 14, 15, 16, 17]).difference(narrowed.index).union(narrowed.index[:1]))


def test_missing_typed_creation_times_show_as_empty_examples(tmp_path, sample_rows):
    """A Parquet export's typed creation times: a missing one drops the lead, and its example
    says the cell was empty (the examples come from the failed cells' text, which typed
    dates do not have)."""
    frame = pd.DataFrame(sample_rows, columns=SAMPLE_HEADERS)
    frame["Дата создания"] = pd.to_datetime(frame["Дата создания"], format="%d.%m.%Y %H:%M")
    frame.loc[[4, 8], "Дата создания"] = pd.NaT
    frame.to_parquet(tmp_path / "leads.parquet")
    data = load_dataset(tmp_path / "leads.parquet")
    issue = next(i for i in data.lineage.to_dict()["issues"] if i["code"] == "bad_created_at")
    assert issue["count"] == 2 and all(example.endswith(": empty") for example in issue["examples"])
    assert len(data.leads) == len(sample_rows) - 2


def test_restricted_keeps_the_chosen_leads_and_shares_the_rest(sample_csv):
    dataset = load_dataset(sample_csv)
    rows = dataset.leads["channel"].eq(dataset.leads["channel"].iloc[0])
    part = dataset.restricted(rows)
    pd.testing.assert_frame_equal(part.leads, dataset.leads.loc[rows])
    assert part.mapping is dataset.mapping and part.as_of == dataset.as_of and part.spend is dataset.spend
    # a mask on fewer rows, in another order: aligned on the labels, missing ones left out
    shuffled = rows.iloc[::-2]
    pd.testing.assert_frame_equal(dataset.restricted(shuffled).leads, dataset.leads.loc[shuffled[shuffled].index.sort_values()])


def _issue_rows(sample_rows):
    rows = [list(r) for r in sample_rows]
    for row in rows[10:]:
        row[7] = row[8] = row[1]
        row[12] = "1 000 000"
    rows[3][7] = "позавчера"                                    # an unparsed first response
    rows[4][8] = "31.02.2026 10:00"                             # an unparsed first contact
    rows[5][12] = "много"                                       # an unparsed deal amount
    rows[6][9] = "пять"                                         # an unparsed call count
    rows[7][10], rows[7][11] = "Отказ", "Клиент хамит"          # an unmapped reason
    rows[8][10], rows[8][11] = "Отказ", ""                      # a missing reason
    rows[9][1], rows[9][7] = "02.09.2026 12:00", "02.09.2026 11:00"  # answered before it came
    return rows


def test_issues_keep_the_columns_order_whatever_is_cleaned_first(tmp_path, sample_rows):
    """Numbers and reasons are cleaned while a thread parses the later dates; their notes
    still come after the dates' (the appendix lists issues in the columns' order)."""
    path = write_csv(tmp_path / "leads.csv", SAMPLE_HEADERS, _issue_rows(sample_rows))
    issues = [(issue.code, issue.column) for issue in load_dataset(path).lineage.issues]
    # the order d608c64 gave, when each column waited for the one before
    assert issues == [("unknown_campaign", "Кампания"), ("unparsed_values", "Первая попытка связи"),
                      ("unparsed_values", "Первый контакт"), ("unparsed_values", "Попыток дозвона"),
                      ("unparsed_values", "Сумма сделки"), ("unmapped_reasons", "Причина отказа"),
                      ("missing_reasons", "Причина отказа"), ("response_before_created", "Первая попытка связи")]


def test_a_date_column_failing_is_named_before_a_number_column_failing(tmp_path, sample_rows):
    rows = _issue_rows(sample_rows)
    for row in rows:
        row[12] = "много"
    path = write_csv(tmp_path / "leads.csv", SAMPLE_HEADERS, rows)
    with pytest.raises(ColumnError, match="«Сумма сделки»"):
        load_dataset(path)
    for row in rows:
        row[8] = "вчера"
    path = write_csv(tmp_path / "leads.csv", SAMPLE_HEADERS, rows)
    with pytest.raises(ColumnError, match="«Первый контакт»"):
        load_dataset(path)


def test_a_holiday_calendar_that_cannot_be_made_is_named_before_the_columns_are_read(tmp_path, sample_rows):
    """The settings are checked before the cleaning starts: a holiday country the calendar does not
    know is named whether or not a column fails too, and a failing column is named once it is fixed."""
    import yaml

    from analysis.config import MAPPINGS_DIR

    settings = yaml.safe_load((MAPPINGS_DIR / "sample.yaml").read_text(encoding="utf-8"))
    settings.setdefault("settings", {}).update({"holidays_closed": True, "holiday_country": "XX"})
    mapping = tmp_path / "mapping.yaml"
    mapping.write_text(yaml.safe_dump(settings, allow_unicode=True), encoding="utf-8")
    rows = _issue_rows(sample_rows)
    path = write_csv(tmp_path / "leads.csv", SAMPLE_HEADERS, rows)
    with pytest.raises(ParameterError, match="«XX»"):
        load_dataset(path, mapping=mapping)
    for row in rows:
        row[9] = "пять"
    path = write_csv(tmp_path / "leads.csv", SAMPLE_HEADERS, rows)
    with pytest.raises(ParameterError, match="«XX»"):
        load_dataset(path, mapping=mapping)
    settings["settings"]["holiday_country"] = "RU"
    mapping.write_text(yaml.safe_dump(settings, allow_unicode=True), encoding="utf-8")
    with pytest.raises(ColumnError, match="«Попыток дозвона»"):
        load_dataset(path, mapping=mapping)
