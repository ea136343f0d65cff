"""proposals.xlsx, schedule init and the terminal summary (issue 15 items 3 to 5)."""

from __future__ import annotations

import csv
import io
from datetime import date, datetime, time
from pathlib import Path

import openpyxl
import pytest
from click.testing import CliRunner
from conftest import BASE_PEOPLE, BUNDLED, make_data

from scheduler.cli import main

EPOCH = {"SOURCE_DATE_EPOCH": "1798761600"}
WINDOW = ("--from", "2026-12-01", "--to", "2027-03-31")


def run(*args, env=EPOCH):
    return CliRunner().invoke(main, [str(a) for a in args], env=env)


@pytest.fixture(scope="module")
def example(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("example") / "out"
    result = run("propose", "--out", out, "--time-limit", "20", *WINDOW)
    assert result.exit_code in (0, 1), result.output
    return out


# --- proposals.xlsx --------------------------------------------------------------------------

def _as_text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        assert value.time() == time(0, 0)
        return value.date().isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, time):
        return value.strftime("%H:%M")
    if isinstance(value, float):
        return f"{value:.2f}"
    return str(value)


def test_proposals_xlsx_holds_the_same_rows_and_columns_as_proposals_csv(example: Path):
    with open(example / "proposals.csv", encoding="utf-8", newline="") as fh:
        expected = list(csv.reader(fh))
    book = openpyxl.load_workbook(example / "proposals.xlsx")
    assert book.sheetnames[0] == "proposals" and "summary" in book.sheetnames
    sheet = book["proposals"]
    got = [[_as_text(v) for v in row] for row in sheet.iter_rows(values_only=True)]
    assert got == expected
    header = expected[0]
    first = [r for r in sheet.iter_rows(min_row=2) if r[header.index("status")].value == "scheduled"][0]
    assert isinstance(first[header.index("date")].value, datetime)  # a real date, not text
    assert isinstance(first[header.index("start")].value, time)
    assert isinstance(first[header.index("occurrence")].value, int)
    assert sheet.freeze_panes == "A2" and sheet.auto_filter.ref.startswith("A1:")


def test_unplaced_and_relaxed_rows_are_filled_and_the_summary_has_a_legend(tmp_path: Path):
    people = [dict(p, unavailable="2027-01-01..2027-01-31") if p["participant_id"] == "PC1" else p
              for p in BASE_PEOPLE]
    meetings = [{"meeting_id": "B", "title": "Board", "attendees": "group:board", "duration_minutes": "120",
                 "recurrence": "once", "window_start": "2027-01-11", "window_end": "2027-01-22"},
                {"meeting_id": "Y", "title": "Mixed", "attendees": "PC2;YP1", "duration_minutes": "60",
                 "recurrence": "once", "window_start": "2027-01-11", "window_end": "2027-01-22"}]
    people.append({"participant_id": "PC2", "name": "Pam", "role": "parent_carer", "email": "pam@example.org",
                   "home_postcode": "RH12"})
    out = tmp_path / "out"
    result = run("propose", "--data", make_data(tmp_path / "d", people=people, meetings=meetings),
                 "--out", out, "--from", "2027-01-01", "--time-limit", "10")
    assert result.exit_code == 1, result.output
    book = openpyxl.load_workbook(out / "proposals.xlsx")
    sheet = book["proposals"]
    header = [c.value for c in sheet[1]]
    fills = {}
    for row in sheet.iter_rows(min_row=2):
        status = row[header.index("status")].value
        relaxed = row[header.index("rules_relaxed")].value
        kind = "unscheduled" if status == "unscheduled" else "relaxed" if relaxed else "kept"
        fills[kind] = row[0].fill.fgColor.rgb if row[0].fill.fill_type else None
    assert fills["unscheduled"] and fills["relaxed"] and fills["unscheduled"] != fills["relaxed"]
    summary = book["summary"]
    cells = [c.value for row in summary.iter_rows() for c in row]
    assert "Legend" in cells and any(isinstance(v, str) and v.startswith("Not placed") for v in cells)
    legend = {row[1].value: row[0].fill.fgColor.rgb for row in summary.iter_rows() if row[1].value and
              isinstance(row[1].value, str) and row[1].value.startswith(("Not placed", "Placed, but"))}
    assert set(legend.values()) == {fills["unscheduled"], fills["relaxed"]}
    rows = {r[0]: r for r in summary.iter_rows(min_row=2, values_only=True) if r[0] in ("B", "Y")}
    assert rows["B"][6] == 1 and rows["Y"][5] == 1


