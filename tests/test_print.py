"""Each demo report, in Russian and in English, prints well on A4 and reads on a phone.

Managers print these reports for meetings and open them on phones from a chat, so a real
Chromium checks what they get, not what the CSS meant:

* on paper: every page is A4 (the report's own ``@page`` decides, no paper size is forced),
  the 30-second summary (``.la-summary``) is all on page 1, nothing is wider than the printable
  width of the page (clipped on paper) and the quarterly report takes at most 6 pages;
* on a 390-px phone: no visible text smaller than 9 px and the page itself never scrolls
  sideways (wide tables and figures may scroll inside their own container).

Set LEADAUDIT_PRINT_DIR to keep each report's PDF and a 390-px screenshot for a human to look at.
"""

from __future__ import annotations

import base64
import io
import os
import unicodedata
from dataclasses import dataclass
from pathlib import Path

import pytest
from pypdf import PdfReader

from analysis.registry import DEMO_RUNS
from analysis.report import render_report

from .browser import devtools_session, require_browser

pytestmark = pytest.mark.slow

LANGS = ("ru", "en")
REPORTS = [f"{job}-{lang}" for lang in LANGS for job, _ in DEMO_RUNS]
A4_POINTS = (595, 842)
POINT_TOLERANCE = 2
PAGE_MARGIN_MM = 12
PRINT_WIDTH = round((210 - 2 * PAGE_MARGIN_MM) / 25.4 * 96)  # CSS px inside A4 margins: 703
PRINT_HEIGHT = 1123  # one A4 page's height in CSS px
QUARTERLY_MAX_PAGES = 6
PHONE_WIDTH, PHONE_HEIGHT = 390, 844
MIN_FONT_PX = 9
SUMMARY_PREFIX = 40  # characters of the summary's first and last line looked for on page 1
SCREENSHOT_MAX_HEIGHT = 12000
INVISIBLE = set("\u00ad\u200b\u200c\u200d\u2060\ufeff-\u2010\u2011")  # soft hyphen, zero widths, hyphens

# Every element (with a box) that sticks out left or right of `limit` CSS px. With
# `allowScroll`, elements inside a horizontally scrolling container do not count (body and
# html excepted: their overflow is the page's own, which must not scroll sideways).
OUTSIDE_JS = """(limit, allowScroll) => {
  const scrolls = el => {
    for (let a = el.parentElement; a && a !== document.body; a = a.parentElement) {
      if (['auto', 'scroll'].includes(getComputedStyle(a).overflowX)) return true;
    }
    return false;
  };
  const found = [];
  for (const el of document.querySelectorAll('*')) {
    const r = el.getBoundingClientRect();
    if (r.width === 0 || r.height === 0) continue;
    if (r.right <= limit + 1 && r.left >= -1) continue;
    if (allowScroll && scrolls(el)) continue;
    found.push([el, r]);
  }
  const outside = new Set(found.map(([el]) => el));
  return {
    scrollWidth: document.documentElement.scrollWidth,
    innerWidth: window.innerWidth,
    elements: found.map(([el, r]) => ({
      tag: el.tagName.toLowerCase(),
      cls: String(el.className && el.className.baseVal !== undefined ? el.className.baseVal : el.className || ''),
      text: (el.innerText || el.textContent || '').replace(/\\s+/g, ' ').trim().slice(0, 60),
      left: Math.round(r.left), right: Math.round(r.right), width: Math.round(r.width),
      outermost: !outside.has(el.parentElement),
    })),
  };
}"""

# Every rendered element with text of its own whose font is smaller than `minimum` px.
SMALL_TEXT_JS = """(minimum) => {
  const small = [];
  for (const el of document.querySelectorAll('body, body *')) {
    const own = [...el.childNodes].some(n => n.nodeType === Node.TEXT_NODE && n.textContent.trim());
    if (!own) continue;
    const style = getComputedStyle(el);
    if (style.display === 'none' || style.visibility === 'hidden') continue;
    if (el !== document.body && el.offsetParent === null && style.position !== 'fixed') continue;
    const size = parseFloat(style.fontSize);
    if (size < minimum) {
      small.push({tag: el.tagName.toLowerCase(), cls: String(el.className || ''), size,
                  text: el.textContent.replace(/\\s+/g, ' ').trim().slice(0, 60)});
    }
  }
  return small;
}"""

