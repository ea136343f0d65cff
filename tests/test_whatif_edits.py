# ruff: noqa: F811  (the setup fixture is imported from test_whatif)
"""`schedule whatif` after lost days and edits of the data, and the baseline it never changes."""

from __future__ import annotations

import csv
import os
import shutil
from pathlib import Path

import icalendar
from click.testing import CliRunner
from conftest import BASE_VENUES, write_csv
from test_caldav import client, radicale, read_back, upload  # noqa: F401  (fixtures)
from test_whatif import (  # noqa: F401  (setup is a fixture)
    FROM,
    MEETINGS,
    PEOPLE,
    SLOTS,
    V3,
    changes,
    organiser_updates,
    rows,
    run,
    setup,
    write_baseline,
)

from scheduler.cli import main


def snapshot(folder: Path) -> dict[str, tuple[bytes, int, int]]:
    """Every file under a folder: its bytes, inode and modification time."""
    out = {}
    for path in sorted(folder.rglob("*")):
        st = path.stat()
        out[str(path.relative_to(folder))] = (path.read_bytes() if path.is_file() else b"", st.st_ino, st.st_mtime_ns)
    return out


def test_out_equal_to_or_inside_the_baseline_is_refused_and_changes_nothing(setup, tmp_path):
    data, base = setup
    before = snapshot(base)
    for out in (base, base / ".", base / "inside", tmp_path / "base" / "invites" / ".."):
        result = CliRunner().invoke(main, ["whatif", "--baseline", str(base), "--data", str(data), "--from", FROM,
                                           "--close-venue", "V1", "--out", str(out), "--time-limit", "5"])
        said = " ".join(result.output.split())
        assert result.exit_code == 2, said
        assert "the baseline is the record of what was sent and is never changed" in said
        assert "Give another --out folder" in said
    assert snapshot(base) == before
    assert not (base / "inside").exists()
    # a folder above the baseline whose invites/ would be replaced is refused too
    nested = tmp_path / "runs" / "invites"
    shutil.copytree(base, nested)
    result = CliRunner().invoke(main, ["whatif", "--baseline", str(nested), "--data", str(data), "--from", FROM,
                                       "--out", str(tmp_path / "runs")])
    assert result.exit_code == 2 and "would replace the baseline folder" in " ".join(result.output.split())


def test_the_default_out_is_a_new_folder_named_after_the_baseline_and_the_change(setup, tmp_path):
    data, base = setup
    before = snapshot(base)
    cwd = os.getcwd()
    os.chdir(tmp_path)
    try:
        code, output = run("--baseline", "base", "--data", str(data), "--from", FROM, "--close-venue", "V1")
        code2, output2 = run("--baseline", "base", "--data", str(data), "--from", FROM, "--close-venue", "V1")
    finally:
        os.chdir(cwd)
    assert code == code2 == 1, output
    first, second = tmp_path / "base-whatif-close-V1-data-data", tmp_path / "base-whatif-close-V1-data-data-2"
    assert (first / "changes.csv").is_file() and (second / "changes.csv").is_file()  # never overwritten
    assert snapshot(base) == before


def test_a_lost_day_moves_only_the_meetings_on_it(setup, tmp_path):
    data, base = setup
    out = tmp_path / "wi"
    code, output = run("--baseline", str(base), "--data", str(data), "--from", FROM, "--close-date", "2027-02-10",
                       "--close-date", "2027-03-01..2027-03-02", "--out", str(out))
    assert code == 0, output
    old, new = rows(base / "proposals.csv"), rows(out / "proposals.csv")
    [change] = changes(out)
    assert (change["meeting_id"], change["occurrence"], change["change"]) == ("M", "2", "moved")
    assert "no meeting can take place on Wednesday 10 February 2027" in change["reason"]
    assert new[("M", 2)]["date"] != "2027-02-10" and new[("M", 2)]["sequence"] == "1"
    for k in [("M", 1), ("M", 3), ("R", 1)]:
        assert new[k] == old[k]
    assert "no meeting can take place from 2027-03-01 to 2027-03-02" in " ".join(output.split())


