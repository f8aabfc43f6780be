"""From an export file to the canonical lead and spend tables (the canonical tables), with lineage.

:func:`load_dataset` is the one entry point: it reads the file (:mod:`analysis.readers`),
picks or reads the mapping (:mod:`analysis.mapping`), cleans every column, turns personal
data into person ids (:mod:`analysis.privacy`), computes working-time response minutes
(:mod:`analysis.worktime`) and marks repeat leads. Malformed input raises a
:class:`~analysis.errors.LeadAuditError` naming the file, column, value and fix; rows
that cannot be used are dropped and counted by reason.
"""

from __future__ import annotations

import difflib
import json
import threading
from collections import Counter
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from .config import CANONICAL_STAGES, LOST_STAGE, STAGE_ORDER, UNKNOWN
from .dateparse import in_nanosecond_range, parse_formats
from .database import is_database_url, read_query, redact_url, select_of
from .errors import ColumnError, InputFileError, LeadAuditError, ParameterError, UnmappedValueError
from .lineage import MAX_EXAMPLES, InputRecord, Issue, Lineage
from .masking import mask_personal, shown_text
from .mapping import (
    DETECTED_LEAD_COLUMNS, LEAD_TYPES, REQUIRED_LEAD_COLUMNS, REQUIRED_SPEND_COLUMNS, Mapping, builtin_mappings, detect_mapping, load_mapping, mapping_from_dict,
    normalize_label, resolve_all_headers, resolve_header, score_mapping,
)
from .privacy import could_be_email, could_be_phone, identifier_codes, link_codes
from .readers import (
    INT64_DIGITS, RawTable, arrow_buffers, digit_runs, in_text_order, label_counts, on_uniques, read_table, series_rows,
    sha256_of, text_cells,
)
from .reasons import MISSING, OTHER
from .worktime import WorkingCalendar

#: Share of non-empty cells that may fail to parse before the column is judged wrong.
WHOLESALE_FAILURE_SHARE = 0.05

DATE_FORMATS_DAYFIRST = (
    "%d.%m.%Y %H:%M:%S", "%d.%m.%Y %H:%M", "%d.%m.%Y", "%Y-%m-%d %H:%M:%S", "%Y-%m-%dT%H:%M:%S",
    "%Y-%m-%d %H:%M", "%Y-%m-%d", "%d/%m/%Y %H:%M:%S", "%d/%m/%Y %H:%M", "%d/%m/%Y",
    "%d.%m.%y %H:%M", "%d.%m.%y", "%d-%m-%Y %H:%M:%S", "%d-%m-%Y %H:%M", "%d-%m-%Y",
)
DATE_FORMATS_MONTHFIRST = (
    "%Y-%m-%d %H:%M:%S", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%d %H:%M", "%Y-%m-%d",
    "%m/%d/%Y %I:%M %p", "%m/%d/%Y %H:%M:%S", "%m/%d/%Y %H:%M", "%m/%d/%Y",
    "%d.%m.%Y %H:%M:%S", "%d.%m.%Y %H:%M", "%d.%m.%Y",
)
# "t"/"f": PostgreSQL's text for a boolean
TRUE_WORDS = {"да", "yes", "true", "1", "+", "y", "д", "целевой", "target", "t"}
FALSE_WORDS = {"нет", "no", "false", "0", "n", "н", "нецелевой", "not target", "f"}
DATE_COLUMNS = ("created_at", "first_response_at", "first_contact_at")
NUMBER_COLUMNS = ("response_minutes", "call_attempts", "deal_amount", "budget")
LABEL_COLUMNS = ("channel", "campaign", "model", "manager")
#: the columns that name a group of leads: categorical on every path — loaded here, read back from the
#: snapshot, a file of ten rows or of ten million — with exactly the values present as categories, in
#: text order; every other text column is Arrow-backed ``str``
LABEL_TYPE_COLUMNS = (*LABEL_COLUMNS, "lead_type", "stage", "disqualification_reason", "reason_raw", "reason_owner",
                      "purchase_horizon", "repeat_first_channel", "arm", "utm_source")
#: canonical columns a dataset has only when the export has what they come from: code that reads
#: one asks :func:`has_column` first (a test checks every job module for it)
OPTIONAL_COLUMNS = ("created_at", "age_days", "first_response_at", "response_minutes", "attempted", "first_contact_at",
                    "call_attempts", "deal_amount", "budget", "purchase_horizon", "utm_source")


def has_column(leads: pd.DataFrame, column: str) -> bool:
    """Whether the leads carry an optional column (:data:`OPTIONAL_COLUMNS`): the one check every
    analysis makes before reading such a column, so a missing one skips a section, never crashes."""
    return column in leads


#: the flag column that says a lead reached a stage
STAGE_FLAG = {"contacted": "contacted", "qualified": "qualified", "visit": "visited", "deal": "won"}
FLAG_COLUMNS = ("contacted", "qualified", "visited", "won")


@dataclass(frozen=True)
class Dataset:
    """The canonical tables of one run, with their mapping, lineage and ``as_of``.

    Attributes
    ----------
    leads
        One row per lead, personal data replaced by ``person_id``; derived
        columns ``stage_rank``, ``contacted``, ``qualified``, ``visited``, ``won``,
        ``attempted``, ``response_minutes`` (working time), ``is_repeat``,
        ``repeat_first_channel``, ``reason_owner``, ``age_days``.
    spend
        One row per day × channel [× campaign], or None.
    """

    leads: pd.DataFrame
    spend: pd.DataFrame | None
    mapping: Mapping
    lineage: Lineage
    as_of: pd.Timestamp
    #: :attr:`funnel_stages` once computed; a part of the leads (:meth:`restricted`) keeps the whole's
    told: tuple[str, ...] | None = field(default=None, repr=False, compare=False)
    #: :meth:`mature`'s mask per stage, once computed (each part of the leads has its own)
    known_masks: dict[str, pd.Series] = field(default_factory=dict, repr=False, compare=False)

    def mature(self, stage: str) -> pd.Series:
        """Leads whose outcome for ``stage`` is known: old enough to have reached it
        (``settings.maturity_days``), or younger but already final — they reached the stage,
        or they were lost. Only still-open young leads are left out (:meth:`still_open`).
        Without creation dates there is no age: every outcome counts as known."""
        leads = self.leads
        if "age_days" not in leads:
            return pd.Series(True, index=leads.index)
        known = self.known_masks.get(stage)
        if known is None:  # once per stage: a report asks a dozen times (10M leads: 3 passes each)
            known = leads["age_days"] >= self.mapping.settings.maturity_days.get(stage, 0)
            flag = STAGE_FLAG.get(stage)
            if flag is not None and flag in leads:
                known |= leads[flag]
            known |= leads["stage"].eq(LOST_STAGE)
            self.known_masks[stage] = known
        return known.copy()  # a caller's &= must not change the kept mask

    @property
    def funnel_stages(self) -> tuple[str, ...]:
        """The funnel stages this export can tell apart: those where some lead is
        recorded to rest — a status mapped to it, a loss whose recorded reason places it there —
        and ``contacted`` when a contact column says who was reached. A stage no lead can rest
        at is implied by the stages around it (a yes/no export's "contacted" is every lead by
        construction): a funnel shows only the stages listed here, each step out of the last
        one shown before it."""
        if self.told is not None:
            return self.told
        leads = self.leads
        rank = leads["stage_rank"].to_numpy(dtype=np.int64)
        recorded = leads["stage"].ne(LOST_STAGE)
        if "disqualification_reason" in self.mapping.columns:
            recorded = recorded | (leads["stage"].eq(LOST_STAGE) & leads["disqualification_reason"].ne(MISSING))
        recorded = recorded.to_numpy(dtype=bool)
        ranks = set(np.flatnonzero(np.bincount(rank[recorded], minlength=len(STAGE_ORDER))).tolist())
        if "first_contact_at" in self.mapping.columns or "contacted" in self.mapping.columns:
            ranks.add(STAGE_ORDER["contacted"])
        for stage, flag in STAGE_FLAG.items():
            if flag in self.mapping.columns:
                ranks.add(STAGE_ORDER[stage])
        told = tuple(stage for stage in STAGE_FLAG if STAGE_ORDER[stage] in ranks)
        object.__setattr__(self, "told", told)  # computed once per dataset (a pass over every lead)
        return told

    def still_open(self, stage: str) -> pd.Series:
        """Young leads whose outcome for ``stage`` is not known yet (the complement of :meth:`mature`)."""
        return ~self.mature(stage)

    def known_by(self, stage: str, rows: pd.Series) -> pd.Timestamp | None:
        """The day by which every still-open lead among ``rows`` will be old enough for ``stage``
        (None when none is open): the date to rerun a report on a fresh export."""
        open_rows = rows & self.still_open(stage)
        if not open_rows.any() or "created_at" not in self.leads:
            return None
        latest = self.leads.loc[open_rows, "created_at"].max()
        return (latest + pd.Timedelta(days=self.mapping.settings.maturity_days.get(stage, 0))).normalize() \
            + pd.Timedelta(days=1)

    @property
    def has_dates(self) -> bool:
        return "created_at" in self.leads and self.leads["created_at"].notna().any()

    def restricted(self, rows: pd.Series) -> "Dataset":
        """The same data with only the leads ``rows`` selects (spend, mapping, lineage and
        ``as_of`` shared): a section that loops over groups of one quarter's leads masks
        a few hundred thousand rows per group, not every lead of the export."""
        if not rows.index.equals(self.leads.index):
            rows = rows.reindex(self.leads.index, fill_value=False)
        # by position: a boolean .loc took twice as long (a column of text, three times)
        return replace(self, leads=self.leads.take(np.flatnonzero(rows.to_numpy(dtype=bool))), told=self.funnel_stages,
                       known_masks={})

    def period(self) -> tuple[pd.Timestamp | None, pd.Timestamp | None]:
        """First and last ``created_at`` of the leads (None without dates)."""
        if not self.has_dates:
            return None, None
        return self.leads["created_at"].min(), self.leads["created_at"].max()


