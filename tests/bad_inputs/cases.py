"""The corpus of bad inputs, as a table: each case builds a data folder from the tiny base instance
(tests/conftest.py) with one kind of mistake, and says which problems the run must report.

A problem is expected by file, spreadsheet row (the header is row 1), column, and words of the
message that say what was expected. Cases marked `accepted` are valid but odd (a byte-order mark,
Windows line ends, blank rows...): they must plan exactly as the plain base folder does.

Materialise the whole corpus for a look, or to feed it to another tool:

    python -m bad_inputs.cases /tmp/corpus      (run from the tests/ folder)
"""

from __future__ import annotations

import csv
import io
import re
import sys
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from conftest import make_data

Step = Callable[[Path], None]

VENUES = "venues.csv"
PEOPLE = "participants.csv"
MEETINGS = "meetings.csv"
TERMS = "term_dates.csv"
TRAVEL = "travel_times.csv"
SETTINGS = "settings.toml"
DISTRICTS = "postcode_districts.csv"
CSV_FILES = (VENUES, PEOPLE, MEETINGS, TERMS)
ALL_COMMANDS = ("propose", "check", "explain", "whatif")


@dataclass(frozen=True)
class Expect:
    """One problem the run must report: where it is, and words its message must contain."""

    file: str
    row: int | str | None  # a str such as "2-4" for one mistake reported once for its rows
    column: str | None
    words: tuple[str, ...]


def E(file: str, row: int | str | None, column: str | None, *words: str) -> Expect:
    return Expect(file, row, column, words)


@dataclass(frozen=True)
class Case:
    id: str
    steps: tuple[Step, ...] = ()
    expect: tuple[Expect, ...] = ()
    args: tuple[str, ...] = ()  # extra command-line arguments
    accepted: bool = False  # valid but odd: the run succeeds
    same_plan: bool = True  # (accepted) proposals.csv is byte-identical to the base run's
    commands: tuple[str, ...] = ALL_COMMANDS
    heavy: bool = False  # slow to build or read: run once, not for every command
    usage: bool = False  # a click usage error (no file, row or column to name)
    usage_words: tuple[str, ...] = field(default_factory=tuple)
    book: str = ""  # "xlsx" or "ods": the folder is then turned into a workbook (typed cells)
    book_steps: tuple[Callable, ...] = ()  # edits to the openpyxl workbook before it is saved

    def build(self, folder: Path) -> Path:
        make_data(folder)
        for step in self.steps:
            step(folder)
        if self.book:
            return make_book(folder, self.book, self.book_steps)
        return folder


BOOK = "book.xlsx"


def make_book(folder: Path, kind: str, edits: tuple[Callable, ...]) -> Path:
    """The data folder as one workbook beside it, with typed cells, then edited."""
    from workbooks import to_ods, to_xlsx

    if kind == "ods":
        return to_ods(folder, folder.parent / "book.ods")
    path = to_xlsx(folder, folder.parent / BOOK)
    if edits:
        import openpyxl

        book = openpyxl.load_workbook(path)
        for edit in edits:
            edit(book)
        book.save(path)
    return path


def sheet(name: str) -> str:
    """How a problem in a workbook sheet is placed: book.xlsx, sheet 'venues'."""
    return f"{BOOK}, sheet '{name}'"


# --- steps -----------------------------------------------------------------------------------

def _read(path: Path) -> tuple[list[str], list[list[str]]]:
    with open(path, encoding="utf-8", newline="") as fh:
        rows = list(csv.reader(fh))
    return rows[0], rows[1:]


def _write(path: Path, header: list[str], rows: list[list[str]]) -> None:
    with open(path, "w", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh, lineterminator="\n")
        w.writerow(header)
        w.writerows(rows)


def cells(name: str, row: int, /, **values: str) -> Step:
    """Set cells of spreadsheet row `row` (2 = the first data row), adding columns as needed."""

    def step(folder: Path) -> None:
        header, rows = _read(folder / name)
        for column, value in values.items():
            if column not in header:
                header.append(column)
                for r in rows:
                    r.append("")
            rows[row - 2][header.index(column)] = value
        _write(folder / name, header, rows)

    return step


def add_row(name: str, /, **values: str) -> Step:
    def step(folder: Path) -> None:
        header, rows = _read(folder / name)
        for column in values:
            if column not in header:
                header.append(column)
                for r in rows:
                    r.append("")
        rows.append([values.get(c, "") for c in header])
        _write(folder / name, header, rows)

    return step


def copy_row(name: str, row: int, /, **values: str) -> Step:
    """Append a copy of spreadsheet row `row` with some cells changed."""

    def step(folder: Path) -> None:
        header, rows = _read(folder / name)
        new = list(rows[row - 2])
        for column, value in values.items():
            new[header.index(column)] = value
        rows.append(new)
        _write(folder / name, header, rows)

    return step


def drop_column(name: str, column: str) -> Step:
    def step(folder: Path) -> None:
        header, rows = _read(folder / name)
        i = header.index(column)
        _write(folder / name, header[:i] + header[i + 1:], [r[:i] + r[i + 1:] for r in rows])

    return step


