"""One unit per rule of PRODUCT.md section 2, each named after its rule.

A unit filters an occurrence's choices where its rule is hard (recording why, for explanations)
and prices them where it is soft. `RULE_UNITS` at the bottom is the ordered list of what the
engine enforces.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import numpy as np
from ortools.sat.python import cp_model

from scheduler.core.domain import MINUTES_PER_DAY, Participant
from scheduler.model.context import Choice, ModelContext
from scheduler.world import facts

REQUIRED, OPTIONAL = "required", "optional"


# -- unary rules: a verdict on one day, one start time or one venue of one occurrence -----------
@dataclass(frozen=True)
class Unary:
    """A rule that judges a single value; `verdict` says who is let down (or None)."""

    rule: str
    kind: str  # "day", "time" or "venue"
    # The verdict depends only on the meeting and the value, so a series shares it.
    per_meeting: bool = True

    def applies(self, ctx: ModelContext, c: Choice) -> bool:
        return True

    def verdict(self, ctx: ModelContext, c: Choice, value) -> str | None:
        raise NotImplementedError

    def values(self, c: Choice) -> list:
        return {"day": c.days, "time": c.times, "venue": c.venues}[self.kind]

    def filter(self, ctx: ModelContext, c: Choice) -> None:
        strength = ctx.strength(self.rule)
        if strength == "off" or not self.applies(ctx, c):
            return
        keep, soft_bad = [], []
        removed = {"day": c.removed_days, "time": c.removed_times, "venue": c.removed_venues}[self.kind]
        cache = ctx.verdicts
        for value in self.values(c):
            if self.per_meeting:
                key = (self.rule, c.occ.meeting_id, value)
                if key not in cache:
                    cache[key] = self.verdict(ctx, c, value)
                verdict = cache[key]
            else:
                verdict = self.verdict(ctx, c, value)
            if verdict == REQUIRED and strength == "hard":
                removed.setdefault(value, []).append(self.rule)
                continue
            if verdict is not None:
                soft_bad.append(value)
            keep.append(value)
        setattr(c, {"day": "days", "time": "times", "venue": "venues"}[self.kind], keep)
        if soft_bad:
            c.soft_bad[self.rule] = soft_bad

    def price(self, ctx: ModelContext) -> None:
        for c in ctx.choices:
            bad = c.soft_bad.get(self.rule)
            if not bad or c.fixed:
                continue
            values = self.values(c)
            xs = {"day": c.x_day, "time": c.x_time, "venue": c.y}[self.kind]
            expr = sum(xs[values.index(v)] for v in bad if v in values)
            ctx.penalise(self.rule, c, expr, f"{c.name}.{self.rule}")


def _roles(ctx: ModelContext, c: Choice) -> set[str]:
    return {p.role for p in facts.attendees(ctx.ds, c.meeting)}


class ParentTermTime(Unary):
    def applies(self, ctx, c):
        return "parent_carer" in _roles(ctx, c)

    def verdict(self, ctx, c, d: date):
        return None if ctx.cal.is_school_day(d) else REQUIRED


class ParentCoreHours(Unary):
    def applies(self, ctx, c):
        return "parent_carer" in _roles(ctx, c)

    def verdict(self, ctx, c, t: int):
        return None if facts.parent_core_ok(ctx.ds.settings, t, t + c.meeting.duration_minutes) else REQUIRED


class AttendeeUnavailable(Unary):
    def applies(self, ctx, c):
        people = ctx.ds.participants
        return any(people[p].unavailable for p in c.meeting.everyone if p in people)

    def verdict(self, ctx, c, d: date):
        people = ctx.ds.participants
        if any(people[p].unavailable.blocks(d) for p in c.meeting.attendees if p in people):
            return REQUIRED
        if any(people[p].unavailable.blocks(d) for p in c.meeting.optional_attendees if p in people):
            return OPTIONAL
        return None


class PapersAhead(Unary):
    def applies(self, ctx, c):
        return c.meeting.papers_days > 0

    def verdict(self, ctx, c, d: date):
        due = ctx.cal.papers_due(d, c.meeting.papers_days)
        return REQUIRED if due is not None and due < ctx.planning.first else None


class VenueAccess(Unary):
    def verdict(self, ctx, c, vid: str):
        venue = ctx.ds.venues[vid]
        needs = {n for p in facts.attendees(ctx.ds, c.meeting) for n in p.needs}
        return REQUIRED if any(not venue.has(n) for n in needs) else None


class YoungPeopleVenue(Unary):
    def applies(self, ctx, c):
        return "young_person" in _roles(ctx, c)

    def verdict(self, ctx, c, vid: str):
        return None if facts.young_people_venue_ok(ctx.ds.venues[vid]) else REQUIRED


class VenueCapacity(Unary):
    def verdict(self, ctx, c, vid: str):
        return REQUIRED if len(c.meeting.everyone) > ctx.ds.venues[vid].capacity else None


class TravelLimit(Unary):
    def verdict(self, ctx, c, vid: str):
        venue = ctx.ds.venues[vid]

        def too_far(p: Participant) -> bool:
            minutes = ctx.travel.person_to_venue(p, venue)
            return minutes is not None and minutes > p.max_travel_minutes

        people = ctx.ds.participants
        if any(too_far(people[p]) for p in c.meeting.attendees if p in people):
            return REQUIRED
        if any(too_far(people[p]) for p in c.meeting.optional_attendees if p in people):
            return OPTIONAL
        return None


class VenueOpenFilter(Unary):
    """Drops venues that are never open on any candidate day or too briefly for the meeting."""

    def verdict(self, ctx, c, vid: str):
        v = ctx.ds.venues[vid]
        if v.open_until - v.open_from < c.meeting.duration_minutes:
            return REQUIRED
        if all(v.is_closed_on(d) for d in c.days):
            return REQUIRED
        if not any(v.open_from <= t and t + c.meeting.duration_minutes <= v.open_until for t in c.times):
            return REQUIRED
        return None


UNARY: tuple[Unary, ...] = (
    PapersAhead("papers_ahead", "day"),
    AttendeeUnavailable("attendee_unavailable", "day"),
    ParentTermTime("parent_term_time", "day"),
    ParentCoreHours("parent_core_hours", "time"),
    VenueAccess("venue_access", "venue"),
    YoungPeopleVenue("young_people_venue", "venue"),
    VenueCapacity("venue_capacity", "venue"),
    TravelLimit("travel_limit", "venue"),
    VenueOpenFilter("venue_open", "venue", per_meeting=False),  # depends on the occurrence's days
)


# -- rules over a day and a time together ---------------------------------------------------
def young_people_hours(ctx: ModelContext) -> None:
    """After school on school days, 10:00-16:00 on other days: a choice of (day kind, time)."""
    rule = "young_people_hours"
    strength = ctx.strength(rule)
    if strength == "off":
        return
    s = ctx.ds.settings
    m = ctx.model
    for c in ctx.choices:
        if "young_person" not in _roles(ctx, c) or c.fixed or not (c.days and c.times):
            continue
        dur = c.meeting.duration_minutes
        lo = facts.young_after_school_start(ctx.ds, c.meeting)
        school = [x for d, x in zip(c.days, c.x_day, strict=True) if ctx.cal.is_school_day(d)]
        after = [x for t, x in zip(c.times, c.x_time, strict=True) if t >= lo and t + dur <= s.young_after_school_end]
        daytime = [x for t, x in zip(c.times, c.x_time, strict=True)
                   if t >= s.young_non_school_start and t + dur <= s.young_non_school_end]
        a = m.NewBoolVar(f"{c.name}.yp_after_school")
        b = m.NewBoolVar(f"{c.name}.yp_other_day")
        m.Add(a <= sum(school))
        m.Add(a <= sum(after))
        m.Add(b <= c.placed - sum(school))
        m.Add(b <= sum(daytime))
        if strength == "hard":
            m.Add(a + b == c.placed)
        else:
            ctx.penalise(rule, c, c.placed - a - b, f"{c.name}.{rule}")


def venue_open(ctx: ModelContext) -> None:
    """Open that weekday, not on a closed date, and for the whole meeting.

    Venues of one occurrence that are closed on the same candidate days share one row
    `sum(their venue choices) + sum(those days) <= 1` (and likewise for start times), which is
    both smaller and tighter than a clause per (venue, day).
    """
    if ctx.strength("venue_open") == "off":
        return
    m = ctx.model
    closed, first = ctx.closed_matrix()
    for c in ctx.choices:
        if not (c.days and c.venues) or c.fixed:
            continue
        rows = ctx.travel.venue_indices(c.venues)
        day_cols = np.array([(d - first).days for d in c.days], dtype=np.int64)
        bad_days = closed[np.ix_(rows, day_cols)]
        opens = np.array([ctx.ds.venues[v].open_from for v in c.venues])
        closes = np.array([ctx.ds.venues[v].open_until for v in c.venues])
        starts = np.array(c.times, dtype=np.int64)
        bad_times = (starts[None, :] < opens[:, None]) | (starts[None, :] + c.meeting.duration_minutes > closes[:, None])
        for bad, xs in ((bad_days, c.x_day), (bad_times, c.x_time)):
            groups: dict[bytes, list] = {}
            for k, row in enumerate(bad):
                if row.any():
                    groups.setdefault(np.packbits(row).tobytes() + bytes([len(row) % 8]), [row, []])[1].append(c.y[k])
            for row, ys in groups.values():
                m.Add(sum(ys) + sum(xs[i] for i in np.flatnonzero(row)) <= 1)


# -- rules between occurrences --------------------------------------------------------------
def _series(ctx: ModelContext) -> dict[str, list[Choice]]:
    out: dict[str, list[Choice]] = {}
    for c in ctx.choices:
        out.setdefault(c.occ.meeting_id, []).append(c)
    for group in out.values():
        group.sort(key=lambda c: c.occ.number)
    return out


def series_spacing(ctx: ModelContext) -> None:
    """One per period comes from the choices themselves; here, the minimum gap between them."""
    strength = ctx.strength("series_spacing")
    if strength == "off":
        return
    m = ctx.model
    for mid, group in _series(ctx).items():
        gap = ctx.ds.meetings[mid].min_gap_days
        for i, a in enumerate(group):
            for b in group[i + 1:]:
                if not (a.days and b.days) or (min(b.days) - max(a.days)).days >= gap:
                    continue
                enforce = [a.placed, b.placed]
                if strength == "soft":
                    v = m.NewBoolVar(f"relaxed.series_spacing.{a.name}-{b.name}")
                    enforce.append(v.Not())
                    ctx.penalise("series_spacing", b, v, f"{a.name}-{b.name}.series_spacing")
                m.Add(b.day_index - a.day_index >= gap).OnlyEnforceIf(enforce)


def venue_rotation(ctx: ModelContext) -> None:
    strength = ctx.strength("venue_rotation")
    if strength == "off":
        return
    m = ctx.model
    for group in _series(ctx).values():
        # Consecutive *scheduled* occurrences: a pair also counts when every occurrence between
        # them is left unplaced (looking up to three places back; more is vanishingly rare).
        for i, b in enumerate(group):
            for back in (1, 2, 3):
                if i - back < 0:
                    break
                a, between = group[i - back], group[i - back + 1:i]
                shared = sorted(set(a.venues) & set(b.venues))
                if not shared:
                    continue
                # an occurrence with no possible slot is never placed, so it adds no condition
                skipped = [x.placed for x in between if x.days and x.times and x.venues]
                label = f"{a.name}-{b.name}"
                # one penalty per pair: the two can share at most one venue
                relaxed = m.NewBoolVar(f"relaxed.venue_rotation.{label}") if strength == "soft" else None
                for vid in shared:
                    row = a.venue_var(vid) + b.venue_var(vid) - sum(skipped)
                    m.Add(row <= 1 + relaxed if relaxed is not None else row <= 1)
                if relaxed is not None:
                    ctx.penalise("venue_rotation", b, relaxed, f"{label}.venue_rotation")


def venue_clash(ctx: ModelContext) -> None:
    """One meeting at a time in each venue (and none over a booking the model holds fixed)."""
    if ctx.strength("venue_clash") == "off":
        return
    m = ctx.model
    by_venue: dict[str, list[tuple[Choice, object]]] = {}
    for c in ctx.choices:
        for vid, y in zip(c.venues, c.y, strict=True):
            by_venue.setdefault(vid, []).append((c, y))
    for vid, users in by_venue.items():
        busy = ctx.options.venue_busy.get(vid, ())
        shared = [(c, y) for c, y in users
                  if any(o is not c and c.day_set & o.day_set for o, _ in users)
                  or any(d in c.day_set for d, _, _ in busy)]
        days = set().union(*(c.day_set for c, _ in shared))
        fixed = [m.NewFixedSizeIntervalVar(ctx.day_offset(d) * MINUTES_PER_DAY + start, end - start,
                                           f"booked[{vid}@{d}T{start}]")
                 for d, start, end in busy if d in days]
        if len(shared) + len(fixed) < 2:
            continue
        intervals = [m.NewOptionalFixedSizeIntervalVar(c.start_abs, c.meeting.duration_minutes, y,
                                                       f"{c.name}.at[{vid}]") for c, y in shared]
        m.AddNoOverlap(intervals + fixed)


def attendee_clash(ctx: ModelContext) -> None:
    """Shared attendees: no overlap, and on the same day enough time to travel between venues.

    The travel time `tv` between the two chosen venues is bounded below by one row per venue of
    the occurrence with fewer venues (`tv >= sum(minutes * venue choice of the other)`, enforced
    by that venue's choice): exact, linear, and with no table for presolve to expand.
    """
    if ctx.strength("attendee_clash") == "off":
        return
    m = ctx.model
    people = ctx.ds.participants
    indices: dict[tuple[str, int], np.ndarray] = {}

    def index_of(c: Choice) -> np.ndarray:
        if c.key not in indices:
            indices[c.key] = ctx.travel.venue_indices(c.venues)
        return indices[c.key]

    for a, b, shared in _sharing_pairs(ctx):
        travellers = [people[p] for p in sorted(shared) if p in people]
        matrix = ctx.travel.between_matrix(travellers)
        table = matrix[np.ix_(index_of(a), index_of(b))]
        tv = _travel_between(ctx, a, b, table)
        a_first = m.NewBoolVar(f"order[{a.name}<{b.name}]")
        m.Add(b.start_abs >= a.start_abs + a.meeting.duration_minutes + tv).OnlyEnforceIf(
            [a_first, a.placed, b.placed])
        m.Add(a.start_abs >= b.start_abs + b.meeting.duration_minutes + tv).OnlyEnforceIf(
            [a_first.Not(), a.placed, b.placed])


def _sharing_pairs(ctx: ModelContext):
    """Occurrences of different series with someone in common and a candidate day in common."""
    by_person: dict[str, list[int]] = {}
    choices = ctx.choices
    for i, c in enumerate(choices):
        if c.days and c.venues:
            for p in c.meeting.everyone:
                by_person.setdefault(p, []).append(i)
    pairs: set[tuple[int, int]] = set()
    for idx in by_person.values():
        pairs.update((i, j) for n, i in enumerate(idx) for j in idx[n + 1:]
                     if choices[i].occ.meeting_id != choices[j].occ.meeting_id)
    day_sets = {}
    for i, j in sorted(pairs):
        a, b = choices[i], choices[j]
        if i not in day_sets:
            day_sets[i] = a.day_set
        if j not in day_sets:
            day_sets[j] = b.day_set
        if day_sets[i] & day_sets[j]:
            yield a, b, set(a.meeting.everyone) & set(b.meeting.everyone)


def _travel_between(ctx: ModelContext, a: Choice, b: Choice, table: np.ndarray):
    """Minutes between a's venue and b's (rows: a's venues, columns: b's), as a variable."""
    top = int(table.max())
    if top == 0:
        return 0
    if len(a.venues) == 1 and len(b.venues) == 1:
        return top
    m = ctx.model
    tv = m.NewIntVar(0, top, f"travel[{a.name}~{b.name}]")
    rows, row_vars, col_vars = (table, a.y, b.y) if len(a.venues) <= len(b.venues) else (table.T, b.y, a.y)
    for row, lit in zip(rows.tolist(), row_vars, strict=True):
        terms = [(y, minutes) for y, minutes in zip(col_vars, row, strict=True) if minutes]
        if terms:
            expr = cp_model.LinearExpr.WeightedSum([y for y, _ in terms], [w for _, w in terms])
            m.Add(expr <= tv).OnlyEnforceIf(lit)
    return tv


def travel_time(ctx: ModelContext) -> None:
    """Families' total travel, plus the largest yearly total of any one family member."""
    m = ctx.model
    w = ctx.weight("travel_time")
    if w == 0 or ctx.strength("travel_time") == "off":
        return
    people = ctx.ds.participants
    per_person: dict[str, list] = {}
    total_terms = []
    for c in ctx.choices:
        for p in c.meeting.everyone:
            person = people.get(p)
            if person is None or not person.is_family:
                continue
            terms = []
            for vid, y in zip(c.venues, c.y, strict=True):
                minutes = ctx.travel.person_to_venue(person, ctx.ds.venues[vid])
                if minutes:
                    terms.append(minutes * y)
            if terms:
                per_person.setdefault(p, []).extend(terms)
                total_terms.extend(terms)
    if not total_terms:
        return
    ctx.penalise("travel_time", None, sum(total_terms), "travel.total", weight=w)
    floor = ctx.options.travel_floor
    worst = m.NewIntVar(0, 10_000_000, "travel.worst_family_total")
    for p, terms in per_person.items():
        m.Add(worst >= floor.get(p, 0) + sum(terms))
    if ctx.options.worst_floor:
        m.Add(worst >= ctx.options.worst_floor)
    ctx.penalise("travel_time", None, worst, "travel.worst_family", weight=w)


def least_compromise(ctx: ModelContext) -> None:
    """A redundant cut: the fewest single-occurrence compromises any placement must make.

    A mixed meeting of parent carers and young people cannot keep every time rule; saying so up
    front (computed here over day kinds x start times) lets the solver prove optimality at once
    instead of discovering the bound by search.
    """
    s = ctx.ds.settings
    per_value = {"day": UNARY_DAY, "time": UNARY_TIME, "venue": UNARY_VENUE}
    by_occurrence: dict[tuple[str, int] | None, list] | None = None
    for c in ctx.choices:
        if c.fixed or not (c.days and c.times and c.venues):
            continue
        counts = {}
        for kind, rules in per_value.items():
            values = {"day": c.days, "time": c.times, "venue": c.venues}[kind]
            counts[kind] = [sum(1 for r in rules if v in c.soft_bad.get(r, ())) for v in values]
        yph = ("young_person" in _roles(ctx, c) and ctx.strength("young_people_hours") == "soft")
        dur = c.meeting.duration_minutes
        lo = facts.young_after_school_start(ctx.ds, c.meeting)
        day_kinds = sorted({(ctx.cal.is_school_day(d), n) for d, n in zip(c.days, counts["day"], strict=True)})
        best_dt = min(
            n_day + n_time + (yph and not (
                (t >= lo and t + dur <= s.young_after_school_end) if school
                else (t >= s.young_non_school_start and t + dur <= s.young_non_school_end)))
            for school, n_day in day_kinds
            for t, n_time in zip(c.times, counts["time"], strict=True)
        )
        bound = best_dt + min(counts["venue"])
        if bound <= 0:
            continue
        if by_occurrence is None:  # once, and only when some occurrence needs it (was a scan per occurrence)
            rules = set(UNARY_DAY + UNARY_TIME + UNARY_VENUE) | {"young_people_hours"}
            by_occurrence = {}
            for p in ctx.penalties:
                if p.rule in rules:
                    by_occurrence.setdefault(p.occurrence, []).append(p.expr)
        exprs = by_occurrence.get(c.key)
        if exprs:
            ctx.model.Add(sum(exprs) >= bound * c.placed)


def _price_unary(ctx: ModelContext) -> None:
    for unit in UNARY:
        unit.price(ctx)


UNARY_DAY = tuple(u.rule for u in UNARY if u.kind == "day")
UNARY_TIME = tuple(u.rule for u in UNARY if u.kind == "time")
UNARY_VENUE = tuple(u.rule for u in UNARY if u.kind == "venue")

# The engine's rules, in the order of PRODUCT.md section 2 where it can be kept.
FILTERS = [u.filter for u in UNARY]
RULE_UNITS = [
    ("parent_term_time / parent_core_hours / venue_access / young_people_venue / venue_capacity"
     " / attendee_unavailable / travel_limit / papers_ahead", _price_unary),
    ("young_people_hours", young_people_hours),
    ("(bound) least_compromise", least_compromise),
    ("venue_open", venue_open),
    ("venue_clash", venue_clash),
    ("attendee_clash", attendee_clash),
    ("travel_time", travel_time),
    ("venue_rotation", venue_rotation),
    ("series_spacing", series_spacing),
]
