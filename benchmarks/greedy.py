"""A greedy first-fit planner: the programme as an organiser would place it by hand.

Occurrences are taken one at a time in date order (of their periods). Each goes to the choice
that, in this order of importance,
  1. keeps every hard rule against the data and against what is already placed (venue access,
     capacity, opening, travel limits of required attendees, unavailable dates, papers ahead,
     series spacing, venue and attendee clashes with travel time between same-day meetings);
  2. breaks the fewest and lightest soft rules (the framework's time rules, young people's
     venue, optional attendees' limits and dates, not repeating the series' last venue);
  3. is at the nearest venue: the least total travel for the parent carers and young people;
  4. is the earliest slot: first day, then first start time.
Nothing is ever moved once placed, and nobody's yearly travel is balanced (no fairness term):
that is what a solver adds. Start times use the engine's grid (settings time step, from the
earliest opening to the latest closing of any venue), days the occurrence's planned period.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from scheduler.core.domain import Dataset, DateRange, Meeting, Occurrence, Placement
from scheduler.rules import parent_core_hours, venue_open, young_people_hours, young_people_venue
from scheduler.world import facts
from scheduler.world.calendar import calendar_for, occurrences
from scheduler.world.travel import Travel


@dataclass
class _Placed:
    occ: Occurrence
    meeting: Meeting
    start: int
    end: int
    venue: str


class Greedy:
    def __init__(self, ds: Dataset, planning: DateRange, strict: bool = False):
        self.ds = ds
        self.planning = planning
        self.cal = calendar_for(ds)
        self.travel = Travel(ds)
        self.strict = strict
        self.by_day: dict = {}  # date -> list of _Placed
        self.series_days: dict[str, list] = {}  # meeting_id -> placed days
        self.last_venue: dict[str, str] = {}  # meeting_id -> venue of its latest placed occurrence
        self._shared: dict[tuple[str, str], list] = {}
        self.members = {mid: set(m.everyone) for mid, m in ds.meetings.items()}
        s = ds.settings
        self.lo = min((v.open_from for v in ds.venues.values()), default=9 * 60)
        self.hi = max((v.open_until for v in ds.venues.values()), default=21 * 60)
        self.step = s.time_step_minutes

    # -- rule settings ------------------------------------------------------------------------
    def hard(self, rule: str) -> bool:
        from scheduler.rules import TIME_RULES

        if self.strict and rule in TIME_RULES:
            return True
        return self.ds.settings.rules[rule].strength == "hard"

    def weight(self, rule: str) -> int:
        return self.ds.settings.rules[rule].weight

    # -- one occurrence ----------------------------------------------------------------------
    def place(self, occ: Occurrence) -> Placement:
        ds, cal = self.ds, self.cal
        m = ds.meetings[occ.meeting_id]
        people = facts.attendees(ds, m)
        roles = {p.role for p in people}
        required = [ds.participants[p] for p in m.attendees if p in ds.participants]
        optional = [ds.participants[p] for p in m.optional_attendees if p in ds.participants]
        family = [p for p in people if p.is_family]
        dur = m.duration_minutes
        first = math.ceil(self.lo / self.step) * self.step
        times = list(range(first, self.hi - dur + 1, self.step))

        # venues: hard filter, then (soft penalty, family travel, id)
        venues = []
        for vid in (m.venues if m.venues is not None else list(ds.venues)):
            v = ds.venues[vid]
            if facts.missing_features(v, people) or len(m.everyone) > v.capacity:
                continue
            if v.open_until - v.open_from < dur:
                continue
            soft = 0
            if any(self._too_far(p, v) for p in required):
                if self.hard("travel_limit"):
                    continue
                soft += self.weight("travel_limit")
            elif any(self._too_far(p, v) for p in optional):
                soft += self.weight("travel_limit")
            if "young_person" in roles and not young_people_venue.suitable(v):
                if self.hard("young_people_venue"):
                    continue
                soft += self.weight("young_people_venue")
            if self.last_venue.get(m.meeting_id) == vid:
                if self.hard("venue_rotation"):
                    continue
                soft += self.weight("venue_rotation")
            travel = sum(t for p in family if (t := self.travel.person_to_venue(p, v)))
            venues.append((soft, travel, vid))
        venues.sort()

        # (day, time) pairs: hard filter on the day, then soft penalty, date, time
        s = ds.settings
        lo_after = young_people_hours.after_school_start(ds, m)
        time_soft = {}
        for t in times:
            soft = 0
            if "parent_carer" in roles and not parent_core_hours.core_ok(s, t, t + dur):
                if self.hard("parent_core_hours"):
                    continue
                soft += self.weight("parent_core_hours")
            time_soft[t] = soft
        young = "young_person" in roles
        yph_hard = self.hard("young_people_hours")
        yph_weight = self.weight("young_people_hours")
        # young_people_hours depends only on (school day or not, start): its own window says
        spans = {school: young_people_hours.window(ds, m, school, lo_after) for school in (True, False)}
        yph_ok = {(school, t): young_people_hours.fits(spans[school], t, t + dur)
                  for school in (True, False) for t in time_soft}
        slots = []
        for d in occ.planned.days():
            due = cal.papers_due(d, m.papers_days)
            if due is not None and due < self.planning.first:
                continue
            if any(abs((d - other).days) < m.min_gap_days for other in self.series_days.get(m.meeting_id, ())):
                continue
            day_soft = 0
            if any(p.unavailable.blocks(d) for p in required):
                if self.hard("attendee_unavailable"):
                    continue
                day_soft += self.weight("attendee_unavailable")
            elif any(p.unavailable.blocks(d) for p in optional):
                day_soft += self.weight("attendee_unavailable")
            school = cal.is_school_day(d)
            if "parent_carer" in roles and not school:
                if self.hard("parent_term_time"):
                    continue
                day_soft += self.weight("parent_term_time")
            for t, t_soft in time_soft.items():
                soft = day_soft + t_soft
                if young and not yph_ok[(school, t)]:
                    if yph_hard:
                        continue
                    soft += yph_weight
                slots.append((soft, d, t))
        slots.sort()
        if not venues or not slots:
            return Placement(occ, "unscheduled", reason="no venue or no day and time keeps the hard rules")
        min_slot_soft = slots[0][0]

        best = None
        for v_soft, travel, vid in venues:
            if best is not None and (v_soft + min_slot_soft, travel) > (best[0], best[1]):
                break
            v = ds.venues[vid]
            for s_soft, d, t in slots:
                key = (v_soft + s_soft, travel, d, t, vid)
                if best is not None and key >= best:
                    break
                if not venue_open.open_ok(v, d, t, t + dur):
                    continue
                if self._clashes(m, d, t, t + dur, vid):
                    continue
                best = key
                break
        if best is None:
            return Placement(occ, "unscheduled", reason="every slot clashes with meetings already placed")
        _, _, d, t, vid = best
        self._commit(occ, m, d, t, vid)
        total = [x for p in family if (x := self.travel.person_to_venue(p, ds.venues[vid])) is not None]
        return Placement(occ, "scheduled", d, t, t + dur, vid, cal.papers_due(d, m.papers_days),
                         travel_total=sum(total), travel_max=max(total, default=0))

    def _too_far(self, p, v) -> bool:
        minutes = self.travel.person_to_venue(p, v)
        return minutes is not None and minutes > p.max_travel_minutes

    def _shared_people(self, a: str, b: str) -> list:
        key = (a, b) if a <= b else (b, a)
        if key not in self._shared:
            ids = sorted(self.members[a] & self.members[b])
            self._shared[key] = [self.ds.participants[p] for p in ids if p in self.ds.participants]
        return self._shared[key]

    def _clashes(self, m: Meeting, d, start: int, end: int, vid: str) -> bool:
        ds = self.ds
        for other in self.by_day.get(d, ()):
            overlap = start < other.end and other.start < end
            if overlap and other.venue == vid:
                return True
            shared = self._shared_people(m.meeting_id, other.meeting.meeting_id)
            if not shared:
                continue
            if other.start <= start:
                need = self.travel.between_for(ds.venues[other.venue], ds.venues[vid], shared)
                if start < other.end + need:
                    return True
            else:
                need = self.travel.between_for(ds.venues[vid], ds.venues[other.venue], shared)
                if other.start < end + need:
                    return True
        return False

    def _commit(self, occ: Occurrence, m: Meeting, d, t: int, vid: str) -> None:
        self.by_day.setdefault(d, []).append(_Placed(occ, m, t, t + m.duration_minutes, vid))
        self.series_days.setdefault(m.meeting_id, []).append(d)
        self.last_venue[m.meeting_id] = vid


def greedy_plan(ds: Dataset, planning: DateRange, strict: bool = False) -> list[Placement]:
    """Every occurrence of the planning window, placed first-fit in date order."""
    g = Greedy(ds, planning, strict)
    occs = occurrences(ds, planning, g.cal)
    order = sorted(occs, key=lambda o: (o.planned.first, o.planned.last, o.meeting_id, o.number))
    placed = {(o.meeting_id, o.number): g.place(o) for o in order}
    return [placed[(o.meeting_id, o.number)] for o in occs]
