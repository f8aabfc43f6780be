"""From an export file to the canonical tables (:class:`~analysis.dataset.Dataset`), with lineage.

:func:`load_dataset` is the one entry point. The path, in the order it runs:

1. read the file in its dialect (:mod:`analysis.readers`) and pick or read its mapping
   (:mod:`analysis.mapping`);
2. drop the rows that cannot be used, each counted by reason (:func:`_usable_rows`);
3. clean each column: dates and numbers in :mod:`analysis.parsing`, labels, stages, reasons and
   flags in :mod:`analysis.columns`, working-time minutes in :mod:`analysis.worktime`;
4. code phones and e-mails, link persons and mark repeat leads (:mod:`analysis.repeats`);
5. for the kernel, the tables go to a snapshot (:mod:`analysis.snapshot`).

Those modules are plain functions of columns. This one holds what they share: the rows kept
(:class:`_Rows`), the notes for the appendix, and the threads and memory of a large export
(:func:`clean_leads`). Malformed input raises a :class:`~analysis.errors.LeadAuditError` naming
the file, column, value and fix; rows that cannot be used are dropped and counted by reason.
"""

from __future__ import annotations

import difflib
import threading
from collections import Counter
from dataclasses import replace
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa

from . import columns
from .config import CANONICAL_STAGES, UNKNOWN
from .database import is_database_url, read_query, redact_url, select_of
from .dataset import FLAG_COLUMNS, LABEL_COLUMNS, LABEL_TYPE_COLUMNS, Dataset, as_label, text_column
from .errors import ColumnError, InputFileError, ParameterError, UnmappedValueError
from .lineage import MAX_EXAMPLES, InputRecord, Issue, Lineage
from .mapping import (
    DETECTED_LEAD_COLUMNS, REQUIRED_LEAD_COLUMNS, REQUIRED_SPEND_COLUMNS, Mapping, builtin_mappings, detect_mapping,
    load_mapping, normalize_label, resolve_all_headers, resolve_header, score_mapping,
)
from .parsing import Parsed, blank_placeholders, dates_of, numbers_of, parse_flags
from .readers import RawTable, default_header_row, label_counts, read_table, sha256_of, text_cells
from .repeats import duplicated_rows, identifier_codes_of, mark_repeats, person_ids, repeats, value_codes
from .snapshot import read_snapshot
from .tuned import aligned, later_repeats, series_rows
from .worktime import WorkingCalendar

NUMBER_COLUMNS = ("response_minutes", "call_attempts", "deal_amount", "budget")
#: dates other than the creation date: parsed beside the other columns, a missing one no reason to drop a lead
LATER_DATE_COLUMNS = ("first_response_at", "first_contact_at")
IDENTIFIER_COLUMNS = ("phone", "email")
DATE_HINT = ("check that the column holds dates such as 22.03.2026 13:32 (or set dayfirst: false for 03/22/2026), "
             "or map another column")
NUMBER_HINT = "check that the column holds numbers such as 1 500 000,50, or map another column"


