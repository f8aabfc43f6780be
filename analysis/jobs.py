"""The three jobs' parameters: one validating function per job, shared by CLI and notebooks.

Each ``<job>_parameters`` function's keyword arguments are exactly the notebook's
parameters (a test compares them with ``papermill.inspect_notebook``). It checks every
value that can be checked without the data and returns the normalised parameters;
:func:`check_against_data` checks the rest (scope values that must exist in the data).
"""

from __future__ import annotations

import difflib
import functools
import hashlib
import json
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, fields
from typing import Any, Callable

import pandas as pd

from .config import ARMS_BY, BASELINES, CLAIM_STAGES, CLAIMS, SAMPLE_LEADS, SAMPLE_SPEND, UNKNOWN
from .errors import LeadAuditError, ParameterError, ScopeError
from .i18n import check_lang
from .mapping import parse_working_hours
from .dataset import Dataset
from .loading import parse_as_of
from .registry import JOBS
from .masking import shown_text

QUARTER_PATTERN = re.compile(r"^(\d{4})Q([1-4])$")


@dataclass(frozen=True, eq=False)
class Parameters(Mapping):
    """A job's validated parameters, typed and frozen. Read as attributes (``params.claim``) or, as
    papermill, the JSON summary and the sections do, as a read-only mapping (``params["claim"]``);
    ``dict(params)`` gives the fields in their declared order. Equal to a dict of the same items."""

    leads: str
    spend: str | None
    mapping: str | None
    sheet: str | None
    as_of: str | None
    lang: str
    alpha: float
    snapshot: str | None
    query: str | None

    def __getitem__(self, key: str) -> Any:
        if key not in self._names():
            raise KeyError(key)
        return getattr(self, key)

    def __iter__(self) -> Iterator[str]:
        return iter(self._names())

    def __len__(self) -> int:
        return len(self._names())

    @classmethod
    @functools.cache
    def _names(cls) -> tuple[str, ...]:
        return tuple(field.name for field in fields(cls))


@dataclass(frozen=True, eq=False)
class DiagnoseParameters(Parameters):
    channel: list[str]
    campaign: list[str]
    model: list[str]
    manager: list[str]
    period: str | None
    claim: str
    complaint: str
    baseline: str
    sla_minutes: float
    working_hours: str | None
    min_gap: float | None


@dataclass(frozen=True, eq=False)
class ExperimentParameters(Parameters):
    arms_by: str
    control: str
    variant: str
    arm_column: str | None
    scope_channel: str | None
    spend_control: float | None
    spend_variant: float | None
    expected_split: str
    margin: float
    running: bool


@dataclass(frozen=True, eq=False)
class QuarterlyParameters(Parameters):
    quarter: str
    margin: float | None
    sla_minutes: float


@dataclass(frozen=True, eq=False)
class MonitorParameters(Parameters):
    weeks: int
    recent: int
    sla_minutes: float
    working_hours: str | None


def _common(leads: str | None, spend: str | None, mapping: str | None, sheet: str | None, as_of: Any,
            lang: str, alpha: float, snapshot: str | None, query: str | None = None) -> dict[str, Any]:
    if leads is None or leads == "":
        leads = str(SAMPLE_LEADS)
        spend = str(SAMPLE_SPEND) if spend is None else spend
    check_lang(lang)
    alpha = _number("alpha", alpha, low=0.0, high=0.5, low_open=True)
    stamp = parse_as_of(as_of)
    return {"leads": str(leads), "spend": None if spend in (None, "") else str(spend),
            "mapping": None if mapping in (None, "") else str(mapping), "sheet": sheet or None,
            "as_of": None if stamp is None else str(as_of), "lang": lang, "alpha": alpha,
            "snapshot": snapshot or None, "query": query or None}


def _number(name: str, value: Any, *, low: float, high: float, low_open: bool = False) -> float:
    try:
        number = float(value)
    except (TypeError, ValueError):
        raise ParameterError(f"{name} «{value}» is not a number", hint=f"give a number between {low} and {high}") from None
    if number != number or number > high or number < low or (low_open and number == low):
        bound = f"above {low}" if low_open else f"at least {low}"
        raise ParameterError(f"{name} = {value} is out of range", hint=f"{name} must be {bound} and at most {high}")
    return number


