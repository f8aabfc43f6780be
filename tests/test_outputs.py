"""What leaves the machine: personal data never in any output, user text escaped and
passed as data, files written safely, and each demo report checked in a real browser offline."""

from __future__ import annotations

import csv
import hashlib
import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from analysis.registry import DEMO_RUNS
from analysis.config import SAMPLE_LEADS, SAMPLE_SPEND
from analysis.i18n import agree
from analysis.jobs import diagnose_parameters, slugify
from analysis.report import render_report, report_name

from .browser import open_page, require_browser
from .consistency import check_report, text_of

pytestmark = pytest.mark.slow
IMAGES = re.compile(r"data:image/png;base64,[A-Za-z0-9+/=]+")
MAX_REPORT_BYTES = 5 * 1024 * 1024


@pytest.fixture(scope="module")
def demo_reports(tmp_path_factory):
    out = tmp_path_factory.mktemp("demo")
    files = [render_report(job, out_dir=out, progress=False, **kwargs) for job, kwargs in DEMO_RUNS]
    return out, files


def sample_personal_data():
    phones, emails, names = set(), set(), set()
    with open(SAMPLE_LEADS, encoding="cp1251", newline="") as handle:
        for row in csv.DictReader(handle, delimiter=";"):
            digits = re.sub(r"\D", "", row["Телефон"])
            if len(digits) >= 10:
                phones.add(digits[-10:])
            if "@" in row["Email"]:
                emails.add(row["Email"].strip().lower())
            if " " in row["Имя клиента"].strip():
                names.add(row["Имя клиента"].strip())
    return phones, emails, names


def test_json_and_html_give_the_same_figures(demo_reports):
    # every figure both show, under the same name (the demo renders in Russian)
    for files in demo_reports[1]:
        compared = check_report(files.summary_data, files.html.read_text(encoding="utf-8"), "ru")
        assert compared >= 10, files.html.name


def test_personal_data_never_leaves(demo_reports):
    out, _ = demo_reports
    phones, emails, names = sample_personal_data()
    assert len(phones) > 10_000 and len(emails) > 1_000
    for path in sorted(out.iterdir()):
        text = IMAGES.sub("", path.read_text(encoding="utf-8"))
        digits = {re.sub(r"\D", "", m)[-10:] for m in re.findall(r"\+?\d[\d\s()\-]{9,17}\d", text)}
        assert not digits & phones, f"{path.name} contains a phone number of the sample"
        found = {m.lower() for m in re.findall(r"[\w.+-]+@[\w-]+\.[\w.]+", text)}
        assert not found & emails, f"{path.name} contains an e-mail of the sample"
        assert not [name for name in names if name in text], f"{path.name} contains a client's name"


def test_reports_are_small_and_self_contained(demo_reports):
    _, files = demo_reports
    for report in files:
        html = report.html.read_text(encoding="utf-8")
        assert report.html.stat().st_size < MAX_REPORT_BYTES
        assert not re.search(r"""<(script|link|img|iframe)[^>]+(src|href)\s*=\s*["']?(https?:)?//""", html, re.I)
        json.loads(report.summary.read_text(encoding="utf-8"))


def test_each_demo_report_in_a_real_browser_offline(demo_reports, tmp_path):
    browser = require_browser()
    _, files = demo_reports
    shots = Path(os.environ.get("LEADAUDIT_SCREENSHOTS", tmp_path))
    shots.mkdir(parents=True, exist_ok=True)
    for report in files:
        page = open_page(browser, report.html)
        assert page.network_requests == [], f"{report.html.name} asks the network for {page.network_requests}"
        assert page.failed_requests == [], f"{report.html.name}: failed requests {page.failed_requests}"
        assert page.console_errors == [], f"{report.html.name}: console errors {page.console_errors}"
        assert page.screenshot.startswith(b"\x89PNG") and len(page.screenshot) > 20_000
        (shots / (report.html.stem + ".png")).write_bytes(page.screenshot)


