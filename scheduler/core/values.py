"""The small value formats every layer agrees on: a time of day, an email address, a domain name.

One definition each, so that what the readers accept is exactly what the writers expect.
"""

from __future__ import annotations

import re

_TIME = re.compile(r"([0-9]{1,2}):([0-9]{2})")
_LABEL = r"[A-Za-z0-9](?:[A-Za-z0-9\-]*[A-Za-z0-9])?"
# A domain name: letters, digits and '-' in dot-separated labels (no leading or trailing '-').
DOMAIN = re.compile(rf"{_LABEL}(?:\.{_LABEL})*")
# An address a calendar program can send to: no spaces, quotes, brackets or list separators in
# the local part, and a domain of at least two labels.
EMAIL = re.compile(rf"[^@\s,;:<>()\[\]\"'\\]+@{_LABEL}(?:\.{_LABEL})+")


def parse_hhmm(text: str) -> int | None:
    """'10:30' -> 630; None when it is not a 24-hour time ('24:00' is the end of the day)."""
    m = _TIME.fullmatch(text.strip())
    if not m:
        return None
    h, mi = int(m.group(1)), int(m.group(2))
    if h == 24 and mi == 0:
        return 24 * 60
    if h > 23 or mi > 59:
        return None
    return h * 60 + mi


def is_email(text: str | None) -> bool:
    return bool(text) and EMAIL.fullmatch(text.strip()) is not None


def is_domain(text: str) -> bool:
    return DOMAIN.fullmatch(text) is not None
