"""The engine's model as a mixed-integer program, solved with HiGHS (highspy).

Same candidate domains and same weights as the CP-SAT model: it is built from the engine's own
`ModelContext` after `solve.build_context`, so every occurrence has exactly the days, start
times and venues the engine's filters left it (and the same soft-rule prices on them).

Formulation (all binaries one-hot, as in CP-SAT):
- per occurrence: placed P, day X[d], start T[t], venue Y[v]; sum X = sum T = sum Y = P;
  start S = 1440 * sum(offset(d) X[d]) + sum(t T[t]) and day index D = sum(offset(d) X[d]);
- unplaced: UNPLACED_WEIGHT * (1 - P); soft unary rules: their weight on each priced value;
- young_people_hours: A <= school days, A <= after-school starts, B <= P - school days,
  B <= daytime starts, cost weight * (P - A - B) (or A + B = P when hard);
- venue_open: sum of X over the venue's closed days + Y[v] <= 1, and the same for the start
  times outside its hours (exact, because X and T are one-hot);
- venue_clash: for two occurrences that can share a venue and a day, a same-venue indicator
  Z >= Y[a,v] + Y[b,v] - 1 and an order binary O with big-M disjunctions on S;
- attendee_clash: for two occurrences of different series with shared attendees that can
  fall on a day together, travel V >= table[va][vb] when both venues are chosen (one row per
  venue of a: V >= sum_vb table[va][vb] Y[b,vb] - max_va (1 - Y[a,va])), and the same
  disjunction with duration + V, active when both are placed;
- series_spacing: D[b] - D[a] >= gap when both are placed (big-M);
- venue_rotation: for consecutive *scheduled* occurrences, as the engine counts them (a up to
  three places before b, every occurrence between unplaced; one with no possible slot never
  is): R >= Y[a,v] + Y[b,v] - 1 - sum P[between] for each shared venue v, priced (hard:
  Y[a,v] + Y[b,v] - sum P[between] <= 1);
- travel_time: weight * minutes on each family member's venue choice, plus weight * W with
  W >= every family member's yearly total.
Big-M constants are the tightest the domains allow. The objective is integral, so the run
stops at an absolute gap below 1 (the same optimality CP-SAT proves).
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field

import highspy
import numpy as np

from scheduler.core.domain import MINUTES_PER_DAY
from scheduler.model.context import UNPLACED_WEIGHT, Choice, ModelContext
from scheduler.rules import VALUE_RULES, young_people_hours
from scheduler.rules import strength as rule_strength
from scheduler.world import facts

INF = highspy.kHighsInf


class _Lp:
    """A row-wise sparse model, passed to HiGHS in one call."""

    def __init__(self) -> None:
        self.lo: list[float] = []
        self.hi: list[float] = []
        self.cost: list[float] = []
        self.integer: list[bool] = []
        self.row_lo: list[float] = []
        self.row_hi: list[float] = []
        self.start: list[int] = [0]
        self.index: list[int] = []
        self.value: list[float] = []
        self.offset = 0.0

    def var(self, lo: float = 0.0, hi: float = 1.0, cost: float = 0.0, integer: bool = True) -> int:
        self.lo.append(lo)
        self.hi.append(hi)
        self.cost.append(cost)
        self.integer.append(integer)
        return len(self.lo) - 1

    def row(self, terms: dict[int, float] | list[tuple[int, float]], lo: float = -INF, hi: float = INF) -> None:
        items = terms.items() if isinstance(terms, dict) else terms
        merged: dict[int, float] = {}
        for j, a in items:
            merged[j] = merged.get(j, 0.0) + a
        for j, a in merged.items():
            if a:
                self.index.append(j)
                self.value.append(a)
        self.start.append(len(self.index))
        self.row_lo.append(lo)
        self.row_hi.append(hi)

    @property
    def rows(self) -> int:
        return len(self.row_lo)

    def to_highs(self) -> highspy.HighsLp:
        lp = highspy.HighsLp()
        lp.num_col_ = len(self.lo)
        lp.num_row_ = len(self.row_lo)
        lp.col_cost_ = np.array(self.cost, dtype=float)
        lp.col_lower_ = np.array(self.lo, dtype=float)
        lp.col_upper_ = np.array(self.hi, dtype=float)
        lp.row_lower_ = np.array(self.row_lo, dtype=float)
        lp.row_upper_ = np.array(self.row_hi, dtype=float)
        lp.a_matrix_.format_ = highspy.MatrixFormat.kRowwise
        lp.a_matrix_.num_col_ = lp.num_col_
        lp.a_matrix_.num_row_ = lp.num_row_
        lp.a_matrix_.start_ = np.array(self.start, dtype=np.int32)
        lp.a_matrix_.index_ = np.array(self.index, dtype=np.int32)
        lp.a_matrix_.value_ = np.array(self.value, dtype=float)
        lp.integrality_ = [highspy.HighsVarType.kInteger if i else highspy.HighsVarType.kContinuous
                           for i in self.integer]
        lp.offset_ = self.offset
        return lp


@dataclass
class _Vars:
    c: Choice
    P: int
    X: list[int]
    T: list[int]
    Y: list[int]
    S: int = -1
    D: int = -1
    s_range: tuple[int, int] = (0, 0)  # start S when placed
    d_range: tuple[int, int] = (0, 0)


@dataclass
class MipResult:
    status: str
    objective: float | None
    bound: float | None
    gap: float | None
    build_seconds: float
    solve_seconds: float
    columns: int
    rows: int
    nonzeros: int
    trajectory: list[tuple[float, float]] = field(default_factory=list)  # (seconds, objective)
    placements: list = field(default_factory=list)  # (key, day, start, venue) of the best plan


def build(ctx: ModelContext) -> tuple[_Lp, dict]:
    lp = _Lp()
    ds = ctx.ds
    vs: dict[tuple[str, int], _Vars] = {}
    kinds = {r.name: r.kind for r in VALUE_RULES}
    for c in ctx.choices:
        if not (c.days and c.times and c.venues):
            lp.offset += UNPLACED_WEIGHT
            continue
        P = lp.var(cost=-UNPLACED_WEIGHT)
        lp.offset += UNPLACED_WEIGHT
        X = [lp.var() for _ in c.days]
        T = [lp.var() for _ in c.times]
        Y = [lp.var() for _ in c.venues]
        for group in (X, T, Y):
            lp.row([(j, 1.0) for j in group] + [(P, -1.0)], 0.0, 0.0)
        v = _Vars(c, P, X, T, Y)
        offsets = [ctx.day_offset(d) for d in c.days]
        v.d_range = (min(offsets), max(offsets))
        v.s_range = (MINUTES_PER_DAY * min(offsets) + min(c.times), MINUTES_PER_DAY * max(offsets) + max(c.times))
        v.S = lp.var(0.0, float(v.s_range[1]), integer=False)
        lp.row([(v.S, 1.0)] + [(x, -MINUTES_PER_DAY * o) for x, o in zip(X, offsets, strict=True)]
               + [(t_var, -float(t)) for t_var, t in zip(T, c.times, strict=True)], 0.0, 0.0)
        v.D = lp.var(0.0, float(v.d_range[1]), integer=False)
        lp.row([(v.D, 1.0)] + [(x, -float(o)) for x, o in zip(X, offsets, strict=True)], 0.0, 0.0)
        vs[c.key] = v
        # soft unary rules: the same prices the engine puts on these values
        for rule, bad in c.soft_bad.items():
            kind = kinds[rule]
            values = {"day": c.days, "time": c.times, "venue": c.venues}[kind]
            cols = {"day": X, "time": T, "venue": Y}[kind]
            w = ctx.weight(rule)
            for value in bad:
                if value in values:
                    lp.cost[cols[values.index(value)]] += w
    _young_people_hours(ctx, lp, vs)
    _venue_open(ctx, lp, vs)
    _pairs(ctx, lp, vs)
    _series(ctx, lp, vs)
    _travel(ctx, lp, vs, ds)
    return lp, vs


def _young_people_hours(ctx: ModelContext, lp: _Lp, vs: dict) -> None:
    rule = "young_people_hours"
    strength = rule_strength(ctx, rule)
    if strength == "off":
        return
    for v in vs.values():
        c = v.c
        if "young_person" not in {p.role for p in facts.attendees(ctx.ds, c.meeting)}:
            continue
        dur = c.meeting.duration_minutes
        school_span = young_people_hours.window(ctx.ds, c.meeting, True)
        other_span = young_people_hours.window(ctx.ds, c.meeting, False)
        school = [x for d, x in zip(c.days, v.X, strict=True) if ctx.cal.is_school_day(d)]
        after = [x for t, x in zip(c.times, v.T, strict=True) if young_people_hours.fits(school_span, t, t + dur)]
        daytime = [x for t, x in zip(c.times, v.T, strict=True) if young_people_hours.fits(other_span, t, t + dur)]
        w = ctx.weight(rule)
        a = lp.var(integer=False, cost=-w if strength == "soft" else 0.0)
        b = lp.var(integer=False, cost=-w if strength == "soft" else 0.0)
        lp.row([(a, 1.0)] + [(x, -1.0) for x in school], hi=0.0)
        lp.row([(a, 1.0)] + [(x, -1.0) for x in after], hi=0.0)
        lp.row([(b, 1.0), (v.P, -1.0)] + [(x, 1.0) for x in school], hi=0.0)
        lp.row([(b, 1.0)] + [(x, -1.0) for x in daytime], hi=0.0)
        if strength == "hard":
            lp.row([(a, 1.0), (b, 1.0), (v.P, -1.0)], 0.0, 0.0)
        else:
            lp.cost[v.P] += w


def _venue_open(ctx: ModelContext, lp: _Lp, vs: dict) -> None:
    for v in vs.values():
        c = v.c
        dur = c.meeting.duration_minutes
        for vid, y in zip(c.venues, v.Y, strict=True):
            venue = ctx.ds.venues[vid]
            closed = [x for d, x in zip(c.days, v.X, strict=True) if venue.is_closed_on(d)]
            if closed:
                lp.row([(x, 1.0) for x in closed] + [(y, 1.0)], hi=1.0)
            shut = [t_var for t, t_var in zip(c.times, v.T, strict=True)
                    if t < venue.open_from or t + dur > venue.open_until]
            if shut:
                lp.row([(t_var, 1.0) for t_var in shut] + [(y, 1.0)], hi=1.0)


def _pairs(ctx: ModelContext, lp: _Lp, vs: dict) -> None:
    """venue_clash and attendee_clash as big-M disjunctions on the start times."""
    ds = ctx.ds
    people = ds.participants
    items = list(vs.values())
    members = {v.c.key: set(v.c.meeting.everyone) for v in items}
    day_sets = {v.c.key: set(v.c.days) for v in items}
    venue_pos = {v.c.key: {vid: k for k, vid in enumerate(v.c.venues)} for v in items}
    for i, a in enumerate(items):
        ca = a.c
        for b in items[i + 1:]:
            cb = b.c
            if not (day_sets[ca.key] & day_sets[cb.key]):
                continue
            shared = set() if ca.occ.meeting_id == cb.occ.meeting_id else members[ca.key] & members[cb.key]
            if shared:
                travellers = [people[p] for p in sorted(shared) if p in people]
                table = [[ctx.travel.between_for(ds.venues[va], ds.venues[vb], travellers) for vb in cb.venues]
                         for va in ca.venues]
                tmax = max(max(row) for row in table)
                tv = None
                if tmax > 0:
                    tv = lp.var(0.0, float(tmax), integer=False)
                    for ya, row in zip(a.Y, table, strict=True):
                        row_max = max(row)
                        lp.row([(tv, 1.0)] + [(yb, -float(t)) for yb, t in zip(b.Y, row, strict=True)]
                               + [(ya, -float(row_max))], lo=-float(row_max))
                _disjunction(lp, a, b, tv, tmax, active=[a.P, b.P])
                continue
            common = [vid for vid in ca.venues if vid in venue_pos[cb.key]]
            if not common:
                continue
            z = lp.var(integer=False)
            for vid in common:
                lp.row([(z, 1.0), (a.Y[venue_pos[ca.key][vid]], -1.0), (b.Y[venue_pos[cb.key][vid]], -1.0)], lo=-1.0)
            _disjunction(lp, a, b, None, 0, active=[z])


def _disjunction(lp: _Lp, a: _Vars, b: _Vars, tv: int | None, tmax: int, active: list[int]) -> None:
    """When every `active` indicator is 1: a ends (plus travel) before b starts, or the reverse."""
    da, db = a.c.meeting.duration_minutes, b.c.meeting.duration_minutes
    order = lp.var()
    k = len(active)
    # order = 1: S_b - S_a - tv >= da;  order = 0: S_a - S_b - tv >= db.
    m1 = da + tmax + a.s_range[1]  # big enough even when one of them is unplaced (S = 0)
    m2 = db + tmax + b.s_range[1]
    travel = [(tv, -1.0)] if tv is not None else []
    # S_b - S_a - tv >= da - m1 (1 - order) - m1 (k - sum active)
    lp.row([(b.S, 1.0), (a.S, -1.0), (order, -float(m1))] + travel + [(x, -float(m1)) for x in active],
           lo=float(da - m1 - m1 * k))
    # S_a - S_b - tv >= db - m2 order - m2 (k - sum active)
    lp.row([(a.S, 1.0), (b.S, -1.0), (order, float(m2))] + travel + [(x, -float(m2)) for x in active],
           lo=float(db - m2 * k))


def _series(ctx: ModelContext, lp: _Lp, vs: dict) -> None:
    spacing = rule_strength(ctx, "series_spacing")
    rotation = rule_strength(ctx, "venue_rotation")
    groups: dict[str, list[Choice]] = {}
    for c in ctx.choices:
        groups.setdefault(c.occ.meeting_id, []).append(c)
    for mid, group in groups.items():
        group.sort(key=lambda c: c.occ.number)
        gap = ctx.ds.meetings[mid].min_gap_days
        if spacing != "off":
            for i, ca in enumerate(group):
                for cb in group[i + 1:]:
                    a, b = vs.get(ca.key), vs.get(cb.key)
                    if a is None or b is None or (min(cb.days) - max(ca.days)).days >= gap:
                        continue
                    big = gap + a.d_range[1]
                    terms = [(b.D, 1.0), (a.D, -1.0), (a.P, -float(big)), (b.P, -float(big))]
                    if spacing == "soft":
                        relax = lp.var(cost=ctx.weight("series_spacing"))
                        terms.append((relax, float(big)))
                    lp.row(terms, lo=float(gap - 2 * big))
        if rotation == "off":
            continue
        # Consecutive *scheduled* occurrences, as the engine counts them: a and b (up to three
        # places apart) pair up when every occurrence between them is unplaced; one with no
        # possible slot (no variables) is never placed, so it adds no condition.
        for i, cb in enumerate(group):
            for back in (1, 2, 3):
                if i - back < 0:
                    break
                ca, between = group[i - back], group[i - back + 1:i]
                a, b = vs.get(ca.key), vs.get(cb.key)
                if a is None or b is None:
                    continue
                pos_b = {vid: k for k, vid in enumerate(cb.venues)}
                common = [(k, pos_b[vid]) for k, vid in enumerate(ca.venues) if vid in pos_b]
                if not common:
                    continue
                # Y[a,v] + Y[b,v] - sum P[x between] <= 1 (hard), or R >= that - 1 (soft)
                skipped = [vs[cx.key].P for cx in between if cx.key in vs]
                if rotation == "hard":
                    for ka, kb in common:
                        lp.row([(a.Y[ka], 1.0), (b.Y[kb], 1.0)] + [(p, -1.0) for p in skipped], hi=1.0)
                    continue
                r = lp.var(integer=False, cost=ctx.weight("venue_rotation"))
                for ka, kb in common:
                    lp.row([(r, 1.0), (a.Y[ka], -1.0), (b.Y[kb], -1.0)] + [(p, 1.0) for p in skipped], lo=-1.0)


def _travel(ctx: ModelContext, lp: _Lp, vs: dict, ds) -> None:
    w = ctx.weight("travel_time")
    if w == 0:
        return
    per_person: dict[str, list[tuple[int, float]]] = {}
    for v in vs.values():
        c = v.c
        for pid in c.meeting.everyone:
            person = ds.participants.get(pid)
            if person is None or not person.is_family:
                continue
            for vid, y in zip(c.venues, v.Y, strict=True):
                minutes = ctx.travel.person_to_venue(person, ds.venues[vid])
                if minutes:
                    lp.cost[y] += w * minutes
                    per_person.setdefault(pid, []).append((y, float(minutes)))
    if not per_person:
        return
    worst = lp.var(0.0, INF, cost=float(w), integer=False)
    for terms in per_person.values():
        lp.row([(worst, 1.0)] + [(y, -m) for y, m in terms], lo=0.0)


def solve(ctx: ModelContext, time_limit: float, threads: int = 2, seed: int = 0) -> MipResult:
    started = time.perf_counter()
    lp, vs = build(ctx)
    build_seconds = time.perf_counter() - started
    h = highspy.Highs()
    h.setOptionValue("output_flag", False)
    h.setOptionValue("time_limit", float(time_limit))
    h.setOptionValue("threads", int(threads))
    h.setOptionValue("random_seed", int(seed))
    h.setOptionValue("mip_rel_gap", 0.0)
    h.setOptionValue("mip_abs_gap", 0.999)  # integral objective: a gap below 1 is optimal
    h.passModel(lp.to_highs())
    trajectory: list[tuple[float, float]] = []

    def improving(event) -> None:
        trajectory.append((float(event.data_out.running_time), float(event.data_out.objective_function_value)))

    h.cbMipImprovingSolution.subscribe(improving)
    t0 = time.perf_counter()
    h.run()
    solve_seconds = time.perf_counter() - t0
    info = h.getInfo()
    status = h.modelStatusToString(h.getModelStatus())
    has_solution = info.primal_solution_status == highspy.kSolutionStatusFeasible
    objective = float(info.objective_function_value) if has_solution else None
    bound = float(info.mip_dual_bound) if has_solution or info.mip_dual_bound > -INF else None
    placements = []
    if has_solution:
        col = np.asarray(h.getSolution().col_value)
        for key, v in vs.items():
            if col[v.P] > 0.5:
                d = v.c.days[int(np.argmax(col[v.X]))]
                t = v.c.times[int(np.argmax(col[v.T]))]
                vid = v.c.venues[int(np.argmax(col[v.Y]))]
                placements.append((key, d, t, vid))
    gap = (objective - bound) / max(abs(objective), 1.0) if objective is not None and bound is not None else None
    return MipResult(status, objective, bound, gap, build_seconds, solve_seconds, len(lp.lo), lp.rows,
                     len(lp.index), trajectory, placements)
