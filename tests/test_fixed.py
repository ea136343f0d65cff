"""fixed.csv: what the organiser has decided stays exactly so, and the rest is planned around it."""

from __future__ import annotations

import csv
import shutil
from pathlib import Path

from click.testing import CliRunner
from conftest import BASE_VENUES, write_csv
from test_whatif import FROM, MEETINGS, PEOPLE, SLOTS, V3, changes, rows, write_baseline

from scheduler.cli import main

LIMIT = "10"
# M: monthly January to March (PR1); R: once, 18-22 January, only at V1 (PR2); P: parents' group, once.
PARENTS = {"meeting_id": "P", "title": "Parents' group", "attendees": "PC1;PR1", "duration_minutes": "60",
           "recurrence": "once", "window_start": "2027-01-11", "window_end": "2027-01-22", "chair": "PR1"}


def data_with(tiny, fixed: list[dict[str, str]] | None, meetings=None, venues=None) -> Path:
    folder = tiny(venues=venues or BASE_VENUES + [V3], people=PEOPLE, meetings=meetings or MEETINGS + [PARENTS])
    if fixed is not None:
        write_csv(folder / "fixed.csv", fixed, ["meeting_id", "occurrence", "date", "start", "venue_id"])
    return folder


def propose(data: Path, out: Path):
    result = CliRunner().invoke(main, ["propose", "--data", str(data), "--out", str(out), "--from", FROM,
                                       "--time-limit", LIMIT])
    return result.exit_code, " ".join(result.output.split())


def test_fixed_values_are_kept_exactly_and_the_rest_planned_around_them(tiny, tmp_path):
    fixed = [{"meeting_id": "M", "occurrence": "2", "date": "2027-02-17", "start": "13:15", "venue_id": "V2"},
             {"meeting_id": "R", "occurrence": "1", "date": "2027-01-20"},  # the day only
             {"meeting_id": "M", "occurrence": "3", "venue_id": "V3"},  # the venue only
             {"meeting_id": "P", "occurrence": "1", "start": "15:00"}]  # outside parent core hours: soft
    data = data_with(tiny, fixed)
    out = tmp_path / "out"
    code, said = propose(data, out)
    assert code == 0, said
    got = rows(out / "proposals.csv")
    assert (got[("M", 2)]["date"], got[("M", 2)]["start"], got[("M", 2)]["venue_id"]) == ("2027-02-17", "13:15", "V2")
    assert got[("R", 1)]["date"] == "2027-01-20" and got[("R", 1)]["venue_id"] == "V1"
    assert got[("M", 3)]["venue_id"] == "V3"
    assert got[("P", 1)]["start"] == "15:00"
    # kept though it breaks a soft rule, and reported
    assert "parent_core_hours" in got[("P", 1)]["rules_relaxed"].split(";")
    assert got[("P", 1)]["reason"].startswith("Fixed at 15:00 in fixed.csv, row 5.")
    # V3 (Three Bridges) is 1.3 km from V2 (Crawley Centre): one place, so the fixed venues of
    # M #2 and M #3 relax venue_rotation, which compares places
    assert ("Fixed (fixed.csv): 4 meetings kept as you fixed them; M #3 relaxes venue_rotation; "
            "P #1 relaxes parent_core_hours") in said
    # the free ones still keep their rules: nothing else relaxes a rule
    assert not got[("M", 1)]["rules_relaxed"]
    assert CliRunner().invoke(main, ["check", "--data", str(data), "--out", str(out), "--from", FROM]).exit_code == 0


def test_a_fixed_value_that_breaks_a_hard_rule_is_a_data_error_naming_row_and_rule(tiny, tmp_path):
    venues = [dict(BASE_VENUES[0]), dict(BASE_VENUES[1], hoist_toilet="no"), V3]
    people = [dict(p) for p in PEOPLE]
    people[1]["needs"] = "hoist_toilet"  # PR1 (in M and P) needs a hoist toilet; V2 has none
    folder = tiny(venues=venues, people=people, meetings=MEETINGS + [PARENTS])
    write_csv(folder / "fixed.csv", [
        {"meeting_id": "M", "occurrence": "1", "venue_id": "V2"},  # venue_access
        {"meeting_id": "M", "occurrence": "2", "date": "2027-01-20"},  # not in February: series_spacing
        {"meeting_id": "R", "occurrence": "1", "date": "2027-01-19", "start": "10:00", "venue_id": "V1"},
        {"meeting_id": "P", "occurrence": "1", "date": "2027-01-19", "start": "10:30", "venue_id": "V1"},
    ], ["meeting_id", "occurrence", "date", "start", "venue_id"])
    out = tmp_path / "out"
    code, said = propose(folder, out)
    assert code == 2, said
    assert "fixed.csv, row 2, column 'venue_id': M occurrence 1: fixed at V2, it breaks the hard rule venue_access" in said
    assert "fixed.csv, row 3, column 'date': M occurrence 2: 2027-01-20 is outside its period" in said
    assert "series_spacing" in said
    assert not out.exists()
    # alone each is fine; together R and P share V1 at the same time
    write_csv(folder / "fixed.csv", [
        {"meeting_id": "R", "occurrence": "1", "date": "2027-01-19", "start": "10:00", "venue_id": "V1"},
        {"meeting_id": "M", "occurrence": "3", "venue_id": "V1"},
        {"meeting_id": "P", "occurrence": "1", "date": "2027-01-19", "start": "10:30", "venue_id": "V1"},
    ], ["meeting_id", "occurrence", "date", "start", "venue_id"])
    code, said = propose(folder, out)
    assert code == 2, said
    assert "fixed.csv: the fixed placements on rows 2, 4 cannot all be kept together" in said
    assert "venue_clash" in said and not out.exists()


