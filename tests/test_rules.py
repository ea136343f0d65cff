"""Each rule of PRODUCT.md section 2 on a tiny instance: once where it holds, once where it bites."""

from __future__ import annotations

from datetime import date

import pytest
from conftest import BASE_PEOPLE, BASE_VENUES, PLAN_FROM

from scheduler import api
from scheduler.core.domain import hhmm
from scheduler.engine.validate import check


def plan(folder, start=PLAN_FROM, end=date(2027, 3, 31), strict=False):
    result = api.propose(folder, start, end, strict=strict, time_limit=10)
    findings = check(result.dataset, result.plan.placements, result.plan.planning, strict=strict)
    assert not [f for f in findings if f.hard], findings  # every plan keeps every hard rule
    return result.plan, findings


def only(p):
    assert len(p.placements) == 1
    return p.placements[0]


def meeting(**kw):
    row = {"meeting_id": "M", "title": "Meeting", "attendees": "PC1;PR1", "duration_minutes": "120",
           "recurrence": "once", "window_start": "2027-01-11", "window_end": "2027-01-22"}
    row.update(kw)
    return row


def venues(**changes):
    """The base venues with per-venue changes: venues(V1={"hoist_toilet": "no"})."""
    out = []
    for v in BASE_VENUES:
        row = dict(v)
        row.update(changes.get(v["venue_id"], {}))
        out.append(row)
    return out


def people(**changes):
    out = []
    for p in BASE_PEOPLE:
        row = dict(p)
        row.update(changes.get(p["participant_id"], {}))
        out.append(row)
    return out


# -- parent_term_time -------------------------------------------------------------------------
def test_parent_term_time_holds(tiny):
    p = only(plan(tiny(meetings=[meeting()]))[0])
    assert p.scheduled and p.day.weekday() < 5 and not p.rules_relaxed


def test_parent_term_time_bites_in_half_term(tiny):
    folder = tiny(meetings=[meeting(window_start="2027-02-13", window_end="2027-02-21")])
    p = only(plan(folder)[0])
    assert p.scheduled and p.rules_relaxed == ("parent_term_time",)
    assert only(plan(folder, strict=True)[0]).status == "unscheduled"


# -- parent_core_hours ------------------------------------------------------------------------
def test_parent_core_hours_holds(tiny):
    p = only(plan(tiny(meetings=[meeting()]))[0])
    assert p.start >= 10 * 60 and p.end <= 14 * 60


def test_parent_core_hours_bites_when_venues_open_late(tiny):
    late = {"open_from": "15:00", "open_until": "21:00"}
    p = only(plan(tiny(venues=venues(V1=late, V2=late), meetings=[meeting()]))[0])
    assert p.scheduled and p.rules_relaxed == ("parent_core_hours",) and p.start >= 15 * 60


# -- young_people_hours -----------------------------------------------------------------------
def test_young_people_hours_after_school_follows_education_ends(tiny):
    folder = tiny(people=people(YP1={"education_ends": "16:00"}),
                  meetings=[meeting(attendees="YP1;PR1", window_start="2027-01-11", window_end="2027-01-15")])
    p = only(plan(folder)[0])
    assert p.scheduled and not p.rules_relaxed
    assert p.start >= 16 * 60 + 30 and p.end <= 19 * 60, hhmm(p.start)


def test_young_people_hours_on_other_days_is_daytime(tiny):
    folder = tiny(meetings=[meeting(attendees="YP1;PR1", window_start="2027-01-16", window_end="2027-01-17")])
    p = only(plan(folder)[0])
    assert p.day.weekday() >= 5 and p.start >= 10 * 60 and p.end <= 16 * 60 and not p.rules_relaxed


def test_young_people_hours_bites_when_venues_close_early(tiny):
    early = {"open_from": "09:00", "open_until": "15:00"}
    folder = tiny(venues=venues(V1=early, V2=early),
                  meetings=[meeting(attendees="YP1;PR1", window_start="2027-01-11", window_end="2027-01-15")])
    p = only(plan(folder)[0])
    assert p.scheduled and p.rules_relaxed == ("young_people_hours",)


