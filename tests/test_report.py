"""Rendering: papermill → nbconvert → three files written atomically; notebooks executed, so slow."""

from __future__ import annotations

import json
import re
import shutil

import nbformat
import pytest

import analysis.report as report
from analysis.errors import ReportExecutionError
from analysis.report import render_report

pytestmark = pytest.mark.slow

EXTERNAL = re.compile(r"""<(script|link|img|iframe)[^>]+(src|href)\s*=\s*["']?(https?:)?//""", re.I)


def check_html(text: str) -> None:
    assert not EXTERNAL.search(text), "a report must load nothing from the network"
    assert "require.js" not in text and "mathjax" not in text.lower()
    assert not re.search(r'class="[^"]*jp-(InputArea|InputPrompt|CodeMirrorEditor)', text), "no code cells"
    assert "import analysis" not in text and "la.overview_section" not in text
    assert not re.search(r">(In|Out)\s*\[\d*\]:", text), "no prompts"
    assert "Traceback" not in text
    assert "la-header" in text and "la-toc" in text
    assert "data:image/png;base64," in text, "plots are embedded"


CAMPAIGN = "A <img src=x onerror=alert(1)>"
CHANNEL = "<b>VK</b> & «Реклама»"


@pytest.fixture(scope="module")
def small_export(tmp_path_factory):
    from .conftest import SAMPLE_HEADERS, sample_row, write_csv

    rows = []
    for i in range(120):
        status = ["Новый", "В работе", "Квалифицирован", "Визит в салон", "Продажа", "Отказ"][i % 6]
        rows.append(sample_row(i + 1, created=f"{1 + i % 28:02d}.{7 + i % 3:02d}.2026 {9 + i % 12:02d}:15",
                               channel=["Авито", "Яндекс Директ", CHANNEL][i % 3], status=status,
                               reason="Нет денег" if status == "Отказ" else "", campaign=[CAMPAIGN, "B"][i % 2],
                               phone=f"+7 (900) 111-{i // 100:02d}-{i % 100:02d}"))
    path = tmp_path_factory.mktemp("data") / "leads.csv"
    return write_csv(path, SAMPLE_HEADERS, rows)


@pytest.mark.parametrize(("job", "kwargs", "shown"), [
    ("diagnose", {"channel": ["Авито"], "claim": "no_contact", "complaint": "<script>alert(1)</script> не берут трубку"},
     CHANNEL),
    ("experiment", {"arms_by": "campaign", "control": CAMPAIGN, "variant": "B", "lang": "en"}, CAMPAIGN),
    ("quarterly", {"quarter": "2026Q3"}, CHANNEL),
])
def test_render_each_report(tmp_path, small_export, job, kwargs, shown):
    files = render_report(job, out_dir=tmp_path, progress=False, leads=str(small_export), **kwargs)
    assert files.html.exists() and files.notebook.exists() and files.summary.exists()
    assert re.fullmatch(rf"\d{{4}}-\d\d-\d\d-{job}-[a-z0-9-]+-[0-9a-f]{{6}}\.html", files.html.name)
    html = files.html.read_text(encoding="utf-8")
    check_html(html)
    import html as html_module

    assert html_module.escape(shown, quote=True) in html, "user-controlled names appear escaped"
    assert "<b>VK</b>" not in html and "<img src=x" not in html and "<script>alert(1)</script>" not in html
    summary = json.loads(files.summary.read_text(encoding="utf-8"), parse_constant=lambda c: pytest.fail(c))
    assert summary["job"] == job
    for key in ("version", "parameters", "as_of", "inputs", "warnings", "figures"):
        assert key in summary
    assert summary["inputs"][0]["rows_read"] == 120 and len(summary["inputs"][0]["sha256"]) == 64
    assert "snapshot" not in summary["parameters"]
    assert list(summary)[:7] == ["job", "version", "parameters", "as_of", "inputs", "warnings", "lineage"]
    assert summary["lineage"]["dropped"] == []  # the small export is clean
    assert "+7 (900)" not in html and "+7 (900)" not in files.notebook.read_text(encoding="utf-8")
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted([files.html.name, files.notebook.name, files.summary.name,
                                                            "index.html"])  # the report and the folder's log
    if job == "quarterly":  # the JSON summary
        for key in ("kpis", "kpis_previous", "kpis_year_ago", "channels"):
            assert key in summary["figures"]
        assert set(summary["figures"]["kpis"]) >= {"leads", "qualified_rate", "deals", "spend", "cpl", "cpql", "cac"}
    if job == "experiment":  # the JSON summary
        assert summary["decision"] in ("adopt_variant", "keep_control", "inconclusive")
        assert "decision_metric" in summary["figures"] and "p_variant_better" in summary["figures"]
        assert summary["figures"]["metrics"]["qualified_rate"]["effect_type"] == "difference"
    if job == "diagnose":  # the JSON summary's keys for this job
        assert summary["verdict"] in ("supported", "partly_supported", "not_supported", "insufficient_data")
        assert summary["problem_location"] in ("lead_quality", "processing", "both", "neither", "unknown")
        figures = summary["figures"]
        for key in ("primary_metric", "gap", "gap_ci", "p_value", "min_gap", "adjusted_gap", "adjusted_gap_ci",
                    "processing_share", "weeks_needed", "scope", "baseline", "overrepresented_reasons"):
            assert key in figures, key
        for group in ("scope", "baseline"):
            for key in ("leads", "mature_leads", "qualified_rate", "qualified_rate_ci", "contact_rate", "deal_rate",
                        "median_response_minutes", "sla_share"):
                assert key in figures[group], (group, key)


