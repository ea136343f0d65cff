"""schedule explain and the reason column: the rules named are the real, minimal blockers, and
every way out offered really places the meeting when applied."""

from __future__ import annotations

import copy
import csv
import json
import tomllib
from datetime import date

import pytest
from click.testing import CliRunner
from conftest import BASE_PEOPLE, BASE_VENUES, PLAN_FROM

from scheduler.api import load, planning_window
from scheduler.api import plan as solve_plan
from scheduler.cli import main
from scheduler.core.domain import Placement
from scheduler.engine.validate import check
from scheduler.explain import Explainer, explain_plan
from scheduler.model.context import Options
from scheduler.rules import RULE_NAMES, TIME_RULES
from scheduler.world.calendar import occurrences
from scheduler.world.travel import Travel

LIMIT = 5.0


def people(**changes: dict) -> list[dict]:
    """The base people with some columns changed: people(PC1={"needs": "hearing_loop"})."""
    out = copy.deepcopy(BASE_PEOPLE)
    for row in out:
        row.update(changes.get(row["participant_id"], {}))
    return out


def venues(**changes: dict) -> list[dict]:
    out = copy.deepcopy(BASE_VENUES)
    for row in out:
        row.update(changes.get(row["venue_id"], {}))
    return out


def meeting(mid: str, attendees: str, **extra) -> dict:
    row = {"meeting_id": mid, "title": f"Meeting {mid}", "attendees": attendees, "duration_minutes": "120",
           "recurrence": "once", "window_start": "2027-01-11", "window_end": "2027-01-22", "papers_days": "7"}
    row.update(extra)
    return row


def one_day(mid: str, who: str) -> dict:
    """A six-hour meeting on Tuesday 12 January: with venues open 09:00-15:00, one possible start."""
    return meeting(mid, who, duration_minutes="360", window_start="2027-01-12", window_end="2027-01-12",
                   papers_days="0")


PROS = [*BASE_PEOPLE, {"participant_id": "PR2", "name": "Pro Two", "role": "professional",
                       "email": "pr2@example.org", "home_postcode": "RH10", "groups": ""}]
SHORT_DAY = [{**v, "open_from": "09:00", "open_until": "15:00"} for v in BASE_VENUES]

