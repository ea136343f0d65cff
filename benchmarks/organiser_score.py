"""An organiser's-eye score of a plan, written apart from the engine's rules and validator.

It reads a data folder and a `proposals.csv` and counts what an organiser would object to:

- `near_moves`: consecutive scheduled occurrences of a series (date order) at venues under
  `NEAR_KM` apart (the same place twice in a row);
- `few_places`: series with 4 or more scheduled occurrences whose venues hold fewer than
  `MIN_PLACES` places, although the venues the series may use hold that many; a set of venues
  holds k places when k of them are pairwise `PLACE_KM` or more apart;
- `closure`: occurrences on a bank holiday (England and Wales) or from 24 December to 1 January;
- `uneven`: consecutive scheduled occurrences closer than half their period (monthly 15 days,
  half-termly 21, termly 42, quarterly 45);
- `two_a_day`: (parent carer or young person, day) with two or more meetings;
- `short_notice`: occurrences within `NOTICE_DAYS` of the start of planning;
- and families' travel: total one-way minutes and the largest yearly total of one person.

It shares only the data reading and the travel-time estimate with the engine: distances are its
own haversine, bank holidays come straight from `holidays`, and proposals.csv is read with the
csv module. Run: `python3 -m benchmarks.organiser_score DATA OUT --from YYYY-MM-DD`.
"""

from __future__ import annotations

import argparse
import csv
import itertools
import json
import math
from dataclasses import asdict, dataclass, field
from datetime import date
from pathlib import Path

import holidays

from scheduler.api import load
from scheduler.world.travel import Travel

NEAR_KM = 3.0
PLACE_KM = 5.0
MIN_PLACES = 3
NOTICE_DAYS = 14
HALF_PERIOD = {"monthly": 15, "half-termly": 21, "termly": 42, "quarterly": 45}
ORGANISER_RULES = ("venue_rotation", "county_spread", "even_rhythm", "closure_days",
                   "one_meeting_a_day", "notice")


def km(a: tuple[float, float], b: tuple[float, float]) -> float:
    lat1, lon1, lat2, lon2 = map(math.radians, (*a, *b))
    h = math.sin((lat2 - lat1) / 2) ** 2 + math.cos(lat1) * math.cos(lat2) * math.sin((lon2 - lon1) / 2) ** 2
    return 2 * 6371.0088 * math.asin(math.sqrt(h))


@dataclass
class Row:
    meeting_id: str
    occurrence: int
    day: date | None
    venue_id: str
    attendees: tuple[str, ...]
    rules_relaxed: tuple[str, ...]


@dataclass
class OrganiserScore:
    occurrences: int = 0
    placed: int = 0
    near_moves: int = 0
    few_places: int = 0
    closure: int = 0
    uneven: int = 0
    two_a_day: int = 0
    short_notice: int = 0
    framework_relaxed: int = 0  # (occurrence, rule) pairs of the older rules, from rules_relaxed
    travel_total: int = 0
    travel_worst: int = 0
    examples: dict[str, list[str]] = field(default_factory=dict)

    @property
    def breaches(self) -> int:
        return (self.near_moves + self.few_places + self.closure + self.uneven + self.two_a_day
                + self.short_notice)

    def note(self, kind: str, text: str) -> None:
        self.examples.setdefault(kind, [])
        if len(self.examples[kind]) < 5:
            self.examples[kind].append(text)

    def as_dict(self) -> dict:
        return {**asdict(self), "breaches": self.breaches}


def read_rows(path: Path) -> list[Row]:
    with open(path, newline="", encoding="utf-8-sig") as fh:
        out = []
        for r in csv.DictReader(fh):
            day = date.fromisoformat(r["date"]) if r.get("status") == "scheduled" and r.get("date") else None
            out.append(Row(r["meeting_id"], int(r["occurrence"]), day, r.get("venue_id", ""),
                           tuple(x for x in r.get("attendees", "").split(";") if x),
                           tuple(x for x in r.get("rules_relaxed", "").split(";") if x)))
        return out


def most_places(points: list[tuple[float, float]], cap: int) -> int:
    """The largest number (up to `cap`) of the points pairwise PLACE_KM or more apart."""
    points = list(dict.fromkeys(points))
    best = min(1, len(points))
    for k in range(2, min(cap, len(points)) + 1):
        if any(all(km(a, b) >= PLACE_KM for a, b in itertools.combinations(combo, 2))
               for combo in itertools.combinations(points, k)):
            best = k
        else:
            break
    return best


