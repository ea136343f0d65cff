"""Running CP-SAT within its time limit and turning its answer into a plan."""

from __future__ import annotations

import re
import threading
import time
from dataclasses import dataclass
from datetime import date

from ortools.sat.python import cp_model

from scheduler.core.domain import Dataset, DateRange, Occurrence, Placement, Plan, Status
from scheduler.engine import constraints
from scheduler.engine import progress as live
from scheduler.engine.hint import add_hint, greedy_hint, release_memory
from scheduler.engine.improve import improve, objective_value
from scheduler.model.context import (
    Choice,
    ModelContext,
    Options,
    build,
    light_presolve,
    objective,
    solve_within,
)
from scheduler.rules import RULES
from scheduler.world.calendar import SchoolCalendar, occurrences
from scheduler.world.travel import Travel


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
                  cal: SchoolCalendar | None = None, leave_out: tuple[str, ...] = ()) -> ModelContext:
    """Build the model; rule units named in `leave_out` are not added (see PAIRWISE_CLASHES)."""
    occs = occurrences(ds, planning) if occs is None else occs
    ctx = ModelContext(ds, planning, occs, options, travel=travel, cal=cal)
    build(ctx, [(name, unit) for name, unit in constraints.RULE_UNITS if name not in leave_out],
          constraints.FILTERS)
    ctx.relaxed = tuple(leave_out)
    ctx.model.Minimize(objective(ctx))
    return ctx


# A large programme's whole model leaves these out: they price nothing (so the objective of any
# plan is the same with or without them), they hardly move the LP bound, and at 1,500
# occurrences they are half the model. Its optimum is then a valid lower bound, but its
# solutions are not plans: plans come only from the starting plan and improve.py, whose small
# models keep every rule (benchmarks/RESULTS.md).
PAIRWISE_CLASHES = tuple(r.name for r in RULES if r.clash)


SUBSOLVERS = ("core", "max_lp")
# The one neighbourhood search kept beside them. With CP-SAT's ten, the interleaved batches
# gave the core search a turn only every sixth batch; with one, the proof on benchmark M takes
# 40% less deterministic time, the bundled example's 80% less, CSPLib 046's 2-10x less
# (benchmarks/RESULTS.md, "Search portfolio").
NEIGHBOURHOODS = ("rnd_var_lns",)
# From this many occurrences the whole model only proves a bound (one LP worker) while the plan
# is improved a few series at a time (improve.py): CP-SAT's own moves on a model this size take
# seconds each (benchmarks/RESULTS.md).
LARGE_PROGRAMME = 600


def run_solver(ctx: ModelContext, ss: SolverSettings, subsolvers: tuple[str, ...] = SUBSOLVERS,
               solver: cp_model.CpSolver | None = None) -> tuple[cp_model.CpSolver, int, float]:
    solver = solver or cp_model.CpSolver()
    p = solver.parameters
    p.max_time_in_seconds = max(ss.time_limit, 0.01)
    p.random_seed = ss.seed
    p.num_workers = max(ss.workers, 1)
    # Interleaved search keeps several workers but makes the result depend only on the inputs.
    p.interleave_search = ss.workers > 1
    # One task per worker in each batch: with CP-SAT's default batch a search that is already
    # proven still waits for the batch's other tasks (0.4 s of the bundled example's 0.6 s).
    p.interleave_batch_size = max(ss.workers, 1)
    light_presolve(p)
    if ss.workers > 1 or len(subsolvers) == 1:
        # Core-based search proves these objectives (many small weighted compromises) fastest;
        # the LP worker supplies the bound. Measured in benchmarks/RESULTS.md.
        p.subsolvers.extend(subsolvers)
        if ss.workers > 1:
            p.filter_subsolvers.extend((*subsolvers, *NEIGHBOURHOODS))
    started = time.perf_counter()
    stopper = StopWhenProven(solver)
    if live.active():  # someone watches: the best plan so far, read from the same progress log
        on_log = solver.log_callback

        def watch(line: str) -> None:
            on_log(line)
            found = _NEW_BEST.match(line)
            if found:
                live.best(score=float(found.group(1)))

        solver.log_callback = watch
    # A watcher's stop button (the web page): asked for only once presolve is over, as above.
    asked = live.stop_when_asked(solver.StopSearch, ready=lambda: stopper.searching)
    try:
        status = solve_within(solver, ctx.model)
    finally:
        stopper.cancel()
        asked.set()
    return solver, status, time.perf_counter() - started


# A line of CP-SAT's progress log for a new best plan: "#12  0.35s best:1234 next:[...] ..."
_NEW_BEST = re.compile(r"#\d+\s+\S+s\s+best:(-?[0-9.eE+]+)")


