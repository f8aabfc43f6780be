"""No client's phone or e-mail reaches any output, from any column: texts the
package shows from the data — labels, reason texts, the loader's examples, error messages, the
complaint — have phone- and e-mail-like substrings masked, the rest of the text kept."""

from __future__ import annotations

import json
import re

import pytest

import analysis.notebook as la
from analysis.errors import LeadAuditError
from analysis.loading import load_dataset
from analysis.masking import mask_personal
from analysis.summary import build_summary, dumps

from .conftest import SAMPLE_HEADERS, sample_row, write_csv

PHONE = "8-916-123-45-67"
EMAIL = "zina.klientova@mail.ru"


@pytest.mark.parametrize("text, masked", [
    ("просил звонить на 8-916-123-45-67 вечером", "просил звонить на [phone] вечером"),
    ("+7 (916) 123 45 67", "[phone]"),
    ("89161234567", "[phone]"),
    ("пишите на zina.klientova@mail.ru", "пишите на [e-mail]"),
    ("тел 8 (916) 1234567, почта a@b.co", "тел [phone], почта [e-mail]"),
    # not personal data: dates, times, amounts, short IDs stay as they are
    ("01.05.2025 06:41", "01.05.2025 06:41"),
    ("2 528 000,00", "2 528 000,00"),
    ("line 17: «31.02.2026 10:00»", "line 17: «31.02.2026 10:00»"),
    ("ID 100001", "ID 100001"),
])
def test_mask_personal(text, masked):
    assert mask_personal(text) == masked


def _leaks(text: str) -> list[str]:
    digits = re.sub(r"\D", "", text)
    return [found for found in ("9161234567", "zina.klientova", "9001112233") if found in digits or found in text]


def test_personal_data_in_other_columns_never_reaches_a_report(tmp_path):
    rows = []
    for i in range(60):
        status = ["В работе", "Квалифицирован", "Отказ"][i % 3]
        reason = f"просил звонить на {PHONE}" if status == "Отказ" and i % 2 else ("Нет денег" if status == "Отказ" else "")
        rows.append(sample_row(i + 1, created=f"{1 + i % 28:02d}.09.2026 10:00", channel=["A", "B"][i % 2],
                               status=status, reason=reason, phone=f"+7 900 000 {i:04d}",
                               campaign=f"лид от {EMAIL}" if i % 5 == 0 else "c1",
                               manager="Иванов" if i % 4 else "+7 900 111 22 33"))
    rows[3][1] = f"звонить {PHONE}"  # an unreadable date whose example would quote a phone
    data = load_dataset(write_csv(tmp_path / "leads.csv", SAMPLE_HEADERS, rows), as_of="2026-12-31")
    params = la.diagnose_parameters(leads="x", channel=["A"], claim="not_target",
                                    complaint=f"клиент {EMAIL} жалуется, перезвоните {PHONE}")
    assert params["complaint"] == "клиент [e-mail] жалуется, перезвоните [phone]"
    dx = la.diagnose(data, params)
    html = "".join(section.html() for section in (
        la.verdict_section(dx, "ru"), la.scope_section(dx, "ru", data.lineage), la.reasons_section(dx, "ru"),
        la.channels_section(dx, "ru"), la.processing_section(dx, "ru"), la.appendix_section(data, params, "ru", "diagnose")))
    summary = dumps(build_summary("diagnose", data, params, dx.figures(), verdict=dx.verdict.verdict))
    frame_text = " ".join(str(v) for column in ("campaign", "manager", "reason_raw")
                          for v in data.leads[column].dropna().unique())
    for text in (html, summary, frame_text, json.dumps([i.__dict__ for i in data.lineage.issues], default=str,
                                                       ensure_ascii=False)):
        assert not _leaks(text), _leaks(text)
    assert "просил звонить на [phone]" in html  # the reason text still reads (listed as unmapped)


def test_a_wrong_mapping_pointing_at_the_email_column_masks_its_error(tmp_path):
    rows = [sample_row(i + 1, email=f"client{i}@mail.ru") for i in range(30)]
    path = write_csv(tmp_path / "leads.csv", SAMPLE_HEADERS, rows)
    mapping = tmp_path / "wrong.yaml"
    mapping.write_text('columns: {lead_id: "ID", created_at: "Email", channel: "Источник", stage: "Статус"}\n'
                       'values: {stage: {"В работе": contacted}}\n', encoding="utf-8")
    with pytest.raises(LeadAuditError) as caught:
        load_dataset(path, mapping=mapping)
    text = str(caught.value)
    assert "@mail.ru" not in text and "[e-mail]" in text, text
