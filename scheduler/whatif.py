"""`schedule whatif`: what changes when a venue closes, opens or changes, with as few moves as possible.

The baseline is an earlier run's proposals.csv, read against the data it was made from. The venue
changes are applied to that data (a closed range, extra venues, or a whole new venue table), and
then:

1. every baseline occurrence whose placement still keeps every hard rule under the new data is
   *kept*: same date, time, venue, UID and SEQUENCE (the independent checker decides, not the
   solver);
2. the others (the *affected*) are placed again around the kept ones, which are locked;
3. only if that leaves an affected occurrence with no slot is a kept one allowed to move, priced
   so that a cancellation costs more than any number of moves that prevent it
   (model.UNPLACED_WEIGHT > model.MOVE_WEIGHT); such a move is kept only when it really saves a
   meeting, and changes.csv says which.

Occurrences before --from (and after an explicit --to) are outside the re-plan and carried over
unchanged. `--replan` plans everything freely instead (fewest moves only as a tie-break) and says
what that gains against the minimal change; with `--add-venues` the summary says the same of the
new venues without applying it.

Outputs: the whole new proposals.csv (moved and cancelled rows with SEQUENCE one higher),
changes.csv, programme.ics, invites/ holding only what moved (the meeting invite, METHOD:REQUEST,
and its papers-due entry), cancellations/ (METHOD:CANCEL) and report.html.

Reasons that go into calendar files and the report never name a person, their needs or their
travel: they speak of the venue and the rule.
"""

from __future__ import annotations

import dataclasses
import difflib
import time
from collections import Counter
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path

from scheduler.api import default_data_dir, planning_window
from scheduler.core.domain import Dataset, DateRange, Occurrence, Placement, Plan, Venue
from scheduler.core.errors import DataError, Problem, Problems
from scheduler.engine import constraints
from scheduler.engine.solve import SolverSettings, solve_context, solver_settings
from scheduler.engine.validate import Checker, Finding
from scheduler.inputs.load import _venues, date_problem, load, read_csv
from scheduler.inputs.timeparse import MIN_YEAR, parse_date
from scheduler.model.context import UNPLACED_WEIGHT, ModelContext, Options, build, objective
from scheduler.outputs.export_csv import read_proposals, sort_key, write_table
from scheduler.outputs.export_ics import (
    calendar_bytes,
    cancel_calendar,
    clock,
    invite_calendar,
    invite_filename,
    long_date,
    papers_calendar,
)
from scheduler.rules.rulebook import BY_NAME
from scheduler.world.calendar import occurrences

CHANGE_COLUMNS = ("meeting_id", "occurrence", "uid", "change", "old_date", "old_start", "old_venue",
                  "new_date", "new_start", "new_venue", "reason", "travel_change_minutes")
PROPOSALS = "proposals.csv"
CLI = "command line"
# Findings of these rules do not make a kept placement move: papers that already went out stay
# out (and a papers date that no longer matches is a data edit, not a venue change).
NOT_A_REASON_TO_MOVE = frozenset({"papers_ahead"})
# Without --time-limit, the free re-plan that only estimates what new venues would gain (no
# --replan) stops after this many seconds; the summary says when it was stopped.
ESTIMATE_SECONDS = 10.0
Key = tuple[str, int]
Slot = tuple[date, int, str]


def key_of(p: Placement) -> Key:
    return (p.occurrence.meeting_id, p.occurrence.number)


def slot_of(p: Placement) -> Slot | None:
    if not p.scheduled or p.day is None or p.start is None:
        return None
    return (p.day, p.start, p.venue_id)


# ---------------------------------------------------------------------------------------------
# Venue changes
# ---------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Closure:
    venue_id: str
    start: date | None  # None: closed for good
    how: str  # "closed" (--close-venue) or "dropped" (missing from --venues)


def parse_closures(values: tuple[str, ...] | list[str], problems: Problems) -> list[tuple[str, date | None]]:
    """'V1' (closed for good) or 'V1@2027-03-01' (closed from that date)."""
    out: list[tuple[str, date | None]] = []
    for value in values:
        vid, at, when = value.strip().partition("@")
        vid, when = vid.strip(), when.strip()
        day = None
        if at:
            day = parse_date(when)
            if day is None:
                problems.add(CLI, None, "--close-venue",
                             f"'{value}': {date_problem(when)} after the '@' (for example {vid or 'WSV01'}@2027-03-01)")
                continue
        if not vid:
            problems.add(CLI, None, "--close-venue",
                         f"'{value}' names no venue; give a venue_id from venues.csv, such as WSV01 or WSV01@2027-03-01")
            continue
        out.append((vid, day))
    return out


