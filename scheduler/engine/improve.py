"""Large programmes: improve a whole plan a few series at a time (large-neighbourhood search).

CP-SAT's own neighbourhoods copy the whole model for every move; at 1,500 occurrences each
move costs seconds and few are made before the time limit. Here a neighbourhood is a small
model of its own: a few series free to move, and every placed occurrence they could meet (the
same people on a day they could use, or a venue and day they could use) locked where it is.
The family members' travel in the rest of the plan is carried in as a floor, so the small
model's objective differs from the whole one's by a constant, and a better small plan is a
better whole plan. The whole model meanwhile proves a bound in its own thread (solve.py).
"""

from __future__ import annotations

import random
import time
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import date

from ortools.sat.python import cp_model

from scheduler.engine import constraints
from scheduler.engine.hint import add_hint
from scheduler.model.context import ModelContext, build, light_presolve, objective, solve_within

Key = tuple[str, int]
Slot = tuple[date, int, str]

# About this many occurrences are freed at a time: small enough to solve in well under a
# second, large enough to move a meeting past its neighbours (benchmarks/RESULTS.md).
NEIGHBOURHOOD_OCCURRENCES = 20
MOVE_SECONDS = 2.0


@dataclass
class Progress:
    moves: int = 0
    improved: int = 0
    gain: int = 0
    history: list[tuple[float, int]] = field(default_factory=list)  # (s, objective) per gain


def objective_value(model: cp_model.CpModel, values: list[int]) -> int:
    """The model's objective for a full assignment (as CP-SAT would report it)."""
    obj = model.Proto().objective
    total = sum(c * values[v] if v >= 0 else c * (1 - values[-v - 1])  # a negative ref is a negated literal
                for v, c in zip(obj.vars, obj.coeffs, strict=True))
    return int(round((total + obj.offset) * (obj.scaling_factor or 1)))


def improve(ctx: ModelContext, plan: dict[Key, Slot], value: int, deadline: float, seed: int,
            stop: Callable[[int], bool] = lambda value: False) -> tuple[dict[Key, Slot], int, Progress]:
    """Re-solve neighbourhoods of `plan` (worth `value`) until `deadline` (time.perf_counter),
    until `stop(value)` says so, or until a whole round of them is proven to have nothing better."""
    plan = dict(plan)
    progress = Progress()
    by_series: dict[str, list[Key]] = {}  # what each series has free to move
    for c in ctx.choices:
        if not c.fixed and c.days and c.times and c.venues:
            by_series.setdefault(c.occ.meeting_id, []).append(c.key)
    series = sorted(by_series)
    if not series:
        return plan, value, progress
    rng = random.Random(seed)
    links = _series_links(ctx)
    order: list[str] = []
    settled = 0  # neighbourhoods in a row proven to have nothing better
    while time.perf_counter() < deadline - 0.2 and not stop(value) and settled < len(series):
        if not order:
            order = _by_trouble(ctx, plan, series, rng)
        free = _neighbourhood(by_series, order.pop(), links, rng)
        gain, moved, proven = _move(ctx, plan, free, seed, deadline)
        progress.moves += 1
        settled = settled + 1 if proven and gain == 0 else 0
        if gain > 0:
            plan.update(moved)
            for key in free:
                if key not in moved:
                    plan.pop(key, None)
            value -= gain
            progress.improved += 1
            progress.gain += gain
            progress.history.append((time.perf_counter(), value))
    return plan, value, progress


def _by_trouble(ctx: ModelContext, plan: dict[Key, Slot], series: list[str], rng: random.Random) -> list[str]:
    """Series to start neighbourhoods from, in pop order: those with a compromise first.

    A compromise is a value a soft rule prices, a repeated venue, or an unplaced occurrence;
    series with none rarely gain, so they come last. Ties are broken at random (seeded).
    """
    troubled: set[str] = set()
    last_venue: dict[str, str] = {}
    for c in sorted(ctx.choices, key=lambda c: c.key):
        mid = c.occ.meeting_id
        slot = plan.get(c.key)
        if slot is None:
            if c.days and c.times and c.venues:
                troubled.add(mid)
            continue
        if last_venue.get(mid) == slot[2] or any(v in slot for v in _soft_bad_values(c)):
            troubled.add(mid)
        last_venue[mid] = slot[2]
    calm = [m for m in series if m not in troubled]
    hot = [m for m in series if m in troubled]
    rng.shuffle(calm)
    rng.shuffle(hot)
    return calm + hot  # popped from the end


def _soft_bad_values(c) -> set:
    return {v for values in c.soft_bad.values() for v in values}


def _series_links(ctx: ModelContext) -> dict[str, list[str]]:
    """Series that share someone: moving them together resolves their clashes."""
    by_person: dict[str, set[str]] = {}
    for c in ctx.choices:
        for p in c.meeting.everyone:
            by_person.setdefault(p, set()).add(c.occ.meeting_id)
    links: dict[str, set[str]] = {}
    for group in by_person.values():
        for mid in group:
            links.setdefault(mid, set()).update(group - {mid})
    return {mid: sorted(other) for mid, other in links.items()}


