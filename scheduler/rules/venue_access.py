"""venue_access: the venue has every feature that any attendee needs (`needs` in participants),
and is one of the meeting's allowed venues."""

from __future__ import annotations

from scheduler.core.domain import Meeting, Placement
from scheduler.model.context import Choice, ModelContext
from scheduler.rules.base import REQUIRED, Breach, CheckContext, RuleInfo, ValueRule, key_of
from scheduler.world import facts


class VenueAccess(ValueRule):
    info = RuleInfo("venue_access", "hard", 0, "the venue has every access feature that an attendee needs")
    kind = "venue"
    model_order = 50

    def verdict(self, ctx: ModelContext, c: Choice, vid: str) -> str | None:
        venue = ctx.ds.venues[vid]
        needs = {n for p in facts.attendees(ctx.ds, c.meeting) for n in p.needs}
        return REQUIRED if any(not venue.has(n) for n in needs) else None

    def check_placement(self, ck: CheckContext, p: Placement, meeting: Meeting):
        venue = ck.ds.venues.get(p.venue_id)
        if venue is None:
            return
        if meeting.venues is not None and venue.venue_id not in meeting.venues:
            yield Breach(key_of(p), f"{venue.venue_id} is not one of the meeting's allowed venues")
        for need, who in facts.missing_features(venue, facts.attendees(ck.ds, meeting)).items():
            yield Breach(key_of(p), f"{venue.venue_id} does not confirm {need}, needed by {', '.join(who)}")

    def why_affected(self, venue: str, change_words: str | None) -> str:
        return f"{venue} no longer has every access feature the attendees need"


RULE = VenueAccess()