def test_proposals_xlsx_bytes_depend_only_on_the_inputs(tmp_path: Path):
    data = make_data(tmp_path / "d")
    for name in ("a", "b"):
        result = run("propose", "--data", data, "--out", tmp_path / name, "--from", "2027-01-01")
        assert result.exit_code == 0, result.output
    assert (tmp_path / "a" / "proposals.xlsx").read_bytes() == (tmp_path / "b" / "proposals.xlsx").read_bytes()
    props = openpyxl.load_workbook(tmp_path / "a" / "proposals.xlsx").properties
    assert props.created == props.modified == datetime(2027, 1, 1)  # SOURCE_DATE_EPOCH


def test_text_that_looks_like_a_formula_stays_text(tmp_path: Path):
    meetings = [{"meeting_id": "B", "title": "=HYPERLINK(\"http://x\")", "attendees": "group:board",
                 "duration_minutes": "120", "recurrence": "once", "window_start": "2027-01-11",
                 "window_end": "2027-01-22"}]
    out = tmp_path / "out"
    assert run("propose", "--data", make_data(tmp_path / "d", meetings=meetings), "--out", out,
               "--from", "2027-01-01").exit_code == 0
    sheet = openpyxl.load_workbook(out / "proposals.xlsx")["proposals"]
    cell = sheet.cell(2, 3)
    assert cell.data_type == "s" and cell.value.startswith("'=")


# --- schedule init ---------------------------------------------------------------------------

def _fill_sheet(sheet, rows: list[dict[str, str]]) -> None:
    from workbooks import typed

    header = [c.value for c in sheet[1]]
    for r, row in enumerate(rows, start=2):
        for key, value in row.items():
            if value != "":
                sheet.cell(r, header.index(key) + 1, typed(value))


def _base_rows(tmp_path: Path) -> dict[str, list[dict[str, str]]]:
    folder = make_data(tmp_path / "base")
    out = {}
    for path in folder.glob("*.csv"):
        with open(path, encoding="utf-8", newline="") as fh:
            out[path.stem] = [{k: v for k, v in r.items() if v != ""} for r in csv.DictReader(fh)]
    return out


