"""venue_clash: a venue hosts one meeting at a time."""

from __future__ import annotations

from datetime import date
from typing import Any

from scheduler.core.domain import MINUTES_PER_DAY, Placement, hhmm
from scheduler.model.context import Choice, ModelContext, Penalty
from scheduler.rules.base import Breach, CheckContext, Rule, RuleInfo, key_of, same_day_pairs


class VenueClash(Rule):
    info = RuleInfo("venue_clash", "hard", 0, "a venue hosts one meeting at a time", may_be_soft=False)
    model_order = 110
    between = True
    clash = True
    way_out_how = "move or drop the other meeting that uses the venue then"
    way_out_lead = "If a venue could host two meetings at once (venue_clash)"

    def constrain(self, ctx: ModelContext) -> list[Penalty]:
        """One meeting at a time in each venue (and none over a booking the model holds fixed)."""
        if self.strength(ctx) == "off":
            return []
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
        return []

    def hint_collides(self, ctx: ModelContext, c: Choice, diary: Any, d: date, t: int, vid: str) -> bool:
        end = t + c.meeting.duration_minutes
        for key in diary.by_day.get(d, []):
            pd, pt, pv = diary.placed[key]
            if pv == vid and t < pt + ctx.by_key[key].meeting.duration_minutes and pt < end:
                return True
        return False

    def check_plan(self, ck: CheckContext, rows: list[Placement]):
        for a, b in same_day_pairs(rows):
            if a.start < b.end and b.start < a.end and a.venue_id == b.venue_id:
                yield Breach(key_of(b), f"{a.venue_id} also hosts {a.occurrence.meeting_id} #{a.occurrence.number} "
                                        f"at {hhmm(a.start)}-{hhmm(a.end)}")

    def why_affected(self, venue: str, change_words: str | None) -> str:
        return f"{venue} hosts another meeting at that time"


    # -- sentences -----------------------------------------------------------------------------
    def fact(self, fx, key, rules, keys, context, promote) -> str:
        return fx.pair_fact(key, self, keys[1:], context) if key == keys[0] else ""

    def pair_lead(self, meeting) -> str:
        return "A venue hosts one meeting at a time"

    def pair_line(self, fx, key, other, slot, free, where) -> str | None:
        if other[0] == key[0] and not free:
            return None
        dom = fx.domain(key)
        venues = set(dom.choice.venues)
        mo = fx.ds.meetings[other[0]]
        shared = venues & (set(mo.venues) if mo.venues is not None else set(fx.ds.venues))
        if free and shared or (slot is not None and slot[2] in venues and slot[0] in dom.occ.planned):
            return f"{fx.label(other)} uses the same venues {where}"
        return None

    def gist(self, fx, key, others) -> str:
        return "the venues left are booked by other meetings"


RULE = VenueClash()
