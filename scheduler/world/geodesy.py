"""Geodesic distances on the WGS-84 ellipsoid for many pairs at once.

A county-sized programme needs hundreds of thousands of home-to-venue distances, so this is
Vincenty's inverse formula on numpy arrays: it agrees with geopy's geodesic to well under a
millimetre for any two points in the United Kingdom (tests/test_travel.py checks it).

Why not the simpler haversine on a sphere: journey minutes are rounded up once, and the
sphere's error (up to 0.3% across the UK) moves 202 of the bundled example's 1,674 rounded
home-to-venue minutes by one, which would change plans. The formula converges for any two
points less than half the globe apart, which every pair of UK points is; a pair that did not
would get the haversine distance instead.
"""

from __future__ import annotations

import numpy as np

A = 6378137.0
F = 1 / 298.257223563
B = (1 - F) * A
MEAN_RADIUS_KM = 6371.0088


# Pairs per block: every block's dozen temporaries stay in the processor's cache. The whole
# 10,000-home x 1,000-venue matrix in one block took 7.5 s and 1.3 GB of temporaries; in blocks,
# 2.6 s and no extra memory (benchmarks/RESULTS.md).
BLOCK_PAIRS = 1 << 16


def distance_km(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Distances in km between each (lat, lon) row of `a` and each of `b`: shape (len(a), len(b))."""
    a = np.asarray(a, dtype=float).reshape(-1, 2)
    b = np.asarray(b, dtype=float).reshape(-1, 2)
    rows = max(1, BLOCK_PAIRS // max(len(b), 1))
    if len(a) <= rows:
        return _block(a, b)
    out = np.empty((len(a), len(b)))
    for i in range(0, len(a), rows):
        out[i:i + rows] = _block(a[i:i + rows], b)
    return out


def _block(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    lat1, lon1 = np.radians(a[:, 0])[:, None], np.radians(a[:, 1])[:, None]
    lat2, lon2 = np.radians(b[:, 0])[None, :], np.radians(b[:, 1])[None, :]
    big_l = np.broadcast_to(lon2 - lon1, (len(a), len(b)))
    u1 = np.arctan((1 - F) * np.tan(lat1))
    u2 = np.arctan((1 - F) * np.tan(lat2))
    sin_u1, cos_u1, sin_u2, cos_u2 = np.sin(u1), np.cos(u1), np.sin(u2), np.cos(u2)
    lam = big_l.copy()
    converged = np.zeros(lam.shape, dtype=bool)
    with np.errstate(invalid="ignore", divide="ignore"):
        for _ in range(200):
            sin_lam, cos_lam = np.sin(lam), np.cos(lam)
            sin_sigma = np.hypot(cos_u2 * sin_lam, cos_u1 * sin_u2 - sin_u1 * cos_u2 * cos_lam)
            cos_sigma = sin_u1 * sin_u2 + cos_u1 * cos_u2 * cos_lam
            sigma = np.arctan2(sin_sigma, cos_sigma)
            sin_alpha = np.where(sin_sigma == 0, 0.0, cos_u1 * cos_u2 * sin_lam / sin_sigma)
            cos2_alpha = 1 - sin_alpha**2
            cos_2sm = np.where(cos2_alpha == 0, 0.0, cos_sigma - 2 * sin_u1 * sin_u2 / cos2_alpha)
            c = F / 16 * cos2_alpha * (4 + F * (4 - 3 * cos2_alpha))
            new = big_l + (1 - c) * F * sin_alpha * (
                sigma + c * sin_sigma * (cos_2sm + c * cos_sigma * (-1 + 2 * cos_2sm**2)))
            converged = np.abs(new - lam) < 1e-12
            lam = new
            if converged.all():
                break
        u_sq = cos2_alpha * (A**2 - B**2) / B**2
        big_a = 1 + u_sq / 16384 * (4096 + u_sq * (-768 + u_sq * (320 - 175 * u_sq)))
        big_b = u_sq / 1024 * (256 + u_sq * (-128 + u_sq * (74 - 47 * u_sq)))
        delta = big_b * sin_sigma * (cos_2sm + big_b / 4 * (
            cos_sigma * (-1 + 2 * cos_2sm**2)
            - big_b / 6 * cos_2sm * (-3 + 4 * sin_sigma**2) * (-3 + 4 * cos_2sm**2)))
        metres = B * big_a * (sigma - delta)
    metres = np.where(sin_sigma == 0, 0.0, metres)
    km = metres / 1000.0
    stuck = ~converged | ~np.isfinite(km)
    if stuck.any():
        km = np.where(stuck, haversine_km(lat1, lon1, lat2, lon2), km)
    return km


def haversine_km(lat1, lon1, lat2, lon2) -> np.ndarray:
    """Great-circle distance on the mean-radius sphere (radians in, broadcasting)."""
    h = np.sin((lat2 - lat1) / 2) ** 2 + np.cos(lat1) * np.cos(lat2) * np.sin((lon2 - lon1) / 2) ** 2
    return 2 * MEAN_RADIUS_KM * np.arcsin(np.sqrt(np.clip(h, 0.0, 1.0)))
