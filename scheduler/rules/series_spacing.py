"""series_spacing: one occurrence per period of a series, inside the period, at least
`min_gap_days` apart (default 14).

One per period comes from the choices themselves (each occurrence chooses a day of its own
period); the model adds the minimum gap, and the validator checks all of it.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from scheduler.core.domain import Meeting, Placement
from scheduler.model.context import Choice, ModelContext, Penalty
from scheduler.rules.base import (
    Breach,
    CheckContext,
    Rule,
    RuleInfo,
    key_of,
    scheduled_series,
    series_choices,
)
from scheduler.world.calendar import occurrences


class SeriesSpacing(Rule):
    info = RuleInfo("series_spacing", "hard", 0,
                    "one meeting per period of a series, at least the minimum gap apart")
    model_order = 150
    hint_depends = frozenset({"day"})  # what its greedy-start hooks look at
    between = True
    within_series = True

    def applies(self, ds, meeting) -> bool:
        return meeting.recurrence != "once"

    def constrain(self, ctx: ModelContext) -> list[Penalty]:
        strength = self.strength(ctx)
        out: list[Penalty] = []
        if strength == "off":
            return out
        m = ctx.model
        for mid, group in series_choices(ctx).items():
            gap = ctx.ds.meetings[mid].min_gap_days
            for i, a in enumerate(group):
                for b in group[i + 1:]:
                    if not (a.days and b.days) or (min(b.days) - max(a.days)).days >= gap:
                        continue
                    enforce = [a.placed, b.placed]
                    if strength == "soft":
                        v = m.NewBoolVar(f"relaxed.{self.name}.{a.name}-{b.name}")
                        enforce.append(v.Not())
                        out.append(self.penalty(ctx, b, v, f"{a.name}-{b.name}.{self.name}"))
                    m.Add(b.day_index - a.day_index >= gap).OnlyEnforceIf(enforce)
        return out

    def hint_collides(self, ctx: ModelContext, c: Choice, diary: Any, d: date, t: int, vid: str) -> bool:
        gap = c.meeting.min_gap_days
        return any(abs((diary.placed[key][0] - d).days) < gap for key in diary.by_series.get(c.occ.meeting_id, []))

    def check_placement(self, ck: CheckContext, p: Placement, meeting: Meeting):
        if p.end - p.start != meeting.duration_minutes:
            yield Breach(key_of(p), f"lasts {p.end - p.start} minutes, but the meeting is {meeting.duration_minutes} minutes long")
        o = p.occurrence
        if p.day not in o.planned:
            yield Breach(key_of(p), f"{p.day} is outside its period {o.period_label} ({o.planned.first} to {o.planned.last})")

    def check_plan(self, ck: CheckContext, rows: list[Placement]):
        expected = {(o.meeting_id, o.number): o for o in occurrences(ck.ds, ck.planning, ck.cal)}
        seen: set[tuple[str, int]] = set()
        for p in rows:
            key = key_of(p)
            if key in seen:
                yield Breach(key, "this occurrence is listed twice")
            seen.add(key)
            if key not in expected:
                yield Breach(key, "there is no such occurrence in the planning window")
        for key in sorted(set(expected) - seen):
            yield Breach(key, f"occurrence for {expected[key].period_label} is missing from the proposals", hard=True)
        for mid, group in scheduled_series(rows).items():
            gap = ck.ds.meetings[mid].min_gap_days
            for a, b in zip(group, group[1:], strict=False):
                if (b.day - a.day).days < gap:
                    yield Breach(key_of(b), f"only {(b.day - a.day).days} days after the previous one ({a.day}); "
                                            f"the minimum gap is {gap}")

    def why_affected(self, venue: str, change_words: str | None) -> str:
        return ("the date no longer fits the series (its window, the term dates or the gap between "
                "meetings changed)")


    # -- sentences -----------------------------------------------------------------------------
    def fact(self, fx, key, rules, keys, context, promote) -> str:
        return fx.pair_fact(key, self, keys[1:], context) if key == keys[0] else ""

    def pair_lead(self, meeting) -> str:
        return f"Meetings of this series must be at least {meeting.min_gap_days} days apart"

    def pair_line(self, fx, key, other, slot, free, where) -> str | None:
        return f"{fx.label(other)} is {where}" if other[0] == key[0] else None

    def gist(self, fx, key, others) -> str:
        return f"meetings of the series must be {fx.domain(key).meeting.min_gap_days} days apart"


RULE = SeriesSpacing()
