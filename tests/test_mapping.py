"""Mapping files: the format, its errors, and the built-in mappings chosen from headers."""

from __future__ import annotations

import re

import pytest

from analysis.errors import InputFileError, MappingError
from analysis.mapping import builtin_mappings, detect_mapping, load_mapping, parse_mapping, resolve_header

# amoCRM's older header generation (2022–23), with the trailing space in «Бюджет »
AMO_OLD = ["ID", "Название сделки", "Бюджет ", "Ответственный", "Дата создания сделки", "Кем создана сделка",
           "Дата редактирования", "Кем редактирована", "Дата закрытия", "Теги", "Примечание", "Этап сделки",
           "Воронка", "Полное имя контакта", "Компания контакта", "Ответственный за контакт", "Компания",
           "Рабочий телефон", "Рабочий прямой телефон", "Мобильный телефон", "Рабочий email", "Личный email",
           "Источник", "Товар", "Причина отказа", "Источник", "utm_source", "utm_campaign"]
# the newer generation: «Основной контакт», «Дата создания», contact fields with a suffix
AMO_NEW = ["ID", "Название сделки", "Бюджет ₽", "Ответственный", "Дата создания", "Этап сделки", "Воронка",
           "Основной контакт", "Теги сделки", "Мобильный телефон (контакт)", "Рабочий email (контакт)",
           "Источник", "utm_source", "utm_campaign"]
BITRIX_LEADS = ["ID", "Название лида", "Имя", "Фамилия", "Полное имя", "Дата создания", "Дата изменения",
                "Ответственный", "Статус", "Дополнительно о статусе", "Источник", "Сумма", "Валюта",
                "Мобильный телефон", "Рабочий e-mail", "UTM Source", "UTM Campaign"]
BITRIX_DEALS = ["ID", "Название сделки", "Стадия сделки", "Воронка", "Сумма", "Валюта", "Контакт", "Ответственный",
                "Дата создания", "Источник", "Контакт: Рабочий телефон"]


def test_builtin_mappings_load():
    names = set(builtin_mappings())
    assert {"amocrm", "bitrix24_leads", "bitrix24_deals", "sample", "hubspot_contacts", "salesforce_leads"} <= names


@pytest.mark.parametrize(("headers", "expected"), [
    (AMO_OLD, "amocrm"), (AMO_NEW, "amocrm"), (BITRIX_LEADS, "bitrix24_leads"), (BITRIX_DEALS, "bitrix24_deals"),
])
def test_detect_builtin_mapping_from_headers(headers, expected):
    assert detect_mapping(headers).name == expected


def test_amocrm_repeated_source_header_resolves_to_the_deals_own_last_one():
    mapping = builtin_mappings()["amocrm"]
    assert resolve_header(AMO_OLD, mapping.columns["channel"]) == len(AMO_OLD) - 3
    # «Бюджет » with a trailing space and «Бюджет ₽» both match the prefix pattern
    assert resolve_header(AMO_OLD, mapping.columns["deal_amount"]) == 2
    assert resolve_header(AMO_NEW, mapping.columns["deal_amount"]) == 2
    assert resolve_header(AMO_NEW, mapping.columns["created_at"]) == 4


def test_unknown_export_names_headers_and_the_fix():
    with pytest.raises(MappingError, match="not one the package recognises") as error:
        detect_mapping(["Foo", "Bar"], file="x.csv")
    assert "«Foo»" in str(error.value) and "--mapping" in error.value.hint


def write(tmp_path, text):
    path = tmp_path / "mapping.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def test_mapping_file_round_trip(tmp_path):
    path = write(tmp_path, """
columns:
  lead_id: "ID"
  created_at: "Дата создания"
  channel: "Источник"
  stage: "Статус"
values:
  stage: {"Успешно реализовано": deal, "Закрыто и не реализовано": disqualified}
  disqualification_reason: {"Нет денег": no_budget}
  channel: {"yandex": "Яндекс Директ"}
placeholders: ["Select"]
settings:
  working_hours: "10:00-20:00"
  maturity_days: {qualified: 7}
criteria:
  budget_min: 1500000
  purchase_horizon: ["в ближайший месяц"]
reasons:
  test_drive_only: {owner: sales, implies: qualified}
""")
    mapping = load_mapping(path)
    assert mapping.columns["lead_id"] == ("ID",)
    assert mapping.values["stage"]["успешно реализовано"] == "deal"
    assert mapping.values["channel"]["yandex"] == "Яндекс Директ"
    assert "select" in mapping.placeholders and "-" in mapping.placeholders
    assert mapping.settings.opening_minutes() == (600, 1200)
    assert mapping.settings.maturity_days == {"contacted": 2, "qualified": 7, "visit": 30, "deal": 90}
    assert mapping.criteria.budget_min == 1_500_000
    assert mapping.reasons["test_drive_only"].implies == "qualified"
    from analysis.mapping import mapping_from_dict
    assert mapping_from_dict(mapping.to_dict()).to_dict() == mapping.to_dict()


