"""venue_capacity: the venue holds every required and optional attendee."""

from __future__ import annotations

from scheduler.core.domain import Meeting, Placement
from scheduler.model.context import Choice, ModelContext
from scheduler.rules.base import REQUIRED, Breach, CheckContext, RuleInfo, ValueRule, key_of
from scheduler.rules.phrases import of, verb


class VenueCapacity(ValueRule):
    info = RuleInfo("venue_capacity", "hard", 0, "the venue holds everyone invited")
    kind = "venue"
    model_order = 70

    def verdict(self, ctx: ModelContext, c: Choice, vid: str) -> str | None:
        return REQUIRED if len(c.meeting.everyone) > ctx.ds.venues[vid].capacity else None

    def check_placement(self, ck: CheckContext, p: Placement, meeting: Meeting):
        venue = ck.ds.venues.get(p.venue_id)
        if venue is not None and len(meeting.everyone) > venue.capacity:
            yield Breach(key_of(p), f"{len(meeting.everyone)} people invited, {venue.venue_id} holds {venue.capacity}")

    def why_affected(self, venue: str, change_words: str | None) -> str:
        return f"{venue} no longer holds everyone invited"


    # -- sentences -----------------------------------------------------------------------------
    def fact(self, fx, key, rules, keys, context, promote) -> str:
        dom = fx.domain(key)
        venues = dom.choice.venues
        removed = dom.removed(self.name, promote)
        if not removed:
            return ""
        n = len(dom.meeting.everyone)
        ok = [v for v in venues if v not in removed]
        if not ok:
            biggest = max((fx.ds.venues[v].capacity for v in venues), default=0)
            return f"{n} people are invited, but the largest of the {len(venues)} venues holds {biggest}."
        return (f"{n} people are invited; {of(len(ok), len(venues), 'venue')} {verb(len(ok), 'holds', 'hold')} that many"
                + (f" ({', '.join(ok)})." if len(ok) <= 6 else "."))

    def gist(self, fx, key, others) -> str:
        dom = fx.domain(key)
        n, ok = len(dom.choice.venues), len(dom.choice.venues) - len(dom.removed(self.name))
        return f"{of(ok, n, 'venue')} {verb(ok, 'holds', 'hold')} the {len(dom.meeting.everyone)} invited"


RULE = VenueCapacity()
