"""Shared fixtures: tiny data folders written from Python rows, so each test says what it needs."""

from __future__ import annotations

import csv
from datetime import date
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
BUNDLED = REPO / "data"

# Two venues 10 km apart in West Sussex, open every day, fully accessible.
BASE_VENUES = [
    {"venue_id": "V1", "name": "Horsham Hall", "latitude": "51.0708", "longitude": "-0.3243",
     "capacity": "30", "step_free": "yes", "lift": "yes", "accessible_toilet": "yes",
     "hoist_toilet": "yes", "accessible_parking": "yes", "hearing_loop": "yes", "quiet_room": "yes",
     "public_transport": "yes", "address": "1 Market Square, Horsham", "postcode": "RH12 1AA"},
    {"venue_id": "V2", "name": "Crawley Centre", "latitude": "51.1136", "longitude": "-0.1799",
     "capacity": "30", "step_free": "yes", "lift": "yes", "accessible_toilet": "yes",
     "hoist_toilet": "yes", "accessible_parking": "yes", "hearing_loop": "yes", "quiet_room": "yes",
     "public_transport": "yes", "address": "2 The Boulevard, Crawley", "postcode": "RH10 1AA"},
]
BASE_PEOPLE = [
    {"participant_id": "PC1", "name": "Pat Carer", "role": "parent_carer", "email": "pat@example.org",
     "home_postcode": "RH12", "groups": "board"},
    {"participant_id": "YP1", "name": "Yan Young", "role": "young_person", "email": "yan@example.org",
     "home_postcode": "RH13", "groups": "youth"},
    {"participant_id": "PR1", "name": "Pro Fessional", "role": "professional", "email": "pro@example.org",
     "home_postcode": "RH10", "groups": "board;youth"},
]
BASE_TERMS = [
    {"term": "Spring 1", "first_day": "2027-01-04", "last_day": "2027-02-12", "status": "confirmed"},
    {"term": "Spring 2", "first_day": "2027-02-22", "last_day": "2027-03-25", "status": "confirmed"},
]
BASE_MEETINGS = [
    {"meeting_id": "B", "title": "Board", "attendees": "group:board", "duration_minutes": "120",
     "recurrence": "once", "window_start": "2027-01-11", "window_end": "2027-01-22", "chair": "PR1"},
]
PLAN_FROM = date(2027, 1, 1)


def write_csv(path: Path, rows: list[dict[str, str]], columns: list[str] | None = None) -> None:
    cols = columns or list(dict.fromkeys(k for r in rows for k in r))
    with open(path, "w", newline="", encoding="utf-8") as fh:
        w = csv.DictWriter(fh, fieldnames=cols)
        w.writeheader()
        for r in rows:
            w.writerow({c: r.get(c, "") for c in cols})


def make_data(folder: Path, venues=None, people=None, meetings=None, terms=None, settings: str | None = None,
              travel=None) -> Path:
    """Write a data folder; any part not given is the small base instance above."""
    folder.mkdir(parents=True, exist_ok=True)
    write_csv(folder / "venues.csv", BASE_VENUES if venues is None else venues,
              None if venues else list(BASE_VENUES[0]))
    write_csv(folder / "participants.csv", BASE_PEOPLE if people is None else people,
              ["participant_id", "name", "role", "email", "home_postcode", "needs", "travel_mode",
               "max_travel_minutes", "unavailable", "groups", "education_ends", "organisation"]
              if people is None else None)
    write_csv(folder / "meetings.csv", BASE_MEETINGS if meetings is None else meetings,
              ["meeting_id", "title", "attendees", "optional_attendees", "duration_minutes", "recurrence",
               "window_start", "window_end", "papers_days", "chair", "venues", "min_gap_days",
               "participation_level", "description"])
    write_csv(folder / "term_dates.csv", BASE_TERMS if terms is None else terms)
    if settings is not None:
        (folder / "settings.toml").write_text(settings, encoding="utf-8")
    if travel is not None:
        write_csv(folder / "travel_times.csv", travel, ["from", "to", "minutes"])
    return folder


@pytest.fixture
def tiny(tmp_path: Path):
    """A factory: tiny(meetings=[...], people=[...]) -> data folder path."""

    def factory(**kwargs) -> Path:
        return make_data(tmp_path / "data", **kwargs)

    return factory


@pytest.fixture(autouse=True)
def _reproducible_clock(monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1798761600")  # 2027-01-01T00:00:00Z
