"""Reading a workbook (.xlsx or .ods) into the same raw tables as the CSV files.

Each sheet is named like a file without `.csv` (`venues`, `participants`, ...). Cells the
spreadsheet typed (dates, times, numbers, booleans) are written back as the text a CSV file would
hold (2027-01-15, 10:30, 30, yes), so every check of inputs/load.py is shared and a workbook
plans exactly as the same data saved as CSV. Places are named as the spreadsheet shows them:
sheet, row (2 is the first data row) and lettered column.
"""

from __future__ import annotations

import math
import re
import tomllib
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from pathlib import Path
from typing import Any

from python_calamine import CalamineWorkbook

from scheduler.core.errors import Problems

SUFFIXES = (".xlsx", ".xlsm", ".ods")
MAX_BOOK_BYTES = 100 * 1024 * 1024
# Excel's day 0 (and Lotus's 1900 leap-year bug): a time typed alone can come back on these days.
_TIME_ONLY_DAYS = (date(1899, 12, 30), date(1899, 12, 31), date(1900, 1, 1))
_NUMBER = re.compile(r"-?[0-9]+(\.[0-9]+)?")


def is_workbook(path: Path) -> bool:
    return path.suffix.lower() in SUFFIXES


def column_letter(index: int) -> str:
    """0 -> A, 25 -> Z, 26 -> AA."""
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(ord("A") + rest) + letters
    return letters


