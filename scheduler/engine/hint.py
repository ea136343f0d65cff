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

from scheduler.model.context import Choice, ModelContext, light_presolve, solve_within
from scheduler.world import facts


def _cost_tables(ctx: ModelContext, c: Choice):
    day_cost = {d: 0 for d in c.days}
    time_cost = {t: 0 for t in c.times}
    venue_cost = {v: 0 for v in c.venues}
    tables = {"day": day_cost, "time": time_cost, "venue": venue_cost}
    from scheduler.engine.constraints import UNARY

    for unit in UNARY:
        table = tables[unit.kind]
        for v in c.soft_bad.get(unit.rule, ()):
            if v in table:  # a later hard rule may have removed it
                table[v] += ctx.weight(unit.rule)
    w = ctx.weight("travel_time")
    for vid in c.venues:
        for pid in c.meeting.everyone:
            person = ctx.ds.participants.get(pid)
            if person is not None and person.is_family:
                venue_cost[vid] += w * (ctx.travel.person_to_venue(person, ctx.ds.venues[vid]) or 0)
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
    s = ctx.ds.settings
    day_cost, time_cost, venue_cost = _cost_tables(ctx, c)
    yph = "young_person" in {p.role for p in facts.attendees(ctx.ds, c.meeting)} \
        and ctx.strength("young_people_hours") != "off"
    dur = c.meeting.duration_minutes
    lo = facts.young_after_school_start(ctx.ds, c.meeting)
    yph_miss = 10**12 if ctx.strength("young_people_hours") == "hard" else ctx.weight("young_people_hours")

    def yph_cost(d: date, t: int) -> int:
        if not yph:
            return 0
        if ctx.cal.is_school_day(d):
            ok = t >= lo and t + dur <= s.young_after_school_end
        else:
            ok = t >= s.young_non_school_start and t + dur <= s.young_non_school_end
        return 0 if ok else yph_miss

    same_series = sorted((k[1], diary.placed[k]) for k in diary.by_series.get(c.occ.meeting_id, []))
    # the scheduled occurrences either side: venue_rotation pairs consecutive *scheduled* ones
    before = [slot for n, slot in same_series if n < c.occ.number][-1:]
    after = [slot for n, slot in same_series if n > c.occ.number][:1]
    neighbours = before + after
    combos = sorted((day_cost[d] + time_cost[t] + yph_cost(d, t), d, t) for d in c.days for t in c.times)
    best = None
    for vid in sorted(c.venues, key=lambda v: (venue_cost[v], v)):
        rot = ctx.weight("venue_rotation") * sum(1 for _, _, pv in neighbours if pv == vid)
        if best is not None and venue_cost[vid] + combos[0][0] >= best[0]:
            break  # venues come cheapest first: no later one can do better
        if best is not None and venue_cost[vid] + rot + combos[0][0] >= best[0]:
            continue  # a repeat of the last venue: a later, dearer venue may still be cheaper
        venue = ctx.ds.venues[vid]
        for cost, d, t in combos:
            total = cost + venue_cost[vid] + rot
            if best is not None and total >= best[0]:
                break
            if cost >= 10**12 or not facts.venue_open_ok(venue, d, t, t + dur):
                continue
            if _collides(ctx, c, diary, d, t, vid):
                continue
            best = (total, d, t, vid)
            break
    return best[1:] if best is not None else None


def _collides(ctx: ModelContext, c: Choice, diary: _Diary, d: date, t: int, vid: str) -> bool:
    me = set(c.meeting.everyone)
    end = t + c.meeting.duration_minutes
    gap = c.meeting.min_gap_days
    for key in diary.by_series.get(c.occ.meeting_id, []):
        if abs((diary.placed[key][0] - d).days) < gap:
            return True
    for key in diary.by_day.get(d, []):
        pd, pt, pv = diary.placed[key]
        other = ctx.by_key[key]
        oend = pt + other.meeting.duration_minutes
        if pv == vid and t < oend and pt < end:
            return True
        shared = me & set(other.meeting.everyone)
        if shared:
            people = [ctx.ds.participants[p] for p in sorted(shared) if p in ctx.ds.participants]
            tv = ctx.travel.between_for(ctx.ds.venues[vid], ctx.ds.venues[pv], people)
            if not (t >= oend + tv or pt >= end + tv):
                return True
    return False


def add_hint(ctx: ModelContext, hint: dict[tuple[str, int], tuple[date, int, str]], seed: int = 0,
             time_limit: float = 5.0) -> list[int] | None:
    """Hint every variable: fix the greedy placement in a copy, let CP-SAT fill in the rest.

    Hinting only the choice variables leaves penalty and auxiliary variables to be guessed,
    which can make the hinted plan look far worse than it is; completing it first avoids that.
    Returns the completed assignment (a whole valid plan, kept as a fallback should the main
    search find nothing in time), or None when it could not be completed (no hint is given).
    """
    from ortools.sat.python import cp_model

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
