"""Occurrences of one series in order, and which of them follow each other once placed.

Rules between consecutive occurrences (`venue_rotation`, `even_rhythm`) compare an occurrence
with the previous *scheduled* one: a pair also counts when every occurrence between them is left
unplaced. Looking up to three occurrences back covers every practical case.
"""

from __future__ import annotations

from collections.abc import Iterator

from scheduler.model.context import Choice

LOOK_BACK = 3


def possible(c: Choice) -> bool:
    """Has at least one (day, start, venue) left: otherwise it is never placed."""
    return bool(c.days and c.times and c.venues)


def consecutive(group: list[Choice]) -> Iterator[tuple[Choice, Choice, list]]:
    """(earlier, later, placed-literals of the occurrences between): the pair is consecutive
    when both are placed and none of those between is."""
    for i, b in enumerate(group):
        if not possible(b):
            continue
        for back in range(1, LOOK_BACK + 1):
            if i - back < 0:
                break
            a = group[i - back]
            if possible(a):
                yield a, b, [x.placed for x in group[i - back + 1:i] if possible(x)]
