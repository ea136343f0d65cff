"""Property tests: random small programmes are planned, and the independent validator checks each plan."""

from __future__ import annotations

from datetime import date, timedelta

from conftest import BASE_TERMS, make_data
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from scheduler import api
from scheduler.core.domain import FEATURES
from scheduler.engine.validate import check, objective
from scheduler.world.calendar import occurrences

DISTRICTS = ["RH10", "RH12", "RH13", "RH15", "BN11", "BN43", "PO19", "PO22", "RH19", "GU29"]
SPOTS = [(51.07, -0.32), (51.11, -0.18), (50.82, -0.39), (50.84, -0.78), (50.96, -0.13), (51.13, -0.01)]
yes_no_blank = st.sampled_from(["yes", "no", ""])


@st.composite
def venue(draw, i):
    lat, lon = draw(st.sampled_from(SPOTS))
    row = {"venue_id": f"V{i}", "name": f"Venue {i}", "latitude": str(lat), "longitude": str(lon),
           "capacity": str(draw(st.integers(2, 20)))}
    for f in FEATURES:
        row[f] = draw(st.sampled_from(["yes", "yes", "no", ""]))
    row["open_days"] = draw(st.sampled_from(["", "Mon-Fri", "Mon-Sat", "Sat-Sun"]))
    row["open_from"] = draw(st.sampled_from(["", "09:00", "12:00"]))
    row["open_until"] = draw(st.sampled_from(["", "17:00", "21:00"]))
    return row


@st.composite
def person(draw, i):
    role = draw(st.sampled_from(["parent_carer", "young_person", "professional"]))
    needs = draw(st.lists(st.sampled_from(["step_free", "hoist_toilet", "hearing_loop", "accessible_toilet"]),
                          max_size=1, unique=True))
    unavailable = draw(st.sampled_from(["", "Fri", "2027-01-18..2027-01-22", "Mon;Tue"]))
    return {"participant_id": f"P{i}", "name": f"Person {i}", "role": role,
            "home_postcode": draw(st.sampled_from(DISTRICTS)), "needs": ";".join(needs),
            "max_travel_minutes": draw(st.sampled_from(["", "45", "90"])), "unavailable": unavailable,
            "education_ends": draw(st.sampled_from(["", "15:00", "16:00"])) if role == "young_person" else ""}


@st.composite
def meeting(draw, i, n_people):
    ids = [f"P{k}" for k in range(n_people)]
    attendees = draw(st.lists(st.sampled_from(ids), min_size=1, max_size=3, unique=True))
    optional = draw(st.lists(st.sampled_from([x for x in ids if x not in attendees] or ids), max_size=1, unique=True))
    first = date(2027, 1, 4) + timedelta(days=draw(st.integers(0, 30)))
    last = first + timedelta(days=draw(st.integers(2, 60)))
    return {"meeting_id": f"M{i}", "title": f"Meeting {i}", "attendees": ";".join(attendees),
            "optional_attendees": ";".join(x for x in optional if x not in attendees),
            "duration_minutes": str(draw(st.sampled_from([60, 90, 120]))),
            "recurrence": draw(st.sampled_from(["once", "monthly", "half-termly", "termly"])),
            "window_start": first.isoformat(), "window_end": last.isoformat(),
            "papers_days": draw(st.sampled_from(["", "0", "3"])),
            "min_gap_days": draw(st.sampled_from(["", "7"]))}


@st.composite
def programme(draw):
    nv, np_, nm = draw(st.integers(1, 3)), draw(st.integers(2, 6)), draw(st.integers(1, 3))
    return ([draw(venue(i)) for i in range(nv)], [draw(person(i)) for i in range(np_)],
            [draw(meeting(i, np_)) for i in range(nm)])


def plan_and_check(tmp_path_factory, prog, strict: bool, time_limit: float):
    """Plan a drawn programme and assert what must hold of every plan: no hard rule broken, the
    solver's objective the one the validator recomputes from its findings (equal when proven
    optimal; never lower, as a plan's slack can only add cost), and a reason for each
    occurrence left unplaced."""
    venues, people, meetings = prog
    folder = make_data(tmp_path_factory.mktemp("prop"), venues=venues, people=people, meetings=meetings,
                       terms=BASE_TERMS)
    result = api.propose(folder, date(2027, 1, 1), date(2027, 3, 31), strict=strict, time_limit=time_limit)
    plan, ds = result.plan, result.dataset
    findings = check(ds, plan.placements, plan.planning, strict=strict)
    assert [f for f in findings if f.hard] == []
    recomputed = objective(ds, plan.placements, plan.planning, findings)
    if plan.proven_optimal:  # the solver reports a float; the objective is integral
        assert round(plan.objective) == recomputed, (plan.objective, recomputed, findings)
    elif plan.objective is not None:
        assert round(plan.objective) >= recomputed, (plan.objective, recomputed, findings)
    assert all(p.reason for p in plan.unscheduled), "an unscheduled occurrence always says why"
    return plan, ds


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(programme(), st.booleans())
def test_every_plan_passes_the_independent_validator(tmp_path_factory, prog, strict):
    plan, ds = plan_and_check(tmp_path_factory, prog, strict, time_limit=5)
    expected = {(o.meeting_id, o.number) for o in occurrences(ds, plan.planning)}
    assert {(p.occurrence.meeting_id, p.occurrence.number) for p in plan.placements} == expected
    if strict:
        assert not any(set(p.rules_relaxed) & {"parent_term_time", "parent_core_hours", "young_people_hours"}
                       for p in plan.scheduled)


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(programme(), st.booleans())
def test_a_plan_cut_short_by_the_time_limit_still_keeps_every_hard_rule(tmp_path_factory, prog, strict):
    """With almost no time, the starting plan is returned; it must be as valid as a solved one."""
    plan_and_check(tmp_path_factory, prog, strict, time_limit=0.001)
