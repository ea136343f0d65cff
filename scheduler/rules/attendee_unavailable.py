"""attendee_unavailable: nobody is booked on the dates or weekdays they said they cannot come.

Hard for required attendees; for optional attendees only a penalty.
"""

from __future__ import annotations

from datetime import date

from scheduler.core.domain import Meeting, Placement
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


class AttendeeUnavailable(ValueRule):
    info = RuleInfo("attendee_unavailable", "hard", 10_000,
                    "people are not booked on days they said they cannot come", split_by_attendance=True)
    kind = "day"
    model_order = 20

    def relevant(self, ctx: ModelContext, c: Choice) -> bool:
        people = ctx.ds.participants
        return any(people[p].unavailable for p in c.meeting.everyone if p in people)

    def verdict(self, ctx: ModelContext, c: Choice, d: date) -> str | None:
        people = ctx.ds.participants
        if any(people[p].unavailable.blocks(d) for p in c.meeting.attendees if p in people):
            return REQUIRED
        if any(people[p].unavailable.blocks(d) for p in c.meeting.optional_attendees if p in people):
            return OPTIONAL
        return None

    def check_placement(self, ck: CheckContext, p: Placement, meeting: Meeting):
        people = ck.ds.participants
        for pid in meeting.attendees:
            if pid in people and people[pid].unavailable.blocks(p.day):
                yield Breach(key_of(p), f"{pid} (required) is unavailable on {p.day}")
        for pid in meeting.optional_attendees:
            if pid in people and people[pid].unavailable.blocks(p.day):
                yield Breach(key_of(p), f"{pid} (optional) is unavailable on {p.day}", optional_only=True)

    def why_affected(self, venue: str, change_words: str | None) -> str:
        return "someone who must attend cannot come that day"


RULE = AttendeeUnavailable()
