"""One root exception for everything the user can fix, with structured fields.

Every error a user can act on is a :class:`LeadAuditError`. The CLI prints
``str(error)`` (one message naming what, where and how to fix) and exits with code 2;
anything else is a bug and keeps its traceback.
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(eq=False)
class LeadAuditError(ValueError):
    """Root of all user-fixable errors.

    Parameters
    ----------
    message
        What is wrong, in one sentence.
    file
        The input file concerned, if any.
    column
        The raw or canonical column concerned, if any.
    value
        The offending value, if any.
    hint
        What to do about it.
    """

    message: str
    file: str | None = None
    column: str | None = None
    value: object | None = None
    hint: str | None = None
    exit_code: int = field(default=2, repr=False)

    def __post_init__(self) -> None:
        # a message quotes cells of the data (unknown statuses, unreadable dates): no phone or
        # e-mail reaches stderr, whichever column a wrong mapping pointed at
        from .masking import mask_personal

        self.message = mask_personal(self.message)
        self.hint = None if self.hint is None else mask_personal(self.hint)
        self.value = mask_personal(self.value) if isinstance(self.value, str) else self.value
        super().__init__(self.message)

    def __str__(self) -> str:
        where = []
        if self.file:
            where.append(f"file {self.file}")
        if self.column:
            where.append(f"column «{self.column}»")
        text = self.message
        if where:
            text = f"{', '.join(where)}: {text}"
        if self.hint:
            text = f"{text}\n  fix: {self.hint}"
        return text


class InputFileError(LeadAuditError):
    """The file is missing, empty, unreadable, or not a format we read."""


class MappingError(LeadAuditError):
    """The mapping file is malformed, or the data does not match it."""


class ColumnError(MappingError):
    """A required column is missing, or a column fails to parse wholesale."""


class UnmappedValueError(MappingError):
    """A value that must be mapped (a status) is not in the mapping."""


class ParameterError(LeadAuditError):
    """A report parameter is malformed or out of range."""


class ScopeError(ParameterError):
    """A scope value (channel, campaign, manager, model, period) is not in the data."""


class StatisticsError(LeadAuditError):
    """Malformed arguments to a statistical function (not degenerate data)."""


class ReportExecutionError(LeadAuditError):
    """The notebook failed while running; the executed notebook was kept for debugging."""

    def __post_init__(self) -> None:
        self.exit_code = 1
        super().__post_init__()
