"""venue_rotation: consecutive scheduled occurrences of a series (in date order) are at
different venues."""

from __future__ import annotations

from scheduler.core.domain import Placement
from scheduler.model.context import Choice, ModelContext, Penalty
from scheduler.rules.base import (
    Breach,
    CheckContext,
    Rule,
    RuleInfo,
    Slot,
    key_of,
    scheduled_series,
    series_choices,
)


class VenueRotation(Rule):
    info = RuleInfo("venue_rotation", "soft", 10_000,
                    "a series moves between venues rather than always meeting in one place")
    model_order = 140
    between = True
    within_series = True

    def applies(self, ds, meeting) -> bool:
        return meeting.recurrence != "once"

    def constrain(self, ctx: ModelContext) -> list[Penalty]:
        strength = self.strength(ctx)
        out: list[Penalty] = []
        if strength == "off":
            return out
        m = ctx.model
        for group in series_choices(ctx).values():
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
                    relaxed = m.NewBoolVar(f"relaxed.{self.name}.{label}") if strength == "soft" else None
                    for vid in shared:
                        row = a.venue_var(vid) + b.venue_var(vid) - sum(skipped)
                        m.Add(row <= 1 + relaxed if relaxed is not None else row <= 1)
                    if relaxed is not None:
                        out.append(self.penalty(ctx, b, relaxed, f"{label}.{self.name}"))
        return out

    def hint_cost(self, ctx: ModelContext, c: Choice, neighbours: list[Slot], vid: str) -> int:
        return ctx.weight(self.name) * sum(1 for _, _, pv in neighbours if pv == vid)

    def check_plan(self, ck: CheckContext, rows: list[Placement]):
        for group in scheduled_series(rows).values():
            for a, b in zip(group, group[1:], strict=False):
                if a.venue_id == b.venue_id:
                    yield Breach(key_of(b), f"same venue {b.venue_id} as the previous one ({a.day})")

    def relaxed_reason(self, ctx: ModelContext, c: Choice) -> str:
        return "no other suitable venue was free, or moving would break heavier rules"


    # -- sentences -----------------------------------------------------------------------------
    def fact(self, fx, key, rules, keys, context, promote) -> str:
        return fx.pair_fact(key, self, keys[1:], context) if key == keys[0] else ""

    def pair_lead(self, meeting) -> str:
        return "Consecutive meetings of a series must be at different venues"

    def pair_line(self, fx, key, other, slot, free, where) -> str | None:
        if other[0] == key[0] and abs(other[1] - key[1]) == 1 and slot is not None:
            return f"{fx.label(other)} is at {fx.ds.venues[slot[2]].name} ({slot[2]})"
        return None

    def gist(self, fx, key, others) -> str:
        return "consecutive meetings of the series must change venue"


RULE = VenueRotation()