# name -> (data, --strict, --from, target occurrence or None for "the one not placed",
#          the rules that block it, how many other occurrences it collides with)
CASES = {
    # hard rules
    "venue_access": (dict(people=people(PC1={"needs": "hearing_loop"}),
                          venues=venues(V1={"hearing_loop": "no"}, V2={"hearing_loop": ""})),
                     False, PLAN_FROM, ("B", 1), ["venue_access"], 0),
    "venue_capacity": (dict(venues=venues(V1={"capacity": "1"}, V2={"capacity": "1"})),
                       False, PLAN_FROM, ("B", 1), ["venue_capacity"], 0),
    "venue_open": (dict(venues=venues(V1={"open_days": "Sat;Sun"}, V2={"open_days": "Sat;Sun"}),
                        meetings=[meeting("B", "group:board", window_end="2027-01-15")]),
                   False, PLAN_FROM, ("B", 1), ["venue_open"], 0),
    "attendee_unavailable": (dict(people=people(PC1={"unavailable": "2027-01-01..2027-01-31"},
                                                PR1={"unavailable": "Fri"})),
                             False, PLAN_FROM, ("B", 1), ["attendee_unavailable"], 0),
    "travel_limit": (dict(people=people(PC1={"max_travel_minutes": "1"})),
                     False, PLAN_FROM, ("B", 1), ["travel_limit"], 0),
    "papers_ahead": (dict(meetings=[meeting("B", "group:board", window_end="2027-01-15")]),
                     False, date(2027, 1, 11), ("B", 1), ["papers_ahead"], 0),
    "venue_clash": (dict(people=PROS, venues=SHORT_DAY[:1], meetings=[one_day("A", "PR1"), one_day("B", "PR2")]),
                    False, PLAN_FROM, None, ["venue_clash"], 1),
    "attendee_clash": (dict(venues=SHORT_DAY, meetings=[one_day("A", "PR1"), one_day("B", "PR1")]),
                       False, PLAN_FROM, None, ["attendee_clash"], 1),
    "series_spacing": (dict(meetings=[meeting("S", "PR1", recurrence="monthly", window_start="2027-01-25",
                                              window_end="2027-02-05", min_gap_days="20", papers_days="0")]),
                       False, PLAN_FROM, None, ["series_spacing"], 1),
    # soft rules, made hard by --strict or settings.toml
    "parent_term_time": (dict(meetings=[meeting("B", "group:board", window_start="2027-02-13",
                                                window_end="2027-02-21")]),
                         True, PLAN_FROM, ("B", 1), ["parent_term_time"], 0),
    "parent_core_hours": (dict(meetings=[meeting("B", "group:board", duration_minutes="300")]),
                          True, PLAN_FROM, ("B", 1), ["parent_core_hours"], 0),
    "young_people_hours": (dict(meetings=[meeting("Y", "group:youth", duration_minutes="300",
                                                  window_end="2027-01-15")]),
                           True, PLAN_FROM, ("Y", 1), ["young_people_hours"], 0),
    "young_people_venue": (dict(venues=venues(V1={"hoist_toilet": "no"}, V2={"hoist_toilet": ""}),
                                meetings=[meeting("Y", "group:youth")],
                                settings='[rules.young_people_venue]\nstrength = "hard"\n'),
                           False, PLAN_FROM, ("Y", 1), ["young_people_venue"], 0),
    "venue_rotation": (dict(meetings=[meeting("S", "PR1", recurrence="monthly", window_start="2027-01-11",
                                              window_end="2027-02-26", venues="V1", papers_days="0")],
                            settings='[rules.venue_rotation]\nstrength = "hard"\n'),
                       False, PLAN_FROM, None, ["venue_rotation"], 1),
    # pairs: each rule harmless alone
    "access_and_travel": (dict(people=people(PC1={"needs": "hoist_toilet", "max_travel_minutes": "30"}),
                               venues=venues(V1={"hoist_toilet": "no"}),
                               travel=[{"from": "PC1", "to": "V1", "minutes": "10"},
                                       {"from": "PC1", "to": "V2", "minutes": "50"}]),
                          False, PLAN_FROM, ("B", 1), ["venue_access", "travel_limit"], 0),
    "open_and_unavailable": (dict(people=people(PC1={"unavailable": "Mon;Tue;Wed"}),
                                  venues=venues(V1={"open_days": "Mon-Wed"}, V2={"open_days": "Mon-Wed;Sat"}),
                                  meetings=[meeting("B", "group:board", window_end="2027-01-15")]),
                             False, PLAN_FROM, ("B", 1), ["venue_open", "attendee_unavailable"], 0),
    "hoist_far_and_closed_saturdays": (
        dict(people=people(YP1={"needs": "hoist_toilet", "max_travel_minutes": "30"}),
             venues=venues(V1={"open_days": "Mon-Fri"}, V2={"hoist_toilet": "no"}),
             meetings=[meeting("Y", "group:youth", window_start="2027-02-13", window_end="2027-02-14")],
             travel=[{"from": "YP1", "to": "V1", "minutes": "20"}, {"from": "YP1", "to": "V2", "minutes": "20"}]),
        False, PLAN_FROM, ("Y", 1), ["venue_access", "venue_open"], 0),
    # the programme as a whole: each meeting fits alone, not both (PC1 is free one day only)
    "two_series": (dict(people=people(PC1={"unavailable": "2027-01-01..2027-01-11;2027-01-13..2027-01-31"}),
                        meetings=[meeting("A", "PC1;PR1", duration_minutes="150"),
                                  meeting("B", "PC1", duration_minutes="150")]),
                   True, PLAN_FROM, None, ["parent_core_hours", "attendee_clash", "attendee_unavailable"], 1),
}


def _plan(folder, start, strict, options=None, occs=None):
    ds = load(folder)
    window = planning_window(ds, start, None)
    plan = solve_plan(ds, window, strict=strict, time_limit=LIMIT, options=options, occs=occs)
    return ds, window, plan


def _key(p) -> tuple[str, int]:
    return (p.occurrence.meeting_id, p.occurrence.number)


def _find(plan, key) -> Placement:
    [p] = [p for p in plan.placements if _key(p) == key]
    return p


def _unplaced(plan, target) -> Placement:
    unplaced = [p for p in plan.placements if not p.scheduled]
    if target is None:
        assert len(unplaced) == 1, [_key(p) for p in unplaced]
        return unplaced[0]
    p = _find(plan, target)
    assert not p.scheduled
    return p


def _settings_text(base: str | None, rules: dict[str, dict]) -> str:
    doc = tomllib.loads(base or "")
    doc.setdefault("rules", {})
    for name, conf in rules.items():
        doc["rules"].setdefault(name, {}).update(conf)
    out = []
    for name, conf in doc["rules"].items():
        out.append(f"[rules.{name}]")
        out += [f'{k} = "{v}"' if isinstance(v, str) else f"{k} = {v}" for k, v in conf.items()]
    return "\n".join(out) + "\n"