def test_mixed_meeting_relaxes_exactly_one_time_rule(tiny):
    folder = tiny(meetings=[meeting(attendees="PC1;YP1;PR1", window_start="2027-01-04", window_end="2027-02-12")])
    p = only(plan(folder)[0])
    assert p.scheduled and len(p.rules_relaxed) == 1
    assert only(plan(folder, strict=True)[0]).status == "unscheduled"


# -- venue_access -----------------------------------------------------------------------------
def test_venue_access_holds(tiny):
    folder = tiny(venues=venues(V2={"hoist_toilet": ""}), people=people(PC1={"needs": "hoist_toilet"}),
                  meetings=[meeting()])
    assert only(plan(folder)[0]).venue_id == "V1"


def test_venue_access_bites(tiny):
    folder = tiny(venues=venues(V1={"hearing_loop": "no"}, V2={"hearing_loop": ""}),
                  people=people(PR1={"needs": "hearing_loop"}), meetings=[meeting()])
    p = only(plan(folder)[0])
    assert p.status == "unscheduled" and "venue_access" in p.reason


# -- young_people_venue -----------------------------------------------------------------------
def test_young_people_venue_holds(tiny):
    folder = tiny(venues=venues(V1={"hoist_toilet": "no"}),
                  meetings=[meeting(attendees="YP1;PR1", window_start="2027-01-16", window_end="2027-01-17")])
    p = only(plan(folder)[0])
    assert p.venue_id == "V2" and not p.rules_relaxed


def test_young_people_venue_bites(tiny):
    folder = tiny(venues=venues(V1={"hoist_toilet": "no"}, V2={"step_free": ""}),
                  meetings=[meeting(attendees="YP1;PR1", window_start="2027-01-16", window_end="2027-01-17")])
    p = only(plan(folder)[0])
    assert p.scheduled and p.rules_relaxed == ("young_people_venue",)


# -- venue_capacity ---------------------------------------------------------------------------
def test_venue_capacity_holds(tiny):
    folder = tiny(venues=venues(V1={"capacity": "1"}), meetings=[meeting()])
    assert only(plan(folder)[0]).venue_id == "V2"


def test_venue_capacity_bites(tiny):
    folder = tiny(venues=venues(V1={"capacity": "1"}, V2={"capacity": "1"}), meetings=[meeting()])
    p = only(plan(folder)[0])
    assert p.status == "unscheduled" and "venue_capacity" in p.reason


# -- venue_open -------------------------------------------------------------------------------
def test_venue_open_bites_when_every_venue_is_shut(tiny):
    folder = tiny(venues=venues(V1={"open_days": "Mon-Fri"}, V2={"closed_dates": "2027-01-11..2027-01-31"}),
                  meetings=[meeting(attendees="YP1;PR1", window_start="2027-01-16", window_end="2027-01-17")])
    p = only(plan(folder)[0])
    # V1 is shut at weekends and V2 closed those dates: nothing in the window is open
    assert p.status == "unscheduled" and "venue_open" in p.reason


def test_venue_open_chooses_the_open_venue(tiny):
    folder = tiny(venues=venues(V1={"open_days": "Mon-Fri"}),
                  meetings=[meeting(attendees="YP1;PR1", window_start="2027-01-16", window_end="2027-01-17")])
    p = only(plan(folder)[0])
    assert p.venue_id == "V2" and p.day.weekday() >= 5


# -- venue_clash ------------------------------------------------------------------------------
def _two_meetings(**kw):
    a = meeting(meeting_id="A", attendees="PC1", window_start="2027-01-12", window_end="2027-01-12", **kw)
    b = meeting(meeting_id="B", attendees="PR1", window_start="2027-01-12", window_end="2027-01-12", **kw)
    return [a, b]