SUMMARY_JS = """(() => {
  const found = document.querySelectorAll('.la-summary');
  return {count: found.length, text: found.length ? found[0].innerText : null};
})()"""


@dataclass
class Printed:
    """What one browser session saw of one report."""

    html: Path
    page_sizes: list[tuple[float, float]]
    page_one: str
    summary: dict
    print_outside: dict
    phone_small_text: list[dict]
    phone_outside: dict

    @property
    def pages(self) -> int:
        return len(self.page_sizes)

    @property
    def label(self) -> str:
        return f"{self.html.name} ({self.pages} pages)"


@pytest.fixture(scope="module")
def demo_reports(tmp_path_factory) -> dict[str, Path]:
    require_browser()  # before the slow rendering: without a browser there is nothing to check
    out = tmp_path_factory.mktemp("print")
    reports = {}
    for lang in LANGS:
        for job, kwargs in DEMO_RUNS:
            extra = {"lang": lang} if lang != "ru" else {}  # Russian is the demo's default
            files = render_report(job, out_dir=out / lang, progress=False, **kwargs, **extra)
            reports[f"{job}-{lang}"] = files.html
    return reports


@pytest.fixture(scope="module")
def printed(demo_reports):
    """Looks each report up once (one browser session per report) for all the checks below."""
    browser = require_browser()
    seen: dict[str, Printed] = {}

    def get(name: str) -> Printed:
        if name not in seen:
            seen[name] = look_at(browser, demo_reports[name])
        return seen[name]

    return get


def look_at(browser: str, html: Path) -> Printed:
    with devtools_session(browser, html) as session:
        session.evaluate("document.fonts.ready.then(() => true)")
        pdf = base64.b64decode(session.send("Page.printToPDF", printBackground=True,
                                            preferCSSPageSize=True)["data"])
        session.send("Emulation.setEmulatedMedia", media="print")
        session.send("Emulation.setDeviceMetricsOverride", width=PRINT_WIDTH, height=PRINT_HEIGHT,
                     deviceScaleFactor=1, mobile=False)
        summary = session.evaluate(SUMMARY_JS)
        print_outside = session.evaluate(f"({OUTSIDE_JS})({PRINT_WIDTH}, false)")
        session.send("Emulation.setDeviceMetricsOverride", width=PHONE_WIDTH, height=PHONE_HEIGHT,
                     deviceScaleFactor=2, mobile=True)
        session.send("Emulation.setEmulatedMedia", media="screen")
        session.navigate()  # laid out from the start as on the phone
        session.evaluate("document.fonts.ready.then(() => true)")
        small_text = session.evaluate(f"({SMALL_TEXT_JS})({MIN_FONT_PX})")
        phone_outside = session.evaluate(f"({OUTSIDE_JS})({PHONE_WIDTH}, true)")
        keep_for_humans(session, html, pdf)
    reader = PdfReader(io.BytesIO(pdf))
    sizes = [(float(page.mediabox.width), float(page.mediabox.height)) for page in reader.pages]
    return Printed(html, sizes, reader.pages[0].extract_text() if sizes else "", summary,
                   print_outside, small_text, phone_outside)


def keep_for_humans(session, html: Path, pdf: bytes) -> None:
    """The PDF and a phone screenshot, into LEADAUDIT_PRINT_DIR when it is set."""
    folder = os.environ.get("LEADAUDIT_PRINT_DIR")
    if not folder:
        return
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    (folder / f"{html.stem}.pdf").write_bytes(pdf)
    metrics = session.send("Page.getLayoutMetrics")
    height = int(metrics.get("cssContentSize", metrics.get("contentSize"))["height"])
    shot = session.send("Page.captureScreenshot", format="png", captureBeyondViewport=True,
                        clip={"x": 0, "y": 0, "width": PHONE_WIDTH,
                              "height": min(height, SCREENSHOT_MAX_HEIGHT), "scale": 1})
    (folder / f"{html.stem}.{PHONE_WIDTH}px.png").write_bytes(base64.b64decode(shot["data"]))