@pytest.fixture(scope="module")
def explained(tmp_path_factory):
    """Each case planned and explained once; the tests below read the results."""
    from conftest import make_data

    cache = {}

    def get(name):
        if name not in cache:
            data, strict, start, target, _rules, _others = CASES[name]
            folder = make_data(tmp_path_factory.mktemp(name) / "data", **data)
            ds, window, plan = _plan(folder, start, strict)
            p = _unplaced(plan, target)
            report = explain_plan(ds, plan, p.occurrence.meeting_id, strict=strict)
            [o] = [o for o in report["occurrences"] if (o["meeting_id"], o["occurrence"]) == _key(p)]
            cache[name] = (folder, ds, plan, p, o)
        return cache[name]

    return get


@pytest.mark.parametrize("name", list(CASES))
def test_explanation_names_exactly_the_blocking_rules(explained, name):
    _data, _strict, _start, _target, rules, others = CASES[name]
    folder, ds, plan, p, o = explained(name)
    b = o["blocking"]
    assert sorted(b["rules"], key=RULE_NAMES.index) == sorted(rules, key=RULE_NAMES.index), b
    assert len(b["others"]) == others, b
    assert b["kind"] == ("together" if others else "alone")
    for r in rules:
        assert r in b["text"], b["text"]
        assert r in o["reason"]
    for other in b["others"]:
        assert f"({other['meeting_id']} #{other['occurrence']})" in b["text"]
    assert b["facts"] and all(f["text"] for f in b["facts"])
    # The reason column carries the same short form, and names nobody.
    assert p.reason == o["reason"]
    for pid in ds.participants:
        assert pid not in p.reason


@pytest.mark.parametrize("name", list(CASES))
def test_explanation_is_minimal(explained, name):
    """Switching off any one rule of the explanation lets the whole programme be placed."""
    folder, ds, plan, p, o = explained(name)
    _data, strict, start, *_ = CASES[name]
    for rule in o["blocking"]["rules"]:
        _, _, after = _plan(folder, start, strict, Options(rule_strength={rule: "off"}))
        assert not after.unscheduled, (rule, [q.reason for q in after.unscheduled])


@pytest.mark.parametrize("name", list(CASES))
def test_every_way_out_works_when_applied(explained, name):
    folder, ds, plan, p, o = explained(name)
    data, strict, start, *_ = CASES[name]
    key = _key(p)
    ways = o["ways_out"]
    # one way per rule of the explanation, and one per other occurrence it collides with
    assert {w["rule"] for w in ways if w["rule"]} == set(o["blocking"]["rules"])
    assert len([w for w in ways if w["without"]]) == len(o["blocking"]["others"])
    assert any(w["works"] for w in ways)
    for way in ways:
        if not way["works"]:
            continue
        assert way["placement"] is not None and way["text"]
        if way["apply"] is not None:  # as the organiser would: settings.toml, maybe without --strict
            (folder / "settings.toml").write_text(_settings_text(data.get("settings"), way["apply"]["settings_rules"]),
                                                  encoding="utf-8")
            try:
                _, _, after = _plan(folder, start, way["apply"]["strict"])
            finally:
                (folder / "settings.toml").write_text(data.get("settings") or "", encoding="utf-8")
        elif way["rule"] is not None:
            _, _, after = _plan(folder, start, strict, Options(rule_strength={way["rule"]: way["change"]}))
        else:
            gone = (way["without"]["meeting_id"], way["without"]["occurrence"])
            occs = [x for x in occurrences(ds, plan.planning) if (x.meeting_id, x.number) != gone]
            _, _, after = _plan(folder, start, strict, occs=occs)
        assert _find(after, key).scheduled, way
        if way["rule"]:
            assert way["rule"] in way["breaks"]


def test_programme_conflict_names_both_series(explained):
    folder, ds, plan, p, o = explained("two_series")
    [other] = o["blocking"]["others"]
    assert {other["meeting_id"], p.occurrence.meeting_id} == {"A", "B"}
    assert "can be placed on its own" in o["blocking"]["text"]
    assert f"not together with {other['meeting_id']} #1" in p.reason
    # Each fits alone: the explanation is about the pair.
    for mid in ("A", "B"):
        occs = [x for x in occurrences(ds, plan.planning) if x.meeting_id == mid]
        _, _, alone = _plan(folder, PLAN_FROM, True, occs=occs)
        assert not alone.unscheduled
    # Under --strict the time rule's way out is to drop --strict and keep the other time rules hard.
    [core] = [w for w in o["ways_out"] if w["rule"] == "parent_core_hours"]
    assert core["apply"]["strict"] is False and "--strict" in core["how"]
    assert {r for r, c in core["apply"]["settings_rules"].items() if c["strength"] == "hard"} == \
        set(TIME_RULES) - {"parent_core_hours"}


