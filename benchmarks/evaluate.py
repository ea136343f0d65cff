"""Scoring any plan with the engine's own objective, through the independent checker.

The engine minimises (scheduler/model.py, scheduler/constraints.py):
    UNPLACED_WEIGHT x occurrences left unplaced
  + sum over occurrences of the weight of every soft rule it breaks (once per rule)
  + travel_time weight x (families' total one-way travel + the largest yearly total of one person)

Here the soft rules come from `validate.check` (the same checker `schedule check` uses), the
weights from the data folder's settings, and travel from `travel.Travel`, so an engine plan, a
greedy plan and a MIP plan are scored the same way, knowing nothing of how they were made.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field

from scheduler.core.domain import Dataset, DateRange, Placement
from scheduler.engine.validate import check, relaxed_rules
from scheduler.model.context import UNPLACED_WEIGHT
from scheduler.world.travel import Travel


@dataclass
class Score:
    objective: int
    placed: int
    unplaced: int
    soft_penalty: int
    relaxed: int  # (occurrence, rule) pairs, as rules_relaxed lists them
    relaxed_by_rule: dict[str, int] = field(default_factory=dict)
    travel_total: int = 0
    travel_worst: int = 0
    hard_broken: int = 0
    hard_examples: list[str] = field(default_factory=list)

    def as_dict(self) -> dict:
        return asdict(self)


def family_totals(ds: Dataset, travel: Travel, placements: list[Placement]) -> dict[str, int]:
    """Each parent carer's and young person's yearly one-way travel (as the engine counts it)."""
    totals: dict[str, int] = {}
    for p in placements:
        if not p.scheduled:
            continue
        venue = ds.venues[p.venue_id]
        for pid in ds.meetings[p.occurrence.meeting_id].everyone:
            person = ds.participants.get(pid)
            if person is None or not person.is_family:
                continue
            minutes = travel.person_to_venue(person, venue)
            if minutes:
                totals[pid] = totals.get(pid, 0) + minutes
    return totals


def score(ds: Dataset, placements: list[Placement], planning: DateRange, strict: bool = False) -> Score:
    findings = check(ds, placements, planning, strict=strict)
    hard = [f for f in findings if f.hard]
    relaxed = relaxed_rules(findings)
    by_rule: dict[str, int] = {}
    soft = 0
    for rules in relaxed.values():
        for rule in rules:
            by_rule[rule] = by_rule.get(rule, 0) + 1
            soft += ds.settings.rules[rule].weight
    totals = family_totals(ds, Travel(ds), placements)
    total, worst = sum(totals.values()), max(totals.values(), default=0)
    unplaced = sum(1 for p in placements if not p.scheduled)
    weight = ds.settings.rules["travel_time"].weight
    objective = UNPLACED_WEIGHT * unplaced + soft + weight * (total + worst)
    return Score(objective=objective, placed=len(placements) - unplaced, unplaced=unplaced,
                 soft_penalty=soft, relaxed=sum(by_rule.values()), relaxed_by_rule=dict(sorted(by_rule.items())),
                 travel_total=total, travel_worst=worst, hard_broken=len(hard),
                 hard_examples=[str(f) for f in hard[:5]])
