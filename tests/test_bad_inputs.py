"""Bad input never crashes and never half-writes (PRODUCT.md section 6; issue 8 item 1).

Every case of the corpus in tests/bad_inputs/cases.py goes through every command that reads a
data folder. A bad case must end with exit status 2, a message naming the file, row and column
and what was expected (every problem of the case, in one run), no traceback, and no output
file created or changed, whether --out is new or already holds a previous run's outputs. A
valid-but-odd case (byte-order mark, Windows line ends, blank rows...) must be accepted and plan
exactly as the plain folder does.
"""

from __future__ import annotations

import csv
import hashlib
import io
import re
import shutil
from pathlib import Path

import pytest
from bad_inputs.cases import BY_ID, CASES, Case, Expect
from click.testing import CliRunner, Result
from conftest import BASE_MEETINGS, make_data

from scheduler.cli import main

EPOCH = {"SOURCE_DATE_EPOCH": "1798761600"}
FROM = ("--from", "2027-01-01")
BAD = [c for c in CASES if not c.accepted]
ODD = [c for c in CASES if c.accepted]


# --- helpers ---------------------------------------------------------------------------------

def invoke(*args: str) -> Result:
    return CliRunner().invoke(main, [str(a) for a in args], env=EPOCH)


def no_traceback(result: Result) -> None:
    assert "Traceback" not in result.output, result.output
    assert result.exception is None or isinstance(result.exception, SystemExit), repr(result.exception)


def snapshot(folder: Path) -> dict[str, tuple] | None:
    """Every entry under a folder, hidden ones included: content hash, inode and mtime."""
    if not folder.exists():
        return None
    out: dict[str, tuple] = {}
    for path in sorted(folder.rglob("*")):
        st = path.lstat()
        key = path.relative_to(folder).as_posix()
        if path.is_file():
            out[key] = (hashlib.sha256(path.read_bytes()).hexdigest(), st.st_ino, st.st_mtime_ns)
        else:
            out[key] = ("dir", st.st_ino)
    return out


def problems_in(output: str) -> list[str]:
    """The '  - ' items of a data-error message, with the terminal's line wrapping undone."""
    items: list[str] = []
    current: list[str] | None = None
    for line in output.splitlines():
        if line.startswith("  - "):
            if current is not None:
                items.append(" ".join(current))
            current = [line[4:]]
        elif current is not None and line.strip() and not line.startswith("Fix these"):
            current.append(line)
        elif current is not None:
            items.append(" ".join(current))
            current = None
    if current is not None:
        items.append(" ".join(current))
    return [" ".join(i.split()) for i in items]


def where(e: Expect) -> str:
    """How a problem's place is written: file, row and column (lines and settings in TOML)."""
    line, part = ("line", "setting") if e.file.endswith(".toml") else ("row", "column")
    if e.file == "command line":
        part = "option"
    text = e.file
    if e.row is not None:
        text += f", {line}{'s' if isinstance(e.row, str) else ''} {e.row}"
    if e.column is not None:
        # a workbook's column has its letter before its name: C 'capacity'
        text += f", {part} {e.column}" if re.match(r"[A-Z]{1,3} '", e.column) else f", {part} '{e.column}'"
    return text + ":"


def assert_reported(output: str, expect: tuple[Expect, ...]) -> None:
    found = problems_in(output)
    for e in expect:
        matches = [p for p in found if p.startswith(where(e))
                   and all(w.lower() in p.lower() for w in e.words)]
        assert matches, f"expected a problem at {where(e)} saying {e.words}; got:\n" + "\n".join(found)
    assert len(found) == len(expect), "unexpected extra problems:\n" + "\n".join(found)


def args_for(command: str, data: Path, out: Path, baseline: Path, extra: tuple[str, ...]) -> list[str]:
    window = [] if "--from" in extra else list(FROM)
    if command == "propose":
        return ["propose", "--data", data, "--out", out, "--time-limit", "5", *window, *extra]
    if command == "check":
        return ["check", "--data", data, "--out", out, *window, *extra]
    if command == "explain":
        return ["explain", "--data", data, *window, *extra]
    if command == "whatif":
        return ["whatif", "--baseline", baseline, "--close-venue", "V1", "--data", data, "--out", out,
                *window, *extra]
    raise AssertionError(command)


