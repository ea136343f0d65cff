"""Parsing the small value formats organisers type: times, dates, ranges, weekdays, booleans."""

from __future__ import annotations

import re
from datetime import date

from scheduler.core.domain import WEEKDAYS, DateRange
from scheduler.core.values import parse_hhmm  # noqa: F401  (the readers' one time parser)

_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
# The UK way, day first: 3/9/2025, 03/09/2025 (also with '-' or '.'). Never month first.
_UK_DATE = re.compile(r"([0-9]{1,2})([/.\-])([0-9]{1,2})\2([0-9]{4})")
_SHORT_YEAR = re.compile(r"([0-9]{1,2})([/.\-])([0-9]{1,2})\2([0-9]{2})")
_MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August", "September",
           "October", "November", "December")
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
    """'2027-01-15' or '15/01/2027' (day first) -> date; None unless a real date from 1900 to 2199."""
    parts = _date_parts(text)
    if parts is None:
        return None
    year, month, day = parts
    try:
        d = date(year, month, day)
    except ValueError:
        return None
    return d if MIN_YEAR <= d.year <= MAX_YEAR else None


def _date_parts(text: str) -> tuple[int, int, int] | None:
    """(year, month, day) as written, real or not, or None when it is not written as a date."""
    text = text.strip()
    if _DATE.fullmatch(text):
        return int(text[:4]), int(text[5:7]), int(text[8:10])
    m = _UK_DATE.fullmatch(text)
    if m:
        return int(m.group(4)), int(m.group(3)), int(m.group(1))
    return None


def is_day_first(text: str) -> tuple[int, int] | None:
    """(first, second) number of a date written DD/MM/YYYY, for spotting a month-first column."""
    m = _UK_DATE.fullmatch(text.strip())
    return (int(m.group(1)), int(m.group(3))) if m else None


def date_out_of_range(text: str) -> bool:
    """True for a well-formed date whose year is implausible, such as 0202-01-01 or 9999-12-31."""
    parts = _date_parts(text)
    return parts is not None and not MIN_YEAR <= parts[0] <= MAX_YEAR


def why_not_a_date(text: str) -> str | None:
    """What is wrong with a value written like a date but not one; None when it is not date-like."""
    text = text.strip()
    short = _SHORT_YEAR.fullmatch(text)
    if short:
        return (f"'{text}' has a two-digit year; write the year in full, such as "
                f"{int(short.group(1)):02d}/{int(short.group(3)):02d}/20{short.group(4)} (DD/MM/YYYY)")
    parts = _date_parts(text)
    if parts is None:
        return None
    year, month, day = parts
    if _UK_DATE.fullmatch(text) and month > 12 and 1 <= day <= 12 and month <= 31:
        return (f"'{text}' has no month {month}: dates are read day first (DD/MM/YYYY), never month "
                f"first, so write {month:02d}/{day:02d}/{year} or {year}-{day:02d}-{month:02d}")
    if not 1 <= month <= 12:
        return f"'{text}' has no month {month}; expected a date as YYYY-MM-DD or DD/MM/YYYY"
    if MIN_YEAR <= year <= MAX_YEAR:
        try:
            date(year, month, day)
        except ValueError:
            return (f"'{text}' is not a real date: {_MONTHS[month - 1]} {year} has no day {day}; "
                    "expected a date as YYYY-MM-DD or DD/MM/YYYY")
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
    if not text:
        return []
    return [p.strip() for p in text.split(";") if p.strip()]