# --------------------------------------------------------------------------- parsing helpers

def parse_dates(cells: pd.Series, dayfirst: bool = True, timezone: str | None = None, stripped: bool = False
                ) -> pd.Series:
    """Parse date cells with the formats exports use; unparseable cells become NaT.

    Each format is tried on the cells still unparsed (a file may mix ``HH:MM`` and
    ``HH:MM:SS``); an explicit format is fast and never guesses day vs month.
    ``stripped``: the cells are :func:`~analysis.readers.text_cells` already.
    """
    if not pd.api.types.is_datetime64_any_dtype(cells):
        return on_uniques(cells, lambda values: _parse_dates(values, dayfirst, timezone, stripped))
    return _parse_dates(cells, dayfirst, timezone)


def _parse_dates(cells: pd.Series, dayfirst: bool, timezone: str | None, stripped: bool = False) -> pd.Series:
    if pd.api.types.is_datetime64_any_dtype(cells):
        parsed = cells
        if getattr(parsed.dt, "tz", None) is not None:
            parsed = parsed.dt.tz_convert(timezone or "UTC").dt.tz_localize(None)
        # typed timestamps (Parquet, a database) of year 1 or 9999 are unread cells, not a cast error
        return parsed.where(in_nanosecond_range(parsed)).astype("datetime64[ns]")
    text = cells if stripped else text_cells(cells)
    # each format in turn on the cells still unparsed; zero-padded cells read off their bytes
    # (pandas' parser took 8.6 s for 2M distinct timestamps, see analysis.dateparse)
    values, unparsed = parse_formats(text, DATE_FORMATS_DAYFIRST if dayfirst else DATE_FORMATS_MONTHFIRST)
    # copy=False: pandas copies a numpy array it is handed (10M leads: 80 MB a column, for nothing)
    result = pd.Series(values, index=text.index, dtype="datetime64[ns]", copy=False)
    remaining = pd.Series(unparsed, index=text.index, copy=False)
    if remaining.any():  # ISO 8601 with offsets or fractions, as databases write them
        rest = text[remaining]
        # a date has digits: pandas reads "now" and "today" as the moment of the run, even
        # with a format given, and any cell without a digit is no date
        rest = rest[rest.str.contains(r"\d", regex=True).fillna(False).astype(bool)]
        offset = rest.str.contains(r"(?:[+-]\d{2}(?::?\d{2})?|Z)$", regex=True)
        if offset.any():  # an instant: to the mapping's local time zone
            parsed = pd.to_datetime(rest[offset], format="ISO8601", errors="coerce", utc=True)
            local = parsed[parsed.notna()].dt.tz_convert(timezone or "UTC").dt.tz_localize(None)
            local = local[in_nanosecond_range(local)]
            result[local.index] = local.astype("datetime64[ns]")
        if (~offset).any():  # local time already (a fraction of a second, say)
            parsed = pd.to_datetime(rest[~offset], format="ISO8601", errors="coerce")
            hit = parsed.notna() & in_nanosecond_range(parsed)
            result[parsed.index[hit]] = parsed[hit].astype("datetime64[ns]")
    return result


def parse_numbers(cells: pd.Series) -> pd.Series:
    """Parse numbers with decimal commas, spaces as thousands separators and currency signs."""
    if pd.api.types.is_numeric_dtype(cells) and not pd.api.types.is_bool_dtype(cells):
        return cells.astype("float64")
    return on_uniques(cells, _parse_numbers)


def _parse_numbers(cells: pd.Series) -> pd.Series:
    text = text_cells(cells).str.replace(r"[\s\u00a0\u202f]", "", regex=True)
    text = text.str.replace(r"(?i)(₽|руб\.?|р\.|rub|\$|€)", "", regex=True)
    commas = text.str.count(",")
    dots = text.str.count(r"\.")
    last_comma = text.str.rfind(",")
    last_dot = text.str.rfind(".")
    comma_decimal = (commas == 1) & ((dots == 0) | (last_comma > last_dot))
    text = text.where(~comma_decimal, text.str.replace(".", "", regex=False).str.replace(",", ".", regex=False))
    text = text.where(comma_decimal, text.str.replace(",", "", regex=False))
    many_dots = (~comma_decimal) & (dots > 1)
    text = text.where(~many_dots, text.str.replace(".", "", regex=False))
    return pd.to_numeric(text.replace("", np.nan), errors="coerce").astype("float64")


def parse_flags(cells: pd.Series) -> pd.Series:
    """Yes/no cells («да», «нет», 1, 0, true …) as a nullable boolean."""
    return on_uniques(text_cells(cells), _parse_flags)


def _parse_flags(cells: pd.Series) -> pd.Series:
    folded = text_cells(cells).str.casefold()
    result = pd.Series(pd.NA, index=folded.index, dtype="boolean")
    result[folded.isin(TRUE_WORDS)] = True
    result[folded.isin(FALSE_WORDS)] = False
    return result


# --------------------------------------------------------------------------- the loader