class _Rows:
    """One raw table while it is cleaned: the rows kept, their lines in the file, the notes found,
    and the raw columns still to be read.

    Two phases. Until :meth:`settle`, rows are dropped (:meth:`drop`) and a column read twice is
    blanked once (:meth:`cells` keeps it). Once settled no row is dropped: each canonical column
    is read once, cut to the kept rows, and with ``consume`` the raw column goes as soon as every
    canonical column mapped to it was read (10M leads: the cells are gigabytes of text). Only the
    thread that built the rows reads the raw table: another thread is handed its raw columns,
    and once the rows are settled may cut them to the kept rows (:meth:`kept`), whose positions
    no longer change.
    """

    def __init__(self, raw: RawTable, mapping: Mapping, path: str, kind: str, consume: bool = False):
        self.raw, self.mapping, self.path, self.kind, self.consume = raw, mapping, path, kind, consume
        self.issues: list[Issue] = []
        # the rows kept so far, by the raw table's index: a drop narrows the index instead of
        # copying the raw table (4.6 s and gigabytes for a drop of a few rows of 10M leads)
        self.index = raw.frame.index
        self.line = pd.Series(np.arange(len(raw.frame)) + raw.first_data_line, index=raw.frame.index, copy=False)
        # a file's examples name its lines; a query's name its rows (1 = the first row returned)
        self.unit = "row" if raw.file_format == "postgresql" else "line"
        self.settled = False
        self._blanked: dict[int, pd.Series] = {}
        self._positions, self._positions_of = None, None  # see positions()
        self._unread = {canonical for canonical in mapping.columns if canonical not in IDENTIFIER_COLUMNS}
        # how many canonical columns still have to read each raw column
        self._readers = Counter(self.column_index(canonical) for canonical in self._unread)

    # ------------------------------------------------------------------ columns

    def column_index(self, canonical: str) -> int | None:
        return resolve_header(self.raw.headers, self.mapping.columns.get(canonical, ()))

    def header(self, canonical: str) -> str | None:
        index = self.column_index(canonical)
        return None if index is None else self.raw.headers[index]

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
        """The kept rows' cells of a canonical column, placeholders blanked unless ``blank=False``
        (for a caller that deals with them itself, see :func:`~analysis.parsing.dates_of`); None
        when the column is not mapped. Before :meth:`settle` a blanked column is kept for the
        next read, on every row of the file; then it is cut to the rows still kept."""
        raw = self.raw_column(canonical)
        if raw is None:
            return None
        if not blank:
            return self.kept(raw)
        if self.settled:
            return self.kept(blank_placeholders(raw, self.mapping.placeholders))
        index = self.column_index(canonical)
        if index not in self._blanked:
            self._blanked[index] = blank_placeholders(raw, self.mapping.placeholders)
        return self.kept(self._blanked[index])

    def raw_column(self, canonical: str) -> pd.Series | None:
        """A canonical column's raw cells on every row of the file; counted as read (see :meth:`settle`)."""
        index = self.column_index(canonical)
        if index is None:
            return None
        raw = self.raw.frame[index]
        if canonical in self._unread:
            self._unread.discard(canonical)
            self._readers[index] -= 1
            if self.settled:
                self._release()
        return raw

    def hand_over(self, canonicals: tuple[str, ...]) -> list[list[pd.Series]]:
        """For a thread: per canonical column, the raw cells of every header mapped to it (a phone
        may sit in two columns), on every row. The table lets go of them once settled."""
        return [[self.raw.frame[index] for index in resolve_all_headers(self.raw.headers,
                                                                          self.mapping.columns.get(canonical, ()))]
                for canonical in canonicals]

    def _release(self) -> None:
        """With ``consume``, the raw columns no canonical column still has to read go."""
        if self.consume:
            for index in list(self.raw.frame.columns):
                if self._readers[index] <= 0:
                    del self.raw.frame[index]

    def labels(self, canonical: str) -> pd.Series | None:
        """A label column cleaned (:func:`~analysis.columns.labels`), its empty cells noted; None when
        the column is not mapped."""
        cells = self.cells(canonical)
        if cells is None:
            return None
        labels, empty = columns.labels(cells, self.mapping.values.get(canonical))
        self.note(f"unknown_{canonical}", empty, column=self.header(canonical))
        return labels

    # ------------------------------------------------------------------ rows

    def settle(self) -> None:
        """No row is dropped from here on: the kept blanked columns (10M leads: gigabytes of text)
        and, with ``consume``, the raw columns read already go."""
        self.settled = True
        self._blanked.clear()
        self.positions()
        self._release()

    @property
    def frame(self) -> pd.DataFrame:
        """The raw table's kept rows (a copy once rows were dropped)."""
        return self.raw.frame if len(self.index) == len(self.raw.frame) else self.raw.frame.loc[self.index]

    def positions(self) -> np.ndarray:
        """The kept rows' positions in the raw table, found once per set of kept rows (10M
        leads: 0.2-0.8 s a lookup)."""
        if self._positions_of is not self.index:
            self._positions, self._positions_of = self.raw.frame.index.get_indexer(self.index), self.index
        return self._positions

    def kept(self, column: pd.Series) -> pd.Series:
        """A whole raw column cut to the rows kept, taken by position (a label lookup per cell
        cost 0.1-0.4 s a column at 10M leads), on the kept rows' own index: ``iloc`` would
        give each column a copy of it (10M leads: 80 MB a column, alive while it is cleaned).
        Safe in a thread once the rows are settled."""
        if len(column) == len(self.index):
            return column
        return series_rows(column, self.positions(), self.index)

    def drop(self, mask: pd.Series, code: str, column: str | None = None, values: pd.Series | None = None) -> None:
        """Drop rows (counted, with first examples by line number and value)."""
        assert not self.settled, "rows are dropped before they are settled"
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

    # ------------------------------------------------------------------ notes

    def note(self, code: str, count: int, column: str | None = None, examples: tuple[str, ...] = (),
             values: dict[str, int] | None = None) -> None:
        if count:
            self.issues.append(Issue(code, int(count), kind=self.kind, column=column, examples=examples,
                                     values=values or {}))

    def checked(self, canonical: str, parsed: Parsed, what: str, hint: str, required: bool = False) -> pd.Series:
        """Parsed values of a column, refused when they fail wholesale (the mapping points at the
        wrong column), the few failed cells noted (unless ``required``: the caller drops their rows)."""
        if parsed.wholesale():
            failed_text = parsed.failed_text
            examples = ", ".join(f"«{v}»" for v in (failed_text.unique()[:5] if failed_text is not None else []))
            raise ColumnError(
                f"{int(parsed.failed.sum())} of {int(parsed.filled.sum())} cells are not {what} (e.g. {examples}); "
                f"the file is not what the mapping «{self.mapping.name}» says it is", file=self.path,
                column=self.header(canonical), hint=hint,
            )
        if not required and parsed.failed.any():
            rows = parsed.failed[parsed.failed].index[:MAX_EXAMPLES]
            text = parsed.failed_text
            self.note("unparsed_values", int(parsed.failed.sum()), column=self.header(canonical),
                      examples=tuple(f"{self.unit} {self.line.loc[i]}" + ("" if text is None else _shown(text.loc[i]))
                                     for i in rows))
        return parsed.values


