"""Journey times in whole minutes: measured times where given, otherwise an offline estimate.

The estimate is the geodesic distance times a road-winding factor over the speed of the
person's travel mode, plus the waiting time for public transport, rounded up to whole minutes
once, here. Distances are computed for every home and venue in one batch (see geodesy.py).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np

from scheduler.core.domain import Dataset, Participant, Venue
from scheduler.world.geodesy import distance_km

MINUTES_PER_HOUR = 60
NO_HOME = -1  # in a person's row of minutes: no home location, so no limit and no cost


@dataclass
class Travel:
    ds: Dataset
    _between: dict[tuple, int] = field(default_factory=dict)
    _home_km: dict[tuple[float, float], np.ndarray] | None = None
    _venue_km: np.ndarray | None = None
    _rows: dict[str, np.ndarray] = field(default_factory=dict)
    _overrides_of: dict[str, dict[str, int]] | None = None

    def __post_init__(self) -> None:
        self._venue_index = {vid: i for i, vid in enumerate(self.ds.venues)}
        self._venue_points = np.array([(v.latitude, v.longitude) for v in self.ds.venues.values()]
                                      or np.zeros((0, 2)))

    def minutes(self, km: float, mode: str) -> int:
        s = self.ds.settings
        minutes = math.ceil(km * s.winding_factor / s.speed_kmh[mode] * MINUTES_PER_HOUR)
        if mode == "public_transport":
            minutes += s.public_transport_wait_minutes
        return minutes

    def _override(self, a: str, b: str) -> int | None:
        return self.ds.travel_overrides.get((a, b) if a <= b else (b, a))

    def _home_distances(self, home: tuple[float, float]) -> np.ndarray:
        if self._home_km is None:
            # One batch for every home point in the data: people share district centroids.
            points = sorted({p.home for p in self.ds.participants.values() if p.home is not None})
            self._home_km = dict(_home_rows(points, self._venue_points))
        if home not in self._home_km:
            self._home_km[home] = distance_km(np.array([home]), self._venue_points)[0]
        return self._home_km[home]

    def person_to_venue(self, p: Participant, v: Venue) -> int | None:
        """None when the person has no home location (no limit, no cost)."""
        minutes = int(self.person_row(p)[self._venue_index[v.venue_id]])
        return None if minutes == NO_HOME else minutes

    def person_row(self, p: Participant) -> np.ndarray:
        """The person's minutes to every venue (data order), NO_HOME where unknown: one numpy
        row per person, so a rule looks at a series' people and venues at once (at 3,000
        occurrences single look-ups ran into millions). Read-only."""
        row = self._rows.get(p.participant_id)
        if row is None:
            row = np.full(len(self._venue_index), NO_HOME, dtype=np.int64)
            if p.home is not None:
                s = self.ds.settings
                km = self._home_distances(p.home)
                # the same float operations, in the same order, as `minutes`
                est = np.ceil(km * s.winding_factor / s.speed_kmh[p.travel_mode] * MINUTES_PER_HOUR)
                if p.travel_mode == "public_transport":
                    est = est + s.public_transport_wait_minutes
                row[:] = est.astype(np.int64)
            overrides = self._overrides()
            # a measured time wins: the person's own first, then their home district's
            for who in ([p.home_district] if p.home_district else []) + [p.participant_id]:
                for vid, minutes in overrides.get(who, {}).items():
                    if vid in self._venue_index:
                        row[self._venue_index[vid]] = minutes
            row.setflags(write=False)
            self._rows[p.participant_id] = row
        return row

    def _overrides(self) -> dict[str, dict[str, int]]:
        """Measured times by either end: id -> {other end: minutes}."""
        if self._overrides_of is None:
            self._overrides_of = {}
            for (a, b), minutes in self.ds.travel_overrides.items():
                self._overrides_of.setdefault(a, {})[b] = minutes
                self._overrides_of.setdefault(b, {})[a] = minutes
        return self._overrides_of

    def road_km(self, p: Participant, v: Venue) -> float | None:
        """Estimated road distance from home to venue (geodesic x winding); None without a home."""
        if p.home is None:
            return None
        return float(self._home_distances(p.home)[self._venue_index[v.venue_id]]) * self.ds.settings.winding_factor

    def venue_to_venue(self, a: Venue, b: Venue, mode: str = "car") -> int:
        """Travel between two venues on the same day; a measured time wins over the estimate."""
        if a.venue_id == b.venue_id:
            return 0
        minutes = self._override(a.venue_id, b.venue_id)
        if minutes is not None:
            return minutes
        if self._venue_km is None:
            self._venue_km = distance_km(self._venue_points, self._venue_points)
        km = float(self._venue_km[self._venue_index[a.venue_id], self._venue_index[b.venue_id]])
        return self.minutes(km, mode)

    def between_matrix(self, people: list[Participant]) -> np.ndarray:
        """Venue-to-venue minutes (venues in data order) for the slowest of these people's modes."""
        modes = tuple(sorted({p.travel_mode for p in people} or {"car"}))
        key = ("matrix", modes)
        if key not in self._between:
            if self._venue_km is None:
                self._venue_km = distance_km(self._venue_points, self._venue_points)
            s = self.ds.settings
            worst = None
            for mode in modes:
                m = np.ceil(self._venue_km * s.winding_factor / s.speed_kmh[mode] * MINUTES_PER_HOUR)
                if mode == "public_transport":
                    m = m + s.public_transport_wait_minutes
                worst = m if worst is None else np.maximum(worst, m)
            worst = worst.astype(np.int64)
            np.fill_diagonal(worst, 0)
            for (a, b), minutes in self.ds.travel_overrides.items():
                if a in self._venue_index and b in self._venue_index:
                    worst[self._venue_index[a], self._venue_index[b]] = minutes
                    worst[self._venue_index[b], self._venue_index[a]] = minutes
            self._between[key] = worst
        return self._between[key]

    def venue_index(self, venue_id: str) -> int:
        return self._venue_index[venue_id]

    def venue_indices(self, venue_ids: list[str]) -> np.ndarray:
        return np.array([self._venue_index[v] for v in venue_ids], dtype=np.int64)

    def between_for(self, a: Venue, b: Venue, people: list[Participant]) -> int:
        """The longest of the shared attendees' journeys between the two venues."""
        modes = tuple(sorted({p.travel_mode for p in people} or {"car"}))
        key = (a.venue_id, b.venue_id, modes)
        if key not in self._between:
            self._between[key] = max(self.venue_to_venue(a, b, m) for m in modes)
        return self._between[key]


# The validator, the explanations and the report each make a Travel of the same data: the
# home-to-venue batch (10,000 homes x 1,000 venues at the largest size tested) is computed once
# and shared. Two entries: a what-if holds the data before and after its change.
_HOME_ROWS: dict[bytes, dict[tuple[float, float], np.ndarray]] = {}


def _home_rows(points: list[tuple[float, float]], venue_points: np.ndarray) -> dict[tuple[float, float], np.ndarray]:
    if not points:
        return {}
    homes = np.array(points, dtype=float)
    key = homes.tobytes() + b"|" + np.ascontiguousarray(venue_points, dtype=float).tobytes()
    if key not in _HOME_ROWS:
        rows = distance_km(homes, venue_points)
        rows.setflags(write=False)
        if len(_HOME_ROWS) >= 2:
            _HOME_ROWS.pop(next(iter(_HOME_ROWS)))
        _HOME_ROWS[key] = {pt: rows[i] for i, pt in enumerate(points)}
    return _HOME_ROWS[key]
