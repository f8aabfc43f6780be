"""The complaint log (index.html): every report of a folder, newest first, complaints escaped, recurring
complaints counted with how often they were supported; rebuilt from the JSON summaries alone."""

from __future__ import annotations

import json
from pathlib import Path

from analysis.cli import main
from analysis.complaint_log import INDEX_NAME, build_index, entries, recurring


def _report(out: Path, date: str, job: str, tag: str, **summary) -> Path:
    """A report's JSON and HTML as report_name names them (the log reads only the JSON)."""
    stem = f"{date}-{job}-{tag}-{abs(hash((date, job, tag))) % 16**6:06x}"
    (out / f"{stem}.html").write_text("<html></html>", encoding="utf-8")
    path = out / f"{stem}.json"
    path.write_text(json.dumps({"job": job, **summary}), encoding="utf-8")
    return path


def _diagnosis(channel: str, claim: str, verdict: str, complaint: str = "") -> dict:
    return {"verdict": verdict, "parameters": {"channel": [channel], "campaign": [], "model": [], "manager": [],
                                               "period": None, "claim": claim, "complaint": complaint}}


def test_reports_newest_first_with_verdicts_and_counts(tmp_path):
    _report(tmp_path, "2026-10-05", "diagnose", "a", **_diagnosis("Авито", "not_target", "supported"))
    _report(tmp_path, "2026-11-02", "diagnose", "b", **_diagnosis("Авито", "not_target", "not_supported"))
    _report(tmp_path, "2026-12-01", "diagnose", "c", **_diagnosis("Авито", "not_target", "partly_supported"))
    _report(tmp_path, "2026-11-20", "diagnose", "d", **_diagnosis("VK Реклама", "no_contact", "supported"))
    _report(tmp_path, "2026-11-25", "quarterly", "q", parameters={"quarter": "2026Q3"})
    found = entries(tmp_path)
    assert [e["date"] for e in found] == ["2026-12-01", "2026-11-25", "2026-11-20", "2026-11-02", "2026-10-05"]
    assert recurring(found) == [
        {"channel": "Авито", "claim": "not_target", "times": 3, "supported": 2},  # supported + partly supported
        {"channel": "VK Реклама", "claim": "no_contact", "times": 1, "supported": 1},
    ]
    page = build_index(tmp_path, "ru").read_text(encoding="utf-8")
    assert page.count("<tr>") == 1 + 2 + 1 + 5  # two headers, two recurring rows, five reports
    assert "Жалоба подтверждается частично" in page and "III квартал 2026" in page


def test_the_complaint_text_is_escaped_and_other_files_are_ignored(tmp_path):
    _report(tmp_path, "2026-12-01", "diagnose", "x",
            **_diagnosis("Авито", "general", "supported", complaint='<script>alert("x")</script> & «цены»'))
    (tmp_path / "notes.json").write_text("{}", encoding="utf-8")  # not a report's name
    _report(tmp_path, "2026-12-02", "diagnose", "broken").write_text("{not json", encoding="utf-8")
    orphan = _report(tmp_path, "2026-12-03", "diagnose", "orphan", **_diagnosis("Авито", "general", "supported"))
    orphan.with_suffix(".html").unlink()  # a report whose HTML is gone is not listed
    page = build_index(tmp_path, "en").read_text(encoding="utf-8")
    assert "<script>" not in page and "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp;" in page
    assert len(entries(tmp_path)) == 1


def test_leadaudit_index_rebuilds_the_log_after_a_report_is_deleted(tmp_path, capsys):
    kept = _report(tmp_path, "2026-12-01", "diagnose", "k", **_diagnosis("Авито", "general", "supported"))
    gone = _report(tmp_path, "2026-12-02", "diagnose", "g", **_diagnosis("Сайт", "general", "not_supported"))
    build_index(tmp_path)
    assert "Сайт" in (tmp_path / INDEX_NAME).read_text(encoding="utf-8")
    gone.unlink()
    gone.with_suffix(".html").unlink()
    assert main(["index", "--out", str(tmp_path)]) == 0
    page = (tmp_path / INDEX_NAME).read_text(encoding="utf-8")
    assert "Сайт" not in page and f'href="{kept.stem}.html"' in page
    assert capsys.readouterr().out.strip().endswith(INDEX_NAME)
    assert main(["index", "--out", str(tmp_path / "missing")]) == 2
