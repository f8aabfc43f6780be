"""Canonical disqualification reasons: who can fix each, and how far the lead got."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

Owner = Literal["marketing", "sales", "shared", "objective", "unknown"]
OWNERS: tuple[str, ...] = ("marketing", "sales", "shared", "objective", "unknown")


@dataclass(frozen=True)
class Reason:
    """One canonical reason.

    Attributes
    ----------
    code
        Canonical code, e.g. ``no_budget``.
    owner
        Who can fix it: ``marketing``, ``sales``, ``shared``, ``objective`` or ``unknown``.
    implies
        The furthest stage a lead lost for this reason reached (``new``, ``contacted``,
        ``qualified`` …): a lead lost as ``bought_elsewhere`` was a real buyer.
    """

    code: str
    owner: str
    implies: str


REASONS: dict[str, Reason] = {
    reason.code: reason
    for reason in (
        Reason("no_budget", "marketing", "contacted"),
        Reason("wrong_model", "marketing", "contacted"),
        Reason("not_in_stock", "marketing", "contacted"),
        Reason("wants_used", "marketing", "contacted"),
        Reason("invalid_contact", "marketing", "new"),
        Reason("duplicate", "marketing", "new"),
        Reason("spam_or_fake", "marketing", "contacted"),
        Reason("not_a_buyer", "marketing", "contacted"),
        Reason("not_ready", "shared", "contacted"),
        Reason("no_answer", "shared", "new"),
        Reason("price_or_discount", "shared", "qualified"),
        Reason("bought_elsewhere", "objective", "qualified"),
        Reason("changed_mind", "objective", "qualified"),
        Reason("other", "unknown", "contacted"),
        Reason("missing", "unknown", "contacted"),
    )
}

#: Reason for a lost lead whose raw text the mapping does not know (listed in the report).
OTHER = "other"
#: Reason for a lost lead with no reason at all.
MISSING = "missing"
