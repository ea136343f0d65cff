"""Names shared by the what-if modules: keys, slots and labels."""

from __future__ import annotations

from datetime import date

from scheduler.core.domain import Dataset, Placement
from scheduler.rules import RULES

CHANGE_COLUMNS = ("meeting_id", "occurrence", "uid", "change", "old_date", "old_start", "old_venue",
                  "new_date", "new_start", "new_venue", "reason", "travel_change_minutes")
PROPOSALS = "proposals.csv"
CLI = "command line"
# Findings of these rules do not make a kept placement move (papers_ahead: papers that already
# went out stay out, and a papers date that no longer matches is a data edit, not a venue change).
NOT_A_REASON_TO_MOVE = frozenset(r.name for r in RULES if not r.reason_to_move)
# Without --time-limit, the free re-plan that only estimates what new venues would gain (no
# --replan) stops after this many seconds; the summary says when it was stopped.
ESTIMATE_SECONDS = 10.0
Key = tuple[str, int]
Slot = tuple[date, int, str]


def key_of(p: Placement) -> Key:
    return (p.occurrence.meeting_id, p.occurrence.number)


def slot_of(p: Placement) -> Slot | None:
    if not p.scheduled or p.day is None or p.start is None:
        return None
    return (p.day, p.start, p.venue_id)


def label(ds: Dataset, k: Key) -> str:
    m = ds.meetings.get(k[0])
    if m is None:  # a meeting the edited data dropped
        return f"{k[0]} #{k[1]}"
    return f"{m.title} ({k[0]} #{k[1]})"


def venue_name(ds: Dataset, vid: str) -> str:
    return ds.venues[vid].name if vid in ds.venues else vid

