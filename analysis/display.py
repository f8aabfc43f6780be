"""HTML building blocks of a report: escaped text, tables, figures, sections.

Everything user-controlled (channel, campaign, manager names, complaint text) is escaped
here, in one place. A :class:`Section` displays its parts in order, so a notebook cell is
one call whose result is the cell's only output.
"""

from __future__ import annotations

import html
import math
import re
from dataclasses import dataclass
from typing import Any, Iterable

import pandas as pd

from .i18n import t


@dataclass(frozen=True)
class Html:
    """A trusted HTML fragment (built only from escaped pieces)."""

    html: str

    def _repr_html_(self) -> str:
        return self.html


def escape(value: object) -> str:
    """HTML-escape any value (quotes too: values may land in attributes)."""
    return html.escape(str(value), quote=True)


def section_id(key: str) -> str:
    return "sec-" + re.sub(r"[^a-z0-9]+", "-", key.lower()).strip("-")


def heading(key: str, lang: str, level: int = 2) -> Html:
    """A translated section heading with a stable anchor (collected into the table of contents)."""
    css = ' class="la-section"' if level == 2 else ""
    return Html(f'<h{level} id="{section_id(key)}"{css}>{escape(t(key, lang))}</h{level}>')


def paragraph(text: str, css: str | None = None) -> Html:
    cls = f' class="{escape(css)}"' if css else ""
    return Html(f"<p{cls}>{escape(text)}</p>")


def callout(text: str, warn: bool = False) -> Html:
    return Html(f'<div class="la-callout{" la-warn" if warn else ""}">{escape(text)}</div>')


def format_number(value: Any, lang: str, digits: int = 0) -> str:
    """The one number formatter: thousands grouped (a narrow space in ru, a comma in en), a decimal comma in
    ru; "—" for a missing, NaN or infinite value."""
    if value is None or value is pd.NA or not math.isfinite(float(value)):  # missing, NaN or infinite
        return "—"
    text = f"{float(value):,.{digits}f}"
    if lang == "ru":
        text = text.replace(",", "\u202f").replace(".", ",")
    return text


def format_date(value: Any, lang: str) -> str:
    """A day as the report's language writes it (31.10.2026 in both); "—" for missing."""
    if value is None or value is pd.NaT:
        return "—"
    return f"{pd.Timestamp(value):%d.%m.%Y}"


