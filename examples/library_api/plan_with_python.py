"""Plan the bundled programme from Python, without the command line.

Run from the repository root:  python3 examples/library_api/plan_with_python.py
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

from scheduler import api
from scheduler.core.domain import hhmm
from scheduler.engine.validate import check

data = Path(__file__).resolve().parents[2] / "data"

# 1. Load and plan. Bad data raises scheduler.core.errors.DataError listing every problem.
result = api.propose(data, start=date(2026, 12, 1), time_limit=30)
ds, plan = result.dataset, result.plan

# 2. Inspect the plan.
print(f"Solver status: {plan.solver_status} (proven optimal: {plan.proven_optimal})")
for p in plan.placements:
    meeting = ds.meetings[p.occurrence.meeting_id]
    if p.scheduled:
        venue = ds.venues[p.venue_id]
        relaxed = ", ".join(p.rules_relaxed) or "no compromise"
        print(f"{meeting.title} #{p.occurrence.number}: {p.day:%a %d %b %Y} {hhmm(p.start)} at {venue.name} ({relaxed})")
    else:
        print(f"{meeting.title} #{p.occurrence.number}: not placed: {p.reason}")

# 3. Check it independently of the solver.
hard = [f for f in check(ds, plan.placements, plan.planning) if f.hard]
print(f"Hard rules broken: {len(hard)}")
