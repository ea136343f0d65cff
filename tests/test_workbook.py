"""Workbooks and UK dates (issue 15 items 1 and 2): the same data as a workbook with typed cells,
as an .ods file, or as CSV with dates written DD/MM/YYYY gives byte-identical outputs."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner
from conftest import BUNDLED, make_data
from workbooks import to_ods, to_xlsx

from scheduler.api import load
from scheduler.cli import main
from scheduler.core.errors import Problem, grouped_lines
from scheduler.inputs.workbook import cell_text, column_letter

EPOCH = {"SOURCE_DATE_EPOCH": "1798761600"}
WINDOW = ("--from", "2026-12-01", "--to", "2027-03-31")


def outputs(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def propose(data: Path, out: Path) -> None:
    result = CliRunner().invoke(main, ["propose", "--data", str(data), "--out", str(out), "--time-limit", "20",
                                       *WINDOW], env=EPOCH)
    assert result.exit_code in (0, 1), result.output
    assert "Traceback" not in result.output


def uk_dated(folder: Path, into: Path) -> Path:
    shutil.copytree(folder, into)
    for path in into.glob("*.csv"):
        text = path.read_text(encoding="utf-8-sig")
        path.write_text(re.sub(r"\b([0-9]{4})-([0-9]{2})-([0-9]{2})\b", r"\3/\2/\1", text), encoding="utf-8")
    return into


def test_the_example_as_workbook_ods_and_uk_dates_plans_byte_for_byte_the_same(tmp_path: Path):
    propose(BUNDLED, tmp_path / "csv")
    expected = outputs(tmp_path / "csv")
    assert "proposals.csv" in expected and any(k.startswith("invites/") for k in expected)
    sources = {
        "xlsx": to_xlsx(BUNDLED, tmp_path / "book.xlsx"),
        "ods": to_ods(BUNDLED, tmp_path / "book.ods"),
        "uk-dates": uk_dated(BUNDLED, tmp_path / "uk"),
    }
    for name, data in sources.items():
        propose(data, tmp_path / name)
        got = outputs(tmp_path / name)
        assert got.keys() == expected.keys(), name
        different = [k for k in expected if got[k] != expected[k]]
        assert not different, f"{name}: {different}"


def test_a_typed_workbook_loads_into_the_same_dataset_as_its_csv(tmp_path: Path):
    book = load(to_xlsx(BUNDLED, tmp_path / "book.xlsx"))
    plain = load(BUNDLED)
    assert book.venues == plain.venues and book.participants == plain.participants
    assert book.meetings == plain.meetings and book.terms == plain.terms
    assert book.non_school_days == plain.non_school_days and book.settings == plain.settings


def test_cells_typed_by_the_spreadsheet_read_as_their_csv_text():
    from datetime import date, datetime, time

    assert cell_text(30.0) == "30" and cell_text(50.83) == "50.83" and cell_text(True) == "yes"
    assert cell_text(date(2027, 1, 15)) == "2027-01-15" and cell_text(datetime(2027, 1, 15)) == "2027-01-15"
    assert cell_text(time(10, 30)) == "10:30" and cell_text(datetime(1899, 12, 30, 15, 15)) == "15:15"
    assert cell_text(None) == "" and cell_text("RH12") == "RH12"
    assert [column_letter(i) for i in (0, 4, 25, 26, 27)] == ["A", "E", "Z", "AA", "AB"]


def test_a_repeated_mistake_down_a_column_is_one_line_naming_its_rows(tmp_path: Path):
    """The issue's case: 29 term rows dated month first got 29 copies of one message."""
    terms = [{"term": f"Block {i}", "first_day": f"09/{13 + i % 15}/2025", "last_day": "2027-03-25"}
             for i in range(29)]
    data = make_data(tmp_path / "data", terms=terms)
    result = CliRunner().invoke(main, ["check", "--data", str(data), "--out", str(tmp_path / "out")], env=EPOCH)
    assert result.exit_code == 2
    lines = [line for line in result.output.splitlines() if line.startswith("  - ")]
    assert len(lines) == 1, result.output
    assert "term_dates.csv, rows 2-30, column 'first_day'" in lines[0]
    assert "the same mistake in 29 rows" in result.output and "no term blocks" not in result.output


