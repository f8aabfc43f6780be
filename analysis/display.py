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
    """Thousands grouped (a thin space in ru, comma in en); "—" for missing."""
    if value is None or (isinstance(value, float) and math.isnan(value)) or value is pd.NA:
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
    return Html(f'<table class="la-table"><thead><tr>{head}</tr></thead><tbody>{"".join(rows)}</tbody></table>')


def figure(chart: Any, alt: str) -> Html:
    """A matplotlib figure as an embedded PNG with alt text (no file, no network, any backend)."""
    import base64
    import io

    buffer = io.BytesIO()
    chart.savefig(buffer, format="png", dpi=chart.dpi)
    encoded = base64.b64encode(buffer.getvalue()).decode("ascii")
    return Html(f'<figure class="la-figure"><img src="data:image/png;base64,{encoded}" alt="{escape(alt)}"/></figure>')


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