def usable_venues(ds, travel: Travel, meeting) -> list[str]:
    """Venues the series may use on the data's hard facts: its list, room size, needs, limits."""
    people = [ds.participants[p] for p in meeting.everyone if p in ds.participants]
    needs = {n for p in people for n in p.needs}
    out = []
    for vid, v in ds.venues.items():
        if meeting.venues is not None and vid not in meeting.venues:
            continue
        if len(meeting.everyone) > v.capacity or any(not v.has(n) for n in needs):
            continue
        too_far = False
        for pid in meeting.attendees:
            p = ds.participants.get(pid)
            minutes = travel.person_to_venue(p, v) if p is not None else None
            if minutes is not None and minutes > p.max_travel_minutes:
                too_far = True
        if not too_far:
            out.append(vid)
    return out


def score(data: Path | str, proposals: Path | str, start: date) -> OrganiserScore:
    ds = load(Path(data))
    travel = Travel(ds)
    rows = read_rows(Path(proposals))
    s = OrganiserScore(occurrences=len(rows))
    years = range(start.year - 1, start.year + 3)
    bank = holidays.country_holidays("GB", subdiv="ENG", years=years)
    placed = [r for r in rows if r.day is not None]
    s.placed = len(placed)
    by_series: dict[str, list[Row]] = {}
    for r in placed:
        by_series.setdefault(r.meeting_id, []).append(r)
        s.framework_relaxed += sum(1 for x in r.rules_relaxed if x not in ORGANISER_RULES)
        if r.day in bank or (r.day.month == 12 and r.day.day >= 24) or (r.day.month == 1 and r.day.day == 1):
            s.closure += 1
            s.note("closure", f"{r.meeting_id}#{r.occurrence} on {r.day}")
        if (r.day - start).days < NOTICE_DAYS:
            s.short_notice += 1
            s.note("short_notice", f"{r.meeting_id}#{r.occurrence} on {r.day}")
    where = {vid: (v.latitude, v.longitude) for vid, v in ds.venues.items()}
    for mid, group in sorted(by_series.items()):
        group.sort(key=lambda r: r.day)
        meeting = ds.meetings[mid]
        for a, b in itertools.pairwise(group):
            d = km(where[a.venue_id], where[b.venue_id])
            if d < NEAR_KM:
                s.near_moves += 1
                s.note("near_moves", f"{mid}#{a.occurrence} {a.venue_id} -> #{b.occurrence} {b.venue_id} ({d:.1f} km)")
            half = HALF_PERIOD.get(meeting.recurrence)
            if half is not None and (b.day - a.day).days < half:
                s.uneven += 1
                s.note("uneven", f"{mid}#{a.occurrence} {a.day} -> #{b.occurrence} {b.day}")
        if len(group) >= 4:
            used = most_places([where[r.venue_id] for r in group], MIN_PLACES)
            possible = most_places([where[v] for v in usable_venues(ds, travel, meeting)], MIN_PLACES)
            if used < min(MIN_PLACES, possible):
                s.few_places += 1
                s.note("few_places", f"{mid}: {used} places used of {possible} possible")
    day_count: dict[tuple[str, date], int] = {}
    for r in placed:
        for pid in r.attendees:
            p = ds.participants.get(pid)
            if p is not None and p.role in ("parent_carer", "young_person"):
                day_count[(pid, r.day)] = day_count.get((pid, r.day), 0) + 1
                minutes = travel.person_to_venue(p, ds.venues[r.venue_id]) or 0
                s.travel_total += minutes
    totals: dict[str, int] = {}
    for r in placed:
        for pid in r.attendees:
            p = ds.participants.get(pid)
            if p is not None and p.role in ("parent_carer", "young_person"):
                totals[pid] = totals.get(pid, 0) + (travel.person_to_venue(p, ds.venues[r.venue_id]) or 0)
    s.travel_worst = max(totals.values(), default=0)
    for (pid, d), n in sorted(day_count.items()):
        if n >= 2:
            s.two_a_day += 1
            s.note("two_a_day", f"{pid} has {n} meetings on {d}")
    return s


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("data")
    ap.add_argument("out", help="folder holding proposals.csv")
    ap.add_argument("--from", dest="start", required=True, type=date.fromisoformat)
    args = ap.parse_args(argv)
    print(json.dumps(score(args.data, Path(args.out) / "proposals.csv", args.start).as_dict(), indent=1, default=str))


if __name__ == "__main__":
    main()