class _Cleaner:
    """Holds one raw table while its columns are resolved, cleaned and checked."""

    def __init__(self, raw: RawTable, mapping: Mapping, path: str, kind: str):
        self.raw = raw
        self.mapping = mapping
        self.path = path
        self.kind = kind
        self.issues: list[Issue] = []
        # the rows kept so far, by the raw table's index: a drop narrows the index instead of
        # copying the raw table (4.6 s and gigabytes for a drop of a few rows of 10M leads)
        self.index = raw.frame.index
        self.line = pd.Series(np.arange(len(raw.frame)) + raw.first_data_line, index=raw.frame.index, copy=False)
        # a file's examples name its lines; a query's name its rows (1 = the first row returned)
        self.unit = "row" if raw.file_format == "postgresql" else "line"
        self._cells: dict[int, pd.Series] = {}
        self._positions, self._positions_of = None, None  # see positions()
        self.caching = True  # until the rows are settled; each column is then read once
        self._lock = threading.Lock()  # settled, columns may be read in two threads (see _clean_columns)
        self.consume = False

    def settle(self, consume: bool = False, done: tuple[str, ...] = ()) -> None:
        """No row is dropped from here on: the cached cells (10M leads: gigabytes of text) go, and
        with ``consume`` each raw column once every canonical column mapped to it was read.
        ``done``: canonical columns the caller read already and will not read again."""
        self.caching = False
        self._cells.clear()
        self.consume = consume
        columns = {canonical: resolve_header(self.raw.headers, names) for canonical, names in self.mapping.columns.items()}
        self._reads_left = Counter(index for canonical, index in columns.items() if canonical not in done)
        if consume:
            # the columns only those read (10M leads: the creation times' text, 200 MB and more)
            for index in {columns[canonical] for canonical in done if columns.get(canonical) is not None}:
                if self._reads_left[index] <= 0 and index in self.raw.frame:
                    del self.raw.frame[index]
            # phones and e-mails are read by the identifiers' thread alone, which took its own
            # references (_identifier_columns): the table lets go of them now, not at the end
            # (10M leads: some 400 MB less while the other columns are cleaned)
            others = {index for canonical, index in columns.items() if canonical not in IDENTIFIER_COLUMNS}
            for index in _identifier_indices(self):
                if index not in others and index in self.raw.frame:
                    del self.raw.frame[index]

    def header(self, canonical: str) -> str | None:
        index = resolve_header(self.raw.headers, self.mapping.columns.get(canonical, ()))
        return None if index is None else self.raw.headers[index]

    def column_index(self, canonical: str) -> int | None:
        return resolve_header(self.raw.headers, self.mapping.columns.get(canonical, ()))

    def require(self, required: tuple[str, ...]) -> None:
        for canonical in required:
            if self.column_index(canonical) is None:
                wanted = " or ".join(f"«{h}»" for h in self.mapping.columns.get(canonical, ())) or "(not mapped)"
                shown = ", ".join(f"«{h}»" for h in self.raw.headers[:20])
                raise ColumnError(
                    f"the required column {canonical} is missing: the mapping «{self.mapping.name}» expects "
                    f"{wanted}{self.mapping.line_of('columns/' + canonical)}, the file has {shown}",
                    file=self.path, column=canonical,
                    hint=f'name your header in the mapping file: columns:\n    {canonical}: "<header in your file>"',
                )

    def cells(self, canonical: str, blank: bool = True) -> pd.Series | None:
        """Cells of a canonical column, placeholders blanked (unless ``blank=False``); None when not mapped.

        Computed once per column on the whole file and then cut to the rows still kept.
        ``blank=False``: the raw cells, for a caller that deals with placeholders itself
        (see :meth:`parsed_dates`); not kept for the next reader.
        """
        index = self.column_index(canonical)
        if index is None:
            return None
        if index not in self._cells:
            if not self.caching:  # settled: a thread may read another column meanwhile
                with self._lock:
                    raw = self.raw.frame[index]
                    self._reads_left[index] -= 1
                    if self._reads_left[index] <= 0 and self.consume:  # its last reader: the raw column goes
                        del self.raw.frame[index]
                return self._kept(self._blank_placeholders(raw) if blank else raw)
            if not blank:
                return self._kept(self.raw.frame[index])
            cells = self._blank_placeholders(self.raw.frame[index])
            self._cells[index] = cells
        return self._kept(self._cells[index])

    def positions(self) -> np.ndarray:
        """The kept rows' positions in the raw table, found once per set of kept rows (10M
        leads: 0.2-0.8 s a lookup)."""
        if self._positions_of is not self.index:
            self._positions, self._positions_of = self.raw.frame.index.get_indexer(self.index), self.index
        return self._positions

    def _kept(self, column: pd.Series) -> pd.Series:
        """A whole raw column cut to the rows kept, taken by position (a label lookup per cell
        cost 0.1-0.4 s a column at 10M leads), on the kept rows' own index: ``iloc`` would
        give each column a copy of it (10M leads: 80 MB a column, alive while it is cleaned)."""
        if len(column) == len(self.index):
            return column
        return series_rows(column, self.positions(), self.index)

    @property
    def frame(self) -> pd.DataFrame:
        """The raw table's kept rows (a copy once rows were dropped)."""
        return self.raw.frame if len(self.index) == len(self.raw.frame) else self.raw.frame.loc[self.index]

    def coalesced(self, canonical: str, columns: dict[int, pd.Series], placeholders_void: bool = False
                  ) -> pd.Series | None:
        """First non-empty cell across every header mapped to the column (phones, e-mails),
        from ``columns``: raw columns by position (see :func:`_identifier_columns`).

        ``placeholders_void``: the caller's next step voids every placeholder anyway (no
        placeholder is a phone); one column is then handed over as it is, unblanked (a pass
        over 10M cells: 1.4-1.8 s). Several are still blanked: a placeholder must not
        hide the next column's cell.
        """
        indices = resolve_all_headers(self.raw.headers, self.mapping.columns.get(canonical, ()))
        if not indices:
            return None
        if placeholders_void and len(indices) == 1:
            return columns[indices[0]]
        result = self._blank_placeholders(columns[indices[0]])
        for index in indices[1:]:
            other = _plain(self._blank_placeholders(columns[index]))
            result = _plain(result)
            result = result.where(result != "", other)
        return result

    def _blank_placeholders(self, series: pd.Series) -> pd.Series:
        if pd.api.types.is_numeric_dtype(series) or pd.api.types.is_datetime64_any_dtype(series):
            return series
        placeholders = self.mapping.placeholders

        digit_placeholders = any(value.isascii() and value.isdigit() for value in placeholders)

        def blank_arrow(cells: pa.Array) -> pa.Array:
            if not digit_placeholders and digit_runs(cells):  # IDs: nothing to trim, fold or blank
                return cells
            text = _trimmed(cells)
            hit = _placeholder_hits(text, placeholders)
            return pc.if_else(hit, "", text) if pc.any(hit).as_py() else text

        if isinstance(series.dtype, pd.StringDtype) and series.dtype.storage == "pyarrow":
            # a column that hardly repeats (IDs, phones): in Arrow, without a Python string per cell
            return _by_chunk(series, blank_arrow)

        def blank(values: pd.Series) -> pd.Series:
            text = text_cells(values)
            folded = text.str.casefold().str.replace("ё", "е", regex=False)
            return text.where(~folded.isin(placeholders), "")

        return on_uniques(series, blank, keep_codes=True)

    def drop(self, mask: pd.Series, code: str, column: str | None = None, values: pd.Series | None = None) -> None:
        """Drop rows (counted, with first examples by line number and value)."""
        mask = mask.reindex(self.index, fill_value=False)
        count = int(mask.sum())
        if not count:
            return
        rows = mask[mask].index[:MAX_EXAMPLES]
        # the examples' cells only; a row ``values`` leaves out shows as empty
        shown = None if values is None else text_cells(values.loc[rows.intersection(values.index)])
        examples = [f"{self.unit} {self.line.loc[index]}{'' if shown is None else _shown(shown.get(index))}"
                    for index in rows]
        self.issues.append(Issue(code, count, kind=self.kind, dropped=True, column=column, examples=tuple(examples)))
        self.index = self.index[~mask.to_numpy()]

    def note(self, code: str, count: int, column: str | None = None, examples: tuple[str, ...] = (),
             values: dict[str, int] | None = None) -> None:
        if count:
            self.issues.append(Issue(code, int(count), kind=self.kind, column=column, examples=examples,
                                     values=values or {}))

    def dates(self, canonical: str, required: bool = False) -> pd.Series | None:
        """Parse a date column; raise if it fails wholesale; NaT (noted) for a few bad cells."""
        return self.checked_dates(canonical, self.parsed_dates(canonical), required)

    def parsed_dates(self, canonical: str) -> tuple[pd.Series, pd.Series, pd.Series, pd.Series | None] | None:
        """The work of :meth:`dates` without its checks and notes, so that a thread can do it
        once no row is dropped (see :meth:`settle`): the parsed dates, which cells failed,
        which were not empty, and the failed cells' text (None for typed dates)."""
        cells = self.cells(canonical, blank=False)
        if cells is None:
            return None
        if pd.api.types.is_datetime64_any_dtype(cells):
            parsed = parse_dates(cells, self.mapping.dayfirst, self.mapping.timezone)
            return parsed, cells.notna() & parsed.isna(), cells.notna(), None
        arrow = isinstance(cells.dtype, pd.StringDtype) and cells.dtype.storage == "pyarrow"
        placeholders = self.mapping.placeholders
        # A cell that parses has digits. When no placeholder has one, only cells that fail to
        # parse can be placeholders: Arrow text is trimmed and parsed as it is, and the few
        # failed cells are looked up (a placeholders' pass over 10M timestamps: 1.5-3 s)
        after = arrow and not any(character.isdigit() for value in placeholders for character in value)
        if after:
            text = _by_chunk(cells, _trimmed)
        else:  # Arrow text comes trimmed through the placeholders' pass, other text from text_cells
            cells = self._blank_placeholders(cells)
            text = cells if arrow else text_cells(cells)
        del cells  # 10M leads: the column's text is 200 MB
        parsed = parse_dates(text, self.mapping.dayfirst, self.mapping.timezone, stripped=True)
        nonempty = text != ""
        failed = nonempty & parsed.isna()
        if after and failed.any():
            hit = _placeholder_hits(pa.array(text[failed].array), placeholders).to_numpy(zero_copy_only=False)
            if hit.any():  # a placeholder is an empty cell
                rows = failed.index[failed.to_numpy()][hit]
                nonempty[rows] = False
                failed[rows] = False
        return parsed, failed, nonempty, text[failed]  # the failed cells' text, for the examples

    def checked_dates(self, canonical: str, parts: tuple | None, required: bool = False) -> pd.Series | None:
        """What :meth:`parsed_dates` found, checked and noted, in this thread: the issues keep their order."""
        if parts is None:
            return None
        parsed, failed, nonempty, text = parts
        self._check_wholesale(canonical, failed, nonempty, text, "dates",
                              hint="check that the column holds dates such as 22.03.2026 13:32 "
                                   "(or set dayfirst: false for 03/22/2026), or map another column")
        if not required and failed.any():
            self.note("unparsed_values", int(failed.sum()), column=self.header(canonical),
                      examples=self._examples(failed, text))
        return parsed

    def numbers(self, canonical: str) -> pd.Series | None:
        cells = self.cells(canonical)
        if cells is None:
            return None
        parsed = parse_numbers(cells)
        text = text_cells(cells) if not pd.api.types.is_numeric_dtype(cells) else None
        nonempty = (text != "") if text is not None else cells.notna()
        failed = nonempty & parsed.isna()
        self._check_wholesale(canonical, failed, nonempty, text, "numbers",
                              hint="check that the column holds numbers such as 1 500 000,50, or map another column")
        if failed.any():
            self.note("unparsed_values", int(failed.sum()), column=self.header(canonical),
                      examples=self._examples(failed, text))
        return parsed

    def _examples(self, mask: pd.Series, text: pd.Series | None) -> tuple[str, ...]:
        rows = mask[mask].index[:MAX_EXAMPLES]
        return tuple(f"{self.unit} {self.line.loc[i]}" + ("" if text is None else _shown(text.loc[i])) for i in rows)

    def _check_wholesale(self, canonical: str, failed: pd.Series, nonempty: pd.Series,
                         text: pd.Series | None, what: str, hint: str) -> None:
        total = int(nonempty.sum())
        if total and failed.sum() > WHOLESALE_FAILURE_SHARE * total:
            examples = ", ".join(f"«{v}»" for v in (text[failed].unique()[:5] if text is not None else []))
            raise ColumnError(
                f"{int(failed.sum())} of {total} cells are not {what} (e.g. {examples}); the file is not what "
                f"the mapping «{self.mapping.name}» says it is", file=self.path, column=self.header(canonical),
                hint=hint,
            )

    def labels(self, canonical: str, keep_codes: bool = False) -> pd.Series:
        """A label column (channel, manager …): spellings merged, missing kept as "unknown".

        With ``keep_codes`` a column the reader kept as categorical stays categorical.
        """
        cells = self.cells(canonical)
        if cells is None:
            return pd.Series(UNKNOWN, index=self.index, dtype=object)
        merges = self.mapping.values.get(canonical)

        def label(values: pd.Series) -> pd.Series:
            text = text_cells(values).str.replace(r"\s+", " ", regex=True)
            text = text.map(shown_text, na_action="ignore")  # a campaign named after a client's phone
            if merges:
                folded = text.str.casefold().str.replace("ё", "е", regex=False)
                mapped = folded.map(merges)
                text = mapped.where(mapped.notna(), text)
            return text.astype(object)

        text = on_uniques(cells, label, keep_codes=True)
        self.note(f"unknown_{canonical}", int((text == "").sum()), column=self.header(canonical))
        return on_uniques(text, lambda values: values.where(values != "", UNKNOWN).astype(object), keep_codes=keep_codes)


