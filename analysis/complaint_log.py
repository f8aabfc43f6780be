"""The complaint log: ``index.html`` in a reports folder, one offline page listing every report there.

Built from the JSON summaries alone (never from the HTML), so ``leadaudit index --out DIR`` rebuilds it
at any time and a deleted report simply drops out. Each row: the run date, the job, its scope, the
complaint as sales worded it (escaped), the verdict or decision and a link. Above the list, recurring
complaints: how often each channel and claim came up and how often the data supported it.
"""

from __future__ import annotations

import html
import json
import re
from collections import Counter
from pathlib import Path
from typing import Any

from .display import format_date
from .i18n import t
from .jobs import scope_shown
from .registry import JOBS

INDEX_NAME = "index.html"
#: a report's JSON: <run date>-<job>-<slug>-<hash>.json, as report.report_name names it
REPORT_FILE = re.compile(r"^(\d{4}-\d{2}-\d{2})-([a-z]+)-.*-[0-9a-f]{6}\.json$")
SUPPORTED = ("supported", "partly_supported")

STYLE = """
body { font-family: "Segoe UI", "Helvetica Neue", Arial, "Liberation Sans", sans-serif; color: #1f2933;
  max-width: 1100px; margin: 0 auto; padding: 16px 24px 48px; }
h1 { font-size: 26px; margin: 8px 0 4px; } h2 { font-size: 19px; margin-top: 24px; }
.brand { font-size: 12px; letter-spacing: .12em; text-transform: uppercase; color: #1d4e89; font-weight: 600; }
.note { color: #52606d; font-size: 13px; }
.scroll { overflow-x: auto; }
table { border-collapse: collapse; font-size: 14px; width: 100%; }
th, td { text-align: left; padding: 5px 10px; border-bottom: 1px solid #e4e7eb; vertical-align: top; }
th { background: #f5f7fa; border-bottom: 2px solid #cbd2d9; }
td.num { text-align: right; font-variant-numeric: tabular-nums; }
.tag { display: inline-block; padding: 1px 8px; border-radius: 10px; font-size: 12px; font-weight: 600; }
.bad { background: #fde8e8; color: #9b1c1c; } .good { background: #def7ec; color: #03543f; }
.neutral { background: #edf2f7; color: #2d3748; } .mixed { background: #fdf6b2; color: #723b13; }
.complaint { font-style: italic; color: #3e4c59; }
a { color: #1d4e89; }
@page { size: A4; margin: 12mm; }
"""

TONE = {"supported": "bad", "partly_supported": "mixed", "not_supported": "good", "insufficient_data": "neutral",
        "adopt_variant": "good", "keep_control": "neutral", "inconclusive": "neutral"}


def _read(path: Path) -> dict[str, Any] | None:
    """A report's summary, or None for a file that is not one (or cannot be read)."""
    match = REPORT_FILE.match(path.name)
    if not match or not path.with_suffix(".html").is_file():
        return None
    try:
        summary = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if not isinstance(summary, dict) or summary.get("job") not in JOBS or not isinstance(summary.get("parameters"), dict):
        return None
    return {"date": match.group(1), "name": path.stem, **summary}


def entries(out: Path) -> list[dict[str, Any]]:
    """Every report in ``out``, newest first (run date, then the file's name)."""
    found = [entry for path in out.glob("*.json") if (entry := _read(path)) is not None]
    return sorted(found, key=lambda e: (e["date"], e["name"]), reverse=True)


def recurring(found: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Complaints by channel and claim: how many diagnoses, how many supported (fully or partly)."""
    times, supported = Counter(), Counter()
    for entry in found:
        if entry["job"] != "diagnose":
            continue
        params = entry["parameters"]
        channels = params.get("channel") or ["—"]
        for channel in channels:
            key = (str(channel), str(params.get("claim", "general")))
            times[key] += 1
            supported[key] += entry.get("verdict") in SUPPORTED
    return [{"channel": channel, "claim": claim, "times": count, "supported": supported[(channel, claim)]}
            for (channel, claim), count in sorted(times.items(), key=lambda item: (-item[1], item[0]))]


def _outcome(entry: dict[str, Any], lang: str) -> tuple[str, str]:
    if entry["job"] == "diagnose" and entry.get("verdict"):
        return t(f"dx.verdict.{entry['verdict']}", lang), TONE.get(entry["verdict"], "neutral")
    if entry["job"] == "experiment" and entry.get("decision"):
        return t(f"ex.decision.{entry['decision']}", lang), TONE.get(entry["decision"], "neutral")
    if entry["job"] == "monitor" and isinstance(entry.get("figures"), dict):
        alerts = len(entry["figures"].get("alerts") or [])
        return t("log.outcome.monitor", lang, n=alerts), "bad" if alerts else "good"
    return "—", "neutral"


def render(found: list[dict[str, Any]], lang: str) -> str:
    e = html.escape
    rows = []
    for entry in found:
        params = entry["parameters"]
        try:
            scope = scope_shown(entry["job"], params, lang)
        except Exception:  # noqa: BLE001 - a summary from another version: show what it has
            scope = ""
        outcome, tone = _outcome(entry, lang)
        complaint = params.get("complaint") or ""
        rows.append(
            f'<tr><td>{e(format_date(entry["date"], lang))}</td><td>{e(t("title." + entry["job"], lang))}</td><td>{e(scope)}</td>'
            f'<td class="complaint">{e(complaint)}</td><td><span class="tag {tone}">{e(outcome)}</span></td>'
            f'<td><a href="{e(entry["name"])}.html">{e(t("log.open", lang))}</a></td></tr>')
    table = ('<div class="scroll"><table><thead><tr>' + "".join(
        f"<th>{e(t(key, lang))}</th>" for key in ("log.col.date", "log.col.job", "log.col.scope", "log.col.complaint",
                                                  "log.col.outcome", "log.col.link"))
        + f'</tr></thead><tbody>{"".join(rows)}</tbody></table></div>') if rows else f'<p>{e(t("log.empty", lang))}</p>'
    repeats = recurring(found)
    summary = ""
    if repeats:
        lines = "".join(
            f'<tr><td>{e(r["channel"])}</td><td>{e(r["claim"])}</td><td class="num">{r["times"]}</td>'
            f'<td class="num">{r["supported"]}</td></tr>' for r in repeats)
        summary = (f'<h2>{e(t("log.recurring", lang))}</h2><div class="scroll"><table><thead><tr>'
                   f'<th>{e(t("log.col.channel", lang))}</th><th>{e(t("log.col.claim", lang))}</th>'
                   f'<th>{e(t("log.col.times", lang))}</th><th>{e(t("log.col.supported", lang))}</th></tr></thead>'
                   f'<tbody>{lines}</tbody></table></div>')
    return (f'<!DOCTYPE html><html lang="{e(lang)}"><head><meta charset="utf-8">'
            f'<meta name="viewport" content="width=device-width, initial-scale=1">'
            f'<title>{e(t("log.title", lang))}</title><style>{STYLE}</style></head><body>'
            f'<div class="brand">leadaudit</div><h1>{e(t("log.title", lang))}</h1>'
            f'<p class="note">{e(t("log.note", lang, n=len(found)))}</p>{summary}'
            f'<h2>{e(t("log.reports", lang))}</h2>{table}</body></html>')


def build_index(out: str | Path, lang: str = "ru") -> Path:
    """Write ``index.html`` in ``out`` from the summaries there (atomically) and return its path."""
    from .report import atomic_write

    out = Path(out)
    path = out / INDEX_NAME
    atomic_write(path, render(entries(out), lang).encode("utf-8"))
    return path