def test_a_bad_close_date_is_a_usage_error(setup, tmp_path):
    data, base = setup
    out = tmp_path / "wi"
    code, output = run("--baseline", str(base), "--data", str(data), "--close-date", "2027-02-30", "--out", str(out))
    assert code == 2 and "--close-date" in output and not out.exists()


def edited(data: Path, folder: Path, people=None, meetings=None) -> Path:
    shutil.copytree(data, folder)
    if people is not None:
        write_csv(folder / "participants.csv", people)
    if meetings is not None:
        write_csv(folder / "meetings.csv", meetings)
    return folder


def test_a_meeting_added_and_one_dropped(setup, tmp_path):
    data, base = setup
    new_meeting = {"meeting_id": "N", "title": "New group", "attendees": "PR2", "duration_minutes": "60",
                   "recurrence": "once", "window_start": "2027-02-01", "window_end": "2027-02-26", "chair": "PR2"}
    folder = edited(data, tmp_path / "edited", meetings=[MEETINGS[0], new_meeting])  # R dropped, N added
    out = tmp_path / "wi"
    code, output = run("--baseline", str(base), "--data", str(folder), "--from", FROM, "--out", str(out))
    assert code == 0, output
    old, new = rows(base / "proposals.csv"), rows(out / "proposals.csv")
    for k in [("M", 1), ("M", 2), ("M", 3)]:
        assert new[k] == old[k]
    assert ("R", 1) not in new
    n = new[("N", 1)]
    assert n["status"] == "scheduled" and n["sequence"] == "0" and n["uid"] not in {r["uid"] for r in old.values()}
    by = {(c["meeting_id"], c["occurrence"]): c for c in changes(out)}
    assert by[("N", "1")]["change"] == "added" and by[("R", "1")]["change"] == "cancelled"
    assert "R is no longer in meetings.csv" in by[("R", "1")]["reason"]
    assert sorted(p.name for p in (out / "invites").iterdir()) == ["N-1.ics"]
    # R's cancellation is the invite that was sent, cancelled: same UID and attendees, SEQUENCE + 1
    sent = icalendar.Calendar.from_ical((base / "invites" / "R-1.ics").read_bytes()).walk("VEVENT")[0]
    cal = icalendar.Calendar.from_ical((out / "cancellations" / "R-1.ics").read_bytes())
    [cancel] = cal.walk("VEVENT")
    assert str(cal["METHOD"]) == "CANCEL" and str(cancel["STATUS"]) == "CANCELLED"
    assert str(cancel["UID"]) == str(sent["UID"]) and int(cancel["SEQUENCE"]) == int(sent["SEQUENCE"]) + 1
    assert [str(a) for a in [cancel["ATTENDEE"]]] == [str(a) for a in [sent["ATTENDEE"]]]
    updates = organiser_updates(out)
    assert str(updates[old[("R", 1)]["uid"]]["STATUS"]) == "CANCELLED"
    assert updates[n["uid"]].decoded("DTSTART").date().isoformat() == n["date"]
    assert "added: 1" in " ".join(output.split())


