"""An independent check of a plan against the data and every rule, knowing nothing of the solver.

`schedule check` runs it on a proposals.csv; the planner uses it to say truthfully which soft
rules each occurrence relaxes; the property tests run it on every plan the solver makes and
compare the objective it recomputes with the solver's. Each rule's check lives in its home
(`Rule.check_placement`, `Rule.check_plan`): solver-free code over plain placements.
"""

from __future__ import annotations

from dataclasses import dataclass

from scheduler.core.domain import Dataset, DateRange, Placement, hhmm
from scheduler.model.weights import UNPLACED_WEIGHT
from scheduler.rules import RULE, RULES, rule_order
from scheduler.rules.base import Breach, CheckContext, Rule
from scheduler.world.calendar import calendar_for
from scheduler.world.travel import Travel


@dataclass(frozen=True, order=True)
class Finding:
    meeting_id: str
    occurrence: int
    rule: str
    hard: bool
    message: str

    def __str__(self) -> str:
        kind = "hard rule broken" if self.hard else "soft rule relaxed"
        return f"{self.meeting_id} #{self.occurrence}: {self.rule} ({kind}): {self.message}"


def _context(ds: Dataset, planning: DateRange) -> CheckContext:
    return CheckContext(ds, calendar_for(ds), Travel(ds), planning, RULES)


def _finding(ds: Dataset, rule: Rule, b: Breach, strict: bool) -> Finding:
    if b.hard is not None:
        hard = b.hard
    elif b.optional_only and rule.info.split_by_attendance:
        hard = False
    else:
        hard = rule.is_hard(ds.settings, strict)
    return Finding(b.key[0], b.key[1], rule.name, hard, b.message)


def check(ds: Dataset, rows: list[Placement], planning: DateRange, strict: bool = False,
          ck: CheckContext | None = None) -> list[Finding]:
    """Every rule broken by the plan `rows`, each rule checked by its own home."""
    ck = ck or _context(ds, planning)
    rows = [p for p in rows if p.occurrence.meeting_id in ds.meetings]
    findings: set[Finding] = set()
    for p in rows:
        if not p.scheduled:
            continue
        assert p.day is not None and p.start is not None and p.end is not None
        m = ds.meetings[p.occurrence.meeting_id]
        for rule in RULES:
            findings.update(_finding(ds, rule, b, strict) for b in rule.check_placement(ck, p, m))
    for rule in RULES:
        findings.update(_finding(ds, rule, b, strict) for b in rule.check_plan(ck, rows))
    findings.update(_fixed(ds, rows))
    return sorted(findings)


def _fixed(ds: Dataset, rows: list[Placement]) -> list[Finding]:
    """fixed.csv: every given date, start and venue is kept (a hard rule of the organiser's own)."""
    out = []
    for p in rows:
        f = ds.fixed.get((p.occurrence.meeting_id, p.occurrence.number))
        if f is None:
            continue
        if not p.scheduled:
            message = f"is fixed {f.describe()} ({f.where}) but not scheduled"
        elif not f.keeps(p.day, p.start, p.venue_id):
            message = f"is fixed {f.describe()} ({f.where}) but placed on {p.day} at {hhmm(p.start)} at {p.venue_id}"
        else:
            continue
        out.append(Finding(p.occurrence.meeting_id, p.occurrence.number, "fixed", True, message))
    return out


def check_one(ds: Dataset, p: Placement, planning: DateRange, strict: bool = False,
              ck: CheckContext | None = None) -> list[Finding]:
    """What one scheduled placement breaks on its own (the rules' `check_placement`)."""
    ck = ck or _context(ds, planning)
    m = ds.meetings[p.occurrence.meeting_id]
    return sorted({_finding(ds, rule, b, strict) for rule in RULES for b in rule.check_placement(ck, p, m)})


def objective(ds: Dataset, rows: list[Placement], planning: DateRange, findings: list[Finding]) -> int:
    """The engine's objective recomputed from the plan and its findings, without the solver:
    UNPLACED_WEIGHT per occurrence left unplaced, plus each rule's share (`Rule.cost`)."""
    ck = _context(ds, planning)
    rows = [p for p in rows if p.occurrence.meeting_id in ds.meetings]
    relaxed: dict[str, set[tuple[str, int]]] = {}
    for f in findings:
        if not f.hard:
            relaxed.setdefault(f.rule, set()).add((f.meeting_id, f.occurrence))
    total = UNPLACED_WEIGHT * sum(1 for p in rows if not p.scheduled)
    for rule in RULES:
        total += rule.cost(ck, rows, relaxed.get(rule.name, set()))
    return total


def relaxed_rules(findings: list[Finding]) -> dict[tuple[str, int], tuple[str, ...]]:
    """The soft rules each occurrence breaks, as rules_relaxed lists them."""
    out: dict[tuple[str, int], set[str]] = {}
    for f in findings:
        if not f.hard:
            out.setdefault((f.meeting_id, f.occurrence), set()).add(f.rule)
    return {k: tuple(sorted(v, key=rule_order)) for k, v in out.items()}


def undeclared(findings: list[Finding], rows: list[Placement]) -> list[Finding]:
    """Soft rules broken but not declared in rules_relaxed (and declared ones not broken)."""
    declared = {(p.occurrence.meeting_id, p.occurrence.number): set(p.rules_relaxed) for p in rows}
    actual = relaxed_rules(findings)
    out = []
    for f in findings:
        if not f.hard and f.rule not in declared.get((f.meeting_id, f.occurrence), set()):
            out.append(Finding(f.meeting_id, f.occurrence, f.rule, False, f"not declared in rules_relaxed: {f.message}"))
    for key, rules in declared.items():
        for r in sorted(rules - set(actual.get(key, ()))):
            out.append(Finding(key[0], key[1], r, False, "declared in rules_relaxed but the plan does not break it"))
    return out


__all__ = ["RULE", "Finding", "check", "objective", "relaxed_rules", "undeclared"]
