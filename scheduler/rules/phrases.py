"""Phrases the rules' sentences share (counts of venues and days, lists of ids, weekdays).

Explanations name participants only in `schedule explain` (for the organiser); the short forms
(`Rule.gist`) never do.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

from scheduler.core.wording import join, plural, short_date

WEEKDAYS_PLURAL = ("Mondays", "Tuesdays", "Wednesdays", "Thursdays", "Fridays", "Saturdays", "Sundays")


def of(n: int, total: int, word: str) -> str:
    """'none of the 4 venues', 'all 4 venues', 'the one venue', '2 of the 4 venues'."""
    if n == 0:
        return f"none of the {plural(total, word)}"
    if n == total:
        return f"all {plural(total, word)}" if total > 1 else f"the one {word}"
    return f"{n} of the {plural(total, word)}"


def verb(n: int, one: str, many: str) -> str:
    return one if n <= 1 else many


def ids(items: Iterable[str]) -> str:
    """Participant ids, at most six, then how many more."""
    items = list(items)
    if len(items) > 6:
        return ", ".join(items[:6]) + f" and {len(items) - 6} more"
    return join(items)


def who(items: list[str], one: str, many: str) -> str:
    return f"{one if len(items) == 1 else many} ({ids(items)})"


def weekday_plural(w: int) -> str:
    return WEEKDAYS_PLURAL[w]


def unavailable_text(u, days: list[date]) -> str:
    """When someone cannot come, limited to the dates that fall among `days`."""
    parts = []
    if u.weekdays:
        parts.append("on " + join(weekday_plural(w) for w in sorted(u.weekdays)))
    for r in u.dates:
        if not any(d in r for d in days):
            continue
        parts.append(f"on {short_date(r.first)}" if r.first == r.last
                     else f"from {short_date(r.first)} to {short_date(r.last)}")
    return join(parts) if parts else "on some days"
