"""Ways out for a meeting that cannot be placed: per person and per meeting, each checked by the solver.

A county-wide switch ("make travel_limit soft") changes every meeting of the year; an organiser
would rather change one thing about this meeting or one person: raise this person's travel
limit to the exact number of minutes that opens a venue, make this person optional, allow this
venue, widen this window, confirm a feature a venue has left blank. Each way is tried on a copy
of the data with every other meeting of the plan in hand kept where it is, and offered only when
the solver then places the meeting. The exact number is the smallest that works (a binary search
over the journeys that the person's limit rules out).
"""

from __future__ import annotations

import dataclasses
import time
from collections.abc import Callable
from datetime import date, timedelta

from ortools.sat.python import cp_model

from scheduler.core.domain import (
    FEATURE_LABELS,
    Dataset,
    Meeting,
    Occurrence,
    Placement,
    Plan,
    hhmm,
)
from scheduler.engine.solve import SolverSettings, build_context, run_solver
from scheduler.model.context import Options
from scheduler.rules import attendee_unavailable, travel_limit, venue_access
from scheduler.world.calendar import occurrences
from scheduler.world.travel import Travel

Key = tuple[str, int]
Slot = tuple[date, int, str]
# Seconds for each check, and for all the ways of one meeting together.
CHECK_SECONDS = 2.0
# The rules a per-person or per-venue way out lifts (named in each Way).
TRAVEL_LIMIT, UNAVAILABLE = travel_limit.RULE.name, attendee_unavailable.RULE.name
VENUE_ACCESS = venue_access.RULE.name
BUDGET_SECONDS = 10.0
MOST_VENUES = 3  # venues offered by "allow venue" and "confirm a feature"


@dataclasses.dataclass
class Way:
    kind: str  # travel_limit, optional, venue, window, feature
    subject: str  # the person, venue or meeting it is about
    text: str  # the sentence for the organiser
    how: str  # the edit, file and column
    slot: Slot
    rule: str | None = None  # the rule it eases, when one

    def as_json(self) -> dict:
        d, t, v = self.slot
        return {"kind": self.kind, "subject": self.subject, "text": self.text, "how": self.how, "rule": self.rule,
                "works": True, "placement": {"date": d.isoformat(), "start": hhmm(t), "venue_id": v}}


class _Checker:
    """Can `key` be placed in a variant of the data, every other meeting of the plan kept as it is?"""

    def __init__(self, ds: Dataset, plan: Plan, key: Key, strict: bool, deadline: float):
        self.ds, self.plan, self.key, self.strict, self.deadline = ds, plan, key, strict, deadline
        self.kept = {(p.occurrence.meeting_id, p.occurrence.number): (p.day, p.start, p.venue_id)
                     for p in plan.scheduled if (p.occurrence.meeting_id, p.occurrence.number) != key}

    def out_of_time(self) -> bool:
        return time.monotonic() > self.deadline

    def slot(self, variant: Dataset) -> Slot | None:
        if self.out_of_time():
            return None
        occs = [o for o in occurrences(variant, self.plan.planning)
                if (o.meeting_id, o.number) in self.kept or (o.meeting_id, o.number) == self.key]
        placed = {(p.occurrence.meeting_id, p.occurrence.number): p for p in self.plan.placements
                  if (p.occurrence.meeting_id, p.occurrence.number) != self.key}
        occs = [_as_planned(o, placed) for o in occs]
        if not any((o.meeting_id, o.number) == self.key for o in occs):
            return None
        options = Options(only={(o.meeting_id, o.number) for o in occs}, strict=self.strict,
                          lock={k: s for k, s in self.kept.items()})
        ctx = build_context(variant, self.plan.planning, occs, options)
        target = ctx.by_key.get(self.key)
        if target is None:
            return None
        ctx.model.Add(target.placed == 1)
        left = min(CHECK_SECONDS, max(self.deadline - time.monotonic(), 0.05))
        solver, status, _ = run_solver(ctx, SolverSettings(left, variant.settings.seed, variant.settings.workers))
        if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
            return None
        pick = lambda values, xs: values[next(i for i, x in enumerate(xs) if solver.Value(x))]  # noqa: E731
        return (pick(target.days, target.x_day), pick(target.times, target.x_time), pick(target.venues, target.y))


def _as_planned(o: Occurrence, placed: dict[Key, Placement]) -> Occurrence:
    """The occurrence with the planned days of the plan in hand (a what-if may have narrowed them)."""
    p = placed.get((o.meeting_id, o.number))
    return o if p is None else dataclasses.replace(o, planned=p.occurrence.planned)


def _with_person(ds: Dataset, pid: str, **changes) -> Dataset:
    people = dict(ds.participants)
    people[pid] = dataclasses.replace(people[pid], **changes)
    return dataclasses.replace(ds, participants=people)


def _with_meeting(ds: Dataset, m: Meeting, **changes) -> Dataset:
    meetings = dict(ds.meetings)
    meetings[m.meeting_id] = dataclasses.replace(m, **changes)
    return dataclasses.replace(ds, meetings=meetings)


def _smallest(values: list[int], works: Callable[[int], Slot | None]) -> tuple[int, Slot] | None:
    """The smallest value that works, when working is monotone in the value (binary search)."""
    best: tuple[int, Slot] | None = None
    lo, hi = 0, len(values) - 1
    while lo <= hi:
        mid = (lo + hi) // 2
        slot = works(values[mid])
        if slot is not None:
            best, hi = (values[mid], slot), mid - 1
        else:
            lo = mid + 1
    return best