def test_fact_sentences_carry_the_numbers(explained):
    _, _, _, _, o = explained("access_and_travel")
    text = o["blocking"]["text"]
    assert "PC1 needs hoist toilet" in text and "1 of the 2 venues confirms it (V2)" in text
    assert "PC1 can travel at most 30 minutes" in text and "V1 (10 min)" in text
    _, _, _, _, o = explained("hoist_far_and_closed_saturdays")
    text = o["blocking"]["text"]
    assert "YP1 needs hoist toilet" in text and "open Mondays, Tuesdays, Wednesdays, Thursdays and Fridays" in text
    _, _, _, _, o = explained("attendee_unavailable")
    text = o["blocking"]["text"]
    assert "PC1 (required) cannot come from Fri 1 Jan 2027 to Sun 31 Jan 2027" in text
    assert "rules out 12 of the 12 days" in text
    assert "PR1" not in text  # unavailable on Fridays too, but PC1 alone rules out every day


def test_an_occurrence_left_out_by_the_time_limit_is_said_so(tiny):
    folder = tiny()
    ds, window, plan = _plan(folder, PLAN_FROM, False)
    [p] = plan.placements
    pretend = [Placement(p.occurrence, "unscheduled")]
    ex = Explainer(ds, window, pretend)
    result = ex.explain_unplaced(_key(p))
    assert result["kind"] == "solver" and result["rules"] == []
    assert "longer --time-limit" in result["short"]
    [way] = result["ways_out"]
    assert way["works"] and way["breaks"] == []
    assert (way["placement"]["date"], way["placement"]["venue_id"]) == (p.day.isoformat(), p.venue_id)


# -- placed occurrences ----------------------------------------------------------------------------
@pytest.fixture(scope="module")
def mixed(tmp_path_factory):
    """A parent carer and a young person together: some time rule must give way."""
    from conftest import make_data

    folder = make_data(tmp_path_factory.mktemp("mixed") / "data",
                       meetings=[meeting("M", "PC1;YP1;PR1")])
    ds, window, plan = _plan(folder, PLAN_FROM, False)
    report = explain_plan(ds, plan, "M")
    return folder, ds, window, plan, report


def test_placed_occurrence_says_what_it_keeps_and_why_it_relaxes(mixed):
    folder, ds, window, plan, report = mixed
    [p] = plan.placements
    [o] = report["occurrences"]
    assert p.scheduled and p.rules_relaxed
    assert o["rules_relaxed"] == list(p.rules_relaxed)
    assert set(o["rules_kept"]) & set(o["rules_relaxed"]) == set()
    assert "travel_time" not in o["rules_kept"] and "venue_access" in o["rules_kept"]
    why = o["why_relaxed"]
    assert why["unavoidable"] and set(p.rules_relaxed) <= set(why["rules"]) <= set(TIME_RULES)
    # No placement keeps them all; dropping any one of them, the rest can all be kept.
    _, _, all_hard = _plan(folder, PLAN_FROM, False, Options(rule_strength={r: "hard" for r in why["rules"]}))
    assert all_hard.unscheduled
    for r in why["rules"]:
        rest = {x: "hard" for x in why["rules"] if x != r}
        _, _, kept = _plan(folder, PLAN_FROM, False, Options(rule_strength=rest))
        assert not kept.unscheduled, r
    # The reason column has a one-line why, without anyone's id.
    assert p.reason and all(r in p.reason for r in p.rules_relaxed)
    assert not any(pid in p.reason for pid in ds.participants)


def test_family_travel_in_aggregate(mixed):
    _, ds, _, plan, report = mixed
    [p] = plan.placements
    [o] = report["occurrences"]
    travel = Travel(ds)
    minutes = {pid: travel.person_to_venue(ds.participants[pid], ds.venues[p.venue_id]) for pid in ("PC1", "YP1")}
    assert o["travel"]["total_minutes"] == sum(minutes.values()) == p.travel_total
    assert o["travel"]["worst_minutes"] == max(minutes.values()) == p.travel_max
    assert o["travel"]["furthest"] == sorted(k for k, v in minutes.items() if v == max(minutes.values()))