def _shown(value: Any) -> str:
    """An example's value for the appendix: «text», or "empty" for an empty cell or NULL."""
    return ": empty" if value is None or (isinstance(value, float) and value != value) or str(value) == "" \
        else f": «{value}»"


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
        """The function's value, handed over once: the thread keeps no reference to it (10M leads:
        a date column's masks and the minutes are hundreds of MB)."""
        self._thread.join()
        if self._error is not None:
            raise self._error
        value, self._value = self._value, None
        return value


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
        return default_header_row(rows)

    raw = read_table(path, sheet=sheet if sheet is not None else (mapping.sheet if mapping else None),
                     header_finder=header_finder)
    if mapping is None:
        mapping = detect_mapping(raw.headers, required=required, file=str(path))
    return raw, mapping


def clean_leads(raw: RawTable, mapping: Mapping, path: str, *, consume: bool = False
                ) -> tuple[pd.DataFrame, list[Issue]]:
    """Map and clean a raw lead table; returns the canonical frame and the issues found, in the
    order the appendix lists them.

    Label columns (:data:`~analysis.dataset.LABEL_TYPE_COLUMNS`) come out categorical
    (:func:`~analysis.dataset.as_label`), every other text column as Arrow-backed ``str``. With
    ``consume`` the raw table's columns are deleted once read (its rows stay counted): the caller
    read the file for this alone, and 10M leads' cells are a gigabyte.

    Three threads share the work, each on its own columns (Arrow and numpy run mostly without the
    GIL, so both cores work): phones and e-mails are coded from the start; once the rows are
    settled, the later dates are parsed (and the minutes to the first response counted) in one,
    persons linked and repeats found in the other, while this thread cleans the rest.
    """
    rows = _Rows(raw, mapping, path, "leads", consume=consume)
    rows.require(REQUIRED_LEAD_COLUMNS)
    calendar = _response_calendar(rows)
    identifiers = _Background(identifier_codes_of, *rows.hand_over(IDENTIFIER_COLUMNS), mapping.placeholders)

    lead_id, stage, created, copies = _usable_rows(rows)
    rows.settle()
    out = pd.DataFrame({"lead_id": lead_id.astype(str), "source_line": aligned(rows.line, rows.index).astype("int64")},
                       index=rows.index)
    if created is not None:
        out["created_at"] = created
    del lead_id, created
    later = _Background(_later_dates, rows, {column: rows.raw_column(column) for column in LATER_DATE_COLUMNS},
                        out.get("created_at"), calendar)
    persons = _Background(_persons, identifiers, rows.positions(), out["created_at"].to_numpy() if "created_at" in out
                          else None, out["source_line"].to_numpy(), mapping.settings.repeat_window_days)
    _label_columns(rows, out)
    out["stage"] = stage
    # read while the thread parses the later dates; the dates are noted first, then these, in the columns' order
    numbers = {column: numbers_of(cells) for column in NUMBER_COLUMNS if (cells := rows.cells(column)) is not None}
    reasons = columns.reasons(stage, rows.cells("disqualification_reason"), mapping)
    del stage
    dates, minutes = later.result()
    for column, parsed in dates.items():
        out[column] = rows.checked(column, parsed, "dates", DATE_HINT)
    if mapping.settings.first_response_is_contact and "first_response_at" in out and "first_contact_at" not in out:
        out["first_contact_at"] = out["first_response_at"]
    for column, parsed in numbers.items():
        out[column] = rows.checked(column, parsed, "numbers", NUMBER_HINT)
    del dates, numbers
    _outcome_columns(rows, out, reasons)
    del reasons
    horizon = rows.cells("purchase_horizon")
    if horizon is not None:
        out["purchase_horizon"] = columns.purchase_horizon(horizon)
    del horizon
    if minutes is not None:  # from created_at and first_response_at when the export has no minutes column
        out["response_minutes"], negative = columns.response_minutes(minutes)
        rows.note("response_before_created", negative, column=rows.header("first_response_at"))
    elif "response_minutes" in out:  # the export's own minutes column
        out["response_minutes"] = columns.response_minutes(out["response_minutes"])[0]
    del minutes

    out["person_id"], found = persons.result()
    # exact copies each kept row had in the file: a "duplicates" complaint counts them on the row's
    # own channel and date, so a one-period comparison counts only its period's copies
    out["duplicate_copies"] = np.zeros(len(out), dtype=np.int32) if copies is None else \
        aligned(copies, rows.index).to_numpy(dtype=np.int32)
    if consume:
        for column in list(raw.frame.columns):  # mapped columns no step reads
            del raw.frame[column]
        pa.default_memory_pool().release_unused()  # Arrow's allocator keeps freed blocks otherwise
    mark_repeats(out, mapping.settings.repeat_window_days, found)
    rows.note("repeat_leads", int(out["is_repeat"].sum()))
    return _with_types(out).reset_index(drop=True), rows.issues


