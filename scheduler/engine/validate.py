"""An independent check of a plan against the data and every rule, knowing nothing of the solver.

`schedule check` runs it on a proposals.csv; the planner uses it to say truthfully which soft
rules each occurrence relaxes; the property tests run it on every plan the solver makes.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from scheduler.core.domain import Dataset, DateRange, Placement, hhmm
from scheduler.rules.rulebook import BY_NAME, SPLIT_BY_ATTENDANCE, TIME_RULES
from scheduler.world import facts
from scheduler.world.calendar import calendar_for, occurrences
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


class Checker:
    def __init__(self, ds: Dataset, planning: DateRange, strict: bool = False):
        self.ds = ds
        self.cal = calendar_for(ds)
        self.travel = Travel(ds)
        self.planning = planning
        self.strict = strict
        self.findings: list[Finding] = []

    def hard(self, rule: str) -> bool:
        if self.strict and rule in TIME_RULES:
            return True
        setting = self.ds.settings.rules.get(rule)
        return (setting.strength if setting else BY_NAME[rule].strength) == "hard"

    def add(self, p: Placement, rule: str, message: str, optional_only: bool = False) -> None:
        hard = False if (optional_only and rule in SPLIT_BY_ATTENDANCE) else self.hard(rule)
        self.findings.append(Finding(p.occurrence.meeting_id, p.occurrence.number, rule, hard, message))

    # -- one occurrence at a time ----------------------------------------------------------
    def check_one(self, p: Placement) -> None:
        ds, cal = self.ds, self.cal
        m = ds.meetings[p.occurrence.meeting_id]
        people = facts.attendees(ds, m)
        roles = {x.role for x in people}
        d, start, end = p.day, p.start, p.end
        assert d is not None and start is not None and end is not None
        venue = ds.venues.get(p.venue_id)
        if end - start != m.duration_minutes:
            self.add(p, "series_spacing", f"lasts {end - start} minutes, but the meeting is {m.duration_minutes} minutes long")
        if d not in p.occurrence.planned:
            self.add(p, "series_spacing", f"{d} is outside its period {p.occurrence.period_label} ({p.occurrence.planned.first} to {p.occurrence.planned.last})")
        if "parent_carer" in roles:
            if not cal.is_school_day(d):
                self.add(p, "parent_term_time", f"{d} is not a school day ({cal.why_not_school_day(d)})")
            if not facts.parent_core_ok(ds.settings, start, end):
                self.add(p, "parent_core_hours", f"{hhmm(start)}-{hhmm(end)} is outside {hhmm(ds.settings.parent_start)}-{hhmm(ds.settings.parent_end)}")
        if "young_person" in roles and not facts.young_hours_ok(ds, cal, m, d, start, end):
            if cal.is_school_day(d):
                lo = facts.young_after_school_start(ds, m)
                msg = f"{d} is a school day and {hhmm(start)} is before {hhmm(lo)} or it ends after {hhmm(ds.settings.young_after_school_end)}"
            else:
                msg = f"{d} is not a school day and {hhmm(start)}-{hhmm(end)} is outside {hhmm(ds.settings.young_non_school_start)}-{hhmm(ds.settings.young_non_school_end)}"
            self.add(p, "young_people_hours", msg)
        for pid in m.attendees:
            if pid in ds.participants and ds.participants[pid].unavailable.blocks(d):
                self.add(p, "attendee_unavailable", f"{pid} (required) is unavailable on {d}")
        for pid in m.optional_attendees:
            if pid in ds.participants and ds.participants[pid].unavailable.blocks(d):
                self.add(p, "attendee_unavailable", f"{pid} (optional) is unavailable on {d}", optional_only=True)
        due = cal.papers_due(d, m.papers_days)
        if m.papers_days > 0:
            if due is not None and due < self.planning.first:
                self.add(p, "papers_ahead", f"papers would be due {due}, before planning starts on {self.planning.first}")
            if p.papers_due != due:
                self.add(p, "papers_ahead", f"papers_due is {p.papers_due or 'empty'} but should be {due}")
        elif p.papers_due is not None:
            self.add(p, "papers_ahead", "papers_due is set but the meeting has no papers")
        if venue is None:
            self.add(p, "venue_open", f"venue '{p.venue_id}' is not in venues.csv")
            return
        if m.venues is not None and venue.venue_id not in m.venues:
            self.add(p, "venue_access", f"{venue.venue_id} is not one of the meeting's allowed venues")
        for need, who in facts.missing_features(venue, people).items():
            self.add(p, "venue_access", f"{venue.venue_id} does not confirm {need}, needed by {', '.join(who)}")
        if "young_person" in roles and not facts.young_people_venue_ok(venue):
            self.add(p, "young_people_venue", f"{venue.venue_id} is not confirmed step-free with a hoist toilet")
        if len(m.everyone) > venue.capacity:
            self.add(p, "venue_capacity", f"{len(m.everyone)} people invited, {venue.venue_id} holds {venue.capacity}")
        if not facts.venue_open_ok(venue, d, start, end):
            self.add(p, "venue_open", f"{venue.venue_id} is not open {d} {hhmm(start)}-{hhmm(end)}")
        for pid in m.everyone:
            person = ds.participants.get(pid)
            if person is None:
                continue
            minutes = self.travel.person_to_venue(person, venue)
            if minutes is not None and minutes > person.max_travel_minutes:
                required = pid in m.attendees
                self.add(p, "travel_limit",
                         f"{pid} ({'required' if required else 'optional'}) would travel {minutes} minutes, over their {person.max_travel_minutes}",
                         optional_only=not required)

    # -- between occurrences ------------------------------------------------------------------
    def check_pairs(self, placed: list[Placement]) -> None:
        ds = self.ds
        by_day: dict[date, list[Placement]] = {}
        for p in placed:
            by_day.setdefault(p.day, []).append(p)
        for same_day in by_day.values():
            same_day.sort(key=lambda p: (p.start, p.occurrence.meeting_id, p.occurrence.number))
            for i, a in enumerate(same_day):
                for b in same_day[i + 1:]:
                    overlap = a.start < b.end and b.start < a.end
                    if overlap and a.venue_id == b.venue_id:
                        self.add(b, "venue_clash", f"{a.venue_id} also hosts {a.occurrence.meeting_id} #{a.occurrence.number} at {hhmm(a.start)}-{hhmm(a.end)}")
                    shared = set(ds.meetings[a.occurrence.meeting_id].everyone) & set(ds.meetings[b.occurrence.meeting_id].everyone)
                    if not shared:
                        continue
                    first, second = (a, b) if a.start <= b.start else (b, a)
                    va, vb = ds.venues.get(first.venue_id), ds.venues.get(second.venue_id)
                    people = [ds.participants[x] for x in sorted(shared) if x in ds.participants]
                    need = self.travel.between_for(va, vb, people) if va and vb else 0
                    if second.start < first.end + need:
                        who = ", ".join(sorted(shared)[:5])
                        self.add(second, "attendee_clash",
                                 f"{who} also at {first.occurrence.meeting_id} #{first.occurrence.number} until {hhmm(first.end)}, and need {need} minutes to travel")

    def check_series(self, rows: list[Placement]) -> None:
        ds = self.ds
        expected = {(o.meeting_id, o.number): o for o in occurrences(ds, self.planning, self.cal)}
        seen: set[tuple[str, int]] = set()
        for p in rows:
            key = (p.occurrence.meeting_id, p.occurrence.number)
            if key in seen:
                self.add(p, "series_spacing", "this occurrence is listed twice")
            seen.add(key)
            if key not in expected:
                self.add(p, "series_spacing", "there is no such occurrence in the planning window")
        for key in sorted(set(expected) - seen):
            o = expected[key]
            self.findings.append(Finding(o.meeting_id, o.number, "series_spacing", True,
                                         f"occurrence for {o.period_label} is missing from the proposals"))
        series: dict[str, list[Placement]] = {}
        for p in rows:
            if p.scheduled:
                series.setdefault(p.occurrence.meeting_id, []).append(p)
        for mid, group in series.items():
            group.sort(key=lambda p: (p.day, p.start))
            gap = ds.meetings[mid].min_gap_days
            for a, b in zip(group, group[1:], strict=False):
                if (b.day - a.day).days < gap:
                    self.add(b, "series_spacing", f"only {(b.day - a.day).days} days after the previous one ({a.day}); the minimum gap is {gap}")
                if a.venue_id == b.venue_id:
                    self.add(b, "venue_rotation", f"same venue {b.venue_id} as the previous one ({a.day})")

    def run(self, rows: list[Placement]) -> list[Finding]:
        rows = [p for p in rows if p.occurrence.meeting_id in self.ds.meetings]
        placed = [p for p in rows if p.scheduled]
        for p in placed:
            self.check_one(p)
        self.check_pairs(placed)
        self.check_series(rows)
        self.check_fixed(rows)
        return sorted(set(self.findings))

    def check_fixed(self, rows: list[Placement]) -> None:
        """fixed.csv: every given date, start and venue is kept (a hard rule of the organiser's own)."""
        for p in rows:
            f = self.ds.fixed.get((p.occurrence.meeting_id, p.occurrence.number))
            if f is None:
                continue
            if not p.scheduled:
                message = f"is fixed {f.describe()} ({f.where}) but not scheduled"
            elif not f.keeps(p.day, p.start, p.venue_id):
                message = f"is fixed {f.describe()} ({f.where}) but placed on {p.day} at {hhmm(p.start)} at {p.venue_id}"
            else:
                continue
            self.findings.append(Finding(p.occurrence.meeting_id, p.occurrence.number, "fixed", True, message))


def check(ds: Dataset, rows: list[Placement], planning: DateRange, strict: bool = False) -> list[Finding]:
    return Checker(ds, planning, strict).run(rows)


def relaxed_rules(findings: list[Finding]) -> dict[tuple[str, int], tuple[str, ...]]:
    """The soft rules each occurrence breaks, as rules_relaxed lists them."""
    out: dict[tuple[str, int], set[str]] = {}
    for f in findings:
        if not f.hard:
            out.setdefault((f.meeting_id, f.occurrence), set()).add(f.rule)
    return {k: tuple(sorted(v, key=_rule_order)) for k, v in out.items()}


def _rule_order(rule: str) -> int:
    return list(BY_NAME).index(rule) if rule in BY_NAME else 99


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
