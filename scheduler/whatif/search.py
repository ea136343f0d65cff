"""The minimal-change search: keep what still works, place the rest around it, move a kept one only to save another."""

from __future__ import annotations

import dataclasses
import time
from dataclasses import dataclass, field
from datetime import date, timedelta

from scheduler.core.domain import Dataset, DateRange, Occurrence, Placement, Plan
from scheduler.engine import constraints
from scheduler.engine.solve import SolverSettings, solve_context, solver_settings
from scheduler.engine.validate import Finding, check
from scheduler.explain import annotate
from scheduler.explain.search import IMPOSSIBLE
from scheduler.explain.search import Search as ExplainSearch
from scheduler.inputs.timeparse import MIN_YEAR
from scheduler.model.context import UNPLACED_WEIGHT, ModelContext, Options, build, objective
from scheduler.whatif.change import Change
from scheduler.whatif.common import (
    ESTIMATE_SECONDS,
    NOT_A_REASON_TO_MOVE,
    Key,
    Slot,
    key_of,
    slot_of,
)
from scheduler.world.calendar import occurrences

# ---------------------------------------------------------------------------------------------
# Solving
# ---------------------------------------------------------------------------------------------

@dataclass
class Budget:
    """One time limit shared by every solve of a what-if."""

    settings: SolverSettings
    started: float = field(default_factory=time.monotonic)

    def next(self, cap: float | None = None) -> SolverSettings:
        left = self.settings.time_limit - (time.monotonic() - self.started)
        if cap is not None:
            left = min(left, cap)
        return SolverSettings(max(left, 0.05), self.settings.seed, self.settings.workers)


def solve(ds: Dataset, window: DateRange, occs: list[Occurrence], options: Options, ss: SolverSettings,
          hint: dict[Key, Slot] | None = None, fewest_moves_last: bool = False,
          sent: set[Key] | frozenset = frozenset()) -> tuple[Plan, ModelContext]:
    """One CP-SAT run over `occs`, as solve.plan does, with an optional hint; not yet annotated
    (only the plans the search keeps are: see `search`).

    Leaving out an occurrence in `sent` (invited already) costs twice as much as leaving out one
    never sent, so a meeting never placed before cannot take the place of one people expect.
    `fewest_moves_last` makes the moves of `options.prefer` a pure tie-break: every other
    penalty is scaled above the largest possible number of moves.
    """
    ctx = ModelContext(ds, window, occs, options)
    build(ctx, constraints.RULE_UNITS, constraints.FILTERS)
    for pen in ctx.penalties:
        if pen.rule == "unplaced" and pen.occurrence in sent:
            pen.weight = 2 * UNPLACED_WEIGHT
    if fewest_moves_last:
        moves = [p for p in ctx.penalties if p.rule == "move"]
        scale = len(moves) + 1
        ctx.model.Minimize(sum(p.weight * scale * p.expr for p in ctx.penalties if p.weight and p.rule != "move")
                           + sum(p.expr for p in moves))
    else:
        ctx.model.Minimize(objective(ctx))
    return solve_context(ds, ctx, ss, hint), ctx



@dataclass
class Search:
    """What the minimal-change search found, for the comparison with the baseline."""

    chosen: Plan  # the plan to write: the minimal change, or the free re-plan with --replan
    minimal: Plan
    free: Plan | None
    affected: dict[Key, list[Finding]]  # baseline placements that break a hard rule now
    rescues: dict[Key, list[Key]]  # kept placements moved to save others, and whom they saved
    carried: list[Placement]  # baseline rows outside the planning window, kept as they are
    base_by_key: dict[Key, Placement]  # the re-planned baseline rows
    solve_seconds: float