@pytest.mark.parametrize(("text", "message"), [
    ("columns: [unclosed", "not valid YAML at line 1"),
    ("columns:\n  lead_id: ID\n   channel: x\n", "not valid YAML at line"),
    ("- just\n- a list\n", "must be a YAML mapping"),
    ("columnz:\n  lead_id: ID\n", "unknown section «columnz» (line 1)"),
    ("columns:\n  lead_id: ID\n  chanel: Источник\n", "«chanel» (line 3) is not a canonical column"),
    ("columns:\n  lead_id: {a: b}\n", "must be a header name"),
    ("columns:\n  lead_id: ID\nvalues:\n  stage: {\"Успех\": won}\n", "maps to «won», which is not one of"),
    ("columns:\n  lead_id: ID\nsettings:\n  working_hours: 21-09\n", "not of the form HH:MM-HH:MM"),
    ("columns:\n  lead_id: ID\nsettings:\n  working_hours: \"21:00-09:00\"\n", "open before they close"),
    ("columns:\n  lead_id: ID\nsettings:\n  repeat_window: 30\n", "unknown setting «repeat_window» (line 4)"),
    ("columns:\n  lead_id: ID\nsettings:\n  maturity_days: {deal: -1}\n", "maturity_days"),
    ("columns:\n  lead_id: ID\nreasons:\n  x: {owner: boss}\n", "owner «boss»"),
    ("", "must be a YAML mapping"),
])
def test_mapping_errors_name_the_line_and_the_fix(tmp_path, text, message):
    with pytest.raises(MappingError, match=re.escape(message)) as error:
        load_mapping(write(tmp_path, text))
    assert "mapping.yaml" in str(error.value)


def test_missing_mapping_file(tmp_path):
    with pytest.raises(InputFileError, match="does not exist"):
        load_mapping(tmp_path / "none.yaml")


def test_parse_mapping_accepts_header_lists():
    mapping = parse_mapping({"columns": {"phone": ["Мобильный", "Рабочий"], "lead_id": 7}}, name="m", source="m")
    assert mapping.columns["phone"] == ("Мобильный", "Рабочий")
    assert mapping.columns["lead_id"] == ("7",)

HUBSPOT = ["Record ID", "First Name", "Last Name", "Email", "Phone Number", "Company Name", "Lead Status",
           "Lifecycle Stage", "Original Source", "Original Source Drill-Down 1", "Original Source Drill-Down 2",
           "Contact owner", "Create Date"]
SALESFORCE_REPORT = ["Lead ID", "Lead Owner", "First Name", "Last Name", "Company", "Lead Source", "Lead Status",
                     "Create Date"]
SALESFORCE_LOADER = ["Id", "Status", "LeadSource", "OwnerId", "CreatedDate", "Email"]


@pytest.mark.parametrize(("headers", "expected"), [
    (HUBSPOT, "hubspot_contacts"), (SALESFORCE_REPORT, "salesforce_leads"), (SALESFORCE_LOADER, "salesforce_leads"),
])
def test_detect_english_crm_exports(headers, expected):
    assert detect_mapping(headers).name == expected


def test_hubspot_and_salesforce_exports_load(tmp_path):
    from analysis.loading import load_dataset

    from .conftest import write_csv

    rows = [[str(i), "Ann", "Lee", f"a{i}@x.com", f"+1 555 010 {i:04d}", "Co", status, "lead", "Paid Search", "google",
             "", "Kim Bo", f"2026-10-{1 + i:02d} 10:00"]
            for i, status in enumerate(["NEW", "In Progress", "OPEN_DEAL", "Unqualified", "Bad Timing"])]
    data = load_dataset(write_csv(tmp_path / "hubspot.csv", HUBSPOT, rows, sep=",", encoding="utf-8"))
    assert data.mapping.name == "hubspot_contacts"
    assert data.leads["stage"].tolist() == ["new", "contacted", "qualified", "disqualified", "disqualified"]
    rows = [[str(i), "Kim Bo", "Ann", "Lee", "Co", "Web", status, f"10/{1 + i}/2026 9:30"]
            for i, status in enumerate(["Open - Not Contacted", "Working - Contacted", "Closed - Converted",
                                        "Closed - Not Converted"])]
    data = load_dataset(write_csv(tmp_path / "sf.csv", SALESFORCE_REPORT, rows, sep=",", encoding="utf-8"))
    assert data.mapping.name == "salesforce_leads"
    assert data.leads["stage"].tolist() == ["new", "contacted", "qualified", "disqualified"]
    assert data.leads["created_at"].dt.day.tolist() == [1, 2, 3, 4]  # month first: 10/2/2026 is 2 October