def _read_venue_file(path: Path, option: str, problems: Problems) -> dict[str, tuple[Venue, int | None]] | None:
    path = Path(path)
    if not path.is_file():
        problems.add(CLI, None, option, f"{path} is not a file; give a CSV file with the columns of venues.csv")
        return None
    rows = read_csv(path.parent, path.name, problems, ("venue_id", "name", "latitude", "longitude", "capacity"))
    if rows is None:
        return None
    if not rows:
        problems.add(path.name, None, None, "has a header but no venues; add at least one venue")
        return None
    venues = _venues(rows)
    rows_of = {r.get("venue_id"): r.number for r in rows}
    return {vid: (v, rows_of.get(vid)) for vid, v in venues.items()}


def apply_venue_changes(ds: Dataset, close: list[tuple[str, date | None]] | tuple = (),
                        add_venues: Path | None = None, venues_file: Path | None = None,
                        problems: Problems | None = None) -> tuple[Dataset, list[Closure], list[str]]:
    """The data with the venue changes applied: (dataset, closures, ids of added venues).

    A venue dropped from a --venues table stays known (so the baseline can still name it) but is
    closed for good, as is one closed by --close-venue without a date. Problems are added to
    `problems` (raised by the caller with the baseline's, so one run reports them all).
    """
    problems = problems if problems is not None else Problems()
    venues = dict(ds.venues)
    closures: list[Closure] = []
    added: list[str] = []
    if venues_file is not None:
        table = _read_venue_file(venues_file, "--venues", problems)
        if table is not None:
            for vid in ds.venues:
                if vid not in table:
                    closures.append(Closure(vid, None, "dropped"))
            venues = {**{vid: v for vid, v in ds.venues.items() if vid not in table},
                      **{vid: v for vid, (v, _) in table.items()}}
            added += [vid for vid in table if vid not in ds.venues]
    if add_venues is not None:
        extra = _read_venue_file(add_venues, "--add-venues", problems)
        if extra is not None:
            name = Path(add_venues).name
            for vid, (v, row) in extra.items():
                if vid in venues:
                    problems.add(name, row, "venue_id",
                                 f"'{vid}' is already a venue ({venues[vid].name}); an added venue needs a new venue_id "
                                 "(to change an existing venue, use --venues with the whole new table)")
                else:
                    venues[vid] = v
                    added.append(vid)
    for vid, day in close:
        if vid not in venues:
            near = difflib.get_close_matches(vid, list(venues), n=3)
            hint = f"; did you mean {' or '.join(near)}?" if near else "; check the venue_id column of venues.csv"
            problems.add(CLI, None, "--close-venue", f"'{vid}' is not a venue_id in venues.csv{hint}")
            continue
        closures.append(Closure(vid, day, "closed"))
    for c in closures:
        v = venues[c.venue_id]
        venues[c.venue_id] = dataclasses.replace(
            v, closed=v.closed + (DateRange(c.start or date.min, date.max),))
    changed = dataclasses.replace(ds, venues=venues, warnings=list(ds.warnings))
    return changed, closures, added


def describe_changes(ds: Dataset, closures: list[Closure], added: list[str], venues_file: Path | None) -> list[str]:
    out = []
    for c in closures:
        name = f"{ds.venues[c.venue_id].name} ({c.venue_id})"
        if c.how == "dropped":
            out.append(f"{name} is not in the new venue table, so it counts as closed")
        elif c.start is None:
            out.append(f"{name} closes for good")
        else:
            out.append(f"{name} closes from {c.start.isoformat()}")
    for vid in added:
        out.append(f"{ds.venues[vid].name} ({vid}) is added")
    if venues_file is not None:
        out.append(f"the venue table is replaced by {Path(venues_file).name}")
    return out


# ---------------------------------------------------------------------------------------------
# The baseline
# ---------------------------------------------------------------------------------------------

