"""Fuzzing the loader: generated CSVs — random headers, separators, encodings, quoting and
cells — either load or raise our own LeadAuditError, never anything else."""

from __future__ import annotations

import csv
import io

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from analysis.errors import LeadAuditError
from analysis.loading import load_dataset

from .conftest import SAMPLE_HEADERS

ALPHABET = "абвгдеёжзийклмнопрстуфхцчшщыьэюяАБВГДЕЖЗИКЛМНОПРСТУФХЦЧШЩЭЮЯabcdefXYZ0123456789 .,;:-_/\"'«»\t\n№%₽"
CELL = st.text(alphabet=ALPHABET, max_size=20)
HEADER_POOL = [*SAMPLE_HEADERS, "ID", "Этап сделки", "Название лида", "Статус", "Стадия сделки", "", "Дата", "Расход"]
STATUSES = ["Новый", "В работе", "Квалифицирован", "Визит в салон", "Продажа", "Отказ", "", "-", "Неизвестный"]
DATES = ["01.10.2026 10:00", "2026-10-01", "31.02.2026", "", "вчера", "01/10/2026 10:00:00"]


@st.composite
def exports(draw):
    headers = draw(st.one_of(st.just(SAMPLE_HEADERS),
                             st.lists(st.one_of(st.sampled_from(HEADER_POOL), CELL), min_size=1, max_size=8)))
    width = len(headers)
    rows = []
    for _ in range(draw(st.integers(0, 12))):
        row = []
        for header in headers:
            if header == "Статус":
                row.append(draw(st.sampled_from(STATUSES)))
            elif header.startswith("Дата") or header.startswith("Перв"):
                row.append(draw(st.sampled_from(DATES)))
            else:
                row.append(draw(CELL))
        if draw(st.booleans()) and width > 1:
            row = row[: draw(st.integers(1, width))]  # ragged line
        rows.append(row)
    separator = draw(st.sampled_from([",", ";", "\t"]))
    quoting = draw(st.sampled_from([csv.QUOTE_MINIMAL, csv.QUOTE_ALL]))
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=separator, quoting=quoting, lineterminator="\r\n")
    writer.writerow(headers)
    writer.writerows(rows)
    text = buffer.getvalue()
    if draw(st.booleans()):
        text = text[: draw(st.integers(0, len(text)))]  # truncated anywhere
    encoding = draw(st.sampled_from(["utf-8", "utf-8-sig", "cp1251", "utf-16"]))
    return text.encode(encoding, errors="replace")


@settings(max_examples=int(__import__("os").environ.get("FUZZ_EXAMPLES", "150")), deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture,
                                                                    HealthCheck.too_slow])
@given(data=exports())
def test_loader_raises_only_our_errors(tmp_path, data):
    path = tmp_path / "export.csv"
    path.write_bytes(data)
    try:
        dataset = load_dataset(path)
    except LeadAuditError as error:
        assert str(error)  # a message a person can read
    else:
        assert len(dataset.leads) > 0
        assert "phone" not in dataset.leads and "email" not in dataset.leads
