"""Reading a table (a CSV file of a data folder, or a sheet of a workbook) into rows that
know their file, row and column, so every later check can say where a mistake is."""


from __future__ import annotations

import csv
import io
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from scheduler.core.domain import (
    Settings,
)
from scheduler.core.errors import Problems
from scheduler.core.settings import RuleDefaults
from scheduler.inputs.settings import load_settings, settings_from_doc
from scheduler.inputs.timeparse import (
    MAX_YEAR,
    MIN_YEAR,
    date_out_of_range,
    is_day_first,
    parse_bool,
    parse_date,
    parse_hhmm,
    split_list,
    why_not_a_date,
)
from scheduler.inputs.workbook import (
    SUFFIXES,
    LocatedSettings,
    Workbook,
    is_workbook,
)

MAX_FIELD_CHARS = 5_000
MAX_FILE_BYTES = 100 * 1024 * 1024  # far above 50,000 participants (about 6 MB)
# Control characters other than tab and line ends break calendar files and terminals.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")

_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.\-]*$")
_WHOLE_MINUTE = re.compile(r"^([0-9]{1,2}:[0-9]{2}):00$")

csv.field_size_limit(64 * 1024 * 1024)


@dataclass
class Row:
    """One data row: values by lower-cased column name, with its spreadsheet row number."""

    file: str
    number: int
    values: dict[str, str]
    problems: Problems
    letters: dict[str, str] | None = None  # a workbook's column letters, by column name
    doubtful: set[str] = field(default_factory=set)  # columns whose date may be month first

    def get(self, column: str) -> str:
        return self.values.get(column, "").strip()

    def error(self, column: str | None, message: str) -> None:
        letter = self.letters.get(column, "") if self.letters and column else ""
        self.problems.add(self.file, self.number, column, message, letter)

    def text(self, column: str, required: bool = False) -> str:
        value = self.get(column)
        if required and not value:
            self.error(column, "is empty; a value is required")
        return value

    def ident(self, column: str) -> str:
        value = self.get(column)
        if not value:
            self.error(column, "is empty; an id is required")
        elif not _ID.match(value):
            self.error(column, f"'{value}' is not a usable id: use letters, digits, '-', '_' or '.', starting with a letter or digit")
        return value

    def integer(self, column: str, default: int | None = None, minimum: int = 0,
                maximum: int | None = None) -> int | None:
        value = self.get(column)
        if not value:
            if default is None:
                self.error(column, "is empty; a whole number is required")
            return default
        m = re.fullmatch(r"(-?[0-9]{1,15})(\.0+)?", value)
        number = int(m.group(1)) if m else None
        if number is None and re.fullmatch(r"-?[0-9]{16,}(\.0+)?", value):
            bound = f"between {minimum} and {maximum}" if maximum is not None else f"{minimum} or more"
            self.error(column, f"expected a whole number {bound}, got a number {len(value)} digits long")
            return default
        if number is None:
            self.error(column, f"expected a whole number, got '{value}'")
            return default
        if number < minimum or (maximum is not None and number > maximum):
            bound = f"between {minimum} and {maximum}" if maximum is not None else f"{minimum} or more"
            self.error(column, f"expected a whole number {bound}, got {number}")
            return default
        return number

    def decimal(self, column: str) -> float | None:
        value = self.get(column)
        if not value:
            self.error(column, "is empty; a number is required")
            return None
        try:
            result = float(value)
        except ValueError:
            hint = " (use a point, not a comma, before the decimals)" if re.fullmatch(r"-?[0-9]+,[0-9]+", value) else ""
            self.error(column, f"expected a number such as 50.83, got '{value}'{hint}")
            return None
        if result != result or result in (float("inf"), float("-inf")):
            self.error(column, f"expected a number, got '{value}'")
            return None
        return result

    def boolean(self, column: str) -> bool | None:
        ok, value = parse_bool(self.get(column))
        if not ok:
            self.error(column, f"expected yes or no (or y/n, true/false, 1/0), got '{self.get(column)}'")
        return value

    def date(self, column: str) -> date | None:
        value = self.get(column)
        if not value or column in self.doubtful:
            return None
        d = parse_date(value)
        if d is None:
            self.error(column, date_problem(value))
        return d

    def time(self, column: str, default: int | None) -> int | None:
        value = self.get(column)
        if not value:
            return default
        t = parse_hhmm(_WHOLE_MINUTE.sub(r"\1", value))  # 09:00:00, as spreadsheets save times
        if t is None:
            self.error(column, f"expected a 24-hour time as HH:MM, got '{value}'")
            return default
        return t


