"""improve.py: a plan bettered a few series at a time must stay whole, valid and truly priced."""

from __future__ import annotations

import time
from datetime import date

import pytest
from conftest import BASE_TERMS, PLAN_FROM, make_data
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st
from ortools.sat.python import cp_model
from test_properties import plan_and_check, programme

from scheduler import api
from scheduler.core.domain import DateRange, Placement
from scheduler.engine import improve as improve_module
from scheduler.engine import solve
from scheduler.engine.hint import add_hint, greedy_hint
from scheduler.engine.improve import improve, objective_value
from scheduler.engine.validate import check
from scheduler.model.context import Options

PLANNING = DateRange(PLAN_FROM, date(2027, 3, 31))


def whole_value(ds, planning, placements, strict: bool, lock=None) -> int:
    """The whole model's objective for a finished plan, found by fixing it and solving."""
    ctx = solve.build_context(ds, planning, options=Options(strict=strict, lock=dict(lock or {})))
    fixed = {(p.occurrence.meeting_id, p.occurrence.number): (p.day, p.start, p.venue_id)
             for p in placements if p.scheduled}
    values = add_hint(ctx, fixed, 0, 30)
    assert values is not None, "the plan fits the model it came from"
    return objective_value(ctx.model, values)


def solved_base(tmp_path):
    """The base instance's whole model, solved to optimality."""
    ds = api.load(make_data(tmp_path / "d"))
    ctx = solve.build_context(ds, PLANNING)
    solver = cp_model.CpSolver()
    solver.parameters.num_workers = 1
    assert solver.Solve(ctx.model) == cp_model.OPTIMAL
    return ctx, solver


def test_objective_value_agrees_with_cp_sat(tmp_path):
    ctx, solver = solved_base(tmp_path)
    values = list(solver.ResponseProto().solution)
    assert objective_value(ctx.model, values) == round(solver.ObjectiveValue())


def test_a_meeting_placed_far_from_its_families_is_moved_nearer(tmp_path):
    """The parent carer lives in Horsham (RH12): the board belongs at Horsham Hall (V1)."""
    ctx, solver = solved_base(tmp_path)
    optimum = round(solver.ObjectiveValue())
    far = {("B", 1): (date(2027, 1, 12), 11 * 60, "V2")}
    start = objective_value(ctx.model, add_hint(ctx, far))
    assert start > optimum

    plan, value, progress = improve(ctx, far, start, time.perf_counter() + 30, seed=0)

    assert plan[("B", 1)][2] == "V1"
    assert value == optimum
    assert progress.improved >= 1 and progress.gain == start - optimum


def test_a_plan_with_nothing_to_gain_is_left_as_it_is(tmp_path):
    ctx, solver = solved_base(tmp_path)
    c = ctx.choices[0]
    best = {c.key: (c.days[_on(solver, c.x_day)], c.times[_on(solver, c.x_time)], c.venues[_on(solver, c.y)])}
    value = round(solver.ObjectiveValue())

    plan, after, progress = improve(ctx, best, value, time.perf_counter() + 30, seed=0)

    assert (plan, after, progress.improved) == (best, value, 0)


def test_travel_elsewhere_in_the_plan_is_carried_into_each_small_model(tmp_path, one_series_at_a_time):
    """Moving A nearer its parent carer saves their journeys, but the family member who travels
    furthest all year is B's, in Worthing: the year's worst total does not change, and the
    value claimed for the improved plan must say so."""
    people = [
        {"participant_id": "PC1", "name": "Pat Carer", "role": "parent_carer", "home_postcode": "RH12"},
        {"participant_id": "PC2", "name": "Sam Carer", "role": "parent_carer", "home_postcode": "BN11"},
        {"participant_id": "PR1", "name": "Pro Fessional", "role": "professional", "home_postcode": "RH10"},
    ]
    meetings = [
        {"meeting_id": "A", "title": "A", "attendees": "PC1;PR1", "duration_minutes": "60", "recurrence": "once",
         "window_start": "2027-01-11", "window_end": "2027-01-15", "chair": "PR1"},
        {"meeting_id": "B", "title": "B", "attendees": "PC2;PR1", "duration_minutes": "60", "recurrence": "once",
         "window_start": "2027-03-01", "window_end": "2027-03-05", "chair": "PR1"},
    ]
    ds = api.load(make_data(tmp_path / "d", people=people, meetings=meetings))
    ctx = solve.build_context(ds, PLANNING)
    start = {("A", 1): (date(2027, 1, 12), 11 * 60, "V2"), ("B", 1): (date(2027, 3, 2), 11 * 60, "V1")}
    value = objective_value(ctx.model, add_hint(ctx, start))

    plan, after, progress = improve(ctx, start, value, time.perf_counter() + 30, seed=0)

    assert plan[("A", 1)][2] == "V1" and progress.improved >= 1
    placements = [solve.scheduled_placement(ctx, c, *plan[c.key]) for c in ctx.choices]
    assert after == whole_value(ds, PLANNING, placements, strict=False)