def parse_period(text: str | None, name: str = "period") -> tuple[pd.Timestamp, pd.Timestamp] | None:
    """``FROM:TO`` (dates, inclusive) → (start, end of the last day); None stays None."""
    if text in (None, ""):
        return None
    parts = str(text).split(":")
    if len(parts) != 2:
        raise ParameterError(f"{name} «{text}» is not FROM:TO", hint="write it as 2026-10-01:2026-10-31")
    try:
        start, end = (pd.Timestamp(part.strip()) for part in parts)
    except (ValueError, TypeError):
        raise ParameterError(f"{name} «{text}» has a date that cannot be read", hint="write it as 2026-10-01:2026-10-31") from None
    if start > end:
        raise ParameterError(f"{name} «{text}» ends before it starts",
                             hint=f"swap the dates: {parts[1].strip()}:{parts[0].strip()}")
    return start.normalize(), end.normalize() + pd.Timedelta(days=1) - pd.Timedelta(seconds=1)


def parse_quarter(text: str) -> tuple[pd.Timestamp, pd.Timestamp]:
    """``2026Q3`` → (2026-07-01, 2026-09-30 23:59:59)."""
    match = QUARTER_PATTERN.match(str(text).strip().upper())
    if not match:
        raise ParameterError(f"quarter «{text}» is not of the form YYYYQn", hint="e.g. 2026Q3 (quarters 1–4)")
    year, quarter = int(match.group(1)), int(match.group(2))
    start = pd.Timestamp(year=year, month=3 * quarter - 2, day=1)
    return start, start + pd.DateOffset(months=3) - pd.Timedelta(seconds=1)


def _names(values: Any) -> list[str]:
    if values in (None, ""):
        return []
    if isinstance(values, str):
        return [values]
    return [str(value) for value in values]


def diagnose_parameters(
    leads: str | None = None, spend: str | None = None, mapping: str | None = None, sheet: str | None = None,
    as_of: str | None = None, lang: str = "ru", alpha: float = 0.05, snapshot: str | None = None,
    query: str | None = None,
    channel: list[str] | None = None, campaign: list[str] | None = None, model: list[str] | None = None,
    manager: list[str] | None = None, period: str | None = None, claim: str = "general", complaint: str = "",
    baseline: str = "rest", sla_minutes: float = 15, working_hours: str | None = None, min_gap: float | None = None,
) -> DiagnoseParameters:
    """Validate the complaint diagnosis parameters."""
    params = _common(leads, spend, mapping, sheet, as_of, lang, alpha, snapshot, query)
    if claim not in CLAIMS:
        raise ParameterError(f"claim «{claim}» is not known", hint=f"use one of: {', '.join(CLAIMS)}")
    if baseline not in BASELINES:
        raise ParameterError(f"baseline «{baseline}» is not known", hint=f"use one of: {', '.join(BASELINES)}")
    parse_period(period)
    check_working_hours(working_hours)
    params.update(
        channel=_names(channel), campaign=_names(campaign), model=_names(model), manager=_names(manager),
        period=period or None, claim=claim, complaint=shown_text(str(complaint or ""), limit=2000), baseline=baseline,
        sla_minutes=_number("sla_minutes", sla_minutes, low=0, high=7 * 24 * 60, low_open=True),
        working_hours=working_hours or None,
        min_gap=None if min_gap in (None, "") else _number("min_gap", min_gap, low=0, high=1, low_open=True),
    )
    return DiagnoseParameters(**params)


