"""proposals.xlsx: proposals.csv for people who work in Excel.

The first sheet holds the same rows and columns as proposals.csv, with dates as dates, times as
times and numbers as numbers, a header that stays in view, filters, and the occurrences that could
not be placed or that relax a rule filled in colour (the summary sheet has the legend). The
summary sheet has one row per series. The bytes depend only on the plan: the document's
created/modified times and the zip entries' dates come from the clock (SOURCE_DATE_EPOCH).
"""

from __future__ import annotations

import io
import zipfile
from collections.abc import Callable
from datetime import date, datetime, time
from pathlib import Path

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.writer.excel import ExcelWriter

from scheduler.core.domain import Dataset, Plan
from scheduler.outputs.export_csv import PROPOSAL_COLUMNS, proposal_row, sort_key
from scheduler.outputs.write import neutralise

NOT_PLACED_FILL = PatternFill("solid", fgColor="F8D7DA")  # light red
RELAXED_FILL = PatternFill("solid", fgColor="FFF3CD")  # light amber
HEADER_FILL = PatternFill("solid", fgColor="DDE4EE")
DATE_COLUMNS = ("date", "papers_due")
TIME_COLUMNS = ("start", "end")
WHOLE_COLUMNS = ("occurrence", "travel_total_minutes", "travel_max_minutes", "sequence")
MONEY_COLUMNS = ("expenses_estimate",)
_WIDTHS = {"title": 34, "venue_name": 30, "attendees": 30, "rules_relaxed": 30, "reason": 50, "uid": 24}


def _typed(column: str, text: str):
    """The cell value for one proposals.csv text: a real date, time or number where it is one."""
    if text == "":
        return None
    try:
        if column in DATE_COLUMNS:
            return date.fromisoformat(text)
        if column in TIME_COLUMNS:
            return time(int(text[:2]), int(text[3:5]))
        if column in WHOLE_COLUMNS:
            return int(text)
        if column in MONEY_COLUMNS:
            return float(text)
    except ValueError:
        pass
    return neutralise(text)


def proposals_workbook(ds: Dataset, plan: Plan, columns: tuple[str, ...] = PROPOSAL_COLUMNS,
                       row_of: Callable = proposal_row) -> Workbook:
    book = Workbook()
    sheet = book.active
    sheet.title = "proposals"
    sheet.append(list(columns))
    for cell in sheet[1]:
        cell.font = Font(bold=True)
        cell.fill = HEADER_FILL
    placements = sorted(plan.placements, key=sort_key(ds))
    for p in placements:
        row = row_of(ds, p)
        sheet.append([_typed(c, str(row.get(c, ""))) for c in columns])
        excel_row = sheet.max_row
        fill = NOT_PLACED_FILL if not p.scheduled else RELAXED_FILL if p.rules_relaxed else None
        for i, column in enumerate(columns, start=1):
            cell = sheet.cell(excel_row, i)
            if isinstance(cell.value, str):
                cell.data_type = "s"  # text is text, never a formula
            if column in DATE_COLUMNS:
                cell.number_format = "yyyy-mm-dd"
            elif column in TIME_COLUMNS:
                cell.number_format = "hh:mm"
            elif column in MONEY_COLUMNS:
                cell.number_format = "0.00"
            if fill is not None:
                cell.fill = fill
    for i, column in enumerate(columns, start=1):
        sheet.column_dimensions[get_column_letter(i)].width = _WIDTHS.get(column, max(11, len(column) + 2))
    sheet.freeze_panes = "A2"
    sheet.auto_filter.ref = f"A1:{get_column_letter(len(columns))}{max(sheet.max_row, 1)}"
    _summary(book.create_sheet("summary"), ds, plan)
    return book


def _summary(sheet, ds: Dataset, plan: Plan) -> None:
    """One row per series, then the legend of the fills on the proposals sheet."""
    header = ["meeting_id", "title", "recurrence", "participation_level", "occurrences", "scheduled",
              "not_placed", "relaxing_a_rule", "rules_relaxed", "venues_used", "family_travel_minutes"]
    sheet.append(header)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
        cell.fill = HEADER_FILL
    by_series: dict[str, list] = {}
    for p in plan.placements:
        by_series.setdefault(p.occurrence.meeting_id, []).append(p)
    for mid, m in ds.meetings.items():
        ps = by_series.get(mid, [])
        if not ps:
            continue
        placed = [p for p in ps if p.scheduled]
        relaxed = sorted({r for p in placed for r in p.rules_relaxed})
        values = [mid, m.title, m.recurrence, m.participation_level, len(ps), len(placed), len(ps) - len(placed),
                  sum(1 for p in placed if p.rules_relaxed), ";".join(relaxed),
                  len({p.venue_id for p in placed}), sum(p.travel_total for p in placed)]
        sheet.append([neutralise(v) if isinstance(v, str) else v for v in values])
        for cell in sheet[sheet.max_row]:
            if isinstance(cell.value, str):
                cell.data_type = "s"
        if len(placed) < len(ps):
            sheet.cell(sheet.max_row, 7).fill = NOT_PLACED_FILL
        elif relaxed:
            sheet.cell(sheet.max_row, 8).fill = RELAXED_FILL
    for i, column in enumerate(header, start=1):
        sheet.column_dimensions[get_column_letter(i)].width = {"title": 34, "rules_relaxed": 40}.get(
            column, max(11, len(column) + 2))
    sheet.freeze_panes = "A2"
    sheet.append([])
    sheet.append(["Legend"])
    sheet.cell(sheet.max_row, 1).font = Font(bold=True)
    sheet.append(["", "Not placed: no slot keeps the hard rules (see the reason column)"])
    sheet.cell(sheet.max_row, 1).fill = NOT_PLACED_FILL
    sheet.append(["", "Placed, but relaxing a rule (see the rules_relaxed column)"])
    sheet.cell(sheet.max_row, 1).fill = RELAXED_FILL
    sheet.append(["", "Placed, keeping every rule"])
    for row in sheet.iter_rows(min_row=sheet.max_row - 2, max_row=sheet.max_row):
        row[1].alignment = Alignment(wrap_text=False)


def workbook_bytes(book: Workbook, when: datetime) -> bytes:
    """The .xlsx bytes, the same for the same workbook and time: openpyxl stamps the document
    with the time of saving and the zip entries with the local clock; both come from `when`."""
    stamp = when.replace(tzinfo=None, microsecond=0)
    book.properties.created = stamp
    book.properties.modified = stamp
    raw = io.BytesIO()
    with zipfile.ZipFile(raw, "w", zipfile.ZIP_DEFLATED) as archive:
        writer = ExcelWriter(book, archive)
        writer.write_data()  # as ExcelWriter.save, but without resetting `modified` to now
    zip_time = max(stamp, datetime(1980, 1, 1)).timetuple()[:6]
    fixed = io.BytesIO()
    with zipfile.ZipFile(raw) as source, zipfile.ZipFile(fixed, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            entry = zipfile.ZipInfo(info.filename, date_time=zip_time)
            entry.compress_type = zipfile.ZIP_DEFLATED
            entry.external_attr = 0o600 << 16
            target.writestr(entry, source.read(info.filename))
    return fixed.getvalue()


def write_proposals_xlsx(path: Path, ds: Dataset, plan: Plan, when: datetime) -> None:
    path.write_bytes(workbook_bytes(proposals_workbook(ds, plan), when))