def _by_chunk(series: pd.Series, function) -> pd.Series:
    """An Arrow-backed text column through an Arrow function a chunk at a time, not on a
    combined copy (the steps' temporaries for a whole column of 10M: a gigabyte)."""
    cells = pa.array(series.array)
    chunks = cells.chunks if isinstance(cells, pa.ChunkedArray) else [cells]
    return pd.Series(pa.chunked_array([function(chunk) for chunk in chunks], cells.type),
                     index=series.index, name=series.name, dtype=series.dtype)


def _trimmed(cells: pa.Array) -> pa.Array:
    """Arrow text without surrounding whitespace, missing cells as "". The cells themselves
    where nothing needs trimming, not a copy of them (10M timestamps: 200 MB a column)."""
    cells = cells.fill_null("")
    return cells if _untrimmed(cells) else pc.utf8_trim_whitespace(cells)


def _placeholder_hits(text: pa.Array, placeholders: frozenset[str]) -> pa.Array:
    """Which trimmed Arrow cells are placeholders: lower case, "ё" as "е", as the mapping keeps them."""
    folded = pc.replace_substring(pc.utf8_lower(text), "ё", "е")
    return pc.is_in(folded, value_set=pa.array(sorted(placeholders), text.type))


def _untrimmed(cells: pa.Array) -> bool:
    """Whether no cell of an Arrow text array starts or ends with whitespace, read off the first
    and last bytes of every cell: plain ASCII other than space and control bytes. A byte
    beyond ASCII may begin or end a Unicode space: then the answer is no (trim to be sure)."""
    offsets, data = arrow_buffers(cells)
    full = np.flatnonzero(np.diff(offsets) > 0)
    if not len(full):
        return True
    ends = np.concatenate([data[offsets[full]], data[offsets[full + 1] - 1]])
    return bool(((ends > 0x20) & (ends < 0x7F)).all())


def _mapped(series: pd.Series, table: dict, keep_codes: bool = False) -> pd.Series:
    """``series.map(table)`` worked out on the distinct values (a dict lookup per cell of a
    million-row text column takes a third of a second); missing stays missing."""
    return on_uniques(series, lambda values: values.map(table), keep_codes=keep_codes)


def _arrow_strings(series: pd.Series) -> pd.Series:
    """A text column of few distinct values as Arrow-backed ``str`` (missing: NaN), built from
    its distinct values. Object columns of a
    million references cost seconds to turn into Arrow strings one cell at a time (10M
    leads: 17 s of the snapshot's write); this is one take of a dictionary: a categorical's
    own, or the distinct values of an object column."""
    if isinstance(series.dtype, pd.CategoricalDtype):
        codes, uniques = series.cat.codes.to_numpy(), series.cat.categories
    else:
        codes, uniques = pd.factorize(series)
    # large_string: pandas keeps Arrow text as large_string, so no cast (a copy) follows the take
    dictionary = pa.array(np.asarray(uniques, dtype=object), type=pa.large_string())
    text = dictionary.take(pa.array(codes, mask=codes < 0))
    return pd.Series(text, index=series.index, name=series.name, dtype=pd.StringDtype("pyarrow", na_value=np.nan))


def _on(series: pd.Series, index: pd.Index) -> pd.Series:
    """``series.loc[index]``, without looking up every label when the series is on ``index``
    already (most columns, once no row is dropped: 0.1-0.4 s a column at 10M leads)."""
    if series.index is index or (len(series) == len(index) and series.index.equals(index)):
        return series
    own = series.index
    # rows are only ever dropped, so ``index`` is a subset of the series' own rows, both in
    # the raw table's order: positions by a subtraction or a binary search, not a label
    # lookup per cell (10M leads: 0.3-1.3 s a column)
    if isinstance(own, pd.RangeIndex) and own.step == 1 and index.dtype.kind == "i" \
            and (not len(index) or (index.min() >= own.start and index.max() < own.stop)):
        positions = index.to_numpy() - own.start
    elif own.dtype.kind == "i" and index.dtype.kind == "i" and own.is_monotonic_increasing:
        labels = index.to_numpy()
        positions = np.searchsorted(own.to_numpy(), labels)
        if len(positions) and (positions.max() >= len(own) or not (own.to_numpy()[positions] == labels).all()):
            return series.loc[index]  # a label the series lacks: let pandas say so
    else:
        return series.loc[index]
    return series_rows(series, positions, index)


def _plain(series: pd.Series) -> pd.Series:
    """A categorical text column as plain object text (for ``where`` with new values)."""
    return series.astype(object) if isinstance(series.dtype, pd.CategoricalDtype) else series


def _shown(value: Any) -> str:
    """An example's value for the appendix: «text», or "empty" for an empty cell or NULL."""
    return ": empty" if value is None or (isinstance(value, float) and value != value) or str(value) == "" \
        else f": «{value}»"


def _read(path: Path, mapping: Mapping | None, sheet: str | None, required: tuple[str, ...]) -> tuple[RawTable, Mapping]:
    """Read a table; find its header row with the mapping (or every built-in one)."""
    candidates = [mapping] if mapping is not None else list(builtin_mappings().values())
    if mapping is None and required == REQUIRED_LEAD_COLUMNS:
        required = DETECTED_LEAD_COLUMNS

    def header_finder(rows: list[list[str]]) -> int:
        for index, row in enumerate(rows):
            cells = [str(cell) for cell in row]
            if any(score_mapping(m, cells, required) is not None for m in candidates):
                return index
        from .readers import default_header_row
        return default_header_row(rows)

    raw = read_table(path, sheet=sheet if sheet is not None else (mapping.sheet if mapping else None),
                     header_finder=header_finder)
    if mapping is None:
        mapping = detect_mapping(raw.headers, required=required, file=str(path))
    return raw, mapping


def clean_leads(raw: RawTable, mapping: Mapping, path: str, *, consume: bool = False
                ) -> tuple[pd.DataFrame, list[Issue]]:
    """Map and clean a raw lead table; returns the canonical frame and the issues found.

    Label columns (:data:`LABEL_TYPE_COLUMNS`) come out categorical (:func:`as_label`; to the
    snapshot as Arrow dictionaries, a byte per lead, and back to the kernel as categoricals),
    every other text column as Arrow-backed ``str``. With ``consume`` the raw table's columns are deleted once cleaned (its rows stay
    counted): the caller read the file for this alone, and 10M leads' cells are a gigabyte.
    """
    cleaner = _Cleaner(raw, mapping, path, "leads")
    cleaner.require(REQUIRED_LEAD_COLUMNS)
    # phones and e-mails are normalised and coded in a thread from here on, for every row of
    # the file, while this thread drops rows and cleans the other columns (the work is Arrow
    # and numpy, mostly without the GIL, on the core this thread leaves free)
    identifiers = _Background(_identifiers, cleaner, _identifier_columns(cleaner))
    id_codes = _value_codes(cleaner.cells("lead_id"))  # every raw row's ID as an integer, found once
    duplicated, copies = _duplicated_rows(cleaner, id_codes)
    cleaner.drop(duplicated, "duplicate_rows")

    lead_id = cleaner.cells("lead_id")
    cleaner.drop(lead_id == "", "no_id", column=cleaner.header("lead_id"))

    stage_text = cleaner.cells("stage")
    cleaner.drop(stage_text == "", "no_status", column=cleaner.header("stage"))
    stage_text = _on(stage_text, cleaner.index)
    table = mapping.values.get("stage", {})

    def to_stage(values: pd.Series) -> pd.Series:
        folded = values.str.casefold().str.replace("ё", "е", regex=False).str.replace(r"\s+", " ", regex=True)
        mapped = folded.map(table)
        return mapped.where(mapped.notna(), folded.where(folded.isin(CANONICAL_STAGES))).astype(object)

    stage = on_uniques(stage_text, to_stage, keep_codes=True)
    unknown = stage.isna()
    if unknown.any():
        counts = label_counts(stage_text[unknown])
        listed = ", ".join(f"«{value}» ({count} rows)" for value, count in counts.head(8).items())
        first = counts.index[0]
        raise UnmappedValueError(
            f"status values the mapping «{mapping.name}» does not know: {listed}", file=path,
            column=cleaner.header("stage"), value=first,
            hint=f'add each to the mapping file{mapping.line_of("values/stage")}:\nvalues:\n  stage:\n    "{first}": '
                 f"<one of {' | '.join(CANONICAL_STAGES)}>",
        )

    parts = cleaner.parsed_dates("created_at")
    created = cleaner.checked_dates("created_at", parts, required=True)
    if created is not None:
        bad = _on(created, cleaner.index).isna()
        # examples: the failed cells' text; an empty cell, a placeholder or a missing typed
        # date (Parquet, a database) shows as empty
        failed_text = parts[3] if parts[3] is not None else pd.Series(dtype=object)
        cleaner.drop(bad, "bad_created_at", column=cleaner.header("created_at"), values=failed_text)
    del parts

    lead_id = _on(lead_id, cleaner.index)
    repeated_id = pd.Series(_later_repeats(id_codes[cleaner.positions()]), index=cleaner.index, copy=False)
    cleaner.drop(repeated_id, "duplicate_ids", column=cleaner.header("lead_id"), values=lead_id)

    index = cleaner.index
    del id_codes, duplicated, repeated_id
    cleaner.settle(consume, done=("lead_id", "stage", "created_at"))
    # the kept rows' IDs, times and lines, taken once and shared with the thread below: each
    # column's copies on earlier rows go (10M leads: 80-150 MB a copy at the cleaning's peak)
    lead_id = _on(lead_id, index)
    created = None if created is None else _on(created, index)
    line = _on(cleaner.line, index).astype("int64")
    # no row is dropped from here on: the kept rows' persons are linked, and their repeats
    # found, in the thread too (10M leads: 1.6 s that came after the other columns)
    rows = cleaner.positions()
    created_at = None if created is None else created.to_numpy()
    lines = line.to_numpy()
    window_days = mapping.settings.repeat_window_days

    def link_and_repeat() -> tuple[np.ndarray, tuple[np.ndarray, np.ndarray] | None]:
        person = _person_ids(identifiers.result(), rows)
        return person, None if created_at is None or not len(person) else _repeats(person, created_at, lines, window_days)

    linked = _Background(link_and_repeat)
    out = _clean_columns(cleaner, index, lead_id, created, stage, line)
    del lead_id, created, line
    out["person_id"], repeats = linked.result()
    # exact copies each kept row had in the file: a "duplicates" complaint counts them on the row's
    # own channel and date, so a one-period comparison counts only its period's copies
    out["duplicate_copies"] = np.zeros(len(out), dtype=np.int32) if copies is None else \
        _on(copies, index).to_numpy(dtype=np.int32)
    if consume:
        for column in list(raw.frame.columns):
            del raw.frame[column]
        pa.default_memory_pool().release_unused()  # Arrow's allocator keeps freed blocks otherwise
    _mark_repeats(out, window_days, repeats)
    cleaner.note("repeat_leads", int(out["is_repeat"].sum()))
    for column in out.columns:
        if column in LABEL_TYPE_COLUMNS:
            out[column] = as_label(out[column])
        elif out[column].dtype == object or isinstance(out[column].dtype, pd.CategoricalDtype):
            out[column] = _arrow_strings(out[column])
    return out.reset_index(drop=True), cleaner.issues


