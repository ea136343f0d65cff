"""Places: when two venues count as the same place, and how many places a set of venues holds.

Two rules need this, and the solver and the validator must agree on it exactly:
- `venue_rotation`: two venues are *near* (one place) when they are under `near_km` apart;
- `county_spread`: a set of venues holds k places when k of them are pairwise `place_km` or more
  apart. This needs no clustering, so it cannot depend on the order of venues.csv: the number
  of places of a set is the size of its largest subset whose venues are pairwise that far apart.

Distances are straight-line (great-circle) kilometres between the venues' coordinates.
"""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np

from scheduler.core.domain import Dataset
from scheduler.world.geodesy import distance_km


class Places:
    """Distances between the venues of one data set, computed once."""

    def __init__(self, ds: Dataset):
        self.ids = list(ds.venues)
        self.index = {vid: i for i, vid in enumerate(self.ids)}
        points = np.array([(v.latitude, v.longitude) for v in ds.venues.values()] or np.zeros((0, 2)))
        self.km = distance_km(points, points) if len(points) else np.zeros((0, 0))

    def between(self, a: str, b: str) -> float:
        return float(self.km[self.index[a], self.index[b]])

    def near(self, a: str, b: str, near_km: float) -> bool:
        """The same place for venue_rotation: under `near_km` apart (a venue is near itself)."""
        return a == b or self.between(a, b) < near_km

    def most_places(self, venue_ids: Iterable[str], place_km: float, cap: int) -> list[str]:
        """A largest set (at most `cap`) of the venues whose members are pairwise `place_km` or
        more apart; ties go to the earliest venues in sorted id order, so the answer is stable."""
        ids = sorted(set(venue_ids))
        if cap <= 0 or not ids:
            return []
        rows = [self.index[v] for v in ids]
        far = self.km[np.ix_(rows, rows)] >= place_km
        best: list[int] = []

        def grow(chosen: list[int], candidates: list[int]) -> bool:
            """Extend `chosen` by venues far from all of it; True once `cap` is reached."""
            need = cap - len(chosen)
            if candidates and len(chosen) + 1 > len(best):
                best[:] = chosen + candidates[:1]
            if need <= 1:
                return bool(candidates) or need <= 0
            if need == 2:  # any far pair among the candidates: one numpy look
                pairs = np.argwhere(np.triu(far[np.ix_(candidates, candidates)], 1))
                if len(pairs):
                    best[:] = chosen + [candidates[pairs[0][0]], candidates[pairs[0][1]]]
                    return True
                return False
            for n, i in enumerate(candidates):
                if len(chosen) + len(candidates) - n <= len(best):
                    return False  # what is left cannot beat the best found
                rest = [j for j in candidates[n + 1:] if far[i, j]]
                if grow(chosen + [i], rest):
                    return True
            return False

        grow([], list(range(len(ids))))
        return [ids[i] for i in best]
