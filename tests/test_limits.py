"""Limits (issue 8 items 4 and 7): the solver stops at its time limit and says the plan is not
proven optimal; a programme with no possible plan returns with reasons, not after the whole time
limit; large input files load and validate. No assertion here is about how long anything takes.
"""

from __future__ import annotations

import csv
import io
import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest
from click.testing import CliRunner
from conftest import BASE_MEETINGS, BASE_PEOPLE, BASE_VENUES, BUNDLED, make_data, write_csv

from scheduler import api
from scheduler.cli import main
from scheduler.rules import RULE_NAMES

EXAMPLE_FROM = date(2026, 12, 1)


def invoke(*args) -> tuple[int, str]:
    result = CliRunner().invoke(main, [str(a) for a in args], env={"SOURCE_DATE_EPOCH": "1798761600"})
    assert "Traceback" not in result.output
    assert result.exception is None or isinstance(result.exception, SystemExit), repr(result.exception)
    return result.exit_code, result.output


def rows_of(path: Path) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(path.read_text(encoding="utf-8"))))


# --- item 4: time limit ----------------------------------------------------------------------

@pytest.fixture(scope="module")
def cut_short():
    """The bundled example with far too little time to prove anything."""
    return api.propose(BUNDLED, EXAMPLE_FROM, None, time_limit=0.05)


def test_a_tiny_time_limit_stops_the_search_and_the_plan_says_so(cut_short):
    plan = cut_short.plan
    assert plan.proven_optimal is False
    assert plan.stopped_by_time_limit is True
    assert plan.solver_status in ("FEASIBLE", "UNKNOWN")
    assert len(plan.placements) > 10  # every occurrence is still listed, scheduled or not
    if plan.scheduled:  # the best plan found is returned
        assert plan.solver_status == "FEASIBLE"


def test_a_tiny_time_limit_is_reported_in_words_and_outputs_are_still_written(tmp_path: Path):
    out = tmp_path / "out"
    code, printed = invoke("propose", "--data", BUNDLED, "--out", out, "--from", EXAMPLE_FROM,
                           "--time-limit", "0.05")
    words = " ".join(printed.split())
    assert "time limit" in words
    assert "(proven optimal)" not in words
    assert "not proven" in words or "no plan found within the time limit" in words
    rows = rows_of(out / "proposals.csv")
    assert rows and code == (1 if any(r["status"] == "unscheduled" for r in rows) else 0)


def test_when_time_runs_out_before_any_plan_the_reason_says_so(monkeypatch):
    """No plan at all within the limit (the search, the starting plan and the greedy placement all
    came to nothing): every occurrence says the time limit is why. Made to happen on purpose,
    so it is tested on every machine, fast or slow."""
    from ortools.sat.python import cp_model

    from scheduler.engine import solve

    monkeypatch.setattr(solve, "greedy_hint", lambda ctx: {})
    monkeypatch.setattr(solve, "add_hint", lambda *a, **k: None)
    monkeypatch.setattr(solve, "run_solver", lambda ctx, ss, *a, **k: (cp_model.CpSolver(), cp_model.UNKNOWN, 0.0))
    plan = api.propose(BUNDLED, EXAMPLE_FROM, None, time_limit=0.05).plan
    assert plan.solver_status == "UNKNOWN" and not plan.scheduled and plan.unscheduled
    assert all("time limit" in p.reason for p in plan.unscheduled)


# --- item 4: nothing possible ----------------------------------------------------------------

def test_an_impossible_programme_returns_every_occurrence_unscheduled_with_its_rules(tiny, tmp_path):
    venues = [dict(v, hearing_loop="no") for v in BASE_VENUES]
    venues[1]["capacity"] = "1"
    people = [dict(BASE_PEOPLE[0], needs="hearing_loop"), *BASE_PEOPLE[1:]]
    meetings = [
        # Pat needs a hearing loop; no venue has one.
        dict(BASE_MEETINGS[0], recurrence="half-termly", window_start="", window_end=""),
        # Two people; the only allowed venue holds one.
        dict(BASE_MEETINGS[0], meeting_id="S", title="Small room", attendees="YP1;PR1",
             venues="V2", recurrence="monthly", window_start="", window_end=""),
    ]
    data = tiny(venues=venues, people=people, meetings=meetings)
    result = api.propose(data, date(2027, 1, 1), None, time_limit=120)
    plan = result.plan
    assert len(plan.placements) == 5 and not plan.scheduled
    # It returned because it proved there is nothing to place, not because the clock ran out.
    assert plan.stopped_by_time_limit is False and plan.proven_optimal is True
    for p in plan.placements:
        expected = "venue_access" if p.occurrence.meeting_id == "B" else "venue_capacity"
        assert expected in p.reason, p.reason
    code, printed = invoke("propose", "--data", data, "--out", tmp_path / "out", "--from", "2027-01-01",
                           "--time-limit", "120")
    assert code == 1
    rows = rows_of(tmp_path / "out" / "proposals.csv")
    assert len(rows) == 5 and {r["status"] for r in rows} == {"unscheduled"}
    assert all(any(rule in r["reason"] for rule in RULE_NAMES) for r in rows)


