"""A quick greedy placement handed to CP-SAT as a hint, so search starts near a good plan.

It is only a starting point: the solver checks every rule itself and proves (or improves) the
result. Occurrences are placed in date order at their cheapest choice that does not collide
with those already placed.
"""

from __future__ import annotations

import ctypes
import gc
from dataclasses import dataclass, field
from datetime import date

from ortools.sat.python import cp_model

from scheduler.model.context import Choice, ModelContext, light_presolve, solve_within
from scheduler.rules import MODEL_ORDER
from scheduler.rules.base import Rule


def _overriding(hook: str) -> tuple[Rule, ...]:
    """The rules that take part in one step of the greedy search (the others add nothing)."""
    return tuple(r for r in MODEL_ORDER if getattr(type(r), hook) is not getattr(Rule, hook))


COSTS, SLOT_COSTS, NEIGHBOUR_COSTS = _overriding("hint_costs"), _overriding("hint_slot_cost"), _overriding("hint_cost")
ALLOWS, COLLIDES, DIARY_COSTS = _overriding("hint_allows"), _overriding("hint_collides"), _overriding("hint_diary_cost")


def _cost_tables(ctx: ModelContext, c: Choice):
    day_cost = {d: 0 for d in c.days}
    time_cost = {t: 0 for t in c.times}
    venue_cost = {v: 0 for v in c.venues}
    tables = {"day": day_cost, "time": time_cost, "venue": venue_cost}
    for rule in COSTS:
        rule.hint_costs(ctx, c, tables)
    return day_cost, time_cost, venue_cost


def greedy_hint(ctx: ModelContext) -> dict[tuple[str, int], tuple[date, int, str]]:
    """In date order, as an organiser fills a diary: measured to start CP-SAT closer to the
    optimum than most-constrained-first (benchmarks/RESULTS.md)."""
    diary = _Diary()
    order = sorted(ctx.choices, key=lambda c: (c.occ.planned.first, c.occ.meeting_id, c.occ.number))
    for c in order:
        if c.days and c.times and c.venues:
            best = _cheapest(ctx, c, diary)
            if best is not None:
                diary.add(c.key, best)
    return diary.placed


@dataclass
class _Diary:
    """What is placed so far, indexed by day and by series so each check looks at few entries."""

    placed: dict[tuple[str, int], tuple[date, int, str]] = field(default_factory=dict)
    by_day: dict[date, list[tuple[str, int]]] = field(default_factory=dict)
    by_series: dict[str, list[tuple[str, int]]] = field(default_factory=dict)

    def add(self, key: tuple[str, int], slot: tuple[date, int, str]) -> None:
        self.placed[key] = slot
        self.by_day.setdefault(slot[0], []).append(key)
        self.by_series.setdefault(key[0], []).append(key)


def _cheapest(ctx: ModelContext, c: Choice, diary: _Diary) -> tuple[date, int, str] | None:
    """The cheapest (day, start, venue) that collides with nothing placed so far."""
    day_cost, time_cost, venue_cost = _cost_tables(ctx, c)
    slot_costs = [f for r in SLOT_COSTS if (f := r.hint_slot_cost(ctx, c)) is not None]
    same_series = sorted((k[1], diary.placed[k]) for k in diary.by_series.get(c.occ.meeting_id, []))
    # the scheduled occurrences either side: venue_rotation pairs consecutive *scheduled* ones
    before = [slot for n, slot in same_series if n < c.occ.number][-1:]
    after = [slot for n, slot in same_series if n > c.occ.number][:1]
    neighbours = before + after
    combos = sorted((day_cost[d] + time_cost[t] + sum(f(d, t) for f in slot_costs), d, t)
                    for d in c.days for t in c.times)
    best = None
    for vid in sorted(c.venues, key=lambda v: (venue_cost[v], v)):
        rot = sum(r.hint_cost(ctx, c, neighbours, vid) for r in NEIGHBOUR_COSTS)
        if best is not None and venue_cost[vid] + combos[0][0] >= best[0]:
            break  # venues come cheapest first: no later one can do better
        if best is not None and venue_cost[vid] + rot + combos[0][0] >= best[0]:
            continue  # a repeat of the last venue: a later, dearer venue may still be cheaper
        for cost, d, t in combos:
            total = cost + venue_cost[vid] + rot
            if best is not None and total >= best[0]:
                break
            if cost >= 10**12 or not all(r.hint_allows(ctx, c, d, t, vid) for r in ALLOWS):
                continue
            if any(r.hint_collides(ctx, c, diary, d, t, vid) for r in COLLIDES):
                continue
            extra = sum(r.hint_diary_cost(ctx, c, diary, d, t, vid) for r in DIARY_COSTS)
            if best is None or total + extra < best[0]:
                best = (total + extra, d, t, vid)
            if not extra:
                break  # combos come cheapest first: no later one can do better
    return best[1:] if best is not None else None


def add_hint(ctx: ModelContext, hint: dict[tuple[str, int], tuple[date, int, str]], seed: int = 0,
             time_limit: float = 5.0) -> list[int] | None:
    """Hint every variable: fix the greedy placement in a copy, let CP-SAT fill in the rest.

    Hinting only the choice variables leaves penalty and auxiliary variables to be guessed,
    which can make the hinted plan look far worse than it is; completing it first avoids that.
    Returns the completed assignment (a whole valid plan, kept as a fallback should the main
    search find nothing in time), or None when it could not be completed (no hint is given).
    """
    if not hint:
        return None
    trial = ctx.model.clone()
    fixed = []
    for c in ctx.choices:
        choice = hint.get(c.key)
        if choice is None or c.fixed:
            continue
        d, t, v = choice
        fixed.append((c.placed, 1))
        fixed += [(x, int(dd == d)) for dd, x in zip(c.days, c.x_day, strict=True)]
        fixed += [(x, int(tt == t)) for tt, x in zip(c.times, c.x_time, strict=True)]
        fixed += [(x, int(vv == v)) for vv, x in zip(c.venues, c.y, strict=True)]
    for var, value in fixed:
        trial.Add(trial.GetIntVarFromProtoIndex(var.Index()) == value)
    solver = cp_model.CpSolver()
    solver.parameters.num_workers = 1
    solver.parameters.random_seed = seed
    solver.parameters.max_time_in_seconds = max(time_limit, 0.01)
    light_presolve(solver.parameters)
    status = solve_within(solver, trial)
    if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        return None
    values = list(solver.ResponseProto().solution)
    for i, value in enumerate(values):
        ctx.model.AddHint(ctx.model.GetIntVarFromProtoIndex(i), value)
    return values


def release_memory() -> None:
    """Hand memory freed by a large solve back to the system (glibc only; elsewhere a no-op).

    The main search runs in other threads, which allocate from their own arenas and cannot
    reuse what this thread freed: without this, the copy `add_hint` completed stays resident
    and adds to the run's peak (about 0.4 GB at 1,500 occurrences).
    """
    gc.collect()
    try:
        ctypes.CDLL("libc.so.6").malloc_trim(0)
    except (OSError, AttributeError):
        pass
