"""Facts about one placement that both the solver and the validator need, kept free of either.

These are the framework's windows and needs as plain functions of (meeting, day, time, venue),
so the same meaning of "after school" or "step-free" is used everywhere.
"""

from __future__ import annotations

from datetime import date

from scheduler.core.domain import Dataset, Meeting, Participant, Settings, Venue
from scheduler.world.calendar import SchoolCalendar


def attendees(ds: Dataset, meeting: Meeting) -> list[Participant]:
    return [ds.participants[p] for p in meeting.everyone if p in ds.participants]


def young_after_school_start(ds: Dataset, meeting: Meeting) -> int:
    """After school: the latest education_ends of the young people attending, plus the offset."""
    s = ds.settings
    ends = [p.education_ends for p in attendees(ds, meeting)
            if p.role == "young_person" and p.education_ends is not None]
    if not ends:
        return s.young_after_school_default_start
    return max(ends) + s.young_after_school_offset


def parent_core_ok(s: Settings, start: int, end: int) -> bool:
    return start >= s.parent_start and end <= s.parent_end


def young_hours_ok(ds: Dataset, cal: SchoolCalendar, meeting: Meeting, d: date, start: int, end: int,
                   after_school_start: int | None = None) -> bool:
    s = ds.settings
    if cal.is_school_day(d):
        lo = after_school_start if after_school_start is not None else young_after_school_start(ds, meeting)
        return start >= lo and end <= s.young_after_school_end
    return start >= s.young_non_school_start and end <= s.young_non_school_end


def missing_features(venue: Venue, people: list[Participant]) -> dict[str, list[str]]:
    """Need -> ids of the people who need it, for needs this venue does not confirm."""
    out: dict[str, list[str]] = {}
    for p in people:
        for need in sorted(p.needs):
            if not venue.has(need):
                out.setdefault(need, []).append(p.participant_id)
    return out


def young_people_venue_ok(venue: Venue) -> bool:
    return venue.has("step_free") and venue.has("hoist_toilet")


def venue_open_ok(venue: Venue, d: date, start: int, end: int) -> bool:
    return not venue.is_closed_on(d) and start >= venue.open_from and end <= venue.open_until