def format_share(value: Any, lang: str, digits: int = 1) -> str:
    """A fraction as a percentage."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "—"
    return format_number(100.0 * float(value), lang, digits) + "%"


def table(frame: pd.DataFrame, lang: str, *, digits: int = 1) -> Html:
    """A data frame as an escaped HTML table: numbers right-aligned and formatted for the language."""
    numeric = [pd.api.types.is_numeric_dtype(frame[c]) and not pd.api.types.is_bool_dtype(frame[c])
               for c in frame.columns]
    head = "".join(f'<th class="{"num" if n else "text"}">{escape(c)}</th>' for c, n in zip(frame.columns, numeric))
    rows = []
    for values in frame.itertuples(index=False):
        cells = []
        for value, is_number, column in zip(values, numeric, frame.columns):
            if is_number:
                places = 0 if pd.api.types.is_integer_dtype(frame[column]) else digits
                cells.append(f'<td class="num">{escape(format_number(value, lang, places))}</td>')
            else:
                shown = "—" if value is None or value is pd.NA or (isinstance(value, float) and math.isnan(value)) \
                    else value
                # long unbroken tokens (hashes, paths) may wrap anywhere; words wrap only between them
                long = isinstance(shown, str) and any(len(token) > 28 for token in shown.split())
                cells.append(f'<td class="{"text long" if long else "text"}">{escape(shown)}</td>')
        rows.append("<tr>" + "".join(cells) + "</tr>")
    # a wide table scrolls inside its own box on a phone (the page does not), and fits the page in print
    return Html(f'<div class="la-scroll"><table class="la-table"><thead><tr>{head}</tr></thead>'
                f'<tbody>{"".join(rows)}</tbody></table></div>')


def figure(chart: Any, alt: str, css: str = "") -> Html:
    """A matplotlib figure as an embedded PNG with alt text (no file, no network, any backend)."""
    import base64
    import io

    buffer = io.BytesIO()
    chart.savefig(buffer, format="png", dpi=chart.dpi)
    encoded = base64.b64encode(buffer.getvalue()).decode("ascii")
    return Html(f'<figure class="la-figure {escape(css)}"><div class="la-scroll"><img src="data:image/png;base64,{encoded}" '
                f'alt="{escape(alt)}"/></div></figure>')


@dataclass(frozen=True)
class Section:
    """A report section: its parts are displayed in order when the section is displayed."""

    parts: tuple[Any, ...]

    def _ipython_display_(self) -> None:
        from IPython.display import display

        for part in self.parts:
            display(part)

    def html(self) -> str:
        """The HTML of the text parts (tests, snapshots); figures are left out."""
        return "\n".join(part.html for part in self.parts if isinstance(part, Html))


def section(*parts: Any | Iterable[Any]) -> Section:
    flat: list[Any] = []
    for part in parts:
        if isinstance(part, (list, tuple)):
            flat.extend(p for p in part if p is not None)
        elif part is not None:
            flat.append(part)
    return Section(tuple(flat))


# --------------------------------------------------------------------------- what a manager reads first

#: which way is good for a figure: +1 higher is better, −1 lower is better, 0 neither (spend)
TONES = ("good", "bad", "neutral", "muted")


def format_money(value: Any, lang: str) -> str:
    """Money as a person says it: «8,4 млн ₽», «46 817 ₽» (ru); «₽8.4M», «₽46,817» (en)."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "—"
    value = float(value)
    if abs(value) >= 1e6:
        number = format_number(value / 1e6, lang, 1 if abs(value) < 1e8 else 0)
        return f"{number}\u00a0млн\u00a0₽" if lang == "ru" else f"₽{number}M"
    number = format_number(value, lang)
    return f"{number}\u00a0₽" if lang == "ru" else f"₽{number}"


def points(value: float | None, lang: str, digits: int = 1) -> str:
    """A difference of two shares in percentage points, no sign: «20,1 п.п.» / «20.1 pts»."""
    if value is None:
        return "—"
    return format_number(abs(value) * 100, lang, digits) + ("\u00a0п.п." if lang == "ru" else "\u00a0pts")


def tone(difference: float | None, higher_is_better: int, beyond_noise: bool = True) -> str:
    """``good``/``bad`` when a difference is beyond noise and its direction matters; else ``neutral``."""
    if difference is None or not beyond_noise or not higher_is_better or difference == 0:
        return "neutral"
    return "good" if difference * higher_is_better > 0 else "bad"


def sparkline(values: list[float | None], css_tone: str = "neutral", width: int = 96, height: int = 26) -> str:
    """An inline SVG line of a figure's recent history (the last value marked); "" under 3 values."""
    known = [(i, float(v)) for i, v in enumerate(values) if v is not None and not math.isnan(float(v))]
    if len(known) < 3:
        return ""
    low, high = min(v for _, v in known), max(v for _, v in known)
    span = (high - low) or 1.0
    step = (width - 6) / max(len(values) - 1, 1)
    xy = [(3 + i * step, height - 3 - (v - low) / span * (height - 6)) for i, v in known]
    path = " ".join(f"{x:.1f},{y:.1f}" for x, y in xy)
    last_x, last_y = xy[-1]
    return (f'<svg class="la-spark la-{css_tone}" width="{width}" height="{height}" viewBox="0 0 {width} {height}" '
            f'aria-hidden="true"><polyline points="{path}" fill="none" stroke-width="1.6"/>'
            f'<circle cx="{last_x:.1f}" cy="{last_y:.1f}" r="2.4"/></svg>')