def date_problem(value: str) -> str:
    if date_out_of_range(value):
        return f"the year in '{value}' is not plausible; expected a date as YYYY-MM-DD or DD/MM/YYYY between {MIN_YEAR} and {MAX_YEAR} (check the year)"
    return why_not_a_date(value) or f"expected a date as YYYY-MM-DD or DD/MM/YYYY, got '{value}'"


def range_problem(part: str, what: str) -> str:
    dates = part.split("..")
    if any(date_out_of_range(d) for d in dates):
        return f"the year in '{part}' is not plausible; expected {what} between {MIN_YEAR} and {MAX_YEAR} (check the year)"
    if len(dates) == 2 and all(parse_date(d) for d in dates):
        return f"the range '{part}' ends before it starts; write the earlier date first"
    for d in dates:
        why = why_not_a_date(d)
        if why:
            return why
    return f"expected {what}, got '{part}'"


def check_day_first(rows: list[Row]) -> None:
    """Dates are read day first. A column that also holds a clearly month-first date (01/13/2027)
    was probably typed month first throughout, so its other DD/MM dates are ambiguous: say so,
    rather than read 03/09 as 3 September when 9 March was meant."""
    seen: dict[str, list[tuple[Row, str, int, int]]] = {}
    for row in rows:
        for column, cell in row.values.items():
            if "/" not in cell:
                continue
            for part in split_list(cell):
                for token in part.split(".."):
                    nums = is_day_first(token)
                    if nums:
                        seen.setdefault(column, []).append((row, token.strip(), *nums))
    for column, found in seen.items():
        us = next(((r, t) for r, t, a, b in found if a <= 12 < b <= 31), None)
        if us is None:
            continue
        for row, token, a, b in found:
            if a <= 12 and b <= 12 and a != b:
                row.doubtful.add(column)
                row.error(column, f"'{token}' could be {a} {_MONTH[b]} or {b} {_MONTH[a]}: this column also "
                          f"has '{us[1]}' (row {us[0].number}), written month first. Dates are read day "
                          "first (DD/MM/YYYY): write this column's dates as DD/MM/YYYY or YYYY-MM-DD")


_MONTH = ("", "January", "February", "March", "April", "May", "June", "July", "August", "September",
          "October", "November", "December")


def _column_name(text: str) -> str:
    """Header cells match case-insensitively, ignoring spaces and stray byte-order marks."""
    return text.strip().strip("\ufeff\u200b\u00a0").strip().lower()


def _unclosed_quote_row(text: str) -> int | None:
    """The row where a quoted value opens and never closes, which swallows the rest of the file."""
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    row = 1
    try:
        for _ in reader:
            row += 1
    except csv.Error as exc:
        if "unexpected end of data" in str(exc):
            return row
    return None


