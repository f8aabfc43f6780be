"""Personal data out of every text the package shows (docs/methods.md).

Clients type phones and e-mails into comments, loss-reason texts and campaign names, and a
wrong mapping can put them in any column. :func:`mask_personal` replaces phone- and
e-mail-like substrings and keeps the rest of the text ("просил звонить на [phone]" still
reads). It is applied where text leaves the data: label columns as they are loaded, the
loader's examples and counted values, error messages, the complaint text.

A phone is 10 to 15 digits, optionally after a ``+``, joined only by spaces, dashes or
brackets (``8-916-123-45-67``, ``+7 (916) 123 45 67``, ``89161234567``); dates and times
(``01.05.2025 06:41``) and amounts below ten digits (``2 528 000,00``) are not phones.
"""

from __future__ import annotations

import re

PHONE_MASK = "[phone]"
EMAIL_MASK = "[e-mail]"
EMAIL = re.compile(r"[\w.+%-]+@[\w-]+(?:\.[\w-]+)+", re.UNICODE)
PHONE = re.compile(r"(?<![\w+])\+?\d(?:[ \t\-()\u00a0]*\d){9,14}(?!\w)")
_HINT = re.compile(r"@|\d(?:[ \t\-()\u00a0]*\d){9}")  # cheap test: nothing to mask without these


def mask_personal(text: str) -> str:
    """``text`` with phone- and e-mail-like substrings replaced by ``[phone]`` and ``[e-mail]``."""
    if not isinstance(text, str) or not _HINT.search(text):
        return text
    return PHONE.sub(PHONE_MASK, EMAIL.sub(EMAIL_MASK, text))


#: longest text of the data shown as one label or reason (a 50 MB cell made a 53 MB report)
MAX_SHOWN_CHARS = 200
# control characters (a NUL made a channel 'А\x00vito') and bidirectional overrides (an RTL
# override turned the page title around)
_INVISIBLE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\u200e\u200f\u202a-\u202e\u2066-\u2069]")


def shown_text(text: str, limit: int = MAX_SHOWN_CHARS) -> str:
    """A text of the data as the reports may show it: invisible and direction-changing control
    characters removed, at most ``limit`` characters (then "…"), phones and e-mails masked."""
    if not isinstance(text, str):
        return text
    text = _INVISIBLE.sub("", text)
    if len(text) > limit:
        text = text[:limit - 1].rstrip() + "…"
    return mask_personal(text)
