"""young_people_hours: when a young person attends, the meeting is after school or college on a
school day, or between 10:00 and 16:00 on any other day.

After school runs from the latest `education_ends` of the young people attending plus 30 minutes
(default 16:00) until 19:00; the windows are settings (`[windows]`). `window` is the one place
that says so: the model, the validator, the starting plan and the explanations all ask it.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

from scheduler.core.domain import Dataset, Meeting, Placement, hhmm
from scheduler.model.context import Choice, ModelContext, Penalty
from scheduler.rules.base import HIGH_WEIGHT, Breach, CheckContext, Rule, RuleInfo, key_of, roles
from scheduler.rules.phrases import who
from scheduler.world import facts
from scheduler.world.calendar import SchoolCalendar


def after_school_start(ds: Dataset, meeting: Meeting) -> int:
    """After school: the latest education_ends of the young people attending, plus the offset."""
    s = ds.settings
    ends = [p.education_ends for p in facts.attendees(ds, meeting)
            if p.role == "young_person" and p.education_ends is not None]
    if not ends:
        return s.young_after_school_default_start
    return max(ends) + s.young_after_school_offset


def window(ds: Dataset, meeting: Meeting, school_day: bool, after_school: int | None = None) -> tuple[int, int]:
    """(earliest start, latest end) for young people on a school day or on any other day."""
    s = ds.settings
    if school_day:
        lo = after_school if after_school is not None else after_school_start(ds, meeting)
        return lo, s.young_after_school_end
    return s.young_non_school_start, s.young_non_school_end


def fits(span: tuple[int, int], start: int, end: int) -> bool:
    return start >= span[0] and end <= span[1]


def hours_ok(ds: Dataset, cal: SchoolCalendar, meeting: Meeting, d: date, start: int, end: int,
             after_school: int | None = None) -> bool:
    return fits(window(ds, meeting, cal.is_school_day(d), after_school), start, end)


class YoungPeopleHours(Rule):
    info = RuleInfo("young_people_hours", "soft", HIGH_WEIGHT,
                    "young people meet after school or college on school days, or 10:00 to 16:00 on other days",
                    time_rule=True)
    model_order = 90
    judges_slot = True  # a verdict on a (day, start time) pair, not on either alone

    def applies(self, ds: Dataset, meeting: Meeting) -> bool:
        return "young_person" in roles(ds, meeting)

    def slot_keeper(self, ctx: ModelContext, c: Choice) -> Callable[[date, int], bool]:
        school = window(ctx.ds, c.meeting, True)
        other = window(ctx.ds, c.meeting, False)
        dur = c.meeting.duration_minutes
        return lambda d, t: fits(school if ctx.cal.is_school_day(d) else other, t, t + dur)

    def day_class(self, ctx: ModelContext, d: date) -> bool:
        return ctx.cal.is_school_day(d)

    def constrain(self, ctx: ModelContext) -> list[Penalty]:
        """A choice of (day kind, time): after school on a school day, or daytime on another."""
        strength = self.strength(ctx)
        out: list[Penalty] = []
        if strength == "off":
            return out
        m = ctx.model
        for c in ctx.choices:
            if not self.applies(ctx.ds, c.meeting) or c.fixed or not (c.days and c.times):
                continue
            dur = c.meeting.duration_minutes
            school_span, other_span = window(ctx.ds, c.meeting, True), window(ctx.ds, c.meeting, False)
            school = [x for d, x in zip(c.days, c.x_day, strict=True) if ctx.cal.is_school_day(d)]
            after = [x for t, x in zip(c.times, c.x_time, strict=True) if fits(school_span, t, t + dur)]
            daytime = [x for t, x in zip(c.times, c.x_time, strict=True) if fits(other_span, t, t + dur)]
            a = m.NewBoolVar(f"{c.name}.yp_after_school")
            b = m.NewBoolVar(f"{c.name}.yp_other_day")
            m.Add(a <= sum(school))
            m.Add(a <= sum(after))
            m.Add(b <= c.placed - sum(school))
            m.Add(b <= sum(daytime))
            if strength == "hard":
                m.Add(a + b == c.placed)
            else:
                out.append(self.penalty(ctx, c, c.placed - a - b, f"{c.name}.{self.name}"))
        return out

    def hint_slot_cost(self, ctx: ModelContext, c: Choice) -> Callable[[date, int], int] | None:
        strength = self.strength(ctx)
        if strength == "off" or not self.applies(ctx.ds, c.meeting):
            return None
        miss = 10**12 if strength == "hard" else ctx.weight(self.name)
        keeps = self.slot_keeper(ctx, c)
        return lambda d, t: 0 if keeps(d, t) else miss

    def check_placement(self, ck: CheckContext, p: Placement, meeting: Meeting):
        ds = ck.ds
        if not self.applies(ds, meeting) or hours_ok(ds, ck.cal, meeting, p.day, p.start, p.end):
            return
        if ck.cal.is_school_day(p.day):
            lo, hi = window(ds, meeting, True)
            msg = f"{p.day} is a school day and {hhmm(p.start)} is before {hhmm(lo)} or it ends after {hhmm(hi)}"
        else:
            lo, hi = window(ds, meeting, False)
            msg = f"{p.day} is not a school day and {hhmm(p.start)}-{hhmm(p.end)} is outside {hhmm(lo)}-{hhmm(hi)}"
        yield Breach(key_of(p), msg)


    # -- sentences -----------------------------------------------------------------------------
    def fact(self, fx, key, rules, keys, context, promote) -> str:
        ds = fx.ds
        m = fx.domain(key).meeting
        young = sorted(p.participant_id for p in facts.attendees(ds, m) if p.role == "young_person")
        (lo, hi), (day_lo, day_hi) = window(ds, m, True), window(ds, m, False)
        dur = m.duration_minutes
        days = fx.remaining(key, rules, promote)["day"]
        school = sum(1 for d in days if fx.cal.is_school_day(d))
        text = (f"{who(young, 'A young person attends', 'Young people attend')}, so on school days the meeting must "
                f"run between {hhmm(lo)} and {hhmm(hi)} (after school or college)")
        if lo + dur > hi:
            text += f", too short for {dur} minutes"
        text += f", and on other days between {hhmm(day_lo)} and {hhmm(day_hi)}"
        if day_lo + dur > day_hi:
            text += ", also too short"
        return text + f"; {school} of the {len(days)} days left are school days."

    def gist(self, fx, key, others) -> str:
        m = fx.domain(key).meeting
        (lo, hi), (day_lo, day_hi) = window(fx.ds, m, True), window(fx.ds, m, False)
        return f"young people meet {hhmm(lo)}-{hhmm(hi)} on school days and {hhmm(day_lo)}-{hhmm(day_hi)} on other days"


RULE = YoungPeopleHours()
