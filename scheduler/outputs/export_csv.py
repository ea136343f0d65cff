"""proposals.csv and changes.csv: the organiser's own record, read back by check and whatif."""

from __future__ import annotations

import csv
import io
from datetime import date
from pathlib import Path

from scheduler.core.domain import Dataset, DateRange, Placement, Plan, Status, hhmm, sort_key
from scheduler.core.errors import Problems
from scheduler.explain.expenses import expenses_for, pounds
from scheduler.inputs.tables import read_csv
from scheduler.inputs.timeparse import parse_date, parse_hhmm, split_list
from scheduler.outputs.write import neutralise
from scheduler.world.calendar import occurrences

PROPOSAL_COLUMNS = (
    "meeting_id", "occurrence", "title", "status", "date", "start", "end", "venue_id", "venue_name",
    "attendees", "papers_due", "travel_total_minutes", "travel_max_minutes", "rules_relaxed",
    "reason", "uid", "sequence", "period", "participation_level", "expenses_estimate",
)


def proposal_row(ds: Dataset, p: Placement) -> dict[str, str]:
    m = ds.meetings[p.occurrence.meeting_id]
    v = ds.venues.get(p.venue_id)
    return {
        "meeting_id": m.meeting_id,
        "occurrence": str(p.occurrence.number),
        "title": m.title,
        "status": p.status,
        "date": p.day.isoformat() if p.scheduled and p.day else "",
        "start": hhmm(p.start) if p.scheduled and p.start is not None else "",
        "end": hhmm(p.end) if p.scheduled and p.end is not None else "",
        "venue_id": p.venue_id if p.scheduled else "",
        "venue_name": v.name if p.scheduled and v else "",
        "attendees": ";".join(m.everyone),
        "papers_due": p.papers_due.isoformat() if p.scheduled and p.papers_due else "",
        "travel_total_minutes": str(p.travel_total) if p.scheduled else "",
        "travel_max_minutes": str(p.travel_max) if p.scheduled else "",
        "rules_relaxed": ";".join(p.rules_relaxed),
        "reason": p.reason,
        "uid": p.occurrence.uid,
        "sequence": str(p.sequence),
        "period": p.occurrence.period_label,
        "participation_level": m.participation_level,
        "expenses_estimate": pounds(expenses_for(ds).estimate(p)),
    }


def write_table(path: Path, columns: tuple[str, ...], rows: list[dict[str, str]]) -> None:
    buf = io.StringIO(newline="")
    writer = csv.DictWriter(buf, fieldnames=list(columns), lineterminator="\r\n", extrasaction="ignore")
    writer.writeheader()
    for row in rows:
        writer.writerow({k: neutralise(str(row.get(k, ""))) for k in columns})
    path.write_text(buf.getvalue(), encoding="utf-8", newline="")


def write_proposals(path: Path, ds: Dataset, plan: Plan) -> None:
    rows = [proposal_row(ds, p) for p in sorted(plan.placements, key=sort_key(ds))]
    write_table(path, PROPOSAL_COLUMNS, rows)


def read_proposals(path: Path, ds: Dataset, planning: DateRange, problems: Problems,
                   unknown: list | None = None) -> list[Placement]:
    """proposals.csv back into placements; every unreadable cell is a problem naming its row.

    With `unknown` (a what-if on edited data), rows of meetings or occurrences the data no longer
    has are collected there instead of being problems, and a venue no longer in venues.csv is
    read as it is (the checker then finds it closed).
    """
    name = path.name
    rows = read_csv(path.parent, name, problems,
                    ("meeting_id", "occurrence", "status", "date", "start", "end", "venue_id"))
    if rows is None:
        return []
    known = {(o.meeting_id, o.number): o for o in occurrences(ds, DateRange(date.min, date.max))}
    out: list[Placement] = []
    for row in rows:
        mid = row.get("meeting_id")
        number = row.integer("occurrence", minimum=1)
        occ = known.get((mid, number)) if number is not None else None
        if unknown is not None and number is not None and (mid not in ds.meetings or occ is None):
            unknown.append(row)
            continue
        if mid not in ds.meetings:
            row.error("meeting_id", f"'{mid}' is not a meeting_id in meetings.csv; is this the right data folder?")
            continue
        if occ is None:
            if number is not None:
                row.error("occurrence", f"{mid} has no occurrence {number} in its window; is this the right data folder?")
            continue
        clipped = occ.period.intersect(planning)
        occ = type(occ)(occ.meeting_id, occ.number, occ.period_label, occ.period, clipped or occ.period, occ.uid)
        status = row.get("status").lower()
        seq = row.integer("sequence", default=0, minimum=0) or 0
        relaxed = tuple(split_list(row.get("rules_relaxed")))
        if status == Status.UNSCHEDULED:
            out.append(Placement(occ, Status.UNSCHEDULED, rules_relaxed=relaxed, reason=row.get("reason"), sequence=seq))
            continue
        if status != Status.SCHEDULED:
            row.error("status", f"expected scheduled or unscheduled, got '{row.get('status')}'")
            continue
        d = parse_date(row.get("date"))
        start, end = parse_hhmm(row.get("start")), parse_hhmm(row.get("end"))
        if d is None:
            row.error("date", f"expected a date as YYYY-MM-DD, got '{row.get('date')}'")
        if start is None:
            row.error("start", f"expected a time as HH:MM, got '{row.get('start')}'")
        if end is None:
            row.error("end", f"expected a time as HH:MM, got '{row.get('end')}'")
        vid = row.get("venue_id")
        if vid not in ds.venues and (unknown is None or not vid):
            row.error("venue_id", f"'{vid}' is not a venue_id in venues.csv")
        due_text = row.get("papers_due")
        due = parse_date(due_text) if due_text else None
        if due_text and due is None:
            row.error("papers_due", f"expected a date as YYYY-MM-DD, got '{due_text}'")
        if d is None or start is None or end is None or (vid not in ds.venues and (unknown is None or not vid)):
            continue
        out.append(Placement(occ, Status.SCHEDULED, d, start, end, vid, due, relaxed, row.get("reason"),
                             _int(row.get("travel_total_minutes")), _int(row.get("travel_max_minutes")), seq))
    return out


def _int(text: str) -> int:
    try:
        return int(text)
    except ValueError:
        return 0
