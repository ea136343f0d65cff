"""Fixed placements (fixed.csv) against the hard rules, before any planning.

A fixed value is a hard rule of the organiser's own. One that breaks another hard rule (a venue
without the hoist toilet someone needs, a date outside its period, two fixed meetings in one room
at once) is a data error naming the row and the rule: the engine would otherwise have to drop
the fixed value or the rule, and it may do neither. A fixed value that breaks a soft rule is kept;
the plan reports it in rules_relaxed like any other compromise.
"""

from __future__ import annotations

from datetime import date

from ortools.sat.python import cp_model

from scheduler.core.domain import Dataset, DateRange, Fixed, Occurrence, Placement, Status, hhmm
from scheduler.core.errors import DataError, Problem
from scheduler.engine.solve import SolverSettings, build_context, run_solver
from scheduler.engine.validate import check_one
from scheduler.model.context import Options
from scheduler.rules import BY_NAME, RULES, series_spacing
from scheduler.world.calendar import calendar_for, occurrences

# A joint check of the fixed placements is a small model; this bounds each solve of it.
CHECK_SECONDS = 5.0


# The rule that holds each occurrence inside its own period.
PERIODS = series_spacing.RULE


def _summary(rule: str) -> str:
    return BY_NAME[rule].summary if rule in BY_NAME else rule


def _problem(f: Fixed, column: str | None, message: str) -> Problem:
    return Problem(f.file, f.row, column, f"{f.meeting_id} occurrence {f.number}: {message}")


def check_fixed(ds: Dataset, window: DateRange, strict: bool = False) -> None:
    """Raise DataError (every problem at once) when a fixed value breaks a hard rule."""
    if not ds.fixed:
        return
    problems: list[Problem] = []
    every = {(o.meeting_id, o.number): o for o in occurrences(ds, DateRange(date.min, date.max))}
    planned = {(o.meeting_id, o.number): o for o in occurrences(ds, window)}
    step = ds.settings.time_step_minutes
    mine: dict[tuple[str, int], Occurrence] = {}
    for key, f in sorted(ds.fixed.items()):
        if key not in every:
            count = sum(1 for k in every if k[0] == f.meeting_id)
            problems.append(_problem(f, "occurrence", f"the meeting has {count} occurrence{'s' if count != 1 else ''} "
                                                      "in its window; give a number from 1 to "
                                                      f"{count}, or check its window in meetings.csv"))
            continue
        if key not in planned:
            continue  # outside this run's planning window (--from / --to): not planned here
        occ = planned[key]
        ok = True
        if f.day is not None and f.day not in occ.planned:
            problems.append(_problem(f, "date", f"{f.day} is outside its period, {occ.period_label} "
                                                f"({occ.planned.first} to {occ.planned.last}) in this plan, so it "
                                                f"breaks {PERIODS.name} ({_summary(PERIODS.name)})"))
            ok = False
        if f.start is not None and f.start % step:
            problems.append(_problem(f, "start", f"{hhmm(f.start)} is not on the {step}-minute steps the planner "
                                                 "uses ([solver] time_step_minutes in settings.toml)"))
            ok = False
        if ok:
            mine[key] = occ
    if mine:
        problems += _each_alone(ds, window, mine, strict)
    if not problems and mine:
        problems += _all_together(ds, window, mine, strict)
    if problems:
        raise DataError(problems)


def _each_alone(ds: Dataset, window: DateRange, mine: dict[tuple[str, int], Occurrence],
                strict: bool) -> list[Problem]:
    """Each fixed value against the rules that judge one value (venue, day, time) on its own."""
    problems: list[Problem] = []
    ctx = build_context(ds, window, list(mine.values()), Options(only=set(mine), strict=strict))
    cal = calendar_for(ds)
    for c in ctx.choices:
        f = ds.fixed[c.key]
        if f.day is not None and f.start is not None and f.venue_id is not None:
            m = c.meeting
            p = Placement(c.occ, Status.SCHEDULED, f.day, f.start, f.start + m.duration_minutes, f.venue_id,
                          cal.papers_due(f.day, m.papers_days))
            for finding in [x for x in check_one(ds, p, window, strict) if x.hard]:
                problems.append(_problem(f, None, f"fixed {f.describe()}, it breaks the hard rule {finding.rule} "
                                                  f"({finding.message})"))
            continue
        for column, value, removed in (("date", f.day, c.removed_days), ("start", f.start, c.removed_times),
                                       ("venue_id", f.venue_id, c.removed_venues)):
            if value is not None and value in removed:
                rules = ", ".join(dict.fromkeys(removed[value]))
                shown = hhmm(value) if column == "start" else str(value)
                problems.append(_problem(f, column, f"fixed at {shown}, it breaks the hard rule {rules} "
                                                    f"({'; '.join(_summary(r) for r in dict.fromkeys(removed[value]))})"))
        if not problems and not (c.days and c.times and c.venues):
            empty = "day" if not c.days else "start time" if not c.times else "venue"
            removed = c.removed_days if not c.days else c.removed_times if not c.times else c.removed_venues
            rules = sorted({r for rs in removed.values() for r in rs})
            problems.append(_problem(f, None, f"fixed {f.describe()}, no {empty} is left that keeps the hard rules "
                                              f"({', '.join(rules) or 'the venues open times'})"))
    return problems


