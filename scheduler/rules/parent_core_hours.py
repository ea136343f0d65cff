"""parent_core_hours: when a parent carer attends, the meeting starts at or after 10:00 and
ends by 14:00 (`[windows]` in settings)."""

from __future__ import annotations

from scheduler.core.domain import Dataset, Meeting, Placement, Settings, hhmm
from scheduler.model.context import Choice, ModelContext
from scheduler.rules.base import (
    HIGH_WEIGHT,
    REQUIRED,
    Breach,
    CheckContext,
    RuleInfo,
    ValueRule,
    key_of,
    roles,
)
from scheduler.world import facts


def core_ok(s: Settings, start: int, end: int) -> bool:
    return start >= s.parent_start and end <= s.parent_end


class ParentCoreHours(ValueRule):
    info = RuleInfo("parent_core_hours", "soft", HIGH_WEIGHT,
                    "parent carers meet between 10:00 and 14:00", time_rule=True)
    kind = "time"
    model_order = 40

    def applies(self, ds: Dataset, meeting: Meeting) -> bool:
        return "parent_carer" in roles(ds, meeting)

    def verdict(self, ctx: ModelContext, c: Choice, t: int) -> str | None:
        return None if core_ok(ctx.ds.settings, t, t + c.meeting.duration_minutes) else REQUIRED

    def slot_keeper(self, ctx: ModelContext, c: Choice):
        s, dur = ctx.ds.settings, c.meeting.duration_minutes
        return lambda d, t: core_ok(s, t, t + dur)

    def check_placement(self, ck: CheckContext, p: Placement, meeting: Meeting):
        s = ck.ds.settings
        if self.applies(ck.ds, meeting) and not core_ok(s, p.start, p.end):
            yield Breach(key_of(p), f"{hhmm(p.start)}-{hhmm(p.end)} is outside {hhmm(s.parent_start)}-{hhmm(s.parent_end)}")


    # -- sentences -----------------------------------------------------------------------------
    def fact(self, fx, key, rules, keys, context, promote) -> str:
        s = fx.ds.settings
        m = fx.domain(key).meeting
        dur = m.duration_minutes
        latest = s.parent_end - dur
        n_pc = sum(1 for p in facts.attendees(fx.ds, m) if p.role == "parent_carer")
        head = (f"{'A parent carer attends' if n_pc == 1 else 'Parent carers attend'}, so the meeting must "
                f"start at or after {hhmm(s.parent_start)} and end by {hhmm(s.parent_end)}")
        if latest < s.parent_start:
            return f"{head}, but it lasts {dur} minutes, longer than that."
        return f"{head}: for {dur} minutes, a start between {hhmm(s.parent_start)} and {hhmm(latest)}."

    def gist(self, fx, key, others) -> str:
        s = fx.ds.settings
        return f"parent carers meet {hhmm(s.parent_start)}-{hhmm(s.parent_end)}"


RULE = ParentCoreHours()
