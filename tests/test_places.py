"""Places (world/places.py) and the organiser's-eye scorer (benchmarks/organiser_score.py)."""

from __future__ import annotations

import csv
from datetime import date

from conftest import BASE_VENUES

from benchmarks.organiser_score import score
from scheduler.api import load
from scheduler.world.places import Places

# V1 Horsham, V2 Crawley (10 km), V3 1 km south of V1, V4 Billingshurst (10 km from V1, 20 from V2)
V3 = {**BASE_VENUES[0], "venue_id": "V3", "name": "Horsham Library", "latitude": "51.0618", "longitude": "-0.3243"}
V4 = {**BASE_VENUES[0], "venue_id": "V4", "name": "Billingshurst Hall", "latitude": "51.0240", "longitude": "-0.4500"}
VENUES = [*BASE_VENUES, V3, V4]


def test_near_is_under_near_km(tiny):
    places = Places(load(tiny(venues=VENUES)))
    assert places.near("V1", "V3", 3.0) and places.near("V1", "V1", 3.0)
    assert not places.near("V1", "V2", 3.0) and not places.near("V1", "V3", 0.5)


def test_most_places_is_pairwise_and_capped(tiny):
    places = Places(load(tiny(venues=VENUES)))
    assert len(places.most_places(["V1", "V3"], 5.0, 3)) == 1
    assert sorted(places.most_places(["V1", "V2", "V3", "V4"], 5.0, 3)) in (["V1", "V2", "V4"], ["V2", "V3", "V4"])
    assert len(places.most_places(["V1", "V2", "V3", "V4"], 5.0, 2)) == 2
    assert len(places.most_places(["V1", "V2", "V3", "V4"], 15.0, 3)) == 2  # only V2-V4 is 15 km+
    assert places.most_places([], 5.0, 3) == []


def _write_plan(path, rows):
    cols = ["meeting_id", "occurrence", "status", "date", "venue_id", "attendees", "rules_relaxed"]
    with open(path, "w", newline="", encoding="utf-8") as fh:
        w = csv.DictWriter(fh, fieldnames=cols)
        w.writeheader()
        for r in rows:
            w.writerow(dict(zip(cols, r, strict=True)))


def test_scorer_counts_each_kind(tiny, tmp_path):
    meetings = [
        {"meeting_id": "M", "title": "Monthly", "attendees": "PC1;PR1", "duration_minutes": "60",
         "recurrence": "monthly", "window_start": "2026-12-01", "window_end": "2027-03-31"},
        {"meeting_id": "Y", "title": "Youth", "attendees": "YP1;PC1", "duration_minutes": "60",
         "recurrence": "once", "window_start": "2027-01-01", "window_end": "2027-03-31"},
    ]
    folder = tiny(venues=VENUES, meetings=meetings)
    plan = tmp_path / "proposals.csv"
    _write_plan(plan, [
        ("M", 1, "scheduled", "2026-12-10", "V1", "PC1;PR1", ""),     # 9 days after start: short notice
        ("M", 2, "scheduled", "2026-12-20", "V3", "PC1;PR1", ""),     # near V1; 10 days later: uneven
        ("M", 3, "scheduled", "2027-02-15", "V2", "PC1;PR1", ""),
        ("M", 4, "scheduled", "2027-03-15", "V1", "PC1;PR1", ""),     # 4 meetings in 2 places of 3
        ("Y", 1, "scheduled", "2027-03-15", "V2", "YP1;PC1", ""),     # PC1 twice on 15 March
    ])
    s = score(folder, plan, date(2026, 12, 1))
    assert (s.near_moves, s.uneven, s.short_notice, s.few_places, s.two_a_day, s.closure) == (1, 1, 1, 1, 1, 0)
    _write_plan(plan, [
        ("M", 1, "scheduled", "2026-12-16", "V1", "PC1;PR1", ""),
        ("M", 2, "scheduled", "2027-01-01", "V2", "PC1;PR1", ""),     # New Year's Day
        ("M", 3, "scheduled", "2027-02-15", "V4", "PC1;PR1", ""),
        ("M", 4, "scheduled", "2027-03-15", "V1", "PC1;PR1", ""),
        ("Y", 1, "unscheduled", "", "", "YP1;PC1", ""),
    ])
    s = score(folder, plan, date(2026, 12, 1))
    assert (s.near_moves, s.uneven, s.short_notice, s.few_places, s.two_a_day, s.closure) == (0, 0, 0, 0, 0, 1)
    assert s.placed == 4 and s.travel_total > 0