def read_csv(folder: Path, name: str, problems: Problems, required: tuple[str, ...],
             optional: bool = False) -> list[Row] | None:
    """Rows of one CSV file, or None when it is missing or unreadable (a problem is recorded)."""
    path = folder / name
    if not path.exists():
        if not optional:
            problems.add(name, None, None, f"is missing from the data folder {folder.name or folder}; it is required"
                         + _workbook_hint(folder, name))
        return None
    if not path.is_file():
        problems.add(name, None, None, "is not a file; expected a CSV file of that name")
        return None
    try:
        size = path.stat().st_size
        if size > MAX_FILE_BYTES:
            problems.add(name, None, None, f"is {size / 1e6:,.0f} MB; the largest file the scheduler reads is {MAX_FILE_BYTES // (1024 * 1024)} MB. Is this the right file?")
            return None
        raw = path.read_bytes()
    except OSError as exc:
        problems.add(name, None, None, f"cannot be read ({exc.strerror or exc}); check that the file is not open elsewhere and that you may read it")
        return None
    if not raw.strip():
        problems.add(name, None, None, f"is empty; expected a header row with the columns {', '.join(required)}")
        return None
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")) or raw[:200].count(b"\x00") > 10:
        problems.add(name, None, None, "is saved as UTF-16 text (Excel's 'Unicode Text'); save it as 'CSV UTF-8 (comma delimited)'")
        return None
    if b"\x00" in raw:
        problems.add(name, None, None, "contains NUL bytes, so it is not a text CSV file; save it again as CSV UTF-8")
        return None
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        problems.add(name, line, None, "is not UTF-8 text (Excel's plain 'CSV (comma delimited)' saves accented letters another way); save it as 'CSV UTF-8 (comma delimited)'")
        return None
    if not text.strip():
        problems.add(name, None, None, f"is empty; expected a header row with the columns {', '.join(required)}")
        return None
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        header = next(reader)
    except (StopIteration, csv.Error) as exc:
        problems.add(name, 1, None, f"the header row cannot be read ({exc})")
        return None
    columns = [_column_name(c) for c in header]
    if len(columns) == 1 and ";" in header[0]:
        problems.add(name, 1, None, "uses semicolons between columns; save it as CSV with commas (Excel: 'CSV UTF-8 (comma delimited)')")
        return None
    if len(columns) == 1 and "\t" in header[0]:
        problems.add(name, 1, None, "uses tabs between columns; save it as CSV with commas")
        return None
    if not _header_ok(name, columns, required, problems):
        return None
    rows: list[Row] = []
    unclosed = _unclosed_quote_row(text)
    if unclosed is not None:
        problems.add(name, unclosed, None, "opens a quoted value (\") that never closes, so the rest of the file would be read as one value; add the closing quote mark")
        return None
    number = 1  # the header is row 1, as a spreadsheet numbers it; blank rows count
    try:
        for raw_row in reader:
            number += 1
            if not any(cell.strip() for cell in raw_row):
                continue
            shifted = len(raw_row) > len(columns) and any(c.strip() for c in raw_row[len(columns):])
            if shifted:
                problems.add(name, number, None, f"has {len(raw_row)} values but the header has {len(columns)} columns; check for an unquoted comma")
            values = _values(name, number, columns, raw_row, problems)
            # The values of a shifted row sit under the wrong columns: checking them would only
            # repeat the one mistake, so its row keeps its id (for references) but not its problems.
            rows.append(Row(name, number, values, Problems() if shifted else problems))
    except csv.Error as exc:
        problems.add(name, number, None, f"cannot be read as CSV ({exc}); check for an unclosed quote")
    check_day_first(rows)
    return rows


def _header_ok(name: str, columns: list[str], required: tuple[str, ...], problems: Problems,
               letters: dict[str, str] | None = None) -> bool:
    """Row 1 names each column once and has every required column."""
    seen: set[str] = set()
    for c in columns:
        if c and c in seen:
            problems.add(name, 1, c, "appears twice in the header; keep one column of that name",
                         (letters or {}).get(c, ""))
        seen.add(c)
    missing = [c for c in required if c not in seen]
    for c in missing:
        problems.add(name, 1, c, f"required column is missing; the header must include {', '.join(required)}")
    return not missing