def _label_columns(rows: _Rows, out: pd.DataFrame) -> None:
    """The columns that name a group of leads: channel, campaign, model, manager, an experiment's arm,
    ``utm_source`` and the lead type; empty cells noted."""
    for column in (*LABEL_COLUMNS, "arm"):
        labels = rows.labels(column)
        if labels is not None:
            out[column] = labels
        elif column != "arm":  # an experiment's arm column exists only when mapped (--arm-column)
            out[column] = columns.unknown_labels(rows.index)
    utm = rows.cells("utm_source")
    if utm is not None:
        out["utm_source"] = columns.utm_source(utm)
    types = rows.cells("lead_type")
    out["lead_type"] = columns.unknown_labels(rows.index) if types is None else \
        columns.lead_types(types, rows.mapping.values.get("lead_type", {}))


def _outcome_columns(rows: _Rows, out: pd.DataFrame, reasons: columns.Reasons) -> None:
    """Loss reasons, their notes, and the furthest stage each lead reached with the flags it implies
    (a yes/no column of the export overriding where it says something)."""
    out["disqualification_reason"], out["reason_raw"], out["reason_owner"] = reasons.code, reasons.raw, reasons.owner
    header = rows.header("disqualification_reason")
    rows.note("unmapped_reasons", int(reasons.unmapped.sum()), column=header,
              values={str(k): int(v) for k, v in reasons.unmapped.head(20).items()})
    if reasons.missing is not None:
        rows.note("missing_reasons", reasons.missing, column=header)
    flags = {column: parse_flags(cells) for column in FLAG_COLUMNS if (cells := rows.cells(column)) is not None}
    for column, values in columns.funnel_flags(out["stage"], out["disqualification_reason"], rows.mapping,
                                               out.get("first_contact_at"), flags).items():
        out[column] = values
    if "first_response_at" in out or "response_minutes" in out:
        responded = out["first_response_at"].notna() if "first_response_at" in out else out["response_minutes"].notna()
        out["attempted"] = responded | out["contacted"]