def test_a_person_who_now_needs_a_hoist_toilet_moves_only_their_meetings_at_venues_without_one(setup, tmp_path):
    data, base = setup
    people = [dict(p) for p in PEOPLE]
    people[1]["needs"] = "hoist_toilet"  # PR1 attends M (monthly), at V1 and V2

    with open(data / "venues.csv", encoding="utf-8", newline="") as fh:
        venues = list(csv.DictReader(fh))
    folder = edited(data, tmp_path / "edited", people=people)
    for v in venues:
        v["hoist_toilet"] = "yes" if v["venue_id"] in ("V1", "V3") else "no"
    write_csv(folder / "venues.csv", venues)
    out = tmp_path / "wi"
    code, output = run("--baseline", str(base), "--data", str(folder), "--from", FROM, "--out", str(out))
    assert code == 0, output
    old, new = rows(base / "proposals.csv"), rows(out / "proposals.csv")
    for k in [("M", 1), ("M", 3), ("R", 1)]:
        assert new[k] == old[k]
    assert new[("M", 2)]["venue_id"] in ("V1", "V3") and new[("M", 2)]["sequence"] == "1"
    [change] = changes(out)
    assert "no longer has every access feature the attendees need" in change["reason"]
    assert "hoist" not in (out / "invites" / "M-2.ics").read_text(encoding="utf-8").split("Access at")[0]


def test_people_joining_and_leaving_get_only_their_own_files_and_nothing_else_changes(setup, tmp_path):
    data, base = setup
    # PR1 leaves M; a young person (YP9) and a professional (PR3) join it; R is untouched
    people = PEOPLE + [
        {"participant_id": "YP9", "name": "Yas Young", "role": "young_person", "email": "yas@example.org",
         "home_postcode": "RH12"},
        {"participant_id": "PR3", "name": "Pro Three", "role": "professional", "email": "pro3@example.org",
         "home_postcode": "RH10"}]
    meetings = [dict(MEETINGS[0], attendees="PR3;YP9", chair="PR3"), MEETINGS[1]]
    folder = edited(data, tmp_path / "edited", people=people, meetings=meetings)
    out = tmp_path / "wi"
    code, output = run("--baseline", str(base), "--data", str(folder), "--from", FROM, "--out", str(out))
    assert code == 0, output
    old, new = rows(base / "proposals.csv"), rows(out / "proposals.csv")
    for k in old:
        assert {c: new[k][c] for c in ("date", "start", "venue_id", "uid", "sequence")} == {
            c: old[k][c] for c in ("date", "start", "venue_id", "uid", "sequence")}
    assert [c["change"] for c in changes(out)] == ["attendees"] * 3
    # the invites go to those who joined: everyone else's file (PR3) and YP9's own, same SEQUENCE
    assert sorted(p.name for p in (out / "invites").iterdir()) == sorted(
        f"M-{n}{suffix}.ics" for n in (1, 2, 3) for suffix in ("", "-YP9"))
    for n in (1, 2, 3):
        ev = icalendar.Calendar.from_ical((out / "invites" / f"M-{n}.ics").read_bytes()).walk("VEVENT")[0]
        assert [str(ev["ATTENDEE"])] == ["mailto:pro3@example.org"] and int(ev["SEQUENCE"]) == 0
        own = icalendar.Calendar.from_ical((out / "invites" / f"M-{n}-YP9.ics").read_bytes()).walk("VEVENT")[0]
        assert [str(own["ATTENDEE"])] == ["mailto:yas@example.org"]
        # PR1 left: a cancellation naming PR1 alone
        cal = icalendar.Calendar.from_ical((out / "cancellations" / f"M-{n}-left-1.ics").read_bytes())
        [gone] = cal.walk("VEVENT")
        assert str(cal["METHOD"]) == "CANCEL" and [str(gone["ATTENDEE"])] == ["mailto:pro1@example.org"]
        assert str(gone["UID"]) == old[("M", n)]["uid"]
    assert "same slot, attendees changed: 3" in " ".join(output.split())
    assert len(organiser_updates(out)) == 0  # the organiser's own entries did not change