def read_baseline(folder: Path, ds: Dataset, problems: Problems) -> list[Placement]:
    """The baseline's rows, checked against the data; every mismatch is added to `problems`."""
    folder = Path(folder)
    path = folder / PROPOSALS
    if not folder.is_dir():
        problems.add(CLI, None, "--baseline", f"{folder} is not a folder; give the --out folder of the earlier 'schedule propose' run")
    elif not path.is_file():
        problems.add(CLI, None, "--baseline", f"there is no proposals.csv in {folder}; give the --out folder of the earlier 'schedule propose' run")
    if not path.is_file():
        return []
    wide = DateRange(date.min, date.max)
    rows = read_proposals(path, ds, wide, problems)
    known = {(o.meeting_id, o.number): o for o in occurrences(ds, wide)}
    seen: dict[Key, int] = {}
    for row in read_csv(folder, PROPOSALS, Problems(), ("meeting_id", "occurrence")) or []:
        text = row.get("occurrence")
        if not text.isdigit():
            continue
        k = (row.get("meeting_id"), int(text))
        if k in seen:
            problems.add(PROPOSALS, row.number, "occurrence",
                         f"{k[0]} occurrence {k[1]} is listed twice (first on row {seen[k]}); keep one row per occurrence")
        seen.setdefault(k, row.number)
        uid = row.get("uid")
        if k in known and uid and uid != known[k].uid:
            problems.add(PROPOSALS, row.number, "uid",
                         f"'{uid}' is not the calendar UID this data gives {k[0]} occurrence {k[1]} ({known[k].uid}); "
                         "was the baseline made from another data folder, or another [calendar] uid_namespace in settings.toml?")
    return sorted(rows, key=sort_key(ds))