def search(change: Change, replan: bool = False, time_limit: float | None = None,
           seed: int | None = None) -> Search:
    """Keep every baseline placement that still keeps the hard rules; place the rest around them."""
    ds, window, base = change.ds, change.window, change.base
    budget = Budget(solver_settings(ds, time_limit, seed))

    # -- which rows are re-planned, which are carried over -------------------------------------
    in_window = {(o.meeting_id, o.number): o for o in occurrences(ds, window)}
    carried = [p for p in base if key_of(p) not in in_window
               or (p.scheduled and not window.first <= p.day <= window.last)]
    carried_keys = {key_of(p) for p in carried}
    rows = [p for p in base if key_of(p) not in carried_keys]
    carried_days: dict[str, list[date]] = {}
    for c in carried:
        if c.scheduled:
            carried_days.setdefault(c.occurrence.meeting_id, []).append(c.day)
    occ_of: dict[Key, Occurrence] = {}
    for k in [key_of(p) for p in rows] + [(o.meeting_id, o.number) for o in change.new_occurrences]:
        occ_of[k] = _spaced(ds, in_window[k], carried_days.get(k[0], []), window)
    rows = [dataclasses.replace(p, occurrence=occ_of[key_of(p)]) for p in rows]
    occs = list(occ_of.values())
    base_by_key = {key_of(p): p for p in rows}

    # -- which kept placements still keep every hard rule ---------------------------------------
    findings = check(ds, [p for p in rows if p.scheduled], DateRange(date(MIN_YEAR, 1, 1), window.last))
    affected: dict[Key, list[Finding]] = {}
    for f in findings:
        k = (f.meeting_id, f.occurrence)
        if f.hard and f.rule not in NOT_A_REASON_TO_MOVE and k in base_by_key and base_by_key[k].scheduled:
            affected.setdefault(k, []).append(f)
    kept = {k: slot_of(p) for k, p in base_by_key.items() if p.scheduled and k not in affected}
    papers_out = {k for k in kept if base_by_key[k].papers_due is not None
                  and base_by_key[k].papers_due < window.first}
    was_scheduled = {k for k, p in base_by_key.items() if p.scheduled}

    # -- the minimal change: kept placements locked, the affected placed around them -------------
    minimal, minimal_ctx = solve(ds, window, occs, Options(lock=dict(kept)), budget.next(), sent=was_scheduled)
    solve_seconds = minimal.solve_seconds
    by_key = {key_of(p): p for p in minimal.placements}
    lost = {k for k in affected if not by_key[k].scheduled}
    rescues: dict[Key, list[Key]] = {}
    if lost and len(kept) > len(papers_out) and could_be_saved(ds, window, occs, lost):
        # A kept meeting may move only to save an affected one from cancellation.
        never_placed = {k for k in base_by_key if k not in was_scheduled and not by_key[k].scheduled}
        occs3 = [o for o in occs if (o.meeting_id, o.number) not in never_placed]
        hint = {k: slot_of(p) for k, p in by_key.items() if p.scheduled}
        trial, trial_ctx = solve(ds, window, occs3,
                                 Options(lock={k: kept[k] for k in papers_out},
                                         prefer={k: s for k, s in kept.items() if k not in papers_out} | {
                                             k: s for k, s in hint.items() if k not in was_scheduled}),
                                 budget.next(), hint=hint, sent=was_scheduled)
        solve_seconds += trial.solve_seconds
        trial_by_key = {key_of(p): p for p in trial.placements}
        lost3 = {k for k in was_scheduled if not trial_by_key[k].scheduled}
        unplaced_before = sum(1 for p in minimal.placements if not p.scheduled)
        unplaced_after = sum(1 for p in trial.placements if not p.scheduled) + len(never_placed)
        if len(lost3) < len(lost) and unplaced_after <= unplaced_before:
            saved = sorted(lost - lost3)
            for k in kept:
                if slot_of(trial_by_key[k]) != kept[k]:
                    rescues[k] = saved
            # the meetings never placed keep the reasons of the plan they were left out of
            annotate(ds, minimal, minimal_ctx, only=never_placed)
            annotate(ds, trial, trial_ctx)
            trial.placements += [by_key[k] for k in sorted(never_placed)]
            minimal, by_key, lost = trial, {key_of(p): p for p in trial.placements}, lost3
            minimal_ctx = None
    if minimal_ctx is not None:
        annotate(ds, minimal, minimal_ctx)

    # -- a free re-plan, to apply (--replan) or to weigh against the minimal change -------------
    free: Plan | None = None
    if replan or change.added_venues:
        free, free_ctx = solve(ds, window, occs,
                               Options(lock={k: kept[k] for k in papers_out},
                                       prefer={k: slot_of(p) for k, p in base_by_key.items() if p.scheduled}),
                               budget.next(None if (replan or time_limit is not None) else ESTIMATE_SECONDS),
                               hint={k: slot_of(p) for k, p in by_key.items() if p.scheduled},
                               fewest_moves_last=True, sent=was_scheduled)
        solve_seconds += free.solve_seconds
        annotate(ds, free, free_ctx)
    free_found = free is not None and free.objective is not None
    chosen = free if (replan and free_found) else minimal
    return Search(chosen, minimal, free, affected, rescues, carried, base_by_key, solve_seconds)


def could_be_saved(ds: Dataset, window: DateRange, occs: list[Occurrence], lost: set[Key]) -> bool:
    """Whether any lost occurrence fits on its own, with every other meeting away.

    One that does not (the closed venue was the only one its people can use) stays unplaced
    however the others move, so when none fits, the re-plan that moves kept meetings to save
    them cannot change the answer and is not run. A search that gives up counts as fitting.
    """
    alone = ExplainSearch(ds, window, [], occs=occs)
    return any(alone.solve(k).status != IMPOSSIBLE for k in sorted(lost))


def _spaced(ds: Dataset, occ: Occurrence, carried_days: list[date], window: DateRange) -> Occurrence:
    """The occurrence's days, kept at the series' minimum gap from carried-over occurrences."""
    gap = timedelta(days=ds.meetings[occ.meeting_id].min_gap_days)
    first, last = occ.planned.first, occ.planned.last
    before = [d for d in carried_days if d < window.first]
    after = [d for d in carried_days if d > window.last]
    if before:
        first = max(first, max(before) + gap)
    if after:
        last = min(last, min(after) - gap)
    if (first, last) == (occ.planned.first, occ.planned.last):
        return occ
    return dataclasses.replace(occ, planned=DateRange(first, last))