def commands_of(case: Case) -> list[str]:
    """The case's commands that the tool has (whatif and explain arrive with their issues)."""
    return [c for c in case.commands if c in main.commands]


@pytest.fixture(scope="session")
def previous(tmp_path_factory) -> Path:
    """A previous run's outputs of the plain base folder: what a bad run must leave alone."""
    root = tmp_path_factory.mktemp("previous")
    data = make_data(root / "data")
    result = invoke("propose", "--data", data, "--out", root / "out", "--time-limit", "10", *FROM)
    assert result.exit_code == 0, result.output
    assert (root / "out" / "proposals.csv").is_file() and (root / "out" / "invites").is_dir()
    return root / "out"


# --- bad inputs ------------------------------------------------------------------------------

@pytest.mark.parametrize("case", BAD, ids=lambda c: c.id)
def test_bad_input_is_reported_in_full_with_nothing_written(case: Case, previous: Path, tmp_path: Path):
    data = case.build(tmp_path / "data")
    for command in commands_of(case):
        out, baseline = tmp_path / f"out-{command}", tmp_path / f"baseline-{command}"
        shutil.copytree(previous, out)
        shutil.copytree(previous, baseline)
        before = (snapshot(out), snapshot(baseline), snapshot(data))
        result = invoke(*args_for(command, data, out, baseline, case.args))
        no_traceback(result)
        assert result.exit_code == 2, f"{command}: exit {result.exit_code}\n{result.output}"
        if case.usage:
            assert "Error:" in result.output
            for w in case.usage_words:
                assert w in result.output, result.output
        else:
            assert "nothing was written" in result.output
            assert_reported(result.output, case.expect)
        assert (snapshot(out), snapshot(baseline), snapshot(data)) == before, f"{command} changed a file"
        if case.heavy:
            return
    # A first run, with no --out folder yet, creates nothing either.
    fresh = tmp_path / "fresh" / "out"
    result = invoke(*args_for("propose", data, fresh, fresh, case.args))
    no_traceback(result)
    assert result.exit_code == 2
    assert not fresh.exists() and not fresh.parent.exists()


def test_the_corpus_covers_every_input_file_and_the_command_line():
    files = {e.file for c in BAD for e in c.expect}
    assert {"venues.csv", "participants.csv", "meetings.csv", "term_dates.csv", "travel_times.csv",
            "settings.toml", "postcode_districts.csv", "command line"} <= files
    assert any(len({e.file for e in c.expect}) >= 5 for c in BAD), "a case with mistakes in many files"


def test_a_missing_data_folder_names_it(tmp_path: Path, previous: Path):
    out = tmp_path / "out"
    shutil.copytree(previous, out)
    before = snapshot(out)
    for command in commands_of(CASES[0]):
        result = invoke(*args_for(command, tmp_path / "no-such-folder", out, out, ()))
        no_traceback(result)
        assert result.exit_code == 2
        assert any("no-such-folder" in p and "does not exist" in p for p in problems_in(result.output))
    assert snapshot(out) == before


@pytest.mark.parametrize("command", ["propose", "whatif"])
def test_a_seed_too_big_for_the_solver_is_a_usage_error(command: str, previous: Path, tmp_path: Path):
    data = make_data(tmp_path / "data")
    result = invoke(*args_for(command, data, tmp_path / "out", previous, ("--seed", "99999999999")))
    no_traceback(result)
    assert result.exit_code == 2 and "--seed" in result.output
    assert not (tmp_path / "out").exists()


def test_a_data_folder_that_is_a_file_is_reported(tmp_path: Path):
    not_a_folder = tmp_path / "venues.csv"
    not_a_folder.write_text("venue_id\n")
    result = invoke("propose", "--data", not_a_folder, "--out", tmp_path / "out", *FROM)
    no_traceback(result)
    assert result.exit_code == 2
    assert any("venues.csv" in p and "not a folder" in p for p in problems_in(result.output))
    assert not (tmp_path / "out").exists()


