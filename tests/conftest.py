"""Shared fixtures: small exports written by the tests themselves, in each dialect."""

from __future__ import annotations

import csv
import io
import os
from pathlib import Path

import pytest
from hypothesis import settings

# CI replays the same generated examples every run (a failure there is then reproducible, never luck);
# developers' runs explore new examples each time.
settings.register_profile("ci", derandomize=True, print_blob=True)
if os.environ.get("CI", "").lower() == "true":
    settings.load_profile("ci")

SAMPLE_HEADERS = ["ID", "Дата создания", "Источник", "Кампания", "Модель", "Ответственный", "Тип обращения",
                  "Первая попытка связи", "Первый контакт", "Попыток дозвона", "Статус", "Причина отказа",
                  "Сумма сделки", "Телефон", "Email", "Имя клиента", "Бюджет", "Когда планирует покупку"]


def sample_row(lead_id: int, created: str = "01.10.2026 10:00", channel: str = "Авито", status: str = "В работе",
               reason: str = "", phone: str = "", email: str = "", response: str = "", contact: str = "",
               manager: str = "Иванов Иван", amount: str = "", campaign: str = "", model: str = "Creta") -> list[str]:
    return [str(lead_id), created, channel, campaign, model, manager, "Звонок", response, contact, "1",
            status, reason, amount, phone, email, "Зинаида Клиентова", "", ""]


def write_csv(path: Path, headers: list[str], rows: list[list[str]], *, sep: str = ";", encoding: str = "cp1251",
              quote_all: bool = False, trailing_sep: bool = False, title_rows: list[str] = ()) -> Path:
    buffer = io.StringIO()
    for title in title_rows:
        buffer.write(title + "\r\n")
    for row in [headers, *rows]:
        line = io.StringIO()
        csv.writer(line, delimiter=sep, quoting=csv.QUOTE_ALL if quote_all else csv.QUOTE_MINIMAL,
                   lineterminator="\r\n").writerow(row)
        buffer.write(line.getvalue()[:-2] + (sep if trailing_sep else "") + "\r\n")
    path.write_bytes(buffer.getvalue().encode(encoding))
    return path


@pytest.fixture
def sample_rows() -> list[list[str]]:
    """40 leads in the sample dialect: enough rows that a few bad cells stay under 5%."""
    rows = []
    statuses = ["Новый", "В работе", "Квалифицирован", "Визит в салон", "Продажа", "Отказ"]
    for i in range(40):
        status = statuses[i % len(statuses)]
        rows.append(sample_row(
            1000 + i, created=f"{1 + i % 28:02d}.09.2026 {9 + i % 12:02d}:{i % 60:02d}",
            channel=["Авито", "Яндекс Директ", "VK Реклама"][i % 3], status=status,
            reason="Нет денег" if status == "Отказ" else "", phone=f"+7 (900) 000-{i // 100:02d}-{i % 100:02d}",
            response=f"{1 + i % 28:02d}.09.2026 {9 + i % 12:02d}:{(i % 60):02d}",
            amount="2 345 000,00" if status == "Продажа" else ""))
    return rows


@pytest.fixture
def sample_csv(tmp_path: Path, sample_rows) -> Path:
    return write_csv(tmp_path / "leads.csv", SAMPLE_HEADERS, sample_rows)