class StopWhenProven:
    """Stops the search soon after the best plan meets the best bound.

    CP-SAT's deterministic interleaved search only notices a proof when its whole batch of tasks
    ends, and a task of the LP worker may run on for a second or more after the other worker has
    proven the plan optimal (on CSPLib problem 046 the proof came at 0.2 s of a 1.8 s solve:
    benchmarks/RESULTS.md). Stopping then changes nothing in the answer: once a plan is proven
    optimal no other plan can replace it (only strictly better ones are taken), so runs stay
    deterministic.

    The proof is read from CP-SAT's own progress log (a line with an empty gap, `next:[]`), not
    from a solution callback: with a solution callback registered, a stop that lands while
    CP-SAT reports a solution found in presolve aborts the whole process (OR-Tools 9.15: "Check
    failed: solution->size() == postsolve_mapping.size()"). The stop is asked for from a timer
    thread a moment later, never from inside CP-SAT's logging.
    """

    DELAY = 0.02  # seconds

    def __init__(self, solver: cp_model.CpSolver) -> None:
        self.solver = solver
        self._timer: threading.Timer | None = None
        self._searching = False
        p = solver.parameters
        p.log_search_progress = True
        p.log_to_stdout = False
        solver.log_callback = self._on_log

    def _on_log(self, line: str) -> None:
        if line.startswith("Starting") and "search" in line:
            self._searching = True  # presolve is over: a stop never lands inside it
        if self._searching and "next:[]" in line and self._timer is None:
            self._timer = threading.Timer(self.DELAY, self.solver.StopSearch)
            self._timer.daemon = True
            self._timer.start()

    @property
    def searching(self) -> bool:
        """Presolve is over: a stop may land now."""
        return self._searching

    def cancel(self) -> None:
        """After the solve: a stop still pending must not reach a later solve."""
        if self._timer is not None:
            self._timer.cancel()


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
            out.append(Placement(c.occ, Status.UNSCHEDULED))
    return out