def choose_window(ds: Dataset, base: list[Placement], start: date | None, end: date | None,
                  today: date | None = None) -> DateRange:
    """The planning window; without --from/--to, narrowed to the occurrences the baseline lists.

    A baseline made with a later --from (or an earlier --to) than the default lacks the
    occurrences outside its own window: those are not the what-if's to add.
    """
    window = planning_window(ds, start, end, today)
    keys = {key_of(p) for p in base}

    def missing(w: DateRange) -> list[Occurrence]:
        return [o for o in occurrences(ds, w) if (o.meeting_id, o.number) not in keys]

    lacking = missing(window)
    if lacking and base:
        first, last = window.first, window.last
        if start is None:
            threshold = min(p.occurrence.period.last for p in base)
            early = [o for o in lacking if o.period.last < threshold]
            if early:
                first = max(first, max(o.period.last for o in early) + timedelta(days=1))
        if end is None:
            threshold = max(p.occurrence.period.first for p in base)
            late = [o for o in lacking if o.period.first > threshold]
            if late:
                last = min(last, min(o.period.first for o in late) - timedelta(days=1))
        window = DateRange(first, last)
        lacking = missing(window)
    if lacking:
        raise DataError([Problem(PROPOSALS, None, "occurrence",
                                 f"the baseline has no row for {o.meeting_id} occurrence {o.number} ({o.period_label}), "
                                 f"which falls in the planning window {window.first} to {window.last}; give the --from "
                                 "and --to the baseline was made with, or make the baseline again with 'schedule propose'")
                         for o in lacking])
    return window


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
          sent: set[Key] | frozenset = frozenset()) -> Plan:
    """One CP-SAT run over `occs`, as solve.plan does, with an optional hint.

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
    return solve_context(ds, ctx, ss, hint)


# ---------------------------------------------------------------------------------------------
# Reasons, in words safe for calendars: a venue and a rule, never a person
# ---------------------------------------------------------------------------------------------

def _venue_words(ds: Dataset, vid: str) -> str:
    v = ds.venues.get(vid)
    return f"{v.name} ({vid})" if v else vid


def why_affected(ds: Dataset, p: Placement, findings: list[Finding], closures: list[Closure],
                 rule_names: bool = True) -> str:
    """Why a kept placement no longer works; `rule_names` adds the rule (for the organiser)."""
    venue = _venue_words(ds, p.venue_id) if rule_names else _venue_name(ds, p.venue_id)
    closed = [c for c in closures if c.venue_id == p.venue_id and (c.start is None or c.start <= p.day)]
    parts: list[str] = []
    for f in findings:
        if f.rule == "venue_open" and closed:
            c = closed[0]
            if c.how == "dropped":
                text = f"{venue} is not in the new venue table"
            elif c.start is None:
                text = f"{venue} is closed for good"
            else:
                text = f"{venue} is closed from {c.start.isoformat()}"
        elif f.rule == "venue_open":
            text = f"{venue} is no longer open at that time"
        elif f.rule == "venue_access":
            text = f"{venue} no longer has every access feature the attendees need"
        elif f.rule == "venue_capacity":
            text = f"{venue} no longer holds everyone invited"
        elif f.rule == "travel_limit":
            text = f"{venue} is now too far for someone who attends"
        elif f.rule == "venue_clash":
            text = f"{venue} hosts another meeting at that time"
        elif f.rule == "attendee_clash":
            text = "someone attending has another meeting that day, without time to travel between the venues"
        elif f.rule == "attendee_unavailable":
            text = "someone who must attend cannot come that day"
        else:
            text = f"it breaks the rule that {BY_NAME[f.rule].summary}" if f.rule in BY_NAME else f.rule
        if rule_names:
            text += f" ({f.rule})"
        if text not in parts:
            parts.append(text)
    return "; ".join(parts)


def _was(ds: Dataset, p: Placement) -> str:
    return f"{long_date(p.day)} at {clock(p.start)}, {ds.venues[p.venue_id].name}" if p.venue_id in ds.venues \
        else f"{long_date(p.day)} at {clock(p.start)}"


def _label(ds: Dataset, k: Key) -> str:
    m = ds.meetings[k[0]]
    return f"{m.title} ({k[0]} #{k[1]})"


# ---------------------------------------------------------------------------------------------
# The what-if
# ---------------------------------------------------------------------------------------------

@dataclass
class Metrics:
    placed: int
    travel_total: int
    travel_worst: int
    relaxed: Counter

    @property
    def relaxed_count(self) -> int:
        return sum(self.relaxed.values())


def metrics(ds: Dataset, placements: list[Placement]) -> Metrics:
    from scheduler.present import family_totals

    plan = Plan(placements=placements, planning=DateRange(date.min, date.max))
    totals = family_totals(ds, plan)
    relaxed = Counter(r for p in plan.scheduled for r in p.rules_relaxed)
    return Metrics(len(plan.scheduled), sum(p.travel_total for p in plan.scheduled),
                   max(totals.values(), default=0), relaxed)


@dataclass
class Invite:
    placement: Placement  # scheduled, SEQUENCE already raised
    notice: str  # for the attendees: why it changed, and when it was
    old: Placement  # the baseline row


@dataclass
class Cancellation:
    placement: Placement  # as it was invited, with SEQUENCE raised
    notice: str


@dataclass
class WhatIfResult:
    dataset: Dataset
    baseline: list[Placement]
    plan: Plan  # every row of the new proposals.csv
    changes: list[dict[str, str]]
    invites: list[Invite]
    cancellations: list[Cancellation]
    summary: list[str]
    applied: list[str]
    moved: int = 0
    cancelled: int = 0
    unchanged: int = 0
    newly_scheduled: int = 0
    rescue_moves: int = 0
    carried: int = 0
    solve_seconds: float = 0.0
    carried_at_closed: list[Key] = field(default_factory=list)
    minimal_status: str = ""
    free_status: str = ""
    added: list[str] = field(default_factory=list)


def whatif(baseline: Path | str, data: Path | str | None = None, start: date | None = None,
           end: date | None = None, close: tuple[str, ...] | list[str] = (), add_venues: Path | None = None,
           venues_file: Path | None = None, replan: bool = False, time_limit: float | None = None,
           seed: int | None = None, today: date | None = None) -> WhatIfResult:
    """Apply the venue changes to the baseline's data and re-plan with the fewest changes.

    Raises DataError (every problem at once) for bad input; nothing is written here.
    """
    problems = Problems()
    closing = parse_closures(tuple(close), problems)
    original = load(Path(data) if data else default_data_dir())
    ds, closures, added = apply_venue_changes(original, closing, add_venues, venues_file, problems)
    base = read_baseline(Path(baseline), ds, problems)
    problems.raise_if_any()
    window = choose_window(ds, base, start, end, today)
    budget = Budget(solver_settings(ds, time_limit, seed))

    # -- which rows are re-planned, which are carried over -------------------------------------
    in_window = {(o.meeting_id, o.number): o for o in occurrences(ds, window)}
    carried = [p for p in base if key_of(p) not in in_window
               or (p.scheduled and not window.first <= p.day <= window.last)]
    carried_keys = {key_of(p) for p in carried}
    rows = [p for p in base if key_of(p) not in carried_keys]
    occ_of: dict[Key, Occurrence] = {}
    for p in rows:
        k = key_of(p)
        occ_of[k] = _spaced(ds, in_window[k], [c.day for c in carried if c.scheduled and key_of(c)[0] == k[0]],
                            window)
    rows = [dataclasses.replace(p, occurrence=occ_of[key_of(p)]) for p in rows]
    occs = [occ_of[key_of(p)] for p in rows]
    base_by_key = {key_of(p): p for p in rows}

    # -- which kept placements still keep every hard rule ---------------------------------------
    checker = Checker(ds, DateRange(date(MIN_YEAR, 1, 1), window.last))
    findings = checker.run([p for p in rows if p.scheduled])
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
    minimal = solve(ds, window, occs, Options(lock=dict(kept)), budget.next(), sent=was_scheduled)
    solve_seconds = minimal.solve_seconds
    by_key = {key_of(p): p for p in minimal.placements}
    lost = {k for k in affected if not by_key[k].scheduled}
    rescues: dict[Key, list[Key]] = {}
    if lost and len(kept) > len(papers_out):
        # A kept meeting may move only to save an affected one from cancellation.
        never_placed = {k for k in base_by_key if k not in was_scheduled and not by_key[k].scheduled}
        occs3 = [o for o in occs if (o.meeting_id, o.number) not in never_placed]
        hint = {k: slot_of(p) for k, p in by_key.items() if p.scheduled}
        trial = solve(ds, window, occs3,
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
            trial.placements += [by_key[k] for k in sorted(never_placed)]
            minimal, by_key, lost = trial, {key_of(p): p for p in trial.placements}, lost3

    # -- a free re-plan, to apply (--replan) or to weigh against the minimal change -------------
    free: Plan | None = None
    if replan or added:
        free = solve(ds, window, occs,
                     Options(lock={k: kept[k] for k in papers_out},
                             prefer={k: slot_of(p) for k, p in base_by_key.items() if p.scheduled}),
                     budget.next(None if (replan or time_limit is not None) else ESTIMATE_SECONDS),
                     hint={k: slot_of(p) for k, p in by_key.items() if p.scheduled}, fewest_moves_last=True,
                     sent=was_scheduled)
        solve_seconds += free.solve_seconds
    free_found = free is not None and free.objective is not None
    chosen = free if (replan and free_found) else minimal

    result = _compare(ds, base, carried_keys, chosen, affected, rescues, closures, replan)
    result.applied = describe_changes(ds, closures, added, venues_file)
    result.added = list(added)
    result.carried = len(carried)
    result.carried_at_closed = [key_of(p) for p in carried if p.scheduled and any(
        c.venue_id == p.venue_id and (c.start is None or c.start <= p.day) for c in closures)]
    result.solve_seconds = solve_seconds
    result.minimal_status, result.free_status = minimal.solver_status, free.solver_status if free else ""
    old_ds = dataclasses.replace(ds, venues={**ds.venues, **original.venues})
    before = metrics(old_ds, base)
    after = metrics(ds, result.plan.placements)
    result.summary = _summary(ds, result, before, after, minimal, free, base_by_key, added, replan)
    return result


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


def _compare(ds: Dataset, base: list[Placement], carried_keys: set[Key], chosen: Plan,
             affected: dict[Key, list[Finding]], rescues: dict[Key, list[Key]],
             closures: list[Closure], replan: bool) -> WhatIfResult:
    """The new rows with their SEQUENCE, and what changed, row by row."""
    new_by_key = {key_of(p): p for p in chosen.placements}
    rows: list[Placement] = []
    changes: list[dict[str, str]] = []
    invites: list[Invite] = []
    cancellations: list[Cancellation] = []
    counts = Counter()
    for b in base:
        k = key_of(b)
        if k in carried_keys:
            rows.append(b)
            counts["unchanged" if b.scheduled else "still"] += 1
            continue
        n = dataclasses.replace(new_by_key[k])
        why = why_affected(ds, b, affected[k], closures) if k in affected else ""
        plain = why_affected(ds, b, affected[k], closures, rule_names=False) if k in affected else ""
        if b.scheduled and n.scheduled and slot_of(b) == slot_of(n):
            n.sequence = b.sequence
            if n.rules_relaxed == b.rules_relaxed:
                n.reason = b.reason  # read from a locked slot, the reason would lose its alternatives
            counts["unchanged"] += 1
        elif b.scheduled and n.scheduled:
            n.sequence = b.sequence + 1
            counts["moved"] += 1
            if why:
                reason, notice = f"Had to move: {why}.", f"{plain[0].upper()}{plain[1:]}."
            elif k in rescues:
                counts["rescue"] += 1
                saved = ", ".join(_label(ds, s) for s in rescues[k])
                reason = (f"Its old slot is still possible, but it moved to make room for {saved}, "
                          "which would otherwise have been cancelled.")
                notice = "The meeting moved to make room for another meeting that could not otherwise go ahead."
            else:
                reason = ("Moved by the free re-plan (--replan); its old slot is still possible"
                          + _better(b, n) + ".")
                notice = "The programme was re-planned to cut travel and compromises."
            notice += f" It was on {_was(ds, b)}."
            changes.append(_change_row(ds, b, n, "moved", reason, str(n.travel_total - b.travel_total)))
            invites.append(Invite(n, notice, b))
        elif b.scheduled:
            n.sequence = b.sequence + 1
            counts["cancelled"] += 1
            cause = why or "the re-plan found no place for it"
            period = f"{b.occurrence.period_label}"
            if "time limit" in n.reason and "before any plan" in n.reason:
                n.reason = f"Cancelled: {cause}, and the solver found no other slot in time. {n.reason}"
            else:
                n.reason = (f"Cancelled: {cause}; no other date, time and venue in {period} keeps every hard "
                            f"rule. {n.reason}").strip()
            changes.append(_change_row(ds, b, n, "cancelled", n.reason, ""))
            old = dataclasses.replace(b, sequence=b.sequence + 1)
            plain = plain or cause
            cancellations.append(Cancellation(old, f"{plain[0].upper()}{plain[1:]}, and no other date, time "
                                                   f"and venue in {period} works for everyone"))
        elif n.scheduled:
            n.sequence = b.sequence + 1
            counts["new"] += 1
            reason = "Could not be placed before; the venue change makes it possible."
            changes.append(_change_row(ds, b, n, "scheduled", reason, str(n.travel_total)))
            invites.append(Invite(n, "", b))
        else:
            n.sequence = b.sequence
            counts["still"] += 1
        rows.append(n)
    plan = dataclasses.replace(chosen, placements=sorted(rows, key=sort_key(ds)))
    return WhatIfResult(dataset=ds, baseline=base, plan=plan, changes=changes, invites=invites,
                        cancellations=cancellations, summary=[], applied=[],
                        moved=counts["moved"], cancelled=counts["cancelled"],
                        unchanged=counts["unchanged"], newly_scheduled=counts["new"],
                        rescue_moves=counts["rescue"])


def _better(b: Placement, n: Placement) -> str:
    bits = []
    if n.travel_total != b.travel_total:
        bits.append(f"family travel {b.travel_total} -> {n.travel_total} minutes")
    if set(n.rules_relaxed) != set(b.rules_relaxed):
        bits.append(f"rules relaxed: {';'.join(b.rules_relaxed) or 'none'} -> {';'.join(n.rules_relaxed) or 'none'}")
    return ("; " + ", ".join(bits)) if bits else ""


def _change_row(ds: Dataset, b: Placement, n: Placement, change: str, reason: str, travel: str) -> dict[str, str]:
    return {
        "meeting_id": b.occurrence.meeting_id,
        "occurrence": str(b.occurrence.number),
        "uid": b.occurrence.uid,
        "change": change,
        "old_date": b.day.isoformat() if b.scheduled and b.day else "",
        "old_start": clock(b.start) if b.scheduled and b.start is not None else "",
        "old_venue": b.venue_id if b.scheduled else "",
        "new_date": n.day.isoformat() if n.scheduled and n.day else "",
        "new_start": clock(n.start) if n.scheduled and n.start is not None else "",
        "new_venue": n.venue_id if n.scheduled else "",
        "reason": reason,
        "travel_change_minutes": travel,
    }


def _signed(n: int) -> str:
    return f"{n:+d}" if n else "no change"


def _summary(ds: Dataset, r: WhatIfResult, before: Metrics, after: Metrics, minimal: Plan, free: Plan | None,
             base_by_key: dict[Key, Placement], added: list[str], replan: bool) -> list[str]:
    lines = []
    if r.applied:
        lines.append("Venue changes: " + "; ".join(r.applied) + ".")
    else:
        lines.append("Venue changes: none were given, so the baseline is only checked against the data.")
    counts = f"Moved: {r.moved}; cancelled: {r.cancelled}; unchanged: {r.unchanged}"
    if r.newly_scheduled:
        counts += f"; newly scheduled: {r.newly_scheduled}"
    still = sum(1 for p in r.plan.placements if not p.scheduled) - r.cancelled
    if still:
        counts += f"; still not placed: {still}"
    lines.append(counts + ".")
    if r.rescue_moves:
        lines.append(f"{r.rescue_moves} of the moved meetings could have stayed, but moved to make room for a "
                     "meeting that would otherwise have been cancelled (changes.csv says which).")
    if r.carried:
        lines.append(f"{r.carried} meetings outside the planning window ({r.plan.planning.first} to "
                     f"{r.plan.planning.last}) are carried over unchanged.")
    if r.carried_at_closed:
        shown = ", ".join(f"{k[0]} #{k[1]}" for k in r.carried_at_closed)
        lines.append(f"Left as they are, outside the planning window, at a venue closed on their date: {shown}. "
                     "Give a wider --from/--to to move them too.")
    lines.append(f"Family travel: {before.travel_total} -> {after.travel_total} minutes in all "
                 f"({_signed(after.travel_total - before.travel_total)}); the most any one person travels over "
                 f"the year: {before.travel_worst} -> {after.travel_worst} minutes "
                 f"({_signed(after.travel_worst - before.travel_worst)}).")
    rules = sorted(set(before.relaxed) | set(after.relaxed), key=lambda x: list(BY_NAME).index(x) if x in BY_NAME else 99)
    detail = ", ".join(f"{x} {before.relaxed[x]} -> {after.relaxed[x]}" for x in rules
                       if before.relaxed[x] != after.relaxed[x])
    lines.append(f"Rules relaxed: {before.relaxed_count} -> {after.relaxed_count} "
                 f"({_signed(after.relaxed_count - before.relaxed_count)})" + (f": {detail}." if detail else "."))
    if free is not None and free.objective is None:
        lines.append(("The free re-plan (--replan)" if replan else "The free re-plan that weighs the new venue")
                     + " found no plan within the time limit, so this is the minimal change; give a longer "
                       "--time-limit to try again.")
    elif free is not None:
        lines.append(_gain(ds, minimal, free, base_by_key, added, replan))
    return lines


def _moves(plan: Plan, base_by_key: dict[Key, Placement]) -> int:
    return sum(1 for p in plan.placements
               if key_of(p) in base_by_key and base_by_key[key_of(p)].scheduled
               and slot_of(p) != slot_of(base_by_key[key_of(p)]))


def _n(n: int, word: str) -> str:
    return f"{n} {word}{'' if n == 1 else 's'}"


def _gain(ds: Dataset, minimal: Plan, free: Plan, base_by_key: dict[Key, Placement], added: list[str],
          replan: bool) -> str:
    m, f = metrics(ds, minimal.placements), metrics(ds, free.placements)
    travel, worst = m.travel_total - f.travel_total, m.travel_worst - f.travel_worst
    relaxed, placed = m.relaxed_count - f.relaxed_count, f.placed - m.placed
    moves_min, moves_free = _moves(minimal, base_by_key), _moves(free, base_by_key)
    gains = []
    if placed:
        gains.append(f"{'place' if placed > 0 else 'leave out'} {_n(abs(placed), 'more meeting')}")
    if travel:
        gains.append(f"{'save' if travel > 0 else 'add'} {_n(abs(travel), 'minute')} of family travel")
    if worst:
        gains.append(f"{'cut' if worst > 0 else 'raise'} the most any one person travels by {_n(abs(worst), 'minute')}")
    if relaxed:
        gains.append(f"relax {abs(relaxed)} {'fewer' if relaxed > 0 else 'more'} rule{'s' if abs(relaxed) != 1 else ''}")
    gained = ", ".join(gains) if gains else "gain nothing in travel or relaxed rules"
    stopped = (" (the time limit stopped that search, so it may gain more: give a longer --time-limit)"
               if free.stopped_by_time_limit else "")
    if replan:
        return (f"Free re-plan (--replan): compared with the minimal change, it would {gained}{stopped}, "
                f"and it moves {_n(moves_free, 'meeting')} where the minimal change moves {moves_min}.")
    names = ", ".join(f"{ds.venues[v].name} ({v})" for v in added)
    used_free = sum(1 for p in free.scheduled if p.venue_id in added)
    used_min = sum(1 for p in minimal.scheduled if p.venue_id in added)
    return (f"What the new venue would gain: this minimal change uses {names} for {_n(used_min, 'meeting')}. "
            f"A free re-plan that may use it everywhere would hold {_n(used_free, 'meeting')} there and, compared "
            f"with the minimal change, {gained}{stopped}; it would move {_n(moves_free, 'meeting')} where the "
            f"minimal change moves {moves_min}."
            + (" Run again with --replan to get that plan." if gains else ""))


# ---------------------------------------------------------------------------------------------
# Output
# ---------------------------------------------------------------------------------------------

def papers_filename(meeting_id: str, number: int) -> str:
    return f"{meeting_id}-{number}-papers.ics"


def write_whatif(out: Path, r: WhatIfResult) -> None:
    """proposals.csv, changes.csv, programme.ics, invites/ (what moved), cancellations/, report.html."""
    from scheduler.present import write_all

    ds = r.dataset

    def extra(stage: Path) -> None:
        write_table(stage / "changes.csv", CHANGE_COLUMNS, r.changes)
        if r.invites:
            folder = stage / "invites"
            folder.mkdir(exist_ok=True)
            for inv in r.invites:
                p = inv.placement
                occ = p.occurrence
                (folder / invite_filename(occ.meeting_id, occ.number)).write_bytes(
                    calendar_bytes(invite_calendar(ds, p, reason=inv.notice)))
                if p.papers_due is not None:
                    note = ""
                    if inv.old.scheduled and inv.old.papers_due != p.papers_due:
                        note = (f"the meeting is now on {long_date(p.day)}, so the papers are due on "
                                f"{long_date(p.papers_due)}.")
                    (folder / papers_filename(occ.meeting_id, occ.number)).write_bytes(
                        calendar_bytes(papers_calendar(ds, p, reason=note)))
        if r.cancellations:
            folder = stage / "cancellations"
            folder.mkdir(exist_ok=True)
            for c in r.cancellations:
                p = c.placement
                occ = p.occurrence
                (folder / invite_filename(occ.meeting_id, occ.number)).write_bytes(
                    calendar_bytes(cancel_calendar(ds, p, c.notice)))
                if p.papers_due is not None:
                    (folder / papers_filename(occ.meeting_id, occ.number)).write_bytes(
                        calendar_bytes(papers_calendar(ds, p, cancelled=True,
                                                       reason="the meeting has been cancelled.")))

    write_all(out, ds, r.plan, extra, changes=r.changes, what_if_summary="\n".join(r.summary),
              all_invites=False)


def print_whatif(console, r: WhatIfResult, out: Path) -> None:
    from rich.markup import escape
    from rich.table import Table

    ds = r.dataset
    if r.changes:
        table = Table(title="What changes", header_style="bold")
        for col in ("Meeting", "Before", "After", "Why", "Family travel"):
            table.add_column(col, overflow="fold")
        for c in r.changes:
            k = (c["meeting_id"], int(c["occurrence"]))
            before = " ".join(x for x in (c["old_date"], c["old_start"], _venue_name(ds, c["old_venue"])) if x) or "not placed"
            if c["change"] == "cancelled":
                after = "[red]cancelled[/]"
            else:
                after = escape(" ".join(x for x in (c["new_date"], c["new_start"], _venue_name(ds, c["new_venue"])) if x))
            travel = c["travel_change_minutes"]
            travel = f"{int(travel):+d} min" if travel else "-"
            table.add_row(escape(_label(ds, k)), escape(before), after, escape(c["reason"]), travel)
        console.print(table)
    else:
        console.print("Nothing changes: every meeting stays where and when it was.")
    console.print()
    for line in r.summary:
        console.print(escape(line))
    words = {"OPTIMAL": "proven the best", "FEASIBLE": "stopped by the time limit before it was proven the best",
             "UNKNOWN": "no plan found within the time limit", "INFEASIBLE": "no plan keeps the locked meetings"}
    status = f"Solver: minimal change {words.get(r.minimal_status, r.minimal_status)}"
    if r.free_status:
        status += f"; free re-plan {words.get(r.free_status, r.free_status)}"
    console.print(escape(f"{status}; {r.solve_seconds:.1f} s in all"))
    files = ["proposals.csv", "changes.csv", "programme.ics"]
    if r.invites:
        files.append(f"invites/ ({_n(len(r.invites), 'updated invite')}, with papers-due entries)")
    if r.cancellations:
        files.append(f"cancellations/ ({_n(len(r.cancellations), 'cancellation')})")
    files.append("report.html")
    console.print(escape(f"Written to {out}/: " + ", ".join(files)))
    folders = " and ".join(f for f, n in (("invites/", r.invites), ("cancellations/", r.cancellations)) if n)
    if folders:
        console.print(f"Send the meeting files in {folders} to the attendees: their calendars update the entries "
                      "they already have (same UID, higher SEQUENCE). The -papers files are for your own calendar.")
    used = sorted({p.venue_id for p in r.plan.scheduled if p.venue_id in r.added})
    if used:
        console.print(escape(f"The new plan uses {', '.join(used)}: add {'it' if len(used) == 1 else 'them'} to "
                             "venues.csv before 'schedule check' or another what-if on these outputs."))


def _venue_name(ds: Dataset, vid: str) -> str:
    return ds.venues[vid].name if vid in ds.venues else vid

