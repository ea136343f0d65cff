"""Parsing the small value formats organisers type: times, dates, ranges, weekdays, booleans."""

from __future__ import annotations

import re
from datetime import date

from .domain import WEEKDAYS, DateRange

_TIME = re.compile(r"^(\d{1,2}):(\d{2})$")
_TRUE = {"yes", "y", "true", "1"}
_FALSE = {"no", "n", "false", "0"}
_WEEKDAY_NAMES = {
    **{w.lower(): i for i, w in enumerate(WEEKDAYS)},
    **{n: i for i, n in enumerate(
        ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"))},
    "tues": 1, "weds": 2, "thur": 3, "thurs": 3,
}


def parse_hhmm(text: str) -> int | None:
    """'10:30' -> 630; None when it is not a 24-hour time."""
    m = _TIME.match(text.strip())
    if not m:
        return None
    h, mi = int(m.group(1)), int(m.group(2))
    if h == 24 and mi == 0:
        return 24 * 60
    if h > 23 or mi > 59:
        return None
    return h * 60 + mi


def parse_date(text: str) -> date | None:
    text = text.strip()
    if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", text):
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        return None


def parse_bool(text: str) -> tuple[bool, bool | None]:
    """Returns (understood, value); a blank is understood as unknown (None)."""
    t = text.strip().lower()
    if t == "":
        return True, None
    if t in _TRUE:
        return True, True
    if t in _FALSE:
        return True, False
    return False, None


def parse_weekday(text: str) -> int | None:
    return _WEEKDAY_NAMES.get(text.strip().lower())


def parse_range(text: str) -> DateRange | None:
    """'2027-01-01' or '2027-01-01..2027-01-05'."""
    if ".." in text:
        a, _, b = text.partition("..")
        first, last = parse_date(a), parse_date(b)
        if first is None or last is None or last < first:
            return None
        return DateRange(first, last)
    d = parse_date(text)
    return DateRange(d, d) if d else None


def parse_open_days(text: str) -> frozenset[int] | None:
    """'Mon-Fri', 'Mon;Wed;Sat', 'Sat-Sun', 'daily'."""
    t = text.strip()
    if t.lower() in ("daily", "every day", "all", "mon-sun"):
        return frozenset(range(7))
    days: set[int] = set()
    for part in split_list(t.replace(",", ";")):
        if "-" in part:
            a, _, b = part.partition("-")
            i, j = parse_weekday(a), parse_weekday(b)
            if i is None or j is None:
                return None
            k = i
            while True:
                days.add(k)
                if k == j:
                    break
                k = (k + 1) % 7
        else:
            i = parse_weekday(part)
            if i is None:
                return None
            days.add(i)
    return frozenset(days) if days else None


def split_list(text: str) -> list[str]:
    return [p.strip() for p in text.split(";") if p.strip()]
