"""The organiser's rules (venue_rotation by place, county_spread, even_rhythm, closure_days,
one_meeting_a_day, notice): for each, a plan where it holds, a plan where it bites, and its
penalty on a tiny model with every occurrence fixed by hand, which the validator must agree with.
"""

from __future__ import annotations

import itertools
from datetime import date

import pytest
from conftest import BASE_VENUES, PLAN_FROM
from ortools.sat.python import cp_model

from scheduler import api
from scheduler.api import load
from scheduler.core.domain import DateRange
from scheduler.core.errors import DataError
from scheduler.engine.solve import build_context, scheduled_placement
from scheduler.engine.validate import check
from scheduler.explain.render import explain_plan, render_text
from scheduler.inputs.timeparse import parse_hhmm
from scheduler.world.calendar import occurrences

END = date(2027, 3, 31)
# Two more venues: V3 is 1 km from V1 (one town centre), V4 in Billingshurst, 10 and 20 km away.
NEAR_V1 = {**BASE_VENUES[0], "venue_id": "V3", "name": "Horsham Library", "latitude": "51.0618",
           "longitude": "-0.3243"}
FAR = {**BASE_VENUES[0], "venue_id": "V4", "name": "Billingshurst Hall", "latitude": "51.0240",
       "longitude": "-0.4500"}
VENUES = [*BASE_VENUES, NEAR_V1, FAR]
LOOSE = "[rules.notice]\nnotice_days = 0\n"  # for tests about other rules


def meeting(**kw):
    row = {"meeting_id": "M", "title": "Meeting", "attendees": "PC1;PR1", "duration_minutes": "120",
           "recurrence": "monthly", "window_start": "2027-01-18", "window_end": "2027-03-25", "papers_days": "0"}
    row.update(kw)
    return row


def plan(folder, start=PLAN_FROM, end=END):
    result = api.propose(folder, start, end, time_limit=20)
    findings = check(result.dataset, result.plan.placements, result.plan.planning)
    assert not [f for f in findings if f.hard], findings
    assert all(p.scheduled for p in result.plan.placements)
    return sorted(result.plan.placements, key=lambda p: (p.occurrence.meeting_id, p.occurrence.number))


def relaxed(placements, rule):
    return [(p.occurrence.meeting_id, p.occurrence.number) for p in placements if rule in p.rules_relaxed]


def fixed_penalty(folder, rule, slots, start=PLAN_FROM, end=END):
    """The rule's penalty count with every occurrence fixed to `slots` ((mid, n) -> (day, HH:MM,
    venue)), and the validator's count of occurrences relaxing it in the same plan."""
    ds = load(folder)
    planning = DateRange(start, end)
    ctx = build_context(ds, planning, occurrences(ds, planning))
    for c in ctx.choices:
        d, t, v = slots[c.key]
        ctx.model.Add(c.x_day[c.days.index(d)] == 1)
        ctx.model.Add(c.x_time[c.times.index(parse_hhmm(t))] == 1)
        ctx.model.Add(c.y[c.venues.index(v)] == 1)
    solver = cp_model.CpSolver()
    solver.parameters.max_time_in_seconds = 20
    assert solver.Solve(ctx.model) == cp_model.OPTIMAL
    model_count = sum(solver.Value(p.expr) for p in ctx.penalties if p.rule == rule)
    findings = check(ds, _placed(ctx, slots), planning)
    return model_count, sorted({(f.meeting_id, f.occurrence) for f in findings if f.rule == rule})


def _placed(ctx, slots):
    return [scheduled_placement(ctx, c, slots[c.key][0], parse_hhmm(slots[c.key][1]), slots[c.key][2])
            for c in ctx.choices]


# -- venue_rotation ---------------------------------------------------------------------------
def test_venue_rotation_holds_by_moving_to_another_place(tiny):
    folder = tiny(venues=VENUES, meetings=[meeting(venues="V1;V3;V2")], settings=LOOSE)
    ps = plan(folder)
    where = [p.venue_id for p in sorted(ps, key=lambda p: p.day)]
    assert len(where) == 3 and not relaxed(ps, "venue_rotation")
    assert all({a, b} != {"V1", "V3"} and a != b for a, b in itertools.pairwise(where))


