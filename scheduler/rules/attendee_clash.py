"""attendee_clash: nobody is in two meetings at once, and between two meetings on the same day a
shared attendee has at least the travel time between the two venues."""

from __future__ import annotations

from datetime import date
from typing import Any

import numpy as np
from ortools.sat.python import cp_model

from scheduler.core.domain import Placement, hhmm
from scheduler.model.context import Choice, ModelContext, Penalty
from scheduler.rules.base import Breach, CheckContext, Rule, RuleInfo, key_of, same_day_pairs
from scheduler.rules.phrases import ids


class AttendeeClash(Rule):
    info = RuleInfo("attendee_clash", "hard", 0,
                    "nobody is in two meetings at once, and there is time to travel between same-day meetings",
                    may_be_soft=False)
    model_order = 120
    between = True
    clash = True
    way_out_how = "move the other meeting, or take the shared attendees off one of them"
    way_out_lead = "If the shared attendees did not have to be at both meetings (attendee_clash)"

    def constrain(self, ctx: ModelContext) -> list[Penalty]:
        """Shared attendees: no overlap, and on the same day enough time to travel between venues.

        The travel time `tv` between the two chosen venues is bounded below by one row per venue
        of the occurrence with fewer venues (`tv >= sum(minutes * venue choice of the other)`,
        enforced by that venue's choice): exact, linear, and with no table for presolve to expand.
        """
        if self.strength(ctx) == "off":
            return []
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
        return []

    def hint_collides(self, ctx: ModelContext, c: Choice, diary: Any, d: date, t: int, vid: str) -> bool:
        me = c.meeting.everyone_set
        end = t + c.meeting.duration_minutes
        for key in diary.by_day.get(d, []):
            pd, pt, pv = diary.placed[key]
            other = ctx.by_key[key]
            if me.isdisjoint(other.meeting.everyone_set):
                continue
            oend = pt + other.meeting.duration_minutes
            if t < oend and pt < end:
                return True  # at the same time, whatever the journey between
            shared = me & other.meeting.everyone_set
            people = [ctx.ds.participants[p] for p in sorted(shared) if p in ctx.ds.participants]
            tv = ctx.travel.between_for(ctx.ds.venues[vid], ctx.ds.venues[pv], people)
            if not (t >= oend + tv or pt >= end + tv):
                return True
        return False

    def check_plan(self, ck: CheckContext, rows: list[Placement]):
        ds = ck.ds
        for a, b in same_day_pairs(rows):
            shared = set(ds.meetings[a.occurrence.meeting_id].everyone) & set(ds.meetings[b.occurrence.meeting_id].everyone)
            if not shared:
                continue
            first, second = (a, b) if a.start <= b.start else (b, a)
            va, vb = ds.venues.get(first.venue_id), ds.venues.get(second.venue_id)
            people = [ds.participants[x] for x in sorted(shared) if x in ds.participants]
            need = ck.travel.between_for(va, vb, people) if va and vb else 0
            if second.start < first.end + need:
                who = ", ".join(sorted(shared)[:5])
                yield Breach(key_of(second), f"{who} also at {first.occurrence.meeting_id} #{first.occurrence.number} "
                                             f"until {hhmm(first.end)}, and need {need} minutes to travel")

    def why_affected(self, venue: str, change_words: str | None) -> str:
        return "someone attending has another meeting that day, without time to travel between the venues"

    # -- sentences -----------------------------------------------------------------------------
    def fact(self, fx, key, rules, keys, context, promote) -> str:
        return fx.pair_fact(key, self, keys[1:], context) if key == keys[0] else ""

    def pair_lead(self, meeting) -> str:
        return "Nobody can be in two meetings at once, and same-day meetings need time to travel between venues"

    def pair_line(self, fx, key, other, slot, free, where) -> str | None:
        dom = fx.domain(key)
        shared = sorted(set(dom.meeting.everyone) & set(fx.ds.meetings[other[0]].everyone))
        if other[0] != key[0] and shared and (free or (slot is not None and slot[0] in dom.occ.planned)):
            return f"{ids(shared)} also {'attend' if len(shared) > 1 else 'attends'} {fx.label(other)} {where}"
        return None

    def gist(self, fx, key, others) -> str:
        return "attendees are at other meetings then"


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


RULE = AttendeeClash()