def _with_types(out: pd.DataFrame) -> pd.DataFrame:
    """Label columns categorical, every other text column Arrow-backed ``str``: the types the
    snapshot gives back, so both paths agree (:mod:`analysis.dataset`)."""
    for column in out.columns:
        if column in LABEL_TYPE_COLUMNS:
            out[column] = as_label(out[column])
        elif out[column].dtype == object or isinstance(out[column].dtype, pd.CategoricalDtype):
            out[column] = text_column(out[column])
    return out


def _usable_rows(rows: _Rows) -> tuple[pd.Series, pd.Series, pd.Series | None, pd.Series | None]:
    """Drop the rows that cannot be used, each counted by reason, in this order: a copy of an earlier
    row cell for cell, no ID, no status, no readable creation date, an ID an earlier row has.
    Returns the kept rows' IDs, stages, creation dates (None without the column) and how many exact
    copies each had (None when there were none). A status the mapping does not know is refused."""
    id_codes = value_codes(rows.cells("lead_id"))  # every raw row's ID as an integer, found once
    duplicated, copies = duplicated_rows(rows.frame, id_codes)
    rows.drop(duplicated, "duplicate_rows")
    del duplicated
    lead_id = rows.cells("lead_id")
    rows.drop(lead_id == "", "no_id", column=rows.header("lead_id"))
    status = rows.cells("stage")
    rows.drop(status == "", "no_status", column=rows.header("stage"))
    stage = _stages(rows, aligned(status, rows.index))
    del status
    created = None
    if rows.column_index("created_at") is not None:
        # the cells handed over, not kept here: the parsing lets go of its copy of the kept rows' text once
        # read (10M leads: 200 MB; the raw column itself stays until the rows are settled)
        parsed = dates_of(rows.cells("created_at", blank=False), rows.mapping.placeholders, rows.mapping.dayfirst,
                          rows.mapping.timezone)
        created = rows.checked("created_at", parsed, "dates", DATE_HINT, required=True)
        # examples: the failed cells' text; an empty cell, a placeholder or a missing typed date
        # (Parquet, a database) shows as empty
        rows.drop(aligned(created, rows.index).isna(), "bad_created_at", column=rows.header("created_at"),
                  values=parsed.failed_text if parsed.failed_text is not None else pd.Series(dtype=object))
        del parsed
    lead_id = aligned(lead_id, rows.index)
    repeated = pd.Series(later_repeats(id_codes[rows.positions()]), index=rows.index, copy=False)
    rows.drop(repeated, "duplicate_ids", column=rows.header("lead_id"), values=lead_id)
    index = rows.index
    return (aligned(lead_id, index), aligned(stage, index), None if created is None else aligned(created, index),
            copies)


def _stages(rows: _Rows, status: pd.Series) -> pd.Series:
    """The canonical stage of each status; an error listing the statuses the mapping does not know."""
    mapping = rows.mapping
    stage = columns.stages(status, mapping.values.get("stage", {}))
    unknown = stage.isna()
    if unknown.any():
        counts = label_counts(status[unknown])
        listed = ", ".join(f"«{value}» ({count} rows)" for value, count in counts.head(8).items())
        first = counts.index[0]
        raise UnmappedValueError(
            f"status values the mapping «{mapping.name}» does not know: {listed}", file=rows.path,
            column=rows.header("stage"), value=first,
            hint=f'add each to the mapping file{mapping.line_of("values/stage")}:\nvalues:\n  stage:\n    "{first}": '
                 f"<one of {' | '.join(CANONICAL_STAGES)}>",
        )
    return stage


def _response_calendar(rows: _Rows) -> WorkingCalendar | None:
    """The working calendar that counts minutes from a lead to its first response, when the export
    has both dates and no minutes column; an error when the settings give no calendar."""
    if any(rows.column_index(column) is None for column in ("created_at", "first_response_at")) \
            or rows.column_index("response_minutes") is not None:
        return None
    return WorkingCalendar.from_settings(rows.mapping.settings)