def experiment_parameters(
    leads: str | None = None, spend: str | None = None, mapping: str | None = None, sheet: str | None = None,
    as_of: str | None = None, lang: str = "ru", alpha: float = 0.05, snapshot: str | None = None,
    query: str | None = None,
    arms_by: str = "campaign", control: str = "Creta без цены", variant: str = "Creta с ценой",
    arm_column: str | None = None, scope_channel: str | None = None, spend_control: float | None = None,
    spend_variant: float | None = None, expected_split: str = "50:50", margin: float = 0.10, running: bool = False,
) -> ExperimentParameters:
    """Validate the experiment parameters."""
    params = _common(leads, spend, mapping, sheet, as_of, lang, alpha, snapshot, query)
    if arms_by not in ARMS_BY:
        raise ParameterError(f"arms-by «{arms_by}» is not known", hint=f"use one of: {', '.join(ARMS_BY)}")
    if not control or not variant:
        raise ParameterError("both --control and --variant are needed", hint="name the two arms")
    if str(control).strip() == str(variant).strip():
        raise ParameterError(f"control and variant are the same («{control}»)", hint="name two different arms")
    if arms_by == "column" and not arm_column:
        raise ParameterError("--arms-by column needs --arm-column", hint="name the column that holds the arm")
    if arms_by == "period":
        control_period = parse_period(control, "control")
        variant_period = parse_period(variant, "variant")
        if control_period[0] <= variant_period[1] and variant_period[0] <= control_period[1]:
            raise ParameterError(f"the control period {control} and the variant period {variant} overlap",
                                 hint="give two periods that do not share a day")
    for name, value in (("spend_control", spend_control), ("spend_variant", spend_variant)):
        if value is not None:
            _number(name, value, low=0, high=1e13, low_open=True)
    split = str(expected_split).split(":")
    try:
        shares = [float(part) for part in split]
    except ValueError:
        shares = []
    if len(shares) != 2 or min(shares) <= 0:
        raise ParameterError(f"expected split «{expected_split}» is not two positive numbers", hint="e.g. 50:50 or 70:30")
    params.update(arms_by=arms_by, control=str(control), variant=str(variant), arm_column=arm_column or None,
                  scope_channel=scope_channel or None,
                  spend_control=None if spend_control is None else float(spend_control),
                  spend_variant=None if spend_variant is None else float(spend_variant),
                  expected_split=str(expected_split), margin=_number("margin", margin, low=0, high=1, low_open=True),
                  running=_flag("running", running))
    return ExperimentParameters(**params)


def quarterly_parameters(
    leads: str | None = None, spend: str | None = None, mapping: str | None = None, sheet: str | None = None,
    as_of: str | None = None, lang: str = "ru", alpha: float = 0.05, snapshot: str | None = None,
    query: str | None = None,
    quarter: str = "2026Q3", margin: float | None = None, sla_minutes: float = 15,
) -> QuarterlyParameters:
    """Validate the quarterly report parameters (``sla_minutes``: the first-attempt target, shown with its double)."""
    params = _common(leads, spend, mapping, sheet, as_of, lang, alpha, snapshot, query)
    parse_quarter(quarter)
    params.update(quarter=str(quarter).strip().upper(),
                  margin=None if margin in (None, "") else _number("margin", margin, low=0, high=1, low_open=True),
                  sla_minutes=_number("sla_minutes", sla_minutes, low=0, high=7 * 24 * 60, low_open=True))
    return QuarterlyParameters(**params)


def _flag(name: str, value: Any) -> bool:
    """A yes/no parameter (papermill may pass it as text)."""
    if isinstance(value, str) and value.strip().lower() in ("true", "false", "1", "0", "yes", "no"):
        return value.strip().lower() in ("true", "1", "yes")
    if value in (True, False, None, 0, 1):
        return bool(value)
    raise ParameterError(f"{name} «{value}» is not yes or no", hint=f"give {name} = True or False")


def check_working_hours(text: str | None) -> None:
    """``--working-hours`` can be read (None: the default)."""
    if text:
        try:
            parse_working_hours(text)
        except LeadAuditError as error:
            raise ParameterError(f"--working-hours: {error.message}", hint=error.hint) from None


def parameters_of(job: str) -> Callable[..., dict[str, Any]]:
    """The parameter validator of ``job`` (the registry names it)."""
    return JOBS[job].function("parameters")


def _closest(value: str, choices: list[str]) -> str:
    close = difflib.get_close_matches(value, choices, n=3, cutoff=0.4)
    if not close:
        folded = {choice.casefold(): choice for choice in choices}
        close = [folded[c] for c in difflib.get_close_matches(value.casefold(), list(folded), n=3, cutoff=0.4)]
    listed = ", ".join(f"«{c}»" for c in (close or sorted(choices)[:8]))
    return ("closest names in the data: " if close else "names in the data include: ") + listed