def as_label(series: pd.Series) -> pd.Series:
    """A label column as the one type labels have: categorical, its categories the values present
    (a value only dropped rows had is gone), in text order. ``value_counts()``, ``groupby`` and ``==``
    then give the same on every path."""
    if isinstance(series.dtype, pd.CategoricalDtype):
        codes, categories = series.cat.codes.to_numpy(), series.cat.categories
        used = np.bincount(codes[codes >= 0], minlength=len(categories)) > 0
        if not used.all():  # renumbered by a lookup, as in_text_order does (pandas' own took 0.1 s a column)
            lookup = np.full(len(categories) + 1, -1, dtype=codes.dtype)
            lookup[np.flatnonzero(used)] = np.arange(int(used.sum()))
            codes = lookup[np.where(codes < 0, len(categories), codes)]
            categories = categories[used]
    else:
        codes, categories = pd.factorize(series.astype(object).where(series.notna(), None), sort=True)
    # categories as pandas' text type, as the snapshot's dictionaries come back
    labels = pd.Series(pd.Categorical.from_codes(codes, categories=pd.Index(np.asarray(categories, dtype=object),
                                                                             dtype="str")),
                       index=series.index, name=series.name, copy=False)
    return in_text_order(labels)


class _Background:
    """A function run in a daemon thread; :meth:`result` waits for it and raises what it raised.

    A daemon, so that bad input found meanwhile ends the command at once, not when the
    thread is done.
    """

    def __init__(self, function, *args: Any) -> None:
        self._value: Any = None
        self._error: BaseException | None = None
        self._thread = threading.Thread(target=self._run, args=(function, args), daemon=True)
        self._thread.start()

    def _run(self, function, args: tuple) -> None:
        try:
            self._value = function(*args)
        except BaseException as error:  # noqa: BLE001 - handed to the caller by result()
            self._error = error

    def result(self) -> Any:
        self._thread.join()
        if self._error is not None:
            raise self._error
        return self._value


IDENTIFIER_COLUMNS = ("phone", "email")


def _identifier_indices(cleaner: _Cleaner) -> list[int]:
    names = [name for canonical in IDENTIFIER_COLUMNS for name in cleaner.mapping.columns.get(canonical, ())]
    return resolve_all_headers(cleaner.raw.headers, names)


def _identifier_columns(cleaner: _Cleaner) -> dict[int, pd.Series]:
    """The raw phone and e-mail columns, taken before the thread starts: the cleaning
    deletes them from the raw table meanwhile (``consume``, see :meth:`_Cleaner.settle`)."""
    return {index: cleaner.raw.frame[index] for index in _identifier_indices(cleaner)}


def _identifiers(cleaner: _Cleaner, columns: dict[int, pd.Series]) -> list[np.ndarray]:
    """Codes of every raw row's phone and e-mail (places among the distinct identifiers); phones and
    e-mails go no further than this function."""
    placeholders = cleaner.mapping.placeholders
    phone = cleaner.coalesced("phone", columns, placeholders_void=not any(map(could_be_phone, placeholders)))
    email = cleaner.coalesced("email", columns, placeholders_void=not any(map(could_be_email, placeholders)))
    columns.clear()
    codes = [] if phone is None and email is None else identifier_codes(phone, email, shared_only=True)
    del phone, email
    pa.default_memory_pool().release_unused()  # the texts' Arrow blocks: not kept for later
    return codes


def _person_ids(codes: list[np.ndarray], rows: np.ndarray) -> np.ndarray:
    """Linked persons of the kept rows (positions in the raw table)."""
    if not codes:
        return np.arange(len(rows), dtype=np.int64)
    return link_codes([kind[rows] for kind in codes], len(rows))


def _clean_columns(cleaner: _Cleaner, index: pd.Index, lead_id: pd.Series, created: pd.Series | None,
                   stage: pd.Series, line: pd.Series) -> pd.DataFrame:
    """Every canonical column of the kept rows but the person."""
    mapping = cleaner.mapping
    # the two later dates are parsed in a thread, one after the other, and the working minutes
    # to the first response counted there, while this one cleans the labels, numbers and
    # reasons (10M leads with distinct timestamps: 6 s on one core before)
    minutes_here = created is not None and cleaner.column_index("response_minutes") is None

    def later_dates() -> tuple[dict[str, tuple | None], pd.Series | None, LeadAuditError | None]:
        parts = {column: cleaner.parsed_dates(column) for column in ("first_response_at", "first_contact_at")}
        response = parts["first_response_at"]
        if response is None or not minutes_here:
            return parts, None, None
        try:  # a calendar the settings cannot give is named after the columns' own errors, as before
            calendar = WorkingCalendar.from_settings(mapping.settings)
            return parts, calendar.minutes_between(_on(created, index), _on(response[0], index)), None
        except LeadAuditError as error:
            return parts, None, error

    later = _Background(later_dates)
    out = pd.DataFrame(index=index)
    out["lead_id"] = _on(lead_id, index).astype(str)
    out["source_line"] = _on(line, index)
    if created is not None:
        out["created_at"] = _on(created, index)
    for column in LABEL_COLUMNS:
        out[column] = _on(cleaner.labels(column, keep_codes=True), index)
    if cleaner.column_index("arm") is not None:  # an experiment's arm column (--arm-column)
        out["arm"] = _on(cleaner.labels("arm", keep_codes=True), index)
    utm = cleaner.cells("utm_source")
    if utm is not None:
        out["utm_source"] = _plain(_on(text_cells(utm), index)).replace("", UNKNOWN)

    out["lead_type"] = _lead_types(cleaner, index)
    out["stage"] = _on(stage, index)  # categorical or object text until the end, like every label (see _arrow_strings)

    # numbers and reasons need no date: cleaned while the thread parses them, their notes (or
    # an error) set aside until the dates' own, so that issues keep the columns' order
    numbers: dict[str, pd.Series] = {}
    reasons = pd.DataFrame({"stage": out["stage"]}, index=index, copy=False)
    noted, error = len(cleaner.issues), None
    try:
        for column in NUMBER_COLUMNS:
            parsed = cleaner.numbers(column)
            if parsed is not None:
                numbers[column] = _on(parsed, index)
        _reasons(cleaner, reasons, index)
    except LeadAuditError as raised:
        error = raised
    set_aside = cleaner.issues[noted:]
    del cleaner.issues[noted:]

    parts, minutes, calendar_error = later.result()
    for column, found in parts.items():
        parsed = cleaner.checked_dates(column, found)
        if parsed is not None:
            out[column] = _on(parsed, index)
    if error is not None:
        raise error
    cleaner.issues.extend(set_aside)
    if mapping.settings.first_response_is_contact and "first_response_at" in out and "first_contact_at" not in out:
        out["first_contact_at"] = out["first_response_at"]
    for column, parsed in numbers.items():
        out[column] = parsed
    for column in reasons.columns.drop("stage"):
        out[column] = reasons[column]
    del numbers, reasons
    _funnel_flags(cleaner, out, index)
    horizon = cleaner.cells("purchase_horizon")
    if horizon is not None:
        horizon = on_uniques(_on(text_cells(horizon), index),
                             lambda v: v.map(lambda x: normalize_label(mask_personal(x))), keep_codes=True)
        out["purchase_horizon"] = horizon.where(horizon != "")

    if calendar_error is not None:
        raise calendar_error
    if minutes is not None:  # counted in the thread: created_at and first_response_at, no minutes column
        negative = minutes < 0
        cleaner.note("response_before_created", int(negative.sum()), column=cleaner.header("first_response_at"))
        out["response_minutes"] = minutes.where(~negative)
    if "response_minutes" in out:
        out.loc[out["response_minutes"] < 0, "response_minutes"] = np.nan

    return out