@pytest.mark.parametrize("kind", ["file", "under-a-file"])
def test_an_out_folder_that_cannot_be_a_folder_is_a_usage_error(kind: str, tmp_path: Path):
    data = make_data(tmp_path / "data")
    blocker = tmp_path / "blocker"
    blocker.write_text("not a folder")
    out = blocker if kind == "file" else blocker / "out"
    result = invoke("propose", "--data", data, "--out", out, "--time-limit", "5", *FROM)
    no_traceback(result)
    assert result.exit_code == 2, result.output
    assert any(p.startswith("command line, option '--out':") for p in problems_in(result.output)), result.output
    assert blocker.read_text() == "not a folder"


# --- valid but odd ---------------------------------------------------------------------------

@pytest.mark.parametrize("case", ODD, ids=lambda c: c.id)
def test_valid_but_odd_input_is_accepted(case: Case, previous: Path, tmp_path: Path):
    data = case.build(tmp_path / "data")
    out = tmp_path / "out"
    result = invoke(*args_for("propose", data, out, out, case.args))
    no_traceback(result)
    assert result.exit_code == 0, result.output
    assert (out / "proposals.csv").is_file() and (out / "programme.ics").is_file()
    if case.same_plan:
        assert (out / "proposals.csv").read_bytes() == (previous / "proposals.csv").read_bytes()
    if "check" in main.commands and not case.heavy:
        checked = invoke(*args_for("check", data, out, out, case.args))
        no_traceback(checked)
        assert checked.exit_code == 0, checked.output


def test_a_header_only_meetings_file_is_an_empty_programme(previous: Path, tmp_path: Path):
    data = BY_ID["header-only-meetings-is-an-empty-programme"].build(tmp_path / "data")
    out = tmp_path / "out"
    shutil.copytree(previous, out)  # a previous programme is replaced whole by the empty one
    result = invoke("propose", "--data", data, "--out", out, "--time-limit", "5", *FROM)
    no_traceback(result)
    assert result.exit_code == 0, result.output
    rows = list(csv.reader(io.StringIO((out / "proposals.csv").read_text(encoding="utf-8"))))
    assert len(rows) == 1 and rows[0][:4] == ["meeting_id", "occurrence", "title", "status"]
    ics = (out / "programme.ics").read_text(encoding="utf-8")
    assert "BEGIN:VCALENDAR" in ics and "BEGIN:VEVENT" not in ics
    assert not any((out / "invites").iterdir()) if (out / "invites").exists() else True
    assert (out / "report.html").is_file()


def test_row_numbers_are_spreadsheet_rows_after_crlf_bom_and_blank_rows(tmp_path: Path):
    """Line ends, a byte-order mark and blank rows do not shift the row a problem names."""
    data = make_data(tmp_path / "data", meetings=[
        BASE_MEETINGS[0], dict(BASE_MEETINGS[0], meeting_id="C", recurrence="yearly")])
    path = data / "meetings.csv"
    text = path.read_text(encoding="utf-8").replace("\r\n", "\n")
    header, first, second = text.strip("\n").split("\n")
    path.write_bytes(b"\xef\xbb\xbf" + "\r\n".join([header, first, "", ",,,,", second, ""]).encode())
    result = invoke("propose", "--data", data, "--out", tmp_path / "out", *FROM)
    no_traceback(result)
    assert result.exit_code == 2
    assert_reported(result.output, (Expect("meetings.csv", 5, "recurrence", ("yearly",)),))


def test_messages_show_control_characters_escaped_not_raw(tmp_path: Path):
    data = make_data(tmp_path / "data")
    shutil.copy(data / "participants.csv", tmp_path / "p.csv")
    text = (tmp_path / "p.csv").read_text(encoding="utf-8").replace(",parent_carer,", ",\u202eparent\x1b[2J,", 1)
    (data / "participants.csv").write_text(text, encoding="utf-8")
    result = invoke("propose", "--data", data, "--out", tmp_path / "out", *FROM)
    no_traceback(result)
    assert result.exit_code == 2
    assert "\x1b" not in result.output and "\u202e" not in result.output
    assert any("participants.csv, row 2, column 'role':" in p for p in problems_in(result.output))


