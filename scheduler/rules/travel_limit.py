"""travel_limit: each attendee's one-way travel from home is within their `max_travel_minutes`
(default 60). Hard for required attendees, soft for optional ones."""

from __future__ import annotations

from scheduler.core.domain import Meeting, Participant, Placement
from scheduler.model.context import Choice, ModelContext
from scheduler.rules.base import (
    OPTIONAL,
    REQUIRED,
    Breach,
    CheckContext,
    RuleInfo,
    ValueRule,
    key_of,
)


class TravelLimit(ValueRule):
    info = RuleInfo("travel_limit", "hard", 10_000,
                    "each person's journey from home is within their travel limit", split_by_attendance=True)
    kind = "venue"
    model_order = 80

    def verdict(self, ctx: ModelContext, c: Choice, vid: str) -> str | None:
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

    def check_placement(self, ck: CheckContext, p: Placement, meeting: Meeting):
        venue = ck.ds.venues.get(p.venue_id)
        if venue is None:
            return
        for pid in meeting.everyone:
            person = ck.ds.participants.get(pid)
            if person is None:
                continue
            minutes = ck.travel.person_to_venue(person, venue)
            if minutes is not None and minutes > person.max_travel_minutes:
                required = pid in meeting.attendees
                yield Breach(key_of(p), f"{pid} ({'required' if required else 'optional'}) would travel {minutes} "
                                        f"minutes, over their {person.max_travel_minutes}",
                             optional_only=not required)

    def why_affected(self, venue: str, change_words: str | None) -> str:
        return f"{venue} is now too far for someone who attends"


RULE = TravelLimit()