def check_scope_value(dataset: Dataset, column: str, value: str, option: str, shown: str | None = None) -> None:
    """Raise :class:`ScopeError` listing the closest names when ``value`` is not in ``column``
    (named ``shown`` in the message: the user's own header for an arm column)."""
    names = [] if column not in dataset.leads else \
        [name for name in dataset.leads[column].dropna().unique().tolist() if name != UNKNOWN]
    # a label column the mapping does not name is all "unknown": the export has no such column
    if column not in dataset.leads or (not names and column != "arm" and column not in dataset.mapping.columns):
        raise ScopeError(f"--{option} «{value}» was given but the export has no {column} column",
                         column=column, value=value, hint=f'map it in the mapping file: columns:\n  {column}: '
                                                          '"<your header>"')
    if value not in names:
        raise ScopeError(f"{option if shown else column} «{value}» is not in the data", column=shown or column,
                         value=value,
                         hint=_closest(value, [str(n) for n in names]))


def arm_column_of(params: dict[str, Any]) -> str | None:
    """The ``--arm-column`` the loader must read (experiments by column only)."""
    return params.get("arm_column") if params.get("arms_by") == "column" else None


def arm_data_column(params: dict[str, Any], leads: pd.DataFrame) -> str:
    """The loaded column that holds the arms: the canonical column named by ``--arm-column`` when
    the mapping maps it, else ``arm``, read from the file's header of that name."""
    column = params["arm_column"]
    return "arm" if "arm" in leads else column


def check_against_data(job: str, params: dict[str, Any], dataset: Dataset) -> None:
    """Checks that need the loaded data: options that need creation dates are refused on an export
    without them, then the job's own checks (the registry names them)."""
    if not dataset.has_dates:
        dated = {"--as-of": params["as_of"], "--period": params.get("period"),
                 "--arms-by period": params.get("arms_by") == "period" or None}
        for option, value in dated.items():
            if value:
                raise ScopeError(f"{option} was given but the export has no lead creation dates",
                                 column="created_at", hint="add the line `created_at: \"<your date header>\"` under "
                                 f"`columns:` in the mapping file, or drop {option}")
    JOBS[job].function("check")(params, dataset)


def check_diagnose(params: dict[str, Any], dataset: Dataset) -> None:
    """The claim can be measured on this export; every scope value is in the data; the scope is not empty."""
    _check_claim(params["claim"], dataset)
    for column in ("channel", "campaign", "model", "manager"):
        for value in params[column]:
            check_scope_value(dataset, column, value, column)
    from .aggregate import check_scope

    check_scope(dataset, params)


def check_experiment(params: dict[str, Any], dataset: Dataset) -> None:
    """The scope channel and both arms are in the data, and each arm has leads."""
    if params["scope_channel"]:
        check_scope_value(dataset, "channel", params["scope_channel"], "scope-channel")
    if params["arms_by"] == "campaign":
        for option in ("control", "variant"):
            check_scope_value(dataset, "campaign", params[option], option)
    if params["arms_by"] == "column":
        column = arm_data_column(params, dataset.leads)
        for option in ("control", "variant"):
            check_scope_value(dataset, column, params[option], option, shown=params["arm_column"])
    from .experiment import check_arms

    check_arms(dataset, params)


def check_quarterly(params: dict[str, Any], dataset: Dataset) -> None:
    """The export has creation dates and the quarter has leads."""
    start, end = parse_quarter(params["quarter"])
    if not dataset.has_dates:
        raise ScopeError("the quarterly report needs lead creation dates, and the export has none",
                         column="created_at", hint="map created_at in the mapping file")
    created = dataset.leads["created_at"]
    if not ((created >= start) & (created <= end)).any():
        first, last = created.min(), created.max()
        raise ScopeError(
            f"quarter {params['quarter']} has no leads; the data covers {first:%d.%m.%Y} — {last:%d.%m.%Y} "
            f"({_quarter_of(first)} to {_quarter_of(last)})", value=params["quarter"],
            hint=f"choose a quarter from {_quarter_of(first)} to {_quarter_of(last)}")


