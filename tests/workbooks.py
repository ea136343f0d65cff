"""Turning a CSV data folder into a workbook as a spreadsheet would hold it: dates as dates, times
as times, numbers as numbers, yes/no as booleans, settings.toml as a settings sheet."""

from __future__ import annotations

import csv
import re
from datetime import date, time
from pathlib import Path

from scheduler.inputs.workbook import cell_text, settings_rows

_ISO = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
_HHMM = re.compile(r"[0-9]{2}:[0-9]{2}")
_INT = re.compile(r"-?[1-9][0-9]{0,14}|0")
_FLOAT = re.compile(r"-?[0-9]+\.[0-9]+")


def typed(text: str):
    """The value a spreadsheet would store for text typed into a cell."""
    value: object = text
    if _ISO.fullmatch(text):
        try:
            value = date.fromisoformat(text)
        except ValueError:
            return text
    elif _HHMM.fullmatch(text) and int(text[:2]) < 24 and int(text[3:]) < 60:
        value = time(int(text[:2]), int(text[3:]))
    elif _INT.fullmatch(text):
        value = int(text)
    elif _FLOAT.fullmatch(text):
        value = float(text)
    elif text.lower() in ("yes", "no"):
        value = text.lower() == "yes"
    return value if cell_text(value).lower() == text.lower() or isinstance(value, float) else text


def sheets_of(folder: Path) -> dict[str, list[list[object]]]:
    out: dict[str, list[list[object]]] = {}
    for path in sorted(folder.glob("*.csv")):
        with open(path, encoding="utf-8-sig", newline="") as fh:
            rows = list(csv.reader(fh))
        out[path.stem] = [rows[0]] + [[typed(c) for c in r] for r in rows[1:]]
    settings = folder / "settings.toml"
    if settings.exists():
        out["settings"] = [["table", "key", "value", "about"]] + [
            list(r) for r in settings_rows(settings.read_text(encoding="utf-8"))]
    return out


def to_xlsx(folder: Path, path: Path, number_formats: bool = True) -> Path:
    import openpyxl

    book = openpyxl.Workbook()
    book.remove(book.active)
    for name, rows in sheets_of(folder).items():
        sheet = book.create_sheet(name)
        for r in rows:
            sheet.append(r)
        if number_formats:
            for row in sheet.iter_rows(min_row=2):
                for cell in row:
                    if isinstance(cell.value, date):
                        cell.number_format = "dd/mm/yyyy"
                    elif isinstance(cell.value, time):
                        cell.number_format = "hh:mm"
    book.save(path)
    return path


def to_ods(folder: Path, path: Path) -> Path:
    import pandas as pd

    with pd.ExcelWriter(path, engine="odf") as writer:
        for name, rows in sheets_of(folder).items():
            pd.DataFrame(rows[1:], columns=rows[0], dtype=object).to_excel(writer, sheet_name=name, index=False)
    return path
