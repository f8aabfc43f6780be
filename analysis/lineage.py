"""Where the numbers come from: input files, rows read, used and dropped, and why.

Every report prints the lineage in its appendix and its JSON summary. No lead is lost
silently: rows that cannot be used are counted by reason with their first examples (line
numbers and the offending value, never personal data), and quirks that do not cost a row
(a missing channel kept as "unknown", an unmapped reason kept as "other") are notices.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

MAX_EXAMPLES = 5


@dataclass(frozen=True)
class InputRecord:
    """One input file (or database query) as read."""

    kind: str  # "leads" or "spend"
    path: str
    sha256: str
    rows_read: int
    rows_used: int
    file_format: str
    encoding: str | None = None
    separator: str | None = None
    sheet: str | None = None
    mapping: str | None = None
    query: str | None = None  # for a database: the SELECT that was run

    def to_json(self) -> dict[str, Any]:
        """The the JSON summary ``inputs`` entry (for a database, ``path`` is the URL without its password)."""
        entry = {"path": self.path, "sha256": self.sha256, "rows_read": self.rows_read,
                 "rows_used": self.rows_used, "kind": self.kind, "format": self.file_format,
                 "mapping": self.mapping}
        if self.query is not None:
            entry["query"] = self.query
        return entry


@dataclass(frozen=True)
class Issue:
    """Rows dropped (``dropped=True``) or a quirk counted and kept, with first examples.

    ``code`` names the kind (``no_id``, ``bad_created_at``, ``duplicate_rows``,
    ``duplicate_ids``, ``unknown_channel``, ``unmapped_reasons`` …); ``column`` the raw
    header concerned; ``examples`` short texts such as ``line 17: «31.02.2026»``.
    """

    code: str
    count: int
    kind: str = "leads"
    dropped: bool = False
    column: str | None = None
    examples: tuple[str, ...] = ()
    values: dict[str, int] = field(default_factory=dict)

    def __post_init__(self) -> None:
        """Examples and counted values are cells of the data: phones and e-mails masked."""
        from .masking import shown_text

        object.__setattr__(self, "examples", tuple(shown_text(str(e)) for e in self.examples))
        masked: dict[str, int] = {}
        for key, count in self.values.items():
            key = shown_text(str(key))
            masked[key] = masked.get(key, 0) + count
        object.__setattr__(self, "values", masked)


@dataclass(frozen=True)
class Lineage:
    """All inputs and all issues of one run."""

    inputs: tuple[InputRecord, ...] = ()
    issues: tuple[Issue, ...] = ()

    def __add__(self, other: "Lineage") -> "Lineage":
        return Lineage(self.inputs + other.inputs, self.issues + other.issues)

    @property
    def dropped(self) -> tuple[Issue, ...]:
        return tuple(issue for issue in self.issues if issue.dropped)

    @property
    def notices(self) -> tuple[Issue, ...]:
        return tuple(issue for issue in self.issues if not issue.dropped)

    def issue(self, code: str, kind: str = "leads") -> Issue | None:
        """The issue of that code, if any."""
        return next((i for i in self.issues if i.code == code and i.kind == kind), None)

    def count(self, code: str, kind: str = "leads") -> int:
        found = self.issue(code, kind)
        return 0 if found is None else found.count

    def to_dict(self) -> dict[str, Any]:
        return {"inputs": [asdict(record) for record in self.inputs],
                "issues": [{**asdict(issue), "examples": list(issue.examples)} for issue in self.issues]}

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> "Lineage":
        return cls(
            tuple(InputRecord(**record) for record in data["inputs"]),
            tuple(Issue(**{**issue, "examples": tuple(issue["examples"])}) for issue in data["issues"]),
        )
