"""`schedule explain --plan`: the plan in hand is explained as it is, with per-person ways out first."""

from __future__ import annotations

import json
import shutil

from click.testing import CliRunner
from conftest import BASE_VENUES, write_csv
from test_whatif import FROM, MEETINGS, PEOPLE, SLOTS, V3, write_baseline

from scheduler.cli import main


def explain(*args: str):
    result = CliRunner().invoke(main, ["explain", *args, "--from", FROM, "--time-limit", "10"])
    return result.exit_code, result.output


def test_the_plan_in_hand_is_explained_as_it_is(tiny, tmp_path):
    data = tiny(venues=BASE_VENUES + [V3], people=PEOPLE, meetings=MEETINGS)
    plan = tmp_path / "plan"
    slots = dict(SLOTS) | {("M", 2): ("2027-02-23", "15:45", "V3")}  # not where a new plan would put it
    write_baseline(data, plan, slots)
    code, output = explain("M", "--data", str(data), "--plan", str(plan), "--json")
    assert code == 0, output
    report = json.loads(output)
    assert report["source"]["kind"] == "in_hand" and report["solver"]["status"] == "IN_HAND"
    placed = {o["occurrence"]: o["placement"] for o in report["occurrences"]}
    assert (placed[2]["date"], placed[2]["start"], placed[2]["venue_id"]) == ("2027-02-23", "15:45", "V3")
    assert (placed[1]["date"], placed[1]["venue_id"]) == ("2027-01-13", "V1")
    code, text = explain("M", "--data", str(data), "--plan", str(plan))
    squashed = "".join(text.split())  # the terminal wraps long lines anywhere
    assert squashed.startswith("".join(f"Explaining the plan in {plan}/proposals.csv as it is".split()))
    assert "asintheplaninhand" in squashed and "Tue23Feb2027,15:45-16:45" in squashed


def test_without_a_plan_of_this_data_it_plans_first_and_says_so(tiny, tmp_path):
    data = tiny(venues=BASE_VENUES + [V3], people=PEOPLE, meetings=MEETINGS)
    code, output = explain("--data", str(data), "--plan", str(tmp_path / "none"))
    assert code == 0, output
    said = " ".join(output.split())
    assert "No plan of this data to explain (there is no proposals.csv in" in said
    assert "so a new plan was made first; nothing is written" in said
    plan = tmp_path / "plan"
    write_baseline(data, plan, SLOTS)
    other = tmp_path / "other"
    shutil.copytree(data, other)
    write_csv(other / "meetings.csv", [dict(MEETINGS[0], title="Renamed board"), MEETINGS[1]])
    code, output = explain("--data", str(other), "--plan", str(plan))
    said = " ".join(output.split())
    assert "was made from other data" in said and "the title is 'Monthly board'" in said
    assert not (tmp_path / "none").exists()


def test_a_blocked_series_is_grouped_and_its_ways_out_are_per_person_first(tiny, tmp_path):
    people = [dict(p) for p in PEOPLE]
    people[1]["max_travel_minutes"] = "5"  # PR1 (M) lives in RH10, far from every venue but V2
    venues = [BASE_VENUES[0]]  # Horsham only: V2 and V3 (Crawley, near PR1) are gone
    data = tiny(venues=venues, people=people, meetings=MEETINGS)
    plan = tmp_path / "plan"
    write_baseline(data, plan, {("M", 1): None, ("M", 2): None, ("M", 3): None,
                                ("R", 1): ("2027-01-19", "10:00", "V1")})
    code, output = explain("--data", str(data), "--plan", str(plan), "--json")
    assert code == 1, output
    report = json.loads(output)
    [group] = [o for o in report["occurrences"] if o["meeting_id"] == "M"]
    assert group["occurrences"] == [1, 2, 3] and group["blocking"]["rules"] == ["travel_limit"]
    kinds = [w["kind"] for w in group["ways_out"]]
    assert kinds[:2] == ["travel_limit", "optional"] and kinds[-1] == "setting"
    raise_it = group["ways_out"][0]
    # the exact number: PR1's journey to the nearer venue that the meeting may use
    from scheduler.api import load
    from scheduler.world.travel import Travel
    ds = load(data)
    travel = Travel(ds)
    nearest = min(travel.person_to_venue(ds.participants["PR1"], v) for v in ds.venues.values())
    assert raise_it["text"].startswith(f"Raise PR1's travel limit from 5 to {nearest} minutes: it could then go on")
    assert raise_it["placement"]["venue_id"] in ("V1", "V3")
    code, text = explain("--data", str(data), "--plan", str(plan))
    said = " ".join(text.split())
    assert "Monthly board (M), 3 meetings: #1, #2, #3" in said
    assert said.count("NOT PLACED") == 1
    assert said.index("Raise PR1's travel limit") < said.index("Make PR1 optional") < said.index(
        "If travel_limit were a preference")