def keep_rows(name: str, *rows_kept: int) -> Step:
    """Keep only these spreadsheet rows (none: a header-only file)."""

    def step(folder: Path) -> None:
        header, rows = _read(folder / name)
        _write(folder / name, header, [r for i, r in enumerate(rows, start=2) if i in rows_kept])

    return step


def remove(name: str) -> Step:
    return lambda folder: (folder / name).unlink()


def write(name: str, content: str | bytes) -> Step:
    def step(folder: Path) -> None:
        data = content.encode("utf-8") if isinstance(content, str) else content
        (folder / name).write_bytes(data)

    return step


def transform(name: str, fn: Callable[[str], str | bytes]) -> Step:
    """Rewrite a file from its text: re-encode, change separators or line ends."""

    def step(folder: Path) -> None:
        out = fn((folder / name).read_text(encoding="utf-8"))
        (folder / name).write_bytes(out.encode("utf-8") if isinstance(out, str) else out)

    return step


def every_file(fn: Callable[[str], str | bytes]) -> tuple[Step, ...]:
    return tuple(transform(n, fn) for n in CSV_FILES)


def make_dir(name: str) -> Step:
    def step(folder: Path) -> None:
        path = folder / name
        if path.exists():
            path.unlink()
        path.mkdir()

    return step


def travel(*rows: tuple[str, str, str]) -> Step:
    def step(folder: Path) -> None:
        _write(folder / TRAVEL, ["from", "to", "minutes"], [list(r) for r in rows])

    return step


def settings(text: str) -> Step:
    return write(SETTINGS, text)


def many_people(n: int, bad_row: int | None = None) -> Step:
    """participants.csv with n rows; one row (spreadsheet numbering) optionally has a bad role."""

    def step(folder: Path) -> None:
        header, rows = _read(folder / PEOPLE)
        districts = ("RH12", "RH13", "RH10", "BN11", "PO19", "RH11", "BN43", "GU29")
        roles = ("parent_carer", "young_person", "professional")
        buf = io.StringIO(newline="")
        w = csv.writer(buf, lineterminator="\n")
        w.writerow(header)
        w.writerows(rows)
        for i in range(n - len(rows)):
            number = len(rows) + 2 + i
            record = {"participant_id": f"X{i:06d}", "name": f"Person {i}",
                      "role": "wizard" if number == bad_row else roles[i % 3],
                      "email": f"person{i}@example.org", "home_postcode": districts[i % len(districts)],
                      "needs": ("", "step_free", "hearing_loop;quiet_room")[i % 3],
                      "unavailable": "Fri;2027-02-01..2027-02-03", "groups": "crowd"}
            w.writerow([record.get(c, "") for c in header])
        (folder / PEOPLE).write_text(buf.getvalue(), encoding="utf-8", newline="")

    return step


def workbook(name: str) -> Step:
    """A real (one-sheet) workbook saved into the data folder."""

    def step(folder: Path) -> None:
        import openpyxl

        book = openpyxl.Workbook()
        book.active.append(["venue_id", "name"])
        book.save(folder / name)

    return step


def uk_dates(text: str) -> str:
    """Every YYYY-MM-DD date written the UK way, DD/MM/YYYY."""
    return re.sub(r"\b([0-9]{4})-([0-9]{2})-([0-9]{2})\b", r"\3/\2/\1", text)


def bom(text: str) -> bytes:
    return b"\xef\xbb\xbf" + text.encode("utf-8")


def crlf(text: str) -> str:
    return text.replace("\r\n", "\n").replace("\n", "\r\n")


def blank_rows(text: str) -> str:
    lines = text.splitlines()
    commas = "," * (lines[0].count(","))
    return "\n".join([lines[0], "", commas, *[x for line in lines[1:] for x in (line, "  ")], "", ""]) + "\n"


def semicolons(text: str) -> str:
    rows = list(csv.reader(io.StringIO(text, newline="")))
    buf = io.StringIO(newline="")
    csv.writer(buf, delimiter=";", lineterminator="\r\n").writerows(rows)
    return buf.getvalue()


def shout_headers(text: str) -> str:
    first, _, rest = text.partition("\n")
    return ",".join(f"  {c.upper()} " for c in first.split(",")) + "\n" + rest


def reverse_columns(text: str) -> str:
    rows = list(csv.reader(io.StringIO(text, newline="")))
    buf = io.StringIO(newline="")
    csv.writer(buf, lineterminator="\n").writerows([list(reversed(r)) for r in rows])
    return buf.getvalue()


LONG = 200_000  # longer than Python's default csv field limit of 131,072 characters
VALID_SETTINGS_HEAD = '[organiser]\nname = "SEND team"\nemail = "send@example.org"\n'


# --- the corpus ------------------------------------------------------------------------------

