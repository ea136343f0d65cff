"""Each rule on its own, on a tiny hand-built model: fix the occurrences to a placement, then
assert that the model is feasible or not and what the rule's share of the objective is, and that
the independent validator agrees (it breaks the rule exactly when the model says so).

Only the rule under test is built (its filter and its constraints), so a test fails because of
that rule and no other.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import pytest
from conftest import BASE_MEETINGS, BASE_PEOPLE, BASE_VENUES, make_data
from ortools.sat.python import cp_model

# The organiser's rules have their model tests (penalty on a tiny model with every occurrence
# fixed, agreeing with the validator) beside their holds/bites tests:
from scheduler.api import load
from scheduler.core.domain import DateRange, Placement
from scheduler.engine.solve import scheduled_placement
from scheduler.engine.validate import check
from scheduler.model.context import ModelContext, Options, build
from scheduler.rules import RULE
from scheduler.world.calendar import occurrences

MON, TUE, SAT = date(2027, 1, 11), date(2027, 1, 12), date(2027, 1, 16)
H = 60


@dataclass
class Result:
    feasible: bool
    penalty: int  # the rule's weighted share of the objective
    breaks: bool  # the validator finds the rule broken


def meeting(**kw):
    row = dict(BASE_MEETINGS[0], attendees="PC1;PR1", window_start="2027-01-04", window_end="2027-03-25")
    row.update(kw)
    return row


def with_changes(rows, key, **changes):
    return [dict(r, **changes.get(r[key], {})) for r in rows]


def run(tmp_path, rule: str, fixed: dict[tuple[str, int], tuple[date, int, str]], *, meetings=None, venues=None,
        people=None, strict=False, plan_from=date(2027, 1, 1)) -> Result:
    """Build only `rule` over the tiny data, fix the placements, solve, and check the same plan."""
    folder = make_data(tmp_path / "data", venues=venues, people=people, meetings=meetings or [meeting()])
    ds = load(folder)
    planning = DateRange(plan_from, date(2027, 3, 31))
    ctx = ModelContext(ds, planning, occurrences(ds, planning), Options(strict=strict))
    r = RULE[rule]
    build(ctx, [(r.name, r.constrain)], [r.filter])
    for c in ctx.choices:
        if c.key in fixed:
            c.fix(ctx.model, *fixed[c.key])
        else:
            ctx.model.Add(c.placed == 0)
    mine = [p for p in ctx.penalties if p.rule == rule]
    ctx.model.Minimize(sum(p.weight * p.expr for p in mine))
    solver = cp_model.CpSolver()
    solver.parameters.num_workers = 1
    status = solver.Solve(ctx.model)
    feasible = status in (cp_model.OPTIMAL, cp_model.FEASIBLE)
    penalty = round(solver.ObjectiveValue()) if feasible else 0
    rows = [scheduled_placement(ctx, c, *fixed[c.key]) if c.key in fixed else Placement(c.occ, "unscheduled")
            for c in ctx.choices]
    findings = check(ds, rows, planning, strict=strict)
    return Result(feasible, penalty, any(f.rule == rule for f in findings))


def holds(res: Result) -> None:
    assert res.feasible and res.penalty == 0 and not res.breaks, res


def bites_hard(res: Result) -> None:
    assert not res.feasible and res.breaks, res


def bites_soft(res: Result, weight: int) -> None:
    assert res.feasible and res.penalty == weight and res.breaks, res


ONE = ("B", 1)


def test_parent_term_time(tmp_path):
    holds(run(tmp_path / "a", "parent_term_time", {ONE: (MON, 10 * H, "V1")}))
    bites_soft(run(tmp_path / "b", "parent_term_time", {ONE: (SAT, 10 * H, "V1")}), 100_000)
    bites_hard(run(tmp_path / "c", "parent_term_time", {ONE: (SAT, 10 * H, "V1")}, strict=True))


def test_parent_core_hours(tmp_path):
    holds(run(tmp_path / "a", "parent_core_hours", {ONE: (MON, 12 * H, "V1")}))  # 12:00-14:00
    bites_soft(run(tmp_path / "b", "parent_core_hours", {ONE: (MON, 12 * H + 15, "V1")}), 100_000)
    bites_hard(run(tmp_path / "c", "parent_core_hours", {ONE: (MON, 9 * H + 45, "V1")}, strict=True))


def test_young_people_hours(tmp_path):
    youth = [meeting(attendees="YP1;PR1", duration_minutes="90")]
    slow = with_changes(BASE_PEOPLE, "participant_id", YP1={"education_ends": "16:15"})
    holds(run(tmp_path / "a", "young_people_hours", {ONE: (MON, 16 * H, "V1")}, meetings=youth))
    holds(run(tmp_path / "b", "young_people_hours", {ONE: (SAT, 10 * H, "V1")}, meetings=youth))
    # after school starts at the latest education_ends plus 30 minutes
    bites_soft(run(tmp_path / "c", "young_people_hours", {ONE: (MON, 16 * H, "V1")}, meetings=youth, people=slow),
               100_000)
    bites_soft(run(tmp_path / "d", "young_people_hours", {ONE: (SAT, 15 * H, "V1")}, meetings=youth), 100_000)
    bites_hard(run(tmp_path / "e", "young_people_hours", {ONE: (MON, 10 * H, "V1")}, meetings=youth, strict=True))


def test_venue_access(tmp_path):
    people = with_changes(BASE_PEOPLE, "participant_id", PC1={"needs": "hearing_loop"})
    venues = with_changes(BASE_VENUES, "venue_id", V2={"hearing_loop": ""})  # unknown never meets a need
    holds(run(tmp_path / "a", "venue_access", {ONE: (MON, 10 * H, "V1")}, people=people, venues=venues))
    bites_hard(run(tmp_path / "b", "venue_access", {ONE: (MON, 10 * H, "V2")}, people=people, venues=venues))


def test_young_people_venue(tmp_path):
    youth = [meeting(attendees="YP1;PR1")]
    venues = with_changes(BASE_VENUES, "venue_id", V2={"hoist_toilet": "no"})
    holds(run(tmp_path / "a", "young_people_venue", {ONE: (SAT, 10 * H, "V1")}, meetings=youth, venues=venues))
    bites_soft(run(tmp_path / "b", "young_people_venue", {ONE: (SAT, 10 * H, "V2")}, meetings=youth, venues=venues),
               100_000)


def test_venue_capacity(tmp_path):
    venues = with_changes(BASE_VENUES, "venue_id", V2={"capacity": "1"})
    holds(run(tmp_path / "a", "venue_capacity", {ONE: (MON, 10 * H, "V1")}, venues=venues))
    bites_hard(run(tmp_path / "b", "venue_capacity", {ONE: (MON, 10 * H, "V2")}, venues=venues))


def test_venue_open(tmp_path):
    venues = with_changes(BASE_VENUES, "venue_id", V2={"open_days": "Mon-Fri", "open_from": "11:00",
                                                        "closed_dates": "2027-01-12"})
    holds(run(tmp_path / "a", "venue_open", {ONE: (MON, 11 * H, "V2")}, venues=venues))
    bites_hard(run(tmp_path / "b", "venue_open", {ONE: (SAT, 11 * H, "V2")}, venues=venues))  # closed weekday
    bites_hard(run(tmp_path / "c", "venue_open", {ONE: (TUE, 11 * H, "V2")}, venues=venues))  # closed date
    bites_hard(run(tmp_path / "d", "venue_open", {ONE: (MON, 10 * H, "V2")}, venues=venues))  # not yet open


TWO = [meeting(), meeting(meeting_id="C", title="Other", attendees="YP1")]


def test_venue_clash(tmp_path):
    holds(run(tmp_path / "a", "venue_clash", {ONE: (MON, 10 * H, "V1"), ("C", 1): (MON, 10 * H, "V2")}, meetings=TWO))
    holds(run(tmp_path / "b", "venue_clash", {ONE: (MON, 10 * H, "V1"), ("C", 1): (MON, 12 * H, "V1")}, meetings=TWO))
    bites_hard(run(tmp_path / "c", "venue_clash", {ONE: (MON, 10 * H, "V1"), ("C", 1): (MON, 11 * H, "V1")},
                   meetings=TWO))


SHARED = [meeting(), meeting(meeting_id="C", title="Other", attendees="PR1;YP1")]


def test_attendee_clash(tmp_path):
    holds(run(tmp_path / "a", "attendee_clash", {ONE: (MON, 10 * H, "V1"), ("C", 1): (MON, 12 * H, "V1")},
              meetings=SHARED))
    # PR1 cannot be in both at once, nor get from Horsham to Crawley in no time
    bites_hard(run(tmp_path / "b", "attendee_clash", {ONE: (MON, 10 * H, "V1"), ("C", 1): (MON, 11 * H, "V2")},
                   meetings=SHARED))
    bites_hard(run(tmp_path / "c", "attendee_clash", {ONE: (MON, 10 * H, "V1"), ("C", 1): (MON, 12 * H, "V2")},
                   meetings=SHARED))
    holds(run(tmp_path / "d", "attendee_clash", {ONE: (MON, 10 * H, "V1"), ("C", 1): (MON, 13 * H, "V2")},
              meetings=SHARED))


def test_attendee_unavailable(tmp_path):
    busy = with_changes(BASE_PEOPLE, "participant_id", PR1={"unavailable": "2027-01-11"},
                        YP1={"unavailable": "Tuesday"})
    optional = [meeting(optional_attendees="YP1")]
    holds(run(tmp_path / "a", "attendee_unavailable", {ONE: (TUE, 10 * H, "V1")}, people=busy))
    bites_hard(run(tmp_path / "b", "attendee_unavailable", {ONE: (MON, 10 * H, "V1")}, people=busy))
    # an optional attendee who cannot come costs the rule's weight, and is never a hard break
    res = run(tmp_path / "c", "attendee_unavailable", {ONE: (TUE, 10 * H, "V1")}, people=busy, meetings=optional)
    bites_soft(res, 10_000)


def test_travel_limit(tmp_path):
    near = with_changes(BASE_PEOPLE, "participant_id", PC1={"max_travel_minutes": "20"},
                        YP1={"max_travel_minutes": "20"})
    holds(run(tmp_path / "a", "travel_limit", {ONE: (MON, 10 * H, "V1")}, people=near))  # PC1 lives in RH12
    bites_hard(run(tmp_path / "b", "travel_limit", {ONE: (MON, 10 * H, "V2")}, people=near))
    optional = [meeting(attendees="PR1", optional_attendees="YP1")]  # YP1 (RH13) to Crawley
    bites_soft(run(tmp_path / "c", "travel_limit", {ONE: (MON, 10 * H, "V2")}, people=near, meetings=optional),
               10_000)


def test_travel_time_is_total_plus_the_largest_yearly_total(tmp_path):
    from scheduler.world.travel import Travel

    folder = make_data(tmp_path / "probe")
    ds = load(folder)
    travel = Travel(ds)
    minutes = {v: {p: travel.person_to_venue(ds.participants[p], ds.venues[v]) for p in ("PC1", "YP1")}
               for v in ("V1", "V2")}
    both = [meeting(attendees="PC1;YP1;PR1", recurrence="monthly")]
    fixed = {ONE: (MON, 10 * H, "V1"), ("B", 2): (date(2027, 2, 8), 10 * H, "V2")}
    res = run(tmp_path / "a", "travel_time", fixed, meetings=both)
    totals = {p: minutes["V1"][p] + minutes["V2"][p] for p in ("PC1", "YP1")}
    assert res.feasible and not res.breaks  # an objective, never a broken rule
    assert res.penalty == sum(totals.values()) + max(totals.values())


MONTHLY = [meeting(recurrence="monthly")]
JAN, FEB, MAR = date(2027, 1, 11), date(2027, 2, 8), date(2027, 3, 8)


def test_venue_rotation(tmp_path):
    holds(run(tmp_path / "a", "venue_rotation", {ONE: (JAN, 10 * H, "V1"), ("B", 2): (FEB, 10 * H, "V2")},
              meetings=MONTHLY))
    bites_soft(run(tmp_path / "b", "venue_rotation", {ONE: (JAN, 10 * H, "V1"), ("B", 2): (FEB, 10 * H, "V1")},
                   meetings=MONTHLY), 2_000)
    # consecutive *scheduled* occurrences: with February left unplaced, January and March pair up
    bites_soft(run(tmp_path / "c", "venue_rotation", {ONE: (JAN, 10 * H, "V1"), ("B", 3): (MAR, 10 * H, "V1")},
                   meetings=MONTHLY), 2_000)


def test_papers_ahead(tmp_path):
    papers = [meeting(papers_days="7")]
    holds(run(tmp_path / "a", "papers_ahead", {ONE: (MON, 10 * H, "V1")}, meetings=papers))
    # papers for 5 January would be due on 29 December, before planning starts on 1 January
    bites_hard(run(tmp_path / "b", "papers_ahead", {ONE: (date(2027, 1, 5), 10 * H, "V1")}, meetings=papers))


def test_series_spacing(tmp_path):
    holds(run(tmp_path / "a", "series_spacing", {ONE: (JAN, 10 * H, "V1"), ("B", 2): (FEB, 10 * H, "V1")},
              meetings=MONTHLY))
    bites_hard(run(tmp_path / "b", "series_spacing",
                   {ONE: (date(2027, 1, 28), 10 * H, "V1"), ("B", 2): (date(2027, 2, 1), 10 * H, "V1")},
                   meetings=MONTHLY))


@pytest.mark.parametrize("rule", sorted(RULE))
def test_every_rule_has_a_test_here(rule):
    assert f"test_{rule}" in "".join(globals()), f"no model test for {rule}"


# The organiser's rules keep their model tests (penalty on a tiny model with every occurrence
# fixed, agreeing with the validator) beside their holds/bites tests; named here as well.
from test_organiser_rules import test_closure_days_penalty as test_closure_days  # noqa: E402,F401
from test_organiser_rules import test_county_spread_penalty as test_county_spread  # noqa: E402,F401
from test_organiser_rules import test_even_rhythm_penalty as test_even_rhythm  # noqa: E402,F401
from test_organiser_rules import test_notice_penalty as test_notice  # noqa: E402,F401
from test_organiser_rules import test_one_meeting_a_day_penalty as test_one_meeting_a_day  # noqa: E402,F401
