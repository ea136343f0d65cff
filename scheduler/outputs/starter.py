"""`schedule init`: a new area's starting files, a workbook or a folder of CSV files.

Every column of every table, explained (a "read me" sheet, or README.txt in a folder); drop-down
lists where a column takes fixed values; the bundled settings with their comments, with the
organiser left for the area to fill in. Nothing that exists is overwritten.
"""

from __future__ import annotations

import os
import re
import tempfile
from datetime import UTC, datetime
from pathlib import Path

from openpyxl import Workbook
from openpyxl.comments import Comment
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from scheduler.core.errors import DataError, Problem
from scheduler.inputs.columns import TABLES, Column
from scheduler.inputs.workbook import settings_rows
from scheduler.outputs.export_xlsx import workbook_bytes

SETTINGS_ABOUT = ("Settings: one row per setting, as table, key and value. A blank sheet (or a row "
                  "left out) means the built-in default. The about column explains each one.")
_NEW_AREA_TOP = ("# Settings for your area.\n#\n# Every value below is the built-in default, written out so you can "
                 "see it and change it.\n# Delete this file (or any line in it) and the scheduler uses the same "
                 "defaults.\n# Lines starting with # are comments and are ignored.\n")


def settings_text(bundled: str) -> str:
    """The bundled settings.toml for a new area: the organiser blank, to be filled in."""
    body = bundled[bundled.index("[organiser]"):]
    body = re.sub(r'(?m)^name = ".*"$', 'name = ""   # fill in: the team that sends the invitations', body, count=1)
    body = re.sub(r'(?m)^email = ".*"$', 'email = ""  # fill in: the address replies go to', body, count=1)
    return _NEW_AREA_TOP + "\n" + body


def _refuse(path: Path, why: str) -> DataError:
    return DataError([Problem("command line", None, "PATH", f"{path} {why}; nothing was written. Choose a new name")])


def write_starter(path: Path, bundled_settings: str) -> list[str]:
    """Write the starting files at `path` (a .xlsx workbook, or else a folder); the names written."""
    path = Path(path)
    text = settings_text(bundled_settings)
    if path.suffix.lower() in (".xlsx", ".xlsm"):
        if path.exists():
            raise _refuse(path, "already exists")
        if not path.parent.is_dir():
            raise _refuse(path, "cannot be written: its folder does not exist")
        data = starter_workbook_bytes(text)
        fd, tmp = tempfile.mkstemp(prefix=".init-", dir=path.parent)
        try:
            with os.fdopen(fd, "wb") as fh:
                fh.write(data)
            os.link(tmp, path)  # fails if the name was taken meanwhile: never overwrites
        except FileExistsError:
            raise _refuse(path, "already exists") from None
        except OSError as exc:
            raise _refuse(path, f"cannot be written ({exc.strerror or exc})") from None
        finally:
            Path(tmp).unlink(missing_ok=True)
        return [path.name]
    if path.suffix.lower() in (".ods", ".xls", ".csv"):
        raise _refuse(path, "is not a name schedule init can write: give a name ending .xlsx, or a folder name")
    files = _folder_files(text)
    if path.exists() and (not path.is_dir() or any(path.iterdir())):
        raise _refuse(path, "already exists and is not an empty folder")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        stage = Path(tempfile.mkdtemp(prefix=".init-", dir=path.parent))
    except OSError as exc:
        raise _refuse(path, f"cannot be written ({exc.strerror or exc})") from None
    try:
        for name, content in files.items():
            (stage / name).write_bytes(content)
        if path.exists():
            for name in files:
                os.replace(stage / name, path / name)
            stage.rmdir()
        else:
            os.rename(stage, path)
    except OSError as exc:
        raise _refuse(path, f"cannot be written ({exc.strerror or exc})") from None
    finally:
        if stage.exists():
            for f in stage.iterdir():
                f.unlink()
            stage.rmdir()
    return sorted(files)


def _folder_files(settings: str) -> dict[str, bytes]:
    files: dict[str, bytes] = {}
    for table in TABLES:
        # With a byte-order mark, Excel opens the file as UTF-8 (accented names stay right).
        files[table.file] = ("\ufeff" + ",".join(c.name for c in table.columns) + "\r\n").encode("utf-8")
    files["settings.toml"] = settings.encode("utf-8")
    files["README.txt"] = readme_text().encode("utf-8")
    return files