def test_venue_rotation_bites_between_two_buildings_in_one_town(tiny):
    folder = tiny(venues=VENUES, meetings=[meeting(venues="V1;V3")], settings=LOOSE)
    ps = plan(folder)
    assert relaxed(ps, "venue_rotation") == [("M", 2), ("M", 3)]


def test_venue_rotation_near_km_is_a_setting(tiny):
    folder = tiny(venues=VENUES, meetings=[meeting(venues="V1;V3")],
                  settings=LOOSE + "[rules.venue_rotation]\nnear_km = 0.5\n")
    assert not relaxed(plan(folder), "venue_rotation")


def test_venue_rotation_penalty(tiny):
    folder = tiny(venues=VENUES, meetings=[meeting(venues="V1;V3;V2")], settings=LOOSE)
    slots = {("M", 1): (date(2027, 1, 19), "10:00", "V1"), ("M", 2): (date(2027, 2, 16), "10:00", "V3"),
             ("M", 3): (date(2027, 3, 16), "10:00", "V2")}
    assert fixed_penalty(folder, "venue_rotation", slots) == (1, [("M", 2)])


# -- county_spread ----------------------------------------------------------------------------
def four_monthly(**kw):
    return meeting(window_start="2027-01-04", window_end="2027-04-30", **kw)


def test_county_spread_holds_with_three_places(tiny):
    terms = [{"term": "Spring 1", "first_day": "2027-01-04", "last_day": "2027-04-30"}]
    ps = plan(tiny(venues=VENUES, meetings=[four_monthly()], terms=terms, settings=LOOSE), end=date(2027, 4, 30))
    assert len({p.venue_id for p in ps} - {"V3"}) == 3 and not relaxed(ps, "county_spread")


def test_county_spread_bites_when_the_third_place_breaks_a_heavier_rule(tiny):
    # V4 has no hoist toilet: a young person's meeting may use it only by relaxing
    # young_people_venue, heavier than county_spread.
    terms = [{"term": "Spring 1", "first_day": "2027-01-04", "last_day": "2027-04-30"}]
    venues = [*BASE_VENUES, NEAR_V1, {**FAR, "hoist_toilet": "no"}]
    folder = tiny(venues=venues, meetings=[four_monthly(attendees="YP1;PR1")], terms=terms, settings=LOOSE)
    ps = plan(folder, end=date(2027, 4, 30))
    assert "V4" not in {p.venue_id for p in ps}
    assert relaxed(ps, "county_spread") == [("M", 4)]
    result = api.propose(folder, PLAN_FROM, date(2027, 4, 30), time_limit=20)
    message = [f.message for f in check(result.dataset, result.plan.placements, result.plan.planning)
               if f.rule == "county_spread"]
    assert message and "V4 would break young_people_venue" in message[0] and "allow 3" in message[0]
    text = "\n".join(render_text(explain_plan(result.dataset, result.plan, "M")))
    assert "county_spread: the series meets in 2 places" in " ".join(text.split())


def test_county_spread_needs_four_meetings(tiny):
    slots = {("M", n): (d, "10:00", "V1" if n % 2 else "V2")
             for n, d in ((1, date(2027, 1, 19)), (2, date(2027, 2, 16)), (3, date(2027, 3, 16)))}
    assert fixed_penalty(tiny(venues=VENUES, meetings=[meeting()], settings=LOOSE), "county_spread", slots) == (0, [])


def test_county_spread_penalty(tiny):
    terms = [{"term": "Spring 1", "first_day": "2027-01-04", "last_day": "2027-04-30"}]
    folder = tiny(venues=VENUES, meetings=[four_monthly()], terms=terms, settings=LOOSE)
    days = [date(2027, 1, 19), date(2027, 2, 16), date(2027, 3, 16), date(2027, 4, 13)]
    two = {("M", n + 1): (d, "10:00", v) for n, (d, v) in enumerate(zip(days, ["V1", "V2", "V3", "V2"], strict=True))}
    three = {("M", n + 1): (d, "10:00", v) for n, (d, v) in enumerate(zip(days, ["V1", "V2", "V4", "V3"], strict=True))}
    end = date(2027, 4, 30)
    assert fixed_penalty(folder, "county_spread", two, end=end) == (1, [("M", 4)])
    assert fixed_penalty(folder, "county_spread", three, end=end) == (0, [])