def test_venue_clash_holds_with_two_venues(tiny):
    short = {"open_from": "10:00", "open_until": "12:00"}
    p, _ = plan(tiny(venues=venues(V1=short, V2=short), meetings=_two_meetings()))
    assert all(x.scheduled for x in p.placements)
    assert len({x.venue_id for x in p.placements}) == 2


def test_venue_clash_bites_with_one_venue(tiny):
    short = {"open_from": "10:00", "open_until": "12:00"}
    p, _ = plan(tiny(venues=venues(V1=short, V2=short), meetings=_two_meetings(venues="V1")))
    assert sorted(x.status for x in p.placements) == ["scheduled", "unscheduled"]


# -- attendee_clash ---------------------------------------------------------------------------
def test_attendee_clash_leaves_travel_time_between_same_day_meetings(tiny):
    a = meeting(meeting_id="A", attendees="PR1", duration_minutes="90", venues="V1",
                window_start="2027-01-12", window_end="2027-01-12")
    b = meeting(meeting_id="B", attendees="PR1;PC1", duration_minutes="90", venues="V2",
                window_start="2027-01-12", window_end="2027-01-12")
    p, _ = plan(tiny(meetings=[a, b]))
    x, y = sorted(p.placements, key=lambda q: q.start)
    assert x.scheduled and y.scheduled
    assert y.start >= x.end + 20  # Horsham to Crawley is well over 20 minutes


def test_attendee_clash_bites_when_no_time_to_travel(tiny):
    short = {"open_from": "10:00", "open_until": "13:15"}  # 90 + travel + 90 does not fit
    a = meeting(meeting_id="A", attendees="PR1", duration_minutes="90", venues="V1",
                window_start="2027-01-12", window_end="2027-01-12")
    b = meeting(meeting_id="B", attendees="PR1", duration_minutes="90", venues="V2",
                window_start="2027-01-12", window_end="2027-01-12")
    p, _ = plan(tiny(venues=venues(V1=short, V2=short), meetings=[a, b]))
    assert sorted(x.status for x in p.placements) == ["scheduled", "unscheduled"]


# -- attendee_unavailable ---------------------------------------------------------------------
def test_attendee_unavailable_holds(tiny):
    folder = tiny(people=people(PC1={"unavailable": "2027-01-11..2027-01-20;Fri"}), meetings=[meeting()])
    assert only(plan(folder)[0]).day == date(2027, 1, 21)


def test_attendee_unavailable_bites_for_required(tiny):
    folder = tiny(people=people(PC1={"unavailable": "2027-01-01..2027-01-31"}), meetings=[meeting()])
    p = only(plan(folder)[0])
    assert p.status == "unscheduled" and "attendee_unavailable" in p.reason


def test_attendee_unavailable_is_soft_for_optional(tiny):
    folder = tiny(people=people(YP1={"unavailable": "2027-01-01..2027-01-31"}),
                  meetings=[meeting(optional_attendees="YP1", attendees="PC1;PR1")])
    p = only(plan(folder)[0])
    assert p.scheduled and "attendee_unavailable" in p.rules_relaxed


# -- travel_limit -----------------------------------------------------------------------------
def test_travel_limit_holds(tiny):
    folder = tiny(people=people(PC1={"max_travel_minutes": "25"}), meetings=[meeting(attendees="PC1")])
    assert only(plan(folder)[0]).venue_id == "V1"


def test_travel_limit_bites(tiny):
    folder = tiny(people=people(PC1={"home_postcode": "PO19", "max_travel_minutes": "20"}), meetings=[meeting()])
    p = only(plan(folder)[0])
    assert p.status == "unscheduled" and "travel_limit" in p.reason


def test_travel_limit_is_soft_for_optional(tiny):
    folder = tiny(people=people(YP1={"home_postcode": "PO19", "max_travel_minutes": "20"}),
                  meetings=[meeting(optional_attendees="YP1")])
    p = only(plan(folder)[0])
    assert p.scheduled and "travel_limit" in p.rules_relaxed


