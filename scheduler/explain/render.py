"""An explanation of a plan as data (JSON) and as lines for the terminal."""

from __future__ import annotations

import json
from datetime import date

from scheduler.core.domain import Dataset, Placement, Plan, sort_key
from scheduler.core.wording import short_date
from scheduler.explain.answers import Explainer
from scheduler.explain.search import key_of, period_words
from scheduler.model.context import Options


# -- one occurrence, the whole plan ----------------------------------------------------------------
def explain_occurrence(ex: Explainer, p: Placement, *, detail: bool) -> dict:
    key = key_of(p)
    occ = p.occurrence
    m = ex.ds.meetings[key[0]]
    out: dict = {
        "meeting_id": key[0], "occurrence": key[1], "title": m.title, "status": p.status,
        "period": occ.period_label, "period_words": period_words(occ), "period_first": occ.planned.first.isoformat(),
        "period_last": occ.planned.last.isoformat(), "rules_relaxed": list(p.rules_relaxed),
        "placement": ex.slot_json(key, ex.slots[key]) if p.scheduled else None,
    }
    if p.scheduled:
        out.update(ex.explain_placed(key, alternatives=detail))
        out["reason"] = p.reason
        return out
    result = ex.explain_unplaced(key, ways_out=True)
    blocking = {
        "kind": result["kind"],
        "rules": result["rules"],
        "others": [{"meeting_id": o[0], "occurrence": o[1], "title": ex.ds.meetings[o[0]].title}
                   for o in result["others"]],
        "facts": result["facts"],
        "text": result["text"],
    }
    if "slot" in result:
        blocking["placeable_at"] = ex.slot_json(key, result["slot"])
    out["blocking"] = blocking
    out["ways_out"] = result["ways_out"]
    out["reason"] = result["short"]
    return out


def explain_plan(ds: Dataset, plan: Plan, meeting_id: str | None = None, *, strict: bool = False,
                 options: Options | None = None, seed: int | None = None) -> dict:
    """The explanation of a plan: every relaxed and unplaced occurrence, or every one of a series."""
    ex = Explainer(ds, plan.planning, plan.placements, options=options or Options(strict=strict), seed=seed)
    rows = sorted(plan.placements, key=sort_key(ds))
    if meeting_id is not None:
        chosen = [p for p in rows if p.occurrence.meeting_id == meeting_id]
    else:
        chosen = [p for p in rows if not p.scheduled or p.rules_relaxed]
    scheduled = [p for p in rows if p.scheduled]
    relaxed = [p for p in scheduled if p.rules_relaxed]
    note = None
    if rows and plan.solver_status not in ("OPTIMAL", "FEASIBLE"):
        # No plan to explain: every occurrence is unplaced only because the search stopped.
        chosen = []
        note = ("The solver's time limit ended before any plan was found, so there is nothing to explain yet; "
                "run again with a longer --time-limit.")
    return {
        "note": note,
        "planning": {"from": plan.planning.first.isoformat(), "to": plan.planning.last.isoformat()},
        "solver": {"status": plan.solver_status, "proven_optimal": plan.proven_optimal,
                   "stopped_by_time_limit": plan.stopped_by_time_limit},
        "meeting_id": meeting_id,
        "summary": {"occurrences": len(rows), "scheduled": len(scheduled), "unscheduled": len(rows) - len(scheduled),
                    "relaxed": len(relaxed), "no_compromise": len(scheduled) - len(relaxed)},
        "occurrences": [explain_occurrence(ex, p, detail=meeting_id is not None) for p in chosen],
    }


def to_json(report: dict) -> str:
    return json.dumps(report, sort_keys=True, indent=2, ensure_ascii=False)


SOLVER_WORDS = {"OPTIMAL": "the best possible plan (proven optimal)",
                "FEASIBLE": "a good plan, not proven the best: the time limit stopped the search",
                "UNKNOWN": "no plan found within the time limit"}


def render_text(report: dict) -> list[str]:
    """The explanation as plain lines for the terminal."""
    s = report["summary"]
    first, last = report["planning"]["from"], report["planning"]["to"]
    if last < first:
        return [f"Nothing of the programme falls on or after {first}, so there is nothing to explain."]
    lines = [f"Planning window: {first} to {last}; {s['scheduled']} of {s['occurrences']} meetings placed, "
             f"{SOLVER_WORDS.get(report['solver']['status'], report['solver']['status'])}."]
    if report["note"]:
        return [*lines, report["note"]]
    if report["meeting_id"] is None:
        lines.append(f"Placed, no compromise: {s['no_compromise']}. Placed, relaxing a rule: {s['relaxed']}. "
                     f"Not placed: {s['unscheduled']}.")
        if not report["occurrences"]:
            lines.append("Every meeting is placed and keeps every rule; nothing needs explaining.")
    elif not report["occurrences"]:
        lines.append(f"{report['meeting_id']} has no meeting in this planning window.")
    for o in report["occurrences"]:
        lines.append("")
        lines.append(f"{o['title']} ({o['meeting_id']} #{o['occurrence']}), {o['period_words']}")
        if o["status"] == "scheduled":
            pl = o["placement"]
            lines.append(f"  Placed: {short_date(date.fromisoformat(pl['date']))}, {pl['start']}-{pl['end']}, "
                         f"at {pl['venue_name']} ({pl['venue_id']})")
            lines.append(f"  Keeps: {', '.join(o['rules_kept'])}")
            if o["rules_relaxed"]:
                lines.append(f"  Relaxes: {', '.join(o['rules_relaxed'])}")
                why = o.get("why_relaxed")
                if why:
                    lines.append(f"  Why: {why['text']}")
            t = o["travel"]
            if t["families_counted"]:
                lines.append(f"  Family travel: {t['total_minutes']} minutes in all for {t['families_counted']} "
                             f"parent carers and young people; the longest journey is {t['worst_minutes']} minutes "
                             f"({', '.join(t['furthest'])}).")
            else:
                lines.append("  Family travel: none counted (no parent carer or young person with a known home).")
            for alt in o.get("alternatives", []):
                lines.append(f"  {alt['text']}")
        else:
            b = o["blocking"]
            lines.append("  NOT PLACED.")
            lines.append(f"  Why: {b['text']}")
            if o["ways_out"]:
                lines.append("  Nearest ways out:")
                for w in o["ways_out"]:
                    lines.append(f"    - {w['text']}")
    return lines