CASES: tuple[Case, ...] = (
    # Missing, empty and unreadable files
    Case("missing-venues-file", (remove(VENUES),), (E(VENUES, None, None, "missing", "required"),)),
    Case("missing-participants-file", (remove(PEOPLE),), (E(PEOPLE, None, None, "missing"),)),
    Case("missing-meetings-file", (remove(MEETINGS),), (E(MEETINGS, None, None, "missing"),)),
    Case("missing-term-dates-file", (remove(TERMS),), (E(TERMS, None, None, "missing"),)),
    Case("empty-venues-file", (write(VENUES, ""),), (E(VENUES, None, None, "empty", "header"),)),
    Case("whitespace-only-terms-file", (write(TERMS, " \n\n  \r\n"),), (E(TERMS, None, None, "empty"),)),
    Case("bom-only-venues-file", (write(VENUES, b"\xef\xbb\xbf\r\n"),), (E(VENUES, None, None, "empty"),)),
    Case("header-only-venues", (keep_rows(VENUES),), (E(VENUES, None, None, "no venues"),)),
    Case("header-only-participants", (keep_rows(PEOPLE),), (E(PEOPLE, None, None, "no participants"),)),
    Case("header-only-term-dates", (keep_rows(TERMS),), (E(TERMS, None, None, "no term blocks"),)),
    Case("venues-file-is-a-folder", (make_dir(VENUES),), (E(VENUES, None, None, "not a file"),)),
    Case("settings-file-is-a-folder", (make_dir(SETTINGS),), (E(SETTINGS, None, None, "not a file"),)),
    Case("utf16-participants", (transform(PEOPLE, lambda t: t.encode("utf-16")),),
         (E(PEOPLE, None, None, "UTF-16", "UTF-8"),)),
    Case("utf16le-without-bom-venues", (transform(VENUES, lambda t: t.encode("utf-16-le")),),
         (E(VENUES, None, None, "UTF-16"),)),
    Case("windows-1252-participants",
         (cells(PEOPLE, 3, name="Zoë Hartley"), transform(PEOPLE, lambda t: t.encode("cp1252"))),
         (E(PEOPLE, 3, None, "not UTF-8", "CSV UTF-8"),)),
    Case("nul-bytes-in-meetings", (transform(MEETINGS, lambda t: t.encode() + b"\x00junk\n"),),
         (E(MEETINGS, None, None, "NUL"),)),
    Case("semicolon-separated-venues", (transform(VENUES, semicolons),),
         (E(VENUES, 1, None, "semicolons", "commas"),)),
    Case("tab-separated-terms", (transform(TERMS, lambda t: t.replace(",", "\t")),),
         (E(TERMS, 1, None, "tabs"),)),
    Case("unclosed-quote-in-meetings",
         (transform(MEETINGS, lambda t: t.replace(",Board,", ',"Board,')),),
         (E(MEETINGS, 2, None, "quote", "never closes"),)),
    Case("field-longer-than-csv-limit", (cells(VENUES, 2, notes="x" * LONG),),
         (E(VENUES, 2, "notes", "200,000 characters", "most"),)),
    Case("field-longer-than-csv-limit-in-title", (cells(MEETINGS, 2, title="=" + "A" * LONG),),
         (E(MEETINGS, 2, "title", "characters long"),)),
    Case("control-character-in-name", (cells(PEOPLE, 2, name="Pat\x1b[2J Carer"),),
         (E(PEOPLE, 2, "name", "control character"),)),
    Case("unquoted-comma-gives-extra-values",
         (transform(VENUES, lambda t: t.replace("Horsham Hall", "Horsham, Hall")),),
         (E(VENUES, 2, None, "unquoted comma"),)),
    Case("duplicate-column-in-header", (transform(TERMS, lambda t: t.replace("status", "term", 1)),),
         (E(TERMS, 1, "term", "twice"),)),

    # Missing required columns
    Case("venues-without-capacity-column", (drop_column(VENUES, "capacity"),),
         (E(VENUES, 1, "capacity", "missing"),)),
    Case("participants-without-role-column", (drop_column(PEOPLE, "role"),),
         (E(PEOPLE, 1, "role", "missing"),)),
    Case("meetings-without-recurrence-column", (drop_column(MEETINGS, "recurrence"),),
         (E(MEETINGS, 1, "recurrence", "missing"),)),
    Case("term-dates-without-first-day-column", (drop_column(TERMS, "first_day"),),
         (E(TERMS, 1, "first_day", "missing"),)),
    Case("travel-times-without-minutes-column",
         (travel(("V1", "PC1", "10")), drop_column(TRAVEL, "minutes")),
         (E(TRAVEL, 1, "minutes", "missing"),)),

    # Ids: duplicates, unusable, unknown
    Case("duplicate-venue-id", (cells(VENUES, 3, venue_id="V1"),), (E(VENUES, 3, "venue_id", "V1", "unique"),)),
    Case("duplicate-participant-id", (copy_row(PEOPLE, 2, name="Pat Again"),),
         (E(PEOPLE, 5, "participant_id", "PC1", "twice", "row 2"),)),
    Case("duplicate-meeting-id", (copy_row(MEETINGS, 2, title="Board again"),),
         (E(MEETINGS, 3, "meeting_id", "unique"),)),
    Case("meeting-ids-differing-only-in-capitals", (copy_row(MEETINGS, 2, meeting_id="b"),),
         (E(MEETINGS, 3, "meeting_id", "'b'", "capitals", "row 2"),)),
    Case("id-with-spaces-and-slash", (cells(VENUES, 2, venue_id="V 1/.."),), (E(VENUES, 2, "venue_id", "usable id"),)),
    Case("empty-id", (cells(PEOPLE, 4, participant_id=""),),
         (E(PEOPLE, 4, "participant_id", "empty"), E(MEETINGS, 2, "chair", "PR1"))),
    Case("unknown-attendee", (cells(MEETINGS, 2, attendees="PC1;ZZ9"),),
         (E(MEETINGS, 2, "attendees", "ZZ9", "participant_id"),)),
    Case("unknown-optional-attendee", (cells(MEETINGS, 2, optional_attendees="NOBODY"),),
         (E(MEETINGS, 2, "optional_attendees", "NOBODY"),)),
    Case("unknown-chair", (cells(MEETINGS, 2, chair="ZZ9"),), (E(MEETINGS, 2, "chair", "ZZ9", "participant_id"),)),
    Case("unknown-venue-in-meeting", (cells(MEETINGS, 2, venues="V1;V9"),),
         (E(MEETINGS, 2, "venues", "V9", "venue_id"),)),
    Case("group-nobody-belongs-to", (cells(MEETINGS, 2, attendees="group:nobody"),),
         (E(MEETINGS, 2, "attendees", "group", "nobody"),)),
    Case("unknown-role-token", (cells(MEETINGS, 2, attendees="role:wizard"),),
         (E(MEETINGS, 2, "attendees", "role:wizard", "role:parent_carer"),)),
    Case("empty-attendees", (cells(MEETINGS, 2, attendees=""),), (E(MEETINGS, 2, "attendees", "empty"),)),
    Case("travel-end-unknown", (travel(("V1", "PC1", "10"), ("V1", "XX9 9XX", "12")),),
         (E(TRAVEL, 3, "to", "XX9 9XX", "venue_id", "participant_id", "postcode district"),)),
    Case("travel-end-empty-and-minutes-negative", (travel(("", "V2", "-3")),),
         (E(TRAVEL, 2, "from", "empty"), E(TRAVEL, 2, "minutes", "0", "1440"))),

    # Booleans, numbers, dates, times, ranges, weekdays
    Case("bad-boolean", (cells(VENUES, 2, step_free="maybe"), cells(VENUES, 3, hoist_toilet="Y es")),
         (E(VENUES, 2, "step_free", "yes or no", "maybe"), E(VENUES, 3, "hoist_toilet", "yes or no"))),
    Case("zero-capacity", (cells(VENUES, 2, capacity="0"),), (E(VENUES, 2, "capacity", "1 or more", "0"),)),
    Case("negative-capacity", (cells(VENUES, 3, capacity="-12"),), (E(VENUES, 3, "capacity", "1 or more"),)),
    Case("capacity-not-a-whole-number", (cells(VENUES, 2, capacity="12.5"), cells(VENUES, 3, capacity="ten")),
         (E(VENUES, 2, "capacity", "whole number"), E(VENUES, 3, "capacity", "whole number", "ten"))),
    Case("capacity-with-4000-digits", (cells(VENUES, 2, capacity="9" * 4000),),
         (E(VENUES, 2, "capacity", "whole number"),)),
    Case("zero-duration", (cells(MEETINGS, 2, duration_minutes="0"),),
         (E(MEETINGS, 2, "duration_minutes", "between 1 and"),)),
    Case("negative-duration", (cells(MEETINGS, 2, duration_minutes="-90"),),
         (E(MEETINGS, 2, "duration_minutes", "between 1 and"),)),
    Case("duration-longer-than-any-venue-opens",
         (cells(VENUES, 2, open_from="09:00", open_until="11:00"),
          cells(VENUES, 3, open_from="18:00", open_until="20:30"),
          cells(MEETINGS, 2, duration_minutes="180")),
         (E(MEETINGS, 2, "duration_minutes", "180 minutes", "longer", "150"),)),
    Case("duration-longer-than-its-own-venue-opens",
         (cells(VENUES, 2, open_from="10:00", open_until="11:00"), cells(MEETINGS, 2, venues="V1")),
         (E(MEETINGS, 2, "duration_minutes", "longer", "60"),)),
    Case("duration-longer-than-a-day", (cells(MEETINGS, 2, duration_minutes="1500"),),
         (E(MEETINGS, 2, "duration_minutes", "between 1 and 720"),)),
    Case("bad-papers-days-and-gap", (cells(MEETINGS, 2, papers_days="-1", min_gap_days="two weeks"),),
         (E(MEETINGS, 2, "papers_days", "whole number"), E(MEETINGS, 2, "min_gap_days", "whole number"))),
    Case("bad-recurrence-and-level", (cells(MEETINGS, 2, recurrence="weekly", participation_level="tokenism"),),
         (E(MEETINGS, 2, "recurrence", "once", "termly", "weekly"),
          E(MEETINGS, 2, "participation_level", "co-production"))),
    Case("window-ends-before-it-starts", (cells(MEETINGS, 2, window_start="2027-02-01", window_end="2027-01-11"),),
         (E(MEETINGS, 2, "window_end", "before it starts"),)),
    Case("window-date-month-first", (cells(MEETINGS, 2, window_start="01/13/2027"),),
         (E(MEETINGS, 2, "window_start", "day first", "13/01/2027"),)),
    Case("month-first-column-makes-its-other-dates-ambiguous",
         (cells(TERMS, 2, first_day="01/04/2027", last_day="02/12/2027"),
          cells(TERMS, 3, first_day="02/22/2027", last_day="03/25/2027")),
         (E(TERMS, 2, "first_day", "could be 1 April or 4 January", "02/22/2027"),
          E(TERMS, 2, "last_day", "could be", "03/25/2027"),
          E(TERMS, 3, "first_day", "no month 22", "22/02/2027"),
          E(TERMS, 3, "last_day", "no month 25", "25/03/2027"))),
    Case("impossible-date", (cells(TERMS, 2, last_day="2027-02-30"),),
         (E(TERMS, 2, "last_day", "YYYY-MM-DD", "not a real date", "February 2027 has no day 30"),)),
    Case("impossible-uk-date", (cells(TERMS, 2, last_day="30/02/2027"),),
         (E(TERMS, 2, "last_day", "DD/MM/YYYY", "February 2027 has no day 30"),)),
    Case("two-digit-year", (cells(MEETINGS, 2, window_end="22/01/27"),),
         (E(MEETINGS, 2, "window_end", "year in full", "22/01/2027"),)),
    Case("uk-date-in-a-closed-range", (cells(VENUES, 2, closed_dates="20/01/2027..10/01/2027"),
                                      cells(VENUES, 3, closed_dates="31/04/2027")),
         (E(VENUES, 2, "closed_dates", "ends before it starts"),
          E(VENUES, 3, "closed_dates", "April 2027 has no day 31"))),
    Case("same-mistake-down-a-column-is-one-line",
         (cells(PEOPLE, 2, travel_mode="bus"), cells(PEOPLE, 3, travel_mode="bus"),
          cells(PEOPLE, 4, travel_mode="train")),
         (E(PEOPLE, "2-4", "travel_mode", "public_transport", "'bus'", "the same mistake in 3 rows"),)),
    Case("bad-term-rows-are-not-called-an-empty-file",
         (cells(TERMS, 2, first_day="start of term"), cells(TERMS, 3, last_day="end of term")),
         (E(TERMS, 2, "first_day", "start of term"), E(TERMS, 3, "last_day", "end of term"))),
    Case("a-folder-of-workbooks", tuple(remove(f) for f in CSV_FILES) + (workbook("programme.xlsx"),),
         tuple(E(f, None, None, "missing", "Found programme.xlsx", "--data", "CSV UTF-8") for f in CSV_FILES)),
    Case("venues-saved-as-a-workbook", (remove(VENUES), workbook("venues.xlsx")),
         (E(VENUES, None, None, "missing", "Found venues.xlsx but no venues.csv", "CSV UTF-8"),)),
    Case("year-9999-in-window", (cells(MEETINGS, 2, recurrence="monthly", window_end="9999-12-31"),),
         (E(MEETINGS, 2, "window_end", "year", "YYYY-MM-DD"),)),
    Case("window-of-two-centuries", (cells(MEETINGS, 2, recurrence="monthly", window_end="2199-12-31"),),
         (E(MEETINGS, 2, "window_end", "check the year"),)),
    Case("bad-time", (cells(VENUES, 2, open_from="25:00"), cells(VENUES, 3, open_until="9pm")),
         (E(VENUES, 2, "open_from", "HH:MM", "25:00"), E(VENUES, 3, "open_until", "HH:MM", "9pm"))),
    Case("closes-before-it-opens", (cells(VENUES, 2, open_from="18:00", open_until="09:00"),),
         (E(VENUES, 2, "open_until", "not after"),)),
    Case("bad-education-ends", (cells(PEOPLE, 3, education_ends="half three"),),
         (E(PEOPLE, 3, "education_ends", "HH:MM"),)),
    Case("bad-open-days", (cells(VENUES, 2, open_days="Mon-Frday"), cells(VENUES, 3, open_days="weekdays")),
         (E(VENUES, 2, "open_days", "Mon-Fri"), E(VENUES, 3, "open_days", "Mon;Wed;Sat"))),
    Case("bad-closed-dates", (cells(VENUES, 2, closed_dates="2027-01-20..2027-01-10"),
                              cells(VENUES, 3, closed_dates="2027-01-04;Christmas")),
         (E(VENUES, 2, "closed_dates", "ends before it starts"), E(VENUES, 3, "closed_dates", "Christmas"))),
    Case("bad-access-checked", (cells(VENUES, 2, access_checked="March 2026"),),
         (E(VENUES, 2, "access_checked", "YYYY-MM-DD"),)),
    Case("bad-unavailable", (cells(PEOPLE, 2, unavailable="Fryday;2027-01-12"),
                             cells(PEOPLE, 3, unavailable="2027-01-20..2027-01-01")),
         (E(PEOPLE, 2, "unavailable", "weekday names", "Fryday"), E(PEOPLE, 3, "unavailable", "ends before"))),
    Case("bad-role-needs-mode-limit", (cells(PEOPLE, 2, role="parent", needs="wheelchair;hearing_loop",
                                             travel_mode="bicycle", max_travel_minutes="0"),),
         (E(PEOPLE, 2, "role", "parent_carer", "young_person", "professional"),
          E(PEOPLE, 2, "needs", "wheelchair", "step_free"),
          E(PEOPLE, 2, "travel_mode", "public_transport", "bicycle"),
          E(PEOPLE, 2, "max_travel_minutes", "between 1 and"))),
    Case("bad-postcodes", (cells(PEOPLE, 2, home_postcode="XX"), cells(PEOPLE, 3, home_postcode="ZZ99 9ZZ")),
         (E(PEOPLE, 2, "home_postcode", "postcode"), E(PEOPLE, 3, "home_postcode", "ZZ99", "latitude"))),
    Case("email-with-a-line-break", (cells(PEOPLE, 2, email="pat@example.org\nATTENDEE:mailto:x@evil.example"),),
         (E(PEOPLE, 2, "email", "email address"),)),
    Case("bad-status", (cells(TERMS, 2, status="maybe"),), (E(TERMS, 2, "status", "confirmed", "indicative"),)),

    # Coordinates
    Case("latitude-out-of-range", (cells(VENUES, 2, latitude="91"), cells(VENUES, 3, longitude="-200")),
         (E(VENUES, 2, "latitude", "-90 to 90"), E(VENUES, 3, "latitude", "-180 to 180"))),
    Case("latitude-longitude-swapped", (cells(VENUES, 2, latitude="-0.3243", longitude="51.0708"),),
         (E(VENUES, 2, "latitude", "swapped"),)),
    Case("coordinates-outside-uk", (cells(VENUES, 2, latitude="48.8566", longitude="2.3522"),),
         (E(VENUES, 2, "latitude", "outside the United Kingdom"),)),
    Case("coordinates-outside-uk-swapped", (cells(VENUES, 2, latitude="2.3522", longitude="48.8566"),),
         (E(VENUES, 2, "latitude", "outside the United Kingdom"),)),
    Case("coordinates-in-dublin-and-boulogne", (cells(VENUES, 2, latitude="53.3498", longitude="-6.2603"),
                                                cells(VENUES, 3, latitude="50.7264", longitude="1.6147")),
         (E(VENUES, 2, "latitude", "outside the United Kingdom", "Ireland"),
          E(VENUES, 3, "latitude", "outside the United Kingdom"))),
    Case("participant-home-outside-uk", (cells(PEOPLE, 2, home_postcode="", latitude="40.71", longitude="-74.0"),),
         (E(PEOPLE, 2, "latitude", "United Kingdom"),)),
    Case("coordinates-not-numbers", (cells(VENUES, 2, latitude="fifty-one", longitude="nan"),),
         (E(VENUES, 2, "latitude", "number", "fifty-one"), E(VENUES, 2, "longitude", "number"))),
    Case("decimal-comma-coordinates", (cells(VENUES, 2, latitude="51,0708"),),
         (E(VENUES, 2, "latitude", "51,0708", "point, not a comma"),)),
    Case("bad-district-table", (write(DISTRICTS, "district,latitude,longitude\nNOT A DISTRICT,51.0,-0.3\nRH99,12,-0.3\n"),),
         (E(DISTRICTS, 2, "district", "postcode district"), E(DISTRICTS, 3, "latitude", "United Kingdom"))),

    # Term blocks
    Case("overlapping-term-blocks", (cells(TERMS, 3, first_day="2027-02-01"),),
         (E(TERMS, 3, "first_day", "overlaps", "Spring 1"),)),
    Case("term-block-ends-before-it-starts", (cells(TERMS, 2, last_day="2027-01-01"),),
         (E(TERMS, 2, "last_day", "before it starts"),)),
    Case("term-block-ten-years-long", (cells(TERMS, 3, last_day="2037-03-25"),),
         (E(TERMS, 3, "last_day", "check the year"),)),
    Case("only-inset-days", (keep_rows(TERMS), add_row(TERMS, term="INSET", first_day="2027-01-04",
                                                       last_day="2027-01-04", status="")),
         (E(TERMS, None, None, "no term blocks"),)),

    # settings.toml
    Case("settings-syntax-error", (settings(VALID_SETTINGS_HEAD + "[solver\nseed = 1\n"),),
         (E(SETTINGS, 4, None, "not valid TOML"),)),
    Case("settings-unknown-table", (settings(VALID_SETTINGS_HEAD + "\n[solvr]\nseed = 1\n"),),
         (E(SETTINGS, 5, "solvr", "unknown table", "solver"),)),
    Case("settings-unknown-key", (settings(VALID_SETTINGS_HEAD + "[solver]\nseed = 1\ntime_limit = 5\n"),),
         (E(SETTINGS, 6, "[solver] time_limit", "unknown setting", "time_limit_seconds"),)),
    Case("settings-unknown-rule", (settings(VALID_SETTINGS_HEAD + "[rules.parents_core_hours]\nstrength = \"hard\"\n"),),
         (E(SETTINGS, 4, "[rules.parents_core_hours]", "unknown rule", "parent_core_hours"),)),
    Case("settings-bad-rule-values",
         (settings(VALID_SETTINGS_HEAD + "[rules.venue_open]\nstrength = \"soft\"\n"
                   "[rules.venue_rotation]\nstrength = \"firm\"\nweight = -5\ncolour = 1\n"),),
         (E(SETTINGS, 5, "[rules.venue_open] strength", "cannot be soft"),
          E(SETTINGS, 7, "[rules.venue_rotation] strength", "hard", "soft"),
          E(SETTINGS, 8, "[rules.venue_rotation] weight", "whole number"),
          E(SETTINGS, 9, "[rules.venue_rotation] colour", "unknown key"))),
    Case("settings-values-out-of-range",
         (settings(VALID_SETTINGS_HEAD + "[solver]\nseed = 9223372036854775807\nworkers = 100000\n"
                   "time_limit_seconds = nan\n[rules.travel_time]\nweight = 9223372036854775807\n"
                   "[travel]\nwinding_factor = 1e308\n[calendar]\nreminder_minutes = -5\n"),),
         (E(SETTINGS, 5, "[solver] seed", "whole number"), E(SETTINGS, 6, "[solver] workers", "64"),
          E(SETTINGS, 7, "[solver] time_limit_seconds", "number"),
          E(SETTINGS, 9, "[rules.travel_time] weight", "whole number"),
          E(SETTINGS, 11, "[travel] winding_factor", "number"),
          E(SETTINGS, 13, "[calendar] reminder_minutes", "whole number"))),
    Case("settings-hostile-text",
         (settings('[organiser]\nname = "Team\\nATTENDEE:mailto:x@evil.example"\nemail = "a@b@c"\n'
                   '[calendar]\nuid_namespace = "../../etc"\n[windows]\nparent_start = "25:00"\n'),),
         (E(SETTINGS, 2, "[organiser] name", "one line"), E(SETTINGS, 3, "[organiser] email", "email address"),
          E(SETTINGS, 5, "[calendar] uid_namespace", "domain name"),
          E(SETTINGS, 7, "[windows] parent_start", "HH:MM"))),
    Case("settings-top-level-key-and-non-table", (settings('seed = 1\nsolver = 3\n'),),
         (E(SETTINGS, 1, "seed", "outside any table"), E(SETTINGS, 2, "solver", "table"))),
    Case("settings-not-utf8", (write(SETTINGS, "[organiser]\nname = \"Zoë\"\n".encode("cp1252")),),
         (E(SETTINGS, None, None, "UTF-8"),)),

    # Command line
    Case("from-after-to", args=("--from", "2027-02-01", "--to", "2027-01-01"),
         expect=(E("command line", None, "--to", "before", "--from"),)),
    Case("bad-from-date", args=("--from", "2027-02-30"), usage=True, usage_words=("--from", "YYYY-MM-DD")),
    Case("from-not-a-date", args=("--from", "next week"), usage=True, usage_words=("--from", "YYYY-MM-DD")),

    # Many mistakes in many files: every one is reported in the same run
    Case("many-mistakes-in-many-files",
         (cells(VENUES, 2, capacity="0"), cells(VENUES, 3, step_free="perhaps"),
          cells(PEOPLE, 3, role="child"), cells(MEETINGS, 2, chair="NOBODY", recurrence="fortnightly"),
          cells(TERMS, 3, first_day="2027-02-01"), travel(("V1", "NOWHERE", "5")),
          settings(VALID_SETTINGS_HEAD + "[solver]\nthreads = 4\n")),
         (E(VENUES, 2, "capacity", "1 or more"), E(VENUES, 3, "step_free", "yes or no"),
          E(PEOPLE, 3, "role", "young_person"), E(MEETINGS, 2, "chair", "NOBODY"),
          E(MEETINGS, 2, "recurrence", "monthly"), E(TERMS, 3, "first_day", "overlaps"),
          E(TRAVEL, 2, "to", "NOWHERE"), E(SETTINGS, 5, "[solver] threads", "unknown setting"))),
    Case("row-numbers-count-multi-line-cells-and-blank-rows",
         (cells(MEETINGS, 2, description="Line one\nLine two\nLine three"),
          copy_row(MEETINGS, 2, meeting_id="C", duration_minutes="lots"),
          transform(MEETINGS, lambda t: t.replace("\nC,", "\n\n,,,\nC,"))),
         (E(MEETINGS, 5, "duration_minutes", "whole number", "lots"),)),
    Case("participants-50000-rows-one-bad", (many_people(50_000, bad_row=40_001),),
         (E(PEOPLE, 40_001, "role", "wizard"),), commands=("propose",), heavy=True),

    # Workbooks (typed cells): the same checks, placed by sheet, row and lettered column
    Case("workbook-text-in-a-number-column", (cells(VENUES, 2, capacity="thirty"),), book="xlsx",
         expect=(E(sheet("venues"), 2, "E 'capacity'", "whole number", "thirty"),)),
    Case("workbook-date-that-does-not-exist", (cells(TERMS, 3, last_day="31/02/2027"),), book="xlsx",
         expect=(E(sheet("term_dates"), 3, "C 'last_day'", "February 2027 has no day 31"),)),
    Case("workbook-missing-sheet", book="xlsx", book_steps=(lambda b: b.remove(b["meetings"]),),
         expect=(E(sheet("meetings"), None, None, "missing", "no sheet named 'meetings'", "'venues'"),)),
    Case("workbook-merged-header", book="xlsx", book_steps=(lambda b: b["venues"].merge_cells("A1:B1"),),
         expect=(E(sheet("venues"), 1, None, "merged", "A1:B1", "unmerge"),)),
    Case("workbook-header-below-a-title-row", book="xlsx",
         book_steps=(lambda b: b["participants"].insert_rows(1), lambda b: b["participants"].cell(1, 1, "People")),
         expect=(E(sheet("participants"), 1, "participant_id", "required column is missing"),
                 E(sheet("participants"), 1, "name", "required column is missing"),
                 E(sheet("participants"), 1, "role", "required column is missing"),
                 E(sheet("participants"), 1, None, "header is in row 2", "delete the rows above"))),
    Case("workbook-month-first-dates-down-a-column",
         (cells(TERMS, 2, first_day="01/04/2027"), cells(TERMS, 3, first_day="02/22/2027")), book="xlsx",
         expect=(E(sheet("term_dates"), 2, "B 'first_day'", "could be", "written month first"),
                 E(sheet("term_dates"), 3, "B 'first_day'", "no month 22"))),
    Case("workbook-names-the-other-sheets", (cells(MEETINGS, 2, chair="NOBODY"),), book="xlsx",
         expect=(E(sheet("meetings"), 2, "J 'chair'", "'NOBODY'", "the participants sheet"),)),
    Case("workbook-settings-sheet-mistake", (settings(VALID_SETTINGS_HEAD + "[solver]\nthreads = 4\n"),), book="xlsx",
         expect=(E(sheet("settings"), 4, "[solver] threads", "unknown setting"),)),
    Case("ods-text-in-a-number-column", (cells(MEETINGS, 2, duration_minutes="two hours"),), book="ods",
         expect=(E("book.ods, sheet 'meetings'", 2, "E 'duration_minutes'", "whole number", "two hours"),)),

    # Valid but odd: accepted, and planned exactly like the plain base folder
    Case("workbook-with-typed-cells", book="xlsx", accepted=True),
    Case("ods-with-typed-cells", book="ods", accepted=True),
    Case("byte-order-marks", every_file(bom), accepted=True),
    Case("windows-line-ends", every_file(crlf), accepted=True),
    Case("old-mac-line-ends", every_file(lambda t: t.replace("\n", "\r")), accepted=True),
    Case("stray-blank-rows", every_file(blank_rows), accepted=True),
    Case("bom-crlf-and-blank-rows", every_file(lambda t: bom(crlf(blank_rows(t)))), accepted=True),
    Case("headers-in-capitals-with-spaces", every_file(shout_headers), accepted=True),
    Case("columns-in-another-order", every_file(reverse_columns), accepted=True),
    Case("unknown-extra-columns", (cells(VENUES, 2, colour="green"), cells(PEOPLE, 2, shoe_size="9"),
                                   cells(MEETINGS, 2, catering="tea"), cells(TERMS, 2, notes="x")),
         accepted=True),
    Case("window-date-in-uk-format", (cells(MEETINGS, 2, window_start="11/01/2027"),), accepted=True),
    Case("uk-dates-in-every-file", every_file(uk_dates), accepted=True),
    Case("booleans-in-any-case", (cells(VENUES, 2, step_free="YES", lift="True", quiet_room="Y"),
                                  cells(VENUES, 3, step_free="1", lift="yes")), accepted=True),
    Case("settings-with-bom-and-crlf", (settings("\ufeff" + crlf(VALID_SETTINGS_HEAD)),), accepted=True),
    Case("travel-time-to-a-lower-case-district", (travel(("V1", "rh12", "9"), ("PR1", "V2", "4")),),
         accepted=True, same_plan=False),
    Case("header-only-meetings-is-an-empty-programme", (keep_rows(MEETINGS),), accepted=True, same_plan=False),
    Case("participants-50000-rows", (many_people(50_000),), accepted=True, commands=("propose",), heavy=True),
)

BY_ID = {c.id: c for c in CASES}
assert len(BY_ID) == len(CASES), "case ids must be unique"


def materialise(root: Path) -> None:
    for case in CASES:
        case.build(root / case.id)


if __name__ == "__main__":  # pragma: no cover
    materialise(Path(sys.argv[1]))