def _value_codes(cells: pd.Series) -> np.ndarray:
    """An integer per cell, equal for equal cells (missing ones too), from 0 to at most twice
    the number of cells (small enough for ``np.bincount``). Arrow text is encoded in Arrow:
    pandas' ``duplicated`` on 10M distinct IDs took 7.8 s, and the cleaning asked it twice."""
    if isinstance(cells.dtype, pd.StringDtype) and cells.dtype.storage == "pyarrow":
        array = pa.array(cells.array)
        numbers = _as_integers(array)
        if numbers is not None:
            # IDs mostly run in sequence: they are their own codes, less the smallest (no hash table)
            low = int(numbers.min()) if len(numbers) else 0
            if len(numbers) and int(numbers.max()) - low <= 2 * len(numbers):
                return numbers - low
            return pd.factorize(numbers)[0].astype(np.int64)
        encoded = pc.dictionary_encode(array, null_encoding="encode")
        chunks = encoded.chunks if isinstance(encoded, pa.ChunkedArray) else [encoded]
        if chunks:
            return np.concatenate([chunk.indices.to_numpy(zero_copy_only=False).astype(np.int64) for chunk in chunks])
    return pd.factorize(cells, use_na_sentinel=False)[0].astype(np.int64)


def _as_integers(text: pa.ChunkedArray | pa.Array) -> np.ndarray | None:
    """Text cells as the integers they spell, when each is ASCII digits without a leading zero
    and fits in int64 (so equal integers are equal texts); None otherwise. CRM IDs mostly
    are: encoding 10M distinct ID texts in Arrow took 4.8-7.0 s, parsing and encoding
    the integers 1.5-1.8 s."""
    chunks = text.chunks if isinstance(text, pa.ChunkedArray) else [text]
    for chunk in chunks:
        if not digit_runs(chunk):
            return None
        offsets, data = arrow_buffers(chunk)
        lengths = np.diff(offsets)
        if len(chunk) and (lengths.max() > INT64_DIGITS or ((data[offsets[:-1]] == ord("0")) & (lengths > 1)).any()):
            return None
    if not chunks:
        return np.zeros(0, dtype=np.int64)
    return np.concatenate([pc.cast(chunk, pa.int64()).to_numpy(zero_copy_only=False) for chunk in chunks])


def _later_repeats(codes: np.ndarray) -> np.ndarray:
    """Whether each value (see :func:`_value_codes`) appeared before: ``duplicated(keep="first")``.
    Only values seen twice are sorted (IDs hardly repeat: sorting 10M codes took a second)."""
    later = np.zeros(len(codes), dtype=bool)
    if not len(codes):
        return later
    rows = np.flatnonzero(np.bincount(codes)[codes] > 1)
    if len(rows):
        later[rows] = True
        later[rows[np.unique(codes[rows], return_index=True)[1]]] = False
    return later


def _duplicated_rows(cleaner: _Cleaner, id_codes: np.ndarray) -> tuple[pd.Series, pd.Series | None]:
    """Rows repeating an earlier row cell for cell, and how many such copies each first row has
    (None when there are none). Only rows whose ID repeats can (IDs are mostly unique, and
    comparing every column of a million rows costs a second); ``id_codes`` are the IDs as
    trimmed cells, which raw cells that are equal have equal too."""
    frame = cleaner.frame
    repeated_id = np.bincount(id_codes)[id_codes] > 1 if len(id_codes) else np.zeros(0, dtype=bool)
    duplicated = pd.Series(False, index=frame.index)
    if not repeated_id.any():
        return duplicated, None
    candidates = frame.loc[repeated_id]
    duplicated[repeated_id] = candidates.duplicated(keep="first")
    if not duplicated.any():
        return duplicated, None
    # each row's group of identical rows, numbered in order of first appearance
    group = candidates.groupby(list(candidates.columns), sort=False, dropna=False).ngroup()
    first_of_group = group[~duplicated[repeated_id]]
    extra = group[duplicated[repeated_id]].value_counts()
    copies = pd.Series(0, index=frame.index, dtype=np.int32)
    copies[first_of_group.index] = first_of_group.map(extra).fillna(0).astype(np.int32).to_numpy()
    return duplicated, copies


def _lead_types(cleaner: _Cleaner, index: pd.Index) -> pd.Series:
    cells = cleaner.cells("lead_type")
    if cells is None:
        return pd.Series(UNKNOWN, index=index, dtype=object)
    table = cleaner.mapping.values.get("lead_type", {})

    def to_type(values: pd.Series) -> pd.Series:
        folded = values.str.casefold()
        mapped = folded.map(table)
        mapped = mapped.where(mapped.notna(), folded.where(folded.isin(LEAD_TYPES)))
        mapped = mapped.where(mapped.notna() | (folded == ""), "other")
        return mapped.where(folded != "", UNKNOWN).astype(object)

    return on_uniques(_on(text_cells(cells), index), to_type, keep_codes=True)


def _reasons(cleaner: _Cleaner, out: pd.DataFrame, index: pd.Index) -> None:
    mapping = cleaner.mapping
    lost = out["stage"] == LOST_STAGE
    cells = cleaner.cells("disqualification_reason")
    raw_text = (_on(text_cells(cells), index) if cells is not None else pd.Series("", index=index))
    if cells is not None:  # "просил звонить на 8-916-…": the reason's text stays, the phone goes
        raw_text = on_uniques(raw_text, lambda values: values.map(shown_text, na_action="ignore"), keep_codes=True)
    table = mapping.values.get("disqualification_reason", {})
    known = list(mapping.reasons)

    def to_code(values: pd.Series) -> pd.Series:
        folded = values.str.casefold().str.replace("ё", "е", regex=False).str.replace(r"\s+", " ", regex=True)
        mapped = folded.map(table)
        return mapped.where(mapped.notna(), folded.where(folded.isin(known))).astype(object)

    # categorical when the reader kept the reasons so: codes travel, not a million references
    code = on_uniques(raw_text, to_code, keep_codes=True)
    if isinstance(code.dtype, pd.CategoricalDtype):
        code = code.cat.add_categories([c for c in (OTHER, MISSING) if c not in code.cat.categories])
    unmapped = lost & code.isna() & (raw_text != "")
    code = code.where(~unmapped, OTHER)
    code = code.where(code.notna() | ~lost, MISSING)
    out["disqualification_reason"] = code.where(lost)
    out["reason_raw"] = raw_text.where(lost & (raw_text != ""))
    owners = {c: r.owner for c, r in mapping.reasons.items()}
    out["reason_owner"] = _mapped(out["disqualification_reason"], owners, keep_codes=True)
    if unmapped.any():
        counts = label_counts(raw_text[unmapped])
        cleaner.note("unmapped_reasons", int(unmapped.sum()), column=cleaner.header("disqualification_reason"),
                     values={str(k): int(v) for k, v in counts.head(20).items()})
    if cells is not None:  # without a reason column no lost lead was given one: nothing to warn about
        cleaner.note("missing_reasons", int((lost & (raw_text == "")).sum()),
                     column=cleaner.header("disqualification_reason"))


def _funnel_flags(cleaner: _Cleaner, out: pd.DataFrame, index: pd.Index) -> None:
    """Furthest stage reached and the booleans derived from it."""
    implies = {c: STAGE_ORDER[r.implies] for c, r in cleaner.mapping.reasons.items()}
    rank = _mapped(out["stage"], STAGE_ORDER)
    lost_rank = _mapped(out["disqualification_reason"], implies)
    rank = rank.where(out["stage"] != LOST_STAGE, lost_rank).fillna(STAGE_ORDER["contacted"]).astype("int64")
    if "first_contact_at" in out:
        rank = rank.where(~(out["first_contact_at"].notna() & (rank < 1)), 1)
    out["stage_rank"] = rank
    derived = {"contacted": rank >= 1, "qualified": rank >= 2, "visited": rank >= 3, "won": rank >= 4}
    for column in FLAG_COLUMNS:
        flag = derived[column]
        cells = cleaner.cells(column)
        if cells is not None:
            explicit = _on(parse_flags(cells), index)
            flag = explicit.where(explicit.notna(), flag).astype(bool)
        out[column] = flag.astype(bool)
    if "first_response_at" in out or "response_minutes" in out:
        responded = out["first_response_at"].notna() if "first_response_at" in out else out["response_minutes"].notna()
        out["attempted"] = responded | out["contacted"]


