"""Travel estimates: the batch geodesic agrees with geopy, and minutes follow the settings."""

from __future__ import annotations

import math
import random

import numpy as np
from geopy.distance import geodesic

from scheduler.api import load
from scheduler.world.geodesy import MEAN_RADIUS_KM, distance_km
from scheduler.world.travel import Travel


def test_batch_geodesic_agrees_with_geopy_across_the_uk():
    rng = random.Random(7)
    homes = np.array([(rng.uniform(49.9, 60.8), rng.uniform(-8.6, 1.7)) for _ in range(60)])
    venues = np.array([(rng.uniform(50.0, 58.0), rng.uniform(-5.0, 1.5)) for _ in range(15)])
    ours = distance_km(homes, venues)
    theirs = np.array([[geodesic(tuple(h), tuple(v)).km for v in venues] for h in homes])
    assert np.abs(ours - theirs).max() < 1e-6  # under a millimetre
    assert distance_km(venues[:1], venues[:1])[0, 0] == 0.0


def test_points_half_a_globe_apart_fall_back_to_the_sphere():
    # Vincenty's formula does not converge for (nearly) antipodal points; UK data never has them,
    # but the answer is still a distance, not NaN.
    km = distance_km(np.array([(0.0, 0.0)]), np.array([(0.5, 179.7), (51.0, -0.2)]))
    assert np.isfinite(km).all()
    assert abs(km[0, 0] - math.pi * MEAN_RADIUS_KM) < 0.01 * math.pi * MEAN_RADIUS_KM
    assert abs(km[0, 1] - geodesic((0.0, 0.0), (51.0, -0.2)).km) < 1e-6


def test_minutes_are_rounded_up_and_public_transport_waits(tiny):
    ds = load(tiny())
    travel = Travel(ds)
    venue, person = ds.venues["V2"], ds.participants["PC1"]
    km = geodesic(person.home, (venue.latitude, venue.longitude)).km
    s = ds.settings
    assert travel.person_to_venue(person, venue) == math.ceil(km * s.winding_factor / s.speed_kmh["car"] * 60)
    assert travel.minutes(km, "public_transport") == (
        math.ceil(km * s.winding_factor / s.speed_kmh["public_transport"] * 60) + s.public_transport_wait_minutes)


def test_measured_times_override_the_estimate(tiny):
    ds = load(tiny(travel=[{"from": "PC1", "to": "V2", "minutes": "7"},
                           {"from": "RH13", "to": "V1", "minutes": "3"},
                           {"from": "V1", "to": "V2", "minutes": "11"}]))
    travel = Travel(ds)
    assert travel.person_to_venue(ds.participants["PC1"], ds.venues["V2"]) == 7
    assert travel.person_to_venue(ds.participants["YP1"], ds.venues["V1"]) == 3  # by postcode district
    assert travel.venue_to_venue(ds.venues["V2"], ds.venues["V1"]) == 11


def test_person_rows_agree_with_single_journeys(tiny):
    """A person's row of minutes (rules read a series at once) is the estimate, or the measured
    time of the person, else of their home district, one venue at a time."""
    ds = load(tiny(travel=[{"from": "PC1", "to": "V2", "minutes": "7"},
                           {"from": "RH13", "to": "V1", "minutes": "3"},
                           {"from": "RH13", "to": "V2", "minutes": "4"}]))
    travel = Travel(ds)
    for person in ds.participants.values():
        row = travel.person_row(person)
        assert not row.flags.writeable
        for i, venue in enumerate(ds.venues.values()):
            measured = ds.travel_overrides.get(tuple(sorted((person.participant_id, venue.venue_id))))
            if measured is None and person.home_district:
                measured = ds.travel_overrides.get(tuple(sorted((person.home_district, venue.venue_id))))
            if measured is not None:
                expected = measured
            elif person.home is None:
                expected = None
            else:
                km = float(travel._home_distances(person.home)[i])
                expected = travel.minutes(km, person.travel_mode)
            assert travel.person_to_venue(person, venue) == expected
            assert row[i] == (-1 if expected is None else expected)
    assert travel.person_to_venue(ds.participants["PC1"], ds.venues["V2"]) == 7  # the person's own wins


def test_venue_matrix_matches_pairwise_journeys(tiny):
    ds = load(tiny(travel=[{"from": "V1", "to": "V2", "minutes": "11"}]))
    travel = Travel(ds)
    people = [ds.participants["PC1"], ds.participants["YP1"]]
    matrix = travel.between_matrix(people)
    ids = list(ds.venues)
    for i, a in enumerate(ids):
        for j, b in enumerate(ids):
            assert matrix[i, j] == travel.between_for(ds.venues[a], ds.venues[b], people)
    plain = load(tiny())
    t2 = Travel(plain)
    assert t2.between_matrix(people)[0, 1] == t2.between_for(plain.venues["V1"], plain.venues["V2"], people) > 0


def test_blocks_of_a_large_batch_give_the_same_distances(monkeypatch):
    """distance_km works in blocks of pairs; the blocks must join up exactly."""
    from scheduler.world import geodesy

    rng = np.random.default_rng(7)
    homes = np.c_[rng.uniform(50.7, 51.2, 300), rng.uniform(-1.0, 0.1, 300)]
    venues = np.c_[rng.uniform(50.7, 51.2, 70), rng.uniform(-1.0, 0.1, 70)]
    whole = distance_km(homes, venues)
    monkeypatch.setattr(geodesy, "BLOCK_PAIRS", 1000)  # 14 homes a block, the last one short
    assert np.allclose(geodesy.distance_km(homes, venues), whole, rtol=0, atol=1e-9)  # a micrometre