def test_bad_rows_are_reported_by_row_and_column(tiny, tmp_path):
    data = data_with(tiny, [
        {"meeting_id": "X", "occurrence": "1", "date": "2027-01-20"},
        {"meeting_id": "M", "occurrence": "one"},
        {"meeting_id": "M", "occurrence": "2", "date": "20/13/2027"},
        {"meeting_id": "M", "occurrence": "3", "venue_id": "V9"},
        {"meeting_id": "R", "occurrence": "1", "venue_id": "V2"},  # R may only use V1
        {"meeting_id": "M", "occurrence": "9", "start": "10:00"},
        {"meeting_id": "P", "occurrence": "1", "start": "10:10"},
    ])
    code, said = propose(data, tmp_path / "out")
    assert code == 2, said
    for where in ("row 2, column 'meeting_id'", "row 3, column 'occurrence'", "row 4, column 'date'",
                  "row 5, column 'venue_id'", "row 6, column 'venue_id'"):
        assert f"fixed.csv, {where}" in said, where
    assert "not one of the venues R may use" in said
    # once the rows read, the occurrence numbers and the time grid are checked
    data = data_with(tiny, [{"meeting_id": "M", "occurrence": "9", "start": "10:00"},
                            {"meeting_id": "P", "occurrence": "1", "start": "10:10"}])
    code, said = propose(data, tmp_path / "out")
    assert code == 2, said
    assert "fixed.csv, row 2, column 'occurrence': M occurrence 9: the meeting has 3 occurrences" in said
    assert "fixed.csv, row 3, column 'start': P occurrence 1: 10:10 is not on the 15-minute steps" in said


def test_check_reports_a_plan_that_moved_a_fixed_meeting(tiny, tmp_path):
    data = data_with(tiny, None, meetings=MEETINGS)
    out = tmp_path / "out"
    write_baseline(data, out, SLOTS)
    write_csv(data / "fixed.csv", [{"meeting_id": "M", "occurrence": "2", "date": "2027-02-17"}])
    result = CliRunner().invoke(main, ["check", "--data", str(data), "--out", str(out), "--from", FROM])
    said = " ".join(result.output.split())
    assert result.exit_code == 1, said
    assert "M #2: fixed (hard rule broken): is fixed on 2027-02-17 (fixed.csv, row 2) but placed on 2027-02-10" in said


def test_a_whatif_with_a_new_fixed_placement_moves_only_that_meeting(tiny, tmp_path):
    data = data_with(tiny, None, meetings=MEETINGS)
    base = tmp_path / "base"
    write_baseline(data, base, SLOTS)
    edited = tmp_path / "edited"

    shutil.copytree(data, edited)
    write_csv(edited / "fixed.csv", [{"meeting_id": "M", "occurrence": "2", "date": "2027-02-17", "start": "11:00"}])
    out = tmp_path / "wi"
    result = CliRunner().invoke(main, ["whatif", "--baseline", str(base), "--data", str(edited), "--from", FROM,
                                       "--out", str(out), "--time-limit", LIMIT])
    said = " ".join(result.output.split())
    assert result.exit_code == 0, said
    old, new = rows(base / "proposals.csv"), rows(out / "proposals.csv")
    for k in [("M", 1), ("M", 3), ("R", 1)]:
        assert new[k] == old[k]
    assert (new[("M", 2)]["date"], new[("M", 2)]["start"], new[("M", 2)]["sequence"]) == ("2027-02-17", "11:00", "1")
    [change] = changes(out)
    assert "now fixed elsewhere" in change["reason"]
    with open(out / "changes.csv", encoding="utf-8", newline="") as fh:
        assert len(list(csv.DictReader(fh))) == 1
