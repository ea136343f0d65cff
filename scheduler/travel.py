"""Journey times in whole minutes: measured times where given, otherwise an offline estimate."""

from __future__ import annotations

import math
from dataclasses import dataclass, field

from geopy.distance import geodesic

from .domain import Dataset, Participant, Venue

# Journeys are whole minutes everywhere in the engine; estimates are rounded up once, here.
MINUTES_PER_HOUR = 60


@dataclass
class Travel:
    ds: Dataset
    _cache: dict[tuple[str, str], int | None] = field(default_factory=dict)
    _by_place: dict[tuple, int] = field(default_factory=dict)
    _between: dict[tuple, int] = field(default_factory=dict)

    def _estimate(self, a: tuple[float, float], b: tuple[float, float], mode: str) -> int:
        """Many people share a district centroid, so estimates are cached by place, not person."""
        key = (a, b, mode)
        cached = self._by_place.get(key)
        if cached is None:
            cached = self._by_place[key] = self._compute(a, b, mode)
        return cached

    def _compute(self, a: tuple[float, float], b: tuple[float, float], mode: str) -> int:
        s = self.ds.settings
        km = geodesic(a, b).km * s.winding_factor
        minutes = math.ceil(km / s.speed_kmh[mode] * MINUTES_PER_HOUR)
        if mode == "public_transport":
            minutes += s.public_transport_wait_minutes
        return minutes

    def _override(self, a: str, b: str) -> int | None:
        return self.ds.travel_overrides.get((a, b) if a <= b else (b, a))

    def person_to_venue(self, p: Participant, v: Venue) -> int | None:
        """None when the person has no home location (no limit, no cost)."""
        key = (p.participant_id, v.venue_id)
        if key in self._cache:
            return self._cache[key]
        minutes = self._override(p.participant_id, v.venue_id)
        if minutes is None and p.home_district:
            minutes = self._override(p.home_district, v.venue_id)
        if minutes is None and p.home is not None:
            minutes = self._estimate(p.home, (v.latitude, v.longitude), p.travel_mode)
        self._cache[key] = minutes
        return minutes

    def venue_to_venue(self, a: Venue, b: Venue, mode: str = "car") -> int:
        """Travel between two venues on the same day; a measured time wins over the estimate."""
        if a.venue_id == b.venue_id:
            return 0
        key = (f"{a.venue_id}>{mode}", b.venue_id)
        if key in self._cache:
            return self._cache[key]  # type: ignore[return-value]
        minutes = self._override(a.venue_id, b.venue_id)
        if minutes is None:
            minutes = self._estimate((a.latitude, a.longitude), (b.latitude, b.longitude), mode)
        self._cache[key] = minutes
        return minutes

    def between_for(self, a: Venue, b: Venue, people: list[Participant]) -> int:
        """The longest of the shared attendees' journeys between the two venues."""
        modes = tuple(sorted({p.travel_mode for p in people} or {"car"}))
        key = (a.venue_id, b.venue_id, modes)
        if key not in self._between:
            self._between[key] = max(self.venue_to_venue(a, b, m) for m in modes)
        return self._between[key]