def _check_claim(claim: str, dataset: Dataset) -> None:
    """A claim whose metric needs a stage the export cannot tell apart, or loss reasons it does
    not have, is refused naming what the export can give (a yes/no export says only who qualified)."""
    told = dataset.funnel_stages
    missing = [stage for stage in CLAIM_STAGES[claim] if stage not in told]
    if missing:
        workable = [name for name, stages in CLAIM_STAGES.items()
                    if stages and all(stage in told for stage in stages)]
        statuses = ", ".join(told) or "none beyond new"
        raise ScopeError(
            f"--claim {claim} needs the export to tell {' and '.join(missing)} leads apart, and it cannot: the stages "
            f"it records are {statuses} (a lost lead without a reason is placed at contacted by assumption, not by "
            "the data)", column="stage", value=claim,
            hint=(f"use --claim {' or --claim '.join(workable)}" if workable else
                  "map a status of your export to each of these stages under values: stage:"))
    if claim in ("no_budget", "wrong_model") and "disqualification_reason" not in dataset.mapping.columns:
        raise ScopeError(f"--claim {claim} counts leads lost for that reason, and the export has no loss-reason column",
                         column="disqualification_reason", value=claim,
                         hint='map it in the mapping file: columns:\n  disqualification_reason: "<your header>"')


def _quarter_of(stamp: pd.Timestamp) -> str:
    return f"{stamp.year}Q{(stamp.month - 1) // 3 + 1}"


# --------------------------------------------------------------------------- names of output files

_TRANSLIT = dict(zip(
    "абвгдеёжзийклмнопрстуфхцчшщъыьэюя",
    ["a", "b", "v", "g", "d", "e", "e", "zh", "z", "i", "y", "k", "l", "m", "n", "o", "p", "r", "s", "t", "u",
     "f", "kh", "ts", "ch", "sh", "shch", "", "y", "", "e", "yu", "ya"],
))


def transliterate(text: str) -> str:
    """Russian to ASCII (BGN-like), lower-case."""
    return "".join(_TRANSLIT.get(ch, ch) for ch in str(text).lower())


def slugify(text: str, limit: int = 48) -> str:
    slug = re.sub(r"[^a-z0-9]+", "-", transliterate(text)).strip("-")
    return slug[:limit].rstrip("-") or "all"


def scope_text(job: str, params: dict[str, Any]) -> str:
    """The scope in words, for the file name (the registry names each job's function)."""
    return JOBS[job].function("scope")(job, params)


def scope_shown(job: str, params: dict[str, Any], lang: str) -> str:
    """The scope as the report's header shows it (the registry names each job's function)."""
    return JOBS[job].function("scope_shown")(job, params, lang)


def report_scope_text(job: str, params: dict[str, Any]) -> str:
    """The scope in words of the three report jobs, for the file name."""
    if job == "diagnose":
        parts = [*params["channel"], *params["campaign"], *params["model"], *params["manager"]]
        if params["period"]:
            parts.append(params["period"])
        return " · ".join(parts)
    if job == "experiment":
        scope = f"{params['control']} vs {params['variant']}"
        return f"{params['scope_channel']}: {scope}" if params["scope_channel"] else scope
    return params["quarter"]


def quarter_name(label: str, lang: str) -> str:
    """``2026Q3`` as a person writes it: «III квартал 2026», "Q3 2026"."""
    start, _ = parse_quarter(label)
    number = (start.month - 1) // 3 + 1
    return f"{'I II III IV'.split()[number - 1]} квартал {start.year}" if lang == "ru" else f"Q{number} {start.year}"


def report_scope_shown(job: str, params: dict[str, Any], lang: str) -> str:
    """The scope of the three report jobs as the header shows it (dates as the report writes them, words in its
    language); :func:`report_scope_text` stays the stable form that names the files."""
    def dates(period: str) -> str:
        start, end = str(period).split(":")
        return f"{pd.Timestamp(start):%d.%m.%Y} — {pd.Timestamp(end):%d.%m.%Y}"

    if job == "diagnose":
        parts = [*params["channel"], *params["campaign"], *params["model"], *params["manager"]]
        if params["period"]:
            parts.append(dates(params["period"]))
        return " · ".join(parts)
    if job == "experiment":
        scope = f"{params['control']} {'против' if lang == 'ru' else 'vs'} {params['variant']}"
        return f"{params['scope_channel']}: {scope}" if params["scope_channel"] else scope
    start, end = parse_quarter(params["quarter"])
    return f"{quarter_name(params['quarter'], lang)} ({start:%d.%m} — {end:%d.%m.%Y})"


def parameters_hash(params: dict[str, Any]) -> str:
    """Six hex characters of the parameters (without the snapshot's temporary path)."""
    stable = {key: value for key, value in params.items() if key != "snapshot"}
    return hashlib.sha256(json.dumps(stable, sort_keys=True, ensure_ascii=False, default=str).encode()).hexdigest()[:6]

