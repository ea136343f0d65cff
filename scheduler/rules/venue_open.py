"""venue_open: the venue is open that weekday for the whole meeting, and not on a closed date."""

from __future__ import annotations

from datetime import date

import numpy as np

from scheduler.core.domain import Meeting, Placement, Venue, hhmm
from scheduler.core.wording import join
from scheduler.model.context import Choice, ModelContext, Penalty
from scheduler.rules.base import REQUIRED, Breach, CheckContext, RuleInfo, ValueRule, key_of
from scheduler.rules.phrases import weekday_plural


def open_ok(venue: Venue, d: date, start: int, end: int) -> bool:
    return not venue.is_closed_on(d) and start >= venue.open_from and end <= venue.open_until


class VenueOpen(ValueRule):
    info = RuleInfo("venue_open", "hard", 0, "the venue is open on that day for the whole meeting",
                    may_be_soft=False)
    kind = "venue"
    per_meeting = False  # depends on the occurrence's days
    pure = False  # the filter only drops venues never open; the constraints do the rest
    model_order = 100
    way_out_how = "change the venue's open_days, open_from, open_until or closed_dates in venues.csv"
    way_out_lead = "If a venue were open then (venue_open)"

    def verdict(self, ctx: ModelContext, c: Choice, vid: str) -> str | None:
        """Drops venues never open on any candidate day, or too briefly for the meeting."""
        v = ctx.ds.venues[vid]
        if v.open_until - v.open_from < c.meeting.duration_minutes:
            return REQUIRED
        if all(v.is_closed_on(d) for d in c.days):
            return REQUIRED
        if not any(v.open_from <= t and t + c.meeting.duration_minutes <= v.open_until for t in c.times):
            return REQUIRED
        return None

    def constrain(self, ctx: ModelContext) -> list[Penalty]:
        """Open that weekday, not on a closed date, and for the whole meeting.

        Venues of one occurrence that are closed on the same candidate days share one row
        `sum(their venue choices) + sum(those days) <= 1` (and likewise for start times), which is
        both smaller and tighter than a clause per (venue, day).
        """
        out = super().constrain(ctx)
        if self.strength(ctx) == "off":
            return out
        m = ctx.model
        closed, first = ctx.closed_matrix()
        for c in ctx.choices:
            if not (c.days and c.venues) or c.fixed:
                continue
            rows = ctx.travel.venue_indices(c.venues)
            day_cols = np.array([(d - first).days for d in c.days], dtype=np.int64)
            bad_days = closed[np.ix_(rows, day_cols)]
            opens = np.array([ctx.ds.venues[v].open_from for v in c.venues])
            closes = np.array([ctx.ds.venues[v].open_until for v in c.venues])
            starts = np.array(c.times, dtype=np.int64)
            bad_times = ((starts[None, :] < opens[:, None])
                         | (starts[None, :] + c.meeting.duration_minutes > closes[:, None]))
            for bad, xs in ((bad_days, c.x_day), (bad_times, c.x_time)):
                groups: dict[bytes, list] = {}
                for k, row in enumerate(bad):
                    if row.any():
                        groups.setdefault(np.packbits(row).tobytes() + bytes([len(row) % 8]), [row, []])[1].append(c.y[k])
                for row, ys in groups.values():
                    m.Add(sum(ys) + sum(xs[i] for i in np.flatnonzero(row)) <= 1)
        return out

    def hint_allows(self, ctx: ModelContext, c: Choice, d: date, t: int, vid: str) -> bool:
        return open_ok(ctx.ds.venues[vid], d, t, t + c.meeting.duration_minutes)

    def check_placement(self, ck: CheckContext, p: Placement, meeting: Meeting):
        venue = ck.ds.venues.get(p.venue_id)
        if venue is None:
            yield Breach(key_of(p), f"venue '{p.venue_id}' is not in venues.csv")
        elif not open_ok(venue, p.day, p.start, p.end):
            yield Breach(key_of(p), f"{venue.venue_id} is not open {p.day} {hhmm(p.start)}-{hhmm(p.end)}")

    def why_affected(self, venue: str, change_words: str | None) -> str:
        return change_words or f"{venue} is no longer open at that time"


    # -- sentences -----------------------------------------------------------------------------
    def fact(self, fx, key, rules, keys, context, promote) -> str:
        m = fx.domain(key).meeting
        left = fx.remaining(key, rules, promote)
        vids = left["venue"]
        if not vids:
            return ""
        days = left["day"]
        parts = []
        for vid in vids[:6]:
            v = fx.ds.venues[vid]
            open_days = [w for w in range(7) if w in v.open_days]
            when = ("every day" if len(open_days) == 7 else join(weekday_plural(w) for w in open_days)
                    if open_days else "no day")
            closed = [r for r in v.closed if any(d in r for d in days)]
            text = f"{v.name} ({vid}) is open {when}, {hhmm(v.open_from)}-{hhmm(v.open_until)}"
            if closed:
                text += ", closed " + ", ".join(str(r.first) if r.first == r.last else f"{r.first} to {r.last}"
                                                for r in closed)
            usable = [d for d in days if not v.is_closed_on(d)]
            if not usable:
                text += " (so on none of the days left)"
            elif v.open_until - v.open_from < m.duration_minutes:
                text += f" (too short for {m.duration_minutes} minutes)"
            parts.append(text)
        more = f"; and {len(vids) - 6} more" if len(vids) > 6 else ""
        return "Opening times: " + "; ".join(parts) + more + "."

    def gist(self, fx, key, others) -> str:
        return "the venues left are closed on the days and times left"

    def no_time_fits(self, meeting) -> str:
        """The fact when no start time fits any venue: the time grid spans the opening hours."""
        return f"The meeting lasts {meeting.duration_minutes} minutes, longer than any venue is open."


RULE = VenueOpen()
