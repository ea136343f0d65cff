"""Plan metrics shared by the terminal, the report and what-if: family travel, stale access checks."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import date, timedelta

from scheduler.core.domain import Dataset, DateRange, Placement, Plan
from scheduler.world.travel import Travel


def family_totals(ds: Dataset, plan: Plan) -> dict[str, int]:
    """Each family member's yearly travel (one way, per meeting attended)."""
    travel = Travel(ds)
    totals: dict[str, int] = {}
    for p in plan.scheduled:
        m = ds.meetings[p.occurrence.meeting_id]
        for pid in m.everyone:
            person = ds.participants.get(pid)
            if person is None or not person.is_family:
                continue
            minutes = travel.person_to_venue(person, ds.venues[p.venue_id])
            if minutes is not None:
                totals[pid] = totals.get(pid, 0) + minutes
    return totals


def stale_access_warnings(ds: Dataset, plan: Plan) -> list[str]:
    """Organisers should know the venue: flag used venues whose access check is missing or old."""
    used = sorted({p.venue_id for p in plan.scheduled})
    cutoff = plan.planning.first - timedelta(days=365)
    stale = [v for v in used if ds.venues[v].access_checked is None or ds.venues[v].access_checked < cutoff]
    if not stale:
        return []
    return [f"{len(stale)} venue{'s' if len(stale) != 1 else ''} in the plan had no access check in the year "
            f"before {plan.planning.first} ({', '.join(stale)}); visit or phone them to confirm the access features."]


@dataclass
class Metrics:
    """What a what-if compares before and after: placed, family travel, relaxed rules."""

    placed: int
    travel_total: int
    travel_worst: int
    relaxed: Counter

    @property
    def relaxed_count(self) -> int:
        return sum(self.relaxed.values())


def metrics(ds: Dataset, placements: list[Placement]) -> Metrics:
    plan = Plan(placements=placements, planning=DateRange(date.min, date.max))
    known = Plan(placements=[p for p in placements if p.venue_id in ds.venues and p.occurrence.meeting_id in ds.meetings],
                 planning=plan.planning)
    totals = family_totals(ds, known)
    relaxed = Counter(r for p in plan.scheduled for r in p.rules_relaxed)
    return Metrics(len(plan.scheduled), sum(p.travel_total for p in plan.scheduled),
                   max(totals.values(), default=0), relaxed)