# -- even_rhythm ------------------------------------------------------------------------------
def test_even_rhythm_holds(tiny):
    ps = plan(tiny(meetings=[meeting()], settings=LOOSE))
    days = sorted(p.day for p in ps)
    assert all((b - a).days >= 15 for a, b in itertools.pairwise(days)) and not relaxed(ps, "even_rhythm")


def test_even_rhythm_bites_when_two_periods_are_squeezed(tiny):
    # January's and February's meetings both fall between 25 January and 5 February.
    folder = tiny(meetings=[meeting(window_start="2027-01-25", window_end="2027-02-05", min_gap_days="7")],
                  settings=LOOSE)
    ps = plan(folder)
    assert relaxed(ps, "even_rhythm") == [("M", 2)]


def test_even_rhythm_penalty(tiny):
    folder = tiny(meetings=[meeting(min_gap_days="7")], settings=LOOSE)
    slots = {("M", 1): (date(2027, 1, 29), "10:00", "V1"), ("M", 2): (date(2027, 2, 8), "10:00", "V2"),
             ("M", 3): (date(2027, 3, 16), "10:00", "V1")}
    assert fixed_penalty(folder, "even_rhythm", slots) == (1, [("M", 2)])


# -- closure_days -----------------------------------------------------------------------------
def yp_meeting(start, end, **kw):
    return meeting(attendees="YP1;PR1", recurrence="once", window_start=start, window_end=end,
                   duration_minutes="90", **kw)


def test_closure_days_holds_over_christmas(tiny):
    ps = plan(tiny(meetings=[yp_meeting("2026-12-28", "2027-01-03")]), start=date(2026, 12, 1))
    assert ps[0].day in (date(2027, 1, 2), date(2027, 1, 3)) and not ps[0].rules_relaxed


def test_closure_days_holds_on_a_bank_holiday_weekend(tiny):
    ps = plan(tiny(meetings=[yp_meeting("2027-03-26", "2027-03-29")]))  # Good Friday to Easter Monday
    assert ps[0].day in (date(2027, 3, 27), date(2027, 3, 28)) and not ps[0].rules_relaxed


def test_closure_days_bites_inside_the_closure(tiny):
    ps = plan(tiny(meetings=[yp_meeting("2026-12-28", "2026-12-31")]), start=date(2026, 12, 1))
    assert ps[0].rules_relaxed == ("closure_days",)
    assert "closure" in ps[0].reason.lower()


def test_closure_window_is_a_setting(tiny):
    folder = tiny(meetings=[yp_meeting("2026-12-28", "2027-01-03")], settings='[windows]\nclosure = "12-20..01-03"\n')
    ps = plan(folder, start=date(2026, 12, 1))
    assert ps[0].rules_relaxed == ("closure_days",)


def test_closure_days_penalty(tiny):
    folder = tiny(meetings=[yp_meeting("2026-12-28", "2027-01-03")])
    slots = {("M", 1): (date(2027, 1, 1), "10:00", "V1")}
    assert fixed_penalty(folder, "closure_days", slots, start=date(2026, 12, 1)) == (1, [("M", 1)])


# -- one_meeting_a_day ------------------------------------------------------------------------
def two(attendees, first="2027-01-18", last="2027-01-22"):
    return [meeting(meeting_id=mid, recurrence="once", attendees=attendees, window_start=first, window_end=last)
            for mid in ("A", "B")]


def test_one_meeting_a_day_holds(tiny):
    ps = plan(tiny(meetings=two("PC1;PR1"), settings=LOOSE))
    assert ps[0].day != ps[1].day and not relaxed(ps, "one_meeting_a_day")


def test_one_meeting_a_day_bites_when_both_must_be_that_day(tiny):
    ps = plan(tiny(meetings=two("PC1;PR1", "2027-01-18", "2027-01-18"), settings=LOOSE))
    assert relaxed(ps, "one_meeting_a_day") == [("A", 1), ("B", 1)]


def test_one_meeting_a_day_leaves_professionals_alone(tiny):
    ps = plan(tiny(meetings=two("PR1", "2027-01-18", "2027-01-18"), settings=LOOSE))
    assert not relaxed(ps, "one_meeting_a_day")


def test_one_meeting_a_day_counts_optional_family_members(tiny):
    rows = two("PR1", "2027-01-18", "2027-01-18")
    for row in rows:
        row["optional_attendees"] = "YP1"
        row["duration_minutes"] = "60"
    ps = plan(tiny(meetings=rows, settings=LOOSE))
    assert relaxed(ps, "one_meeting_a_day") == [("A", 1), ("B", 1)]