def test_alternatives_are_real_and_costed(mixed):
    folder, ds, window, plan, report = mixed
    [p] = plan.placements
    [o] = report["occurrences"]
    alts = {a["kind"]: a for a in o["alternatives"]}
    assert set(alts) == {"venue", "day"} and all(a["found"] for a in alts.values())
    assert alts["venue"]["placement"]["venue_id"] != p.venue_id
    assert alts["day"]["placement"]["date"] != p.day.isoformat()
    travel = Travel(ds)
    for alt in alts.values():
        pl = alt["placement"]
        slot = (date.fromisoformat(pl["date"]), int(pl["start"][:2]) * 60 + int(pl["start"][3:]), pl["venue_id"])
        _, _, there = _plan(folder, PLAN_FROM, False, Options(lock={("M", 1): slot}))
        [q] = there.placements
        assert q.scheduled and not [f for f in check(ds, there.placements, window) if f.hard]
        assert list(q.rules_relaxed) == alt["rules_relaxed"]
        here = sum(travel.person_to_venue(ds.participants[x], ds.venues[p.venue_id]) for x in ("PC1", "YP1"))
        gone = sum(travel.person_to_venue(ds.participants[x], ds.venues[slot[2]]) for x in ("PC1", "YP1"))
        assert alt["extra_travel_minutes"] == gone - here
        assert alt["extra_cost"] >= 0  # the plan's choice is the best
        assert alt["text"].startswith("Next-best")


# -- the command -----------------------------------------------------------------------------------
def _run(*args):
    return CliRunner().invoke(main, ["explain", *args, "--from", "2027-01-01", "--time-limit", str(LIMIT)])


def test_cli_exit_0_when_all_placed(tiny):
    folder = tiny()
    result = _run("--data", str(folder))
    assert result.exit_code == 0, result.output
    assert "Placed, no compromise: 1" in result.output and "nothing needs explaining" in result.output
    result = _run("B", "--data", str(folder))
    assert result.exit_code == 0, result.output
    assert "Next-best venue" in result.output and "Family travel" in result.output


def test_cli_exit_1_and_json(tiny):
    data = CASES["access_and_travel"][0]
    folder = tiny(**data)
    result = _run("--data", str(folder), "--json")
    assert result.exit_code == 1, result.output
    report = json.loads(result.output)
    assert result.output.strip() == json.dumps(report, sort_keys=True, indent=2, ensure_ascii=False)
    assert report["summary"] == {"occurrences": 1, "scheduled": 0, "unscheduled": 1, "relaxed": 0,
                                 "no_compromise": 0}
    [o] = report["occurrences"]
    assert o["status"] == "unscheduled" and o["blocking"]["rules"] == ["venue_access", "travel_limit"]
    assert {w["rule"] for w in o["ways_out"]} == {"venue_access", "travel_limit"}
    again = _run("--data", str(folder), "--json")
    assert again.output == result.output
    text = _run("B", "--data", str(folder))
    assert text.exit_code == 1 and "NOT PLACED" in text.output and "Nearest ways out" in text.output


def test_cli_exit_2_for_unknown_meeting_or_bad_data(tiny, tmp_path):
    folder = tiny()
    result = _run("NOPE", "--data", str(folder))
    assert result.exit_code == 2
    assert "no meeting 'NOPE'" in result.output and "B" in result.output
    assert "Traceback" not in result.output
    missing = _run("--data", str(tmp_path / "nowhere"))
    assert missing.exit_code == 2 and "Traceback" not in missing.output
    assert sorted(p.name for p in folder.iterdir()) == ["meetings.csv", "participants.csv", "term_dates.csv",
                                                        "venues.csv"]


def test_propose_writes_the_reason_column(tiny, tmp_path):
    folder = tiny(**CASES["venue_capacity"][0])
    out = tmp_path / "out"
    result = CliRunner().invoke(main, ["propose", "--data", str(folder), "--out", str(out), "--from", "2027-01-01",
                                       "--time-limit", str(LIMIT)])
    assert result.exit_code == 1, result.output
    with open(out / "proposals.csv", encoding="utf-8") as fh:
        [row] = list(csv.DictReader(fh))
    assert row["status"] == "unscheduled"
    assert row["reason"].startswith("Not placed: venue_capacity rules out every day, time and venue")
    assert "none of the 2 venues holds the 2 invited" in row["reason"]


def test_no_plan_found_says_so_instead_of_explaining(tiny):
    from scheduler.core.domain import Plan
    from scheduler.explain import render_text

    folder = tiny()
    ds, window, plan = _plan(folder, PLAN_FROM, False)
    stopped = Plan([Placement(p.occurrence, "unscheduled") for p in plan.placements], window,
                   solver_status="UNKNOWN", stopped_by_time_limit=True)
    report = explain_plan(ds, stopped)
    assert report["occurrences"] == [] and "longer --time-limit" in report["note"]
    assert render_text(report)[-1] == report["note"]
    assert explain_plan(ds, plan)["note"] is None
