"""The mapping file: which raw header is which canonical column, and what raw values mean.

A mapping is read from YAML into a frozen :class:`Mapping`. The package ships mappings for
amoCRM deal exports, Bitrix24 lead and deal exports and its own sample
(``analysis/mappings/*.yaml``); :func:`detect_mapping` picks one from a file's headers when
the user gives none.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml

from .config import CANONICAL_STAGES, MAPPINGS_DIR, STAGES
from .errors import InputFileError, MappingError
from .reasons import OWNERS, REASONS, Reason
from .worktime import country_of_timezone

#: Canonical columns of the lead table and of the spend table.
LEAD_COLUMNS = (
    "lead_id", "created_at", "channel", "campaign", "model", "manager",
    "first_response_at", "response_minutes", "first_contact_at", "lead_type",
    "call_attempts", "stage", "disqualification_reason", "deal_amount",
    "phone", "email", "name", "budget", "purchase_horizon",
    "contacted", "qualified", "visited", "won", "utm_source", "arm",
)
SPEND_COLUMNS = ("date", "channel", "campaign", "spend", "impressions", "clicks")
REQUIRED_LEAD_COLUMNS = ("lead_id", "stage")
#: what a built-in mapping must find to be picked from the headers (a user-level A/B file with
#: no channel column is read with a mapping file of its own)
DETECTED_LEAD_COLUMNS = ("lead_id", "channel", "stage")
REQUIRED_SPEND_COLUMNS = ("date", "channel", "spend")
#: Columns where every matching header is used (first non-empty wins): exports carry
#: several phone and e-mail fields, and any of them links a repeat lead to its person.
MULTI_HEADER_COLUMNS = ("phone", "email", "name")

DEFAULT_PLACEHOLDERS = (
    "", "-", "—", "–", "select", "не указано", "не указан", "не выбрано", "null",
    "none", "nan", "n/a", "#n/a",
)
LEAD_TYPES = ("call", "missed_call", "form", "chat", "marketplace", "other")
TOP_LEVEL_KEYS = (
    "name", "detect", "columns", "values", "placeholders", "dayfirst", "timezone",
    "currency", "sheet", "settings", "criteria", "reasons",
)
DEFAULT_MATURITY = {"contacted": 2, "qualified": 14, "visit": 30, "deal": 90}


def normalize_label(text: object) -> str:
    """Fold a header or a value for matching: trim, case-fold, ё→е, single spaces."""
    folded = str(text).replace("\u00a0", " ").strip().casefold().replace("ё", "е")
    return re.sub(r"\s+", " ", folded)


@dataclass(frozen=True)
class Settings:
    """Analysis settings of a mapping (repeat leads ``settings``); CLI options override them."""

    working_hours: str = "09:00-21:00"
    holidays_closed: bool = False
    #: ISO code of the public-holiday calendar; "" until parsed (then the timezone's country), "none" for none
    holiday_country: str = ""
    first_response_is_contact: bool = False
    maturity_days: dict[str, int] = field(default_factory=lambda: dict(DEFAULT_MATURITY))
    repeat_window_days: int = 30
    min_attempts: int = 3

    def opening_minutes(self) -> tuple[int, int]:
        """Opening and closing time as minutes after midnight, validated."""
        return parse_working_hours(self.working_hours)


def parse_working_hours(text: str) -> tuple[int, int]:
    """Parse ``"09:00-21:00"`` into (540, 1260); raise :class:`MappingError` otherwise."""
    match = re.fullmatch(r"\s*(\d{1,2}):(\d{2})\s*[-–]\s*(\d{1,2}):(\d{2})\s*", str(text))
    if not match:
        raise MappingError(
            f"working hours «{text}» are not of the form HH:MM-HH:MM",
            hint='write them as "09:00-21:00"',
        )
    h1, m1, h2, m2 = (int(part) for part in match.groups())
    start, end = h1 * 60 + m1, h2 * 60 + m2
    if not (0 <= start < end <= 24 * 60) or m1 > 59 or m2 > 59:
        raise MappingError(
            f"working hours «{text}» must open before they close within one day",
            hint='e.g. "09:00-21:00"; overnight shifts are not supported',
        )
    return start, end


@dataclass(frozen=True)
class Criteria:
    """What makes a lead target without asking sales (quiz answers)."""

    budget_min: float | None = None
    purchase_horizon: tuple[str, ...] = ()
    models: tuple[str, ...] = ()


@dataclass(frozen=True)
class Mapping:
    """A resolved mapping: raw headers and values to the canonical table.

    Attributes
    ----------
    name
        Short name, e.g. ``amocrm`` or the file's stem.
    source
        Where it came from: a path, or ``built-in``.
    columns
        Canonical column → raw header alternatives (the first present wins; a trailing
        ``*`` matches a prefix, for headers such as «Бюджет ₽»).
    values
        Canonical column → {normalised raw value: canonical value}.
    placeholders
        Normalised raw values that mean "missing".
    detect
        Headers whose presence identifies this export (built-in mappings).
    lines
        ``section/key`` → line number in the YAML, for error messages.
    """

    name: str
    source: str
    columns: dict[str, tuple[str, ...]]
    values: dict[str, dict[str, str]] = field(default_factory=dict)
    placeholders: frozenset[str] = frozenset(DEFAULT_PLACEHOLDERS)
    dayfirst: bool = True
    timezone: str = "Europe/Moscow"
    currency: str = "RUB"
    sheet: str | None = None
    settings: Settings = field(default_factory=Settings)
    criteria: Criteria | None = None
    reasons: dict[str, Reason] = field(default_factory=lambda: dict(REASONS))
    detect: tuple[str, ...] = ()
    lines: dict[str, int] = field(default_factory=dict, compare=False)

    def line_of(self, key: str) -> str:
        """``" (line N)"`` for a ``section/key`` of the YAML, or ``""`` when unknown."""
        line = self.lines.get(key)
        return f" (line {line})" if line else ""

    def with_settings(self, **overrides: Any) -> "Mapping":
        """A copy with some settings replaced (CLI options override the mapping)."""
        clean = {key: value for key, value in overrides.items() if value is not None}
        if not clean:
            return self
        settings = replace(self.settings, **clean)
        settings.opening_minutes()
        return replace(self, settings=settings)

    def to_dict(self) -> dict[str, Any]:
        """Plain data that :func:`mapping_from_dict` turns back into this mapping."""
        return {
            "name": self.name,
            "source": self.source,
            "columns": {key: list(value) for key, value in self.columns.items()},
            "values": self.values,
            "placeholders": sorted(self.placeholders),
            "dayfirst": self.dayfirst,
            "timezone": self.timezone,
            "currency": self.currency,
            "sheet": self.sheet,
            "settings": {
                "working_hours": self.settings.working_hours,
                "holidays_closed": self.settings.holidays_closed,
                "holiday_country": self.settings.holiday_country,
                "first_response_is_contact": self.settings.first_response_is_contact,
                "maturity_days": dict(self.settings.maturity_days),
                "repeat_window_days": self.settings.repeat_window_days,
                "min_attempts": self.settings.min_attempts,
            },
            "criteria": None if self.criteria is None else {
                "budget_min": self.criteria.budget_min,
                "purchase_horizon": list(self.criteria.purchase_horizon),
                "models": list(self.criteria.models),
            },
            "reasons": {code: {"owner": r.owner, "implies": r.implies} for code, r in self.reasons.items()},
            "detect": list(self.detect),
        }


def mapping_from_dict(data: dict[str, Any]) -> Mapping:
    """Inverse of :meth:`Mapping.to_dict` (used for the snapshot handed to the kernel)."""
    settings = Settings(**data["settings"])
    criteria = None
    if data.get("criteria"):
        c = data["criteria"]
        criteria = Criteria(c["budget_min"], tuple(c["purchase_horizon"]), tuple(c["models"]))
    return Mapping(
        name=data["name"], source=data["source"],
        columns={key: tuple(value) for key, value in data["columns"].items()},
        values=data["values"], placeholders=frozenset(data["placeholders"]),
        dayfirst=data["dayfirst"], timezone=data["timezone"], currency=data["currency"],
        sheet=data["sheet"], settings=settings, criteria=criteria,
        reasons={code: Reason(code, r["owner"], r["implies"]) for code, r in data["reasons"].items()},
        detect=tuple(data["detect"]),
    )


# --------------------------------------------------------------------------- YAML parsing

# the built-in mappings, known to be valid, are parsed with libyaml when PyYAML has it (its
# wheels do): in pure Python the six took 0.19 s, twice per run, before a lead was read.
# A user's file keeps the pure-Python parser, whose error messages name the line best.
_FAST_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def _key_lines(text: str, loader: type = yaml.SafeLoader) -> dict[str, int]:
    """Line numbers of top-level keys and of their direct children (``section/key``)."""
    lines: dict[str, int] = {}
    try:
        node = yaml.compose(text, Loader=loader)
    except yaml.YAMLError:
        return lines
    if not isinstance(node, yaml.MappingNode):
        return lines
    for key_node, value_node in node.value:
        section = str(key_node.value)
        lines[section] = key_node.start_mark.line + 1
        if isinstance(value_node, yaml.MappingNode):
            for child_key, _ in value_node.value:
                lines[f"{section}/{child_key.value}"] = child_key.start_mark.line + 1
    return lines


class _NoAliasLoader(yaml.SafeLoader):
    """A safe loader that refuses YAML aliases (``*name``): a mapping never needs one, and a
    646-byte chain of them expands to gigabytes ("billion laughs")."""

    def compose_node(self, parent, index):  # type: ignore[override]
        if self.check_event(yaml.AliasEvent):
            event = self.peek_event()
            raise yaml.composer.ComposerError(None, None, "YAML aliases (*name) are not allowed in a mapping file",
                                              event.start_mark)
        return super().compose_node(parent, index)


MAX_MAPPING_BYTES = 1 << 20  # a mapping is a page of text; a larger file is not one


def load_mapping(path: str | Path, *, _loader: type = _NoAliasLoader) -> Mapping:
    """Read and validate a mapping file.

    Parameters
    ----------
    path
        A YAML file in the format of repeat leads.

    Returns
    -------
    Mapping

    Raises
    ------
    MappingError
        The file is missing, not YAML, not a mapping, or has an unknown key or value;
        the message names the line.
    """
    path = Path(path)
    if not path.is_file():
        raise InputFileError("the mapping file does not exist", file=str(path),
                             hint="check the path given to --mapping")
    if path.stat().st_size > MAX_MAPPING_BYTES:
        raise MappingError(f"the mapping file is larger than {MAX_MAPPING_BYTES // 1024} KiB: it is not a mapping",
                           file=str(path), hint="give the YAML mapping file (see README «How to write a mapping file»)")
    try:
        text = path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError:
        try:
            text = path.read_text(encoding="cp1251")
        except UnicodeDecodeError as error:  # pragma: no cover - cp1251 decodes almost anything
            raise MappingError("the mapping file is not text", file=str(path)) from error
    try:
        data = yaml.load(text, Loader=_loader)
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        where = f" at line {mark.line + 1}, column {mark.column + 1}" if mark else ""
        problem = getattr(error, "problem", None) or "not valid YAML"
        raise MappingError(
            f"the mapping file is not valid YAML{where}: {problem}", file=str(path),
            hint="write each value out instead of an alias" if "alias" in str(problem) else
            "check indentation and quotes there; values with ':' or '#' need quotes",
        ) from None
    return parse_mapping(data, name=path.stem, source=str(path), lines=_key_lines(text, _loader))


def _as_tuple_of_str(value: Any, what: str, source: str, line: str) -> tuple[str, ...]:
    if isinstance(value, (str, int)) and not isinstance(value, bool):
        return (str(value),)
    if isinstance(value, list) and value and all(isinstance(item, (str, int)) for item in value):
        return tuple(str(item) for item in value)
    raise MappingError(f"{what}{line} must be a header name or a list of header names, not {value!r}",
                       file=source, hint=f'e.g. {what.split("/")[-1]}: "Дата создания"')


def parse_mapping(data: Any, *, name: str, source: str, lines: dict[str, int] | None = None) -> Mapping:
    """Validate parsed YAML (see :func:`load_mapping`)."""
    lines = lines or {}

    def at(key: str) -> str:
        return f" (line {lines[key]})" if key in lines else ""

    if not isinstance(data, dict):
        raise MappingError(
            f"the mapping file must be a YAML mapping with a «columns:» section, not {type(data).__name__}",
            file=source, hint="start from the example in README.md («How to write a mapping file»)",
        )
    unknown = [key for key in data if key not in TOP_LEVEL_KEYS]
    if unknown:
        raise MappingError(
            f"unknown section «{unknown[0]}»{at(str(unknown[0]))}", file=source,
            hint=f"known sections: {', '.join(TOP_LEVEL_KEYS)}",
        )
    raw_columns = data.get("columns")
    if not isinstance(raw_columns, dict) or not raw_columns:
        raise MappingError("the mapping has no «columns:» section", file=source,
                           hint='add e.g.\ncolumns:\n  lead_id: "ID"\n  channel: "Источник"\n  stage: "Статус"')
    known_columns = set(LEAD_COLUMNS) | set(SPEND_COLUMNS)
    columns: dict[str, tuple[str, ...]] = {}
    for canonical, raw in raw_columns.items():
        if canonical not in known_columns:
            raise MappingError(
                f"«{canonical}»{at('columns/' + str(canonical))} is not a canonical column", file=source,
                hint=f"canonical columns: {', '.join(sorted(known_columns))}",
            )
        columns[canonical] = _as_tuple_of_str(raw, f"columns/{canonical}", source, at(f"columns/{canonical}"))

    reasons = dict(REASONS)
    for code, spec in (data.get("reasons") or {}).items():
        line = at(f"reasons/{code}")
        if not isinstance(spec, dict):
            raise MappingError(f"reason «{code}»{line} must have «owner» and «implies»", file=source,
                               hint=f"{code}: {{owner: sales, implies: qualified}}")
        base = reasons.get(str(code), Reason(str(code), "unknown", "contacted"))
        owner = str(spec.get("owner", base.owner))
        implies = str(spec.get("implies", base.implies))
        if owner not in OWNERS:
            raise MappingError(f"reason «{code}»{line}: owner «{owner}» is not one of {', '.join(OWNERS)}",
                               file=source)
        if implies not in STAGES:
            raise MappingError(f"reason «{code}»{line}: implies «{implies}» is not one of {', '.join(STAGES)}",
                               file=source)
        reasons[str(code)] = Reason(str(code), owner, implies)

    values: dict[str, dict[str, str]] = {}
    raw_values = data.get("values") or {}
    if not isinstance(raw_values, dict):
        raise MappingError(f"«values»{at('values')} must map a column to {{raw: canonical}}", file=source)
    for canonical, table in raw_values.items():
        line = at(f"values/{canonical}")
        if canonical not in known_columns:
            raise MappingError(f"values for «{canonical}»{line}: not a canonical column", file=source,
                               hint=f"canonical columns: {', '.join(sorted(known_columns))}")
        if not isinstance(table, dict):
            raise MappingError(f"values for «{canonical}»{line} must be {{raw value: canonical value}}",
                               file=source, hint='e.g. stage: {"Успешно реализовано": deal}')
        folded = {normalize_label(raw): str(target) for raw, target in table.items()}
        allowed = _allowed_values(canonical, reasons)
        if allowed is not None:
            for raw, target in table.items():
                if str(target) not in allowed:
                    raise MappingError(
                        f"values/{canonical}{line}: «{raw}» maps to «{target}», which is not one of "
                        f"{', '.join(allowed)}", file=source,
                        hint=f"use one of: {', '.join(allowed)}",
                    )
        values[str(canonical)] = folded

    placeholders = set(DEFAULT_PLACEHOLDERS)
    extra = data.get("placeholders") or []
    if not isinstance(extra, list):
        raise MappingError(f"«placeholders»{at('placeholders')} must be a list", file=source,
                           hint='placeholders: ["Select", "-"]')
    placeholders.update(normalize_label(item) for item in extra)

    settings = _parse_settings(data.get("settings") or {}, source, at)
    timezone = str(data.get("timezone") or "Europe/Moscow")
    if not settings.holiday_country:  # the dealership's calendar is its timezone's country's (none for UTC)
        settings = replace(settings, holiday_country=country_of_timezone(timezone) or "none")
    criteria = _parse_criteria(data.get("criteria"), source, at)
    sheet = data.get("sheet")
    return Mapping(
        name=str(data.get("name") or name), source=source, columns=columns, values=values,
        placeholders=frozenset(placeholders), dayfirst=bool(data.get("dayfirst", True)),
        timezone=timezone, currency=str(data.get("currency") or "RUB"),
        sheet=None if sheet is None else str(sheet), settings=settings, criteria=criteria,
        reasons=reasons, detect=tuple(str(h) for h in (data.get("detect") or [])), lines=lines,
    )


def _allowed_values(canonical: str, reasons: dict[str, Reason]) -> tuple[str, ...] | None:
    if canonical == "stage":
        return CANONICAL_STAGES
    if canonical == "disqualification_reason":
        return tuple(reasons)
    if canonical == "lead_type":
        return LEAD_TYPES
    if canonical in ("contacted", "qualified", "visited", "won"):
        return ("true", "false", "True", "False")
    return None


def _parse_settings(raw: Any, source: str, at: Any) -> Settings:
    if not isinstance(raw, dict):
        raise MappingError(f"«settings»{at('settings')} must be a mapping", file=source)
    defaults = Settings()
    known = set(defaults.__dataclass_fields__)
    for key in raw:
        if key not in known:
            raise MappingError(f"unknown setting «{key}»{at('settings/' + str(key))}", file=source,
                               hint=f"known settings: {', '.join(sorted(known))}")
    maturity = dict(DEFAULT_MATURITY)
    if "maturity_days" in raw:
        given = raw["maturity_days"]
        if not isinstance(given, dict):
            raise MappingError(f"settings/maturity_days{at('settings/maturity_days')} must map stage to days",
                               file=source, hint="maturity_days: {contacted: 2, qualified: 14, visit: 30, deal: 90}")
        for stage, days in given.items():
            if stage not in DEFAULT_MATURITY or not isinstance(days, int) or days < 0:
                raise MappingError(
                    f"settings/maturity_days{at('settings/maturity_days')}: «{stage}: {days}» — stages are "
                    f"{', '.join(DEFAULT_MATURITY)} and days a whole number ≥ 0", file=source)
            maturity[stage] = days
    def integer(key: str, low: int) -> int:
        value = raw.get(key, getattr(defaults, key))
        if not isinstance(value, int) or isinstance(value, bool) or value < low:
            raise MappingError(f"settings/{key}{at('settings/' + key)} must be a whole number ≥ {low}, not {value!r}",
                               file=source)
        return value
    settings = Settings(
        working_hours=str(raw.get("working_hours", defaults.working_hours)),
        holidays_closed=bool(raw.get("holidays_closed", defaults.holidays_closed)),
        holiday_country=_holiday_country(raw.get("holiday_country")),
        first_response_is_contact=bool(raw.get("first_response_is_contact", defaults.first_response_is_contact)),
        maturity_days=maturity,
        repeat_window_days=integer("repeat_window_days", 0),
        min_attempts=integer("min_attempts", 1),
    )
    try:
        settings.opening_minutes()
    except MappingError as error:
        raise MappingError(f"settings/working_hours{at('settings/working_hours')}: {error.message}",
                           file=source, hint=error.hint) from None
    return settings


def _holiday_country(value: Any) -> str:
    """``settings.holiday_country``: an ISO code, ``none`` (no calendar), or unset ("": the timezone's)."""
    if value is None or str(value).strip() == "":
        return ""
    text = str(value).strip()
    return "none" if value is False or text.casefold() in ("none", "no", "false", "-") else text.upper()


def _parse_criteria(raw: Any, source: str, at: Any) -> Criteria | None:
    if raw is None:
        return None
    if not isinstance(raw, dict):
        raise MappingError(f"«criteria»{at('criteria')} must be a mapping", file=source)
    budget = raw.get("budget_min")
    if budget is not None and (not isinstance(budget, (int, float)) or budget < 0):
        raise MappingError(f"criteria/budget_min{at('criteria/budget_min')} must be a number ≥ 0", file=source)
    def listed(key: str) -> tuple[str, ...]:
        value = raw.get(key) or []
        if isinstance(value, str):
            value = [value]
        return tuple(normalize_label(item) for item in value)
    return Criteria(None if budget is None else float(budget), listed("purchase_horizon"), listed("models"))


# --------------------------------------------------------------------------- built-ins

def builtin_mappings() -> dict[str, Mapping]:
    """The mappings shipped with the package, by name (read once per process)."""
    return dict(_builtin_mappings())


@lru_cache(maxsize=1)
def _builtin_mappings() -> dict[str, Mapping]:
    found = {}
    for path in sorted(MAPPINGS_DIR.glob("*.yaml")):
        mapping = load_mapping(path, _loader=_FAST_LOADER)
        found[mapping.name] = replace(mapping, source=f"built-in:{mapping.name}")
    return found


def resolve_header(headers: list[str], alternatives: tuple[str, ...]) -> int | None:
    """Index of the header matching the first present alternative (last occurrence wins).

    amoCRM repeats headers such as «Источник» (contact field, then the deal's own); the deal's
    own is the last one, so a repeated header resolves to its last occurrence.
    """
    folded = [normalize_label(header) for header in headers]
    for alternative in alternatives:
        wanted = normalize_label(alternative)
        if wanted.endswith("*"):
            prefix = wanted[:-1].strip()
            hits = [i for i, header in enumerate(folded) if header.startswith(prefix)]
        else:
            hits = [i for i, header in enumerate(folded) if header == wanted]
        if hits:
            return hits[-1]
    return None


def resolve_all_headers(headers: list[str], alternatives: tuple[str, ...]) -> list[int]:
    """Indices of every header matching any alternative, in the alternatives' order."""
    folded = [normalize_label(header) for header in headers]
    found: list[int] = []
    for alternative in alternatives:
        wanted = normalize_label(alternative)
        for i, header in enumerate(folded):
            match = header.startswith(wanted[:-1].strip()) if wanted.endswith("*") else header == wanted
            if match and i not in found:
                found.append(i)
    return found


def score_mapping(mapping: Mapping, headers: list[str], required: tuple[str, ...]) -> int | None:
    """How well a mapping fits headers: None if a required column or detect header is missing."""
    folded = {normalize_label(header) for header in headers}
    if any(normalize_label(header) not in folded for header in mapping.detect):
        return None
    if any(resolve_header(headers, mapping.columns.get(col, ())) is None for col in required):
        return None
    resolved = sum(resolve_header(headers, alts) is not None for alts in mapping.columns.values())
    return 100 * len(mapping.detect) + resolved


def detect_mapping(headers: list[str], *, required: tuple[str, ...] = DETECTED_LEAD_COLUMNS,
                   file: str | None = None) -> Mapping:
    """Pick the built-in mapping that fits the headers best.

    Raises
    ------
    MappingError
        No built-in mapping fits; the message lists the headers seen and what to do.
    """
    scored = []
    for mapping in builtin_mappings().values():
        score = score_mapping(mapping, headers, required)
        if score is not None:
            scored.append((score, mapping.name, mapping))
    if not scored:
        shown = ", ".join(f"«{h}»" for h in headers[:15]) + (" …" if len(headers) > 15 else "")
        raise MappingError(
            f"the export is not one the package recognises (headers: {shown})", file=file,
            hint="write a mapping file naming your headers (README: «How to write a mapping file») and pass "
                 f"it with --mapping; the columns {', '.join(required)} are required",
        )
    scored.sort(key=lambda item: (-item[0], item[1]))
    return scored[0][2]
