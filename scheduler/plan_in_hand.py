"""The plan in hand: an earlier run's proposals.csv, read back to be explained as it is.

`schedule explain` explains the plan the organiser has (and may already have sent), not a new
one: a fresh plan could sit elsewhere, and its explanation would not match the rows in their
spreadsheet. The plan is used only when it is a plan *of this data*: every row reads, names the
same meetings, titles, attendees and calendar UIDs, covers every occurrence of its window, and
keeps every hard rule. Otherwise the caller plans first and says why.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path

from scheduler.core.domain import Dataset, DateRange, Plan, sort_key
from scheduler.core.errors import DataError, Problems
from scheduler.engine.validate import check
from scheduler.inputs.tables import read_csv
from scheduler.outputs.export_csv import read_proposals
from scheduler.whatif.change import choose_window
from scheduler.world.calendar import occurrences

PROPOSALS = "proposals.csv"


@dataclass
class InHand:
    plan: Plan | None  # None: no usable plan of this data in the folder
    why_not: str = ""  # when plan is None: why, in plain words


def plan_in_hand(ds: Dataset, folder: Path, start: date | None, end: date | None, strict: bool = False,
                 today: date | None = None) -> InHand:
    """The folder's proposals.csv as a Plan of this data, or why it is not one."""
    folder = Path(folder)
    path = folder / PROPOSALS
    if not path.is_file():
        return InHand(None, f"there is no {PROPOSALS} in {folder}")
    problems = Problems()
    wide = DateRange(date.min, date.max)
    rows = read_proposals(path, ds, wide, problems)
    if problems:
        return InHand(None, f"{path} does not match this data ({problems.items[0]})")
    if not rows:
        return InHand(None, f"{path} has no meetings")
    mismatch = _other_data(ds, folder)
    if mismatch:
        return InHand(None, f"{path} was made from other data ({mismatch})")
    try:
        window, added = choose_window(ds, rows, start, end, today)
    except DataError as exc:
        return InHand(None, f"{path} lacks meetings of this data ({exc.problems[0].message})")
    if added:
        o = added[0]
        return InHand(None, f"{path} has no row for {o.meeting_id} occurrence {o.number}, which this data has")
    problems = Problems()
    rows = [p for p in read_proposals(path, ds, window, problems)
            if p.occurrence.period.overlaps(window) and (not p.scheduled or window.first <= p.day <= window.last)]
    hard = [f for f in check(ds, rows, window, strict=strict) if f.hard]
    if hard:
        return InHand(None, f"{path} breaks a hard rule under this data ({hard[0]}); the data changed since it "
                            "was made")
    plan = Plan(placements=sorted(rows, key=sort_key(ds)), planning=window, solver_status="IN_HAND")
    return InHand(plan)


def _other_data(ds: Dataset, folder: Path) -> str:
    """The first row whose title, attendees or UID is not what this data gives it ('' when none)."""
    known = {(o.meeting_id, o.number): o for o in occurrences(ds, DateRange(date.min, date.max))}
    for row in read_csv(folder, PROPOSALS, Problems(), ("meeting_id", "occurrence")) or []:
        mid, number = row.get("meeting_id"), row.get("occurrence")
        m = ds.meetings.get(mid)
        if m is None or not number.isdigit():
            continue
        where = f"row {row.number}, {mid} #{number}"
        if "title" in row.values and row.get("title") != m.title.strip():
            return f"{where}: the title is '{row.get('title')}', meetings.csv says '{m.title}'"
        if "attendees" in row.values and row.get("attendees") != ";".join(m.everyone):
            return f"{where}: the attendees differ from meetings.csv and participants.csv"
        occ = known.get((mid, int(number)))
        if occ is not None and row.get("uid") and row.get("uid") != occ.uid:
            return f"{where}: its calendar UID is not the one this data's settings give it"
    return ""
