"""fixed.csv: placements the organiser has already decided, one row per occurrence.

Columns `meeting_id`, `occurrence`, and any of `date`, `start`, `venue_id` (a blank is free to
choose). Here each row is read and checked on its own against the meetings and venues; whether
the fixed values keep the hard rules (and each other) needs the calendar and travel times, so the
engine checks that before planning (engine/fixed.py).

The same row checks serve the `fixed` sheet of a workbook: `fixed_placements` takes rows from
either (anything with `get`, `error`, `number` and `file`, such as inputs.tables.Row).
"""

from __future__ import annotations

from typing import Protocol

from scheduler.core.domain import Fixed, Meeting, Venue

FIXED = "fixed.csv"
FIXED_COLUMNS = ("meeting_id", "occurrence")


class FixedRow(Protocol):
    file: str
    number: int

    def get(self, column: str) -> str: ...
    def error(self, column: str | None, message: str) -> None: ...
    def integer(self, column: str, default: int | None = None, minimum: int = 0,
                maximum: int | None = None) -> int | None: ...
    def date(self, column: str): ...
    def time(self, column: str, default: int | None) -> int | None: ...




def fixed_placements(rows: list[FixedRow], meetings: dict[str, Meeting], venues: dict[str, Venue],
                     warnings: list[str] | None = None) -> dict[tuple[str, int], Fixed]:
    """Each row as a Fixed; a row's mistakes are reported on the row (file, row and column)."""
    out: dict[tuple[str, int], Fixed] = {}
    first_row: dict[tuple[str, int], int] = {}
    empty: list[int] = []
    for row in rows:
        mid = row.get("meeting_id")
        number = row.integer("occurrence", minimum=1, maximum=10_000)
        day, start = row.date("date"), row.time("start", None)
        vid = row.get("venue_id") or None
        ok = number is not None and (day is not None or not row.get("date")) and (
            start is not None or not row.get("start"))
        if not mid:
            row.error("meeting_id", "is empty; give the meeting_id of the meeting this row fixes")
            ok = False
        elif mid not in meetings:
            known = ", ".join(list(meetings)[:12]) or "none"
            row.error("meeting_id", f"'{mid}' is not a meeting_id in meetings.csv (the meeting_ids are: {known})")
            ok = False
        if vid is not None and vid not in venues:
            row.error("venue_id", f"'{vid}' is not a venue_id in venues.csv; give one of its venue_ids or leave it blank")
            ok = False
        elif vid is not None and mid in meetings and meetings[mid].venues is not None \
                and vid not in meetings[mid].venues:
            allowed = ", ".join(meetings[mid].venues)
            row.error("venue_id", f"{vid} is not one of the venues {mid} may use (its venues column in meetings.csv: "
                                  f"{allowed}); add it there or fix another venue (rule venue_access)")
            ok = False
        if start is not None and mid in meetings and start + meetings[mid].duration_minutes > 24 * 60:
            row.error("start", f"{mid} lasts {meetings[mid].duration_minutes} minutes, so it cannot start at "
                               f"{row.get('start')} and end the same day")
            ok = False
        if not ok or number is None:
            continue
        key = (mid, number)
        if key in first_row:
            row.error("occurrence", f"{mid} occurrence {number} is fixed twice (first on row {first_row[key]}); "
                                    "keep one row per occurrence")
            continue
        first_row[key] = row.number
        if day is None and start is None and vid is None:
            empty.append(row.number)
            continue
        out[key] = Fixed(mid, number, day, start, vid, row.number, row.file)
    if empty and warnings is not None and rows:
        shown = ", ".join(str(n) for n in empty[:8])
        warnings.append(f"{rows[0].file} rows {shown} fix nothing (date, start and venue_id are all blank), "
                        "so those meetings are planned freely.")
    return out