def _column_line(c: Column) -> str:
    need = "required" if c.required else "optional"
    example = f" Example: {c.example}" if c.example else ""
    return f"  {c.name} ({need}): {c.about}{example}"


def readme_text() -> str:
    lines = [
        "Your area's data for the SEND co-production scheduler",
        "",
        "Fill in one CSV file per table below (open each in Excel and save it as",
        "'CSV UTF-8 (comma delimited)'), and settings.toml (at least the [organiser] name and email).",
        "Dates are DD/MM/YYYY or YYYY-MM-DD, times are 24-hour HH:MM, yes/no columns take yes or no",
        "(blank means unknown), and lists are separated by ';'.",
        "",
        "Then check and plan:",
        "  schedule propose --data THIS_FOLDER --out plan",
        "  schedule check --data THIS_FOLDER --out plan",
        "",
    ]
    for table in TABLES:
        lines.append(f"{table.file}{' (optional)' if table.optional else ''}: {table.about}")
        lines.extend(_column_line(c) for c in table.columns)
        lines.append("")
    return "\n".join(lines)


def starter_workbook_bytes(settings: str) -> bytes:
    book = Workbook()
    guide = book.active
    guide.title = "read me"
    bold, header_fill = Font(bold=True), PatternFill("solid", fgColor="DDE4EE")
    guide.append(["Your area's data for the SEND co-production scheduler"])
    guide["A1"].font = Font(bold=True, size=14)
    for line in ("Fill in one sheet per table (the sheets after this one), and the organiser's name and email "
                 "on the settings sheet. Row 1 of each sheet holds the column names: keep them as they are.",
                 "Dates are dates (DD/MM/YYYY or YYYY-MM-DD), times are 24-hour HH:MM, yes/no columns take yes or "
                 "no (blank means unknown, which never counts as yes), lists are separated by ';'.",
                 "Columns with a drop-down list take only those values. Then plan: schedule propose --data THIS_FILE.xlsx",
                 ""):
        guide.append([line])
    guide.append(["sheet", "column", "required", "what to write", "example"])
    for cell in guide[guide.max_row]:
        cell.font, cell.fill = bold, header_fill
    for table in TABLES:
        for c in table.columns:
            guide.append([table.name, c.name, "required" if c.required else "optional", c.about, c.example])
    guide.append(["settings", "table, key, value", "optional", SETTINGS_ABOUT, "organiser, email, team@example.org"])
    for column, width in zip("ABCDE", (14, 22, 10, 90, 28), strict=True):
        guide.column_dimensions[column].width = width
    for row in guide.iter_rows(min_row=7):
        row[3].alignment = Alignment(wrap_text=True, vertical="top")

    for table in TABLES:
        sheet = book.create_sheet(table.name)
        sheet.append([c.name for c in table.columns])
        sheet.freeze_panes = "A2"
        for i, c in enumerate(table.columns, start=1):
            letter = get_column_letter(i)
            cell = sheet.cell(1, i)
            cell.font, cell.fill = bold, header_fill
            cell.comment = Comment(("Required. " if c.required else "") + c.about, "schedule init")
            sheet.column_dimensions[letter].width = max(12, min(40, len(c.name) + 4))
            cells = f"{letter}2:{letter}1000"
            if c.choices:
                dv = DataValidation(type="list", formula1='"' + ",".join(c.choices) + '"', allow_blank=True,
                                    showErrorMessage=True, errorTitle=c.name,
                                    error="Choose one of: " + ", ".join(c.choices))
                dv.add(cells)
                sheet.add_data_validation(dv)
            for row in range(2, 201):
                if c.kind == "date":
                    sheet.cell(row, i).number_format = "dd/mm/yyyy"
                elif c.kind == "time":
                    sheet.cell(row, i).number_format = "hh:mm"
    sheet = book.create_sheet("settings")
    sheet.append(["table", "key", "value", "about"])
    for cell in sheet[1]:
        cell.font, cell.fill = bold, header_fill
    for row in settings_rows(settings):
        sheet.append(list(row))
        value = sheet.cell(sheet.max_row, 3)
        if isinstance(value.value, str):
            value.data_type = "s"
    for column, width in zip("ABCD", (26, 34, 34, 100), strict=True):
        sheet.column_dimensions[column].width = width
    sheet.freeze_panes = "A2"
    return workbook_bytes(book, datetime.now(tz=UTC))