def test_failing_notebook_keeps_the_previous_report_and_the_failed_notebook(tmp_path, small_export, monkeypatch):
    first = render_report("quarterly", out_dir=tmp_path, progress=False, leads=str(small_export), quarter="2026Q3")
    before = {path.name: path.read_bytes() for path in tmp_path.iterdir()}

    broken_dir = tmp_path / "broken-notebooks"
    broken_dir.mkdir()
    source = report.NOTEBOOKS_DIR / "quarterly_report.ipynb"
    notebook = nbformat.read(source, as_version=4)
    notebook.cells.insert(5, nbformat.v4.new_code_cell("raise RuntimeError('section exploded')"))
    nbformat.write(notebook, broken_dir / "quarterly_report.ipynb")
    monkeypatch.setattr(report, "NOTEBOOKS_DIR", broken_dir)
    shutil.rmtree(broken_dir.parent / "unused", ignore_errors=True)

    with pytest.raises(ReportExecutionError) as error:
        render_report("quarterly", out_dir=tmp_path, progress=False, leads=str(small_export), quarter="2026Q3")
    assert error.value.exit_code == 1
    assert "section exploded" in str(error.value) and "raise RuntimeError" in str(error.value)
    failed = tmp_path / first.html.name.replace(".html", ".failed.ipynb")
    assert failed.exists()
    for name, data in before.items():
        assert (tmp_path / name).read_bytes() == data, f"{name} was touched by a failed run"
    assert not list(tmp_path.glob(".*.tmp"))


def test_papermill_directly_on_the_notebook(tmp_path, small_export):
    import papermill

    output = tmp_path / "run.ipynb"
    papermill.execute_notebook(str(report.NOTEBOOKS_DIR / "complaint_diagnosis.ipynb"), str(output),
                               parameters={"leads": str(small_export), "channel": ["Авито"], "period": None},
                               kernel_name="python3", progress_bar=False, cwd=str(report.NOTEBOOKS_DIR))
    from analysis.summary import extract_summary

    summary = extract_summary(nbformat.read(output, as_version=4))
    assert summary["job"] == "diagnose" and summary["inputs"][0]["rows_read"] == 120


@pytest.mark.parametrize("lang", ["ru", "en"])
def test_exporter_warm_up_converts_with_the_report_template(lang, monkeypatch):
    """The warm-up (run beside the kernel) must really convert through the template: a
    failure there would silently move its 0.8 s back after the notebook."""
    import analysis.report as report

    monkeypatch.setattr(report, "_WARMED", set())
    thread = report._warm_exporter(lang)
    assert thread is not None
    thread.join(timeout=60)
    assert lang in report._WARMED
    assert report._warm_exporter(lang) is None  # once per process and language