def squash(text: str) -> str:
    """Text with no whitespace of any kind, no (soft) hyphens and no case: line breaks never matter."""
    text = unicodedata.normalize("NFKC", text).casefold()
    return "".join(c for c in text if not c.isspace() and c not in INVISIBLE)


def describe_outside(found: dict, limit: int = 8) -> str:
    elements = sorted(found["elements"], key=lambda e: (not e["outermost"], -e["width"]))
    shown = "; ".join(f"<{e['tag']} class={e['cls']!r}> {e['left']}..{e['right']} px {e['text']!r}"
                      for e in elements[:limit])
    return f"{len(elements)} elements, widest first: {shown}"


@pytest.mark.parametrize("name", REPORTS)
def test_every_page_is_a4(printed, name):
    report = printed(name)
    assert report.pages > 0, f"{report.html.name}: the PDF has no pages"
    wrong = sorted({(round(w), round(h)) for w, h in report.page_sizes
                    if abs(w - A4_POINTS[0]) > POINT_TOLERANCE or abs(h - A4_POINTS[1]) > POINT_TOLERANCE})
    assert len(wrong) == 0, (f"{report.label}: pages of {wrong} pt, not A4 {A4_POINTS} pt "
                       f"(the report's CSS needs @page {{ size: A4 }})")


@pytest.mark.parametrize("name", REPORTS)
def test_summary_is_all_on_page_one(printed, name):
    report = printed(name)
    assert report.summary["count"] == 1, \
        f"{report.label}: {report.summary['count']} elements .la-summary, expected exactly one"
    lines = [" ".join(line.replace("\u00ad", "").split()) for line in report.summary["text"].splitlines()
             if line.strip()]
    assert lines, f"{report.label}: .la-summary has no text"
    page_one = squash(report.page_one)
    for which, line in (("first", lines[0]), ("last", lines[-1])):
        assert squash(line[:SUMMARY_PREFIX]) in page_one, \
            f"{report.label}: the summary's {which} line {line[:SUMMARY_PREFIX]!r} is not on page 1"


@pytest.mark.parametrize("name", REPORTS)
def test_nothing_wider_than_the_printed_page(printed, name):
    report = printed(name)
    found = report.print_outside
    assert len(found["elements"]) == 0, \
        f"{report.label}: wider than A4's {PRINT_WIDTH} px in print: {describe_outside(found)}"
    assert found["scrollWidth"] <= found["innerWidth"] + 1, \
        f"{report.label}: printed page is {found['scrollWidth']} px wide, A4 holds {found['innerWidth']} px"


@pytest.mark.parametrize("name", [name for name in REPORTS if name.startswith("quarterly-")])
def test_quarterly_fits_in_six_pages(printed, name):
    report = printed(name)
    pages = report.pages
    assert pages <= QUARTERLY_MAX_PAGES, f"{report.html.name}: {pages} A4 pages, at most {QUARTERLY_MAX_PAGES} wanted"


@pytest.mark.parametrize("name", REPORTS)
def test_no_tiny_text_on_a_phone(printed, name):
    report = printed(name)
    small = sorted(report.phone_small_text, key=lambda e: e["size"])
    shown = "; ".join(f"<{e['tag']} class={e['cls']!r}> {e['size']:g} px {e['text']!r}" for e in small[:10])
    assert len(small) == 0, f"{report.html.name}: {len(small)} texts under {MIN_FONT_PX} px at {PHONE_WIDTH} px: {shown}"


@pytest.mark.parametrize("name", REPORTS)
def test_phone_page_never_scrolls_sideways(printed, name):
    report = printed(name)
    found = report.phone_outside
    assert found["scrollWidth"] <= PHONE_WIDTH + 1, (
        f"{report.html.name}: {found['scrollWidth']} px wide on a {PHONE_WIDTH}-px phone; "
        f"outside any scrolling container: {describe_outside(found)}")
    # what sticks out without widening the page is cut off (overflow: hidden): unreadable too
    assert len(found["elements"]) == 0, \
        f"{report.html.name}: cut off at the sides of a {PHONE_WIDTH}-px phone: {describe_outside(found)}"
