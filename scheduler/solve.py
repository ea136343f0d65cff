"""Running CP-SAT within its time limit and turning its answer into a plan."""

from __future__ import annotations

import time
from dataclasses import dataclass
from datetime import date

from ortools.sat.python import cp_model

from . import constraints
from .calendar import SchoolCalendar, occurrences
from .domain import Dataset, DateRange, Occurrence, Placement, Plan
from .hint import add_hint, greedy_hint
from .model import Choice, ModelContext, Options, build, objective, solve_within
from .travel import Travel


@dataclass
class SolverSettings:
    time_limit: float
    seed: int
    workers: int


def solver_settings(ds: Dataset, time_limit: float | None = None, seed: int | None = None) -> SolverSettings:
    s = ds.settings
    return SolverSettings(time_limit if time_limit is not None else s.time_limit_seconds,
                          seed if seed is not None else s.seed, s.workers)


def build_context(ds: Dataset, planning: DateRange, occs: list[Occurrence] | None = None,
                  options: Options | None = None, travel: Travel | None = None,
                  cal: SchoolCalendar | None = None) -> ModelContext:
    occs = occurrences(ds, planning) if occs is None else occs
    ctx = ModelContext(ds, planning, occs, options, travel=travel, cal=cal)
    build(ctx, constraints.RULE_UNITS, constraints.FILTERS)
    ctx.model.Minimize(objective(ctx))
    return ctx


SUBSOLVERS = ("core", "max_lp")


def run_solver(ctx: ModelContext, ss: SolverSettings) -> tuple[cp_model.CpSolver, int, float]:
    solver = cp_model.CpSolver()
    p = solver.parameters
    p.max_time_in_seconds = max(ss.time_limit, 0.01)
    p.random_seed = ss.seed
    p.num_workers = max(ss.workers, 1)
    # Interleaved search keeps several workers but makes the result depend only on the inputs.
    p.interleave_search = ss.workers > 1
    # Presolve probing costs seconds on these models and buys nothing the hint does not give.
    p.cp_model_probing_level = 0
    # One presolve pass without the big-overlap and symmetry searches: at 1,500 occurrences
    # these took ~35 s of presolve and bought nothing; smaller models prove optimality sooner
    # too (benchmarks/RESULTS.md).
    p.max_presolve_iterations = 1
    p.find_big_linear_overlap = False
    p.symmetry_level = 0
    if ss.workers > 1:
        # Core-based search proves these objectives (many small weighted compromises) fastest;
        # the LP worker supplies the bound. Measured in benchmarks/RESULTS.md.
        p.subsolvers.extend(SUBSOLVERS)
    started = time.perf_counter()
    status = solve_within(solver, ctx.model)
    return solver, status, time.perf_counter() - started


def extract(ctx: ModelContext, solver, status: int) -> list[Placement]:
    has_solution = status in (cp_model.OPTIMAL, cp_model.FEASIBLE)
    out = []
    for c in ctx.choices:
        if has_solution and solver.Value(c.placed):
            d = c.days[_chosen(solver, c.x_day)]
            t = c.times[_chosen(solver, c.x_time)]
            v = c.venues[_chosen(solver, c.y)]
            out.append(scheduled_placement(ctx, c, d, t, v))
        else:
            out.append(Placement(c.occ, "unscheduled"))
    return out


def scheduled_placement(ctx: ModelContext, c: Choice, d: date, t: int, vid: str) -> Placement:
    m = c.meeting
    due = ctx.cal.papers_due(d, m.papers_days)
    total, worst = family_travel(ctx.ds, ctx.travel, m.everyone, vid)
    return Placement(c.occ, "scheduled", d, t, t + m.duration_minutes, vid, due,
                     travel_total=total, travel_max=worst)


def family_travel(ds: Dataset, travel: Travel, people: tuple[str, ...], vid: str) -> tuple[int, int]:
    """Total and longest one-way journey of the parent carers and young people attending."""
    minutes = [travel.person_to_venue(ds.participants[p], ds.venues[vid]) for p in people
               if p in ds.participants and ds.participants[p].is_family]
    known = [m for m in minutes if m is not None]
    return sum(known), max(known, default=0)


