"""`schedule whatif`: the fewest changes after a venue change, with updates calendars apply in place.

Baselines are written by hand from chosen slots (checked by the independent validator), so each
test knows exactly which meeting sits where before the change.
"""

from __future__ import annotations

import csv
import importlib
import shutil
from datetime import date, datetime, timedelta
from pathlib import Path

import icalendar
import pytest
from click.testing import CliRunner
from conftest import BASE_VENUES, PLAN_FROM, write_csv
from test_caldav import client, radicale, read_back, upload  # noqa: F401  (fixtures)

from scheduler import api
from scheduler.api import load
from scheduler.cli import main
from scheduler.core.clock import LONDON
from scheduler.core.domain import Placement, Plan
from scheduler.engine.solve import family_travel
from scheduler.engine.validate import check, relaxed_rules
from scheduler.inputs.timeparse import parse_hhmm
from scheduler.outputs.folder import write_all
from scheduler.world.calendar import calendar_for, occurrences
from scheduler.world.travel import Travel

FROM = PLAN_FROM.isoformat()
LIMIT = "5"
V3 = dict(BASE_VENUES[0], venue_id="V3", name="Three Bridges Hub", latitude="51.1170", longitude="-0.1615",
          address="3 Station Hill, Crawley", postcode="RH10 1LY")
PEOPLE = [
    {"participant_id": "PC1", "name": "Pat Carer", "role": "parent_carer", "email": "pat@example.org",
     "home_postcode": "RH12"},
    {"participant_id": "PR1", "name": "Pro One", "role": "professional", "email": "pro1@example.org",
     "home_postcode": "RH10"},
    {"participant_id": "PR2", "name": "Pro Two", "role": "professional", "email": "pro2@example.org",
     "home_postcode": "RH10"},
]
# A monthly series (January to March) and a one-off that may only use V1.
MEETINGS = [
    {"meeting_id": "M", "title": "Monthly board", "attendees": "PR1", "duration_minutes": "60",
     "recurrence": "monthly", "window_start": "2027-01-01", "window_end": "2027-03-31", "chair": "PR1"},
    {"meeting_id": "R", "title": "Review panel", "attendees": "PR2", "duration_minutes": "60",
     "recurrence": "once", "window_start": "2027-01-18", "window_end": "2027-01-22", "venues": "V1",
     "chair": "PR2"},
]
SLOTS = {("M", 1): ("2027-01-13", "10:00", "V1"), ("M", 2): ("2027-02-10", "10:00", "V2"),
         ("M", 3): ("2027-03-10", "10:00", "V1"), ("R", 1): ("2027-01-19", "10:00", "V1")}


def write_baseline(data: Path, out: Path, slots: dict) -> None:
    """A baseline run's outputs (proposals.csv and invites) with the meetings at `slots`."""
    ds = load(data)
    window = api.planning_window(ds, PLAN_FROM, None)
    cal, travel = calendar_for(ds), Travel(ds)
    placements = []
    for o in occurrences(ds, window):
        if slots[(o.meeting_id, o.number)] is None:
            placements.append(Placement(o, "unscheduled", reason="No venue is possible."))
            continue
        day, start, vid = slots[(o.meeting_id, o.number)]
        d, t, m = date.fromisoformat(day), parse_hhmm(start), ds.meetings[o.meeting_id]
        total, worst = family_travel(ds, travel, m.everyone, vid)
        placements.append(Placement(o, "scheduled", d, t, t + m.duration_minutes, vid,
                                    cal.papers_due(d, m.papers_days), travel_total=total, travel_max=worst))
    findings = check(ds, placements, window)
    assert not [f for f in findings if f.hard], findings
    relaxed = relaxed_rules(findings)
    for p in placements:
        p.rules_relaxed = relaxed.get((p.occurrence.meeting_id, p.occurrence.number), ())
    write_all(out, ds, Plan(placements, window))


@pytest.fixture
def setup(tiny, tmp_path):
    data = tiny(venues=BASE_VENUES + [V3], people=PEOPLE, meetings=MEETINGS)
    base = tmp_path / "base"
    write_baseline(data, base, SLOTS)
    return data, base