def person_and_meeting_ways(ds: Dataset, plan: Plan, key: Key, strict: bool = False,
                            budget: float = BUDGET_SECONDS) -> tuple[list[Way], bool]:
    """Every per-person and per-meeting way out for one unplaced occurrence, nearest first, and
    whether the time ran out before every candidate was tried."""
    check = _Checker(ds, plan, key, strict, time.monotonic() + budget)
    ways = _ways(ds, plan, key, check)
    return ways, check.out_of_time()


def _ways(ds: Dataset, plan: Plan, key: Key, check: _Checker) -> list[Way]:
    if check.slot(ds) is not None:
        return []  # nothing stops it now: the solver's answer is the way out, not a change of data
    m = ds.meetings[key[0]]
    travel = Travel(ds)
    allowed = [ds.venues[v] for v in (m.venues if m.venues is not None else ds.venues) if v in ds.venues]
    ways: list[Way] = []
    when = lambda slot: f"{slot[0]:%a %d %b %Y} at {hhmm(slot[1])}, {ds.venues[slot[2]].name} ({slot[2]})"  # noqa: E731

    # People: those whose own limits rule something out, then each made optional.
    for pid in m.attendees:
        person = ds.participants.get(pid)
        if person is None:
            continue
        journeys = sorted({t for v in allowed if (t := travel.person_to_venue(person, v)) is not None})
        over = [t for t in journeys if t > person.max_travel_minutes]
        unavailable = bool(person.unavailable)
        if not over and not unavailable:
            continue
        optional = check.slot(_with_meeting(ds, m, attendees=tuple(p for p in m.attendees if p != pid),
                                            optional_attendees=m.optional_attendees + (pid,)))
        if optional is None:
            continue
        if over:
            raised = _smallest(over, lambda t, pid=pid: check.slot(_with_person(ds, pid, max_travel_minutes=t)))
            if raised is not None:
                minutes, slot = raised
                ways.append(Way(TRAVEL_LIMIT, pid,
                                f"Raise {pid}'s travel limit from {person.max_travel_minutes} to {minutes} minutes: "
                                f"it could then go on {when(slot)}.",
                                f"max_travel_minutes of {pid} in participants.csv", slot, TRAVEL_LIMIT))
        ways.append(Way("optional", pid,
                        f"Make {pid} optional for {m.meeting_id}: it could then go on {when(optional)} "
                        f"({pid} is still invited, but the meeting no longer depends on them coming).",
                        f"move {pid} from attendees to optional_attendees of {m.meeting_id} in meetings.csv "
                        "(when they come in through a group, list the group's other members instead)",
                        optional, TRAVEL_LIMIT if over else UNAVAILABLE))

    # Venues the meeting may not use now.
    if m.venues is not None and not check.out_of_time():
        found = 0
        others = sorted((v for v in ds.venues.values() if v.venue_id not in m.venues),
                        key=lambda v: (sum(t for p in m.everyone if p in ds.participants
                                           and (t := travel.person_to_venue(ds.participants[p], v)) is not None),
                                       v.venue_id))
        for v in others:
            if found >= MOST_VENUES or check.out_of_time():
                break
            slot = check.slot(_with_meeting(ds, m, venues=(v.venue_id,)))  # placed there, or it is not the way
            if slot is not None:
                found += 1
                ways.append(Way("venue", v.venue_id,
                                f"Allow {v.name} ({v.venue_id}) for {m.meeting_id}: it could then go on {when(slot)}.",
                                f"add {v.venue_id} to the venues column of {m.meeting_id} in meetings.csv", slot))

    # Features a venue has left blank that someone needs.
    needs = sorted({n for pid in m.everyone if pid in ds.participants for n in ds.participants[pid].needs})
    found = 0
    for v in allowed:
        blank = [n for n in needs if v.features.get(n) is None]
        if not blank or found >= MOST_VENUES or check.out_of_time():
            continue
        venues = dict(ds.venues)
        venues[v.venue_id] = dataclasses.replace(v, features={**v.features, **{n: True for n in blank}})
        slot = check.slot(_with_meeting(dataclasses.replace(ds, venues=venues), m, venues=(v.venue_id,)))
        if slot is not None:
            found += 1
            words = ", ".join(FEATURE_LABELS.get(n, n) for n in blank)
            ways.append(Way("feature", v.venue_id,
                            f"Find out whether {v.name} ({v.venue_id}) has {words}: it is blank in venues.csv, and "
                            f"if it has, the meeting could go on {when(slot)}.",
                            f"fill in {', '.join(blank)} of {v.venue_id} in venues.csv", slot, VENUE_ACCESS))

    # A one-off meeting's window, widened a week at a time (up to four weeks each side).
    if m.recurrence == "once" and not check.out_of_time():
        first = m.window_start or plan.planning.first
        last = m.window_end or plan.planning.last
        for weeks in (1, 2, 4):
            wider = _with_meeting(ds, m, window_start=first - timedelta(weeks=weeks),
                                  window_end=last + timedelta(weeks=weeks))
            slot = check.slot(wider)
            if slot is not None:
                start, end = first - timedelta(weeks=weeks), last + timedelta(weeks=weeks)
                ways.append(Way("window", m.meeting_id,
                                f"Widen {m.meeting_id}'s window to {start} .. {end}: it could then go on {when(slot)}.",
                                f"window_start and window_end of {m.meeting_id} in meetings.csv", slot))
                break
    return ways
