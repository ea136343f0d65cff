"""What the pages show, built from the same pieces as report.html and proposals.csv.

The results page shows the report's own sections (programme by month, map, travel fairness,
relaxed rules and meetings not placed, ...), so the page and report.html never disagree.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from markupsafe import Markup

from scheduler.core.domain import FEATURE_LABELS, FEATURES, Dataset, Placement, Plan, hhmm
from scheduler.outputs.export_csv import sort_key
from scheduler.rules import BY_NAME


@dataclass
class Section:
    anchor: str
    heading: str
    html: Markup


def report_sections(ds: Dataset, plan: Plan, changes: list[dict] | None = None,
                    what_if_summary: str | None = None) -> list[Section]:
    """The report's own sections, rendered by the report's templates from its view models."""
    from scheduler.outputs.report import render_sections

    return [Section(sid, title, html) for sid, title, html in
            render_sections(ds, plan, changes, what_if_summary=what_if_summary)]


def long_day(d: date | None) -> str:
    return f"{d:%A} {d.day} {d:%B %Y}" if d else ""


def rule_summary(rule: str) -> str:
    info = BY_NAME.get(rule)
    return info.summary if info else rule


@dataclass
class Row:
    meeting_id: str
    occurrence: int
    title: str
    scheduled: bool
    day: str
    iso_day: str
    time: str
    venue: str
    relaxed: list[str]
    reason: str


def meeting_rows(ds: Dataset, plan: Plan) -> list[Row]:
    """One row per occurrence, in proposals.csv's order."""
    rows = []
    for p in sorted(plan.placements, key=sort_key(ds)):
        m = ds.meetings[p.occurrence.meeting_id]
        rows.append(Row(p.occurrence.meeting_id, p.occurrence.number, m.title, p.scheduled,
                        long_day(p.day), p.day.isoformat() if p.day else "",
                        f"{hhmm(p.start)} to {hhmm(p.end)}" if p.scheduled else "",
                        ds.venues[p.venue_id].name if p.scheduled and p.venue_id in ds.venues else "",
                        list(p.rules_relaxed), p.reason))
    return rows


def counts(plan: Plan) -> dict:
    placed = len(plan.scheduled)
    return {"total": len(plan.placements), "placed": placed, "unplaced": len(plan.placements) - placed,
            "relaxed": sum(1 for p in plan.scheduled if p.rules_relaxed)}


def venue_features(ds: Dataset, vid: str) -> list[str]:
    v = ds.venues.get(vid)
    return [FEATURE_LABELS[f] for f in FEATURES if v and v.features.get(f) is True]


def find(plan: Plan, meeting_id: str, number: int) -> Placement | None:
    for p in plan.placements:
        if p.occurrence.meeting_id == meeting_id and p.occurrence.number == number:
            return p
    return None