def _feasible(ds: Dataset, window: DateRange, mine: dict[tuple[str, int], Occurrence], strict: bool,
              off: tuple[str, ...] = ()) -> bool:
    options = Options(only=set(mine), strict=strict, rule_strength={r: "off" for r in off})
    ctx = build_context(ds, window, list(mine.values()), options)
    for c in ctx.choices:
        ctx.model.Add(c.placed == 1)
    ctx.model.ClearObjective()
    settings = ds.settings
    _, status, _ = run_solver(ctx, SolverSettings(CHECK_SECONDS, settings.seed, settings.workers))
    return status in (cp_model.OPTIMAL, cp_model.FEASIBLE, cp_model.UNKNOWN)


def _all_together(ds: Dataset, window: DateRange, mine: dict[tuple[str, int], Occurrence],
                  strict: bool) -> list[Problem]:
    """The fixed placements together: clashes, gaps in a series, travel between them."""
    if _feasible(ds, window, mine, strict):
        return []
    # The fewest fixed rows that still cannot be kept together: drop each one that is not needed.
    core = dict(mine)
    for key in sorted(mine):
        rest = {k: o for k, o in core.items() if k != key}
        if rest and not _feasible(ds, window, rest, strict):
            core = rest
    hard = [r.name for r in RULES if r.info.strength != "objective"]
    culprits = tuple(r for r in hard if _feasible(ds, window, core, strict, off=(r,)))
    numbers = [str(n) for n in sorted(ds.fixed[k].row for k in core if ds.fixed[k].row is not None)]
    rows = (f"placement on row {numbers[0]} cannot be kept" if len(numbers) == 1 else
            f"placements on rows {', '.join(numbers)} cannot all be kept together")
    first = ds.fixed[min(core)]
    why = (f"they break the hard rule{'s' if len(culprits) != 1 else ''} {', '.join(culprits)} "
           f"({'; '.join(_summary(r) for r in culprits)})") if culprits else "no plan keeps every hard rule with them"
    return [Problem(first.file, None, None,
                    f"the fixed {rows}: {why}; "
                    "free one of them (blank its date, start or venue_id) or change the data")]


def note_fixed(ds: Dataset, placements: list[Placement]) -> None:
    """A fixed occurrence's reason says it was fixed, and what that costs, not what the planner chose."""
    for p in placements:
        f = ds.fixed.get((p.occurrence.meeting_id, p.occurrence.number))
        if f is None or not p.scheduled:
            continue
        text = f"Fixed {f.describe()} in {f.where}."
        if p.rules_relaxed:
            text += (f" That relaxes {', '.join(p.rules_relaxed)}; blank the fixed values there to let the "
                     "planner avoid it.")
        p.reason = text


def fixed_summary(ds: Dataset, placements: list[Placement]) -> list[str]:
    """One line for the terminal: how many fixed placements were kept, and which relax a rule."""
    fixed = [p for p in placements if (p.occurrence.meeting_id, p.occurrence.number) in ds.fixed and p.scheduled]
    if not fixed:
        return []
    source = next(iter(ds.fixed.values())).file
    line = f"Fixed ({source}): {len(fixed)} meeting{'s' if len(fixed) != 1 else ''} kept as you fixed them"
    relaxing = [p for p in fixed if p.rules_relaxed]
    if relaxing:
        shown = "; ".join(f"{p.occurrence.meeting_id} #{p.occurrence.number} relaxes {', '.join(p.rules_relaxed)}"
                          for p in relaxing)
        line += f"; {shown} (blank a fixed value to let the planner avoid that)"
    return [line + "."]
