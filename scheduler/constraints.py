"""One unit per rule of PRODUCT.md section 2, each named after its rule.

A unit filters an occurrence's choices where its rule is hard (recording why, for explanations)
and prices them where it is soft. `RULE_UNITS` at the bottom is the ordered list of what the
engine enforces.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import numpy as np

from . import facts
from .domain import Participant
from .model import Choice, ModelContext

REQUIRED, OPTIONAL = "required", "optional"


# -- unary rules: a verdict on one day, one start time or one venue of one occurrence -----------
@dataclass(frozen=True)
class Unary:
    """A rule that judges a single value; `verdict` says who is let down (or None)."""

    rule: str
    kind: str  # "day", "time" or "venue"

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
        for value in self.values(c):
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
    VenueOpenFilter("venue_open", "venue"),
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
    """Open that weekday, not on a closed date, and for the whole meeting."""
    if ctx.strength("venue_open") == "off":
        return
    m = ctx.model
    for c in ctx.choices:
        if not (c.days and c.venues) or c.fixed:
            continue
        dur = c.meeting.duration_minutes
        weekday_vars: dict[int, object] = {}
        for vid, y in zip(c.venues, c.y, strict=True):
            v = ctx.ds.venues[vid]
            closed_weekdays = {d.weekday() for d in c.days if d.weekday() not in v.open_days}
            for wd in sorted(closed_weekdays):
                if wd not in weekday_vars:
                    w = m.NewBoolVar(f"{c.name}.weekday[{wd}]")
                    m.Add(w == sum(x for d, x in zip(c.days, c.x_day, strict=True) if d.weekday() == wd))
                    weekday_vars[wd] = w
                m.AddBoolOr([weekday_vars[wd].Not(), y.Not()])
            for d, x in zip(c.days, c.x_day, strict=True):
                if d.weekday() in v.open_days and any(d in r for r in v.closed):
                    m.AddBoolOr([x.Not(), y.Not()])
            tod = sum(t * x for t, x in zip(c.times, c.x_time, strict=True))
            if any(t < v.open_from for t in c.times):
                m.Add(tod >= v.open_from).OnlyEnforceIf(y)
            if any(t + dur > v.open_until for t in c.times):
                m.Add(tod + dur <= v.open_until).OnlyEnforceIf(y)


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
    for group in _series(ctx).values():
        # Consecutive *scheduled* occurrences: a pair also counts when every occurrence between
        # them is left unplaced (looking up to two places back; more is vanishingly rare).
        for i, b in enumerate(group):
            for back in (1, 2, 3):
                if i - back < 0:
                    break
                a, between = group[i - back], group[i - back + 1:i]
                # an occurrence with no possible slot is never placed, so it adds no condition
                skipped = [x.placed for x in between if x.days and x.times and x.venues]
                for vid in sorted(set(a.venues) & set(b.venues)):
                    ctx.forbid_together("venue_rotation", b,
                                        [a.venue_var(vid), b.venue_var(vid)] + [x.Not() for x in skipped],
                                        f"{a.name}-{b.name}.{vid}")


def venue_clash(ctx: ModelContext) -> None:
    if ctx.strength("venue_clash") == "off":
        return
    m = ctx.model
    by_venue: dict[str, list[tuple[Choice, object]]] = {}
    for c in ctx.choices:
        for vid, y in zip(c.venues, c.y, strict=True):
            by_venue.setdefault(vid, []).append((c, y))
    for vid, users in by_venue.items():
        shared = [(c, y) for c, y in users
                  if any(o is not c and c.day_set & o.day_set for o, _ in users)]
        if len(shared) < 2:
            continue
        intervals = [m.NewOptionalFixedSizeIntervalVar(c.start_abs, c.meeting.duration_minutes, y,
                                                       f"{c.name}.at[{vid}]") for c, y in shared]
        m.AddNoOverlap(intervals)


def attendee_clash(ctx: ModelContext) -> None:
    """Shared attendees: no overlap, and on the same day enough time to travel between venues."""
    if ctx.strength("attendee_clash") == "off":
        return
    m = ctx.model
    people = ctx.ds.participants
    venue_index: dict[tuple[str, int], object] = {}

    def index_var(c: Choice):
        if c.key not in venue_index:
            iv = m.NewIntVar(0, max(len(c.venues) - 1, 0), f"{c.name}.venue_index")
            m.Add(iv == sum(k * y for k, y in enumerate(c.y)))
            venue_index[c.key] = iv
        return venue_index[c.key]

    indices: dict[tuple[str, int], np.ndarray] = {}

    def index_of(c: Choice) -> np.ndarray:
        if c.key not in indices:
            indices[c.key] = ctx.travel.venue_indices(c.venues)
        return indices[c.key]

    choices = ctx.choices
    members = {c.key: set(c.meeting.everyone) for c in choices}
    for i, a in enumerate(choices):
        for b in choices[i + 1:]:
            if a.occ.meeting_id == b.occ.meeting_id:
                continue
            shared = members[a.key] & members[b.key]
            if not shared or not (a.day_set & b.day_set) or not (a.venues and b.venues):
                continue
            travellers = [people[p] for p in sorted(shared) if p in people]
            matrix = ctx.travel.between_matrix(travellers)
            table = matrix[np.ix_(index_of(a), index_of(b))].ravel().tolist()
            if max(table) == 0:
                tv = 0
            else:
                tv = m.NewIntVar(0, max(table), f"travel[{a.name}~{b.name}]")
                idx = m.NewIntVar(0, len(table) - 1, f"pair[{a.name}~{b.name}]")
                m.Add(idx == index_var(a) * len(b.venues) + index_var(b))
                m.AddElement(idx, table, tv)
            a_first = m.NewBoolVar(f"order[{a.name}<{b.name}]")
            m.Add(b.start_abs >= a.start_abs + a.meeting.duration_minutes + tv).OnlyEnforceIf(
                [a_first, a.placed, b.placed])
            m.Add(a.start_abs >= b.start_abs + b.meeting.duration_minutes + tv).OnlyEnforceIf(
                [a_first.Not(), a.placed, b.placed])


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
    worst = m.NewIntVar(0, 10_000_000, "travel.worst_family_total")
    for terms in per_person.values():
        m.Add(worst >= sum(terms))
    ctx.penalise("travel_time", None, worst, "travel.worst_family", weight=w)


def least_compromise(ctx: ModelContext) -> None:
    """A redundant cut: the fewest single-occurrence compromises any placement must make.

    A mixed meeting of parent carers and young people cannot keep every time rule; saying so up
    front (computed here over day kinds x start times) lets the solver prove optimality at once
    instead of discovering the bound by search.
    """
    s = ctx.ds.settings
    per_value = {"day": UNARY_DAY, "time": UNARY_TIME, "venue": UNARY_VENUE}
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
        rules = set(UNARY_DAY + UNARY_TIME + UNARY_VENUE) | {"young_people_hours"}
        exprs = [p.expr for p in ctx.penalties if p.occurrence == c.key and p.rule in rules]
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
