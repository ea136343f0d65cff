"""Parsing the small value formats organisers type: times, dates, ranges, weekdays, booleans."""

from __future__ import annotations

import re
from datetime import date

from scheduler.core.domain import WEEKDAYS, DateRange
from scheduler.core.values import parse_hhmm  # noqa: F401  (the readers' one time parser)

_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
# Dates outside these years are typing mistakes (2207 for 2027), and far dates overflow date sums.
MIN_YEAR, MAX_YEAR = 1900, 2199
_TRUE = {"yes", "y", "true", "1"}
_FALSE = {"no", "n", "false", "0"}
_WEEKDAY_NAMES = {
    **{w.lower(): i for i, w in enumerate(WEEKDAYS)},
    **{n: i for i, n in enumerate(
        ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"))},
    "tues": 1, "weds": 2, "thur": 3, "thurs": 3,
}


def parse_date(text: str) -> date | None:
    """'2027-01-15' -> date; None when it is not a real YYYY-MM-DD date from 1900 to 2199."""
    text = text.strip()
    if not _DATE.fullmatch(text):
        return None
    try:
        d = date.fromisoformat(text)
    except ValueError:
        return None
    return d if MIN_YEAR <= d.year <= MAX_YEAR else None


def date_out_of_range(text: str) -> bool:
    """True for a well-formed date whose year is implausible, such as 0202-01-01 or 9999-12-31."""
    text = text.strip()
    return bool(_DATE.fullmatch(text)) and not MIN_YEAR <= int(text[:4]) <= MAX_YEAR


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
    if not text:
        return []
    return [p.strip() for p in text.split(";") if p.strip()]