def test_strict_mixed_meeting_with_no_possible_time_is_explained_by_rules(tiny):
    data = tiny(meetings=[dict(BASE_MEETINGS[0], meeting_id="MIX", attendees="PC1;YP1",
                               recurrence="half-termly", window_start="", window_end="")])
    plan = api.propose(data, date(2027, 1, 1), None, strict=True, time_limit=120).plan
    assert len(plan.placements) == 2 and not plan.scheduled
    assert plan.stopped_by_time_limit is False
    for p in plan.placements:
        # The time rules together rule out every slot: the reason names them, not other rules.
        assert "parent_core_hours" in p.reason and "young_people_hours" in p.reason, p.reason
        assert "venue_clash" not in p.reason, p.reason


# --- item 7: large input ---------------------------------------------------------------------

def _large(folder: Path, people: int, venues: int) -> Path:
    districts = ("RH12", "RH13", "RH10", "BN11", "PO19", "RH11", "BN43", "GU29", "BN17", "PO22")
    vs = [dict(BASE_VENUES[0], venue_id=f"V{i:04d}", name=f"Venue {i}", latitude=f"{50.80 + (i % 97) * 0.004:.4f}",
               longitude=f"{-0.90 + (i % 89) * 0.01:.4f}", capacity=str(10 + i % 90), open_days="Mon-Sat",
               closed_dates="2027-12-24..2027-12-27", access_checked="2026-05-01") for i in range(venues)]
    ps = [{"participant_id": f"P{i:05d}", "name": f"Person {i}", "role": ("parent_carer", "young_person", "professional")[i % 3],
           "email": f"p{i}@example.org", "home_postcode": districts[i % len(districts)],
           "needs": ("", "step_free", "hearing_loop;quiet_room")[i % 3], "unavailable": "Fri;2027-02-01..2027-02-03",
           "groups": f"g{i % 50}", "max_travel_minutes": "75"} for i in range(people)]
    ms = [{"meeting_id": f"M{j}", "title": f"Group {j}", "attendees": f"group:g{j}", "duration_minutes": "90",
           "recurrence": "termly", "venues": ";".join(f"V{k:04d}" for k in range(j, venues, 50)), "chair": f"P{j:05d}"}
          for j in range(50)]
    make_data(folder, meetings=ms)
    write_csv(folder / "venues.csv", vs)
    write_csv(folder / "participants.csv", ps)
    return folder


MEASURE = """
import resource, sys
from scheduler.api import load
before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
ds = load(sys.argv[1])
after = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
print(len(ds.participants), len(ds.venues), len(ds.meetings), ds.meetings["M49"].attendees[-1],
      ds.meetings["M49"].venues[-1], (after - before) * 1024)
"""


def test_ten_thousand_participants_and_a_thousand_venues_load_and_validate(tmp_path: Path):
    data = _large(tmp_path / "data", 10_000, 1_000)
    size = sum(p.stat().st_size for p in data.iterdir())
    # A fresh process, so that its peak memory is this load's alone.
    proc = subprocess.run([sys.executable, "-c", MEASURE, str(data)], capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr
    people, venues, meetings, last_person, last_venue, growth = proc.stdout.split()
    assert (people, venues, meetings) == ("10000", "1000", "50")
    assert (last_person, last_venue) == ("P09999", "V0999")
    # Memory in proportion to the input: a bounded multiple of the files' size, not a blow-up.
    assert int(growth) < 100 * size, (growth, size)


def test_a_large_file_with_mistakes_reports_them_all_with_their_rows(tmp_path: Path):
    data = _large(tmp_path / "data", 10_000, 1_000)
    text = (data / "participants.csv").read_text(encoding="utf-8").splitlines()
    for row in (2, 5_000, 10_001):  # spreadsheet rows: the header is row 1
        assert text[row - 1].endswith(",75")
        text[row - 1] = text[row - 1][:-3] + ",seventy"
    (data / "participants.csv").write_text("\n".join(text) + "\n", encoding="utf-8")
    code, printed = invoke("propose", "--data", data, "--out", tmp_path / "out", "--from", "2027-01-01")
    assert code == 2 and not (tmp_path / "out").exists()
    words = " ".join(printed.split())
    # one mistake down a column is one line naming its rows
    assert ("participants.csv, rows 2, 5000 and 10001, column 'max_travel_minutes': expected a whole number"
            in words), words
