"""parent_term_time: when a parent carer attends, the meeting is on a school day.

A school day is a weekday inside a term block that is not a bank holiday (England and Wales), an
INSET day or a school closure day (world/calendar.py).
"""

from __future__ import annotations

from datetime import date

from scheduler.core.domain import Dataset, Meeting, Placement
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


class ParentTermTime(ValueRule):
    info = RuleInfo("parent_term_time", "soft", HIGH_WEIGHT,
                    "parent carers meet on school days (term time, not a bank holiday or INSET day)",
                    time_rule=True)
    kind = "day"
    model_order = 30

    def applies(self, ds: Dataset, meeting: Meeting) -> bool:
        return "parent_carer" in roles(ds, meeting)

    def verdict(self, ctx: ModelContext, c: Choice, d: date) -> str | None:
        return None if ctx.cal.is_school_day(d) else REQUIRED

    def slot_keeper(self, ctx: ModelContext, c: Choice):
        return lambda d, t: ctx.cal.is_school_day(d)

    def check_placement(self, ck: CheckContext, p: Placement, meeting: Meeting):
        if self.applies(ck.ds, meeting) and not ck.cal.is_school_day(p.day):
            yield Breach(key_of(p), f"{p.day} is not a school day ({ck.cal.why_not_school_day(p.day)})")


RULE = ParentTermTime()