def _mark_repeats(out: pd.DataFrame, window_days: int, found: tuple[np.ndarray, np.ndarray] | None = None) -> None:
    """First lead of a person keeps the credit; later ones within the window are repeats.
    ``found``: what :func:`_repeats` gave for the frame's rows, when already computed."""
    out["is_repeat"] = False
    out["repeat_first_channel"] = pd.Series(pd.NA, index=out.index, dtype=object)
    if "created_at" not in out or len(out) == 0:
        return
    if found is None:
        found = _repeats(out["person_id"].to_numpy(), out["created_at"].to_numpy(), out["source_line"].to_numpy(),
                         window_days)
    is_repeat, first = found
    out["is_repeat"] = is_repeat
    later = np.flatnonzero(is_repeat)
    channel = out["channel"]
    if isinstance(channel.dtype, pd.CategoricalDtype):  # the channel's codes, not a million references
        codes = channel.cat.codes.to_numpy()
        first_code = np.full(len(out), -1, dtype=codes.dtype)
        first_code[later] = codes[first[later]]
        out["repeat_first_channel"] = pd.Series(pd.Categorical.from_codes(first_code, dtype=channel.dtype),
                                                index=out.index)
        return
    first_channel = np.full(len(out), None, dtype=object)
    first_channel[later] = channel.to_numpy(dtype=object)[first[later]]
    out["repeat_first_channel"] = pd.Series(first_channel, index=out.index, dtype=object)


def _repeats(person: np.ndarray, created: np.ndarray, line: np.ndarray, window_days: int
             ) -> tuple[np.ndarray, np.ndarray]:
    """Per lead: whether it repeats an earlier lead of its person within the window, and the
    row of its episode's first lead (-1 for a first lead). Numpy alone, without the GIL for
    the most part: the cleaning runs it in a thread beside the other columns."""
    if len(person):
        # a person with one lead repeats no one: only the others' leads are sorted (10M leads,
        # most persons with one lead in a real export: the sort was 1.2 s of this thread)
        ids = person - person.min()
        several = np.bincount(ids)[ids] > 1
        if not several.all():
            rows = np.flatnonzero(several)
            found, found_first = _repeats(person[rows], created[rows], line[rows], window_days)
            is_repeat = np.zeros(len(person), dtype=bool)
            is_repeat[rows] = found
            first = np.full(len(person), -1, dtype=found_first.dtype)
            first[rows[found]] = rows[found_first[found]]
            return is_repeat, first
    # order by person, then time, then file line: sorting three arrays, not a copy of the table.
    # Positions as int32 where they fit: half the memory of the temporaries (10M leads: they
    # ran beside the other columns' cleaning, 600 MB of int64)
    width = np.int32 if len(person) < np.iinfo(np.int32).max else np.int64
    order = _person_time_order(person, created, line).astype(width)
    person = person[order]
    created = created[order]
    repeat = np.zeros(len(order), dtype=bool)
    anchor = np.full(len(order), -1, dtype=width)  # for a repeat: the position of its episode's first lead
    window = np.timedelta64(window_days, "D")
    # each round makes the earliest open lead of every person an anchor and marks the leads
    # within its window; rounds = the largest number of separate episodes of one person. The
    # first round takes every lead as it is, without gathering 10M positions (it was 2.2 s of
    # fresh temporaries at 10M leads; the later rounds are small)
    open_positions = np.arange(len(order), dtype=width)
    while len(open_positions):
        whole = len(open_positions) == len(order)
        open_person = person if whole else person[open_positions]
        open_created = created if whole else created[open_positions]
        is_anchor = np.empty(len(open_positions), dtype=bool)
        is_anchor[:1] = True
        np.not_equal(open_person[1:], open_person[:-1], out=is_anchor[1:])
        anchor_at = np.where(is_anchor, np.arange(len(open_positions), dtype=width), width(0))
        np.maximum.accumulate(anchor_at, out=anchor_at)
        within = (open_created - open_created[anchor_at]) <= window
        later = within & ~is_anchor
        repeat[open_positions[later]] = True
        anchor[open_positions[later]] = open_positions[anchor_at[later]]
        open_positions = open_positions[~(is_anchor | within)]
    is_repeat = np.zeros(len(order), dtype=bool)
    is_repeat[order] = repeat
    first = np.full(len(order), -1, dtype=width)
    first[order[repeat]] = order[anchor[repeat]]
    return is_repeat, first


def _person_time_order(person: np.ndarray, created: np.ndarray, line: np.ndarray) -> np.ndarray:
    """``np.lexsort((line, created, person))``: leads by person, then time, then file line.

    When times are whole seconds (as exports write them) within 136 years, person and
    second fit one int64 key, and a stable sort of it keeps equal keys in row order,
    which is the lines' order when they rise: one sort of one key, not three (10M leads:
    2.4 s against 8.9 s on shuffled rows)."""
    stamps = created.view(np.int64)
    # no NaT (int64's smallest), and a span of seconds that fits 32 bits (so no overflow below)
    if len(stamps) and stamps.min() != np.iinfo(np.int64).min \
            and int(stamps.max()) - int(stamps.min()) < 2**32 * 1_000_000_000 \
            and person.min() >= 0 and person.max() < 2**31 and bool((np.diff(line) > 0).all()):
        seconds, fraction = np.divmod(stamps - stamps.min(), 1_000_000_000)
        if not fraction.any():
            del fraction
            key = person.astype(np.int64) << 32
            key |= seconds
            del seconds
            return np.argsort(key, kind="stable")
    return np.lexsort((line, created, person))


def clean_spend(raw: RawTable, mapping: Mapping, path: str) -> tuple[pd.DataFrame, list[Issue]]:
    """Map and clean a spend table."""
    cleaner = _Cleaner(raw, mapping, path, "spend")
    cleaner.require(REQUIRED_SPEND_COLUMNS)
    cleaner.drop(cleaner.frame.duplicated(keep="first"), "duplicate_rows")
    dates = cleaner.dates("date", required=True)
    raw_dates = cleaner.cells("date")
    cleaner.drop(_on(dates, cleaner.index).isna(), "bad_date", column=cleaner.header("date"),
                 values=text_cells(raw_dates))
    spend = cleaner.numbers("spend")
    index = cleaner.index
    values = _on(spend, index)
    infinite = values.notna() & ~np.isfinite(values.to_numpy(dtype=float, na_value=0.0))
    if infinite.any():  # "inf" or "1e999": a sum over it is infinite and every cost with it
        first = infinite[infinite].index[0]
        raise ColumnError(
            f"spend must be a finite amount: {int(infinite.sum())} rows are not, first at line "
            f"{cleaner.line.loc[first]} («{text_cells(cleaner.cells('spend')).loc[first]}»)", file=path,
            column=cleaner.header("spend"), hint="correct that cell of the spend export (an amount in roubles)")
    negative = values < 0
    if negative.any():
        first = negative[negative].index[0]
        raise ColumnError(
            f"spend cannot be negative: {int(negative.sum())} rows, first at line {cleaner.line.loc[first]} "
            f"(«{text_cells(cleaner.cells('spend')).loc[first]}»)", file=path, column=cleaner.header("spend"),
            hint="correct the spend export (refunds belong in a separate column)",
        )
    cleaner.drop(_on(spend, index).isna(), "no_spend", column=cleaner.header("spend"))
    index = cleaner.index
    out = pd.DataFrame(index=index)
    out["date"] = _on(dates, index).dt.normalize()
    out["channel"] = _on(cleaner.labels("channel"), index)
    out["campaign"] = _on(cleaner.labels("campaign"), index) if cleaner.column_index("campaign") is not None else UNKNOWN
    out["spend"] = _on(spend, index)
    for column in ("impressions", "clicks"):
        parsed = cleaner.numbers(column)
        if parsed is not None:
            out[column] = _on(parsed, index)
    return out.reset_index(drop=True), cleaner.issues


def with_arm_column(mapping: Mapping, headers: list[str], arm_column: str | None, file: str) -> Mapping:
    """The mapping with the experiment's ``--arm-column`` as the canonical ``arm`` column when it
    names a header of the file rather than a mapped canonical column; an error listing the
    closest headers when it names neither."""
    if not arm_column or arm_column in mapping.columns:
        return mapping
    if resolve_header(headers, (arm_column,)) is not None:
        return replace(mapping, columns={**mapping.columns, "arm": (arm_column,)})
    close = difflib.get_close_matches(arm_column, headers, n=3, cutoff=0.4) or \
        [h for h in headers if normalize_label(arm_column) in normalize_label(h)][:3]
    listed = ", ".join(f"«{header}»" for header in (close or headers[:8]))
    raise ColumnError(f"--arm-column «{arm_column}» is neither a header of the file nor a mapped column",
                      file=file, column=arm_column,
                      hint=("closest headers: " if close else "the file's headers include: ") + listed)