def test_a_new_need_updates_the_calendar_servers_copy_in_place(setup, tmp_path, client):
    """The what-if on an edited participants file: the moved meeting's invite replaces the server's copy."""
    data, base = setup
    people = [dict(p) for p in PEOPLE]
    people[1]["needs"] = "hearing_loop"  # PR1 attends M; V2 (M #2) has no hearing loop now
    folder = edited(data, tmp_path / "edited", people=people)
    with open(folder / "venues.csv", encoding="utf-8", newline="") as fh:
        venues = list(csv.DictReader(fh))
    for v in venues:
        v["hearing_loop"] = "no" if v["venue_id"] == "V2" else "yes"
    write_csv(folder / "venues.csv", venues)
    cal = client.principal().make_calendar(name="Need", cal_id="need")
    for name in ("M-1.ics", "M-2.ics", "M-3.ics", "R-1.ics"):
        upload(client, cal, (base / "invites" / name).read_bytes())
    before = read_back(cal)
    out = tmp_path / "wi"
    code, output = run("--baseline", str(base), "--data", str(folder), "--from", FROM, "--out", str(out))
    assert code == 0, output
    assert sorted(p.name for p in (out / "invites").iterdir()) == ["M-2.ics"]
    old_uid = rows(base / "proposals.csv")[("M", 2)]["uid"]
    [stored_obj] = [o for o in cal.events() if str(icalendar.Calendar.from_ical(o.data).walk("VEVENT")[0]["UID"]) == old_uid]
    stored_obj.save(raw_data=(out / "invites" / "M-2.ics").read_bytes())
    after = read_back(cal)
    assert set(after) == set(before)  # updated in place: still four entries, same UIDs
    new = rows(out / "proposals.csv")[("M", 2)]
    uid = new["uid"]
    assert int(after[uid]["SEQUENCE"]) == 1 and after[uid].decoded("DTSTART").date().isoformat() == new["date"]
    assert new["venue_id"] != "V2" and "hearing" not in str(after[uid]["DESCRIPTION"]).split("Access at")[0]
    for other in set(before) - {uid}:
        assert after[other].to_ical() == before[other].to_ical()


def test_measured_travel_times_and_term_dates_move_only_what_they_rule_out(tiny, tmp_path):
    """travel_times.csv and term_dates.csv edits: a venue now too far, a half term that moved."""
    half = {"meeting_id": "H", "title": "Half-termly review", "attendees": "PR2", "duration_minutes": "60",
            "recurrence": "half-termly", "chair": "PR2", "venues": "V3"}
    data = tiny(venues=BASE_VENUES + [V3], people=PEOPLE, meetings=MEETINGS + [half])
    base = tmp_path / "base"
    slots = dict(SLOTS) | {("H", 1): ("2027-02-10", "11:00", "V3"), ("H", 2): ("2027-03-10", "11:00", "V3")}
    write_baseline(data, base, slots)
    folder = edited(data, tmp_path / "edited")
    # PR1 (M) now measures 80 minutes to V2; Spring 1 ends on 5 February, so H #1 (10 February) is out
    write_csv(folder / "travel_times.csv", [{"from": "PR1", "to": "V2", "minutes": "80"}], ["from", "to", "minutes"])
    with open(folder / "term_dates.csv", encoding="utf-8", newline="") as fh:
        terms = list(csv.DictReader(fh))
    terms[0]["last_day"] = "2027-02-05"
    write_csv(folder / "term_dates.csv", terms)
    out = tmp_path / "wi"
    code, output = run("--baseline", str(base), "--data", str(folder), "--from", FROM, "--out", str(out))
    assert code == 0, output
    old, new = rows(base / "proposals.csv"), rows(out / "proposals.csv")
    by = {(c["meeting_id"], c["occurrence"]): c for c in changes(out)}
    assert set(by) == {("M", "2"), ("H", "1")}, by
    assert "now too far for someone who attends (travel_limit)" in by[("M", "2")]["reason"]
    assert "the date no longer fits the series" in by[("H", "1")]["reason"]
    assert new[("H", 1)]["date"] <= "2027-02-05" and new[("M", 2)]["venue_id"] != "V2"
    for k in [("M", 1), ("M", 3), ("R", 1), ("H", 2)]:
        assert new[k] == old[k]


