"""Plain-English wording shared by every message, explanation, report and invite.

One home for the small phrases ("3 meetings", "A, B and C", "Monday 4 January 2027"), so that
the terminal, the report and the calendar files say things the same way. Dates are spelt out
without the machine's locale, so outputs are the same on every machine.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

WEEKDAY_NAMES = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
MONTH_NAMES = ("January", "February", "March", "April", "May", "June", "July", "August",
               "September", "October", "November", "December")


def plural(n: int, word: str, many: str | None = None) -> str:
    """'1 meeting', '3 meetings'; `many` for irregular plurals ('2 people')."""
    return f"{n} {word if n == 1 else (many or word + 's')}"


def join(items: Iterable[str], word: str = "and") -> str:
    """'A', 'A and B', 'A, B and C' (no Oxford comma); `word` may be 'or'."""
    items = list(items)
    if len(items) <= 1:
        return "".join(items)
    return f"{', '.join(items[:-1])} {word} {items[-1]}"


def long_date(d: date) -> str:
    """'Monday 4 January 2027'."""
    return f"{WEEKDAY_NAMES[d.weekday()]} {d.day} {MONTH_NAMES[d.month - 1]} {d.year}"


def short_date(d: date) -> str:
    """'Mon 4 Jan 2027'."""
    return f"{WEEKDAY_NAMES[d.weekday()][:3]} {d.day} {MONTH_NAMES[d.month - 1][:3]} {d.year}"


def hhmm(minutes: int) -> str:
    """Minutes after midnight as '10:00' (24-hour, as in proposals.csv)."""
    return f"{minutes // 60:02d}:{minutes % 60:02d}"