def test_a_locked_occurrence_stays_and_still_counts_for_its_series(tmp_path):
    """As in schedule whatif: January is locked at Horsham Hall. February is also there, so the
    series repeats its venue; improving moves February, never January."""
    meetings = [{"meeting_id": "S", "title": "Steering", "attendees": "PC1;PR1", "duration_minutes": "60",
                 "recurrence": "monthly", "window_start": "2027-01-04", "window_end": "2027-02-26",
                 "chair": "PR1"}]
    ds = api.load(make_data(tmp_path / "d", meetings=meetings))
    january = (date(2027, 1, 12), 11 * 60, "V1")
    lock = {("S", 1): january}
    ctx = solve.build_context(ds, PLANNING, options=Options(lock=dict(lock)))
    start = {("S", 1): january, ("S", 2): (date(2027, 2, 9), 11 * 60, "V1")}
    value = objective_value(ctx.model, add_hint(ctx, start))

    plan, after, progress = improve(ctx, start, value, time.perf_counter() + 30, seed=0)

    assert plan[("S", 1)] == january
    assert plan[("S", 2)][2] == "V2" and progress.improved >= 1
    placements = [solve.scheduled_placement(ctx, c, *plan[c.key]) for c in ctx.choices]
    assert after == whole_value(ds, PLANNING, placements, strict=False, lock=lock)


def _on(solver, xs) -> int:
    return next(i for i, x in enumerate(xs) if solver.Value(x))


@pytest.fixture
def large_path(monkeypatch):
    """Send every programme down the path for large ones, however small."""
    monkeypatch.setattr(solve, "LARGE_PROGRAMME", 1)


@pytest.fixture
def one_series_at_a_time(monkeypatch):
    """Neighbourhoods of a single series, so each small model leaves most of the plan outside."""
    monkeypatch.setattr(improve_module, "NEIGHBOURHOOD_OCCURRENCES", 1)


@settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(programme(), st.booleans())
def test_each_small_model_prices_its_part_as_the_whole_model_would(tmp_path_factory, one_series_at_a_time,
                                                                   prog, strict):
    """From the greedy plan, every accepted move's gain is real: the claimed value of the result
    is the whole model's objective for it, and the result keeps every hard rule."""
    venues, people, meetings = prog
    folder = make_data(tmp_path_factory.mktemp("imp"), venues=venues, people=people, meetings=meetings,
                       terms=BASE_TERMS)
    ds = api.load(folder)
    ctx = solve.build_context(ds, PLANNING, options=Options(strict=strict))
    start = greedy_hint(ctx)
    values = add_hint(ctx, start)
    assume(values is not None)

    plan, value, _ = improve(ctx, start, objective_value(ctx.model, values), time.perf_counter() + 10, seed=0)

    placements = [solve.scheduled_placement(ctx, c, *plan[c.key]) if c.key in plan
                  else Placement(c.occ, "unscheduled") for c in ctx.choices]
    assert [f for f in check(ds, placements, PLANNING, strict=strict) if f.hard] == []
    assert value == whole_value(ds, PLANNING, placements, strict)


def test_a_large_programme_plan_meeting_its_bound_is_proven_optimal(tmp_path, large_path):
    """The whole model there leaves out the pairwise clashes and gives only a bound; a plan that
    meets it is optimal all the same."""
    result = api.propose(make_data(tmp_path / "d"), PLAN_FROM, date(2027, 3, 31), time_limit=60)
    assert result.plan.proven_optimal and not result.plan.stopped_by_time_limit
    assert result.plan.objective == result.plan.best_bound


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(programme(), st.booleans())
def test_plans_bettered_a_few_series_at_a_time_are_valid_and_truly_priced(tmp_path_factory, large_path,
                                                                          prog, strict):
    plan, ds = plan_and_check(tmp_path_factory, prog, strict, time_limit=3)
    if plan.objective is not None and plan.scheduled:
        assert round(plan.objective) == whole_value(ds, plan.planning, plan.placements, strict)


@settings(max_examples=10, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(programme(), st.booleans())
def test_a_large_programme_cut_short_still_keeps_every_hard_rule(tmp_path_factory, large_path, prog, strict):
    """With almost no time the relaxed whole model's own answer must never stand in for a plan."""
    plan_and_check(tmp_path_factory, prog, strict, time_limit=0.001)