def load_leads(path: str | Path, mapping: Mapping | None = None, *, sheet: str | None = None,
               working_hours: str | None = None, query: str | None = None,
               arm_column: str | None = None) -> tuple[pd.DataFrame, Mapping, Lineage]:
    """Read and clean a lead export or a database query's rows (see :func:`load_dataset`)."""
    if is_database_url(path):
        if sheet is not None:
            raise ParameterError("--sheet is for XLSX files, not a database", hint="drop --sheet")
        raw, digest = read_query(str(path), query)
        name, statement = redact_url(str(path)), select_of(query)
        if mapping is None:
            mapping = detect_mapping(raw.headers, required=DETECTED_LEAD_COLUMNS, file=name)
    else:
        if query:
            raise ParameterError("--query is for a database URL (postgresql://…), not a file",
                                 hint="drop --query, or give --leads postgresql://user@host/db")
        path = Path(path)
        raw, mapping = _read(path, mapping, sheet, REQUIRED_LEAD_COLUMNS)
        name, statement, digest = str(path), None, raw.extra.get("sha256") or sha256_of(path)
    # the CLI's --working-hours overrides the mapping, the given or the detected one, before cleaning
    mapping = mapping.with_settings(working_hours=working_hours)
    mapping = with_arm_column(mapping, raw.headers, arm_column, name)
    frame, issues = clean_leads(raw, mapping, name, consume=True)
    record = InputRecord("leads", name, digest, len(raw.frame), len(frame),
                         raw.file_format, raw.encoding, raw.separator, raw.sheet, mapping.name, statement)
    return frame, mapping, Lineage((record,), tuple(issues))


def load_spend(path: str | Path, mapping: Mapping) -> tuple[pd.DataFrame, Lineage]:
    """Read and clean a spend export through the same mapping (falling back to the sample's)."""
    path = Path(path)
    spend_mapping = mapping
    if any(col not in mapping.columns for col in REQUIRED_SPEND_COLUMNS):
        # the lead mapping does not describe spend: use the one of the built-ins that fits
        raw, spend_mapping = _read(path, None, None, REQUIRED_SPEND_COLUMNS)
    else:
        raw, spend_mapping = _read(path, mapping, None, REQUIRED_SPEND_COLUMNS)
    frame, issues = clean_spend(raw, spend_mapping, str(path))
    record = InputRecord("spend", str(path), sha256_of(path), len(raw.frame), len(frame),
                         raw.file_format, raw.encoding, raw.separator, raw.sheet, spend_mapping.name)
    return frame, Lineage((record,), tuple(issues))


def parse_as_of(value: Any) -> pd.Timestamp | None:
    """``as_of`` from a parameter: a date (end of that day) or a timestamp; None stays None."""
    if value is None or value == "":
        return None
    text = str(value).strip()
    try:
        stamp = pd.Timestamp(text)
    except (ValueError, TypeError):
        raise ParameterError(f"as_of «{value}» is not a date", hint="write it as 2026-10-31") from None
    if stamp is pd.NaT or not (pd.Timestamp("1970-01-01") <= stamp <= pd.Timestamp("2100-12-31")):
        raise ParameterError(f"as_of «{value}» is outside 1970–2100", hint="give the export's date, e.g. 2026-10-31")
    if len(text) <= 10:  # a bare date means the end of that day: the export's date
        stamp = stamp + pd.Timedelta(days=1) - pd.Timedelta(seconds=1)
    return stamp


def load_dataset(
    leads: str | Path,
    spend: str | Path | None = None,
    mapping: str | Path | Mapping | None = None,
    *,
    sheet: str | None = None,
    as_of: Any = None,
    working_hours: str | None = None,
    snapshot: str | Path | None = None,
    query: str | None = None,
    arm_column: str | None = None,
) -> Dataset:
    """Load a lead export (and optionally spend) into a :class:`Dataset`.

    Parameters
    ----------
    leads
        CSV, XLSX, Bitrix24 HTML ``.xls`` or Parquet export, or a ``postgresql://`` URL
        (then ``query`` gives the SELECT or a table name; see :mod:`analysis.database`).
    spend
        Spend export (optional).
    mapping
        Mapping file or object; default: the built-in mapping that fits the headers.
    sheet
        XLSX sheet.
    as_of
        Export date; default the latest ``created_at``. Leads created later are dropped.
    working_hours
        Overrides the mapping's ``settings.working_hours``.
    query
        For a database URL: the SQL query (or table name) whose rows are the leads.
    snapshot
        A folder written by :func:`save_snapshot`: read it instead of parsing ``leads``
        again (the CLI parses once and hands the kernel the snapshot).
    arm_column
        An experiment's ``--arm-column``: a header of the file that is not a mapped canonical
        column is read as the label column ``arm``.

    Returns
    -------
    Dataset

    Raises
    ------
    LeadAuditError
        Bad input; the message names the file, column or value and the fix.
    """
    if snapshot:
        return read_snapshot(snapshot)
    if isinstance(mapping, (str, Path)):
        mapping = load_mapping(mapping)
    frame, mapping, lineage = load_leads(leads, mapping, sheet=sheet, working_hours=working_hours, query=query,
                                         arm_column=arm_column)
    spend_frame = None
    if spend:
        spend_frame, spend_lineage = load_spend(spend, mapping)
        lineage = lineage + spend_lineage
    stamp = parse_as_of(as_of)
    if "created_at" in frame and len(frame):
        latest = frame["created_at"].max()
        if stamp is None:
            stamp = latest
        late = frame["created_at"] > stamp
        if late.any():
            lineage = Lineage(lineage.inputs, lineage.issues + (
                Issue("created_after_as_of", int(late.sum()), dropped=True,
                      column=mapping.columns.get("created_at", ("",))[0]),))
            frame = frame.loc[~late].reset_index(drop=True)
            record = lineage.inputs[0]
            lineage = Lineage((replace(record, rows_used=len(frame)),) + lineage.inputs[1:], lineage.issues)
        frame["age_days"] = (stamp - frame["created_at"]).dt.total_seconds() / 86400.0
    if stamp is None:
        stamp = pd.Timestamp.now().floor("s")
    if len(frame) == 0:
        raise InputFileError("no usable leads are left after cleaning", file=lineage.inputs[0].path,
                             hint="see the reasons above; check the mapping and --as-of")
    return Dataset(frame, spend_frame, mapping, lineage, pd.Timestamp(stamp))


# --------------------------------------------------------------------------- snapshot

def save_snapshot(dataset: Dataset, folder: str | Path) -> Path:
    """Write the canonical tables with their lineage, for the kernel to read."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    _write_arrow(dataset.leads, folder / "leads.arrow")
    if dataset.spend is not None:
        dataset.spend.to_parquet(folder / "spend.parquet", index=False)
    meta = {"mapping": dataset.mapping.to_dict(), "lineage": dataset.lineage.to_dict(),
            "as_of": dataset.as_of.isoformat()}
    (folder / "meta.json").write_text(json.dumps(meta, ensure_ascii=False), encoding="utf-8")
    return folder


def _write_arrow(frame: pd.DataFrame, path: Path) -> None:
    """The leads as an Arrow IPC file of one record batch: every column one contiguous array.

    Arrow's own file format, not Parquet: the kernel reads it seconds later from the page
    cache, and IPC is the in-memory layout written as is, so writing is a copy and reading
    is a memory map (1M leads: 0.26 s to write and 0.07-0.21 s to read, against 0.59 s and
    0.94-1.09 s for uncompressed Parquet). One batch, because the kernel's pandas columns
    can then be the mapped file's own bytes: written a million rows at a time, each column
    came back in ten pieces that pandas glued into new memory (10M leads: 1.0-2.5 s and
    2.1 GB in the kernel, against 0.5-0.6 s and 1.3 GB as one batch). Categorical columns
    go as dictionaries: a byte per lead instead of its text, most of the file's size (see
    :func:`read_snapshot`). The conversion shares the frame's numbers and codes; only a
    column held in pieces (Arrow text) is copied, into one piece.
    """
    table = pa.Table.from_pandas(frame, preserve_index=False)
    for index, column in enumerate(table.columns):
        if column.num_chunks > 1:
            if pa.types.is_string(column.type) or pa.types.is_binary(column.type):
                # 64-bit offsets: one piece of text may pass the 2 GB that 32-bit ones can address
                column = column.cast(pa.large_string() if pa.types.is_string(column.type) else pa.large_binary())
            elif pa.types.is_dictionary(column.type):
                column = column.unify_dictionaries()
            table = table.set_column(index, table.field(index), column.combine_chunks())
    with pa.OSFile(str(path), "wb") as sink, pa.ipc.new_file(sink, table.schema) as writer:
        writer.write_table(table, max_chunksize=max(len(table), 1))


def read_snapshot(folder: str | Path) -> Dataset:
    """Inverse of :func:`save_snapshot`."""
    folder = Path(folder)
    try:
        meta = json.loads((folder / "meta.json").read_text(encoding="utf-8"))
        # mapped, not read into fresh memory: the file was just written and sits in the page cache
        with pa.memory_map(str(folder / "leads.arrow")) as source:
            table = pa.ipc.open_file(source).read_all()
        # a column per block: consolidating the mapped columns into 2-D blocks would copy them all
        leads = table.to_pandas(split_blocks=True)
        # categorical columns were written as dictionaries (a byte per lead, not their text) and
        # stay categorical, with their categories in text order: groups come out as from text
        for column in leads.columns:
            if isinstance(leads[column].dtype, pd.CategoricalDtype):
                leads[column] = as_label(leads[column])
    except (OSError, ValueError, pa.ArrowException) as error:
        raise InputFileError(f"the snapshot cannot be read ({error})", file=str(folder),
                             hint="run the report through the leadaudit command again") from None
    spend_path = folder / "spend.parquet"
    spend = pd.read_parquet(spend_path) if spend_path.exists() else None
    return Dataset(leads, spend, mapping_from_dict(meta["mapping"]), Lineage.from_dict(meta["lineage"]),
                   pd.Timestamp(meta["as_of"]))