def _values(name: str, number: int, columns: list[str], cells: list[str], problems: Problems,
            letters: dict[str, str] | None = None) -> dict[str, str]:
    """One row's cells by column name; over-long values and control characters are problems."""
    values = {}
    for col, cell in zip(columns, cells, strict=False):
        if col:
            values[col] = cell
            letter = (letters or {}).get(col, "")
            if len(cell) > MAX_FIELD_CHARS:
                problems.add(name, number, col, f"is {len(cell):,} characters long; the most a value may be is {MAX_FIELD_CHARS:,}", letter)
                values[col] = cell[:MAX_FIELD_CHARS]
            elif bad := _CONTROL.search(cell):
                problems.add(name, number, col, f"contains an invisible control character (U+{ord(bad.group()):04X}); retype the value", letter)
    return values


def read_sheet(book: Workbook, name: str, problems: Problems, required: tuple[str, ...],
               optional: bool = False) -> list[Row] | None:
    """Rows of one workbook sheet (named like the CSV file without .csv), checked as CSV rows are."""
    table = book.table(Path(name).stem, optional)
    if table is None:
        return None
    label = table.label
    if not any(c.strip() for c in table.header):
        problems.add(label, 1, None, f"has no header in row 1; expected the columns {', '.join(required)} in row 1")
        return None
    columns = [_column_name(c) for c in table.header]
    letters = {c: table.letters[i] for i, c in enumerate(columns) if c}
    if not _header_ok(label, columns, required, problems, letters):
        below = next((n for n, cells in table.body[:9] if set(required) <= {_column_name(c) for c in cells}), None)
        if below:
            problems.add(label, 1, None, f"the header is in row {below}; delete the rows above it so the column names are in row 1")
        return None
    rows = []
    # A column with no name in row 1 is ignored, as in a CSV file (such as the row numbers some
    # programs write in column A); a merged header is found above, from the sheet's merged cells.
    for number, cells in table.body:
        if not any(c.strip() for c in cells):
            continue
        rows.append(Row(label, number, _values(label, number, columns, cells, problems, letters), problems, letters))
    check_day_first(rows)
    return rows


def _workbook_hint(folder: Path, name: str) -> str:
    """A folder of spreadsheets saved as workbooks rather than CSV: say what was found, and how
    to go on (pass the workbook, or save each sheet as CSV UTF-8)."""
    try:
        books = sorted(p.name for p in folder.iterdir()
                       if p.suffix.lower() in SUFFIXES + (".xls",) and not p.name.startswith("~$"))
    except OSError:
        return ""
    if not books:
        return ""
    stem = Path(name).stem
    own = next((b for b in books if Path(b).stem.lower() == stem), None)
    if own:
        return (f". Found {own} but no {name}: open it and save it as 'CSV UTF-8 (comma delimited)' "
                f"named {name}, or put every sheet in one workbook and pass it with --data BOOK.xlsx")
    shown = ", ".join(books[:3]) + (" ..." if len(books) > 3 else "")
    book = folder / books[0]
    return (f". Found {shown} but no {name}: pass the workbook with --data {book}, "
            "or save each sheet as 'CSV UTF-8 (comma delimited)'")




Reader = Callable[[str, tuple[str, ...], bool], "list[Row] | None"]


def open_source(path: Path, problems: Problems,
                rules: Sequence[RuleDefaults]) -> tuple[Reader, Callable[[str], str], Settings]:
    """How to read each table of a data folder or a workbook, how to name it in messages, and
    the settings (settings.toml in a folder, the settings sheet in a workbook)."""
    if is_workbook(path):
        book = Workbook(path, problems)
        located = book.settings_doc() if book.book is not None else None
        if located is None:
            settings = settings_from_doc({}, problems, rules)
        else:
            settings = settings_from_doc(located[0], LocatedSettings(problems, book.label("settings"), located[1]),
                                         rules)
        return (lambda name, required, optional=False: read_sheet(book, name, problems, required, optional),
                lambda name: book.label(Path(name).stem), settings)
    return (lambda name, required, optional=False: read_csv(path, name, problems, required, optional),
            lambda name: name, load_settings(path, problems, rules))
