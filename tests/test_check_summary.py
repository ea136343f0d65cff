"""`schedule check` says what the programme lacks: meetings not placed and rules relaxed."""

from __future__ import annotations

from click.testing import CliRunner
from conftest import BASE_VENUES
from test_whatif import FROM, MEETINGS, PEOPLE, SLOTS, V3, write_baseline

from scheduler.cli import main

# The what-if tests' plan, with the first monthly meeting 14 days or more after planning starts
# (the 13 January of SLOTS is within the notice period, which would add `notice` to the summary).
NOTICED = {**SLOTS, ("M", 1): ("2027-01-20", "10:00", "V1")}


def test_check_lists_unplaced_meetings_and_relaxed_rules_but_exits_0_without_broken_hard_rules(tiny, tmp_path):
    data = tiny(venues=BASE_VENUES + [V3], people=PEOPLE, meetings=MEETINGS)
    out = tmp_path / "out"
    slots = dict(NOTICED)
    slots[("M", 2)] = ("2027-02-10", "10:00", "V1")  # the same venue three times running
    slots[("R", 1)] = None
    write_baseline(data, out, slots)
    result = CliRunner().invoke(main, ["check", "--data", str(data), "--out", str(out), "--from", FROM])
    said = " ".join(result.output.split())
    assert result.exit_code == 0, said
    assert "Summary: 3 of 4 meetings are scheduled; not placed: 1." in said
    assert "Review panel (R #1, " in said and "is not placed: No venue is possible." in said
    assert "Rules relaxed: venue_rotation (2x:" in said
    assert "run 'schedule explain MEETING_ID'" in said


def test_check_of_a_whole_plan_says_so(tiny, tmp_path):
    data = tiny(venues=BASE_VENUES + [V3], people=PEOPLE, meetings=MEETINGS)
    out = tmp_path / "out"
    write_baseline(data, out, NOTICED)
    result = CliRunner().invoke(main, ["check", "--data", str(data), "--out", str(out), "--from", FROM])
    said = " ".join(result.output.split())
    assert result.exit_code == 0, said
    assert "Summary: 4 of 4 meetings are scheduled." in said and "Rules relaxed: none" in said
    assert "schedule explain" not in said