def _later_dates(rows: _Rows, cells: dict[str, pd.Series | None], created: pd.Series | None,
                 calendar: WorkingCalendar | None) -> tuple[dict[str, Parsed], pd.Series | None]:
    """The later date columns parsed, one after the other (``cells``: raw, emptied as parsed), and
    the working minutes from creation to the first response when ``calendar`` counts them."""
    mapping = rows.mapping
    parsed = {}
    for column in [column for column, raw in cells.items() if raw is not None]:
        # popped, not held here: the parsing lets go of the column's text (10M leads: 200 MB) once read
        parsed[column] = dates_of(rows.kept(cells.pop(column)), mapping.placeholders, mapping.dayfirst,
                                  mapping.timezone)
    if calendar is None or created is None or "first_response_at" not in parsed:
        return parsed, None
    return parsed, calendar.minutes_between(created, parsed["first_response_at"].values)


def _persons(identifiers: _Background, positions: np.ndarray, created: np.ndarray | None, lines: np.ndarray,
             window_days: int) -> tuple[np.ndarray, tuple[np.ndarray, np.ndarray] | None]:
    """The kept rows' persons, once the identifiers' thread is done, and their repeats."""
    person = person_ids(identifiers.result(), positions)
    return person, None if created is None or not len(person) else repeats(person, created, lines, window_days)


def clean_spend(raw: RawTable, mapping: Mapping, path: str) -> tuple[pd.DataFrame, list[Issue]]:
    """Map and clean a spend table: a row per day × channel [× campaign] with its amount."""
    rows = _Rows(raw, mapping, path, "spend")
    rows.require(REQUIRED_SPEND_COLUMNS)
    rows.drop(rows.frame.duplicated(keep="first"), "duplicate_rows")
    parsed = dates_of(rows.cells("date", blank=False), mapping.placeholders, mapping.dayfirst, mapping.timezone)
    dates = rows.checked("date", parsed, "dates", DATE_HINT, required=True)
    rows.drop(aligned(dates, rows.index).isna(), "bad_date", column=rows.header("date"),
              values=text_cells(rows.cells("date")))
    spend_text = rows.cells("spend")
    spend = rows.checked("spend", numbers_of(spend_text), "numbers", NUMBER_HINT)
    values = aligned(spend, rows.index)
    infinite = values.notna() & ~np.isfinite(values.to_numpy(dtype=float, na_value=0.0))
    if infinite.any():  # "inf" or "1e999": a sum over it is infinite and every cost with it
        first = infinite[infinite].index[0]
        raise ColumnError(
            f"spend must be a finite amount: {int(infinite.sum())} rows are not, first at line "
            f"{rows.line.loc[first]} («{text_cells(spend_text).loc[first]}»)", file=path,
            column=rows.header("spend"), hint="correct that cell of the spend export (an amount in roubles)")
    negative = values < 0
    if negative.any():
        first = negative[negative].index[0]
        raise ColumnError(
            f"spend cannot be negative: {int(negative.sum())} rows, first at line {rows.line.loc[first]} "
            f"(«{text_cells(spend_text).loc[first]}»)", file=path, column=rows.header("spend"),
            hint="correct the spend export (refunds belong in a separate column)",
        )
    rows.drop(values.isna(), "no_spend", column=rows.header("spend"))
    index = rows.index
    out = pd.DataFrame(index=index)
    out["date"] = aligned(dates, index).dt.normalize()
    # plain text: spend is a few thousand rows
    out["channel"] = rows.labels("channel").astype(object)
    campaign = rows.labels("campaign")
    out["campaign"] = UNKNOWN if campaign is None else campaign.astype(object)
    out["spend"] = aligned(spend, index)
    for column in ("impressions", "clicks"):
        cells = rows.cells(column)
        if cells is not None:
            out[column] = rows.checked(column, numbers_of(cells), "numbers", NUMBER_HINT)
    return out.reset_index(drop=True), rows.issues


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
        A folder written by :func:`analysis.snapshot.save_snapshot`: read it instead of parsing ``leads``
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