def cell_text(value: Any) -> str:
    """A typed cell as the text a CSV file would hold."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        if not math.isfinite(value):
            return str(value)
        if value.is_integer() and abs(value) < 1e15:
            return str(int(value))
        return repr(value)
    if isinstance(value, datetime):
        if value.date() in _TIME_ONLY_DAYS:
            return _time_text(value.time())
        if value.time() == time(0, 0):
            return value.date().isoformat()
        return f"{value.date().isoformat()} {_time_text(value.time())}"
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, time):
        return _time_text(value)
    if isinstance(value, timedelta):
        minutes, seconds = divmod(int(value.total_seconds()), 60)
        return f"{minutes // 60:02d}:{minutes % 60:02d}" + (f":{seconds:02d}" if seconds else "")
    return str(value)


def _time_text(t: time) -> str:
    return f"{t.hour:02d}:{t.minute:02d}" + (f":{t.second:02d}" if t.second else "")


@dataclass
class Table:
    """One sheet as text: the header cells (row 1) and the numbered rows below it."""

    label: str  # "book.xlsx, sheet 'venues'", for messages
    header: list[str]
    body: list[tuple[int, list[str]]]
    letters: dict[int, str]


class SheetProblems(Problems):
    """Messages written for CSV files name the other files ("not a participant_id in
    participants.csv"); in a workbook they name its sheets instead."""

    def add(self, file: str, row: int | None, column: str | None, message: str, letter: str = "") -> None:
        for name in ("venues", "participants", "meetings", "term_dates", "travel_times", "fixed",
                     "postcode_districts"):
            message = message.replace(f"{name}.csv", f"the {name} sheet")
        message = message.replace("settings.toml", "the settings sheet")
        super().add(file, row, column, message, letter)


class Workbook:
    """An open workbook; problems opening it or reading a sheet are recorded, never raised."""

    def __init__(self, path: Path, problems: Problems):
        self.path = path
        self.problems = problems
        self.book = None
        self.names: dict[str, str] = {}
        try:
            size = path.stat().st_size
        except OSError as exc:
            problems.add(path.name, None, None, f"cannot be read ({exc.strerror or exc}); check that the file is not open elsewhere")
            return
        if size > MAX_BOOK_BYTES:
            problems.add(path.name, None, None, f"is {size / 1e6:,.0f} MB; the largest workbook the scheduler reads is {MAX_BOOK_BYTES // (1024 * 1024)} MB. Is this the right file?")
            return
        try:
            self.book = CalamineWorkbook.from_path(str(path))
        except Exception as exc:  # noqa: BLE001 - any unreadable file is the same mistake to the user
            kind = "an .ods" if path.suffix.lower() == ".ods" else "an Excel .xlsx"
            problems.add(path.name, None, None, f"cannot be read as {kind} workbook ({str(exc).splitlines()[0][:120]}); "
                         "open it in your spreadsheet program and save it again as a workbook, or save each sheet as CSV UTF-8")
            return
        self.names = {n.strip().lower(): n for n in self.book.sheet_names}

    def label(self, sheet: str) -> str:
        return f"{self.path.name}, sheet '{sheet}'"

    def table(self, sheet: str, optional: bool = False) -> Table | None:
        """The sheet's cells as text, or None when it is missing (a problem unless optional)."""
        if self.book is None:
            return None
        label = self.label(sheet)
        real = self.names.get(sheet)
        if real is None:
            if not optional:
                shown = ", ".join(f"'{n}'" for n in self.book.sheet_names) or "none"
                self.problems.add(label, None, None, f"is missing: the workbook has no sheet named '{sheet}' "
                                  f"(its sheets are {shown}); add it, or rename the sheet that holds these rows")
            return None
        try:
            data = self.book.get_sheet_by_name(real)
            grid = data.to_python(skip_empty_area=False)
            merged = data.merged_cell_ranges or []
        except Exception as exc:  # noqa: BLE001
            self.problems.add(label, None, None, f"cannot be read ({str(exc).splitlines()[0][:120]}); save the workbook again")
            return None
        width = max((len(r) for r in grid), default=0)
        letters = {i: column_letter(i) for i in range(width)}
        for (r1, c1), (r2, c2) in merged:
            if r1 == 0:
                span = f"{letters.get(c1, column_letter(c1))}1:{column_letter(c2)}{r2 + 1}"
                self.problems.add(label, 1, None, f"the header cells {span} are merged; unmerge them so each column "
                                  "has its own name in row 1 (Excel: Home > Merge & Center > Unmerge Cells)")
                return None
        text = [[cell_text(c) for c in r] + [""] * (width - len(r)) for r in grid]
        if not text:
            return Table(label, [], [], letters)
        return Table(label, text[0], [(i + 1, r) for i, r in enumerate(text[1:], start=1)], letters)

    def settings_doc(self) -> tuple[dict, dict[str, int]] | None:
        """The settings sheet (table, key, value rows) as TOML-like tables, and the row of each
        "[table] key" for messages; None when there is no settings sheet."""
        t = self.table("settings", optional=True)
        if t is None:
            return None
        columns = [c.strip().lower() for c in t.header]
        missing = [c for c in ("table", "key", "value") if c not in columns]
        if missing:
            self.problems.add(t.label, 1, None, f"needs the columns table, key and value in row 1 (missing: {', '.join(missing)})")
            return None
        at = {c: columns.index(c) for c in ("table", "key", "value")}
        grid = self.book.get_sheet_by_name(self.names["settings"]).to_python(skip_empty_area=False)
        doc: dict[str, Any] = {}
        rows: dict[str, int] = {}
        for number, cells in t.body:
            table, key = cells[at["table"]].strip(), cells[at["key"]].strip()
            raw = grid[number - 1][at["value"]] if at["value"] < len(grid[number - 1]) else ""
            if not table and not key and cell_text(raw).strip() == "":
                continue
            if not table or not key:
                self.problems.add(t.label, number, None, "needs a table and a key (such as organiser, email)")
                continue
            table = table.strip("[] ").replace(" ", "")
            where = doc
            parts = table.split(".")
            for part in parts:
                where = where.setdefault(part, {})
                if not isinstance(where, dict):
                    break
            if not isinstance(where, dict):
                continue
            where[key] = _setting_value(raw)
            rows[f"[{table}] {key}"] = number
            rows.setdefault(f"[{table}]", number)
            rows.setdefault(f"[{parts[0]}]", number)
            rows.setdefault(parts[0], number)
        return doc, rows


def _setting_value(raw: Any) -> Any:
    """A typed cell as TOML would give it: numbers stay numbers (also when typed as text), times
    become "HH:MM" text."""
    if isinstance(raw, bool):
        return raw
    if isinstance(raw, float):
        return int(raw) if raw.is_integer() and abs(raw) < 1e15 else raw
    if isinstance(raw, int):
        return raw
    if isinstance(raw, str):
        text = raw.strip()
        if _NUMBER.fullmatch(text):
            return int(text) if "." not in text else float(text)
        return text
    return cell_text(raw)


class LocatedSettings:
    """Settings problems (file settings.toml, column "[table] key") moved to the sheet's rows."""

    def __init__(self, problems: Problems, label: str, rows: dict[str, int]):
        self.problems, self.label, self.rows = problems, label, rows

    def add(self, file: str, row: int | None, column: str | None, message: str, letter: str = "") -> None:
        where = None
        if column:
            where = self.rows.get(column) or self.rows.get(column.split(" ")[0])
        self.problems.add(self.label, where, column, message)


def settings_rows(toml_text: str) -> list[tuple[str, str, Any, str]]:
    """settings.toml as settings-sheet rows (table, key, value, about), each with the comments
    written above it (and above its table), so a workbook keeps the file's explanations."""
    rows: list[tuple[str, str, Any, str]] = []
    table, table_note, comments = "", "", []
    for raw in toml_text.splitlines():
        line = raw.strip()
        if line.startswith("#"):
            text = line.lstrip("#").strip()
            if text and not set(text) <= {"-"}:
                comments.append(text)
            continue
        if not line:
            continue
        if line.startswith("["):
            table = line.strip("[] ")
            table_note, comments = " ".join(comments), []
            continue
        key, _, value = line.partition("=")
        parsed = tomllib.loads(f"v = {value.strip()}")["v"]
        inline = re.fullmatch(r'\s*("[^"]*"|[^#"]*?)\s*#\s*(.*)', value)
        if inline:
            comments.append(inline.group(2))
        about = " ".join(comments) or (table_note if not any(r[0] == table for r in rows) else "")
        rows.append((table, key.strip(), parsed, about))
        comments = []
    return rows
