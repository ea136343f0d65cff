"""travel_time: total travel of parent carers and young people is as low as possible, and no one
family carries the long journeys all year (the largest yearly total is minimised too)."""

from __future__ import annotations

from scheduler.core.domain import Placement
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
            return []
        out = [self.penalty(ctx, None, sum(total_terms), "travel.total", weight=w)]
        floor = ctx.options.travel_floor
        worst = m.NewIntVar(0, 10_000_000, "travel.worst_family_total")
        for p, terms in per_person.items():
            m.Add(worst >= floor.get(p, 0) + sum(terms))
        if ctx.options.worst_floor:
            m.Add(worst >= ctx.options.worst_floor)
        out.append(self.penalty(ctx, None, worst, "travel.worst_family", weight=w))
        return out

    def hint_costs(self, ctx: ModelContext, c: Choice, tables: dict[str, dict]) -> None:
        w = ctx.weight(self.name)
        venue_cost = tables["venue"]
        for vid in c.venues:
            for pid in c.meeting.everyone:
                person = ctx.ds.participants.get(pid)
                if person is not None and person.is_family:
                    venue_cost[vid] += w * (ctx.travel.person_to_venue(person, ctx.ds.venues[vid]) or 0)

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