def _neighbourhood(by_series: dict[str, list[Key]], start: str, links: dict[str, list[str]],
                   rng: random.Random) -> set[Key]:
    """A series, those sharing people with it, and random others up to the neighbourhood size."""
    chosen = [start]
    frontier = [m for m in links.get(start, []) if m in by_series]
    rng.shuffle(frontier)
    pool = sorted(by_series)
    size = len(by_series[start])
    while size < NEIGHBOURHOOD_OCCURRENCES and len(chosen) < len(pool):
        mid = frontier.pop() if frontier else rng.choice(pool)
        if mid in chosen:
            continue
        chosen.append(mid)
        size += len(by_series[mid])
    return {k for mid in chosen for k in by_series[mid]}


def _move(ctx: ModelContext, plan: dict[Key, Slot], free: set[Key], seed: int,
          deadline: float) -> tuple[int, dict[Key, Slot], bool]:
    """Solve `free` around the rest of the plan: the gain (0 if none), the new placements, and
    whether the small model was solved to optimality."""
    series = {key[0] for key in free}
    # a fixed occurrence (schedule whatif) of a free series stays put, and its series counts it
    fixed = {c.key for c in ctx.choices if c.fixed and c.key in plan and c.occ.meeting_id in series}
    locked, busy = _touching(ctx, plan, free, fixed)
    keys = free | set(locked)
    floor, worst_floor = _travel_outside(ctx, plan, keys)
    options = replace(ctx.options, only=keys, lock={**ctx.options.lock, **locked},
                      travel_floor=floor, worst_floor=worst_floor, venue_busy=busy)
    sub = ModelContext(ctx.ds, ctx.planning, [c.occ for c in ctx.choices if c.key in keys], options,
                       travel=ctx.travel, cal=ctx.cal, verdicts=ctx.verdicts)
    build(sub, constraints.RULE_UNITS, constraints.FILTERS)
    sub.model.Minimize(objective(sub))
    left = deadline - time.perf_counter()
    if left <= 0.1:
        return 0, {}, False
    start = {k: plan[k] for k in free if k in plan}
    values = add_hint(sub, start, seed, min(MOVE_SECONDS, left / 2))
    if values is None:
        return 0, {}, False
    before = objective_value(sub.model, values)
    solver = cp_model.CpSolver()
    solver.parameters.num_workers = 1
    solver.parameters.random_seed = seed
    solver.parameters.max_time_in_seconds = max(min(MOVE_SECONDS, deadline - time.perf_counter()), 0.01)
    light_presolve(solver.parameters)
    status = solve_within(solver, sub.model)
    if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        return 0, {}, False
    after = int(round(solver.ObjectiveValue()))
    if after >= before:
        return 0, {}, status == cp_model.OPTIMAL
    moved: dict[Key, Slot] = {}
    for c in sub.choices:
        if c.key in free and solver.Value(c.placed):
            moved[c.key] = (c.days[_one(solver, c.x_day)], c.times[_one(solver, c.x_time)],
                            c.venues[_one(solver, c.y)])
    return before - after, moved, status == cp_model.OPTIMAL


def _one(solver: cp_model.CpSolver, xs: list) -> int:
    return next(i for i, x in enumerate(xs) if solver.Value(x))


def _touching(ctx: ModelContext, plan: dict[Key, Slot], free: set[Key],
              keep: set[Key]) -> tuple[dict[Key, Slot], dict]:
    """What a free occurrence could meet on a day it could use: placed occurrences with the same
    people (locked, so travel between them is checked), and bookings of the same venues. The
    occurrences in `keep` are locked in any case."""
    by_day: dict[date, list[Key]] = {}
    for key, slot in plan.items():
        if key not in free:
            by_day.setdefault(slot[0], []).append(key)
    people_of = {key: set(ctx.by_key[key].meeting.everyone) for key in free}
    locked: dict[Key, Slot] = {key: plan[key] for key in sorted(keep)}
    near: set[Key] = set()  # placed at a venue a free occurrence could use, on a day it could use
    for key in free:
        c = ctx.by_key[key]
        venues, people = set(c.venues), people_of[key]
        for d in c.days:
            for other in by_day.get(d, ()):
                if people & set(ctx.by_key[other].meeting.everyone):
                    locked[other] = plan[other]
                elif plan[other][2] in venues:
                    near.add(other)
    busy: dict[str, list[tuple[date, int, int]]] = {}
    for other in sorted(near - set(locked)):
        od, ot, ov = plan[other]
        busy.setdefault(ov, []).append((od, ot, ot + ctx.by_key[other].meeting.duration_minutes))
    return locked, busy


def _travel_outside(ctx: ModelContext, plan: dict[Key, Slot], keys: set[Key]) -> tuple[dict[str, int], int]:
    """Each family member's travel in the plan outside `keys`, and the largest such total."""
    people, venues = ctx.ds.participants, ctx.ds.venues
    outside: dict[str, int] = {}
    for key, slot in plan.items():
        if key in keys:
            continue
        for p in ctx.by_key[key].meeting.everyone:
            person = people.get(p)
            if person is not None and person.is_family:
                outside[p] = outside.get(p, 0) + (ctx.travel.person_to_venue(person, venues[slot[2]]) or 0)
    return outside, max(outside.values(), default=0)
