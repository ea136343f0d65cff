"""parent_term_time: when a parent carer attends, the meeting is on a school day.

A school day is a weekday inside a term block that is not a bank holiday (England and Wales), an
INSET day or a school closure day (world/calendar.py).
"""

from __future__ import annotations

from collections import Counter
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
from scheduler.rules.phrases import who
from scheduler.world import facts


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


    # -- sentences -----------------------------------------------------------------------------
    def fact(self, fx, key, rules, keys, context, promote) -> str:
        dom = fx.domain(key)
        removed = dom.removed(self.name, promote)
        n_days = len(dom.choice.days)
        parents = sorted(p.participant_id for p in facts.attendees(fx.ds, dom.meeting) if p.role == "parent_carer")
        why = Counter(_why_word(fx.cal.why_not_school_day(d)) for d in sorted(removed))
        detail = ", ".join(f"{w}: {n}" for w, n in sorted(why.items()))
        head = f"{who(parents, 'A parent carer attends', 'Parent carers attend')}, so the meeting must be on a school day"
        if len(removed) == n_days:
            return f"{head}; none of the {n_days} days in the period is one ({detail})."
        return f"{head}; {len(removed)} of the {n_days} days in the period are not ({detail})."

    def gist(self, fx, key, others) -> str:
        dom = fx.domain(key)
        return f"{len(dom.removed(self.name))} of the {len(dom.choice.days)} days are not school days"


def _why_word(why: str) -> str:
    if why.startswith("a bank holiday"):
        return "bank holidays"
    return {"a weekend": "weekends", "in the school holidays": "school holidays", "an INSET day": "INSET days",
            "a school closure day": "closure days"}.get(why, why)


RULE = ParentTermTime()
