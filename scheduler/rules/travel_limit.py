"""travel_limit: each attendee's one-way travel from home is within their `max_travel_minutes`
(default 60). Hard for required attendees, soft for optional ones."""

from __future__ import annotations

import numpy as np

from scheduler.core.domain import Meeting, Placement
from scheduler.core.wording import plural
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
from scheduler.rules.phrases import of, verb
from scheduler.world.travel import NO_HOME


class TravelLimit(ValueRule):
    info = RuleInfo("travel_limit", "hard", 10_000,
                    "each person's journey from home is within their travel limit", split_by_attendance=True)
    kind = "venue"
    model_order = 80

    def verdict(self, ctx: ModelContext, c: Choice, vid: str) -> str | None:
        required, optional = self._too_far(ctx, c.meeting)
        i = ctx.travel.venue_index(vid)
        return REQUIRED if required[i] else OPTIONAL if optional[i] else None

    def _too_far(self, ctx: ModelContext, meeting: Meeting) -> tuple[np.ndarray, np.ndarray]:
        """Venues (data order) over some required / optional attendee's limit: one numpy look
        per series rather than one journey per person and venue."""
        key = (self.name, meeting.meeting_id, "too far")
        if key not in ctx.verdicts:
            people = ctx.ds.participants

            def over(pids: tuple[str, ...]) -> np.ndarray:
                far = np.zeros(len(ctx.ds.venues), dtype=bool)
                for p in pids:
                    if p in people:
                        row = ctx.travel.person_row(people[p])
                        far |= (row != NO_HOME) & (row > people[p].max_travel_minutes)
                return far

            ctx.verdicts[key] = (over(meeting.attendees), over(meeting.optional_attendees))
        return ctx.verdicts[key]

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


    # -- sentences -----------------------------------------------------------------------------
    def restrictions(self, fx, key, promote):
        """One per person: the venues within their travel limit."""
        dom = fx.domain(key)
        out = []
        for pid in (dom.meeting.everyone if promote else dom.meeting.attendees):
            person = fx.ds.participants.get(pid)
            if person is None:
                continue
            ok = set()
            for v in dom.choice.venues:
                minutes = fx.travel.person_to_venue(person, fx.ds.venues[v])
                if minutes is None or minutes <= person.max_travel_minutes:
                    ok.add(v)
            out.append((pid, ok))
        return out

    def fact(self, fx, key, rules, keys, context, promote) -> str:
        ds = fx.ds
        dom = fx.domain(key)
        m, venues = dom.meeting, dom.choice.venues
        core = fx.core(key, "venue", rules, promote)
        parts = []
        limited = []
        for pid in (m.everyone if promote else m.attendees):
            person = ds.participants.get(pid)
            if person is None or (core is not None and (self.name, pid) not in core):
                continue
            times = {v: fx.travel.person_to_venue(person, ds.venues[v]) for v in venues}
            ok = [v for v in venues if times[v] is None or times[v] <= person.max_travel_minutes]
            if len(ok) < len(venues):
                limited.append((len(ok), pid, person, times, ok))
        for _n, pid, person, times, ok in sorted(limited, key=lambda x: (x[0], x[1]))[:5]:
            tag = "" if pid in m.attendees else " (optional)"
            head = f"{pid}{tag} can travel at most {plural(person.max_travel_minutes, 'minute')}"
            if ok:
                near = sorted(ok, key=lambda v: (times[v] or 0, v))
                listed = ", ".join(f"{v} ({times[v]} min)" for v in near[:6])
                parts.append(f"{head}, which reaches {of(len(ok), len(venues), 'venue')}: {listed}"
                             + ("" if len(ok) <= 6 else ", ..."))
            else:
                nearest = min(venues, key=lambda v: (times[v] or 0, v))
                parts.append(f"{head}, and the nearest venue, {nearest}, is {times[nearest]} minutes away")
        if len(limited) > 5:
            parts.append(f"and {len(limited) - 5} more people can reach only some of the venues")
        return ("; ".join(parts) + ".") if parts else ""

    def gist(self, fx, key, others) -> str:
        dom = fx.domain(key)
        n, ok = len(dom.choice.venues), len(dom.choice.venues) - len(dom.removed(self.name))
        return f"{of(ok, n, 'venue')} {verb(ok, 'is', 'are')} within every required attendee's travel limit"


RULE = TravelLimit()
