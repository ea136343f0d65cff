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

import numpy as np
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


def _combos(ctx: ModelContext, c: Choice, day_cost: dict, time_cost: dict) -> tuple[list[int], list[int], list[int]]:
    """Every (day, start) of `c`, cheapest first (ties by day, then start): their prices, and
    the positions of their day and start in c.days and c.times.

    A slot rule judges days of one `day_class` alike, so its price is asked once per class and
    start rather than once per day and start (1,800 of them for a typical meeting)."""
    days, times = c.days, c.times
    cost = np.add.outer(np.array([day_cost[d] for d in days], dtype=np.int64),
                        np.array([time_cost[t] for t in times], dtype=np.int64))
    for rule in SLOT_COSTS:
        f = rule.hint_slot_cost(ctx, c)
        if f is None:
            continue
        classes: dict[object, int] = {}
        rows = []
        of_day = []
        for d in days:
            cls = rule.day_class(ctx, d)
            if cls not in classes:
                classes[cls] = len(rows)
                rows.append([f(d, t) for t in times])
            of_day.append(classes[cls])
        cost += np.array(rows, dtype=np.int64).reshape(len(rows), len(times))[of_day]
    flat = cost.ravel()
    day_no = np.repeat(np.arange(len(days)), len(times))
    time_no = np.tile(np.arange(len(times)), len(days))
    ordinals = np.array([d.toordinal() for d in days], dtype=np.int64)
    order = np.lexsort((np.array(times, dtype=np.int64)[time_no], ordinals[day_no], flat))
    return flat[order].tolist(), day_no[order].tolist(), time_no[order].tolist()


def _asked_once(rules: tuple[Rule, ...], hook: str, ctx: ModelContext, c: Choice, diary: _Diary):
    """One call of `hook` per rule and distinct part of (day, start, venue) it looks at
    (`Rule.hint_depends`), while one occurrence is placed (the diary does not change meanwhile)."""
    asks = [(getattr(r, hook), "day" in r.hint_depends, "time" in r.hint_depends, "venue" in r.hint_depends, {})
            for r in rules]

    def answers(d: date, t: int, vid: str):
        for ask, on_day, on_time, on_venue, seen in asks:
            key = (d if on_day else None, t if on_time else None, vid if on_venue else None)
            if key not in seen:
                seen[key] = ask(ctx, c, diary, d, t, vid)
            yield seen[key]

    return answers


def _cheapest(ctx: ModelContext, c: Choice, diary: _Diary) -> tuple[date, int, str] | None:
    """The cheapest (day, start, venue) that collides with nothing placed so far."""
    day_cost, time_cost, venue_cost = _cost_tables(ctx, c)
    same_series = sorted((k[1], diary.placed[k]) for k in diary.by_series.get(c.occ.meeting_id, []))
    # the scheduled occurrences either side: venue_rotation pairs consecutive *scheduled* ones
    before = [slot for n, slot in same_series if n < c.occ.number][-1:]
    after = [slot for n, slot in same_series if n > c.occ.number][:1]
    neighbours = before + after
    prices, day_at, time_at = _combos(ctx, c, day_cost, time_cost)
    cheapest = prices[0]
    collisions = _asked_once(COLLIDES, "hint_collides", ctx, c, diary)
    diary_costs = _asked_once(DIARY_COSTS, "hint_diary_cost", ctx, c, diary)
    best = None
    for vid in sorted(c.venues, key=lambda v: (venue_cost[v], v)):
        rot = sum(r.hint_cost(ctx, c, neighbours, vid) for r in NEIGHBOUR_COSTS)
        if best is not None and venue_cost[vid] + cheapest >= best[0]:
            break  # venues come cheapest first: no later one can do better
        if best is not None and venue_cost[vid] + rot + cheapest >= best[0]:
            continue  # a repeat of the last venue: a later, dearer venue may still be cheaper
        for cost, i, j in zip(prices, day_at, time_at, strict=True):
            d, t = c.days[i], c.times[j]
            total = cost + venue_cost[vid] + rot
            if best is not None and total >= best[0]:
                break
            if cost >= 10**12:
                break  # forbidden by a slot rule, as is every later (dearer) one
            if not all(r.hint_allows(ctx, c, d, t, vid) for r in ALLOWS):
                continue
            if any(collisions(d, t, vid)):
                continue
            extra = sum(diary_costs(d, t, vid))
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
    fixed, values = [], []
    for c in ctx.choices:
        choice = hint.get(c.key)
        if choice is None or c.fixed:
            continue
        d, t, v = choice
        fixed.append(c.placed.Index())
        values.append(1)
        for chosen, options, xs in ((d, c.days, c.x_day), (t, c.times, c.x_time), (v, c.venues, c.y)):
            fixed += [x.Index() for x in xs]
            values += [int(o == chosen) for o in options]
    # The placement is held by hinting it in a copy and asking CP-SAT to fix what is hinted: one
    # bulk copy into the model rather than one constraint per variable (at 1,500 occurrences the
    # constraints took longer to add than CP-SAT took to complete the plan).
    trial = ctx.model.clone()
    trial.ClearHints()  # a hint given before (a second call) would be fixed too
    trial.Proto().solution_hint.vars.extend(fixed)
    trial.Proto().solution_hint.values.extend(values)
    solver = cp_model.CpSolver()
    solver.parameters.num_workers = 1
    solver.parameters.random_seed = seed
    solver.parameters.max_time_in_seconds = max(time_limit, 0.01)
    solver.parameters.fix_variables_to_their_hinted_value = True
    light_presolve(solver.parameters)
    status = solve_within(solver, trial)
    if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        return None
    completed = list(solver.ResponseProto().solution)
    ctx.model.ClearHints()
    ctx.model.Proto().solution_hint.vars.extend(range(len(completed)))
    ctx.model.Proto().solution_hint.values.extend(completed)
    return completed


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
