"""closure_days: no meeting on a bank holiday or in the Christmas closure.

Offices, venues and families are away on bank holidays (England and Wales) and over Christmas
(24 December to 1 January by default; `[windows] closure` in settings.toml). Parent carers'
meetings already avoid bank holidays (they must be on school days); this rule keeps young
people's and professionals' meetings off them too. Soft with a high weight: it gives way only to
placing a meeting at all and to the framework's own time and access rules.
"""

from __future__ import annotations

from datetime import date

from scheduler.core.domain import Settings
from scheduler.rules.base import REQUIRED, Breach, RuleInfo, ValueRule, key_of
from scheduler.world.calendar import SchoolCalendar

ORGANISER_HIGH_WEIGHT = 8_000


def closure_reason(cal: SchoolCalendar, s: Settings, d: date) -> str | None:
    """Why the office is closed on `d` (a bank holiday or the closure window), or None."""
    name = cal.bank_holiday(d)
    if name is not None:
        return f"a bank holiday ({name})"
    if in_closure(s.closure, d):
        (m1, d1), (m2, d2) = s.closure
        return f"in the closure from {date(2000, m1, d1):%-d %B} to {date(2000, m2, d2):%-d %B}"
    return None


def in_closure(closure: tuple[tuple[int, int], tuple[int, int]], d: date) -> bool:
    """Whether `d` falls in a yearly window given as ((month, day), (month, day)), which may run
    over the new year (24 December to 1 January)."""
    start, end = closure
    here = (d.month, d.day)
    if start <= end:
        return start <= here <= end
    return here >= start or here <= end


class ClosureDays(ValueRule):
    info = RuleInfo("closure_days", "soft", ORGANISER_HIGH_WEIGHT,
                    "no meeting on a bank holiday or in the Christmas closure")
    kind = "day"
    model_order = 32  # priced with the framework's day rules, so the least-compromise cut counts it

    def verdict(self, ctx, c, d: date) -> str | None:
        return REQUIRED if closure_reason(ctx.cal, ctx.ds.settings, d) else None

    def check_placement(self, ck, p, meeting):
        why = closure_reason(ck.cal, ck.ds.settings, p.day)
        if why:
            yield Breach(key_of(p), f"{p.day} is {why}")

    def fact(self, ex, key, rules, keys, context, promote) -> str:
        dom = ex.domain(key)
        days = dom.choice.days
        closed = [d for d in days if closure_reason(ex.cal, ex.ds.settings, d)]
        if not closed:
            return ""
        head = "Meetings avoid bank holidays and the Christmas closure"
        if len(closed) == len(days):
            return f"{head}; every day in the period is one of them."
        return f"{head}; {len(closed)} of the {len(days)} days in the period are."

    def gist(self, ex, key, others) -> str:
        return "every possible day is a bank holiday or in the Christmas closure"

    def relaxed_reason(self, ctx, c) -> str:
        days = c.days
        bad = set(c.soft_bad.get(self.name, ()))
        if days and all(d in bad for d in days):
            return "every day left by the other rules is a bank holiday or in the Christmas closure"
        return "the other days are taken or break heavier rules"

    def report_why(self, ds, p) -> str:
        return "no other day in its period kept the framework's rules"


RULE = ClosureDays()
