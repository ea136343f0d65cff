"""The CP-SAT model: one set of choice variables per occurrence, and the rules laid over them.

Each occurrence chooses one day, one start time and one venue (three small exactly-one groups
rather than one huge day x time x venue product), or is left unplaced at a very high cost.
The rules (`scheduler/rules/`) filter those choices (hard) or price them (soft).
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, timedelta

import numpy as np
from ortools.sat.python import cp_model

from scheduler.core.domain import MINUTES_PER_DAY, Dataset, DateRange, Meeting, Occurrence, hhmm
from scheduler.model.weights import MOVE_WEIGHT, UNPLACED_WEIGHT
from scheduler.world.calendar import SchoolCalendar, calendar_for
from scheduler.world.travel import Travel

__all__ = ["MOVE_WEIGHT", "UNPLACED_WEIGHT", "Choice", "ModelContext", "Options", "Penalty"]


@dataclass
class Penalty:
    """One priced compromise: `expr` is 0 when the rule holds, 1 (or more) when it is broken."""

    rule: str
    occurrence: tuple[str, int] | None
    expr: cp_model.LinearExprT
    weight: int
    label: str


@dataclass
class Choice:
    """The variables of one occurrence."""

    occ: Occurrence
    meeting: Meeting
    days: list[date]
    times: list[int]
    venues: list[str]
    # why values were removed before the solver: value -> rule names
    removed_days: dict[date, list[str]] = field(default_factory=dict)
    removed_times: dict[int, list[str]] = field(default_factory=dict)
    removed_venues: dict[str, list[str]] = field(default_factory=dict)
    soft_bad: dict[str, list] = field(default_factory=dict)  # rule -> values it prices
    x_day: list = field(default_factory=list)
    x_time: list = field(default_factory=list)
    y: list = field(default_factory=list)
    placed: cp_model.IntVar | None = None
    day_index: cp_model.IntVar | None = None
    start_abs: cp_model.IntVar | None = None
    fixed: bool = False  # kept exactly as in a baseline (before --from, or locked)

    @property
    def key(self) -> tuple[str, int]:
        return (self.occ.meeting_id, self.occ.number)

    @property
    def name(self) -> str:
        return f"{self.occ.meeting_id}#{self.occ.number}"

    @property
    def day_set(self) -> set[date]:
        return set(self.days)

    def venue_var(self, vid: str):
        return self.y[self.venues.index(vid)] if vid in self.venues else None

    def fix(self, model: cp_model.CpModel, d: date, t: int, vid: str) -> None:
        """Hold this occurrence to one placement (tests of a rule on a hand-built model); a value
        a rule removed before the solver makes the model infeasible, as the rule says it must."""
        model.Add(self.placed == 1)
        for values, xs, value in ((self.days, self.x_day, d), (self.times, self.x_time, t), (self.venues, self.y, vid)):
            if value in values:
                model.Add(xs[values.index(value)] == 1)
            else:
                model.Add(self.placed == 0)

    def extract(self, solver: cp_model.CpSolver) -> tuple[date, int, str] | None:
        """The placement a solution gives this occurrence, or None when it is left unplaced."""
        if not solver.Value(self.placed):
            return None
        pick = [next(v for v, x in zip(values, xs, strict=True) if solver.Value(x))
                for values, xs in ((self.days, self.x_day), (self.times, self.x_time), (self.venues, self.y))]
        return pick[0], pick[1], pick[2]


@dataclass
class Options:
    strict: bool = False
    rule_strength: dict[str, str] = field(default_factory=dict)  # overrides: hard / soft / off
    only: set[tuple[str, int]] | None = None  # model just these occurrences (explanations)
    lock: dict[tuple[str, int], tuple[date, int, str]] = field(default_factory=dict)  # fixed placements
    prefer: dict[tuple[str, int], tuple[date, int, str]] = field(default_factory=dict)  # keep unless needed
    # A model of part of a programme (improve.py): each family member's travel in the rest of
    # the plan, and the largest yearly total of anyone outside it, so `travel_time` prices the
    # part exactly as the whole would.
    travel_floor: dict[str, int] = field(default_factory=dict)
    worst_floor: int = 0
    venue_busy: dict[str, list[tuple[date, int, int]]] = field(default_factory=dict)  # (day, start, end)


class ModelContext:
    """Everything a rule needs to add its constraints and price its compromises."""

    def __init__(self, ds: Dataset, planning: DateRange, occs: list[Occurrence], options: Options | None = None,
                 travel: Travel | None = None, cal: SchoolCalendar | None = None,
                 verdicts: dict[tuple, object] | None = None):
        self.ds = ds
        # Explanations build many small models of the same data: they share one cache of each.
        self.cal: SchoolCalendar = cal or calendar_for(ds)
        self.travel = travel or Travel(ds)
        self.planning = planning
        self.options = options or Options()
        self.model = cp_model.CpModel()
        self.penalties: list[Penalty] = []
        self.origin = planning.first
        self.choices: list[Choice] = []
        self.all_occurrences = occs
        for occ in occs:
            if self.options.only is not None and (occ.meeting_id, occ.number) not in self.options.only:
                continue
            m = ds.meetings[occ.meeting_id]
            days, times, venues = occ.planned.days(), self._time_grid(m), self._venue_ids(m)
            pinned = ds.fixed.get((occ.meeting_id, occ.number))  # fixed.csv: its given values only
            if pinned is not None:
                days, times, venues = pinned.restrict(days, times, venues)
            self.choices.append(Choice(occ, m, days, times, venues))
        self.by_key = {c.key: c for c in self.choices}
        self._by_series: dict[str, list[Choice]] | None = None
        self._closed: tuple[np.ndarray, date] | None = None
        # rules this model leaves out (solve.PAIRWISE_CLASHES): its solutions are then not plans
        self.relaxed: tuple[str, ...] = ()
        # (rule, meeting, value) -> verdict, and the tables a rule computes once per series: shared
        # by a series, and by models of the same data
        self.verdicts: dict[tuple, object] = {} if verdicts is None else verdicts

    # -- settings (a rule's strength is the rule's own: `Rule.strength`) -----------------------
    def weight(self, rule: str) -> int:
        return self.ds.settings.rules[rule].weight

    def _time_grid(self, m: Meeting) -> list[int]:
        step = self.ds.settings.time_step_minutes
        lo = min((v.open_from for v in self.ds.venues.values()), default=9 * 60)
        hi = max((v.open_until for v in self.ds.venues.values()), default=21 * 60)
        first = -(-lo // step) * step
        return list(range(first, hi - m.duration_minutes + 1, step))

    def _venue_ids(self, m: Meeting) -> list[str]:
        return list(m.venues) if m.venues is not None else list(self.ds.venues)

    # -- helpers for rules ----------------------------------------------------------------
    def by_series(self) -> dict[str, list[Choice]]:
        """The occurrences by series, in occurrence order: made once (the rules and the greedy
        start ask for it per series; read-only)."""
        if self._by_series is None:
            out: dict[str, list[Choice]] = {}
            for c in self.choices:
                out.setdefault(c.occ.meeting_id, []).append(c)
            for group in out.values():
                group.sort(key=lambda c: c.occ.number)
            self._by_series = out
        return self._by_series

    def day_offset(self, d: date) -> int:
        return (d - self.origin).days

    def closed_matrix(self) -> tuple[np.ndarray, date]:
        """Venue (data order) x day: closed that day? Columns run from the first candidate day."""
        if self._closed is None:
            days = [d for c in self.choices for d in c.days] or [self.origin]
            first, last = min(days), max(days)
            span = [first + timedelta(days=i) for i in range((last - first).days + 1)]
            closed = np.zeros((len(self.ds.venues), len(span)), dtype=bool)
            for i, v in enumerate(self.ds.venues.values()):
                closed[i] = [v.is_closed_on(d) for d in span]
            self._closed = (closed, first)
        return self._closed


# A rule's constraints: they are added to the model, and its share of the objective is returned.
RuleUnit = Callable[[ModelContext], list[Penalty]]


def build(ctx: ModelContext, units: list[tuple[str, RuleUnit]], filters: list) -> None:
    """Filter each occurrence's choices, make its variables, then let every rule add itself.

    `units` and `filters` come in model order from the rule registry (engine/constraints.py);
    the objective is the sum of the terms the units return.
    """
    for c in ctx.choices:
        if not _apply_lock(ctx, c):  # a locked placement stands as given: no rule filters it
            for flt in filters:
                flt(ctx, c)
        _make_variables(ctx, c)
    for _name, unit in units:
        ctx.penalties.extend(unit(ctx))


def _apply_lock(ctx: ModelContext, c: Choice) -> bool:
    lock = ctx.options.lock.get(c.key)
    if lock is None:
        return False
    d, t, v = lock
    c.days, c.times, c.venues = [d], [t], [v]
    c.fixed = True
    return True


def _make_variables(ctx: ModelContext, c: Choice) -> None:
    m = ctx.model
    n = c.name
    c.placed = m.NewBoolVar(f"{n}.placed")
    c.x_day = [m.NewBoolVar(f"{n}.day[{d}]") for d in c.days]
    c.x_time = [m.NewBoolVar(f"{n}.start[{hhmm(t)}]") for t in c.times]
    c.y = [m.NewBoolVar(f"{n}.venue[{v}]") for v in c.venues]
    for group in (c.x_day, c.x_time, c.y):
        m.Add(sum(group) == c.placed)
    if not (c.days and c.times and c.venues):
        m.Add(c.placed == 0)
    offsets = [ctx.day_offset(d) for d in c.days]
    c.day_index = m.NewIntVar(min(offsets + [0]), max(offsets + [0]), f"{n}.day_index")
    m.Add(c.day_index == sum(o * x for o, x in zip(offsets, c.x_day, strict=True)))
    horizon = (max(offsets + [0]) + 1) * MINUTES_PER_DAY
    c.start_abs = m.NewIntVar(0, max(horizon, 0), f"{n}.start_abs")
    m.Add(c.start_abs == MINUTES_PER_DAY * c.day_index + sum(t * x for t, x in zip(c.times, c.x_time, strict=True)))
    if c.fixed:
        m.Add(c.placed == 1)
    ctx.penalties.append(Penalty("unplaced", c.key, c.placed.Not(), UNPLACED_WEIGHT, f"unplaced.{n}"))
    pref = ctx.options.prefer.get(c.key)
    if pref is not None and not c.fixed:
        d, t, v = pref
        if d in c.days and t in c.times and v in c.venues:
            kept = m.NewBoolVar(f"{n}.kept")
            m.AddImplication(kept, c.x_day[c.days.index(d)])
            m.AddImplication(kept, c.x_time[c.times.index(t)])
            m.AddImplication(kept, c.y[c.venues.index(v)])
            ctx.penalties.append(Penalty("move", c.key, kept.Not(), MOVE_WEIGHT, f"moved.{n}"))


def light_presolve(params) -> None:
    """One presolve pass, without probing, big-overlap or symmetry searches.

    At 1,500 occurrences the full presolve took ~35 s and bought nothing the starting plan does
    not give; small models prove optimality sooner too (benchmarks/RESULTS.md).
    """
    params.cp_model_probing_level = 0
    params.max_presolve_iterations = 1
    params.find_big_linear_overlap = False
    params.symmetry_level = 0


def solve_within(solver: cp_model.CpSolver, model: cp_model.CpModel,
                 callback: cp_model.CpSolverSolutionCallback | None = None) -> int:
    """Solve, stopping at the solver's time limit even where CP-SAT would run past it.

    CP-SAT checks its own limit between steps; on very large models presolve can overrun it, so
    a watchdog asks it to stop at the deadline too.
    """
    watchdog = threading.Timer(solver.parameters.max_time_in_seconds, solver.StopSearch)
    watchdog.daemon = True
    watchdog.start()
    try:
        return solver.Solve(model, callback)
    finally:
        watchdog.cancel()


def objective(ctx: ModelContext):
    return sum(p.weight * p.expr for p in ctx.penalties if p.weight)