def kpi_tile(value: str, label: str, change: str, css_tone: str, badge: str = "", spark: str = "") -> str:
    """One KPI card: its colour says good or bad for the business, the badge says whether it is noise."""
    badge_html = f'<span class="la-badge">{escape(badge)}</span>' if badge else ""
    return (f'<div class="la-kpi la-{css_tone}"><div class="la-kpi-label">{escape(label)}</div>'
            f'<div class="la-kpi-value">{escape(value)}</div>{spark}'
            f'<div class="la-kpi-change">{escape(change)} {badge_html}</div></div>')


OWNERS = ("marketing", "sales", "management")


def summary_block(lang: str, *, answer: str, answer_tone: str, lines: list[str], numbers: list[tuple[str, str, str]],
                  actions: list[tuple[str, str]], quote: str | None = None, title: str | None = None,
                  note: str | None = None, tiles: str = "") -> Html:
    """The 30-second summary at the top of a report: the answer, three numbers (or KPI tiles), the
    actions with owners.

    ``numbers``: (value, what it is, tone); ``actions``: (owner — one of :data:`OWNERS`, text).
    """
    parts = [f'<h2 id="sec-summary" class="la-section">{escape(title or t("summary.title", lang))}</h2>']
    if quote:
        parts.append(f'<p class="la-complaint">{escape(quote)}</p>')
    parts.append(f'<div class="la-answer la-{answer_tone}">{escape(answer)}</div>')
    parts += [f'<p class="la-lead">{escape(line)}</p>' for line in lines if line]
    if numbers:
        cells = "".join(f'<div class="la-number la-{css_tone}"><div class="la-number-value">{escape(value)}</div>'
                        f'<div class="la-number-label">{escape(label)}</div></div>' for value, label, css_tone in numbers)
        parts.append(f'<div class="la-numbers">{cells}</div>')
    if tiles:
        parts.append(tiles)
    if actions:
        items = "".join(f'<li><span class="la-owner la-owner-{escape(owner)}">{escape(t("owner.who." + owner, lang))}'
                        f'</span> {escape(text)}</li>' for owner, text in actions)
        parts.append(f'<h3>{escape(t("summary.actions", lang))}</h3><ol class="la-todo">{items}</ol>')
    if note:
        parts.append(f'<p class="la-note">{escape(note)}</p>')
    return Html(f'<section class="la-summary">{"".join(parts)}</section>')


def interval_bar(point: float | None, low: float | None, high: float | None, axis: tuple[float, float],
                 css_tone: str, width: int = 220, height: int = 22) -> str:
    """A row's estimate and interval drawn inline on a shared axis, zero marked (GrowthBook-style)."""
    if point is None or low is None or high is None:
        return ""
    start, end = axis
    span = (end - start) or 1.0

    def x(value: float) -> float:
        return 4 + (min(max(value, start), end) - start) / span * (width - 8)

    zero = x(0.0)
    return (f'<svg class="la-ci la-{css_tone}" width="{width}" height="{height}" viewBox="0 0 {width} {height}" '
            f'aria-hidden="true"><line class="la-ci-zero" x1="{zero:.1f}" y1="2" x2="{zero:.1f}" y2="{height - 2}"/>'
            f'<rect x="{x(low):.1f}" y="{height / 2 - 4:.1f}" width="{max(x(high) - x(low), 2):.1f}" height="8" rx="3"/>'
            f'<circle cx="{x(point):.1f}" cy="{height / 2:.1f}" r="3.6"/></svg>')


def glossary(keys: list[str], lang: str) -> Section:
    """The words of method the report uses, each with one line on what it means for the decision."""
    items = "".join(f'<div class="la-term"><dt>{escape(t("gloss." + key, lang))}</dt>'
                    f'<dd>{escape(t("gloss." + key + ".means", lang))}</dd></div>' for key in keys)
    return section(heading("section.glossary", lang), Html(f'<dl class="la-glossary">{items}</dl>'))