def test_a_lost_day_a_closed_venue_and_edited_data_together(setup, tmp_path):
    data, base = setup
    people = [dict(p) for p in PEOPLE]
    people[2]["unavailable"] = "2027-01-19"  # PR2 (R, only at V1) cannot come on R's day now
    folder = edited(data, tmp_path / "edited", people=people)
    out = tmp_path / "wi"
    code, output = run("--baseline", str(base), "--data", str(folder), "--from", FROM, "--close-venue", "V2",
                       "--close-date", "2027-01-13", "--out", str(out))
    assert code == 0, output
    old, new = rows(base / "proposals.csv"), rows(out / "proposals.csv")
    by = {(c["meeting_id"], c["occurrence"]): c["reason"] for c in changes(out)}
    assert set(by) == {("M", "1"), ("M", "2"), ("R", "1")}
    assert "no meeting can take place on Wednesday 13 January 2027" in by[("M", "1")]
    assert "Crawley Centre (V2) is closed for good" in by[("M", "2")]
    assert "someone who must attend cannot come that day" in by[("R", "1")]
    assert new[("M", 3)] == old[("M", 3)]
    assert new[("R", 1)]["date"] != "2027-01-19" and new[("M", 2)]["venue_id"] != "V2"
    said = " ".join(output.split())
    assert "Crawley Centre (V2) closes for good; no meeting can take place on 2027-01-13" in said


def test_a_house_move_and_a_new_group_member(tiny, tmp_path):
    """participants.csv edits: PC1 moves far from V2 (travel limit 20); PR3 joins the board's group."""
    people = [dict(p, groups="board") if p["participant_id"] == "PR1" else dict(p) for p in PEOPLE]
    people[0] = dict(people[0], home_postcode="RH10", max_travel_minutes="20")  # PC1, near V2 (Crawley)
    board = {"meeting_id": "B", "title": "Board", "attendees": "group:board;PC1", "duration_minutes": "60",
             "recurrence": "monthly", "window_start": "2027-01-01", "window_end": "2027-03-31", "chair": "PR1"}
    data = tiny(venues=BASE_VENUES + [V3], people=people, meetings=[board, MEETINGS[1]])
    base = tmp_path / "base"
    write_baseline(data, base, {("B", 1): ("2027-01-13", "10:00", "V2"), ("B", 2): ("2027-02-10", "10:00", "V3"),
                                ("B", 3): ("2027-03-10", "10:00", "V2"), ("R", 1): ("2027-01-19", "10:00", "V1")})
    moved = [dict(p) for p in people]
    moved[0]["home_postcode"] = "RH12"  # Horsham: V2 and V3 (Crawley) are now beyond 20 minutes
    moved.append({"participant_id": "PR3", "name": "Pro Three", "role": "professional",
                  "email": "pro3@example.org", "home_postcode": "RH10", "groups": "board"})
    folder = edited(data, tmp_path / "edited", people=moved)
    out = tmp_path / "wi"
    code, output = run("--baseline", str(base), "--data", str(folder), "--from", FROM, "--out", str(out))
    assert code == 0, output
    old, new = rows(base / "proposals.csv"), rows(out / "proposals.csv")
    by = {(c["meeting_id"], c["occurrence"]): c for c in changes(out)}
    assert {k: c["change"] for k, c in by.items()} == {("B", "1"): "moved", ("B", "2"): "moved", ("B", "3"): "moved"}
    for n in (1, 2, 3):
        assert new[("B", n)]["venue_id"] == "V1" and "too far" in by[("B", str(n))]["reason"]
        assert "PR3" in new[("B", n)]["attendees"].split(";")
        ev = icalendar.Calendar.from_ical((out / "invites" / f"B-{n}.ics").read_bytes()).walk("VEVENT")[0]
        assert "mailto:pro3@example.org" in [str(a) for a in ev["ATTENDEE"]]  # the newcomer is invited
    assert new[("R", 1)] == old[("R", 1)]
