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
from scheduler.rules.phrases import unavailable_text


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


    # -- sentences -----------------------------------------------------------------------------
    def restrictions(self, fx, key, promote):
        """One per person who cannot come on some days: the days they can."""
        dom = fx.domain(key)
        days = set(dom.choice.days)
        out = []
        for pid in (dom.meeting.everyone if promote else dom.meeting.attendees):
            person = fx.ds.participants.get(pid)
            if person is not None:
                out.append((pid, {d for d in days if not person.unavailable.blocks(d)}))
        return out

    def fact(self, fx, key, rules, keys, context, promote) -> str:
        ds = fx.ds
        dom = fx.domain(key)
        m, days = dom.meeting, dom.choice.days
        who = m.everyone if promote else m.attendees
        core = fx.core(key, "day", rules, promote)
        chosen = [pid for pid in who if pid in ds.participants and (core is None or (self.name, pid) in core)]
        parts = []
        for pid in chosen:
            person = ds.participants[pid]
            if any(person.unavailable.blocks(d) for d in days):
                kind = "required" if pid in m.attendees else "optional"
                parts.append(f"{pid} ({kind}) cannot come {unavailable_text(person.unavailable, days)}")
        if not parts:
            return ""
        gone = set().union(*({d for d in days if ds.participants[p].unavailable.blocks(d)} for p in chosen))
        text = "; ".join(parts)
        return f"{text[0].upper()}{text[1:]}: that rules out {len(gone)} of the {len(days)} days in the period."

    def gist(self, fx, key, others) -> str:
        dom = fx.domain(key)
        return f"required attendees are unavailable on {len(dom.removed(self.name))} of the {len(dom.choice.days)} days"


RULE = AttendeeUnavailable()
