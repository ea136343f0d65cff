"""even_rhythm: consecutive meetings of a series are at least half a period apart.

One meeting per period (series_spacing) still lets a "quarterly" event fall on 30 September and
again on 2 October. Half a period keeps the rhythm even: monthly 15 days, half-termly 21,
termly 42, quarterly 45. Compared as venue_rotation does, between consecutive *scheduled*
occurrences in date order. With a short planning window (planning from 1 December) the first
period may be too short to keep it; the meeting is still placed and the rule says so.
"""

from __future__ import annotations

from itertools import pairwise

from scheduler.model.series import consecutive
from scheduler.rules.base import (
    Breach,
    Rule,
    RuleInfo,
    key_of,
    scheduled_series,
    series_choices,
)

ORGANISER_WEIGHT = 2_000
HALF_PERIOD_DAYS = {"monthly": 15, "half-termly": 21, "termly": 42, "quarterly": 45}


class EvenRhythm(Rule):
    info = RuleInfo("even_rhythm", "soft", ORGANISER_WEIGHT,
                    "meetings of a series are at least half a period apart (monthly 15 days, "
                    "half-termly 21, termly 42, quarterly 45)")
    model_order = 170
    hint_depends = frozenset({"day"})  # what its greedy-start hooks look at
    between = True
    within_series = True

    def applies(self, ds, meeting) -> bool:
        return meeting.recurrence in HALF_PERIOD_DAYS

    def constrain(self, ctx):
        strength = self.strength(ctx)
        if strength == "off":
            return []
        m = ctx.model
        out = []
        for mid, group in series_choices(ctx).items():
            gap = HALF_PERIOD_DAYS.get(ctx.ds.meetings[mid].recurrence)
            if gap is None:
                continue
            for a, b, between in consecutive(group):
                if (min(b.days) - max(a.days)).days >= gap:
                    continue  # always far enough apart
                if strength == "hard" and a.fixed and b.fixed:
                    continue  # both kept as given: the validator reports them
                enforce = [a.placed, b.placed] + [x.Not() for x in between]
                label = f"{a.name}-{b.name}.{self.name}"
                if strength == "soft":
                    relaxed = m.NewBoolVar(f"relaxed.{label}")
                    enforce.append(relaxed.Not())
                    out.append(self.penalty(ctx, b, relaxed, label))
                m.Add(b.day_index - a.day_index >= gap).OnlyEnforceIf(enforce)
        return out

    def hint_diary_cost(self, ctx, c, diary, d, t, vid) -> int:
        """The greedy start keeps the rhythm where it can (the solver may still relax it)."""
        gap = HALF_PERIOD_DAYS.get(c.meeting.recurrence)
        if gap is None or self.strength(ctx) == "off":
            return 0
        close = any(abs((diary.placed[k][0] - d).days) < gap for k in diary.by_series.get(c.occ.meeting_id, ()))
        return ctx.weight(self.name) if close else 0

    def check_plan(self, ck, rows):
        for mid, group in scheduled_series(rows).items():
            gap = HALF_PERIOD_DAYS.get(ck.ds.meetings[mid].recurrence)
            if gap is None:
                continue
            for a, b in pairwise(group):
                days = (b.day - a.day).days
                if days < gap:
                    yield Breach(key_of(b), f"only {days} days after the previous one ({a.day}); a "
                                            f"{ck.ds.meetings[mid].recurrence} meeting keeps {gap} days apart")

    def fact(self, ex, key, rules, keys, context, promote) -> str:
        m = ex.ds.meetings[key[0]]
        gap = HALF_PERIOD_DAYS.get(m.recurrence)
        if gap is None:
            return ""
        return f"A {m.recurrence} meeting keeps at least {gap} days after the previous one."

    def gist(self, ex, key, others) -> str:
        return "too close to the previous meeting of the series"

    def relaxed_reason(self, ctx, c) -> str:
        gap = HALF_PERIOD_DAYS.get(c.meeting.recurrence, 0)
        planned = c.occ.planned
        if planned.first > c.occ.period.first or planned.last < c.occ.period.last:
            return (f"its period is cut short by the planning window ({planned.first} to {planned.last}), "
                    f"leaving no day {gap} days from the next or previous meeting")
        return f"no day {gap} days from the previous meeting kept the heavier rules"

    def report_why(self, ds, p) -> str:
        return "no day far enough from the previous meeting kept the framework's rules"


RULE = EvenRhythm()
