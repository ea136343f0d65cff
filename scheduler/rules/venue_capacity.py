"""venue_capacity: the venue holds every required and optional attendee."""

from __future__ import annotations

from scheduler.core.domain import Meeting, Placement
from scheduler.model.context import Choice, ModelContext
from scheduler.rules.base import REQUIRED, Breach, CheckContext, RuleInfo, ValueRule, key_of


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


RULE = VenueCapacity()