# -- travel_time ------------------------------------------------------------------------------
def test_travel_time_prefers_the_families_nearest_venue(tiny):
    p = only(plan(tiny(meetings=[meeting(attendees="PC1;PR1")]))[0])
    assert p.venue_id == "V1"  # PC1 lives in Horsham (RH12); the professional's travel is not counted
    assert p.travel_total == p.travel_max > 0


def test_travel_time_shares_long_journeys_fairly(tiny):
    # Two families at opposite ends and two meetings: each family gets one near meeting.
    folder = tiny(people=people(PC1={"home_postcode": "RH12"}, YP1={"home_postcode": "RH10"}),
                  meetings=[meeting(meeting_id="A", attendees="PC1;YP1", window_start="2027-01-16", window_end="2027-01-16"),
                            meeting(meeting_id="B", attendees="PC1;YP1", window_start="2027-01-23", window_end="2027-01-23")])
    p, _ = plan(folder)
    assert {x.venue_id for x in p.placements} == {"V1", "V2"}


# -- venue_rotation ---------------------------------------------------------------------------
def test_venue_rotation_alternates(tiny):
    folder = tiny(meetings=[meeting(recurrence="monthly", window_start="2027-01-04", window_end="2027-03-25")])
    p, _ = plan(folder)
    used = [x.venue_id for x in sorted(p.placements, key=lambda q: q.day)]
    assert len(used) == 3 and all(a != b for a, b in zip(used, used[1:], strict=False))
    assert not any(x.rules_relaxed for x in p.placements)


def test_venue_rotation_bites_with_one_venue(tiny):
    folder = tiny(meetings=[meeting(recurrence="monthly", venues="V1", window_start="2027-01-04", window_end="2027-02-26")])
    p, _ = plan(folder)
    later = max(p.placements, key=lambda q: q.day)
    assert later.rules_relaxed == ("venue_rotation",)


# -- papers_ahead -----------------------------------------------------------------------------
def test_papers_ahead_moves_to_an_earlier_working_day(tiny):
    p = only(plan(tiny(meetings=[meeting(papers_days="7")]))[0])
    due = p.papers_due
    assert due is not None and due.weekday() < 5 and (p.day - due).days >= 7


def test_papers_ahead_bites_when_planning_starts_too_late(tiny):
    folder = tiny(meetings=[meeting(papers_days="7", window_start="2027-01-11", window_end="2027-01-13")])
    p = only(plan(folder, start=date(2027, 1, 8))[0])
    assert p.status == "unscheduled" and "papers_ahead" in p.reason


def test_papers_zero_means_no_papers(tiny):
    p = only(plan(tiny(meetings=[meeting(papers_days="0")]))[0])
    assert p.scheduled and p.papers_due is None


# -- series_spacing ---------------------------------------------------------------------------
@pytest.mark.parametrize("recurrence,expected", [("monthly", 3), ("half-termly", 2), ("termly", 1), ("quarterly", 1)])
def test_series_spacing_one_occurrence_per_period(tiny, recurrence, expected):
    folder = tiny(meetings=[meeting(recurrence=recurrence, window_start="", window_end="")])
    p, _ = plan(folder)
    assert len(p.placements) == expected and all(x.scheduled for x in p.placements)
    numbers = [x.occurrence.number for x in p.placements]
    assert numbers == sorted(numbers)


def test_series_spacing_bites_on_a_long_gap(tiny):
    folder = tiny(meetings=[meeting(recurrence="monthly", min_gap_days="45", window_start="2027-01-04", window_end="2027-02-12")])
    p, _ = plan(folder)
    scheduled = sorted((x for x in p.placements if x.scheduled), key=lambda q: q.day)
    assert len(scheduled) == 1 and len(p.placements) == 2


def test_occurrence_numbers_ignore_the_planning_window(tiny):
    folder = tiny(meetings=[meeting(recurrence="monthly", window_start="2027-01-04", window_end="2027-03-25")])
    p, _ = plan(folder, start=date(2027, 2, 1))
    assert [x.occurrence.number for x in p.placements] == [2, 3]
