"""travel_time: total travel of parent carers and young people is as low as possible, and no one
family carries the long journeys all year (the largest yearly total is minimised too)."""

from __future__ import annotations

import numpy as np
from ortools.sat.python import cp_model

from scheduler.core.domain import Meeting, Placement
from scheduler.model.context import Choice, ModelContext, Penalty
from scheduler.rules.base import CheckContext, Key, Rule, RuleInfo


def family_totals(ck: CheckContext, rows: list[Placement]) -> dict[str, int]:
    """Each parent carer's and young person's yearly one-way travel in a plan."""
    ds = ck.ds
    totals: dict[str, int] = {}
    for p in rows:
        venue = ds.venues.get(p.venue_id) if p.scheduled else None
        if venue is None:
            continue
        for pid in ds.meetings[p.occurrence.meeting_id].everyone:
            person = ds.participants.get(pid)
            if person is None or not person.is_family:
                continue
            minutes = ck.travel.person_to_venue(person, venue)
            if minutes:
                totals[pid] = totals.get(pid, 0) + minutes
    return totals


def family_minutes(ctx: ModelContext, meeting: Meeting) -> tuple[list[str], np.ndarray]:
    """The meeting's parent carers and young people, and their minutes to every venue (data
    order; 0 where unknown): computed once per series and shared by the models of one data set
    (at 3,000 occurrences single look-ups ran into millions)."""
    key = ("travel_time", meeting.meeting_id, "family minutes")
    if key not in ctx.verdicts:
        people = ctx.ds.participants
        family = [p for p in meeting.everyone if p in people and people[p].is_family]
        rows = np.array([ctx.travel.person_row(people[p]) for p in family], dtype=np.int64).reshape(
            len(family), len(ctx.ds.venues))
        ctx.verdicts[key] = (family, np.maximum(rows, 0))  # no home: no cost
    return ctx.verdicts[key]


class TravelTime(Rule):
    info = RuleInfo("travel_time", "objective", 1,
                    "families' total travel is as low as possible and shared fairly over the year")
    model_order = 130

    def constrain(self, ctx: ModelContext) -> list[Penalty]:
        """Families' total travel, plus the largest yearly total of any one family member."""
        m = ctx.model
        w = ctx.weight(self.name)
        if w == 0 or self.strength(ctx) == "off":
            return []
        per_person: dict[str, tuple[list, list]] = {}  # person -> (venue choices, minutes)
        total_vars: list = []
        total_minutes: list[int] = []
        for c in ctx.choices:
            family, rows = family_minutes(ctx, c.meeting)
            if not family or not c.venues:
                continue
            minutes = rows[:, ctx.travel.venue_indices(c.venues)]  # family x the occurrence's venues
            for k, p in enumerate(family):
                nz = np.flatnonzero(minutes[k])
                if nz.size:
                    xs, cs = per_person.setdefault(p, ([], []))
                    xs.extend(c.y[j] for j in nz)
                    cs.extend(minutes[k, nz].tolist())
            column = minutes.sum(axis=0)  # one term per venue choice: its family's minutes together
            nz = np.flatnonzero(column)
            total_vars.extend(c.y[j] for j in nz)
            total_minutes.extend(column[nz].tolist())
        if not total_vars:
            return []
        out = [self.penalty(ctx, None, cp_model.LinearExpr.WeightedSum(total_vars, total_minutes),
                            "travel.total", weight=w)]
        floor = ctx.options.travel_floor
        worst = m.NewIntVar(0, 10_000_000, "travel.worst_family_total")
        for p, (xs, cs) in per_person.items():
            m.Add(worst >= floor.get(p, 0) + cp_model.LinearExpr.WeightedSum(xs, cs))
        if ctx.options.worst_floor:
            m.Add(worst >= ctx.options.worst_floor)
        out.append(self.penalty(ctx, None, worst, "travel.worst_family", weight=w))
        return out

    def hint_costs(self, ctx: ModelContext, c: Choice, tables: dict[str, dict]) -> None:
        family, rows = family_minutes(ctx, c.meeting)
        if not family or not c.venues:
            return
        w = ctx.weight(self.name)
        venue_cost = tables["venue"]
        column = rows[:, ctx.travel.venue_indices(c.venues)].sum(axis=0)
        for vid, minutes in zip(c.venues, column.tolist(), strict=True):
            venue_cost[vid] += w * minutes

    def cost(self, ck: CheckContext, rows: list[Placement], relaxed: set[Key]) -> int:
        """Its weight times (the families' total travel + the largest yearly total of one)."""
        totals = family_totals(ck, rows)
        return self.weight(ck.ds.settings) * (sum(totals.values()) + max(totals.values(), default=0))


    # -- sentences -----------------------------------------------------------------------------
    def fact(self, fx, key, rules, keys, context, promote) -> str:
        """Travel is priced, never a reason on its own: explanations give the travel figures."""
        return ""

    def gist(self, fx, key, others) -> str:
        return ""


RULE = TravelTime()