def test_row_ranges_and_grouping_keep_different_mistakes_apart():
    ps = [Problem("f.csv", r, "role", f"expected one of a, b, got 'x{r}'") for r in (2, 3, 4, 7)]
    ps += [Problem("f.csv", 5, "role", "is empty; a value is required")]
    lines = grouped_lines(ps)
    assert lines[0].startswith("f.csv, rows 2-4 and 7, column 'role': expected one of a, b, got 'x2'")
    assert "the same mistake in 4 rows" in lines[0]
    assert lines[1] == "f.csv, row 5, column 'role': is empty; a value is required"


@pytest.mark.parametrize("value", ["15/01/2027", "2027-01-15"])
def test_from_accepts_uk_and_iso_dates(value: str, tmp_path: Path):
    data = make_data(tmp_path / "data")
    result = CliRunner().invoke(main, ["propose", "--data", str(data), "--out", str(tmp_path / "out"),
                                       "--from", value, "--time-limit", "5"], env=EPOCH)
    assert result.exit_code == 0, result.output
    assert "2027-01-15" in result.output or "15 Jan" in result.output


def test_from_in_month_first_form_is_refused(tmp_path: Path):
    result = CliRunner().invoke(main, ["propose", "--data", str(make_data(tmp_path / "d")), "--from", "01/13/2027"])
    assert result.exit_code == 2 and "day first" in result.output


def test_a_workbook_written_by_pandas_with_its_row_index_plans_like_the_csv(tmp_path: Path):
    """pandas writes its row numbers in an unnamed column A: ignored, as a CSV's unnamed column is."""
    import pandas as pd
    from workbooks import sheets_of

    data = make_data(tmp_path / "d")
    book = tmp_path / "pandas.xlsx"
    with pd.ExcelWriter(book, engine="openpyxl") as writer:
        for name, rows in sheets_of(data).items():
            pd.DataFrame(rows[1:], columns=rows[0], dtype=object).to_excel(writer, sheet_name=name)
    assert load(book).meetings == load(data).meetings
    args = ("--from", "2027-01-01")
    for source, out in ((data, "csv"), (book, "book")):
        result = CliRunner().invoke(main, ["propose", "--data", str(source), "--out", str(tmp_path / out), *args],
                                    env=EPOCH)
        assert result.exit_code == 0, result.output
    assert outputs(tmp_path / "csv") == outputs(tmp_path / "book")


def test_a_fixed_sheet_with_typed_cells_is_kept_and_its_mistakes_are_placed(tmp_path: Path):
    import csv as csvmod

    import openpyxl

    data = make_data(tmp_path / "d")
    book = to_xlsx(data, tmp_path / "book.xlsx")
    wb = openpyxl.load_workbook(book)
    sheet = wb.create_sheet("fixed")
    from datetime import date, time

    sheet.append(["meeting_id", "occurrence", "date", "start", "venue_id"])
    sheet.append(["B", 1, date(2027, 1, 14), time(10, 30), "V2"])
    wb.save(book)
    out = tmp_path / "out"
    result = CliRunner().invoke(main, ["propose", "--data", str(book), "--out", str(out), "--from", "2027-01-01"],
                                env=EPOCH)
    assert result.exit_code == 0, result.output
    (row,) = list(csvmod.DictReader(open(out / "proposals.csv", encoding="utf-8")))
    assert (row["date"], row["start"], row["venue_id"]) == ("2027-01-14", "10:30", "V2")

    sheet.cell(2, 3, "31/02/2027")
    wb.save(book)
    bad = CliRunner().invoke(main, ["propose", "--data", str(book), "--out", str(tmp_path / "o2"),
                                    "--from", "2027-01-01"], env=EPOCH)
    assert bad.exit_code == 2 and not (tmp_path / "o2").exists()
    assert "book.xlsx, sheet 'fixed', row 2, column C 'date': '31/02/2027' is not a real date" in \
        " ".join(bad.output.split())


@pytest.mark.parametrize("name, words", [("missing.xlsx", "the workbook does not exist"),
                                         ("old.xls", "old-style Excel .xls workbook"),
                                         ("broken.xlsx", "cannot be read as an Excel .xlsx workbook")])
def test_a_workbook_that_cannot_be_read_is_named_and_nothing_is_written(name: str, words: str, tmp_path: Path):
    path = tmp_path / name
    if name != "missing.xlsx":
        path.write_text("not a workbook")
    result = CliRunner().invoke(main, ["propose", "--data", str(path), "--out", str(tmp_path / "out")], env=EPOCH)
    assert result.exit_code == 2 and words in " ".join(result.output.split()), result.output
    assert "Traceback" not in result.output and not (tmp_path / "out").exists()