class _Assignment:
    """A solution held as plain values, answering like the solver does."""

    def __init__(self, values: list[int]):
        self.values = values

    def Value(self, var) -> int:  # noqa: N802 - the solver's own name
        return self.values[var.Index()]

    def ObjectiveValue(self) -> None:  # noqa: N802
        return None

    def BestObjectiveBound(self) -> None:  # noqa: N802
        return None


def _chosen(solver, xs: list) -> int:
    for i, x in enumerate(xs):
        if solver.Value(x):
            return i
    raise ValueError("no value chosen")


STATUS_NAMES = {
    cp_model.OPTIMAL: "OPTIMAL",
    cp_model.FEASIBLE: "FEASIBLE",
    cp_model.INFEASIBLE: "INFEASIBLE",
    cp_model.MODEL_INVALID: "MODEL_INVALID",
    cp_model.UNKNOWN: "UNKNOWN",
}


def plan(ds: Dataset, planning: DateRange, *, strict: bool = False, time_limit: float | None = None,
         seed: int | None = None, options: Options | None = None,
         occs: list[Occurrence] | None = None) -> Plan:
    """Place every occurrence of the programme inside the planning window."""
    options = options or Options()
    options.strict = options.strict or strict
    ss = solver_settings(ds, time_limit, seed)
    ctx = build_context(ds, planning, occs, options)
    return solve_context(ds, ctx, ss)


NOT_FOUND = ("The solver's time limit ({limit:g} s) ended before any plan was found; "
             "run again with a longer --time-limit.")


def solve_context(ds: Dataset, ctx: ModelContext, ss: SolverSettings,
                  hint: dict[tuple[str, int], tuple[date, int, str]] | None = None) -> Plan:
    """Solve a built model (objective set) from a hint, and turn the answer into a plan.

    The hint is completed by CP-SAT first, so the search always starts from a whole plan; the
    greedy placement is used when no hint is given or the given one cannot be completed.
    """
    from .explain import annotate  # explanations build their own small models

    started = time.perf_counter()
    share = min(5.0, ss.time_limit / 4)  # completing the starting plan uses part of the budget
    greedy = greedy_hint(ctx)
    start_plan = (add_hint(ctx, hint, ss.seed, share) if hint else None) \
        or add_hint(ctx, greedy, ss.seed, share)
    left = max(ss.time_limit - (time.perf_counter() - started), 0.01)
    solver, status, seconds = run_solver(ctx, SolverSettings(left, ss.seed, ss.workers))
    seconds = time.perf_counter() - started
    found = status in (cp_model.OPTIMAL, cp_model.FEASIBLE)
    answer = solver
    if not found and status != cp_model.INFEASIBLE and start_plan is not None:
        # The search found nothing better in time: the completed starting plan is still whole
        # and valid, so it is returned (and said to be unproven) rather than nothing.
        answer, status, found = _Assignment(start_plan), cp_model.FEASIBLE, True
    placements = extract(ctx, answer, status)
    if (not found and status != cp_model.INFEASIBLE and greedy
            and not any(c.fixed for c in ctx.choices)):
        # Too little time even to complete the starting plan: the greedy placement keeps every
        # hard rule (it only takes allowed values and checks clashes), so it is still a plan.
        placements = [scheduled_placement(ctx, c, *greedy[c.key]) if c.key in greedy else p
                      for c, p in zip(ctx.choices, placements, strict=True)]
        answer, status, found = _Assignment([]), cp_model.FEASIBLE, True
    if not found:
        # Locked placements were checked valid together before they were locked: keep them.
        for i, c in enumerate(ctx.choices):
            if c.fixed:
                placements[i] = scheduled_placement(ctx, c, c.days[0], c.times[0], c.venues[0])
    result = Plan(
        placements=placements,
        planning=ctx.planning,
        solver_status=STATUS_NAMES.get(status, "UNKNOWN"),
        proven_optimal=status == cp_model.OPTIMAL,
        stopped_by_time_limit=status in (cp_model.FEASIBLE, cp_model.UNKNOWN),
        objective=answer.ObjectiveValue() if found else None,
        best_bound=answer.BestObjectiveBound() if found else None,
        solve_seconds=seconds,
        warnings=list(ds.warnings),
    )
    annotate(ds, result, ctx)
    if not found and status != cp_model.INFEASIBLE:
        for p in result.unscheduled:
            p.reason = NOT_FOUND.format(limit=ss.time_limit)
    return result
