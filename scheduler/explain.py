"""Plain-English reasons: which rules an occurrence relaxes, and what stops one being placed."""

from __future__ import annotations

from collections import Counter

from .domain import Dataset, Plan
from .model import Choice, ModelContext
from .validate import check, relaxed_rules


def annotate(ds: Dataset, plan: Plan, ctx: ModelContext) -> None:
    """Fill rules_relaxed (from the independent checker) and the short reason of each row."""
    findings = check(ds, plan.placements, plan.planning, strict=ctx.options.strict)
    relaxed = relaxed_rules(findings)
    for p in plan.placements:
        key = (p.occurrence.meeting_id, p.occurrence.number)
        if p.scheduled:
            p.rules_relaxed = relaxed.get(key, ())
        else:
            c = ctx.by_key.get(key)
            p.reason = short_reason(c) if c else "not planned"


def _counts(removed: dict) -> str:
    counter = Counter(rule for rules in removed.values() for rule in rules)
    return ", ".join(f"{rule} rules out {n}" for rule, n in counter.most_common())


def short_reason(c: Choice) -> str:
    period = f"{c.occ.period_label} ({c.occ.planned.first} to {c.occ.planned.last})"
    if not c.days:
        return f"No day in {period} is possible: {_counts(c.removed_days)}."
    if not c.venues:
        return f"No venue is possible: {_counts(c.removed_venues)}."
    if not c.times:
        return f"No start time is possible: {_counts(c.removed_times)}."
    return (f"Every remaining day, time and venue in {period} is ruled out by venue_open, venue_clash, "
            "attendee_clash or series_spacing together with the other meetings.")
