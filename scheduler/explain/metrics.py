"""Plan metrics shared by the terminal, the report and what-if: family travel, stale access checks."""

from __future__ import annotations

from datetime import timedelta

from scheduler.core.domain import Dataset, Plan
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