def test_square_brackets_in_titles_are_printed_literally(tmp_path: Path):
    data = make_data(tmp_path / "data", meetings=[dict(BASE_MEETINGS[0], title="Board [/] [bold]x[/bold]")])
    result = invoke("propose", "--data", data, "--out", tmp_path / "out", "--time-limit", "5", "--details", *FROM)
    no_traceback(result)
    assert result.exit_code == 0
    assert "Board [/] [bold]x[/bold]" in result.output and "[organiser]" in result.output


# --- what-if inputs: venue files, closures and the baseline ------------------------------------

ADD_HEADER = "venue_id,name,latitude,longitude,capacity\n"


def _whatif_case(folder: Path, baseline: Path, kind: str) -> list[str]:
    """Arguments for a what-if run with one bad input of the given kind."""
    if kind == "close-unknown-venue":
        return ["--close-venue", "V9"]
    if kind == "close-bad-date":
        return ["--close-venue", "V1@2027-13-01"]
    if kind == "add-venues-utf16":
        (folder / "add.csv").write_bytes((ADD_HEADER + "V3,Hall,51.0,-0.3,10\n").encode("utf-16"))
        return ["--add-venues", str(folder / "add.csv")]
    if kind == "add-venues-outside-uk":
        (folder / "add.csv").write_text(ADD_HEADER + "V3,Hall,51.0,-0.3,10\nV4,Paris,48.85,2.35,10\n")
        return ["--add-venues", str(folder / "add.csv")]
    if kind == "add-venues-missing-column":
        (folder / "add.csv").write_text("venue_id,name,latitude,longitude\nV3,Hall,51.0,-0.3\n")
        return ["--add-venues", str(folder / "add.csv")]
    if kind == "venues-header-only":
        (folder / "all.csv").write_text(ADD_HEADER)
        return ["--venues", str(folder / "all.csv")]
    if kind == "baseline-proposals-edited":
        text = (baseline / "proposals.csv").read_text(encoding="utf-8")
        (baseline / "proposals.csv").write_text(text.replace(",1,Board,", ",7,Board,"), encoding="utf-8")
        return []
    raise AssertionError(kind)


WHATIF_BAD = {
    "close-unknown-venue": Expect("command line", None, "--close-venue", ("V9", "venue_id")),
    "close-bad-date": Expect("command line", None, "--close-venue", ("YYYY-MM-DD",)),
    "add-venues-utf16": Expect("add.csv", None, None, ("UTF-16",)),
    "add-venues-outside-uk": Expect("add.csv", 3, "latitude", ("United Kingdom",)),
    "add-venues-missing-column": Expect("add.csv", 1, "capacity", ("missing",)),
    "venues-header-only": Expect("all.csv", None, None, ("no venues",)),
    "baseline-proposals-edited": Expect("proposals.csv", 2, "occurrence", ("7",)),
}


@pytest.mark.parametrize("kind", sorted(WHATIF_BAD))
def test_bad_whatif_inputs_are_reported_with_nothing_written(kind: str, previous: Path, tmp_path: Path):
    data = make_data(tmp_path / "data")
    out, baseline = tmp_path / "out", tmp_path / "baseline"
    shutil.copytree(previous, out)
    shutil.copytree(previous, baseline)
    extra = _whatif_case(tmp_path, baseline, kind)
    before = (snapshot(out), snapshot(baseline))
    result = invoke("whatif", "--baseline", baseline, "--data", data, "--out", out, *FROM, "--time-limit", "5",
                    *extra)
    no_traceback(result)
    assert result.exit_code == 2, result.output
    assert "nothing was written" in result.output
    assert_reported(result.output, (WHATIF_BAD[kind],))
    assert (snapshot(out), snapshot(baseline)) == before


def test_an_added_venue_reusing_an_id_is_reported_with_its_row(previous: Path, tmp_path: Path):
    data = make_data(tmp_path / "data")
    (tmp_path / "add.csv").write_text(ADD_HEADER + "V3,Hall,51.0,-0.3,10\nV1,Again,51.0,-0.3,10\n")
    result = invoke("whatif", "--baseline", previous, "--data", data, "--out", tmp_path / "out", *FROM,
                    "--add-venues", tmp_path / "add.csv")
    no_traceback(result)
    assert result.exit_code == 2 and not (tmp_path / "out").exists()
    assert_reported(result.output, (Expect("add.csv", 3, "venue_id", ("V1", "already")),))