def run(*args: str):
    result = CliRunner().invoke(main, ["whatif", *args, "--time-limit", LIMIT], catch_exceptions=False)
    return result.exit_code, result.output


def rows(path: Path) -> dict[tuple[str, int], dict[str, str]]:
    with open(path, encoding="utf-8", newline="") as fh:
        return {(r["meeting_id"], int(r["occurrence"])): r for r in csv.DictReader(fh)}


def changes(out: Path) -> list[dict[str, str]]:
    with open(out / "changes.csv", encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


def event(path: Path) -> tuple[str, icalendar.Event]:
    cal = icalendar.Calendar.from_ical(path.read_bytes())
    events = cal.walk("VEVENT")
    assert len(events) == 1
    return str(cal["METHOD"]), events[0]


def organiser_updates(out: Path) -> dict[str, icalendar.Event]:
    """organiser-updates.ics by UID: PUBLISH, for the organiser's own calendar, with no attendees."""
    cal = icalendar.Calendar.from_ical((out / "organiser-updates.ics").read_bytes())
    assert str(cal["METHOD"]) == "PUBLISH"
    events = {str(e["UID"]): e for e in cal.walk("VEVENT")}
    assert all("ATTENDEE" not in e for e in events.values())
    return events


def closed_data(data: Path, folder: Path, closed: dict[str, str]) -> Path:
    """A copy of the data folder with the venues' closed_dates set, for `schedule check`."""
    shutil.copytree(data, folder)
    with open(data / "venues.csv", encoding="utf-8", newline="") as fh:
        venues = list(csv.DictReader(fh))
    for v in venues:
        if v["venue_id"] in closed:
            v["closed_dates"] = closed[v["venue_id"]]
    write_csv(folder / "venues.csv", venues)
    return folder


def schedule_check(data: Path, out: Path) -> int:
    return CliRunner().invoke(main, ["check", "--data", str(data), "--out", str(out), "--from", FROM]).exit_code


KEPT = ("status", "date", "start", "end", "venue_id", "venue_name", "papers_due", "uid", "sequence", "title",
        "attendees", "travel_total_minutes", "travel_max_minutes")


def unchanged_rows(base: Path, out: Path, keys) -> None:
    """Kept exactly; only rules_relaxed may change, truthfully, when a neighbour in the series moved."""
    old, new = rows(base / "proposals.csv"), rows(out / "proposals.csv")
    for k in keys:
        assert {c: new[k][c] for c in KEPT} == {c: old[k][c] for c in KEPT}, k


def test_closing_a_venue_no_meeting_uses_changes_nothing(setup, tmp_path):
    data, base = setup
    out = tmp_path / "wi"
    code, output = run("--baseline", str(base), "--data", str(data), "--from", FROM, "--close-venue", "V3",
                       "--out", str(out))
    assert code == 0, output
    assert (out / "proposals.csv").read_bytes() == (base / "proposals.csv").read_bytes()
    assert changes(out) == []
    assert not (out / "invites").exists() or not any((out / "invites").iterdir())
    assert not (out / "cancellations").exists()
    assert "Moved: 0; cancelled: 0; unchanged: 4" in output


def test_closing_a_used_venue_moves_only_its_meetings_and_cancels_what_cannot_move(setup, tmp_path):
    data, base = setup
    out = tmp_path / "wi"
    code, output = run("--baseline", str(base), "--data", str(data), "--from", FROM, "--close-venue", "V1",
                       "--out", str(out))
    assert code == 1, output  # R may only use V1: it can no longer happen
    old, new = rows(base / "proposals.csv"), rows(out / "proposals.csv")
    unchanged_rows(base, out, [("M", 2)])
    for k in [("M", 1), ("M", 3)]:
        assert new[k]["status"] == "scheduled" and new[k]["venue_id"] != "V1"
        assert new[k]["uid"] == old[k]["uid"] and new[k]["sequence"] == "1"
    r = new[("R", 1)]
    assert (r["status"], r["sequence"], r["date"], r["venue_id"]) == ("unscheduled", "1", "", "")
    assert "Horsham Hall (V1) is closed for good" in r["reason"]
    by_key = {(c["meeting_id"], int(c["occurrence"])): c for c in changes(out)}
    assert set(by_key) == {("M", 1), ("M", 3), ("R", 1)}
    assert [by_key[k]["change"] for k in sorted(by_key)] == ["moved", "moved", "cancelled"]
    assert by_key[("R", 1)]["old_venue"] == "V1" and by_key[("R", 1)]["new_date"] == ""
    assert "closed for good" in by_key[("R", 1)]["reason"]

    # Updated invites only for what moved: same UID, SEQUENCE one higher, at the new time.
    assert sorted(p.name for p in (out / "invites").iterdir()) == ["M-1.ics", "M-3.ics"]
    updates = organiser_updates(out)
    for n in (1, 3):
        method, ev = event(out / "invites" / f"M-{n}.ics")
        _, before = event(base / "invites" / f"M-{n}.ics")
        assert method == "REQUEST" and str(ev["UID"]) == str(before["UID"]) == old[("M", n)]["uid"]
        assert int(ev["SEQUENCE"]) == int(before["SEQUENCE"]) + 1 == 1
        assert ev.decoded("DTSTART").date().isoformat() == new[("M", n)]["date"]
        assert "Horsham Hall is closed for good" in str(ev["DESCRIPTION"])
        assert "(venue_open)" not in str(ev["DESCRIPTION"])
        mine = updates[old[("M", n)]["uid"]]
        assert int(mine["SEQUENCE"]) == 1 and "ATTENDEE" not in mine
        assert mine.decoded("DTSTART").date().isoformat() == new[("M", n)]["date"]
        [papers] = [e for e in updates.values() if str(e.get("RELATED-TO")) == old[("M", n)]["uid"]]
        assert int(papers["SEQUENCE"]) == 1 and str(papers["STATUS"]) == "CONFIRMED"
        assert papers.decoded("DTSTART").isoformat() == new[("M", n)]["papers_due"]
    # A cancellation for what can no longer happen, and for its papers.
    method, cancel = event(out / "cancellations" / "R-1.ics")
    assert (method, str(cancel["STATUS"]), int(cancel["SEQUENCE"])) == ("CANCEL", "CANCELLED", 1)
    assert str(cancel["UID"]) == old[("R", 1)]["uid"]
    assert cancel.decoded("DTSTART").date() == date(2027, 1, 19)
    assert "closed for good" in str(cancel["DESCRIPTION"])
    assert sorted(p.name for p in (out / "cancellations").iterdir()) == ["R-1.ics"]
    mine = updates[old[("R", 1)]["uid"]]
    assert (str(mine["STATUS"]), int(mine["SEQUENCE"])) == ("CANCELLED", 1)
    [papers] = [e for e in updates.values() if str(e.get("RELATED-TO")) == old[("R", 1)]["uid"]]
    assert (str(papers["STATUS"]), int(papers["SEQUENCE"])) == ("CANCELLED", 1)
    assert len(updates) == 6  # two moved meetings, one cancelled, and their papers entries
    # programme.ics holds every current meeting (three) and its papers-due entry.
    programme = icalendar.Calendar.from_ical((out / "programme.ics").read_bytes())
    uids = {str(e["UID"]): int(e["SEQUENCE"]) for e in programme.walk("VEVENT") if "RELATED-TO" not in e}
    assert uids == {old[k]["uid"]: int(new[k]["sequence"]) for k in [("M", 1), ("M", 2), ("M", 3)]}
    assert "Moved: 2; cancelled: 1; unchanged: 1" in output
    assert "What changes" in (out / "report.html").read_text(encoding="utf-8")
    checked = closed_data(data, tmp_path / "closed", {"V1": "2027-01-01..2199-12-31"})
    assert schedule_check(checked, out) == 0


def test_closing_from_a_date_moves_only_later_meetings(setup, tmp_path):
    data, base = setup
    out = tmp_path / "wi"
    code, output = run("--baseline", str(base), "--data", str(data), "--from", FROM,
                       "--close-venue", "V1@2027-02-01", "--out", str(out))
    assert code == 0, output
    unchanged_rows(base, out, [("M", 1), ("M", 2), ("R", 1)])  # M 1 and R are at V1 before the date
    new = rows(out / "proposals.csv")[("M", 3)]
    assert new["venue_id"] != "V1" and new["sequence"] == "1"
    assert [(c["meeting_id"], c["occurrence"], c["change"]) for c in changes(out)] == [("M", "3", "moved")]
    assert "closed from 2027-02-01" in changes(out)[0]["reason"]
    checked = closed_data(data, tmp_path / "closed", {"V1": "2027-02-01..2199-12-31"})
    assert schedule_check(checked, out) == 0

    # A what-if on a what-if: the moved meeting moves again, SEQUENCE one higher still.
    again = tmp_path / "wi2"
    venue = new["venue_id"]
    code, output = run("--baseline", str(out), "--data", str(data), "--from", FROM, "--close-venue",
                       "V1@2027-02-01", "--close-venue", f"{venue}@2027-03-01", "--out", str(again))
    assert code == 0, output
    twice = rows(again / "proposals.csv")
    assert twice[("M", 3)]["venue_id"] not in ("V1", venue) and twice[("M", 3)]["sequence"] == "2"
    assert twice[("M", 3)]["uid"] == new["uid"]
    assert int(event(again / "invites" / "M-3.ics")[1]["SEQUENCE"]) == 2
    unchanged_rows(out, again, [("M", 1), ("M", 2), ("R", 1)])


RESCUE_VENUES = [dict(v, open_from="10:00", open_until="14:00") for v in BASE_VENUES]
RESCUE_MEETINGS = [
    # A fits only 13 January 10:00-14:00, at either venue; K may only use V1, on the 13th or 14th.
    {"meeting_id": "A", "title": "Annual review", "attendees": "PR1", "duration_minutes": "240",
     "recurrence": "once", "window_start": "2027-01-13", "window_end": "2027-01-13", "papers_days": "0"},
    {"meeting_id": "K", "title": "Key workers", "attendees": "PR2", "duration_minutes": "240",
     "recurrence": "once", "window_start": "2027-01-13", "window_end": "2027-01-14", "papers_days": "0",
     "venues": "V1"},
]


def test_an_unaffected_meeting_moves_only_to_save_another_from_cancellation(tiny, tmp_path):
    data = tiny(venues=RESCUE_VENUES, people=PEOPLE, meetings=RESCUE_MEETINGS)
    base = tmp_path / "base"
    write_baseline(data, base, {("A", 1): ("2027-01-13", "10:00", "V2"), ("K", 1): ("2027-01-13", "10:00", "V1")})
    out = tmp_path / "wi"
    code, output = run("--baseline", str(base), "--data", str(data), "--from", FROM, "--close-venue", "V2",
                       "--out", str(out))
    assert code == 0, output
    new = rows(out / "proposals.csv")
    assert (new[("A", 1)]["date"], new[("A", 1)]["venue_id"]) == ("2027-01-13", "V1")
    assert (new[("K", 1)]["date"], new[("K", 1)]["venue_id"]) == ("2027-01-14", "V1")
    by_key = {c["meeting_id"]: c for c in changes(out)}
    assert by_key["A"]["reason"].startswith("Had to move: Crawley Centre (V2) is closed for good")
    assert "still possible" in by_key["K"]["reason"] and "make room for Annual review (A #1)" in by_key["K"]["reason"]
    assert "would otherwise have been cancelled" in by_key["K"]["reason"]
    assert "1 of the moved meetings could have stayed" in " ".join(output.split())
    # Without the closure nothing needs room, so K stays put.
    out2 = tmp_path / "wi2"
    code, _ = run("--baseline", str(base), "--data", str(data), "--from", FROM, "--out", str(out2))
    assert code == 0 and changes(out2) == []


def test_a_better_new_venue_reports_its_gain_and_replan_takes_it(tiny, tmp_path):
    crawley, horsham = BASE_VENUES[1], BASE_VENUES[0]
    meetings = [{"meeting_id": "B", "title": "Board", "attendees": "PC1;PR1", "duration_minutes": "120",
                 "recurrence": "once", "window_start": "2027-01-11", "window_end": "2027-01-22", "chair": "PR1"}]
    data = tiny(venues=[crawley], people=PEOPLE, meetings=meetings)
    base = tmp_path / "base"
    write_baseline(data, base, {("B", 1): ("2027-01-13", "10:00", "V2")})
    extra = tmp_path / "new_venues.csv"
    write_csv(extra, [horsham])

    out = tmp_path / "wi"
    code, output = run("--baseline", str(base), "--data", str(data), "--from", FROM, "--add-venues", str(extra),
                       "--out", str(out))
    assert code == 0, output
    assert changes(out) == []  # minimal change: nothing had to move
    text = " ".join(output.split())
    assert "What the new venue would gain" in text and "Horsham Hall (V1) for 0 meetings" in text, text
    assert "would hold 1 meeting there" in text and "save" in text and "minutes of family travel" in text

    out = tmp_path / "replan"
    code, output = run("--baseline", str(base), "--data", str(data), "--from", FROM, "--add-venues", str(extra),
                       "--replan", "--out", str(out))
    assert code == 0, output
    [change] = changes(out)
    assert (change["change"], change["old_venue"], change["new_venue"]) == ("moved", "V2", "V1")
    # write_table neutralises a leading '-' (as for a formula), so a negative number may carry a quote
    assert int(change["travel_change_minutes"].lstrip("'")) < 0
    assert "Free re-plan (--replan)" in " ".join(output.split())
    new = rows(out / "proposals.csv")[("B", 1)]
    assert new["sequence"] == "1"
    assert int(new["travel_total_minutes"]) < int(rows(base / "proposals.csv")[("B", 1)]["travel_total_minutes"])
    both = tmp_path / "both"
    shutil.copytree(data, both)
    write_csv(both / "venues.csv", [crawley, horsham])
    assert schedule_check(both, out) == 0


@pytest.mark.parametrize("args, expected", [
    (["--close-venue", "V9"], "'V9' is not a venue_id"),
    (["--close-venue", "V1@2027-02-30"], "'2027-02-30' is not a real date: February 2027 has no day 30"),
    (["--close-venue", "V1@next week"], "expected a date as YYYY-MM-DD"),
])
def test_bad_options_exit_2_and_write_nothing(setup, tmp_path, args, expected):
    data, base = setup
    out = tmp_path / "wi"
    out.mkdir()
    (out / "proposals.csv").write_text("keep me", encoding="utf-8")
    result = CliRunner().invoke(main, ["whatif", "--baseline", str(base), "--data", str(data), "--from", FROM,
                                       "--out", str(out), *args])
    assert result.exit_code == 2, result.output
    assert expected in " ".join(result.output.split()) and "Traceback" not in result.output
    assert sorted(p.name for p in out.iterdir()) == ["proposals.csv"]
    assert (out / "proposals.csv").read_text(encoding="utf-8") == "keep me"


def test_a_baseline_that_does_not_match_the_data_exits_2(setup, tmp_path):
    data, base = setup
    lines = (base / "proposals.csv").read_text(encoding="utf-8").splitlines()
    lines[2] = "Z" + lines[2][1:]  # row 3: meeting M becomes Z (its uid is still M's: not a dropped meeting)
    (base / "proposals.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")
    extra = tmp_path / "extra.csv"
    write_csv(extra, [dict(BASE_VENUES[0], capacity="lots")])
    out = tmp_path / "wi"
    result = CliRunner().invoke(main, ["whatif", "--baseline", str(base), "--data", str(data), "--from", FROM,
                                       "--add-venues", str(extra), "--out", str(out)])
    assert result.exit_code == 2, result.output
    said = " ".join(result.output.split())
    assert "extra.csv, row 2, column 'capacity'" in said
    assert "proposals.csv, row 3, column 'meeting_id': 'Z' is not a meeting_id in meetings.csv" in said
    assert not out.exists()
    result = CliRunner().invoke(main, ["whatif", "--baseline", str(tmp_path / "nowhere"), "--data", str(data),
                                       "--out", str(out)])
    assert result.exit_code == 2 and "is not a folder" in " ".join(result.output.split())
    assert not out.exists()


def test_an_added_venue_must_have_a_new_id(setup, tmp_path):
    data, base = setup
    extra = tmp_path / "extra.csv"
    write_csv(extra, [BASE_VENUES[1]])
    out = tmp_path / "wi"
    result = CliRunner().invoke(main, ["whatif", "--baseline", str(base), "--data", str(data), "--from", FROM,
                                       "--add-venues", str(extra), "--out", str(out)])
    assert result.exit_code == 2 and "'V2' is already a venue" in " ".join(result.output.split())
    assert not out.exists()


def test_a_replacement_venue_table_closes_what_it_leaves_out(setup, tmp_path):
    data, base = setup
    table = tmp_path / "venues_new.csv"
    write_csv(table, [BASE_VENUES[0], dict(V3, step_free="no")])  # V2 is gone
    out = tmp_path / "wi"
    code, output = run("--baseline", str(base), "--data", str(data), "--from", FROM, "--venues", str(table),
                       "--out", str(out))
    assert code == 0, output
    unchanged_rows(base, out, [("M", 1), ("M", 3), ("R", 1)])
    [change] = changes(out)
    assert (change["meeting_id"], change["occurrence"], change["old_venue"]) == ("M", "2", "V2")
    assert change["new_venue"] in ("V1", "V3") and "not in the new venue table" in change["reason"]


def test_the_moved_invite_updates_the_calendar_servers_copy_in_place(setup, tmp_path, client):  # noqa: F811
    data, base = setup
    out = tmp_path / "wi"
    code, output = run("--baseline", str(base), "--data", str(data), "--from", FROM, "--close-venue", "V1",
                       "--out", str(out))
    assert code == 1, output
    cal = client.principal().make_calendar(name="What-if", cal_id="whatif")
    moved = upload(client, cal, (base / "invites" / "M-3.ics").read_bytes())
    cancelled = upload(client, cal, (base / "invites" / "R-1.ics").read_bytes())
    uid_m, uid_r = (str(event(base / "invites" / name)[1]["UID"]) for name in ("M-3.ics", "R-1.ics"))
    moved.save(raw_data=(out / "invites" / "M-3.ics").read_bytes())
    cancelled.save(raw_data=(out / "cancellations" / "R-1.ics").read_bytes())
    stored = read_back(cal)
    assert set(stored) == {uid_m, uid_r}  # updated in place: no second copy of either
    new = rows(out / "proposals.csv")[("M", 3)]
    start = datetime.combine(date.fromisoformat(new["date"]), datetime.min.time(), LONDON) + timedelta(
        minutes=parse_hhmm(new["start"]))
    assert stored[uid_m].decoded("DTSTART") == start and int(stored[uid_m]["SEQUENCE"]) == 1
    assert "closed for good" in str(stored[uid_m]["DESCRIPTION"])
    assert str(stored[uid_r]["STATUS"]) == "CANCELLED" and int(stored[uid_r]["SEQUENCE"]) == 1


def test_meetings_before_from_never_change(setup, tmp_path):
    data, base = setup
    out = tmp_path / "wi"
    code, output = run("--baseline", str(base), "--data", str(data), "--from", "2027-02-01", "--close-venue", "V1",
                       "--out", str(out))
    assert code == 0, output
    # M 1 and R (January, at V1) are before --from: carried over as they are, and said so.
    unchanged_rows(base, out, [("M", 1), ("M", 2), ("R", 1)])
    assert [(c["meeting_id"], c["occurrence"]) for c in changes(out)] == [("M", "3")]
    text = " ".join(output.split())
    assert "at a venue closed on their date: M #1, R #1" in text
    assert rows(out / "proposals.csv")[("M", 3)]["venue_id"] != "V1"


def test_a_new_venue_places_a_meeting_that_had_no_venue(tiny, tmp_path):
    people = PEOPLE + [{"participant_id": "PC2", "name": "Sam Carer", "role": "parent_carer",
                        "email": "sam@example.org", "home_postcode": "RH12", "needs": "hoist_toilet"}]
    meetings = MEETINGS[:1] + [
        {"meeting_id": "H", "title": "Hoist users' group", "attendees": "PC2;PR2", "duration_minutes": "90",
         "recurrence": "once", "window_start": "2027-01-11", "window_end": "2027-01-22", "chair": "PR2"}]
    venues = [dict(v, hoist_toilet="no") for v in BASE_VENUES]
    data = tiny(venues=venues, people=people, meetings=meetings)
    base = tmp_path / "base"
    write_baseline(data, base, {("M", 1): SLOTS[("M", 1)], ("M", 2): SLOTS[("M", 2)], ("M", 3): SLOTS[("M", 3)],
                                ("H", 1): None})
    extra = tmp_path / "hub.csv"
    write_csv(extra, [dict(V3, venue_id="HUB", name="Changing Places Hub")])
    out = tmp_path / "wi"
    code, output = run("--baseline", str(base), "--data", str(data), "--from", FROM, "--add-venues", str(extra),
                       "--out", str(out))
    assert code == 0, output  # the baseline had a meeting not placed; now every meeting is
    unchanged_rows(base, out, [("M", 1), ("M", 2), ("M", 3)])
    h = rows(out / "proposals.csv")[("H", 1)]
    assert (h["status"], h["venue_id"], h["sequence"]) == ("scheduled", "HUB", "1")
    [change] = changes(out)
    assert (change["meeting_id"], change["change"], change["old_date"], change["new_venue"]) == (
        "H", "scheduled", "", "HUB")
    assert sorted(p.name for p in (out / "invites").iterdir()) == ["H-1.ics"]
    assert len(organiser_updates(out)) == 2  # the meeting and its papers-due entry
    method, ev = event(out / "invites" / "H-1.ics")
    assert (method, int(ev["SEQUENCE"]), str(ev["UID"])) == ("REQUEST", 1, h["uid"])
    assert "newly scheduled: 1" in output


def test_no_meeting_is_moved_to_save_one_that_fits_nowhere_on_its_own(setup, tmp_path, monkeypatch):
    """R may use only V1: once V1 closes it fits nowhere even alone, so the re-plan that moves kept
    meetings to save it is not run; running it anyway writes the same files."""
    search_module = importlib.import_module("scheduler.whatif.search")
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1767225600")
    data, base = setup
    asked = []
    real = search_module.could_be_saved

    def spy(*args):
        asked.append(real(*args))
        return asked[-1]
    monkeypatch.setattr(search_module, "could_be_saved", spy)
    args = ("--baseline", str(base), "--data", str(data), "--from", FROM, "--close-venue", "V1", "--out")
    code, _ = run(*args, str(tmp_path / "skipped"))
    assert code == 1 and asked == [False]
    monkeypatch.setattr(search_module, "could_be_saved", lambda *a: True)
    code, _ = run(*args, str(tmp_path / "tried"))
    assert code == 1
    files = sorted(p.relative_to(tmp_path / "tried") for p in (tmp_path / "tried").rglob("*") if p.is_file())
    assert files and files == sorted(p.relative_to(tmp_path / "skipped")
                                     for p in (tmp_path / "skipped").rglob("*") if p.is_file())
    for name in files:
        assert (tmp_path / "tried" / name).read_bytes() == (tmp_path / "skipped" / name).read_bytes(), name


def test_a_meeting_that_fits_alone_may_still_be_saved(tiny, tmp_path):
    data = tiny(venues=RESCUE_VENUES, people=PEOPLE, meetings=RESCUE_MEETINGS)
    search_module = importlib.import_module("scheduler.whatif.search")
    ds = load(data)
    window = api.planning_window(ds, date(2027, 1, 1), None)
    assert search_module.could_be_saved(ds, window, occurrences(ds, window), {("A", 1)})