def test_one_meeting_a_day_penalty(tiny):
    folder = tiny(meetings=two("PC1;PR1"), settings=LOOSE)
    same = {("A", 1): (date(2027, 1, 19), "10:00", "V1"), ("B", 1): (date(2027, 1, 19), "12:00", "V1")}
    apart = {("A", 1): (date(2027, 1, 19), "10:00", "V1"), ("B", 1): (date(2027, 1, 20), "10:00", "V1")}
    assert fixed_penalty(folder, "one_meeting_a_day", same) == (2, [("A", 1), ("B", 1)])
    assert fixed_penalty(folder, "one_meeting_a_day", apart) == (0, [])


# -- notice -----------------------------------------------------------------------------------
def test_notice_holds(tiny):
    ps = plan(tiny(meetings=[meeting(recurrence="once", window_start="2027-01-04", window_end="2027-01-29")]))
    assert ps[0].day >= date(2027, 1, 15) and not ps[0].rules_relaxed


def test_notice_bites_and_says_why(tiny):
    ps = plan(tiny(meetings=[meeting(recurrence="once", window_start="2027-01-04", window_end="2027-01-08")]))
    assert ps[0].rules_relaxed == ("notice",)
    assert "planning starts" in ps[0].reason.lower()


def test_notice_days_is_a_setting(tiny):
    folder = tiny(meetings=[meeting(recurrence="once", window_start="2027-01-04", window_end="2027-01-08")],
                  settings="[rules.notice]\nnotice_days = 3\n")
    ps = plan(folder)
    assert ps[0].day >= date(2027, 1, 4) and not ps[0].rules_relaxed


def test_notice_penalty(tiny):
    folder = tiny(meetings=[meeting(recurrence="once", window_start="2027-01-04", window_end="2027-01-29")])
    slots = {("M", 1): (date(2027, 1, 5), "10:00", "V1")}
    assert fixed_penalty(folder, "notice", slots) == (1, [("M", 1)])


# -- short planning windows (issue: planning from 1 December) -----------------------------------
AUTUMN = [{"term": "Autumn 2", "first_day": "2026-11-02", "last_day": "2026-12-18"},
          {"term": "Spring 1", "first_day": "2027-01-04", "last_day": "2027-02-12"},
          {"term": "Spring 2", "first_day": "2027-02-22", "last_day": "2027-03-25"}]


def test_planning_from_1_december_still_meets_in_the_autumn_term(tiny):
    folder = tiny(terms=AUTUMN, meetings=[meeting(recurrence="termly", window_start="", window_end="", papers_days="7")])
    ps = plan(folder, start=date(2026, 12, 1))
    assert ps[0].occurrence.period_label.startswith("Autumn")
    assert date(2026, 12, 15) <= ps[0].day <= date(2026, 12, 18) and not ps[0].rules_relaxed
    assert (ps[1].day - ps[0].day).days >= 42 and not ps[1].rules_relaxed


def test_planning_too_late_in_the_term_says_so(tiny):
    folder = tiny(terms=AUTUMN, meetings=[meeting(recurrence="termly", window_start="", window_end="")])
    ps = plan(folder, start=date(2026, 12, 10))
    assert ps[0].scheduled and ps[0].rules_relaxed == ("notice",)
    assert "before 14 days' notice can be given" in ps[0].reason
    result = api.propose(folder, date(2026, 12, 10), END, time_limit=20)
    text = " ".join("\n".join(render_text(explain_plan(result.dataset, result.plan, "M"))).split())
    assert "keeps notice: Invitations need 14 days' notice: planning starts on 10 December 2026" in text


@pytest.mark.parametrize("text", ['"12-24"', '"13-01..01-01"', "5"])
def test_closure_setting_must_be_a_window(tiny, text):
    with pytest.raises(DataError, match="closure"):
        load(tiny(settings=f"[windows]\nclosure = {text}\n"))


def test_rule_settings_are_checked(tiny):
    with pytest.raises(DataError, match="min_places"):
        load(tiny(settings="[rules.county_spread]\nmin_places = 0\n"))
    with pytest.raises(DataError, match="near_km"):
        load(tiny(settings="[rules.notice]\nnear_km = 2\n"))