def test_init_writes_a_workbook_that_passes_check_and_propose_once_filled(tmp_path: Path):
    book = tmp_path / "area.xlsx"
    result = run("init", book)
    assert result.exit_code == 0, result.output
    before = book.read_bytes()
    again = run("init", book)
    assert again.exit_code == 2 and "already exists" in " ".join(again.output.split())
    assert book.read_bytes() == before

    wb = openpyxl.load_workbook(book)
    assert wb.sheetnames[0] == "read me"
    assert {"venues", "participants", "meetings", "term_dates", "travel_times", "fixed", "settings"} <= set(wb.sheetnames)
    guide = [c.value for row in wb["read me"].iter_rows() for c in row if c.value]
    for column in ("venue_id", "hoist_toilet", "education_ends", "participation_level", "first_day"):
        assert column in guide
    lists = {sheet: {str(dv.sqref).split(":")[0][0]: dv.formula1 for dv in wb[sheet].data_validations.dataValidation}
             for sheet in ("venues", "participants", "meetings", "term_dates")}
    assert any("parent_carer" in f for f in lists["participants"].values())
    assert any("public_transport" in f for f in lists["participants"].values())
    assert any("half-termly" in f for f in lists["meetings"].values())
    assert any("co-production" in f for f in lists["meetings"].values())
    assert any("indicative" in f for f in lists["term_dates"].values())
    assert any('"yes,no"' == f for f in lists["venues"].values())
    settings = {(r[0], r[1]): r for r in wb["settings"].iter_rows(min_row=2, values_only=True)}
    assert ("organiser", "email") in settings and settings[("solver", "time_limit_seconds")][2] == 60
    assert all(r[3] for key, r in settings.items() if key[1] == "strength")  # every rule explained

    # An empty starter is not yet a plan: it says what is missing.
    empty = run("check", "--data", book, "--out", tmp_path / "none")
    assert empty.exit_code == 2 and "no venues" in empty.output

    for name, rows in _base_rows(tmp_path).items():
        _fill_sheet(wb[name], rows)
    for row in wb["settings"].iter_rows(min_row=2):
        if (row[0].value, row[1].value) == ("organiser", "name"):
            row[2].value = "Area SEND team"
        if (row[0].value, row[1].value) == ("organiser", "email"):
            row[2].value = "send.team@area.example"
    wb.save(book)
    out = tmp_path / "out"
    planned = run("propose", "--data", book, "--out", out, "--from", "2027-01-01")
    assert planned.exit_code == 0, planned.output
    assert "before you send invites" not in planned.output
    checked = run("check", "--data", book, "--out", out, "--from", "2027-01-01")
    assert checked.exit_code == 0, checked.output


def test_init_writes_a_csv_folder_that_passes_check_and_propose_once_filled(tmp_path: Path):
    folder = tmp_path / "area"
    result = run("init", folder)
    assert result.exit_code == 0, result.output
    names = sorted(p.name for p in folder.iterdir())
    assert {"README.txt", "settings.toml", "venues.csv", "participants.csv", "meetings.csv",
            "term_dates.csv"} <= set(names)
    assert run("init", folder).exit_code == 2
    readme = (folder / "README.txt").read_text(encoding="utf-8")
    assert "hoist_toilet" in readme and "DD/MM/YYYY" in readme
    toml = (folder / "settings.toml").read_text(encoding="utf-8")
    assert 'name = ""' in toml and "example)" not in toml and "# " in toml
    for name, rows in _base_rows(tmp_path).items():
        path = folder / f"{name}.csv"
        header = next(csv.reader(io.StringIO(path.read_text(encoding="utf-8-sig"))))
        with open(path, "a", encoding="utf-8", newline="") as fh:
            writer = csv.DictWriter(fh, fieldnames=header, lineterminator="\r\n")
            for row in rows:
                writer.writerow({k: row.get(k, "") for k in header})
    out = tmp_path / "out"
    planned = run("propose", "--data", folder, "--out", out, "--from", "2027-01-01")
    assert planned.exit_code == 0, planned.output
    assert "before you send invites" in planned.output  # the organiser is still blank
    assert run("check", "--data", folder, "--out", out, "--from", "2027-01-01").exit_code == 0


# --- the terminal ----------------------------------------------------------------------------

def test_the_summary_fits_a_screen_and_details_list_every_meeting(example: Path, tmp_path: Path):
    result = run("propose", "--out", tmp_path / "out", "--time-limit", "20", *WINDOW)
    lines = result.output.splitlines()
    assert len(lines) <= 40, result.output
    assert "Proposed programme" in result.output and "What to do next" in result.output
    assert "Meetings that need attention" in result.output
    for line in lines:
        assert len(line) <= 80
    detailed = run("propose", "--out", tmp_path / "out2", "--time-limit", "20", "--details", *WINDOW)
    rows = list(csv.DictReader(open(tmp_path / "out2" / "proposals.csv", encoding="utf-8")))
    assert len(detailed.output.splitlines()) > len(rows)
    for row in rows:
        assert f"{int(row['occurrence']):>2}. " in detailed.output