def scheduled_placement(ctx: ModelContext, c: Choice, d: date, t: int, vid: str) -> Placement:
    m = c.meeting
    due = ctx.cal.papers_due(d, m.papers_days)
    total, worst = family_travel(ctx.ds, ctx.travel, m.everyone, vid)
    return Placement(c.occ, Status.SCHEDULED, d, t, t + m.duration_minutes, vid, due,
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


@dataclass
class _Improved:
    """A plan from improve.py, answering like the solver does."""

    plan: dict[tuple[str, int], tuple[date, int, str]]
    value: int
    bound: float | None

    def ObjectiveValue(self) -> float:  # noqa: N802 - the solver's own name
        return float(self.value)

    def BestObjectiveBound(self) -> float | None:  # noqa: N802
        return self.bound


def _search_large(ctx: ModelContext, ss: SolverSettings, start_values: list[int], left: float,
                  progress: list[tuple[float, float]]) -> tuple[cp_model.CpSolver, int, _Improved | None]:
    """The whole model proves a bound in a thread while improve.py betters the starting plan.

    A whole model built without some rules (`ctx.relaxed`) gives only its bound.
    """
    started = time.perf_counter()
    deadline = started + left
    whole: dict[str, object] = {}
    bound_now: list[float] = []
    solver = cp_model.CpSolver()
    solver.best_bound_callback = bound_now.append

    def prove() -> None:
        whole["solver"], whole["status"], _ = run_solver(ctx, SolverSettings(left, ss.seed, 1), ("max_lp",),
                                                         solver=solver)

    def stop(value: int) -> bool:
        live.best(score=value)
        if live.stop_requested():
            return True  # a watcher's stop button: keep the plan so far (run_solver stops the bound)
        if bound_now and value <= bound_now[-1] + 0.5:
            return True  # proven optimal: the plan meets the bound
        # once the whole model is solved (proven, or out of time) nothing is left to find, unless
        # it is a relaxation: then only its bound is known, and the plan can still improve
        return not ctx.relaxed and not thread.is_alive()

    thread = threading.Thread(target=prove, name="whole-model", daemon=True)
    thread.start()
    start = _Assignment(start_values)
    plan = {c.key: (c.days[_chosen(start, c.x_day)], c.times[_chosen(start, c.x_time)], c.venues[_chosen(start, c.y)])
            for c in ctx.choices if start.Value(c.placed)}
    value = objective_value(ctx.model, start_values)
    progress.append((0.0, float(value)))
    plan, value, moves = improve(ctx, plan, value, deadline, ss.seed, stop=stop)
    progress.extend((t - started, float(v)) for t, v in moves.history)
    if bound_now and value <= bound_now[-1] + 0.5:
        solver.StopSearch()
    thread.join()
    solver, status = whole["solver"], whole["status"]
    has_bound = status in (cp_model.OPTIMAL, cp_model.FEASIBLE)
    bound = solver.BestObjectiveBound() if has_bound else None
    if has_bound and not ctx.relaxed and solver.ObjectiveValue() <= value:
        return solver, status, None
    if bound is not None:
        bound = min(bound, float(value))  # a relaxation's LP bound may pass the optimum by rounding
    return solver, status, _Improved(plan, value, bound)


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


@dataclass
class Solved:
    """The engine's plan, with the model it came from: explanations read the model's choices."""

    plan: Plan
    ctx: ModelContext


def solve(ds: Dataset, planning: DateRange, *, strict: bool = False, time_limit: float | None = None,
          seed: int | None = None, options: Options | None = None,
          occs: list[Occurrence] | None = None) -> Solved:
    """Place every occurrence of the programme inside the planning window.

    The plan's rows say where each occurrence goes; why (rules_relaxed, reason) is added by
    explain.annotate, which `api.plan` runs next.
    """
    options = options or Options()
    options.strict = options.strict or strict
    ss = solver_settings(ds, time_limit, seed)
    occs = occurrences(ds, planning) if occs is None else occs
    large = len(occs) >= LARGE_PROGRAMME and ss.workers > 1 and options.only is None
    live.phase(f"Building the model of {len(occs):,} meetings")
    ctx = build_context(ds, planning, occs, options, leave_out=PAIRWISE_CLASHES if large else ())
    return Solved(solve_context(ds, ctx, ss), ctx)


NOT_FOUND = ("The solver's time limit ({limit:g} s) ended before any plan was found; "
             "run again with a longer --time-limit.")


def solve_context(ds: Dataset, ctx: ModelContext, ss: SolverSettings,
                  hint: dict[tuple[str, int], tuple[date, int, str]] | None = None) -> Plan:
    """Solve a built model (objective set) from a hint, and turn the answer into a plan.

    The hint is completed by CP-SAT first, so the search always starts from a whole plan; the
    greedy placement is used when no hint is given or the given one cannot be completed.
    """
    started = time.perf_counter()
    live.phase("Finding a first plan")
    share = min(5.0, ss.time_limit / 4)  # completing the starting plan uses part of the budget
    # The greedy placement only when there is no hint or it cannot be completed (a what-if's
    # hint, the plan before, nearly always is): when a hint is completed, greedy is not needed
    # below either, since a completed starting plan is always found.
    greedy: dict[tuple[str, int], tuple[date, int, str]] | None = None
    start_plan = add_hint(ctx, hint, ss.seed, share) if hint else None
    if start_plan is None:
        greedy = greedy_hint(ctx)
        start_plan = add_hint(ctx, greedy, ss.seed, share)
    if len(ctx.choices) >= LARGE_PROGRAMME:
        release_memory()  # the completed copy: a large model's peak is its search
    left = max(ss.time_limit - (time.perf_counter() - started), 0.01)
    live.phase("Searching for the best plan")
    if start_plan is not None:
        live.best(sum(_Assignment(start_plan).Value(c.placed) for c in ctx.choices), len(ctx.choices))
    progress: list[tuple[float, float]] = []
    if start_plan is not None and len(ctx.choices) >= LARGE_PROGRAMME and ss.workers > 1:
        solver, status, better = _search_large(ctx, ss, start_plan, left, progress)
    elif ctx.relaxed:
        # No starting plan in time, and this model's own solutions are not plans: the greedy
        # placement below is returned.
        solver, status, better = _Assignment([]), cp_model.UNKNOWN, None
    else:
        solver, status, _ = run_solver(ctx, SolverSettings(left, ss.seed, ss.workers))
        better = None
    seconds = time.perf_counter() - started
    found = status in (cp_model.OPTIMAL, cp_model.FEASIBLE)
    answer = solver
    if better is not None:
        # The plan improved a few series at a time beats the whole model's best.
        answer, status, found = better, cp_model.FEASIBLE, True
        if better.bound is not None and better.bound >= better.value - 0.5:  # integral objective
            status = cp_model.OPTIMAL
    if not found and status != cp_model.INFEASIBLE and start_plan is not None:
        # The search found nothing better in time: the completed starting plan is still whole
        # and valid, so it is returned (and said to be unproven) rather than nothing.
        answer, status, found = _Assignment(start_plan), cp_model.FEASIBLE, True
    placements = extract(ctx, answer, status) if not isinstance(answer, _Improved) else [
        scheduled_placement(ctx, c, *answer.plan[c.key]) if c.key in answer.plan else Placement(c.occ, Status.UNSCHEDULED)
        for c in ctx.choices]
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
        progress=progress,
    )
    if not found and status != cp_model.INFEASIBLE:
        for p in result.unscheduled:
            p.reason = NOT_FOUND.format(limit=ss.time_limit)
    return result