def test_parameters_reach_the_kernel_as_data(tmp_path):
    marker = tmp_path / "pwned"
    complaint = f'"""\'; import os; os.system("touch {marker}") #\n<img src=x onerror=alert(1)>'
    files = render_report("diagnose", out_dir=tmp_path / "out", progress=False, channel=["Авито"],
                          period="2026-10-01:2026-10-31", claim="no_contact", complaint=complaint)
    assert not marker.exists(), "the complaint text was executed"
    html = files.html.read_text(encoding="utf-8")
    assert "&lt;img src=x onerror=alert(1)&gt;" in html and "<img src=x" not in html
    assert json.loads(files.summary.read_text(encoding="utf-8"))["parameters"]["complaint"] == complaint


def test_output_names_never_leave_out_dir():
    params = diagnose_parameters(channel=["../../etc/passwd"], campaign=["..\\..\\win"], period="2026-10-01:2026-10-31")
    name = report_name("diagnose", params)
    assert "/" not in name and "\\" not in name and ".." not in name
    assert slugify("../../") == "all"


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_inputs_read_only_unchanged_and_concurrent_runs(tmp_path):
    leads = tmp_path / "leads.csv"
    spend = tmp_path / "spend.csv"
    leads.write_bytes(SAMPLE_LEADS.read_bytes())
    spend.write_bytes(SAMPLE_SPEND.read_bytes())
    before = (sha256(leads), sha256(spend))
    leads.chmod(0o444)
    spend.chmod(0o444)
    out = tmp_path / "out"
    command = [sys.executable, "-m", "analysis.cli", "quarterly", "--leads", str(leads), "--spend", str(spend),
               "--quarter", "2026Q3", "--out", str(out), "--quiet"]
    runs = [subprocess.Popen([*command, "--lang", lang], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
            for lang in ("ru", "en", "ru")]  # two different reports and one rerun of the first, at once
    results = [run.communicate(timeout=600) for run in runs]
    assert [run.returncode for run in runs] == [0, 0, 0], [r[1][-500:] for r in results]
    assert (sha256(leads), sha256(spend)) == before, "input files must never change"
    html = sorted(p for p in out.glob("*.html") if p.name != "index.html")  # the folder's log aside
    assert (out / "index.html").is_file()  # written by each run through a rename: never half a page
    assert len(html) == 2 and results[0][0].strip() == results[2][0].strip()
    for page in html:
        assert page.read_text(encoding="utf-8").rstrip().endswith("</html>")
        json.loads(page.with_suffix(".json").read_text(encoding="utf-8"))
    assert not list(out.glob(".*.tmp")) and not list(out.glob("*.failed.ipynb"))


def test_russian_reports_read_as_written_by_a_person(demo_reports):
    # decimal commas everywhere in Russian, counted nouns agreeing with their numbers
    for files in demo_reports[1]:
        page = files.html.read_text(encoding="utf-8")
        body = page.split("<main>")[1].split('id="sec-section-appendix"')[0]  # not the styles; the appendix quotes files
        text = text_of(body)
        text = re.sub(r"\b\d{2}\.\d{2}\.\d{4}\b", "", text)  # dates are written 31.10.2026 in both languages
        text = re.sub(r"\b\d{4}-\d{2}-\d{2}\b", "", text)  # ISO dates of the scope
        dot = re.search(r".{0,40}\d\.\d.{0,30}", text)
        assert dot is None, f"{files.html.name}: a decimal point in Russian: «{dot and dot.group(0)}»"
        for match in re.finditer(r"(?<![\d,\u202f])(\d[\d\u202f]*) (лид|лида|лидов)(?![а-я])", text):
            assert agree(match.group(0)) == match.group(0), f"{files.html.name}: «{match.group(0)}»"


def test_the_folder_log_lists_every_demo_report(demo_reports):
    out, files = demo_reports
    page = (out / "index.html").read_text(encoding="utf-8")
    for report in files:
        assert f'href="{report.html.name}"' in page
    assert "Лиды с Авито нецелевые" in page and "Жалоба подтверждается" in page
