"""The explanation an organiser reads from `schedule explain`.

Around the explainer's own report (explain.render) this adds what the organiser acts on:
where the plan came from (the plan in hand, or a new one, and why), per-person and per-meeting
ways out first for a meeting that cannot be placed (each checked by the solver, with the exact
number), the explainer's county-wide settings last, and an unplaced series explained once for
all its occurrences that fail for the same reason instead of once per month.
"""

from __future__ import annotations

import dataclasses
import time

from scheduler.core.domain import Dataset, Plan
from scheduler.explain import explain_plan, render_text
from scheduler.explain.ways_out import BUDGET_SECONDS, person_and_meeting_ways

IN_HAND = "IN_HAND"
# Seconds for the per-person ways out of all the unplaced meetings together.
TOTAL_SECONDS = 30.0
SOURCE_WORDS = "as in the plan in hand"


def explain_report(ds: Dataset, plan: Plan, meeting_id: str | None, source: dict, *, strict: bool = False,
                   seed: int | None = None) -> dict:
    """The explainer's report of `plan`, grouped, with the per-person ways out first."""
    in_hand = plan.solver_status == IN_HAND
    # The explainer explains any whole plan; one read from proposals.csv was found by an earlier run.
    shown = dataclasses.replace(plan, solver_status="FEASIBLE") if in_hand else plan
    report = explain_plan(ds, shown, meeting_id, strict=strict, seed=seed)
    if in_hand:
        report["solver"] = {"status": IN_HAND, "proven_optimal": None, "stopped_by_time_limit": None}
    report["source"] = source
    report["occurrences"] = _grouped(report["occurrences"])
    deadline = time.monotonic() + TOTAL_SECONDS
    for o in report["occurrences"]:
        if o["status"] != "unscheduled":
            continue
        left = min(BUDGET_SECONDS, deadline - time.monotonic())
        found, stopped = (person_and_meeting_ways(ds, plan, (o["meeting_id"], o["occurrence"]), strict=strict,
                                                  budget=left) if left > 0 else ([], True))
        mine = [w.as_json() for w in found]
        if stopped:
            mine.append({"kind": "note", "rule": None, "works": None, "placement": None,
                         "text": "The search for ways out about people and venues stopped at its time limit, so "
                                 f"there may be more: run 'schedule explain {o['meeting_id']}' to look at this "
                                 "meeting alone."})
        for w in o["ways_out"]:
            w.setdefault("kind", "setting" if w.get("rule") else "other")
        o["ways_out"] = mine + o["ways_out"]
    return report


def _same_blocking(a: dict, b: dict) -> bool:
    return (a["meeting_id"] == b["meeting_id"] and a["status"] == b["status"] == "unscheduled"
            and a["blocking"]["kind"] == b["blocking"]["kind"] and a["blocking"]["rules"] == b["blocking"]["rules"]
            and not a["blocking"]["others"] and not b["blocking"]["others"])


def _grouped(occurrences: list[dict]) -> list[dict]:
    """Unplaced occurrences of one series blocked by the same rules become one entry (the first,
    with `occurrences` and `periods` listing them all)."""
    out: list[dict] = []
    for o in occurrences:
        last = out[-1] if out else None
        if last is not None and _same_blocking(last, o):
            last["occurrences"].append(o["occurrence"])
            last["periods"].append(o["period_words"])
            continue
        out.append({**o, "occurrences": [o["occurrence"]], "periods": [o["period_words"]]})
    return out


def render(report: dict) -> list[str]:
    """Plain lines for the terminal: where the plan came from, then the explainer's text."""
    shown = dict(report)
    if report["solver"]["status"] == IN_HAND:
        shown["solver"] = {**report["solver"], "status": SOURCE_WORDS}
    lines = [report["source"]["text"]]
    if not report["occurrences"]:
        return lines + render_text({**shown, "occurrences": []})
    for i, o in enumerate(report["occurrences"]):
        full = render_text({**shown, "occurrences": [o]})
        start = next(n for n, line in enumerate(full) if line.startswith(f"{o['title']} ({o['meeting_id']} #"))
        if i == 0:
            lines += full[:start - 1]  # the summary lines, once
        body = full[start - 1:]
        lines += body if len(o["occurrences"]) == 1 else _group_lines(o, body)
    return lines


def _group_lines(o: dict, body: list[str]) -> list[str]:
    """One entry for a series' occurrences blocked alike: the first explained, the rest named."""
    numbers = o["occurrences"]
    title = f"{o['title']} ({o['meeting_id']} #{numbers[0]})"
    out = []
    for line in body:
        if line.startswith(title):
            out.append(f"{o['title']} ({o['meeting_id']}), {len(numbers)} meetings: #{', #'.join(map(str, numbers))}")
            out.append(f"  Periods: {'; '.join(o['periods'])}.")
            out.append(f"  The same rules stop each of them. #{numbers[0]} is explained below, and its ways out "
                       "were checked on it alone: after a change, run 'schedule explain' again for the rest.")
        else:
            out.append(line)
    return out