def test_no_word_is_cut_in_two_at_80_columns():
    """Wrapped at 80 columns, the summary holds exactly the words it holds unwrapped."""
    from rich.console import Console

    from scheduler.api import propose
    from scheduler.present import print_plan

    result = propose(None, date(2026, 12, 1), date(2027, 3, 31), time_limit=20)
    texts = {}
    for width in (80, 1000):
        console = Console(width=width, record=True, file=io.StringIO())
        print_plan(console, result.dataset, result.plan, Path("out"), details=True)
        texts[width] = console.export_text()
    assert max(len(line) for line in texts[80].splitlines()) <= 80
    assert len(texts[80].splitlines()) > len(texts[1000].splitlines())  # it did wrap

    def words(text: str) -> list[str]:
        """Every word but the notes' (each note is cut to two lines, so it may end '...')."""
        before, _, rest = text.partition("\nNotes\n")
        _, _, after = rest.partition("\nWhat to do next\n")
        return sorted((before + " " + after).split())

    assert "\nNotes\n" in texts[80] and "\nWhat to do next\n" in texts[80]
    assert words(texts[80]) == words(texts[1000])


def test_the_example_organiser_is_warned_about_before_anything_is_written(tmp_path: Path):
    out = tmp_path / "out"
    result = run("propose", "--data", BUNDLED, "--out", out, "--time-limit", "20", *WINDOW)
    text = result.output
    assert "before you send invites" in text and "bundled example" in text
    assert text.index("before you send invites") < text.index("Proposed programme")


def test_progress_shows_the_phase_and_best_plan_on_a_terminal_and_does_not_change_the_plan(tmp_path: Path):
    from rich.console import Console

    from scheduler.api import load, planning_window
    from scheduler.api import plan as solve_plan
    from scheduler.present import TerminalProgress

    ds = load(BUNDLED)
    window = planning_window(ds, date(2026, 12, 1), date(2027, 3, 31))
    quiet = solve_plan(ds, window, time_limit=20)

    class Recorder:
        def __init__(self):
            self.phases, self.bests = [], []

        def phase(self, text):
            self.phases.append(text)

        def best(self, placed, total, score):
            self.bests.append((placed, total, score))

    from scheduler.engine import progress

    recorder = Recorder()
    with progress.listening(recorder):
        watched = solve_plan(ds, window, time_limit=20)
    assert [(p.occurrence.uid, p.day, p.start, p.venue_id) for p in watched.placements] == \
           [(p.occurrence.uid, p.day, p.start, p.venue_id) for p in quiet.placements]
    assert recorder.phases[:3] == ["Building the model of 17 meetings", "Finding a first plan",
                                   "Searching for the best plan"]
    assert any(placed == total == 17 for placed, total, _ in recorder.bests)  # the first plan
    assert any(score is not None for _, _, score in recorder.bests)  # CP-SAT's plans, from its log

    # On a terminal the display appears after its delay, with the phase and the best plan so far.
    screen = io.StringIO()
    console = Console(file=screen, force_terminal=True, width=100)
    display = TerminalProgress(console, 20)
    display.DELAY = 0
    with display:
        import time as clock

        clock.sleep(0.2)
        progress.phase("Searching for the best plan")
        progress.best(16, 17)
        progress.best(score=1234)
        clock.sleep(0.3)
    shown = screen.getvalue()
    assert "Searching for the best plan" in shown and "16 of 17 placed, score 1,234" in shown

    # On a pipe: nothing at all, and nobody listens (the solver gets no callback).
    piped = io.StringIO()
    with TerminalProgress(Console(file=piped, force_terminal=False), 20):
        assert not progress.active()
        progress.phase("Searching for the best plan")
    assert piped.getvalue() == ""
