"""venue_rotation: consecutive meetings of a series are at different places.

"Venues vary across the county": a series should not meet twice running at one place. Two venues
under `near_km` apart (default 3 km: two buildings on one site, or in one town centre) are the
same place, so moving between them is not a move. Consecutive means consecutive *scheduled*
occurrences in date order (a pair also counts when every occurrence between is unplaced).

The model: for each venue v of the earlier occurrence, one row
`y_a[v] + sum(y_b[w] for w near v) - sum(placed between) <= 1 + relaxed`, exact because each
occurrence chooses one venue; one `relaxed` literal per pair.
"""

from __future__ import annotations

from itertools import pairwise

import numpy as np
from ortools.sat.python import cp_model

from scheduler.core.settings import VenueRotationKeys
from scheduler.model.series import consecutive
from scheduler.rules.base import (
    Breach,
    Rule,
    RuleInfo,
    key_of,
    scheduled_series,
    series_choices,
)
from scheduler.rules.county_spread import places_of

ORGANISER_WEIGHT = 2_000


class VenueRotation(Rule):
    info = RuleInfo("venue_rotation", "soft", ORGANISER_WEIGHT,
                    "a series moves to a different place each time (venues 3 km or more apart) rather "
                    "than meeting twice running in one place", keys=VenueRotationKeys)
    model_order = 140
    between = True
    within_series = True

    def applies(self, ds, meeting) -> bool:
        return meeting.recurrence != "once"

    def constrain(self, ctx):
        strength = self.strength(ctx)
        if strength == "off":
            return []
        m = ctx.model
        near_km = ctx.ds.settings.near_km
        places = places_of(ctx.ds)
        rows_of: dict = {}  # occurrence -> its venues' rows in the distance table

        def rows(c):
            if c.key not in rows_of:
                rows_of[c.key] = np.array([places.index[v] for v in c.venues], dtype=np.int64)
            return rows_of[c.key]

        out = []
        for group in series_choices(ctx).values():
            for a, b, between in consecutive(group):
                near = places.km[np.ix_(rows(a), rows(b))] < near_km  # a's venues x b's venues
                if not near.any():
                    continue
                if strength == "hard" and a.fixed and b.fixed:
                    continue  # both kept as given: the validator reports them
                label = f"{a.name}-{b.name}.{self.name}"
                relaxed = m.NewBoolVar(f"relaxed.{label}") if strength == "soft" else None
                for i in np.flatnonzero(near.any(axis=1)):
                    terms = [a.y[i], *(b.y[j] for j in np.flatnonzero(near[i]))]
                    row = cp_model.LinearExpr.Sum(terms) - cp_model.LinearExpr.Sum(between)
                    m.Add(row <= 1 + relaxed if relaxed is not None else row <= 1)
                if relaxed is not None:
                    out.append(self.penalty(ctx, b, relaxed, label))
        return out

    def hint_cost(self, ctx, c, neighbours, vid) -> int:
        near_km = ctx.ds.settings.near_km
        places = places_of(ctx.ds)
        return ctx.weight(self.name) * sum(1 for _, _, pv in neighbours if places.near(pv, vid, near_km))

    def check_plan(self, ck, rows):
        near_km = ck.ds.settings.near_km
        places = places_of(ck.ds)
        for group in scheduled_series(rows).values():
            for a, b in pairwise(group):
                if a.venue_id not in ck.ds.venues or b.venue_id not in ck.ds.venues:
                    continue
                if a.venue_id == b.venue_id:
                    yield Breach(key_of(b), f"same venue {b.venue_id} as the previous one ({a.day})")
                elif places.near(a.venue_id, b.venue_id, near_km):
                    km = places.between(a.venue_id, b.venue_id)
                    yield Breach(key_of(b), f"{b.venue_id} is {km:.1f} km from {a.venue_id}, the previous one "
                                            f"({a.day}): the same place (under {near_km:g} km)")

    # -- sentences -----------------------------------------------------------------------------
    def relaxed_reason(self, ctx, c) -> str:
        return "no venue at another place was free, or moving would break heavier rules"

    def fact(self, fx, key, rules, keys, context, promote) -> str:
        return fx.pair_fact(key, self, keys[1:], context) if key == keys[0] else ""

    def pair_lead(self, meeting) -> str:
        return "Consecutive meetings of a series must be at different places (venues 3 km or more apart by default)"

    def pair_line(self, fx, key, other, slot, free, where) -> str | None:
        if other[0] == key[0] and abs(other[1] - key[1]) == 1 and slot is not None:
            return f"{fx.label(other)} is at {fx.ds.venues[slot[2]].name} ({slot[2]})"
        return None

    def gist(self, fx, key, others) -> str:
        return "consecutive meetings of the series must change place"


RULE = VenueRotation()
